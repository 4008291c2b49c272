import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, fleetsim, ROOT } from '../helpers/cli.js';
import { ensureSweepBuilt } from '../sweep/built.js';

/**
 * Outputs never lose data: an --out that is not a writable folder is one line before anything
 * runs; another scenario's report or another sweep's results are not overwritten without --force;
 * a results line edited after it was written is not trusted; Ctrl-C and SIGTERM keep what is done.
 */

const SMALL = join(ROOT, 'test/sweep/fixtures/small.yaml');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'fleetsim-outputs-'));

/** One line on stderr, `fleetsim: ...`, no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

/** Start the CLI, send `signal` once its progress bar has drawn (the run is under way), and collect the result. */
/** Run the CLI and send `signal` once its progress bar shows (with `moved`, once it shows some progress). */
function interrupted(args: string[], signal: NodeJS.Signals, moved = false): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--progress'], { cwd: ROOT, env: { ...process.env, CI: '1' } });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && (moved ? /\[#+\.*\]/ : /\[[#.]+\]/).test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      // The progress bar's line is ended (\r and erase-line) before the one line that follows.
      resolve({ code, stdout, stderr: stderr.replace(/\r\x1b\[K/g, '\n') });
    });
  });
}

/** A scenario that runs for a while (tens of seconds): a long stream of Jobs on the small fleet. */
function slowScenario(dir: string): string {
  const text = readFileSync(SMALL, 'utf8').replace('duration: 40m', 'duration: 20d').replace('rate: { kind: constant, rate: 0.01 }', 'rate: { kind: constant, rate: 0.02 }').replace('until: 30m', 'until: 20d');
  const file = join(dir, 'slow.yaml');
  writeFileSync(file, text);
  return file;
}

describe('outputs never lose data', () => {
  beforeAll(() => ensureSweepBuilt());

  it('--out naming a file, a place nothing can be created, or an unwritable folder: one line, exit 2, before running', () => {
    const dir = tmp();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'keep me');
    for (const cmd of ['run', 'sweep']) {
      const r = fleetsim([cmd, SMALL, '--out', file, '--replications', '1'].slice(0, cmd === 'run' ? 4 : 6));
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toMatch(/^fleetsim: --out .*a-file: expected a folder, found a file$/);
      expect(readFileSync(file, 'utf8')).toBe('keep me');
    }
    const proc = fleetsim(['run', SMALL, '--out', '/proc/x']);
    expect(proc.code).toBe(2);
    expect(oneLine(proc.stderr)).toMatch(/^fleetsim: --out \/proc\/x: expected a folder that can be created, found \/proc\/x /);
    const under = fleetsim(['run', SMALL, '--out', join(file, 'sub')]);
    expect(under.code).toBe(2);
    expect(oneLine(under.stderr)).toMatch(/expected a folder, found a path through the file/);
  });

  it("run does not overwrite another scenario's report, or other files, without --force", () => {
    const dir = tmp();
    const out = join(dir, 'out');
    expect(fleetsim(['run', SMALL, '--out', out]).code).toBe(0);
    // The same scenario again: its own report is replaced.
    expect(fleetsim(['run', SMALL, '--out', out]).code).toBe(0);
    const other = join(dir, 'other.yaml');
    writeFileSync(other, readFileSync(SMALL, 'utf8').replace('name: sweep-small', 'name: another'));
    const r = fleetsim(['run', other, '--out', out]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/holds the report of scenario sweep-small, not of another: give another --out, or --force to replace it$/);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).scenario).toBe('sweep-small');
    expect(fleetsim(['run', other, '--out', out, '--force']).code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).scenario).toBe('another');
    const docs = join(dir, 'docs');
    mkdirSync(docs);
    writeFileSync(join(docs, 'index.html'), '<p>mine</p>');
    const d = fleetsim(['run', SMALL, '--out', docs]);
    expect(d.code).toBe(2);
    expect(oneLine(d.stderr)).toMatch(/holds 1 file that are not a fleetsim report \(index\.html\)/);
    expect(readFileSync(join(docs, 'index.html'), 'utf8')).toBe('<p>mine</p>');
  });

  it('sweep does not truncate another sweep without --resume or --force; an edited results line is not trusted', () => {
    const dir = tmp();
    const out = join(dir, 'sw');
    const base = ['sweep', SMALL, '--replications', '1', '--workers', '1', '--out', out];
    expect(fleetsim(base).code).toBe(0);
    const before = readFileSync(join(out, 'runs.jsonl'), 'utf8');
    const again = fleetsim(base);
    expect(again.code).toBe(2);
    expect(oneLine(again.stderr)).toMatch(/runs\.jsonl holds the results of 2 runs of a sweep of sweep-small: continue it with --resume, write elsewhere with --out, or replace it with --force$/);
    expect(readFileSync(join(out, 'runs.jsonl'), 'utf8')).toBe(before);
    const resumed = fleetsim([...base, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('0 runs now, 2 done before');

    // Edit a run line (its pending count): merge refuses the file, --resume runs that run again.
    const lines = before.trimEnd().split('\n');
    lines[1] = lines[1].replace(/"seed":(\d+)/, (_, s: string) => `"seed":${Number(s) + 1}`);
    writeFileSync(join(out, 'runs.jsonl'), lines.join('\n') + '\n');
    const merged = fleetsim(['merge', join(out, 'runs.jsonl'), '--out', join(dir, 'merged')]);
    expect(merged.code).toBe(2);
    expect(oneLine(merged.stderr)).toMatch(/runs\.jsonl:2: a line whose checksum does not match \(edited or damaged after it was written\)/);
    const healed = fleetsim([...base, '--resume']);
    expect(healed.code, healed.stderr).toBe(0);
    expect(healed.stderr).toMatch(/note: 1 line of .*runs\.jsonl had a checksum that did not match .* its run ran again/);
    expect(healed.stdout).toContain('1 runs now, 1 done before');
    expect(fleetsim(['merge', join(out, 'runs.jsonl'), '--out', join(dir, 'merged')]).code).toBe(0);
    expect(fleetsim([...base, '--force']).code).toBe(0);
  });

  it('Ctrl-C during a run: one line, exit 130, and a partial report that says so', async () => {
    const dir = tmp();
    const out = join(dir, 'out');
    // Once the run shows progress: it is under way (its simulated time is the bar).
    const r = await interrupted(['run', slowScenario(dir), '--out', out], 'SIGINT', true);
    expect(r.code).toBe(130);
    const line = r.stderr.split('\n').filter((l) => l.startsWith('fleetsim:'));
    expect(line).toHaveLength(1);
    expect(line[0]).toMatch(/^fleetsim: interrupted: kept 0 of 1 run whole and 1 cut short in a partial report in .*; run them again with: fleetsim run .*slow\.yaml/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { partial?: string[]; runs: { partial?: { reason: string; at: number } }[] };
    expect(summary.runs[0].partial?.reason).toBe('interrupted');
    expect(summary.runs[0].partial?.at).toBeGreaterThan(0);
    expect(summary.partial?.[0]).toMatch(/^PARTIAL: karmada stopped at .* of 480h 00m simulated: interrupted/);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('PARTIAL: ');
  });

  it('SIGTERM during a sweep: one line with the --resume command, exit 143, finished runs kept', async () => {
    const dir = tmp();
    const scenario = slowScenario(dir);
    copyFileSync(SMALL, join(dir, 'small.yaml'));
    const out = join(dir, 'sw');
    const r = await interrupted(['sweep', scenario, '--replications', '2', '--workers', '2', '--out', out], 'SIGTERM');
    expect(r.code).toBe(143);
    const line = r.stderr.split('\n').filter((l) => l.startsWith('fleetsim:'));
    expect(line).toHaveLength(1);
    expect(line[0]).toMatch(/^fleetsim: interrupted: kept \d+ finished runs? in .*runs\.jsonl \(\d+ not finished\); continue with: fleetsim sweep .*slow\.yaml .*--resume$/);
    expect(existsSync(join(out, 'runs.jsonl'))).toBe(true);
  });
});
