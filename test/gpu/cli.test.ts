import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, ensureBuilt } from './built.js';

const fixture = (f: string) => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url));
const base = ['experiment', 'fgd', '--nodes', fixture('nodes.csv'), '--pods', fixture('pods.csv'), '--seeds', '1-3'];
const out = mkdtempSync(join(tmpdir(), 'fleetsim-fgd-'));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('fleetsim experiment fgd (built CLI, tiny trace)', () => {
  beforeAll(() => ensureBuilt());
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('--json prints 131 mean allocation ratios per policy, identical for any worker count', () => {
    const one = cli([...base, '--json', '--workers', '1']);
    expect(one.stderr).toMatch(/18 of 18 runs done/);
    expect(one.code).toBe(0);
    const curves = JSON.parse(one.stdout) as Record<string, (number | null)[]>;
    expect(Object.keys(curves)).toEqual(['random', 'dotprod', 'gpuclustering', 'gpupacking', 'bestfit', 'fgd']);
    for (const c of Object.values(curves)) {
      expect(c).toHaveLength(131);
      expect(c[0]).toBe(0);
      expect(c.every((v) => typeof v === 'number' && v >= 0 && v <= 100)).toBe(true);
    }
    const three = cli([...base, '--json', '--workers', '3']);
    expect(three.code).toBe(0);
    expect(three.stdout).toBe(one.stdout);
  });

  it('without --json prints the table and writes index.html and results.json', () => {
    const r = cli([...base, '--policies', 'fgd,bestfit', '--workers', '2', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^policy\s+100% ours\s+100% published\s+diff\s+130% ours/);
    expect(r.stdout).toMatch(/^FGD\s+\d+\.\d\d\s+-\s+-\s+\d+\.\d\d/m);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('<svg');
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { runs: unknown[]; meanCurves: Record<string, unknown[]> };
    expect(results.runs).toHaveLength(6);
    expect(Object.keys(results.meanCurves)).toEqual(['fgd', 'bestfit']);
  });

  it('user mistakes exit 2 with one message naming the place', () => {
    const bad = cli(['experiment', 'fgd', '--nodes', fixture('nodes.csv'), '--pods', fixture('nodes.csv'), '--json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/nodes\.csv:1:1: header: expected the columns name,cpu_milli,memory_mib,num_gpu,gpu_milli .*, found no column "name", "num_gpu", "gpu_milli" \(5 columns, among them cpu_milli,memory_mib\)$/m);
    expect(bad.stderr).not.toMatch(/at .*\.js/);
    expect(cli([...base, '--policies', 'fgd,tetris', '--json']).stderr).toMatch(/unknown policy 'tetris'/);
    const seeds = cli(['experiment', 'fgd', '--nodes', fixture('nodes.csv'), '--pods', fixture('pods.csv'), '--seeds', '5-1', '--json']);
    expect([seeds.code, seeds.stderr]).toEqual([2, "fleetsim: --seeds: bad range '5-1' in '5-1'\n"]);
    expect(cli([...base, '--seeds', '7', '--json']).stderr).toMatch(/--seeds: given more than once/);
  });
});
