import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffSchedulers, formatDiff } from '../../src/diff/index.js';
import { registerBuiltinSchedulers } from '../../src/placement/builtin.js';
import { loadScenario } from '../../src/scenario/load.js';
import { fleetsim } from '../helpers/cli.js';
import { ensureSweepBuilt } from '../sweep/built.js';

const FIX = join(import.meta.dirname, 'fixtures');
const scenario = () => loadScenario(join(FIX, 'three-clusters.yaml'));

describe('fleetsim diff', () => {
  beforeAll(() => registerBuiltinSchedulers());

  it('the same scheduler twice: identical', async () => {
    const d = await diffSchedulers(scenario(), 'karmada', 'karmada');
    expect(d.identical).toBe(true);
    expect(d.firstDivergence).toBeNull();
    expect(d.placements).toEqual([]);
    expect(d.replicas).toEqual([]);
    expect(d.decisions.a).toBeGreaterThan(0);
    expect(formatDiff(d)).toContain('identical: every placement and every bind is the same');
  });

  it('karmada vs dynamic-weight: the first divergence is the division of web, decided by static weight vs available replicas', async () => {
    const d = await diffSchedulers(scenario(), 'karmada', 'dynamic-weight');
    expect(d.identical).toBe(false);
    const f = d.firstDivergence!;
    expect(f.a).toBe('placement of Deployment default/web at 0.050s: a:2, b:4');
    expect(f.b).toBe('placement of Deployment default/web at 0.050s: a:3, b:3');
    expect(f.decidedBy).toEqual([
      'a: A 2, B 3 replicas — replica division (A StaticWeight, weight 1 of 3; B DynamicWeight, available replicas 16 of 32)',
      'b: A 4, B 3 replicas — replica division (A StaticWeight, weight 2 of 3; B DynamicWeight, available replicas 16 of 32)',
    ]);
    // Only web differs: agent is Duplicated under both.
    expect(d.placements.map((p) => p.workload)).toEqual(['Deployment default/web']);
    // Replica 2 (the third bind of web) went to a under B, to b under A.
    const moved = d.replicas.filter((r) => r.what === 'cluster');
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ workload: 'Deployment default/web', a: { cluster: 'b' }, b: { cluster: 'a' } });
    expect(moved[0].a!.node).toMatch(/^b-n-[01]$/);
  });

  it("a user's plugin module vs karmada: names the module's filter, and Karmada's TaintToleration filter", async () => {
    const d = await diffSchedulers(scenario(), join(FIX, 'not-b.mjs'), 'karmada');
    const web = d.placements.find((p) => p.workload === 'Deployment default/web')!;
    expect(web.a!.result).toBe('a:6');
    expect(web.clusters).toEqual([
      { cluster: 'a', a: 6, b: 2, decidedBy: 'A not-b: score 10 (rank 1 of 1), then its assign step; B karmada: replica division StaticWeight, weight 1 of 3' },
      { cluster: 'b', a: 0, b: 4, decidedBy: 'filter not-b (A: b is reserved; passed under B)' },
    ]);
    const agent = d.placements.find((p) => p.workload === 'Deployment default/agent')!;
    expect(agent.clusters).toEqual([{ cluster: 'b', a: 0, b: 1, decidedBy: 'filter not-b (A: b is reserved; passed under B)' }]);
    // And Karmada's own filter, when the other side ignores the taint.
    const d2 = await diffSchedulers(scenario(), 'karmada', join(FIX, 'ignore-taints.mjs'));
    const lines = d2.placements.flatMap((p) => p.clusters.map((c) => `${p.workload} ${c.cluster}: ${c.decidedBy}`));
    expect(lines.some((l) => /c: filter TaintToleration \(A: cluster\(s\) had untolerated taint \{dedicated=gpu:NoSchedule\}; passed under B\)$/.test(l))).toBe(true);
  });

  it('CLI: exit 1 when the schedulers differ, 0 when not; --json', () => {
    ensureSweepBuilt();
    const file = join(FIX, 'three-clusters.yaml');
    const r = fleetsim(['diff', file, '--scheduler', 'karmada', '--scheduler', 'static-weight']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('identical');
    const r2 = fleetsim(['diff', file, '--scheduler', 'karmada', '--scheduler', 'dynamic-weight', '--json']);
    expect(r2.code).toBe(1);
    const j = JSON.parse(r2.stdout);
    expect(j.firstDivergence.t).toBe(0.05);
    expect(j.placements).toHaveLength(1);
    const bad = fleetsim(['diff', file, '--scheduler', 'karmada']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('fleetsim: diff needs exactly two schedulers (--scheduler A --scheduler B), found 1\n');
  });
});
