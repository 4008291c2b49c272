import type { RandomStream } from '../kernel/random.js';
import { MILLI_PER_GPU, type GpuCluster, type PodShape } from './model.js';

/**
 * Which GPUs of the chosen node a pod takes (the Reserve step of the authors' Open-Gpu-Share
 * plugin). Each function writes GPU indices into `out` and returns how many; it assumes
 * `cluster.fits(node, pod)` holds.
 */

/**
 * Whole GPUs: the first `numGpu` entirely free GPUs in index order (AllocateExclusiveGpuId).
 * CPU-only pods take none.
 */
export function exclusiveGpus(cluster: GpuCluster, node: number, pod: PodShape, out: Int32Array): number {
  let need = pod.numGpu;
  if (need === 0) return 0;
  const off = cluster.gpuOffset[node];
  const g = cluster.gpuCount[node];
  let k = 0;
  for (let i = 0; i < g && need > 0; i++) {
    if (cluster.gpuFree[off + i] === MILLI_PER_GPU) {
      out[k++] = i;
      need--;
    }
  }
  if (need > 0) throw new Error(`exclusiveGpus: node ${cluster.names[node]} lacks ${need} free GPUs`);
  return k;
}

/**
 * Best fit: a sharing pod takes the GPU with the least free milli that still holds it; ties go
 * to the lowest GPU index. Whole-GPU pods use `exclusiveGpus`.
 */
export function bestFitGpus(cluster: GpuCluster, node: number, pod: PodShape, out: Int32Array): number {
  if (!pod.sharing) return exclusiveGpus(cluster, node, pod, out);
  const off = cluster.gpuOffset[node];
  const g = cluster.gpuCount[node];
  let best = -1;
  let bestFree = 0;
  for (let i = 0; i < g; i++) {
    const f = cluster.gpuFree[off + i];
    if (f >= pod.gpuMilli && (best < 0 || f < bestFree)) {
      best = i;
      bestFree = f;
    }
  }
  if (best < 0) throw new Error(`bestFitGpus: no GPU on node ${cluster.names[node]} holds ${pod.gpuMilli} milli`);
  out[0] = best;
  return 1;
}

/**
 * Random fit: a sharing pod takes a GPU chosen uniformly among those that hold it (one draw from
 * `rng`, the k-th candidate in index order). Whole-GPU pods use `exclusiveGpus`.
 */
export function randomFitGpus(cluster: GpuCluster, node: number, pod: PodShape, out: Int32Array, rng: RandomStream): number {
  if (!pod.sharing) return exclusiveGpus(cluster, node, pod, out);
  const off = cluster.gpuOffset[node];
  const g = cluster.gpuCount[node];
  let candidates = 0;
  for (let i = 0; i < g; i++) if (cluster.gpuFree[off + i] >= pod.gpuMilli) candidates++;
  if (candidates === 0) throw new Error(`randomFitGpus: no GPU on node ${cluster.names[node]} holds ${pod.gpuMilli} milli`);
  let pick = Math.floor(rng.random() * candidates);
  for (let i = 0; i < g; i++) {
    if (cluster.gpuFree[off + i] >= pod.gpuMilli && pick-- === 0) {
      out[0] = i;
      return 1;
    }
  }
  throw new Error('unreachable');
}
