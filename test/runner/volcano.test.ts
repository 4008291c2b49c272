import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/runner/run.js';
import { ROOT } from '../helpers/cli.js';

/** Volcano inside a member cluster: gang all-or-nothing, queues, Volcano YAML in. */
const fleet = (scheduler: string, extra = '', include = true) => `
name: v
duration: 2h
metrics: { interval: 1m }
defaults: { imageSize: 0, podStartup: 1s }
controlPlane: { schedulingLatency: 0s }
fleet:
  clusters:
    - name: gpu
      region: r1
      scheduler: ${scheduler}
      nodePools: [{ count: 2, cpu: 32, memory: 128Gi, gpus: { count: 2 } }]
${include ? `include: [${join(ROOT, 'test/fixtures/volcano/jobs.yaml')}]` : 'policies: [{ name: all, kind: ClusterPropagationPolicy, resourceSelectors: [{ kind: Job }], placement: { replicaScheduling: { replicaSchedulingType: Divided } } }]'}
workloads:
  - { kind: Job, name: blocker, parallelism: 1, completions: 1, duration: 1h, resources: { cpu: 1, gpu: 1 } }
${extra}`;

describe('Volcano in a member cluster', () => {
  it('reads Volcano Job and Queue manifests', () => {
    const s = parseScenario(fleet('volcano'), 'v.yaml');
    const vc = s.workloads.find((w) => w.name === 'resnet')!;
    expect(vc).toMatchObject({ kind: 'Job', apiVersion: 'batch.volcano.sh/v1alpha1', parallelism: 4, minAvailable: 4, queue: 'research' });
    expect(vc.template.gpus).toBe(1);
    expect(s.fleet.clusters[0].volcano.queues.find((q) => q.name === 'research')).toMatchObject({ capability: { 'nvidia.com/gpu': 4 } });
  });

  it('kube-scheduler binds a partial gang that then holds GPUs; Volcano binds the gang all at once or not at all', async () => {
    // 4 GPUs; the blocker takes 1 for an hour, so the 4-GPU gang fits only after it finishes.
    const gang = '  - { kind: Job, name: bert, at: 1m, parallelism: 4, completions: 4, minAvailable: 4, duration: 30m, resources: { cpu: 4, gpu: 1 } }\n';
    const kube = (await runScenario(parseScenario(fleet('kube-scheduler', gang, false), 'v.yaml'))).workloads.find((w) => w.name === 'bert')!;
    const vol = (await runScenario(parseScenario(fleet('volcano', gang, false), 'v.yaml'))).workloads.find((w) => w.name === 'bert')!;
    expect(kube.heldGpuHours).toBeGreaterThan(2.9); // 3 GPUs held for the hour the 4th was busy
    expect(vol.heldGpuHours).toBeLessThan(0.01);
    expect(kube.queueingDelay).toBeGreaterThan(3500);
    expect(vol.queueingDelay).toBeGreaterThan(3500);
    expect(vol.succeeded).toBe(4);
  });

  it('two queues of equal weight split 4 GPUs 2/2, so neither 4-GPU gang ever fits (proportion caps a queue at its deserved share)', async () => {
    const gang = '  - { kind: Job, name: bert, at: 1m, parallelism: 4, completions: 4, minAvailable: 4, duration: 30m, resources: { cpu: 4, gpu: 1 } }\n';
    const r = await runScenario(parseScenario(fleet('volcano', gang), 'v.yaml'));
    const shares = Object.fromEntries(r.queueShares!.map((q) => [q.queue, q.deserved[q.deserved.length - 1]]));
    expect(shares).toEqual({ default: 2, research: 2 });
    expect(r.workloads.find((w) => w.name === 'bert')!.queueingDelay).toBeNull();
    expect(r.workloads.find((w) => w.name === 'resnet')!.queueingDelay).toBeNull();
  });

  it('records queue deserved vs allocated', async () => {
    const r = await runScenario(parseScenario(fleet('volcano'), 'v.yaml'));
    const research = r.queueShares!.find((q) => q.queue === 'research')!;
    expect(research.resource).toBe('nvidia.com/gpu');
    expect(Math.max(...research.allocated)).toBeLessThanOrEqual(4);
    expect(research.t.length).toBeGreaterThan(0);
  });

  it('a Volcano Job cannot go to a cluster without Volcano (APIEnablement filter)', async () => {
    const r = await runScenario(parseScenario(fleet('kube-scheduler'), 'v.yaml'));
    const vc = r.workloads.find((w) => w.name === 'resnet')!;
    expect(vc.placement).toEqual({});
    expect(vc.schedulingError).toMatch(/^FitError: .*API/);
  });
});
