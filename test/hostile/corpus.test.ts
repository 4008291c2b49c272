import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCapped, type CappedResult } from '../helpers/capped.js';
import { ensureSweepBuilt } from '../sweep/built.js';
import { HOSTILE_CASES, type HostileCase } from './corpus.js';

/**
 * Issue 18's "done when": every hostile scenario, through `validate` and `run` of the built CLI,
 * ends in exit 0, or in exit 2 with one clear line (`fleetsim: ...`, no stack trace, no file's
 * contents) — within 30 s of CPU and 2 GB of memory, never an internal error, a hang or a crash.
 * A scheduler module that throws while placing is the user's code failing: exit 1, one line.
 * `validate` ok means `run` works: after an ok, run ends in 0 (or in 2 where a run budget stops it).
 */

const CPU_SECONDS = 30;
const MEMORY_BYTES = 2e9;
/** A case blocked on something (it uses no CPU) is a hang: killed after this, and failed. */
const WALL_MS = 120_000;
/** A hard cap, far above MEMORY_BYTES, so that a runaway cannot take the machine before the test sees it. */
const ADDRESS_SPACE = 8 * 2 ** 30;
/** Secrets the corpus plants: no message may show them. */
const SECRETS = /ghp_|secret-token-value|\$y\$j9T|API_TOKEN/;

function materialize(root: string, c: HostileCase): string {
  const dir = join(root, c.name, 'case');
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(c.files)) {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    if (typeof body === 'string' || Buffer.isBuffer(body)) writeFileSync(p, body);
    else if ('symlink' in body) symlinkSync(body.symlink, p);
    else if ('fifo' in body) execFileSync('mkfifo', [p]);
    else {
      writeFileSync(p, '');
      truncateSync(p, body.sparse);
    }
  }
  return dir;
}

interface Verdict {
  readonly name: string;
  readonly command: string;
  readonly problem: string | null;
}

function judge(name: string, command: string, r: CappedResult, allowed: number[]): Verdict {
  const v = (problem: string | null): Verdict => ({ name, command, problem });
  if (r.hung) return v(`hung (killed after ${WALL_MS / 1000} s of wall time)`);
  if (r.signal || (r.code ?? 0) >= 128) return v(`crashed (${r.signal ?? `exit ${r.code}`}): ${r.stderr.slice(0, 300)}`);
  if (r.code === 70 || /internal error/.test(r.stderr)) return v(`internal error: ${r.stderr.slice(0, 300)}`);
  if (!allowed.includes(r.code!)) return v(`exit ${r.code} (expected ${allowed.join(' or ')}): ${r.stderr.slice(0, 300)}`);
  if (r.cpuSeconds !== null && r.cpuSeconds > CPU_SECONDS) return v(`${r.cpuSeconds.toFixed(1)} s of CPU`);
  if (r.maxRssBytes !== null && r.maxRssBytes > MEMORY_BYTES) return v(`${(r.maxRssBytes / 1e9).toFixed(2)} GB of memory`);
  if (SECRETS.test(r.stderr) || SECRETS.test(r.stdout)) return v(`a planted secret in the output: ${r.stderr.slice(0, 300)}`);
  if (r.code !== 0) {
    const lines = r.stderr.trim().split('\n');
    if (lines.length !== 1 || !/^fleetsim: \S/.test(lines[0])) return v(`not one clear line: ${JSON.stringify(r.stderr.slice(0, 400))}`);
  }
  return v(null);
}

/** Run `f` over `items`, `n` at a time. */
async function pool<T, R>(items: readonly T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  }));
  return out;
}

describe('hostile corpus', () => {
  beforeAll(() => ensureSweepBuilt());

  it('has at least 150 cases, of every kind', () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(150);
    expect(new Set(HOSTILE_CASES.map((c) => c.name)).size).toBe(HOSTILE_CASES.length);
  });

  it('every case: validate and run end in 0, or in 2 with one clear line; no internal error, hang or crash; within 30 s CPU and 2 GB', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fleetsim-hostile-'));
    const counts = { accepted: 0, refused: 0, ranOk: 0, runStopped: 0 };
    const verdicts = await pool(HOSTILE_CASES, Math.max(1, Math.min(4, availableParallelism())), async (c, ): Promise<Verdict[]> => {
      const dir = materialize(root, c);
      const file = join(dir, 's.yaml');
      const opts = { wallMs: WALL_MS, addressSpaceBytes: ADDRESS_SPACE, cwd: dir };
      const out: Verdict[] = [];
      const validate = await runCapped(['validate', file], opts);
      out.push(judge(c.name, 'validate', validate, [0, 2]));
      const accepted = validate.code === 0;
      if (accepted) counts.accepted++;
      else counts.refused++;
      const runArgs = ['run', file, ...(c.runArgs ?? ['--out', join(dir, '..', 'report')])];
      const run = await runCapped(runArgs, opts);
      const allowed = c.failsAtRun ? [1] : c.runArgs ? [2] : accepted ? [0, 2] : [2];
      const v = judge(c.name, 'run', run, allowed);
      out.push(v);
      if (accepted && run.code === 0) counts.ranOk++;
      // validate ok means run works: a 2 after an ok is only a run budget stopping it, with a partial report.
      if (accepted && run.code === 2 && !c.runArgs && !/stopped at .* ran out .*partial report/.test(run.stderr)) out.push({ name: c.name, command: 'run', problem: `validate said ok, run refused: ${run.stderr.trim()}` });
      if (accepted && run.code === 2) counts.runStopped++;
      return out;
    });
    const problems = verdicts.flat().filter((v) => v.problem !== null);
    expect(problems.map((p) => `${p.name} (${p.command}): ${p.problem}`)).toEqual([]);
    // Not vacuous: the corpus has cases each way.
    expect(counts.refused).toBeGreaterThan(50);
    expect(counts.ranOk).toBeGreaterThan(15);
    expect(existsSync(root)).toBe(true);
  }, 3_600_000);
});
