import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KubeScheduler } from '../../src/control/kube-scheduler.js';
import { karmadaFastPaths } from '../../src/placement/builtin.js';
import { runScenario } from '../../src/runner/run.js';
import { parseScenario } from '../../src/scenario/load.js';

/**
 * The scale work's fast paths (bench/README, issue 20) against the plain ones on random small
 * fleets: the whole RunResult must be the same, decision for decision. Switched off, kube-scheduler
 * visits the nodes one by one (`KubeScheduler.useRequestClasses`) and Karmada runs every filter on
 * every cluster (`karmadaFastPaths.affinityPrefilter`).
 */
function setFastPaths(on: boolean): void {
  KubeScheduler.useRequestClasses = on;
  karmadaFastPaths.affinityPrefilter = on;
}

const pool = fc.record({
  count: fc.integer({ min: 1, max: 160 }),
  cpu: fc.constantFrom(8, 16, 64),
  memory: fc.constantFrom('32Gi', '128Gi'),
  gpus: fc.constantFrom(0, 0, 4, 8),
});
const cluster = fc.record({ pools: fc.array(pool, { minLength: 1, maxLength: 2 }), most: fc.boolean(), tier: fc.constantFrom('a', 'b') });
const workload = fc.record({
  job: fc.boolean(),
  replicas: fc.integer({ min: 1, max: 60 }),
  cpu: fc.constantFrom('500m', '2', '6'),
  memory: fc.constantFrom('1Gi', '8Gi', '24Gi'),
  gpu: fc.constantFrom(0, 0, 1, 2, 4),
  share: fc.boolean(),
  at: fc.integer({ min: 0, max: 3000 }),
});
const fleet = fc.record({
  clusters: fc.array(cluster, { minLength: 1, maxLength: 3 }),
  workloads: fc.array(workload, { minLength: 1, maxLength: 12 }),
  crash: fc.option(fc.record({ cluster: fc.nat(), at: fc.integer({ min: 60, max: 3000 }) })),
  // A clusterAffinity on the policy: by label (some, all or no clusters match) or by name.
  affinity: fc.constantFrom(null, 'tier-a', 'tier-b', 'c0'),
});

type Fleet = typeof fleet extends fc.Arbitrary<infer T> ? T : never;

function affinityOf(f: Fleet): object {
  if (f.affinity === null) return {};
  if (f.affinity === 'c0') return { clusterAffinity: { clusterNames: ['c0'] } };
  return { clusterAffinity: { labelSelector: { matchLabels: { tier: f.affinity.slice(5) } } } };
}

function scenarioText(f: Fleet): string {
  const doc = {
    name: 'fast-paths',
    seed: 3,
    duration: 3600,
    metrics: { interval: 60 },
    fleet: {
      clusters: f.clusters.map((c, i) => ({
        name: `c${i}`,
        region: `r${i % 2}`,
        labels: { tier: c.tier },
        nodeScoring: c.most ? 'MostAllocated' : 'LeastAllocated',
        nodePools: c.pools.map((p, k) => ({ name: `p${k}`, count: p.count, cpu: p.cpu, memory: p.memory, ...(p.gpus ? { gpus: { count: p.gpus } } : {}) })),
      })),
    },
    policies: [{ name: 'all', resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment' }, { apiVersion: 'batch/v1', kind: 'Job' }], placement: { ...affinityOf(f), replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } } } }],
    workloads: f.workloads.map((w, i) => ({
      kind: w.job ? 'Job' : 'Deployment',
      name: `w${i}`,
      ...(w.job ? { parallelism: w.replicas, completions: w.replicas, duration: { kind: 'exponential', mean: 600 } } : { replicas: w.replicas }),
      at: w.at,
      image: `img:${i % 3}`,
      resources: { cpu: w.cpu, memory: w.memory, ...(w.gpu ? (w.share ? { gpu: 1, gpuMilli: 250 * w.gpu } : { gpu: w.gpu }) : {}) },
    })),
    ...(f.crash ? { faults: [{ kind: 'node-crash', cluster: `c${f.crash.cluster % f.clusters.length}`, at: f.crash.at, duration: 600, nodes: 3 }] } : {}),
  };
  return JSON.stringify(doc);
}

describe('fast paths = plain paths', () => {
  it('random small fleets give the same RunResult with the fast paths on and off', async () => {
    await fc.assert(
      fc.asyncProperty(fleet, async (f) => {
        const scenario = parseScenario(scenarioText(f), 'fast-paths.yaml');
        try {
          setFastPaths(false);
          const plain = await runScenario(scenario);
          setFastPaths(true);
          const fast = await runScenario(scenario);
          expect(JSON.stringify(fast)).toBe(JSON.stringify(plain));
        } finally {
          setFastPaths(true);
        }
      }),
      { numRuns: 25 },
    );
  });
});
