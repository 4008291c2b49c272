import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/runner/run.js';

const fleet = (jobs: string, extra = '') => `
name: fg
duration: 4h
metrics: { interval: 1m }
defaults: { imageSize: 0, podStartup: 1s }
controlPlane: { schedulingLatency: 0s }
fleet:
  clusters:
    - { name: a, region: r1, nodePools: [{ count: 2, cpu: 64, memory: 256Gi, gpus: { count: 4 } }] }
    - { name: b, region: r1, nodePools: [{ count: 1, cpu: 64, memory: 256Gi, gpus: { count: 4 } }] }
policies:
  - name: split
    kind: ClusterPropagationPolicy
    resourceSelectors: [{ kind: Job }]
    placement: { replicaScheduling: { replicaSchedulingType: Divided } }
workloads:
${jobs}
schedulers: [federated-gang]
${extra}`;

describe('federated-gang', () => {
  it('places a whole gang in one cluster where it fits node by node, preferring the least fragmented result', async () => {
    const r = await runScenario(parseScenario(fleet('  - { kind: Job, name: g, parallelism: 4, completions: 4, minAvailable: 4, duration: 10m, resources: { cpu: 1, gpu: 1 } }'), 'fg.yaml'));
    const g = r.workloads[0];
    // Both clusters can take 4 GPUs; b is left with 0 stranded and 0 free, a with 4 free: b is the tighter fit.
    expect(g.placement).toEqual({ b: 4 });
    expect(g.queueingDelay).toBeCloseTo(1, 1);
    expect(g.heldGpuHours).toBeLessThan(0.01);
  });

  it('never splits a gang: one that fits nowhere waits in the fleet queue, then starts when capacity frees', async () => {
    const jobs = `  - { kind: Job, name: first, parallelism: 4, completions: 4, minAvailable: 4, duration: 1h, resources: { cpu: 1, gpu: 2 } }
  - { kind: Job, name: second, at: 1m, parallelism: 4, completions: 4, minAvailable: 4, duration: 1h, resources: { cpu: 1, gpu: 2 } }`;
    const r = await runScenario(parseScenario(fleet(jobs), 'fg.yaml'));
    const [first, second] = r.workloads;
    expect(first.placement).toEqual({ a: 4 }); // 8 GPUs: only a has them
    expect(Object.keys(second.placement)).toEqual(['a']);
    expect(second.queueingDelay).toBeGreaterThan(3540); // waited for first to finish (~1 h after it started)
    expect(second.heldGpuHours).toBe(0);
    expect(second.succeeded).toBe(4);
  });

  it('backfill: a small gang that fits now goes ahead of a waiting big one', async () => {
    const jobs = `  - { kind: Job, name: first, parallelism: 4, completions: 4, minAvailable: 4, duration: 1h, resources: { cpu: 1, gpu: 2 } }
  - { kind: Job, name: big, at: 1m, parallelism: 4, completions: 4, minAvailable: 4, duration: 1h, resources: { cpu: 1, gpu: 2 } }
  - { kind: Job, name: small, at: 2m, parallelism: 2, completions: 2, minAvailable: 2, duration: 10m, resources: { cpu: 1, gpu: 2 } }`;
    const backfill = await runScenario(parseScenario(fleet(jobs), 'fg.yaml'));
    expect(backfill.workloads[2].placement).toEqual({ b: 2 });
    expect(backfill.workloads[2].queueingDelay).toBeLessThan(5);
    const fifo = await runScenario(parseScenario(fleet(jobs).replace('schedulers: [federated-gang]', 'schedulers: [federated-gang-fifo]'), 'fg.yaml'));
    expect(fifo.workloads[2].queueingDelay).toBeGreaterThan(3000); // strict FIFO: waits behind big
  });
});
