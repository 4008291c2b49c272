import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerBuiltinSchedulers } from '../../src/placement/builtin.js';
import { runScenario } from '../../src/runner/run.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenario } from '../../src/scenario/load.js';

/**
 * A run that continues a fleet from an imported initial state: pods already in place at t = 0,
 * Karmada's bindings where they were, controllers doing afterwards what they do.
 */

registerBuiltinSchedulers();

const FLEET = `
apiVersion: fleetsim/v1
name: warm
duration: 30m
initialState: fleet.state.json
karmada:
  featureGates: { Failover: true }
  enableNoExecuteTaintEviction: true
  clusterTaintPolicies:
    - name: evict-when-not-ready
      addOnConditions: [{ conditionType: Ready, operator: NotIn, statusValues: ["True"] }]
      removeOnConditions: [{ conditionType: Ready, operator: In, statusValues: ["True"] }]
      taints: [{ key: cluster.karmada.io/not-ready, effect: NoExecute }]
fleet:
  clusters:
    - { name: host, role: host, region: r1, nodePools: [] }
    - name: a
      region: r1
      nodePools:
        - { name: p, count: 3, cpu: 4, memory: 8Gi, nodes: [a-1, a-2, a-3] }
    - name: b
      region: r1
      nodePools:
        - { name: p, count: 3, cpu: 4, memory: 8Gi, nodes: [b-1, b-2, b-3], cordoned: [b-3] }
policies:
  - name: spread
    resourceSelectors: [{ apiVersion: apps/v1, kind: Deployment, name: web }]
    placement:
      clusterAffinity: { clusterNames: [a, b] }
      clusterTolerations: [{ key: cluster.karmada.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 30 }]
      replicaScheduling: { replicaSchedulingType: Divided, replicaDivisionPreference: Weighted, weightPreference: { dynamicWeight: AvailableReplicas } }
`;

function item(o: object): string {
  return JSON.stringify(o);
}

function scenario(extra: string, items: object[]) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-warm-'));
  writeFileSync(join(dir, 'fleet.yaml'), FLEET + extra);
  writeFileSync(join(dir, 'fleet.state.json'), `{"apiVersion": "fleetsim/v1", "kind": "InitialState", "items": [\n${items.map(item).join(',\n')}\n]}\n`);
  return loadScenario(join(dir, 'fleet.yaml'));
}

const web = (replicas: number, a: Record<string, number>, b: Record<string, number>, extra: object = {}) => ({
  kind: 'Workload', controller: 'Deployment', apiVersion: 'apps/v1', namespace: 'default', name: 'web', lifecycle: 'service', image: 'nginx',
  resources: { cpu: '1', memory: '1Gi' }, binding: { name: 'web-deployment', replicas, policy: 'spread' },
  clusters: [{ name: 'a', replicas: Object.values(a).reduce((s, x) => s + x, 0), pods: a }, { name: 'b', replicas: Object.values(b).reduce((s, x) => s + x, 0), pods: b }],
  ...extra,
});

describe('warm start', () => {
  it('a binding keeps the placement the dump had (sticky), its pods Ready at t = 0 where they ran', async () => {
    // Dynamic weight would now split 3:3 (or so); the dump has 5 on a and 1 on b: it stays.
    const s = scenario('', [web(6, { 'a-1': 3, 'a-2': 2 }, { 'b-1': 1 })]);
    const r = await runScenario(s);
    const w = r.workloads.find((x) => x.name === 'web')!;
    expect(w.placement).toEqual({ a: 5, b: 1 });
    expect([w.timeToScheduled, w.timeToAllReady, w.ready]).toEqual([0, 0, 6]);
    expect(r.initialState!.clusters.find((c) => c.name === 'a')!.cpu).toBeCloseTo(5 / 12, 12);
  });

  it('a binding whose replicas differ from what is placed is rescheduled from its placement (steady scale-up)', async () => {
    const s = scenario('', [web(8, { 'a-1': 3, 'a-2': 2 }, { 'b-1': 1 })]);
    const r = await runScenario(s);
    const w = r.workloads.find((x) => x.name === 'web')!;
    // Only the 2 missing replicas are placed; the 5 and the 1 stay.
    expect(w.placement.a! >= 5 && w.placement.b! >= 1 && w.placement.a! + w.placement.b! === 8).toBe(true);
    expect(w.ready).toBe(8);
  });

  it('losing a member moves its replicas elsewhere (Failover on), as Karmada would from the imported placement', async () => {
    const s = scenario('faults: [{ kind: cluster-outage, cluster: b, at: 5m }]\n', [web(6, { 'a-1': 3 }, { 'b-1': 2, 'b-2': 1 })]);
    const r = await runScenario(s);
    const w = r.workloads.find((x) => x.name === 'web')!;
    expect(w.placement).toEqual({ a: 6 });
    expect(w.ready).toBe(6);
    expect(r.failovers[0].failover).toBeGreaterThan(0);
  });

  it("a member's own workloads: a DaemonSet's pod comes back on its node, a bare pod is gone for good, Pending pods bind in the first cycle", async () => {
    const s = scenario('faults: [{ kind: node-crash, cluster: a, node: a-2, at: 1m, duration: 5m }]\n', [
      { kind: 'Workload', controller: 'DaemonSet', apiVersion: 'apps/v1', namespace: 'kube-system', name: 'proxy', lifecycle: 'per-node', resources: { cpu: '100m', memory: '64Mi' }, clusters: [{ name: 'a', pods: { 'a-1': 1, 'a-2': 1 } }] },
      { kind: 'Workload', controller: 'Pod', apiVersion: 'v1', namespace: 'default', name: 'lone', lifecycle: 'bare', resources: { cpu: '500m', memory: '64Mi' }, clusters: [{ name: 'a', pods: { 'a-2': 1 } }] },
      { kind: 'Workload', controller: 'Deployment', apiVersion: 'apps/v1', namespace: 'default', name: 'api', lifecycle: 'service', resources: { cpu: '1', memory: '64Mi' }, clusters: [{ name: 'a', pods: { 'a-1': 1 }, pending: 2, pendingFor: 30 }] },
    ]);
    const r = await runScenario(s);
    const a = r.initialState!.clusters.find((c) => c.name === 'a')!;
    expect([a.bound, a.pending]).toEqual([4, 2]);
    expect(a.ownWorkloads).toBe(3);
    // At the end: proxy 2 (back on a-2), lone 0 (lost with its node), api 3 (pending ones bound).
    expect(a.ownReadyAtEnd).toBe(5);
    expect(r.series.clusters.a.replicas[0]).toBe(4); // the pending pods were bound at t = 0, Ready later
    expect(r.series.clusters.a.pending[0]).toBe(0);
  });

  it('a cordoned node keeps its pods and takes no new ones', async () => {
    const s = scenario('', [
      { kind: 'Workload', controller: 'Deployment', apiVersion: 'apps/v1', namespace: 'default', name: 'svc', lifecycle: 'service', resources: { cpu: '1', memory: '1Gi' }, clusters: [{ name: 'b', pods: { 'b-3': 2 }, pending: 8 }] },
    ]);
    const r = await runScenario(s);
    const b = r.initialState!.clusters.find((c) => c.name === 'b')!;
    expect(b.bound).toBe(2);
    // b-1 and b-2 take 4 each; b-3 (cordoned) only its 2: 10 running.
    expect(b.ownReadyAtEnd).toBe(10);
  });

  it("a pool's taints keep pods that do not tolerate them off its nodes; a pod's nodeSelector keeps it on matching ones", async () => {
    const tainted = FLEET.replace('        - { name: p, count: 3, cpu: 4, memory: 8Gi, nodes: [a-1, a-2, a-3] }', "        - { name: p, count: 2, cpu: 4, memory: 8Gi, nodes: [a-1, a-2], labels: { disk: ssd } }\n        - { name: sys, count: 1, cpu: 4, memory: 8Gi, nodes: [a-3], taints: [{ key: CriticalAddonsOnly, value: 'true', effect: NoSchedule }] }");
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-warm-'));
    writeFileSync(join(dir, 'fleet.yaml'), tainted);
    const items = [
      { kind: 'Workload', controller: 'Deployment', apiVersion: 'apps/v1', namespace: 'default', name: 'app', lifecycle: 'service', resources: { cpu: '1', memory: '1Gi' }, clusters: [{ name: 'a', pods: {}, pending: 12 }] },
      { kind: 'Workload', controller: 'Deployment', apiVersion: 'apps/v1', namespace: 'kube-system', name: 'dns', lifecycle: 'service', resources: { cpu: '1', memory: '1Gi' }, nodeSelection: { tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }], nodeSelector: { 'kubernetes.io/hostname': 'a-3' } }, clusters: [{ name: 'a', pods: {}, pending: 2 }] },
    ];
    writeFileSync(join(dir, 'fleet.state.json'), `{"items": [\n${items.map(item).join(',\n')}\n]}\n`);
    const r = await runScenario(loadScenario(join(dir, 'fleet.yaml')));
    const a = r.initialState!.clusters.find((c) => c.name === 'a')!;
    // app: 8 fit on a-1 and a-2 (4 cores each), 4 wait; dns: both on a-3, the only node it may use.
    expect([a.ownDesired, a.ownReadyAtEnd]).toEqual([14, 10]);
    expect(r.clusters.find((c) => c.name === 'a')!.pending).toBe(4);
  });

  it('a node overcommitted in the dump (its GPUs fewer than its pods hold) stays so, and the run goes on', async () => {
    const gpu = FLEET.replace('        - { name: p, count: 3, cpu: 4, memory: 8Gi, nodes: [a-1, a-2, a-3] }', '        - { name: p, count: 3, cpu: 4, memory: 8Gi, nodes: [a-1, a-2, a-3], gpus: { count: 2 } }');
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-warm-'));
    writeFileSync(join(dir, 'fleet.yaml'), gpu);
    const items = [{ kind: 'Workload', controller: 'Deployment', apiVersion: 'apps/v1', namespace: 'default', name: 'train', lifecycle: 'service', resources: { cpu: '1', memory: '1Gi', gpu: 1 }, clusters: [{ name: 'a', pods: { 'a-1': 3 }, pending: 1 }] }];
    writeFileSync(join(dir, 'fleet.state.json'), `{"items": [\n${items.map(item).join(',\n')}\n]}\n`);
    const r = await runScenario(loadScenario(join(dir, 'fleet.yaml')));
    const a = r.initialState!.clusters.find((c) => c.name === 'a')!;
    expect(a.gpu).toBeCloseTo(3 / 6, 12);
    // The pending one binds on another node; a-1 takes nothing more.
    expect([a.ownDesired, a.ownReadyAtEnd]).toEqual([4, 4]);
  });

  it('validate locates a mistake in the state file: a node no pool has, a cluster not in the fleet', () => {
    const bad = (items: object[]) => {
      try {
        scenario('', items);
      } catch (e) {
        if (e instanceof ScenarioError) return e.message;
        throw e;
      }
      throw new Error('expected an error');
    };
    expect(bad([web(6, { 'a-9': 3 }, {})])).toMatch(/^.*fleet\.state\.json:2:\d+: items\[0\]\.clusters\[0\]\.pods\.a-9: expected a node of cluster a \(one of its node pools' nodes\), found node "a-9"$/);
    expect(bad([{ ...web(6, {}, {}), clusters: [{ name: 'zz', replicas: 1, pods: {} }] }])).toMatch(/items\[0\]\.clusters\[0\]\.name: expected a member cluster of the scenario \(a, b\), found "zz"/);
    expect(bad([{ kind: 'Workload', controller: 'Job', namespace: 'd', name: 'j', lifecycle: 'batch', resources: { cpu: 'lots' }, clusters: [{ name: 'a', pods: {} }] }])).toMatch(/items\[0\]\.resources\.cpu: expected a CPU quantity/);
  });
});
