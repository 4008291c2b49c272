import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/runner/run.js';

/**
 * Properties of whole simulated runs over random small fleets and gang workloads: determinism;
 * a federated gang is never split; Volcano queues stay within capability; nothing is overcommitted.
 */

const arbScenario = fc.record({
  clusters: fc.array(fc.record({ nodes: fc.integer({ min: 1, max: 3 }), gpus: fc.constantFrom(2, 4, 8), volcano: fc.boolean() }), { minLength: 1, maxLength: 3 }),
  jobs: fc.array(
    fc.record({ at: fc.integer({ min: 0, max: 3600 }), pods: fc.integer({ min: 1, max: 6 }), gpu: fc.integer({ min: 1, max: 4 }), gangAll: fc.boolean(), minutes: fc.integer({ min: 5, max: 90 }) }),
    { minLength: 1, maxLength: 6 },
  ),
  cap: fc.integer({ min: 2, max: 12 }),
  scheduler: fc.constantFrom('karmada', 'dynamic-weight', 'federated-gang', 'federated-gang-fifo'),
  seed: fc.integer({ min: 0, max: 1000 }),
});

type Arb = typeof arbScenario extends fc.Arbitrary<infer T> ? T : never;

function yaml(a: Arb): string {
  const clusters = a.clusters
    .map(
      (c, i) => `    - name: c${i}
      region: r${i % 2}
      scheduler: ${c.volcano ? 'volcano' : 'kube-scheduler'}
      volcano: { queues: [{ name: research, weight: 1, capability: { nvidia.com/gpu: ${a.cap} } }] }
      nodePools: [{ count: ${c.nodes}, cpu: 64, memory: 256Gi, gpus: { count: ${c.gpus} } }]`,
    )
    .join('\n');
  const jobs = a.jobs
    .map((j, k) => `  - { kind: Job, name: j${k}, at: ${j.at}, parallelism: ${j.pods}, completions: ${j.pods}, minAvailable: ${j.gangAll ? j.pods : 1}, queue: research, duration: ${j.minutes}m, resources: { cpu: 1, gpu: ${j.gpu} } }`)
    .join('\n');
  return `name: prop
seed: ${a.seed}
duration: 3h
metrics: { interval: 1m }
defaults: { imageSize: 50Mi }
fleet:
  clusters:
${clusters}
policies:
  - { name: all, kind: ClusterPropagationPolicy, resourceSelectors: [{ kind: Job }], placement: { replicaScheduling: { replicaSchedulingType: Divided, weightPreference: { dynamicWeight: AvailableReplicas } } } }
workloads:
${jobs}
schedulers: [${a.scheduler}]
`;
}

describe('simulation properties', () => {
  it('same scenario and seed → identical results; no overcommit; federated gangs never split; queues within capability', async () => {
    await fc.assert(
      fc.asyncProperty(arbScenario, async (a) => {
        const text = yaml(a);
        const r1 = await runScenario(parseScenario(text, 'prop.yaml'));
        const r2 = await runScenario(parseScenario(text, 'prop.yaml'));
        expect(JSON.stringify(r2)).toBe(JSON.stringify(r1));
        for (const c of r1.clusters) {
          expect(c.gpuUtilization.max).toBeLessThanOrEqual(1 + 1e-9);
          expect(c.cpuUtilization.max).toBeLessThanOrEqual(1 + 1e-9);
        }
        for (const w of r1.workloads) {
          const total = Object.values(w.placement).reduce((s, n) => s + n, 0);
          if (a.scheduler.startsWith('federated-gang') && (w.minAvailable ?? 1) > 1 && total > 0) {
            expect(Object.keys(w.placement)).toHaveLength(1);
            expect(total).toBe(w.desired);
          }
          // A gang that never started never completed a pod; one that completed had started.
          if (w.queueingDelay === null) expect(w.succeeded).toBe(0);
          if (w.succeeded > 0) expect(w.queueingDelay).not.toBeNull();
        }
        for (const q of r1.queueShares ?? []) {
          if (q.queue !== 'research') continue;
          for (const x of q.allocated) expect(x).toBeLessThanOrEqual(a.cap + 1e-9);
        }
      }),
      { numRuns: 25, seed: 424242 },
    );
  });
});
