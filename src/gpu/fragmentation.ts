import type { GpuCluster } from './model.js';
import type { TypicalPod } from './typical-pods.js';

/**
 * FGD's node fragmentation measure (the authors' `NodeGpuShareFragAmountScore`): the expected
 * amount of a node's free GPU milli that a pod drawn from the typical pods could NOT use.
 *
 * For each typical pod t with frequency f_t, and the node's free GPU milli L (summed over GPUs):
 * - t is CPU-only: the whole L counts as fragment (its "satisfied" and "lack CPU" classes are
 *   both outside Q3, the only class the measure leaves out);
 * - t's gpuSpec excludes the node's model ("no access"): L counts;
 * - the node can host t (cpu free >= t.cpu and at least t.numGpu GPUs have >= t.gpuMilli free):
 *   only the free milli on GPUs with less than t.gpuMilli free counts (Q3's fragment part);
 * - otherwise (lack of GPU, of CPU, or both): L counts.
 * fragment(node) = sum_t f_t x (the part above). Memory plays no part, as in the authors' code.
 *
 * Per model, the typical pods are split into a constant part (CPU-only and inaccessible ones,
 * whose contribution is always f_t x L) and the accessible GPU pods sorted by gpuMilli, so one
 * evaluation is O(GPUs + typical pods) over the node's free milli sorted ascending.
 */
export class FragmentationMeasure {
  /** Per model id: the summed frequency of typical pods that always count the whole L. */
  private readonly constantFreq: Float64Array;
  /** Per model id: accessible GPU typical pods, by gpuMilli ascending. */
  private readonly perModel: { cpu: Float64Array; milli: Int32Array; num: Int32Array; freq: Float64Array }[];
  private readonly cached: Float64Array;
  private readonly cachedStamp: Int32Array;
  /** Node free milli sorted ascending, cached per node version: sorted[node * stride + i]. */
  private readonly sorted: Int32Array;
  private readonly sortedStamp: Int32Array;
  readonly stride: number;

  constructor(
    private readonly cluster: GpuCluster,
    readonly typical: readonly TypicalPod[],
  ) {
    const models = cluster.models;
    this.constantFreq = new Float64Array(models.length);
    this.perModel = [];
    for (let m = 0; m < models.length; m++) {
      const acc: TypicalPod[] = [];
      let constant = 0;
      for (const t of typical) {
        if (t.numGpu === 0) constant += t.freq;
        else if (t.gpuSpec === '' || t.gpuSpec.split('|').includes(models[m])) acc.push(t);
        else constant += t.freq;
      }
      // Stable sort keeps the typical-pod order among equal gpuMilli.
      acc.sort((a, b) => a.gpuMilli - b.gpuMilli);
      this.constantFreq[m] = constant;
      this.perModel.push({
        cpu: Float64Array.from(acc, (t) => t.cpuMilli),
        milli: Int32Array.from(acc, (t) => t.gpuMilli),
        num: Int32Array.from(acc, (t) => t.numGpu),
        freq: Float64Array.from(acc, (t) => t.freq),
      });
    }
    const n = cluster.nodeCount;
    this.stride = Math.max(1, cluster.maxGpusPerNode);
    this.cached = new Float64Array(n);
    this.cachedStamp = new Int32Array(n);
    this.sorted = new Int32Array(n * this.stride);
    this.sortedStamp = new Int32Array(n);
  }

  /** Fragment (milli-GPU) of the node's current state; cached until the node changes. */
  nodeFragment(node: number): number {
    const stamp = this.cluster.version[node] + 1;
    if (this.cachedStamp[node] === stamp) return this.cached[node];
    const g = this.cluster.gpuCount[node];
    const v = g === 0 ? 0 : this.fragmentOf(this.cluster.modelId[node], this.cluster.cpuFree[node], this.sortedFree(node), this.stride * node, g);
    this.cached[node] = v;
    this.cachedStamp[node] = stamp;
    return v;
  }

  /**
   * The node's free milli per GPU, sorted ascending, at `sortedFree(node)[stride*node ..+gpus)`.
   * The returned array is shared; read it before the node changes.
   */
  sortedFree(node: number): Int32Array {
    const stamp = this.cluster.version[node] + 1;
    if (this.sortedStamp[node] !== stamp) {
      const c = this.cluster;
      const off = c.gpuOffset[node];
      const g = c.gpuCount[node];
      const base = this.stride * node;
      for (let i = 0; i < g; i++) this.sorted[base + i] = c.gpuFree[off + i];
      insertionSort(this.sorted, base, g);
      this.sortedStamp[node] = stamp;
    }
    return this.sorted;
  }

  /**
   * Fragment of a hypothetical state of a node of model `modelId`: `cpuFree` millicores free and
   * GPUs with free milli `free[at .. at+gpus)` sorted ascending.
   */
  fragmentOf(modelId: number, cpuFree: number, free: Int32Array, at: number, gpus: number): number {
    let total = 0;
    for (let i = 0; i < gpus; i++) total += free[at + i];
    if (total === 0) return 0;
    const t = this.perModel[modelId];
    let frag = this.constantFreq[modelId] * total;
    const k = t.milli.length;
    let j = 0; // first GPU with free >= milli
    let below = 0; // sum of free over GPUs [0, j)
    for (let i = 0; i < k; i++) {
      const m = t.milli[i];
      while (j < gpus && free[at + j] < m) below += free[at + j++];
      const fits = cpuFree >= t.cpu[i] && gpus - j >= t.num[i];
      frag += t.freq[i] * (fits ? below : total);
    }
    return frag;
  }
}

/** Sort a[from .. from+n) ascending in place (n is at most a node's GPU count). */
export function insertionSort(a: Int32Array, from: number, n: number): void {
  for (let i = from + 1; i < from + n; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= from && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}
