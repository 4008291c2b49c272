import { describe, expect, it } from 'vitest';
import { reasonKind } from '../../src/metrics/waits.js';
import { registerBuiltinSchedulers } from '../../src/placement/builtin.js';
import { runScenario } from '../../src/runner/run.js';
import { parseScenario } from '../../src/scenario/load.js';

registerBuiltinSchedulers();

/** Two members: gpu-a has 2 nodes of 8 GPUs and a CPU node; cpu-b has no GPU. */
const fleet = (workloads: string, extra = '') => `
name: waits
duration: 30m
fleet:
  clusters:
    - name: gpu-a
      region: r1
      nodePools:
        - { name: gpu, count: 2, cpu: 64, memory: 256Gi, gpus: { count: 8, model: A100 } }
        - { name: cpu, count: 1, cpu: 16, memory: 64Gi }
    - name: cpu-b
      region: r1
      nodePools: [{ name: cpu, count: 3, cpu: 16, memory: 64Gi }]
workloads:
${workloads}
${extra}`;

describe('why workloads wait (RunResult.waits)', () => {
  it("a pod that fits no node: kube-scheduler's FitError, counted and sorted as Kubernetes does", async () => {
    const s = parseScenario(
      fleet(`  - { kind: Deployment, name: trainer, replicas: 5, resources: { cpu: 8, memory: 32Gi, gpu: 4 }, placement: { clusterAffinity: { clusterNames: [gpu-a] } } }`),
      'w.yaml',
    );
    const r = await runScenario(s, { waits: true });
    const w = r.waits!.find((x) => x.workload === 'default/trainer')!;
    expect(w).toBeDefined();
    // Four fit (two per GPU node); the fifth waits to the end.
    // kube-scheduler's PostFilter (DefaultPreemption) has found nothing to preempt either.
    expect(w.reasons).toEqual([
      { where: 'gpu-a', from: expect.any(Number), to: null, reason: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.' },
    ]);
    expect(w.waited).toBeGreaterThan(1700);
    expect(w.placement).toMatch(/^gpu-a:5 — /);
    // A workload that never waited is not listed.
    const quiet = await runScenario(parseScenario(fleet(`  - { kind: Deployment, name: web, replicas: 2, resources: { cpu: 1, memory: 1Gi }, placement: { clusterAffinity: { clusterNames: [cpu-b] } } }`), 'q.yaml'), { waits: true });
    expect(quiet.waits).toEqual([]);
    // Without asking, nothing is recorded.
    expect((await runScenario(s)).waits).toBeUndefined();
  });

  it("a placement Karmada cannot make: its own error, with each cluster's filter or estimate", async () => {
    const s = parseScenario(
      fleet(`  - kind: Deployment
    name: trainer
    replicas: 6
    resources: { cpu: 8, memory: 32Gi, gpu: 4 }
    placement:
      clusterAffinity: { clusterNames: [gpu-a, cpu-b] }
      replicaScheduling: { replicaSchedulingType: Divided, replicaDivisionPreference: Weighted, weightPreference: { dynamicWeight: AvailableReplicas } }`),
      'k.yaml',
    );
    const r = await runScenario(s, { waits: true });
    const w = r.waits!.find((x) => x.workload === 'default/trainer')!;
    const karmada = w.reasons.filter((x) => x.where === 'karmada');
    expect(karmada.length).toBeGreaterThan(0);
    expect(karmada[0].reason).toBe('Unschedulable: Clusters available replicas 4 are not enough to schedule. [gpu-a: available replicas 4; cpu-b: available replicas 0]');
  });

  it('a gang that waits for its pods, and the kinds of reasons that group together', async () => {
    const s = parseScenario(
      fleet(`  - { kind: Job, name: big, parallelism: 6, completions: 6, minAvailable: 6, duration: 10m, resources: { cpu: 8, memory: 32Gi, gpu: 4 }, placement: { clusterAffinity: { clusterNames: [gpu-a] } } }`),
      'g.yaml',
    );
    const r = await runScenario(s, { waits: true });
    const w = r.waits!.find((x) => x.workload === 'default/big')!;
    // 4 of 6 pods fit: the gang never starts; Ready pods wait for the rest until the end.
    expect(w.reasons.find((x) => x.where === 'gang')).toMatchObject({ to: null, reason: '4/6 pods Ready; the gang starts when 6 are Ready together' });
    expect(w.reasons.find((x) => x.where === 'gpu-a')!.reason).toBe('0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
    expect(reasonKind('0/24 nodes are available: 16 Insufficient nvidia.com/gpu, 8 Insufficient cpu.')).toBe(reasonKind('0/24 nodes are available: 2 Insufficient cpu, 22 Insufficient nvidia.com/gpu.'));
    expect(reasonKind('0/24 nodes are available: 24 Insufficient cpu.')).not.toBe(reasonKind('0/24 nodes are available: 24 Insufficient memory.'));
    // Each histogram sorts on its own.
    const post = (a: string, b: string) => `0/3 nodes are available: ${a}. preemption: 0/3 nodes are available: ${b}.`;
    expect(reasonKind(post('1 node(s) were unschedulable, 2 Insufficient cpu', '1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod')))
      .toBe(reasonKind(post('2 Insufficient cpu, 1 node(s) were unschedulable', '2 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling')));
  });

  it("kube-scheduler's PostFilter in its own words: not helpful where a node is down, not eligible for a preemptionPolicy: Never class", async () => {
    const s = parseScenario(
      fleet(
        `  - { kind: Deployment, name: trainer, replicas: 5, resources: { cpu: 8, memory: 32Gi, gpu: 4 }, placement: { clusterAffinity: { clusterNames: [gpu-a] } } }
  - { kind: Deployment, name: meek, at: 20m, priorityClassName: meek, replicas: 1, resources: { cpu: 8, memory: 32Gi, gpu: 4 }, placement: { clusterAffinity: { clusterNames: [gpu-a] } } }`,
        `priorityClasses: { meek: { value: 0, preemptionPolicy: Never } }
faults:
  - { kind: node-crash, cluster: gpu-a, nodes: 1, at: 10m }`,
      ),
      'p.yaml',
    );
    const r = await runScenario(s, { waits: true });
    const reasons = (name: string) => r.waits!.find((x) => x.workload === `default/${name}`)!.reasons.filter((x) => x.where === 'gpu-a').map((x) => x.reason);
    expect(reasons('trainer')).toContain(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 2 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
    expect(reasons('meek')).toEqual(['0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 2 Insufficient nvidia.com/gpu. preemption: not eligible due to preemptionPolicy=Never.']);
  });
});
