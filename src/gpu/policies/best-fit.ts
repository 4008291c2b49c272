import { bestFitGpus } from '../gpu-selection.js';
import { MAX_NODE_SCORE, MAX_SPEC_CPU_MILLI, MAX_SPEC_GPU_MILLI, MIN_NODE_SCORE, type GpuPolicy, type GpuPolicyFactory } from '../policy.js';

/**
 * BestFit (the authors' BestFitScore): the node left with the least, in
 * s = 0.5 (cpu free - cpu) / 128000 + 0.5 (GPU milli free - GPU milli) / 8000;
 * score = trunc(100 x (1 - s)). GPUs: best fit.
 *
 * The plugin then min-max normalises the scores over the feasible nodes to 0..100 with integer
 * division, (s - lo) x 100 / (hi - lo). That map is monotone and sends only s = hi to 100, so the
 * set of best nodes (and therefore the tie-break) is unchanged; it is not applied here.
 */
export function bestFitScore(cpuFree: number, gpuFree: number, cpu: number, gpu: number): number {
  if (cpuFree < cpu || gpuFree < gpu) return MIN_NODE_SCORE;
  let s = 0;
  s += ((cpuFree - cpu) / MAX_SPEC_CPU_MILLI) * 0.5;
  s += ((gpuFree - gpu) / MAX_SPEC_GPU_MILLI) * 0.5;
  return Math.trunc((1 - s) * MAX_NODE_SCORE);
}

export const createBestFitPolicy: GpuPolicyFactory = (): GpuPolicy => ({
  name: 'bestfit',
  score: (node, pod, c) => bestFitScore(c.cpuFree[node], c.totalGpuFree[node], pod.cpuMilli, pod.totalMilli),
  selectGpus: (node, pod, c, out) => bestFitGpus(c, node, pod, out),
});
