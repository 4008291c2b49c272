import { MILLI_PER_GPU, type GpuCluster, type PodShape } from '../model.js';
import { exclusiveGpus } from '../gpu-selection.js';
import { FragmentationMeasure, insertionSort } from '../fragmentation.js';
import { MAX_NODE_SCORE, type GpuPolicy, type GpuPolicyFactory } from '../policy.js';

/**
 * FGD, Fragmentation Gradient Descent (the authors' FGDScore): place the pod where it increases
 * the node's fragmentation (FragmentationMeasure over the workload's typical pods) the least.
 *
 *   score = trunc(100 x sigmoid((frag(before) - frag(after)) / 1000))
 *
 * - a sharing pod is tried on every GPU that holds it; the node's score is the best GPU's, and
 *   that GPU is the one the pod takes (equal scores: the lowest GPU index);
 * - a whole-GPU pod takes the first free GPUs in index order; a CPU-only pod takes only CPU.
 *
 * frag(before) is cached per node version; GPUs with equal free milli give equal "after" states,
 * so each distinct free value is evaluated once (its lowest index stands for it).
 */
export class FgdPolicy implements GpuPolicy {
  readonly name = 'fgd';
  readonly measure: FragmentationMeasure;
  private readonly scratch: Int32Array;
  private readonly seen: Int32Array;
  /** GPU index chosen by the last sharing-pod evaluation. */
  private lastGpu = -1;

  constructor(cluster: GpuCluster, measure: FragmentationMeasure) {
    this.measure = measure;
    const g = Math.max(1, cluster.maxGpusPerNode);
    this.scratch = new Int32Array(g);
    this.seen = new Int32Array(g);
  }

  score(node: number, pod: PodShape, c: GpuCluster): number {
    return this.evaluate(node, pod, c);
  }

  selectGpus(node: number, pod: PodShape, c: GpuCluster, out: Int32Array): number {
    if (!pod.sharing) return exclusiveGpus(c, node, pod, out);
    this.evaluate(node, pod, c);
    if (this.lastGpu < 0) throw new Error(`fgd: no GPU on node ${c.names[node]} holds ${pod.gpuMilli} milli`);
    out[0] = this.lastGpu;
    return 1;
  }

  private evaluate(node: number, pod: PodShape, c: GpuCluster): number {
    const g = c.gpuCount[node];
    const before = this.measure.nodeFragment(node);
    const sorted = this.measure.sortedFree(node);
    const base = this.measure.stride * node;
    const cpuAfter = c.cpuFree[node] - pod.cpuMilli;
    const model = c.modelId[node];
    const s = this.scratch;
    if (g === 0) return fgdScore(0); // CPU-only node: no GPU, no fragment, before or after
    if (!pod.sharing) {
      for (let i = 0; i < g; i++) s[i] = sorted[base + i];
      // Whole GPUs come from the fully free ones: the top of the ascending order.
      for (let k = 0; k < pod.numGpu; k++) s[g - 1 - k] -= MILLI_PER_GPU;
      if (pod.numGpu > 0) insertionSort(s, 0, g);
      return fgdScore(before - this.measure.fragmentOf(model, cpuAfter, s, 0, g));
    }
    const off = c.gpuOffset[node];
    let best = 0;
    let bestGpu = -1;
    let distinct = 0;
    for (let i = 0; i < g; i++) {
      const free = c.gpuFree[off + i];
      if (free < pod.gpuMilli) continue;
      let dup = false;
      for (let d = 0; d < distinct; d++) if (this.seen[d] === free) dup = true;
      if (dup) continue;
      this.seen[distinct++] = free;
      for (let k = 0; k < g; k++) s[k] = sorted[base + k];
      // Replace one occurrence of `free` in the sorted copy by free - milli, then re-sort.
      let at = 0;
      while (s[at] !== free) at++;
      s[at] = free - pod.gpuMilli;
      insertionSort(s, 0, g);
      const score = fgdScore(before - this.measure.fragmentOf(model, cpuAfter, s, 0, g));
      if (bestGpu < 0 || score > best) {
        best = score;
        bestGpu = i;
      }
    }
    this.lastGpu = bestGpu;
    return best;
  }
}

/** trunc(100 x sigmoid(delta / 1000)), delta = fragment decrease in milli-GPU. */
export function fgdScore(delta: number): number {
  return Math.trunc((1 / (1 + Math.exp(-delta / 1000))) * MAX_NODE_SCORE);
}

export const createFgdPolicy: GpuPolicyFactory = ({ cluster, typicalPods }): GpuPolicy => {
  if (!typicalPods) throw new Error('the fgd policy needs the workload\'s typical pods (options.typicalPods)');
  return new FgdPolicy(cluster, new FragmentationMeasure(cluster, typicalPods));
};
