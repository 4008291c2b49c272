/**
 * The GPU model: nodes with whole GPUs of one model, each GPU holding 1000 milli-GPU, and pods
 * that ask for `numGpu` GPUs of `gpuMilli` each (GPU sharing when `numGpu = 1, gpuMilli < 1000`).
 *
 * Fit rules (the openb README, and the Open-Gpu-Share filter of the FGD authors' simulator):
 * - CPU (millicores) and memory (MiB) must fit in what is free on the node;
 * - a sharing pod (`numGpu = 1`, `gpuMilli < 1000`) must fit in the free milli of ONE GPU;
 * - a pod with `numGpu = k` (then `gpuMilli = 1000`) needs k entirely free GPUs on the node;
 * - a pod asking for GPUs never fits on a node without GPUs, and `gpuSpec`, when not empty,
 *   limits the node's GPU model to the listed ones;
 * - a CPU-only pod (`numGpu = 0`) fits on any node with the CPU and memory, GPUs or not.
 *
 * Hot state lives in typed arrays indexed by node id (and by a flat GPU index for per-GPU free
 * milli); `GpuNodeSpec`/`GpuPodSpec` objects are the cold-path API. Every change to a node bumps
 * `version[node]`, which lets schedulers cache per-node scores and per-node derived values.
 */

/** Milli-GPU in one whole GPU. */
export const MILLI_PER_GPU = 1000;

/** A node as given by a trace or a scenario (the openb node CSV's columns). */
export interface GpuNodeSpec {
  readonly name: string;
  /** CPU capacity in millicores. */
  readonly cpuMilli: number;
  /** Memory capacity in MiB. */
  readonly memoryMib: number;
  /** Number of GPUs (0 for a CPU-only node). */
  readonly gpuCount: number;
  /** GPU model ('' for a CPU-only node). */
  readonly model: string;
}

/** A pod's request (the openb pod CSV's resource columns). */
export interface GpuPodSpec {
  readonly name?: string;
  readonly cpuMilli: number;
  readonly memoryMib: number;
  /** GPUs requested, all on one node (0 for a CPU-only pod). */
  readonly numGpu: number;
  /** Milli-GPU per requested GPU, 1..1000 (below 1000 only with numGpu = 1); ignored when numGpu = 0. */
  readonly gpuMilli: number;
  /** Allowed GPU models; empty means any model. */
  readonly gpuSpec?: readonly string[];
}

/**
 * A pod compiled against a cluster: the request plus what the hot path needs precomputed.
 * `shapeId` identifies the request's score-relevant shape (cpu, numGpu, gpuMilli, gpuSpec), so two
 * pods with the same shapeId get the same score on the same node state (memory only filters).
 */
export interface PodShape {
  readonly cpuMilli: number;
  readonly memoryMib: number;
  readonly numGpu: number;
  /** 0 for CPU-only pods. */
  readonly gpuMilli: number;
  /** True for a GPU-sharing pod (numGpu = 1, gpuMilli < 1000). */
  readonly sharing: boolean;
  /** Total GPU demand in milli-GPU (numGpu x gpuMilli). */
  readonly totalMilli: number;
  /** allowedModel[modelId] = 1 if the pod may use that model; null = any model. */
  readonly allowedModel: Uint8Array | null;
  /** The gpu_spec as the authors' annotation spells it: allowed models joined by '|' ('' = any). */
  readonly gpuSpecKey: string;
  /**
   * GpuClustering's affinity class: -1 for CPU-only pods, 0 for sharing pods ("share-gpu"),
   * k for a pod of k whole GPUs ("k-gpu").
   */
  readonly affinityClass: number;
  /** Interned id of (cpuMilli, numGpu, gpuMilli, gpuSpecKey) within this cluster. */
  readonly shapeId: number;
}

/**
 * The mutable state of a set of GPU nodes. Pure functions (policies, fragmentation) read it;
 * only `allocate` and `release` change it.
 */
export class GpuCluster {
  readonly nodeCount: number;
  readonly names: readonly string[];
  /** Distinct GPU model names, in order of first appearance in the node list. */
  readonly models: readonly string[];
  /** Model id per node (index into `models`), -1 for CPU-only nodes. */
  readonly modelId: Int32Array;
  readonly cpuCapacity: Float64Array;
  readonly memoryCapacity: Float64Array;
  readonly cpuFree: Float64Array;
  readonly memoryFree: Float64Array;
  readonly gpuCount: Int32Array;
  /** gpuFree[gpuOffset[n] + i] is the free milli of GPU i on node n. */
  readonly gpuOffset: Int32Array;
  readonly gpuFree: Int32Array;
  /** Number of entirely free GPUs per node. */
  readonly fullFreeGpus: Int32Array;
  /** Largest free milli of any GPU on the node (0 without GPUs). */
  readonly maxGpuFree: Int32Array;
  /** Sum of free milli over the node's GPUs. */
  readonly totalGpuFree: Int32Array;
  /**
   * Pods per GpuClustering affinity class on each node: affinity[n * affinityStride + c] with c = 0
   * for sharing pods and c = k for k-GPU pods. `affinityKinds[n]` counts the classes present.
   */
  readonly affinityStride: number;
  readonly affinity: Int32Array;
  readonly affinityKinds: Int32Array;
  /** Bumped on every change to a node. */
  readonly version: Int32Array;
  /** Largest GPU count of any node. */
  readonly maxGpusPerNode: number;
  /** Total GPUs in the cluster, and GPU milli currently allocated. */
  readonly totalGpus: number;
  allocatedGpuMilli = 0;

  private readonly shapeIds = new Map<string, number>();
  private readonly modelIndex = new Map<string, number>();

  constructor(nodes: readonly GpuNodeSpec[]) {
    const n = nodes.length;
    this.nodeCount = n;
    this.names = nodes.map((x) => x.name);
    this.modelId = new Int32Array(n);
    this.cpuCapacity = new Float64Array(n);
    this.memoryCapacity = new Float64Array(n);
    this.cpuFree = new Float64Array(n);
    this.memoryFree = new Float64Array(n);
    this.gpuCount = new Int32Array(n);
    this.gpuOffset = new Int32Array(n + 1);
    this.fullFreeGpus = new Int32Array(n);
    this.maxGpuFree = new Int32Array(n);
    this.totalGpuFree = new Int32Array(n);
    this.version = new Int32Array(n);
    const models: string[] = [];
    let gpus = 0;
    let maxGpus = 0;
    for (let i = 0; i < n; i++) {
      const spec = nodes[i];
      checkNonNegativeInt(spec.cpuMilli, `node ${spec.name}: cpuMilli`);
      checkNonNegativeInt(spec.memoryMib, `node ${spec.name}: memoryMib`);
      checkNonNegativeInt(spec.gpuCount, `node ${spec.name}: gpuCount`);
      if (spec.gpuCount > 0 && spec.model === '') throw new RangeError(`node ${spec.name}: a node with GPUs needs a GPU model`);
      let id = -1;
      if (spec.gpuCount > 0) {
        const known = this.modelIndex.get(spec.model);
        if (known === undefined) {
          id = models.length;
          models.push(spec.model);
          this.modelIndex.set(spec.model, id);
        } else {
          id = known;
        }
      }
      this.modelId[i] = id;
      this.cpuCapacity[i] = this.cpuFree[i] = spec.cpuMilli;
      this.memoryCapacity[i] = this.memoryFree[i] = spec.memoryMib;
      this.gpuCount[i] = spec.gpuCount;
      this.gpuOffset[i] = gpus;
      this.fullFreeGpus[i] = spec.gpuCount;
      this.maxGpuFree[i] = spec.gpuCount > 0 ? MILLI_PER_GPU : 0;
      this.totalGpuFree[i] = spec.gpuCount * MILLI_PER_GPU;
      gpus += spec.gpuCount;
      if (spec.gpuCount > maxGpus) maxGpus = spec.gpuCount;
    }
    this.gpuOffset[n] = gpus;
    this.models = models;
    this.totalGpus = gpus;
    this.maxGpusPerNode = maxGpus;
    this.gpuFree = new Int32Array(gpus).fill(MILLI_PER_GPU);
    this.affinityStride = maxGpus + 1;
    this.affinity = new Int32Array(n * this.affinityStride);
    this.affinityKinds = new Int32Array(n);
  }

  /** GPU capacity of the cluster in milli-GPU. */
  get gpuCapacityMilli(): number {
    return this.totalGpus * MILLI_PER_GPU;
  }

  /** Model id of a model name, or -1 if no node has it. */
  modelIdOf(model: string): number {
    return this.modelIndex.get(model) ?? -1;
  }

  /**
   * Compile a pod request for this cluster. Throws RangeError for requests the model cannot
   * express (negative numbers, gpuMilli outside 1..1000, several GPUs shared fractionally).
   */
  compilePod(spec: GpuPodSpec): PodShape {
    const label = spec.name ? `pod ${spec.name}` : 'pod';
    checkNonNegativeInt(spec.cpuMilli, `${label}: cpuMilli`);
    checkNonNegativeInt(spec.memoryMib, `${label}: memoryMib`);
    checkNonNegativeInt(spec.numGpu, `${label}: numGpu`);
    const numGpu = spec.numGpu;
    let gpuMilli = 0;
    if (numGpu > 0) {
      gpuMilli = spec.gpuMilli;
      if (!Number.isInteger(gpuMilli) || gpuMilli < 1 || gpuMilli > MILLI_PER_GPU) {
        throw new RangeError(`${label}: gpuMilli must be an integer in 1..${MILLI_PER_GPU} when numGpu > 0, got ${gpuMilli}`);
      }
      if (numGpu > 1 && gpuMilli !== MILLI_PER_GPU) {
        throw new RangeError(`${label}: a pod of ${numGpu} GPUs must take whole GPUs (gpuMilli ${MILLI_PER_GPU}), got ${gpuMilli}`);
      }
    }
    // As the authors' trace converter does, a CPU-only pod carries no GPU model constraint.
    const specModels = numGpu > 0 ? (spec.gpuSpec ?? []).filter((m) => m.length > 0) : [];
    let allowed: Uint8Array | null = null;
    if (specModels.length > 0) {
      allowed = new Uint8Array(this.models.length);
      for (const m of specModels) {
        const id = this.modelIndex.get(m);
        if (id !== undefined) allowed[id] = 1;
      }
    }
    const gpuSpecKey = specModels.join('|');
    const key = `${spec.cpuMilli}/${numGpu}/${gpuMilli}/${gpuSpecKey}`;
    let shapeId = this.shapeIds.get(key);
    if (shapeId === undefined) {
      shapeId = this.shapeIds.size;
      this.shapeIds.set(key, shapeId);
    }
    const sharing = numGpu === 1 && gpuMilli < MILLI_PER_GPU;
    return {
      cpuMilli: spec.cpuMilli,
      memoryMib: spec.memoryMib,
      numGpu,
      gpuMilli,
      sharing,
      totalMilli: numGpu * gpuMilli,
      allowedModel: allowed,
      gpuSpecKey,
      affinityClass: numGpu === 0 ? -1 : sharing ? 0 : numGpu,
      shapeId,
    };
  }

  /** Number of distinct pod shapes compiled so far (shape ids are 0..shapeCount-1). */
  get shapeCount(): number {
    return this.shapeIds.size;
  }

  /** Whether the node's GPU model is allowed for the pod (always true for CPU-only pods). */
  accessible(node: number, pod: PodShape): boolean {
    if (pod.numGpu === 0) return true;
    const m = this.modelId[node];
    if (m < 0) return false;
    return pod.allowedModel === null || pod.allowedModel[m] === 1;
  }

  /** The fit rules above: can `pod` be placed on `node` right now? */
  fits(node: number, pod: PodShape): boolean {
    if (this.cpuFree[node] < pod.cpuMilli || this.memoryFree[node] < pod.memoryMib) return false;
    if (pod.numGpu === 0) return true;
    const m = this.modelId[node];
    if (m < 0) return false;
    if (pod.allowedModel !== null && pod.allowedModel[m] !== 1) return false;
    if (pod.sharing) return this.maxGpuFree[node] >= pod.gpuMilli;
    return this.fullFreeGpus[node] >= pod.numGpu;
  }

  /**
   * Place `pod` on `node`, taking `gpuMilli` from each GPU index in `gpus[0..count)`. Throws if the
   * placement breaks the fit rules (the caller chose GPUs badly); the state is unchanged then.
   */
  allocate(node: number, pod: PodShape, gpus: ArrayLike<number>, count: number): void {
    if (!this.fits(node, pod)) throw new Error(`allocate: pod does not fit on node ${this.names[node]}`);
    if (count !== pod.numGpu) throw new Error(`allocate: pod needs ${pod.numGpu} GPUs, got ${count}`);
    const off = this.gpuOffset[node];
    const g = this.gpuCount[node];
    for (let i = 0; i < count; i++) {
      const idx = gpus[i];
      if (!(idx >= 0 && idx < g)) throw new Error(`allocate: GPU index ${idx} out of range on node ${this.names[node]}`);
      for (let j = 0; j < i; j++) if (gpus[j] === idx) throw new Error(`allocate: GPU index ${idx} given twice`);
      if (this.gpuFree[off + idx] < pod.gpuMilli) throw new Error(`allocate: GPU ${idx} on node ${this.names[node]} has only ${this.gpuFree[off + idx]} milli free`);
    }
    for (let i = 0; i < count; i++) this.gpuFree[off + gpus[i]] -= pod.gpuMilli;
    this.cpuFree[node] -= pod.cpuMilli;
    this.memoryFree[node] -= pod.memoryMib;
    this.allocatedGpuMilli += pod.totalMilli;
    if (pod.affinityClass >= 0) {
      const a = node * this.affinityStride + pod.affinityClass;
      if (this.affinity[a]++ === 0) this.affinityKinds[node]++;
    }
    this.refreshGpuSummary(node);
  }

  /** Undo `allocate(node, pod, gpus, count)`. */
  release(node: number, pod: PodShape, gpus: ArrayLike<number>, count: number): void {
    const off = this.gpuOffset[node];
    const g = this.gpuCount[node];
    for (let i = 0; i < count; i++) {
      const idx = gpus[i];
      if (!(idx >= 0 && idx < g) || this.gpuFree[off + idx] + pod.gpuMilli > MILLI_PER_GPU) {
        throw new Error(`release: GPU ${idx} on node ${this.names[node]} cannot take back ${pod.gpuMilli} milli`);
      }
    }
    if (pod.cpuMilli + this.cpuFree[node] > this.cpuCapacity[node] || pod.memoryMib + this.memoryFree[node] > this.memoryCapacity[node]) {
      throw new Error(`release: pod was not allocated on node ${this.names[node]}`);
    }
    if (pod.affinityClass >= 0) {
      const a = node * this.affinityStride + pod.affinityClass;
      if (this.affinity[a] === 0) throw new Error(`release: no pod of that kind on node ${this.names[node]}`);
      if (--this.affinity[a] === 0) this.affinityKinds[node]--;
    }
    for (let i = 0; i < count; i++) this.gpuFree[off + gpus[i]] += pod.gpuMilli;
    this.cpuFree[node] += pod.cpuMilli;
    this.memoryFree[node] += pod.memoryMib;
    this.allocatedGpuMilli -= pod.totalMilli;
    this.refreshGpuSummary(node);
  }

  /** Free milli of each GPU on the node, in GPU index order (a copy). */
  gpuFreeOf(node: number): number[] {
    return Array.from(this.gpuFree.subarray(this.gpuOffset[node], this.gpuOffset[node + 1]));
  }

  private refreshGpuSummary(node: number): void {
    const off = this.gpuOffset[node];
    const end = this.gpuOffset[node + 1];
    let full = 0;
    let max = 0;
    let total = 0;
    for (let i = off; i < end; i++) {
      const f = this.gpuFree[i];
      if (f === MILLI_PER_GPU) full++;
      if (f > max) max = f;
      total += f;
    }
    this.fullFreeGpus[node] = full;
    this.maxGpuFree[node] = max;
    this.totalGpuFree[node] = total;
    this.version[node]++;
  }
}

function checkNonNegativeInt(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`${what} must be a non-negative integer, got ${v}`);
}
