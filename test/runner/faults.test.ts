import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { runScenario } from '../../src/runner/run.js';

const base = (faults: string, extra = '') => `
name: f
duration: 2h
metrics: { interval: 10s }
controlPlane: { schedulingLatency: 0s }
defaults: { imageSize: 0, podStartup: 2s }
network: { default: { latency: 10ms, bandwidth: 1Gbps } }
registries: [{ host: reg.example, region: r9 }]
fleet:
  clusters:
    - { name: a, region: r1, zone: z1, nodePools: [{ name: p, count: 4, cpu: 8, memory: 32Gi }] }
    - { name: b, region: r2, zone: z2, nodePools: [{ name: p, count: 4, cpu: 8, memory: 32Gi }] }
policies:
  - { name: dup, kind: ClusterPropagationPolicy, resourceSelectors: [{ kind: Deployment }], placement: { clusterAffinity: { clusterNames: [a] }, replicaScheduling: { replicaSchedulingType: Duplicated } } }
workloads:
  - { kind: Deployment, name: web, replicas: 8, resources: { cpu: 3 } }
${extra}
faults:
${faults}`;

const run = (y: string) => runScenario(parseScenario(y, 'f.yaml'));

describe('faults', () => {
  it('node-crash: pods on the crashed nodes are lost and replaced on the others while there is room', async () => {
    const r = await run(base('  - { kind: node-crash, cluster: a, nodes: 1, at: 10m, duration: 20m }'));
    const w = r.workloads[0];
    // 8 pods of 3 cores on 4 nodes of 8 cores: 2 per node. One node down: its 2 pods need room; 3 nodes have 2 cores each left: they stay Pending.
    const at = (t: number) => r.series.t.findIndex((x) => x >= t);
    expect(r.series.clusters.a.replicas[at(15 * 60)]).toBe(6);
    expect(r.series.clusters.a.pending[at(15 * 60)]).toBe(2);
    expect(r.series.clusters.a.replicas[at(40 * 60)]).toBe(8); // the node is back: they bind again
    expect(w.unavailableReplicaSeconds).toBeGreaterThan(2 * 20 * 60 * 0.99);
    expect(r.timeline.some((e) => e.event === 'fault: node-crash (1 node)')).toBe(true);
  });

  it('maintenance: nodes are cordoned and drained; pods move to other nodes when they fit', async () => {
    const y = base('  - { kind: maintenance, cluster: a, nodes: 1, at: 10m, duration: 20m }').replace('replicas: 8, resources: { cpu: 3 }', 'replicas: 4, resources: { cpu: 3 }');
    const r = await run(y);
    const at = (t: number) => r.series.t.findIndex((x) => x >= t);
    expect(r.series.clusters.a.replicas[at(15 * 60)]).toBe(4);
    expect(r.series.clusters.a.pending[at(15 * 60)]).toBe(0);
  });

  it('link-degradation slows image pulls over that link while it lasts', async () => {
    const w = (faults: string) => base(faults, '').replace("resources: { cpu: 3 } }", "resources: { cpu: 3 }, at: 12m, image: reg.example/web:1, imageSize: 100M }");
    const fast = (await run(w('  - { kind: node-crash, cluster: b, nodes: 1, at: 1h }'))).workloads[0].timeToAllReady!;
    const slow = (await run(w('  - { kind: link-degradation, from: r9, to: r1, at: 10m, duration: 1h, bandwidth: 8Mbps }'))).workloads[0].timeToAllReady!;
    expect(fast).toBeCloseTo(0.02 + 100e6 / 125e6 + 2, 1); // 2 x 10 ms + 100 MB at 1 Gbit/s + start
    expect(slow).toBeCloseTo(0.02 + 100e6 / 1e6 + 2, 1); // at 8 Mbit/s
  });

  it('zone-outage takes down every cluster in the zone', async () => {
    const r = await run(base('  - { kind: zone-outage, zone: z1, at: 10m, duration: 10m }'));
    expect(r.failovers).toHaveLength(1);
    expect(r.failovers[0]).toMatchObject({ cluster: 'a', mode: 'zone-outage' });
    expect(r.failovers[0].detection).toBeGreaterThanOrEqual(30);
  });

  it('edge-disconnect: the member keeps running; the control plane sees it Unknown once its lease lapses', async () => {
    const r = await run(base('  - { kind: edge-disconnect, cluster: a, at: 10m, duration: 10m }'));
    expect(r.failovers[0].unavailableReplicaSeconds).toBe(0);
    const unknown = r.timeline.find((e) => e.cluster === 'a' && e.event.startsWith('Ready=Unknown'));
    expect(unknown).toBeDefined();
    expect(unknown!.t - 600).toBeGreaterThan(30);
    expect(unknown!.t - 600).toBeLessThanOrEqual(45);
  });

  it('stochastic node crashes (Weibull MTBF, exponential MTTR) are deterministic per seed and independent of other faults', async () => {
    const f = '  - { kind: node-crash, cluster: a, nodes: all, mtbf: { kind: weibull, shape: 1.5, scale: 30m }, mttr: { kind: exponential, mean: 5m } }';
    const r1 = await run(base(f));
    const r2 = await run(base(f));
    expect(JSON.stringify(r1.timeline)).toBe(JSON.stringify(r2.timeline));
    const crashes = r1.timeline.filter((e) => e.event.startsWith('fault: node-crash'));
    // 4 nodes, 2 h, mean time between failures ~27 min + ~5 min repair: about 4 x 120/32 = 15 crashes.
    expect(crashes.length).toBeGreaterThan(6);
    expect(crashes.length).toBeLessThan(30);
    // Adding a fault elsewhere does not move these crashes.
    const r3 = await run(base(f + '\n  - { kind: node-crash, cluster: b, nodes: all, mtbf: 20m, mttr: 1m }'));
    const onA = (r: typeof r1) => r.timeline.filter((e) => e.cluster === 'a' && e.event.startsWith('fault')).map((e) => e.t);
    expect(onA(r3)).toEqual(onA(r1));
  });

  it('a failure trace (CSV) drives faults; a bad row is reported with file, line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-faults-'));
    writeFileSync(join(dir, 'trace.csv'), 'time,target,kind,duration\n10m,a,cluster-outage,5m\n30m,a/2,node-crash,10m\n');
    writeFileSync(join(dir, 's.yaml'), base('  []').replace('faults:\n  []', 'faultTrace: trace.csv'));
    const r = await runScenario(loadScenario(join(dir, 's.yaml')));
    expect(r.failovers).toHaveLength(1);
    expect(r.timeline.filter((e) => e.event.startsWith('fault')).map((e) => e.t)).toEqual([600, 1800]);
    writeFileSync(join(dir, 'trace.csv'), 'time,target,kind,duration\n10m,a,meltdown,5m\n');
    expect(() => loadScenario(join(dir, 's.yaml'))).toThrow(/trace\.csv:2:\d+: kind: expected one of/);
  });

  it('a fault naming an unknown cluster is a located error', () => {
    expect(() => parseScenario(base('  - { kind: node-crash, cluster: nope, at: 1m }'), 'f.yaml')).toThrow(ScenarioError);
    expect(() => parseScenario(base('  - { kind: node-crash, cluster: a }'), 'f.yaml')).toThrow(/expected a time \(at\) or a time between failures \(mtbf\)/);
  });
});
