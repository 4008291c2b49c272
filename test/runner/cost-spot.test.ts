import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/runner/run.js';
import type { DecisionSink } from '../../src/control/state.js';

const fleet = (replicas: number, floor: number, faults = '') => `
name: cs
duration: 3h
metrics: { interval: 1m }
defaults: { imageSize: 0, podStartup: 5s }
fleet:
  clusters:
    - { name: od, region: r1, prices: { cpu: 0.05, memory: 0.005 }, nodePools: [{ name: n, count: 4, cpu: 16, memory: 64Gi }] }
    - { name: spot-a, region: r1, spot: true, prices: { cpu: 0.015, memory: 0.002 }, nodePools: [{ name: n, count: 4, cpu: 16, memory: 64Gi }] }
    - { name: spot-b, region: r2, spot: true, prices: { cpu: 0.012, memory: 0.002 }, nodePools: [{ name: n, count: 2, cpu: 16, memory: 64Gi }] }
policies:
  - { name: web, kind: ClusterPropagationPolicy, resourceSelectors: [{ kind: Deployment }], placement: { replicaScheduling: { replicaSchedulingType: Divided, weightPreference: { dynamicWeight: AvailableReplicas } } } }
workloads:
  - { kind: Deployment, name: web, replicas: ${replicas}, resources: { cpu: 2, memory: 4Gi } }
costSpot: { onDemandFloor: ${floor} }
schedulers: [cost-spot]
faults:
${faults || '  []'}`;

describe('cost-spot', () => {
  it('cheapest first under the on-demand floor: 20 % on-demand, the rest spot, cheapest spot first', async () => {
    const r = await runScenario(parseScenario(fleet(20, 0.2), 'cs.yaml'));
    // 4 to od (the floor); spot-b is cheapest: 2 nodes x 8 pods = 16 fit; it takes 16.
    expect(r.workloads[0].placement).toEqual({ od: 4, 'spot-b': 16 });
    expect(r.workloads[0].cost).toBeGreaterThan(0);
    expect(r.clusters.find((c) => c.name === 'od')!.cost).toBeCloseTo(3 * 4 * (16 * 0.05 + 64 * 0.005), 6);
  });

  it('on a spot notice the displaced replicas move before the nodes go', async () => {
    const r = await runScenario(parseScenario(fleet(20, 0.2, '  - { kind: spot-reclaim, cluster: spot-b, nodes: 1, notice: 2m, at: 1h }'), 'cs.yaml'));
    // One spot-b node (8 replicas) reclaimed: they move to spot-a, the next cheapest with room.
    expect(r.workloads[0].placement).toEqual({ od: 4, 'spot-a': 8, 'spot-b': 8 });
    expect(r.workloads[0].ready).toBe(20);
  });

  it('property: spot replicas never exceed the configured share; binds only on up, uncordoned nodes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(0, 0.1, 0.2, 0.5, 1),
        fc.array(fc.record({ cluster: fc.constantFrom('spot-a', 'spot-b', 'od'), nodes: fc.integer({ min: 1, max: 2 }), at: fc.integer({ min: 60, max: 9000 }) }), { maxLength: 3 }),
        async (replicas, floor, faults) => {
          const f = faults.map((x) => `  - { kind: spot-reclaim, cluster: ${x.cluster}, nodes: ${x.nodes}, notice: 2m, at: ${x.at}, duration: 20m }`).join('\n');
          const spotCap = replicas - Math.ceil(floor * replicas - 1e-9);
          const problems: string[] = [];
          const sink: DecisionSink = {
            placement(t, _w, outcome) {
              if (!outcome.ok) return;
              const spot = outcome.clusters.filter((c) => c.name.startsWith('spot')).reduce((s, c) => s + c.replicas, 0);
              if (spot > spotCap) problems.push(`t=${t}: ${spot} spot replicas > ${spotCap}`);
              const total = outcome.clusters.reduce((s, c) => s + c.replicas, 0);
              if (total !== replicas) problems.push(`t=${t}: ${total} replicas placed, ${replicas} asked`);
            },
            bind(t, pod, _c, node, state) {
              if (!state.up || state.cordoned) problems.push(`t=${t}: pod ${pod} bound to node ${node} that is ${state.up ? 'cordoned' : 'down'}`);
            },
          };
          await runScenario(parseScenario(fleet(replicas, floor, f), 'cs.yaml'), { decisions: sink });
          expect(problems).toEqual([]);
        },
      ),
      { numRuns: 40, seed: 99 },
    );
  });
});
