import { describe, expect, it } from 'vitest';
import { FragmentationMeasure } from '../../src/gpu/fragmentation.js';
import { GpuCluster, type GpuNodeSpec, type GpuPodSpec } from '../../src/gpu/model.js';
import { bestFitScore } from '../../src/gpu/policies/best-fit.js';
import { dotProductScore } from '../../src/gpu/policies/dotprod.js';
import { fgdScore } from '../../src/gpu/policies/fgd.js';
import { gpuPolicies } from '../../src/gpu/policies/index.js';
import { typicalPods, type TypicalPod } from '../../src/gpu/typical-pods.js';
import { createStream } from '../../src/kernel/random.js';

const pod = (cpuMilli: number, numGpu: number, gpuMilli: number, gpuSpec: string[] = []): GpuPodSpec => ({ cpuMilli, memoryMib: 1, numGpu, gpuMilli, gpuSpec });

function make(name: string, nodes: GpuNodeSpec[], typical: TypicalPod[] = []) {
  const cluster = new GpuCluster(nodes);
  const policy = gpuPolicies.get(name)!({ cluster, typicalPods: typical, rng: createStream(1, 'test') });
  return { cluster, policy };
}

const node = (gpuCount: number, cpuMilli = 32000, model = 'G2'): GpuNodeSpec => ({ name: `n${gpuCount}-${cpuMilli}`, cpuMilli, memoryMib: 1 << 20, gpuCount, model: gpuCount ? model : '' });

describe('policy scores (the authors\' integer formulas)', () => {
  it('GpuPacking: shared GPUs first, then used nodes, then free nodes (smaller first)', () => {
    const { cluster: c, policy: p } = make('gpupacking', [node(8), node(4), node(2), node(1), node(8)]);
    const one = c.compilePod(pod(1000, 1, 1000));
    expect([0, 1, 2, 3].map((n) => p.score(n, one, c))).toEqual([25, 29, 31, 32]);
    c.allocate(4, c.compilePod(pod(1000, 1, 300)), [0], 1); // node 4: 700 + 7 free GPUs
    expect(p.score(4, c.compilePod(pod(1000, 1, 500)), c)).toBe(93); // 100 - trunc(70 / 10)
    expect(p.score(4, c.compilePod(pod(1000, 1, 800)), c)).toBe(49); // needs a free GPU on a used node
    expect(p.score(4, c.compilePod(pod(1000, 4, 1000)), c)).toBe(46);
    expect(p.score(4, c.compilePod(pod(1000, 0, 0)), c)).toBe(0);
  });

  it('GpuClustering: same-kind nodes, then mixed, then empty, then other kinds; fuller first', () => {
    const { cluster: c, policy: p } = make('gpuclustering', [node(8), node(8), node(8), node(2)]);
    const share = c.compilePod(pod(1000, 1, 300));
    const whole = c.compilePod(pod(1000, 1, 1000));
    expect(p.score(0, share, c)).toBe(25);
    expect(p.score(3, share, c)).toBe(25 + 18); // trunc(25 x 6000 / 8000)
    c.allocate(0, share, [0], 1);
    c.allocate(1, whole, [0], 1);
    c.allocate(2, share, [0], 1);
    c.allocate(2, whole, [1], 1);
    expect(p.score(0, share, c)).toBe(75); // only share pods; b = trunc(25 x 300 / 8000) = 0
    expect(p.score(1, share, c)).toBe(3); // other kind only: b = trunc(25 x 1000 / 8000)
    expect(p.score(2, share, c)).toBe(50 + 4); // mixed, 1300 milli used
    expect(p.score(0, c.compilePod(pod(1, 0, 0)), c)).toBe(0);
  });

  it('BestFit and DotProd', () => {
    expect(bestFitScore(32000, 4000, 4000, 1000)).toBe(70); // 100 x (1 - 0.296875)
    expect(dotProductScore(32000, 4000, 4000, 1000)).toBe(96); // 100 x (1 - 0.0703125 / 2)
    expect(bestFitScore(4000, 1000, 4000, 1000)).toBe(100);
  });

  it('Random scores all feasible nodes alike and asks for a uniform tie-break', () => {
    const { cluster: c, policy: p } = make('random', [node(8), node(2)]);
    const x = c.compilePod(pod(1, 1, 1000));
    expect(p.score(0, x, c)).toBe(p.score(1, x, c));
    expect(p.tieBreak).toBe('uniform');
  });
});

describe('FGD', () => {
  const typical: TypicalPod[] = [
    { cpuMilli: 4000, gpuMilli: 500, numGpu: 1, gpuSpec: '', freq: 0.5 },
    { cpuMilli: 2000, gpuMilli: 1000, numGpu: 1, gpuSpec: '', freq: 0.25 },
    { cpuMilli: 1000, gpuMilli: 0, numGpu: 0, gpuSpec: '', freq: 0.25 },
  ];

  it('measures fragmentation as the expected unusable free milli', () => {
    const c = new GpuCluster([node(2, 16000, 'T4')]);
    const m = new FragmentationMeasure(c, typical);
    expect(m.nodeFragment(0)).toBe(500); // only the CPU-only typical pod counts, 0.25 x 2000
    c.allocate(0, c.compilePod(pod(1000, 1, 300)), [0], 1); // free [700, 1000]
    expect(m.nodeFragment(0)).toBeCloseTo(0.25 * 1700 + 0.25 * 700, 10);
    c.allocate(0, c.compilePod(pod(13000, 0, 0)), [], 0); // 2000 cpu left: the 4000-cpu pod no longer fits
    expect(m.nodeFragment(0)).toBeCloseTo(0.25 * 1700 + 0.5 * 1700 + 0.25 * 700, 10);
  });

  it('counts the whole free milli for typical pods whose gpuSpec excludes the model', () => {
    const c = new GpuCluster([node(2, 16000, 'T4')]);
    const m = new FragmentationMeasure(c, [{ cpuMilli: 1, gpuMilli: 100, numGpu: 1, gpuSpec: 'G2|P100', freq: 1 }]);
    expect(m.nodeFragment(0)).toBe(2000);
  });

  it('scores sigmoid(delta / 1000) x 100, truncated, and takes the GPU it scored best', () => {
    expect(fgdScore(0)).toBe(50);
    expect(fgdScore(-100)).toBe(47);
    expect(fgdScore(300)).toBe(57);
    const { cluster: c, policy: p } = make('fgd', [node(2, 16000, 'T4')], typical);
    c.allocate(0, c.compilePod(pod(1000, 1, 600)), [0], 1); // free [400, 1000]
    // 300 on GPU 0 -> [100, 1000]: frag 650 -> 350 (+300, score 57); on GPU 1 -> [400, 700]: 650 -> 750 (47).
    const x = c.compilePod(pod(1000, 1, 300));
    expect(p.score(0, x, c)).toBe(57);
    const out = new Int32Array(2);
    expect(p.selectGpus(0, x, c, out)).toBe(1);
    expect(out[0]).toBe(0);
  });
});

describe('typical pods', () => {
  it('keeps the most frequent shapes until the threshold is covered, renormalised', () => {
    const pods = [...Array(5).fill(pod(1000, 1, 500)), ...Array(3).fill(pod(2000, 1, 1000)), pod(500, 0, 0), pod(800, 0, 0)];
    const t = typicalPods(pods, { thresholdPct: 80 });
    expect(t.map((x) => [x.cpuMilli, x.freq])).toEqual([[1000, 5 / 10 / 0.8], [2000, 3 / 10 / 0.8]]);
    // Equal counts: larger cpu first; everything kept at 100 %.
    const all = typicalPods(pods, { thresholdPct: 100 });
    expect(all.map((x) => x.cpuMilli)).toEqual([1000, 2000, 800, 500]);
    expect(all.reduce((s, x) => s + x.freq, 0)).toBeCloseTo(1, 12);
  });

  it('ignores memory and the model constraint of CPU-only pods', () => {
    const t = typicalPods([{ cpuMilli: 1, memoryMib: 1, numGpu: 0, gpuMilli: 0, gpuSpec: ['T4'] }, { cpuMilli: 1, memoryMib: 999, numGpu: 0, gpuMilli: 0 }]);
    expect(t).toEqual([{ cpuMilli: 1, gpuMilli: 0, numGpu: 0, gpuSpec: '', freq: 1 }]);
  });
});
