import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fleetsim } from '../helpers/cli.js';
import { ensureSweepBuilt } from '../sweep/built.js';

const FIX = join(import.meta.dirname, 'fixtures');

describe('fleetsim bench (CLI)', () => {
  beforeAll(() => ensureSweepBuilt());

  it('records a baseline, fails a worse scheduler (exit 1), passes a same-seed rerun (exit 0); writes Markdown and JUnit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-bench-'));
    cpSync(FIX, dir, { recursive: true });
    const run = (...args: string[]) => fleetsim(['bench', ...args, '--out', 'out', '--workers', '1'], { cwd: dir });

    const missing = run('good.suite.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('fleetsim: gate-test.baseline.json: no baseline here; record one with --update-baseline (or give --baseline FILE)\n');

    const rec = run('good.suite.yaml', '--update-baseline');
    expect(rec.code).toBe(0);
    const baseline = readFileSync(join(dir, 'gate-test.baseline.json'), 'utf8');
    expect(JSON.parse(baseline).cases[0].seeds).toHaveLength(4);

    const worse = run('worse.suite.yaml');
    expect(worse.code).toBe(1);
    expect(worse.stdout).toContain('bench gate-test: FAILED: 3 regression(s)');
    const junit = readFileSync(join(dir, 'out/junit.xml'), 'utf8');
    expect(junit.match(/<failure type="regression"/g)).toHaveLength(3);
    expect(readFileSync(join(dir, 'out/summary.md'), 'utf8')).toMatch(/^## fleetsim bench: gate-test — ❌ 3 regression\(s\) in 3 checks/);

    const again = run('good.suite.yaml');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('bench gate-test: passed');
    expect(readFileSync(join(dir, 'out/junit.xml'), 'utf8')).toContain('tests="3" failures="0" errors="0" skipped="0"');

    // Re-recording an unchanged baseline changes no byte, with any number of workers.
    expect(fleetsim(['bench', 'good.suite.yaml', '--update-baseline', '--workers', '2', '--out', 'out2'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'gate-test.baseline.json'), 'utf8')).toBe(baseline);
    expect(existsSync(join(dir, 'out2/results.json'))).toBe(true);
  });
});
