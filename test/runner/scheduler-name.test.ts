import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/runner/run.js';
import { loadScenario } from '../../src/scenario/load.js';
import { writeScenario } from '../helpers/files.js';

/**
 * Issue 16, items 7 and 12: who schedules. A pod's `schedulerName` picks the scheduler in its
 * member cluster (kube-scheduler is "default-scheduler" everywhere; a Volcano member also runs
 * "volcano"), Volcano puts a plain Deployment's pods in the queue of their
 * `scheduling.volcano.sh/queue-name` annotation, and karmada-scheduler only places bindings whose
 * policy names it. Before this change every one of these fields was ignored: the 10 pods of
 * volcano's example/deployment all ran in a queue capped at 2 CPUs, pods for a scheduler that
 * does not run in a member ran there anyway, and a policy for another Karmada scheduler was placed.
 */

// As volcano's example/deployment/ (queue.yaml, deployment.yaml), scaled to 10 replicas.
const queue = `
apiVersion: scheduling.volcano.sh/v1beta1
kind: Queue
metadata: { name: test }
spec: { weight: 1, reclaimable: false, capability: { cpu: 2 } }
`;
const deployment = (name: string, podSpec: string, annotations = 'scheduling.volcano.sh/queue-name: test') => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, labels: { app: nginx } }
spec:
  replicas: 10
  selector: { matchLabels: { app: nginx } }
  template:
    metadata:
      labels: { app: nginx }
      annotations: { ${annotations} }
    spec:
${podSpec}
      containers:
        - { name: nginx, image: "nginx:latest", ports: [{ containerPort: 80 }], resources: { requests: { cpu: 300m } } }
`;

const fleet = (include: string[], policyExtra = '') => `
name: who
duration: 5m
defaults: { imageSize: 0, podStartup: 1s }
controlPlane: { schedulingLatency: 0s }
fleet:
  clusters:
    - { name: vc, region: r1, scheduler: volcano, nodePools: [{ count: 2, cpu: 8, memory: 16Gi }] }
    - { name: kube, region: r1, nodePools: [{ count: 2, cpu: 8, memory: 16Gi }] }
policies:
  - { name: everywhere, resourceSelectors: [{ kind: Deployment }], placement: { replicaScheduling: { replicaSchedulingType: Duplicated } }${policyExtra} }
include: [${include.join(', ')}]
`;

const run = async (files: Record<string, string>, include: string[], policyExtra = '') => {
  return runScenario(loadScenario(writeScenario(files, fleet(include, policyExtra))));
};
const ready = (r: Awaited<ReturnType<typeof run>>, cluster: string) => r.clusters.find((c) => c.name === cluster)!.replicas;

describe('schedulerName and the Volcano queue of plain pods', () => {
  it("volcano's example/deployment: the queue's 2-CPU capability caps the pods Volcano runs; a member without Volcano runs none", async () => {
    const r = await run({ 'queue.yaml': queue, 'deploy.yaml': deployment('deploy-with-volcano', '      schedulerName: volcano') }, ['queue.yaml', 'deploy.yaml']);
    // 6 × 300m = 1.8 CPU fits the queue's 2; a 7th would not.
    expect(ready(r, 'vc')).toBe(6);
    expect(ready(r, 'kube')).toBe(0);
    const w = r.workloads[0];
    expect(w.pending).toBe(14);
    expect(w.clusterErrors).toEqual({ kube: 'no scheduler named "volcano" runs in cluster kube (it runs default-scheduler): its pods stay Pending' });
  });

  it('pods without a schedulerName go to kube-scheduler, on a Volcano member too: the queue annotation means nothing to it', async () => {
    const r = await run({ 'queue.yaml': queue, 'deploy.yaml': deployment('plain', '') }, ['queue.yaml', 'deploy.yaml']);
    expect(ready(r, 'vc')).toBe(10);
    expect(ready(r, 'kube')).toBe(10);
    // A scheduler nobody runs: Pending everywhere, and said so (validate's notes too).
    const files = { 'deploy.yaml': deployment('custom', '      schedulerName: my-scheduler', 'a: b') };
    const other = await run(files, ['deploy.yaml']);
    expect(other.workloads[0].ready).toBe(0);
    expect(Object.keys(other.workloads[0].clusterErrors!)).toEqual(['vc', 'kube']);
    expect(loadScenario(writeScenario(files, fleet(['deploy.yaml']))).inputs.notes.map((n) => n.text)).toContain(
      'its pods name scheduler "my-scheduler", which no member cluster runs (they run default-scheduler and volcano): they stay Pending',
    );
  });

  it('a queue that does not exist: Volcano refuses the PodGroup, the pods stay Pending with the webhook\'s answer', async () => {
    const r = await run({ 'deploy.yaml': deployment('lost', '      schedulerName: volcano') }, ['deploy.yaml']);
    expect(ready(r, 'vc')).toBe(0);
    expect(r.workloads[0].clusterErrors!.vc).toBe('pods stay Pending: admission webhook "validatepodgroup.volcano.sh" denied the request: unable to find queue: queue.scheduling.volcano.sh "test" not found');
  });

  it("a PropagationPolicy's schedulerName: only karmada-scheduler's own (default-scheduler) is placed", async () => {
    const files = { 'deploy.yaml': deployment('plain', '') };
    const other = await run(files, ['deploy.yaml'], ', schedulerName: my-karmada-scheduler');
    expect(other.workloads[0].placement).toEqual({});
    expect(other.workloads[0].schedulingError).toMatch(/asks for scheduler "my-karmada-scheduler" \(spec\.schedulerName\), and only karmada-scheduler \("default-scheduler"\) runs/);
    const own = await run(files, ['deploy.yaml'], ', schedulerName: default-scheduler');
    expect(own.workloads[0].placement).toEqual({ vc: 10, kube: 10 });
  });
});
