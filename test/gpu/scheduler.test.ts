import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GpuCluster, MILLI_PER_GPU, type GpuNodeSpec, type GpuPodSpec } from '../../src/gpu/model.js';
import { gpuPolicies } from '../../src/gpu/policies/index.js';
import { GpuScheduler, randomNodeRanks } from '../../src/gpu/scheduler.js';
import { typicalPods } from '../../src/gpu/typical-pods.js';
import { createStream } from '../../src/kernel/random.js';

const MODELS = ['A', 'B', 'C'];

const nodeArb = fc.record({
  gpuCount: fc.constantFrom(0, 1, 2, 4, 8),
  model: fc.constantFrom(...MODELS),
  cpuMilli: fc.integer({ min: 1000, max: 64000 }),
  memoryMib: fc.integer({ min: 1024, max: 262144 }),
});

const podArb: fc.Arbitrary<GpuPodSpec> = fc
  .record({
    kind: fc.constantFrom('cpu', 'share', 'whole'),
    numWhole: fc.constantFrom(1, 2, 4, 8),
    milli: fc.integer({ min: 1, max: 999 }),
    cpuMilli: fc.integer({ min: 0, max: 24000 }),
    memoryMib: fc.integer({ min: 0, max: 65536 }),
    gpuSpec: fc.subarray([...MODELS, 'Z']),
  })
  .map((r) => ({
    cpuMilli: r.cpuMilli,
    memoryMib: r.memoryMib,
    numGpu: r.kind === 'cpu' ? 0 : r.kind === 'share' ? 1 : r.numWhole,
    gpuMilli: r.kind === 'cpu' ? 0 : r.kind === 'share' ? r.milli : MILLI_PER_GPU,
    gpuSpec: r.gpuSpec,
  }));

const scenarioArb = fc.record({
  nodes: fc.array(nodeArb, { minLength: 1, maxLength: 6 }).map((ns) => ns.map((n, i): GpuNodeSpec => ({ ...n, name: `n${i}`, model: n.gpuCount ? n.model : '' }))),
  pods: fc.array(podArb, { minLength: 1, maxLength: 60 }),
  policy: fc.constantFrom(...gpuPolicies.keys()),
  seed: fc.integer({ min: 0, max: 1000 }),
});

function scheduler(nodes: GpuNodeSpec[], pods: GpuPodSpec[], policy: string, seed: number, cacheScores = true) {
  const cluster = new GpuCluster(nodes);
  const p = gpuPolicies.get(policy)!({ cluster, typicalPods: typicalPods(pods), rng: createStream(seed, 'select') });
  return new GpuScheduler(cluster, p, { ranks: randomNodeRanks(nodes.length, createStream(seed, 'order')), uniform: createStream(seed, 'tie'), cacheScores });
}

describe('GpuScheduler properties (every policy)', () => {
  it('no GPU ever goes below 0 or above 1000 milli free, no pod lands on a model outside its gpuSpec, cpu/memory never overcommit', () => {
    fc.assert(
      fc.property(scenarioArb, ({ nodes, pods, policy, seed }) => {
        const s = scheduler(nodes, pods, policy, seed);
        const c = s.cluster;
        let allocated = 0;
        for (const spec of pods) {
          const shape = c.compilePod(spec);
          const fitsSomewhere = nodes.some((_, n) => c.fits(n, shape));
          const node = s.schedule(shape);
          expect(node >= 0).toBe(fitsSomewhere); // fails only when nothing fits
          if (node < 0) continue;
          allocated += shape.totalMilli;
          const model = nodes[node].model;
          if (spec.numGpu > 0) {
            expect(nodes[node].gpuCount).toBeGreaterThan(0);
            if (spec.gpuSpec && spec.gpuSpec.length > 0) expect(spec.gpuSpec).toContain(model);
            expect(s.lastGpus.length).toBe(spec.numGpu);
          }
          for (let i = 0; i < c.gpuFree.length; i++) {
            expect(c.gpuFree[i]).toBeGreaterThanOrEqual(0);
            expect(c.gpuFree[i]).toBeLessThanOrEqual(MILLI_PER_GPU);
          }
          for (let n = 0; n < nodes.length; n++) {
            expect(c.cpuFree[n]).toBeGreaterThanOrEqual(0);
            expect(c.memoryFree[n]).toBeGreaterThanOrEqual(0);
          }
        }
        expect(c.allocatedGpuMilli).toBe(allocated);
        let freeSum = 0;
        for (let i = 0; i < c.gpuFree.length; i++) freeSum += c.gpuFree[i];
        expect(c.gpuCapacityMilli - freeSum).toBe(allocated);
      }),
      { numRuns: 150 },
    );
  });

  it('the score cache is exact: the same placements with and without it', () => {
    fc.assert(
      fc.property(scenarioArb, ({ nodes, pods, policy, seed }) => {
        const a = scheduler(nodes, pods, policy, seed, true);
        const b = scheduler(nodes, pods, policy, seed, false);
        for (const spec of pods) {
          expect(a.schedule(a.cluster.compilePod(spec))).toBe(b.schedule(b.cluster.compilePod(spec)));
          expect(a.lastGpus).toEqual(b.lastGpus);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('GpuScheduler tie-breaks', () => {
  const nodes: GpuNodeSpec[] = [0, 1, 2].map((i) => ({ name: `n${i}`, cpuMilli: 8000, memoryMib: 8192, gpuCount: 1, model: 'A' }));
  const one: GpuPodSpec = { cpuMilli: 1000, memoryMib: 1, numGpu: 1, gpuMilli: 1000 };

  it('node-order: equal scores go to the lowest-ranked node', () => {
    const cluster = new GpuCluster(nodes);
    const policy = gpuPolicies.get('bestfit')!({ cluster });
    const s = new GpuScheduler(cluster, policy, { ranks: Int32Array.from([2, 0, 1]) });
    expect(s.schedule(cluster.compilePod(one))).toBe(1);
    expect(s.schedule(cluster.compilePod(one))).toBe(2);
    expect(s.schedule(cluster.compilePod(one))).toBe(0);
    expect(s.schedule(cluster.compilePod(one))).toBe(-1);
  });

  it('uniform (Random): every feasible node gets picked', () => {
    const cluster = new GpuCluster(nodes);
    const policy = gpuPolicies.get('random')!({ cluster, rng: createStream(3, 'select') });
    const s = new GpuScheduler(cluster, policy, { uniform: createStream(3, 'tie') });
    const seen = new Set<number>();
    for (let i = 0; i < 60; i++) seen.add(s.pickNode(cluster.compilePod(one)));
    expect([...seen].sort()).toEqual([0, 1, 2]);
    expect(() => new GpuScheduler(cluster, policy)).toThrow(/uniform/);
  });

  it('randomNodeRanks is a permutation, fixed by its stream', () => {
    const r = randomNodeRanks(50, createStream(9, 'order'));
    expect([...r].sort((x, y) => x - y)).toEqual([...Array(50).keys()]);
    expect(randomNodeRanks(50, createStream(9, 'order'))).toEqual(r);
    expect(randomNodeRanks(50, createStream(10, 'order'))).not.toEqual(r);
  });
});
