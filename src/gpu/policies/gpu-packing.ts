import { MILLI_PER_GPU, type GpuCluster, type PodShape } from '../model.js';
import { bestFitGpus } from '../gpu-selection.js';
import { insertionSort } from '../fragmentation.js';
import { MAX_NODE_SCORE, MIN_NODE_SCORE, type GpuPolicy, type GpuPolicyFactory } from '../policy.js';

/**
 * GpuPacking (the authors' GpuPackingScore), from best to worst:
 *   1. the pod fits on partly used GPUs: 100 - trunc(sum_gpus trunc(free x 100 / 1000) / 10),
 *      at least 50 (GPUs taken smallest-free first);
 *   2. it must take fully free GPUs on a node already in use: max(50 - free GPUs taken, 33);
 *   3. every GPU of the node is free: max(33 - free GPUs, free GPUs).
 * CPU-only pods score 0 everywhere. GPUs: best fit.
 */
export function gpuPackingScore(c: GpuCluster, node: number, pod: PodShape, scratch: Int32Array): number {
  if (pod.numGpu === 0) return MIN_NODE_SCORE;
  const full = c.fullFreeGpus[node];
  const g = c.gpuCount[node];
  const third = Math.trunc(MAX_NODE_SCORE / 3);
  if (full === g) return Math.max(third - full, full);
  const off = c.gpuOffset[node];
  for (let i = 0; i < g; i++) scratch[i] = c.gpuFree[off + i];
  insertionSort(scratch, 0, g);
  let need = pod.numGpu;
  let fullTaken = 0;
  let ratioSum = 0;
  for (let i = 0; i < g && need > 0; i++) {
    const f = scratch[i];
    if (pod.gpuMilli <= f) {
      need--;
      if (f === MILLI_PER_GPU) fullTaken++;
      ratioSum += Math.trunc((f * 100) / MILLI_PER_GPU);
    }
  }
  if (need !== 0) return MIN_NODE_SCORE;
  if (fullTaken > 0) return Math.max(MAX_NODE_SCORE / 2 - fullTaken, third);
  return Math.max(MAX_NODE_SCORE - Math.trunc(ratioSum / 10), MAX_NODE_SCORE / 2);
}

export const createGpuPackingPolicy: GpuPolicyFactory = ({ cluster }): GpuPolicy => {
  const scratch = new Int32Array(Math.max(1, cluster.maxGpusPerNode));
  return {
    name: 'gpupacking',
    score: (node, pod, c) => gpuPackingScore(c, node, pod, scratch),
    selectGpus: (node, pod, c, out) => bestFitGpus(c, node, pod, out),
  };
};
