import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fleetsim, ROOT } from '../helpers/cli.js';
import { ensureSweepBuilt } from '../sweep/built.js';

describe('fleetsim check (CLI) and the fleetsim/testing export', () => {
  beforeAll(() => ensureSweepBuilt());

  it('finds the planted bug, writes a minimal scenario that validates and reproduces it', () => {
    const out = mkdtempSync(join(tmpdir(), 'fleetsim-check-'));
    const r = fleetsim(['check', 'examples/policies/spread-evenly.mjs', '--runs', '30', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('VIOLATION  spread-evenly: replica-conservation after');
    const file = join(out, 'spread-evenly.counterexample.yaml');
    expect(existsSync(file)).toBe(true);
    const body = readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(body.length).toBeLessThanOrEqual(10);
    expect(r.stdout).toContain(`--runs 0 --allow-read ${join(ROOT, 'examples/policies')}`);
    expect(fleetsim(['validate', file, '--allow-read', 'examples/policies']).code).toBe(0);
    const again = fleetsim(['check', file, '--runs', '0', '--allow-read', 'examples/policies']);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/VIOLATION  spread-evenly-counterexample × spread-evenly: replica-conservation: Deployment default\/w0 at t=0\.050s: Divided placement sums to 2 replicas, 1 asked/);
  });

  it('a correct policy passes; a scenario target is checked as written, then its schedulers; mistakes exit 2', () => {
    const ok = fleetsim(['check', 'karmada', '--runs', '8']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('ok         karmada: 8 random scenarios (seed 1) kept every invariant');
    const sc = fleetsim(['check', 'test/diff/fixtures/three-clusters.yaml', '--runs', '3', '--scheduler', 'karmada', '--scheduler', 'dynamic-weight']);
    expect(sc.code).toBe(0);
    expect(sc.stdout).toContain('ok         diff-three × karmada');
    expect(sc.stdout).toContain('ok         dynamic-weight: 3 random scenarios');
    const bad = fleetsim(['check', 'karmada', '--invariant', 'no-such']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^fleetsim: --invariant: unknown invariant 'no-such' \(known: run-completes, /);
  });

  it('the kit is importable as fleetsim/testing', async () => {
    const kit = await import('fleetsim/testing');
    expect(typeof kit.checkPolicy).toBe('function');
    expect(kit.INVARIANTS.map((i: { name: string }) => i.name)).toContain('gang-all-or-nothing');
  });
});
