import { describe, expect, it } from 'vitest';
import { GpuCluster, type GpuNodeSpec } from '../../src/gpu/model.js';
import { bestFitGpus, exclusiveGpus, randomFitGpus } from '../../src/gpu/gpu-selection.js';
import { createStream } from '../../src/kernel/random.js';

const nodes: GpuNodeSpec[] = [
  { name: 'g2', cpuMilli: 32000, memoryMib: 65536, gpuCount: 4, model: 'G2' },
  { name: 't4', cpuMilli: 16000, memoryMib: 32768, gpuCount: 2, model: 'T4' },
  { name: 'cpu', cpuMilli: 64000, memoryMib: 262144, gpuCount: 0, model: '' },
];

function place(c: GpuCluster, node: number, pod: ReturnType<GpuCluster['compilePod']>, gpus: number[]): void {
  c.allocate(node, pod, gpus, gpus.length);
}

describe('GpuCluster fit rules', () => {
  it('a sharing pod must fit on the free milli of one GPU, not across GPUs', () => {
    const c = new GpuCluster(nodes);
    const half = c.compilePod({ cpuMilli: 1000, memoryMib: 1, numGpu: 1, gpuMilli: 600 });
    place(c, 1, half, [0]);
    place(c, 1, half, [1]);
    // 400 + 400 milli free on t4, but no single GPU holds 500.
    const five = c.compilePod({ cpuMilli: 1000, memoryMib: 1, numGpu: 1, gpuMilli: 500 });
    expect(c.totalGpuFree[1]).toBe(800);
    expect(c.fits(1, five)).toBe(false);
    const four = c.compilePod({ cpuMilli: 1000, memoryMib: 1, numGpu: 1, gpuMilli: 400 });
    expect(c.fits(1, four)).toBe(true);
  });

  it('k whole GPUs must be entirely free on one node', () => {
    const c = new GpuCluster(nodes);
    const two = c.compilePod({ cpuMilli: 1000, memoryMib: 1, numGpu: 2, gpuMilli: 1000 });
    const sliver = c.compilePod({ cpuMilli: 100, memoryMib: 1, numGpu: 1, gpuMilli: 10 });
    expect(c.fits(1, two)).toBe(true);
    place(c, 1, sliver, [0]);
    expect(c.fits(1, two)).toBe(false); // 1990 milli free, but only one whole GPU
    const four = c.compilePod({ cpuMilli: 1000, memoryMib: 1, numGpu: 4, gpuMilli: 1000 });
    expect(c.fits(0, four)).toBe(true);
    place(c, 0, sliver, [3]);
    expect(c.fits(0, four)).toBe(false);
    expect(c.fullFreeGpus[0]).toBe(3);
  });

  it('cpu and memory must fit too', () => {
    const c = new GpuCluster(nodes);
    expect(c.fits(1, c.compilePod({ cpuMilli: 16000, memoryMib: 32768, numGpu: 1, gpuMilli: 1000 }))).toBe(true);
    expect(c.fits(1, c.compilePod({ cpuMilli: 16001, memoryMib: 1, numGpu: 1, gpuMilli: 1000 }))).toBe(false);
    expect(c.fits(1, c.compilePod({ cpuMilli: 1, memoryMib: 32769, numGpu: 1, gpuMilli: 1000 }))).toBe(false);
  });

  it('gpu_spec limits the model; GPU pods never fit on CPU-only nodes; CPU pods fit anywhere', () => {
    const c = new GpuCluster(nodes);
    const t4only = c.compilePod({ cpuMilli: 1, memoryMib: 1, numGpu: 1, gpuMilli: 1000, gpuSpec: ['T4'] });
    expect([0, 1, 2].map((n) => c.fits(n, t4only))).toEqual([false, true, false]);
    const either = c.compilePod({ cpuMilli: 1, memoryMib: 1, numGpu: 1, gpuMilli: 100, gpuSpec: ['V100M16', 'G2'] });
    expect([0, 1, 2].map((n) => c.fits(n, either))).toEqual([true, false, false]);
    const unknownModel = c.compilePod({ cpuMilli: 1, memoryMib: 1, numGpu: 1, gpuMilli: 100, gpuSpec: ['A100'] });
    expect([0, 1, 2].map((n) => c.fits(n, unknownModel))).toEqual([false, false, false]);
    const cpu = c.compilePod({ cpuMilli: 1000, memoryMib: 1, numGpu: 0, gpuMilli: 0, gpuSpec: ['T4'] });
    expect([0, 1, 2].map((n) => c.fits(n, cpu))).toEqual([true, true, true]);
  });

  it('rejects requests the model cannot express', () => {
    const c = new GpuCluster(nodes);
    expect(() => c.compilePod({ cpuMilli: 1, memoryMib: 1, numGpu: 2, gpuMilli: 500 })).toThrow(/whole GPUs/);
    expect(() => c.compilePod({ cpuMilli: 1, memoryMib: 1, numGpu: 1, gpuMilli: 0 })).toThrow(/gpuMilli/);
    expect(() => c.compilePod({ cpuMilli: 1, memoryMib: 1, numGpu: 1, gpuMilli: 1001 })).toThrow(/gpuMilli/);
    expect(() => c.compilePod({ cpuMilli: -1, memoryMib: 1, numGpu: 0, gpuMilli: 0 })).toThrow(/cpuMilli/);
    expect(() => new GpuCluster([{ name: 'x', cpuMilli: 1, memoryMib: 1, gpuCount: 2, model: '' }])).toThrow(/model/);
  });

  it('allocate refuses a placement that breaks the rules and leaves the state unchanged', () => {
    const c = new GpuCluster(nodes);
    const big = c.compilePod({ cpuMilli: 1, memoryMib: 1, numGpu: 1, gpuMilli: 900 });
    place(c, 0, big, [2]);
    const v = c.version[0];
    expect(() => place(c, 0, big, [2])).toThrow(/only 100 milli/);
    expect(() => c.allocate(0, c.compilePod({ cpuMilli: 1, memoryMib: 1, numGpu: 2, gpuMilli: 1000 }), [0, 0], 2)).toThrow(/twice/);
    expect(() => place(c, 0, big, [7])).toThrow(/out of range/);
    expect(c.version[0]).toBe(v);
    expect(c.gpuFreeOf(0)).toEqual([1000, 1000, 100, 1000]);
  });

  it('release undoes allocate, including the GpuClustering affinity bookkeeping', () => {
    const c = new GpuCluster(nodes);
    const share = c.compilePod({ cpuMilli: 2000, memoryMib: 100, numGpu: 1, gpuMilli: 300 });
    const two = c.compilePod({ cpuMilli: 2000, memoryMib: 100, numGpu: 2, gpuMilli: 1000 });
    place(c, 0, share, [1]);
    place(c, 0, two, [2, 3]);
    expect(c.affinityKinds[0]).toBe(2);
    expect(c.allocatedGpuMilli).toBe(2300);
    c.release(0, two, [2, 3], 2);
    c.release(0, share, [1], 1);
    expect(c.affinityKinds[0]).toBe(0);
    expect(c.allocatedGpuMilli).toBe(0);
    expect(c.gpuFreeOf(0)).toEqual([1000, 1000, 1000, 1000]);
    expect([c.cpuFree[0], c.memoryFree[0], c.fullFreeGpus[0], c.maxGpuFree[0], c.totalGpuFree[0]]).toEqual([32000, 65536, 4, 1000, 4000]);
    expect(() => c.release(0, share, [1], 1)).toThrow();
  });
});

describe('GPU selection on the chosen node', () => {
  const c = new GpuCluster([{ name: 'n', cpuMilli: 64000, memoryMib: 1 << 20, gpuCount: 4, model: 'G2' }]);
  const a = c.compilePod({ cpuMilli: 1, memoryMib: 1, numGpu: 1, gpuMilli: 300 });
  const b = c.compilePod({ cpuMilli: 1, memoryMib: 1, numGpu: 1, gpuMilli: 600 });
  c.allocate(0, a, [1], 1); // free: 1000 700 1000 1000
  c.allocate(0, b, [2], 1); // free: 1000 700 400 1000
  const out = new Int32Array(4);

  it('best fit takes the GPU with the least free milli that holds the pod', () => {
    const p = c.compilePod({ cpuMilli: 1, memoryMib: 1, numGpu: 1, gpuMilli: 350 });
    expect(bestFitGpus(c, 0, p, out)).toBe(1);
    expect(out[0]).toBe(2);
    const q = c.compilePod({ cpuMilli: 1, memoryMib: 1, numGpu: 1, gpuMilli: 500 });
    bestFitGpus(c, 0, q, out);
    expect(out[0]).toBe(1);
  });

  it('whole GPUs are the first free ones in index order', () => {
    const p = c.compilePod({ cpuMilli: 1, memoryMib: 1, numGpu: 2, gpuMilli: 1000 });
    expect(exclusiveGpus(c, 0, p, out)).toBe(2);
    expect([out[0], out[1]]).toEqual([0, 3]);
  });

  it('random fit only ever picks GPUs that hold the pod, each of them eventually', () => {
    const p = c.compilePod({ cpuMilli: 1, memoryMib: 1, numGpu: 1, gpuMilli: 500 });
    const rng = createStream(1, 'test');
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      randomFitGpus(c, 0, p, out, rng);
      seen.add(out[0]);
    }
    expect([...seen].sort()).toEqual([0, 1, 3]);
  });
});
