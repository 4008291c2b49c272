import { bestFitGpus } from '../gpu-selection.js';
import { MAX_NODE_SCORE, MAX_SPEC_CPU_MILLI, MAX_SPEC_GPU_MILLI, MIN_NODE_SCORE, type GpuPolicy, type GpuPolicyFactory } from '../policy.js';

/**
 * DotProd (Tetris-style alignment, the authors' DotProductScore with `-dimext merge -norm max`):
 * node vector (cpu free, total GPU milli free) and pod vector (cpu, numGpu x gpuMilli), both
 * divided by (128000, 8000); score = trunc(100 x (1 - dot / 2)): the smaller the dot product,
 * the higher the score. GPUs: best fit (`-gpusel best`).
 */
export function dotProductScore(cpuFree: number, gpuFree: number, cpu: number, gpu: number): number {
  if (cpuFree < cpu) return MIN_NODE_SCORE;
  let dot = 0;
  dot += (cpuFree / MAX_SPEC_CPU_MILLI) * (cpu / MAX_SPEC_CPU_MILLI);
  dot += (gpuFree / MAX_SPEC_GPU_MILLI) * (gpu / MAX_SPEC_GPU_MILLI);
  dot /= 2;
  return Math.trunc(MAX_NODE_SCORE * (1 - dot));
}

export const createDotProdPolicy: GpuPolicyFactory = (): GpuPolicy => ({
  name: 'dotprod',
  score: (node, pod, c) => dotProductScore(c.cpuFree[node], c.totalGpuFree[node], pod.cpuMilli, pod.totalMilli),
  selectGpus: (node, pod, c, out) => bestFitGpus(c, node, pod, out),
});
