import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { runScenario } from '../../src/runner/run.js';

/** Karmada's failover behaviour in the loop, with its default timings (spec §10). */

const base = (opts: { mode?: string; extra?: string; policyExtra?: string; placementExtra?: string; syncMode?: string } = {}) => `
name: f
duration: 40m
metrics: { interval: 10s }
controlPlane: { schedulingLatency: 10ms }
network: { default: { latency: 10ms, bandwidth: 10Gbps } }
defaults: { imageSize: 0, podStartup: 5s }
fleet:
  clusters:
    - { name: a, region: r1, ${opts.syncMode ? `syncMode: ${opts.syncMode}, ` : ''}nodePools: [{ count: 4, cpu: 16, memory: 64Gi }] }
    - { name: b, region: r2, nodePools: [{ count: 4, cpu: 16, memory: 64Gi }] }
    - { name: c, region: r3, nodePools: [{ count: 4, cpu: 16, memory: 64Gi }] }
policies:
  - name: web
    resourceSelectors: [{ kind: Deployment }]
    ${opts.policyExtra ?? ''}
    placement:
      ${opts.placementExtra ?? ''}
      replicaScheduling: { replicaSchedulingType: Divided, weightPreference: { dynamicWeight: AvailableReplicas } }
workloads:
  - { kind: Deployment, name: web, replicas: 12, resources: { cpu: 1, memory: 1Gi } }
faults:
  - { kind: cluster-outage, cluster: a, at: 10m, duration: 20m, mode: ${opts.mode ?? 'down'} }
${opts.extra ?? ''}`;

const failoverOn = `karmada:
  featureGates: { Failover: true }
  enableNoExecuteTaintEviction: true
  clusterTaintPolicies:
    - name: noexec
      addOnConditions: [{ conditionType: Ready, operator: NotIn, statusValues: ["True"] }]
      removeOnConditions: [{ conditionType: Ready, operator: In, statusValues: ["True"] }]
      taints: [{ key: cluster.karmada.io/not-ready, effect: NoExecute }]
`;

const run = (yaml: string) => runScenario(parseScenario(yaml, 'f.yaml'));

describe('failover in the loop', () => {
  it('defaults: the outage is detected after the 30 s failure threshold, but nothing is evicted (failover is off)', async () => {
    const r = await run(base());
    const f = r.failovers[0];
    expect(f.detection).toBeGreaterThanOrEqual(30);
    expect(f.detection).toBeLessThan(41);
    expect(f.eviction).toBeNull();
    expect(f.failover).toBeNull();
    // The replicas on a stay assigned to a; they come back when a recovers.
    expect(r.workloads[0].placement.a).toBeGreaterThan(0);
    expect(f.restored).toBeGreaterThan(20 * 60);
    expect(f.unavailableReplicaSeconds).toBeGreaterThan(r.workloads[0].placement.a * 20 * 60 * 0.99);
    expect(r.timeline.some((e) => e.cluster === 'a' && e.event.includes('cluster.karmada.io/not-ready:NoSchedule'))).toBe(true);
  });

  it('Failover gate + NoExecute eviction + a 60 s toleration: evicted 60 s after detection, replicas move', async () => {
    const r = await run(base({ extra: failoverOn, placementExtra: 'clusterTolerations: [{ key: cluster.karmada.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 60 }]' }));
    const f = r.failovers[0];
    expect(f.eviction! - f.detection!).toBeCloseTo(60, 1);
    expect(f.failover).toBeGreaterThan(f.eviction!);
    expect(f.failover! - f.eviction!).toBeLessThan(15); // reschedule + Work + 5 s start
    expect(r.workloads[0].placement.a).toBeUndefined();
    expect((r.workloads[0].placement.b ?? 0) + (r.workloads[0].placement.c ?? 0)).toBe(12);
    expect(f.unavailableReplicaSeconds).toBeLessThan(12 * 120);
  });

  it('without a toleration the taint manager evicts as soon as the NoExecute taint lands', async () => {
    const r = await run(base({ extra: failoverOn }));
    const f = r.failovers[0];
    expect(f.eviction).toBeCloseTo(f.detection!, 1);
  });

  it('api-unreachable: the control plane loses the member but its workloads keep running', async () => {
    const r = await run(base({ mode: 'api-unreachable' }));
    const f = r.failovers[0];
    expect(f.detection).toBeGreaterThanOrEqual(30);
    expect(f.unavailableReplicaSeconds).toBe(0);
    expect(r.workloads[0].ready).toBe(12);
  });

  it('Pull mode: no agent report for the 40 s grace period makes the cluster Unknown', async () => {
    const r = await run(base({ mode: 'api-unreachable', syncMode: 'Pull' }));
    const unknown = r.timeline.find((e) => e.cluster === 'a' && e.event.startsWith('Ready=Unknown'));
    expect(unknown).toBeDefined();
    // The last report came at most one 10 s period before the fault; Unknown once 40 s have
    // passed since it, seen at the next 5 s monitor tick: 30 to 45 s after the fault.
    const after = unknown!.t - 600;
    expect(after).toBeGreaterThan(30);
    expect(after).toBeLessThanOrEqual(45);
    expect(unknown!.event).toContain('cluster.karmada.io/unreachable:NoSchedule');
  });

  it('nodes-down: the API still answers (Ready stays True); application failover evicts after its tolerationSeconds', async () => {
    const plain = await run(base({ mode: 'nodes-down' }));
    expect(plain.failovers[0].detection).toBeNull();
    expect(plain.failovers[0].eviction).toBeNull();
    const app = await run(
      base({
        mode: 'nodes-down',
        policyExtra: 'propagateDeps: true\n    failover: { application: { decisionConditions: { tolerationSeconds: 30 }, purgeMode: Gracefully } }',
      }),
    );
    const f = app.failovers[0];
    expect(f.detection).toBeNull();
    expect(f.eviction).toBeGreaterThan(30);
    expect(f.eviction).toBeLessThan(33);
    expect(f.failover).toBeGreaterThan(f.eviction!);
  });

  it('is deterministic', async () => {
    const y = base({ extra: failoverOn });
    expect(JSON.stringify(await run(y))).toBe(JSON.stringify(await run(y)));
  });
});

describe('variants', () => {
  it('a bad value set by a variant is reported where the variant sets it', () => {
    const y = base() + `variants:\n  - name: one\n  - name: two\n    set:\n      karmada.clusterFailureThreshold: soon\n`;
    let err: unknown;
    try {
      parseScenario(y, 'f.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    const e = err as ScenarioError;
    expect(e.path).toBe('karmada.clusterFailureThreshold');
    expect(e.line).toBe(y.split('\n').findIndex((l) => l.includes('karmada.clusterFailureThreshold: soon')) + 1);
    expect(e.found).toMatch(/"soon"/);
  });
});
