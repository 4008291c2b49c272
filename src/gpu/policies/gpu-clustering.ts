import { bestFitGpus } from '../gpu-selection.js';
import { MAX_NODE_SCORE, MAX_SPEC_GPU_MILLI, MIN_NODE_SCORE, type GpuPolicy, type GpuPolicyFactory } from '../policy.js';

/**
 * GpuClustering (the authors' GpuClusteringScore): keep pods of the same GPU kind together. A
 * pod's kind is "share-gpu" or "k-gpu"; a node's kinds are those of the GPU pods it runs. With
 * b = trunc(25 x (8000 - total free milli) / 8000) (fuller nodes score higher within a tier):
 *   node runs only the pod's kind: 75 + b; runs it among others: 50 + b;
 *   runs no GPU pod: 25 + b; runs only other kinds: b.
 * CPU-only pods score 0 everywhere. GPUs: best fit.
 */
export const createGpuClusteringPolicy: GpuPolicyFactory = (): GpuPolicy => ({
  name: 'gpuclustering',
  score: (node, pod, c) => {
    if (pod.affinityClass < 0) return MIN_NODE_SCORE;
    const quarter = MAX_NODE_SCORE / 4;
    const b = Math.trunc((quarter * (MAX_SPEC_GPU_MILLI - c.totalGpuFree[node])) / MAX_SPEC_GPU_MILLI);
    const kinds = c.affinityKinds[node];
    if (c.affinity[node * c.affinityStride + pod.affinityClass] > 0) return kinds === 1 ? b + 3 * quarter : b + 2 * quarter;
    return kinds === 0 ? b + quarter : b;
  },
  selectGpus: (node, pod, c, out) => bestFitGpus(c, node, pod, out),
});
