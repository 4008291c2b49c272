import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/runner/run.js';
import { matchPolicy } from '../../src/placement/policy-match.js';
import type { PolicySpec, WorkloadSpec } from '../../src/scenario/types.js';

const fleet = `
name: t
duration: 10m
fleet:
  clusters:
    - { name: a, region: r1, labels: { tier: gold }, nodePools: [{ count: 2, cpu: 8, memory: 32Gi }] }
    - { name: b, region: r2, labels: { tier: silver }, nodePools: [{ count: 2, cpu: 8, memory: 32Gi }] }
    - { name: c, region: r3, labels: { tier: gold }, taints: [{ key: maintenance, effect: NoSchedule }], nodePools: [{ count: 2, cpu: 8, memory: 32Gi }] }
`;

describe('control plane and Karmada placement in the loop', () => {
  it('a Duplicated policy puts every replica in every matching, tolerated cluster', async () => {
    const s = parseScenario(
      fleet +
        `policies:
  - name: dup
    resourceSelectors: [{ kind: Deployment, name: web }]
    placement: { clusterAffinity: { labelSelector: { matchLabels: { tier: gold } } } }
workloads:
  - { kind: Deployment, name: web, replicas: 3, resources: { cpu: 100m } }
`,
      't.yaml',
    );
    const r = await runScenario(s);
    expect(r.workloads[0].placement).toEqual({ a: 3 }); // c is gold but tainted NoSchedule
    expect(r.workloads[0].ready).toBe(3);
  });

  it('tolerating the taint lets c in', async () => {
    const s = parseScenario(
      fleet +
        `policies:
  - name: dup
    resourceSelectors: [{ kind: Deployment }]
    placement:
      clusterAffinity: { labelSelector: { matchLabels: { tier: gold } } }
      clusterTolerations: [{ key: maintenance, operator: Exists, effect: NoSchedule }]
workloads:
  - { kind: Deployment, name: web, replicas: 2, resources: { cpu: 100m } }
`,
      't.yaml',
    );
    const r = await runScenario(s);
    expect(r.workloads[0].placement).toEqual({ a: 2, c: 2 });
    expect(r.workloads[0].ready).toBe(4);
  });

  it('static weights divide by Webster; Divided without a preference is defaulted to Weighted (equal weights)', async () => {
    const s = parseScenario(
      fleet +
        `policies:
  - name: w
    resourceSelectors: [{ kind: Deployment, name: web }]
    placement:
      clusterAffinity: { clusterNames: [a, b] }
      replicaScheduling:
        replicaSchedulingType: Divided
        weightPreference:
          staticWeightList:
            - { targetCluster: { clusterNames: [a] }, weight: 2 }
            - { targetCluster: { clusterNames: [b] }, weight: 1 }
  - name: even
    resourceSelectors: [{ kind: Deployment, name: api }]
    placement: { clusterAffinity: { clusterNames: [a, b] }, replicaScheduling: { replicaSchedulingType: Divided } }
workloads:
  - { kind: Deployment, name: web, replicas: 7, resources: { cpu: 100m } }
  - { kind: Deployment, name: api, replicas: 5, resources: { cpu: 100m } }
`,
      't.yaml',
    );
    const r = await runScenario(s);
    expect(r.workloads[0].placement).toEqual({ a: 5, b: 2 });
    const api = r.workloads[1].placement;
    expect(api.a + api.b).toBe(5);
    expect(Math.abs(api.a - api.b)).toBe(1);
  });

  it('a workload no policy claims is not propagated, and says so', async () => {
    const r = await runScenario(parseScenario(fleet + `workloads:\n  - { kind: Deployment, name: lonely, replicas: 1 }\n`, 't.yaml'));
    expect(r.workloads[0].placement).toEqual({});
    expect(r.workloads[0].schedulingError).toMatch(/no PropagationPolicy matches/);
  });

  it('an affinity that matches nothing is a FitError: nothing is placed', async () => {
    const r = await runScenario(
      parseScenario(fleet + `workloads:\n  - { kind: Deployment, name: x, replicas: 1, placement: { clusterAffinity: { clusterNames: [nowhere] } } }\n`, 't.yaml'),
    );
    expect(r.workloads[0].placement).toEqual({});
    expect(r.workloads[0].schedulingError).toMatch(/^FitError: 0\/3 clusters are available/);
  });
});

describe('division what-if schedulers', () => {
  const y = `
name: t
duration: 10m
fleet:
  clusters:
    - { name: big, region: r1, nodePools: [{ count: 10, cpu: 8, memory: 32Gi }] }
    - { name: small, region: r2, nodePools: [{ count: 2, cpu: 8, memory: 32Gi }] }
policies:
  - name: dup
    resourceSelectors: [{ kind: Deployment, name: dup }]
    placement: {}
  - name: weighted
    resourceSelectors: [{ kind: Deployment, name: web }]
    placement: { replicaScheduling: { replicaSchedulingType: Divided, weightPreference: { staticWeightList: [{ targetCluster: { clusterNames: [small] }, weight: 1 }] } } }
workloads:
  - { kind: Deployment, name: web, replicas: 12, resources: { cpu: 1, memory: 1Gi } }
  - { kind: Deployment, name: dup, replicas: 2, resources: { cpu: 1, memory: 1Gi } }
`;
  it('karmada honours the policy; static-weight and dynamic-weight change only how a Divided workload is divided', async () => {
    const s = parseScenario(y, 't.yaml');
    const k = (await runScenario(s, { scheduler: 'karmada' })).workloads;
    expect(k[0].placement).toEqual({ small: 12 }); // only small has a weight; 12 pods of 1 core fit in its 16 cores
    expect(k[1].placement).toEqual({ big: 2, small: 2 }); // Duplicated
    const st = (await runScenario(s, { scheduler: 'static-weight' })).workloads;
    expect(st[0].placement).toEqual({ small: 12 }); // the policy's own static weights
    expect(st[1].placement).toEqual({ big: 2, small: 2 }); // Duplicated stays Duplicated
    const dyn = (await runScenario(s, { scheduler: 'dynamic-weight' })).workloads;
    expect(dyn[0].placement.big + dyn[0].placement.small).toBe(12);
    expect(dyn[0].placement.big).toBe(10); // 80 cores free vs 16: Webster of 12 by 80:16 gives 10:2
    expect(dyn[1].placement).toEqual({ big: 2, small: 2 });
  });
});

describe('policy matching (Karmada resource detector)', () => {
  const w = (over: Partial<WorkloadSpec> = {}): WorkloadSpec =>
    ({ kind: 'Deployment', apiVersion: 'apps/v1', name: 'web', namespace: 'default', labels: { app: 'web' }, policy: null, placement: null, ...over }) as WorkloadSpec;
  const p = (name: string, over: Partial<PolicySpec>): PolicySpec => ({ kind: 'PropagationPolicy', name, namespace: 'default', priority: 0, resourceSelectors: [], placement: {}, source: '', ...over });

  it('a namespaced PropagationPolicy wins over any ClusterPropagationPolicy', () => {
    const pols = [p('cpp', { kind: 'ClusterPropagationPolicy', namespace: '', priority: 100, resourceSelectors: [{ kind: 'Deployment', name: 'web' }] }), p('pp', { resourceSelectors: [{ kind: 'Deployment' }] })];
    expect(matchPolicy(pols, w())?.name).toBe('pp');
  });
  it('higher priority, then the more precise selector, then the name', () => {
    expect(matchPolicy([p('a', { resourceSelectors: [{ kind: 'Deployment', name: 'web' }] }), p('b', { priority: 1, resourceSelectors: [{ kind: 'Deployment' }] })], w())?.name).toBe('b');
    expect(matchPolicy([p('a', { resourceSelectors: [{ kind: 'Deployment' }] }), p('b', { resourceSelectors: [{ kind: 'Deployment', labelSelector: { matchLabels: { app: 'web' } } }] })], w())?.name).toBe('b');
    expect(matchPolicy([p('z', { resourceSelectors: [{ kind: 'Deployment' }] }), p('m', { resourceSelectors: [{ kind: 'Deployment' }] })], w())?.name).toBe('m');
  });
  it('a policy in another namespace does not match; a wrong kind or name does not match', () => {
    expect(matchPolicy([p('x', { namespace: 'prod', resourceSelectors: [{ kind: 'Deployment' }] })], w())).toBeNull();
    expect(matchPolicy([p('x', { resourceSelectors: [{ kind: 'Job' }] })], w())).toBeNull();
    expect(matchPolicy([p('x', { resourceSelectors: [{ kind: 'Deployment', name: 'api' }] })], w())).toBeNull();
  });
});

describe('scaling a Divided workload (actions: scale)', () => {
  const y = (to: number) => `
name: t
duration: 20m
fleet:
  clusters:
    - { name: a, region: r1, nodePools: [{ count: 4, cpu: 8, memory: 32Gi }] }
    - { name: b, region: r2, nodePools: [{ count: 4, cpu: 8, memory: 32Gi }] }
policies:
  - name: dyn
    resourceSelectors: [{ kind: Deployment }]
    placement: { replicaScheduling: { replicaSchedulingType: Divided, weightPreference: { dynamicWeight: AvailableReplicas } } }
workloads:
  - { kind: Deployment, name: web, replicas: 10, resources: { cpu: 1, memory: 1Gi } }
actions:
  - { at: 10m, scale: { workload: web, replicas: ${to} } }
`;
  it('steady scale-up never lowers a cluster; scale-down never raises one; the sum follows', async () => {
    const before = (await runScenario(parseScenario(y(10), 't.yaml'))).workloads[0].placement;
    const up = (await runScenario(parseScenario(y(25), 't.yaml'))).workloads[0];
    const down = (await runScenario(parseScenario(y(3), 't.yaml'))).workloads[0];
    expect(up.placement.a + up.placement.b).toBe(25);
    expect(up.placement.a).toBeGreaterThanOrEqual(before.a);
    expect(up.placement.b).toBeGreaterThanOrEqual(before.b);
    expect(up.ready).toBe(25);
    expect((down.placement.a ?? 0) + (down.placement.b ?? 0)).toBe(3);
    expect(down.placement.a ?? 0).toBeLessThanOrEqual(before.a);
    expect(down.placement.b ?? 0).toBeLessThanOrEqual(before.b);
    expect(down.ready).toBe(3);
  });
});

describe('dynamic-weight health-latency mode', () => {
  const y = (mode: string) => `
name: t
duration: 10m
controlPlane: { region: r1 }
network:
  links:
    - { from: r1, to: r2, latency: 5ms }
    - { from: r1, to: r3, latency: 150ms }
fleet:
  clusters:
    - { name: near, region: r2, nodePools: [{ count: 4, cpu: 16, memory: 64Gi }] }
    - { name: far, region: r3, nodePools: [{ count: 4, cpu: 16, memory: 64Gi }] }
policies:
  - { name: p, resourceSelectors: [{ kind: Deployment }], placement: { replicaScheduling: { replicaSchedulingType: Divided, weightPreference: { dynamicWeight: AvailableReplicas } } } }
workloads:
  - { kind: Deployment, name: web, replicas: 20, resources: { cpu: 1, memory: 1Gi } }
dynamicWeight: { mode: ${mode}, referenceLatency: 50ms }
schedulers: [dynamic-weight]
`;
  it('equal capacity divides evenly by available replicas; health-latency favours the nearer cluster', async () => {
    const even = (await runScenario(parseScenario(y('available-replicas'), 't.yaml'))).workloads[0].placement;
    expect(even).toEqual({ near: 10, far: 10 });
    const hl = (await runScenario(parseScenario(y('health-latency'), 't.yaml'))).workloads[0].placement;
    // weights ∝ 50/(50+10) : 50/(50+300) → about 0.83 : 0.14 → 17 : 3
    expect(hl.near + hl.far).toBe(20);
    expect(hl.near).toBe(17);
  });
});

describe('schedulePriority (PriorityBasedScheduling)', () => {
  it('a binding of a higher PriorityClass is scheduled first, even when it arrives later', async () => {
    const y = `
name: t
duration: 10m
controlPlane: { schedulingLatency: 1s }
priorityClasses: { high: 1000, low: 10 }
fleet:
  clusters:
    - { name: a, region: r1, nodePools: [{ count: 2, cpu: 8, memory: 32Gi }] }
policies:
  - { name: lo, resourceSelectors: [{ kind: Deployment, labelSelector: { matchLabels: { tier: batch } } }], schedulePriority: { priorityClassName: low }, placement: {} }
  - { name: hi, resourceSelectors: [{ kind: Deployment, labelSelector: { matchLabels: { tier: web } } }], schedulePriority: { priorityClassName: high }, placement: {} }
workloads:
${Array.from({ length: 5 }, (_, i) => `  - { kind: Deployment, name: batch-${i}, labels: { tier: batch }, replicas: 1, resources: { cpu: 100m } }`).join('\n')}
  - { kind: Deployment, name: web, labels: { tier: web }, replicas: 1, resources: { cpu: 100m } }
`;
    const r = await runScenario(parseScenario(y, 't.yaml'));
    const web = r.workloads.find((w) => w.name === 'web')!;
    const last = r.workloads.find((w) => w.name === 'batch-4')!;
    // batch-0 is already being scheduled when the others queue; web (high) overtakes batch-1..4.
    expect(web.timeToScheduled!).toBeLessThan(2.5);
    expect(last.timeToScheduled!).toBeGreaterThan(5.5);
    expect(() => parseScenario(y.replace('priorityClassName: high', 'priorityClassName: urgent'), 't.yaml')).toThrow(/schedulePriority\.priorityClassName: expected a PriorityClass of the scenario/);
  });
});
