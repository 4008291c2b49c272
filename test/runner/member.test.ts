import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/runner/run.js';

/** Member-cluster semantics: fit, scoring, image pulls, pending retries, Jobs. */

const run = (yaml: string, opts: { scheduler?: string; seed?: number } = {}) => runScenario(parseScenario(yaml, 'test.yaml'), opts);

const oneCluster = (pools: string, workloads: string, extra = '') => `
name: t
duration: 2h
metrics: { interval: 10s }
controlPlane: { schedulingLatency: 0s }
network:
  intraRegion: { latency: 0s, bandwidth: 8Gbps }
  default: { latency: 50ms, bandwidth: 1Gbps }
registries:
  - { host: reg.far.example, region: far }
defaults: { podStartup: 2s, imageSize: 0 }
fleet:
  clusters:
    - name: c1
      region: near
      nodePools:
${pools}
    - name: other
      region: far
      nodePools:
        - { count: 1, cpu: 1, memory: 1Gi }
policies:
  - name: all-to-c1
    kind: ClusterPropagationPolicy
    resourceSelectors: [{ kind: Deployment }, { kind: Job }]
    placement: { clusterAffinity: { clusterNames: [c1] } }
workloads:
${workloads}
${extra}`;

describe('member cluster', () => {
  it('image pull time = 2 x latency + size / bandwidth from the registry region, then startup', async () => {
    const r = await run(
      oneCluster(
        '        - { count: 1, cpu: 4, memory: 8Gi }',
        `  - { kind: Deployment, name: web, replicas: 1, image: reg.far.example/web:1, imageSize: 1Gi, resources: { cpu: 1 } }`,
      ),
    );
    const w = r.workloads[0];
    // Work reaches c1 after 0 s (control plane in c1's region, intra latency 0); pull 0.1 s + 2^30 B / 125e6 B/s; start 2 s.
    expect(w.timeToAllReady).toBeCloseTo(0.1 + 2 ** 30 / 125e6 + 2, 9);
  });

  it('pulls are serialised per node, and a pod waits for an image already being pulled', async () => {
    const r = await run(
      oneCluster(
        '        - { count: 1, cpu: 4, memory: 8Gi }',
        `  - { kind: Deployment, name: a, replicas: 2, image: reg.far.example/a:1, imageSize: 125M, resources: { cpu: 1 } }
  - { kind: Deployment, name: b, replicas: 1, image: reg.far.example/b:1, imageSize: 125M, resources: { cpu: 1 } }`,
      ),
    );
    const pull = 0.1 + 1;
    expect(r.workloads[0].timeToAllReady).toBeCloseTo(pull + 2, 9); // both replicas of a share one pull
    expect(r.workloads[1].timeToAllReady).toBeCloseTo(2 * pull + 2, 9); // b's pull waits for a's
  });

  it('LeastAllocated spreads replicas over nodes; MostAllocated packs them (visible when a big pod comes later)', async () => {
    const workloads = `  - { kind: Deployment, name: small, replicas: 2, resources: { cpu: 1, memory: 1Gi } }
  - { kind: Deployment, name: big, at: 1m, replicas: 1, resources: { cpu: 4, memory: 1Gi } }`;
    const pools = '        - { count: 2, cpu: 4, memory: 8Gi }';
    const spread = await run(oneCluster(pools, workloads));
    const packed = await run(oneCluster(pools, workloads).replace('region: near\n', 'region: near\n      nodeScoring: MostAllocated\n'));
    expect(spread.workloads[1].pending).toBe(1); // one small pod on each node: no node has 4 cores free
    expect(packed.workloads[1].pending).toBe(0); // both small pods on one node: the other takes the big one
    expect(packed.workloads[1].ready).toBe(1);
  });

  it('pods that do not fit stay Pending and bind when resources free up', async () => {
    const r = await run(
      oneCluster(
        '        - { count: 1, cpu: 4, memory: 8Gi }',
        `  - { kind: Job, name: j, parallelism: 4, completions: 4, duration: 100s, resources: { cpu: 2 } }`,
      ),
    );
    const w = r.workloads[0];
    expect(w.succeeded).toBe(4);
    // Two run at once: first wave 2 s start + 100 s, second wave starts when they finish (+2 s start).
    expect(w.timeToComplete).toBeCloseTo(2 + 100 + 2 + 100, 9);
    expect(w.timeToScheduled).toBeCloseTo(102, 9); // all 4 desired pods bound only after the first wave
    expect(Math.max(...r.series.clusters.c1.pending)).toBe(2);
  });

  it('a pod that asks for more than any node has stays Pending forever', async () => {
    const r = await run(oneCluster('        - { count: 2, cpu: 4, memory: 8Gi }', `  - { kind: Deployment, name: big, replicas: 1, resources: { cpu: 6 } }`));
    expect(r.workloads[0].pending).toBe(1);
    expect(r.workloads[0].timeToScheduled).toBeNull();
    expect(r.clusters[0].pending).toBe(1);
  });

  it('GPU pods land only where whole GPUs are free', async () => {
    const r = await run(
      oneCluster(
        `        - { name: cpu, count: 2, cpu: 32, memory: 64Gi }
        - { name: gpu, count: 1, cpu: 32, memory: 64Gi, gpus: { count: 4, model: A100 } }`,
        `  - { kind: Deployment, name: infer, replicas: 3, resources: { cpu: 1, gpu: 2 } }`,
      ),
    );
    expect(r.workloads[0].ready).toBe(2);
    expect(r.workloads[0].pending).toBe(1);
    expect(r.clusters[0].gpuUtilization.end).toBe(1);
  });

  it('shared GPUs: shares pack onto one GPU by best fit; a model constraint is honoured', async () => {
    const r = await run(
      oneCluster(
        `        - { name: t4, count: 1, cpu: 32, memory: 64Gi, gpus: { count: 2, model: T4 } }
        - { name: a100, count: 1, cpu: 32, memory: 64Gi, gpus: { count: 1, model: A100 } }`,
        `  - { kind: Deployment, name: shared, replicas: 7, resources: { cpu: 1, gpuMilli: 300, gpuModels: [T4] } }
  - { kind: Deployment, name: whole, at: 1m, replicas: 2, resources: { cpu: 1, gpu: 1, gpuModels: [T4] } }`,
      ),
    );
    // Two T4s hold 3 shares of 300 each (900 milli); the 7th share waits. The A100 is not allowed.
    expect(r.workloads[0].ready).toBe(6);
    expect(r.workloads[0].pending).toBe(1);
    // No T4 is entirely free, so whole-GPU pods limited to T4 wait too.
    expect(r.workloads[1].pending).toBe(2);
    expect(r.clusters[0].gpuUtilization.end).toBeCloseTo((6 * 0.3) / 3, 9);
  });

  it('Job completions and parallelism: completions are all done, never more than parallelism at once', async () => {
    const r = await run(
      oneCluster(
        '        - { count: 4, cpu: 16, memory: 64Gi }',
        `  - { kind: Job, name: j, parallelism: 3, completions: 10, duration: { kind: exponential, mean: 5m }, resources: { cpu: 1 } }`,
      ),
    );
    expect(r.workloads[0].succeeded).toBe(10);
    expect(Math.max(...r.series.clusters.c1.replicas)).toBeLessThanOrEqual(3);
    expect(r.workloads[0].timeToComplete).toBeGreaterThan(0);
  });

  it('adding an unrelated Job never changes another Job\'s random run times (streams per job)', async () => {
    const base = `  - { kind: Job, name: a, parallelism: 2, completions: 6, duration: { kind: exponential, mean: 10m }, resources: { cpu: 1 } }`;
    const r1 = await run(oneCluster('        - { count: 4, cpu: 16, memory: 64Gi }', base));
    const r2 = await run(
      oneCluster(
        '        - { count: 4, cpu: 16, memory: 64Gi }',
        base + `\n  - { kind: Job, name: z, parallelism: 2, completions: 6, duration: { kind: exponential, mean: 3m }, resources: { cpu: 1 } }`,
      ),
    );
    expect(r2.workloads[0].timeToComplete).toBe(r1.workloads[0].timeToComplete);
    const r3 = await run(oneCluster('        - { count: 4, cpu: 16, memory: 64Gi }', base), { seed: 99 });
    expect(r3.workloads[0].timeToComplete).not.toBe(r1.workloads[0].timeToComplete);
  });
});

describe('gangs (Job minAvailable across the fleet)', () => {
  const two = (split: string, gang: number) => `
name: g
duration: 3h
metrics: { interval: 30s }
controlPlane: { schedulingLatency: 0s }
defaults: { imageSize: 0, podStartup: 1s }
fleet:
  clusters:
    - { name: a, region: r1, nodePools: [{ count: 1, cpu: 64, memory: 256Gi, gpus: { count: 2 } }] }
    - { name: b, region: r1, nodePools: [{ count: 1, cpu: 64, memory: 256Gi, gpus: { count: 2 } }] }
policies:
  - name: p
    resourceSelectors: [{ kind: Job }]
    placement: ${split}
workloads:
  - { kind: Job, name: train, parallelism: 4, completions: 4, minAvailable: ${gang}, duration: 1h, resources: { cpu: 1, gpu: 1 } }
`;
  it('a 4-pod gang split 2 + 2 over two clusters starts once all 4 are Ready, and completes', async () => {
    const r = await runScenario(parseScenario(two('{ replicaScheduling: { replicaSchedulingType: Divided } }', 4), 'g.yaml'));
    const w = r.workloads[0];
    expect(w.placement).toEqual({ a: 2, b: 2 });
    expect(w.queueingDelay).toBeCloseTo(1, 1);
    expect(w.timeToComplete).toBeCloseTo(3601, 1);
    expect(w.heldGpuHours).toBeLessThan(0.01); // all four were Ready within milliseconds of each other
    expect(w.deadlocked).toBe(false);
  });

  it('a gang that cannot be completed holds its GPUs forever and never starts (deadlock)', async () => {
    // Duplicated to a only: 4 pods asked there, 2 GPUs there: 2 run, 2 wait; minAvailable 4 never met.
    const r = await runScenario(parseScenario(two('{ clusterAffinity: { clusterNames: [a] }, replicaScheduling: { replicaSchedulingType: Divided } }', 4), 'g.yaml'));
    const w = r.workloads[0];
    expect(w.queueingDelay).toBeNull();
    expect(w.deadlocked).toBe(true);
    expect(w.heldGpuHours).toBeCloseTo(6, 2); // 2 GPUs for the 3 h
    expect(w.succeeded).toBe(0);
  });

  it('minAvailable 1: pods run on their own (no waiting)', async () => {
    const r = await runScenario(parseScenario(two('{ clusterAffinity: { clusterNames: [a] }, replicaScheduling: { replicaSchedulingType: Divided } }', 1), 'g.yaml'));
    const w = r.workloads[0];
    expect(w.succeeded).toBe(4);
    expect(w.heldGpuHours).toBe(0);
    expect(w.timeToComplete).toBeCloseTo(2 * 3601, 1);
  });
});
