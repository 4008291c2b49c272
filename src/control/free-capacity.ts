import type { World } from '../model/world.js';

/**
 * A member cluster's free-capacity index: per-resource maxima of free cpu, memory, whole GPUs and
 * pod slots over the cluster's schedulable nodes, kept current on every bind, release and node
 * change, as a max segment tree over the nodes (local index = node id - first node id).
 *
 * It answers two questions in O(log n) instead of a scan of every node:
 * - the largest free amount of each resource on any schedulable node (a pod asking for more fits
 *   nowhere: the scheduling cycle skips it at once), and
 * - the next node at or after a position whose free cpu, memory, whole GPUs and pod slots all
 *   cover a request (subtrees whose maxima fall short of any of them are skipped whole).
 *
 * A node that is down or cordoned is stored with -1 everywhere, so it never matches. The index
 * only prunes on these four quantities: GPU models and shares of one GPU are checked exactly by
 * the caller (`MemberCluster.fits`) on the nodes it returns.
 *
 * It also keeps, on request, one `RequestClassIndex` per request shape that kube-scheduler asks
 * about often (cpu, memory, whole GPUs): which nodes fit it and their score, kept current on the
 * same updates, so a scheduling cycle finds its feasible nodes and their best without visiting them.
 */
export class FreeCapacityIndex {
  private readonly world: World;
  private readonly first: number;
  /** Nodes in the cluster. */
  readonly size: number;
  /**
   * Leaves start here (a power of two >= size; padding leaves hold -1): node i's free amounts are
   * `cpu[base + i]` etc. (read-only for callers: a scan may test a leaf itself before calling next()).
   */
  readonly base: number;
  readonly cpu: Int32Array;
  readonly mem: Int32Array;
  readonly gpu: Int32Array;
  readonly pods: Int32Array;
  private readonly classes: RequestClassIndex[] = [];
  private readonly classByKey = new Map<string, RequestClassIndex>();

  constructor(world: World, nodeStart: number, nodeEnd: number) {
    this.world = world;
    this.first = nodeStart;
    this.size = nodeEnd - nodeStart;
    let base = 1;
    while (base < this.size) base *= 2;
    this.base = base;
    this.cpu = new Int32Array(2 * base).fill(-1);
    this.mem = new Int32Array(2 * base).fill(-1);
    this.gpu = new Int32Array(2 * base).fill(-1);
    this.pods = new Int32Array(2 * base).fill(-1);
    for (let i = 0; i < this.size; i++) this.setLeaf(i);
    for (let k = base - 1; k >= 1; k--) this.pull(k);
  }

  /** Largest free cpu (millicores) on a schedulable node; -1 when none is schedulable. */
  get maxCpu(): number {
    return this.cpu[1];
  }
  get maxMemory(): number {
    return this.mem[1];
  }
  get maxGpus(): number {
    return this.gpu[1];
  }
  get maxPods(): number {
    return this.pods[1];
  }

  /** Node `node` (a world node id) changed: free resources, ready or cordoned. */
  update(node: number): void {
    const i = node - this.first;
    this.setLeaf(i);
    const classes = this.classes;
    for (let c = 0; c < classes.length; c++) classes[c].changed(i);
    for (let k = (i + this.base) >> 1; k >= 1; k >>= 1) {
      const c = this.cpu[k];
      const m = this.mem[k];
      const g = this.gpu[k];
      const p = this.pods[k];
      this.pull(k);
      // Maxima above an unchanged node are unchanged too.
      if (c === this.cpu[k] && m === this.mem[k] && g === this.gpu[k] && p === this.pods[k]) break;
    }
  }

  /**
   * The first local index in [from, to) whose node has at least `cpu` millicores, `memory` MiB,
   * `gpus` whole GPUs free and a pod slot, and is schedulable; -1 if there is none.
   */
  next(from: number, to: number, cpu: number, memory: number, gpus: number): number {
    if (from >= to) return -1;
    const base = this.base;
    const C = this.cpu;
    const M = this.mem;
    const G = this.gpu;
    const P = this.pods;
    let k = from + base;
    for (;;) {
      if (C[k] >= cpu && M[k] >= memory && G[k] >= gpus && P[k] >= 1) {
        if (k >= base) {
          const i = k - base;
          return i < to ? i : -1;
        }
        k = 2 * k; // descend, leftmost first
        continue;
      }
      // Move to the next subtree on the right: up while a right child, then to the right sibling.
      while (k & 1) k >>= 1;
      if (k === 0) return -1;
      k++;
      if (to < this.size) {
        // Every leaf under k at or beyond `to`: stop early (padding leaves never match anyway).
        let lo = k;
        while (lo < base) lo *= 2;
        if (lo - base >= to) return -1;
      }
    }
  }

  /**
   * The request class of pods asking `cpu` millicores, `memory` MiB and `gpus` whole GPUs, scored by
   * `score(node)` (a world node id; a pure function of the node's free and allocatable resources and
   * of this request). Made on first use, then kept; null when the cluster has too many nodes for
   * one (more than 65,536) or already keeps MAX_REQUEST_CLASSES (the caller then scans the nodes).
   * `score` must give the same class the same function: it is only taken on the first call.
   */
  requestClass(cpu: number, memory: number, gpus: number, score: (node: number) => number): RequestClassIndex | null {
    const key = `${cpu}/${memory}/${gpus}`;
    let c = this.classByKey.get(key);
    if (c !== undefined) return c;
    if (this.size > MAX_CLASS_NODES || this.classes.length >= MAX_REQUEST_CLASSES) return null;
    c = new RequestClassIndex(this, cpu, memory, gpus, score);
    this.classes.push(c);
    this.classByKey.set(key, c);
    return c;
  }

  /** Node id of local index i. */
  node(i: number): number {
    return this.first + i;
  }

  private setLeaf(i: number): void {
    const w = this.world;
    const n = i + this.first;
    const k = i + this.base;
    if (!w.nodeReady[n] || w.nodeCordoned[n]) {
      this.cpu[k] = this.mem[k] = this.gpu[k] = this.pods[k] = -1;
      return;
    }
    this.cpu[k] = w.cpuFree[n];
    this.mem[k] = w.memFree[n];
    this.gpu[k] = w.gpuFree[n];
    this.pods[k] = w.podsFree[n];
  }

  private pull(k: number): void {
    const l = 2 * k;
    const r = l + 1;
    this.cpu[k] = this.cpu[l] > this.cpu[r] ? this.cpu[l] : this.cpu[r];
    this.mem[k] = this.mem[l] > this.mem[r] ? this.mem[l] : this.mem[r];
    this.gpu[k] = this.gpu[l] > this.gpu[r] ? this.gpu[l] : this.gpu[r];
    this.pods[k] = this.pods[l] > this.pods[r] ? this.pods[l] : this.pods[r];
  }
}

/** Request classes kept per cluster at most (each costs 12 bytes per node). */
export const MAX_REQUEST_CLASSES = 16;
/** A request class packs a node's local index in 16 bits. */
const MAX_CLASS_NODES = 1 << 16;

/**
 * One request class's view of a cluster's nodes, for kube-scheduler's Filter and Score: which nodes
 * fit a pod of this shape (the free-capacity index's test: cpu, memory, whole GPUs, a pod slot,
 * ready and not cordoned) and the NodeResourcesFit score each would give it. A node's score
 * changes only when its own allocation does, so both are kept per node and updated with it, in a
 * segment tree holding per subtree the number of fitting nodes and the best of them (highest
 * score, then lowest index, packed in one integer: score * 2^16 + (65535 - index)).
 *
 * `pick(start, toFind)` then answers what kube-scheduler's filter-then-score loop computes by
 * visiting nodes one by one in its rotating order: the first `toFind` fitting nodes at or after
 * `start` (wrapping around), the best of them, and how many nodes the search went through (so
 * the next search starts where this one stopped), in O(log nodes).
 */
export class RequestClassIndex {
  readonly cpu: number;
  readonly memory: number;
  readonly gpus: number;
  private readonly cap: FreeCapacityIndex;
  private readonly score: (node: number) => number;
  private readonly base: number;
  private readonly size: number;
  /** Fitting nodes per subtree. */
  private readonly count: Int32Array;
  /** Best packed key per subtree; -1 when no node fits. */
  private readonly best: Int32Array;
  /** Set by pick(): nodes the search went through (the whole cluster when it found fewer than asked). */
  processed = 0;
  /**
   * Nodes changed since the class was last asked (local indexes, each once): most nodes change
   * many times between two pods of one shape (every bind and release of every other shape), so
   * the tree is brought up to date when asked, not on every change.
   */
  private dirty: Int32Array;
  private dirtyN = 0;
  private readonly isDirty: Uint8Array;

  constructor(cap: FreeCapacityIndex, cpu: number, memory: number, gpus: number, score: (node: number) => number) {
    this.cap = cap;
    this.cpu = cpu;
    this.memory = memory;
    this.gpus = gpus;
    this.score = score;
    this.base = cap.base;
    this.size = cap.size;
    this.count = new Int32Array(2 * this.base);
    this.best = new Int32Array(2 * this.base).fill(-1);
    this.dirty = new Int32Array(16);
    this.isDirty = new Uint8Array(this.size);
    for (let i = 0; i < this.size; i++) this.setLeaf(i);
    for (let k = this.base - 1; k >= 1; k--) this.pull(k);
  }

  /** Local node i changed (its leaf in the free-capacity index is already current): noted, applied at the next pick(). */
  changed(i: number): void {
    if (this.isDirty[i] === 1) return;
    this.isDirty[i] = 1;
    if (this.dirtyN === this.dirty.length) {
      const grown = new Int32Array(this.dirtyN * 2);
      grown.set(this.dirty);
      this.dirty = grown;
    }
    this.dirty[this.dirtyN++] = i;
  }

  /** Apply the changes noted since the last pick(). */
  private flush(): void {
    const dirty = this.dirty;
    for (let k = 0; k < this.dirtyN; k++) {
      const i = dirty[k];
      this.isDirty[i] = 0;
      this.update(i);
    }
    this.dirtyN = 0;
  }

  /** Bring node i's leaf and the maxima and counts above it up to date. */
  private update(i: number): void {
    const count = this.count;
    const best = this.best;
    const leaf = i + this.base;
    const c0 = count[leaf];
    const b0 = best[leaf];
    this.setLeaf(i);
    // Still not fitting, or fitting with the same score: nothing above changes.
    if (count[leaf] === c0 && best[leaf] === b0) return;
    for (let k = (i + this.base) >> 1; k >= 1; k >>= 1) {
      const c = count[k];
      const b = best[k];
      this.pull(k);
      if (c === count[k] && b === best[k]) break;
    }
  }

  /**
   * Among the first `toFind` fitting nodes at or after local index `start` (wrapping around), the
   * best one's local index, or -1 when none fits; sets `processed`.
   */
  pick(start: number, toFind: number): number {
    if (this.dirtyN > 0) this.flush();
    const n = this.size;
    const all = this.count[1];
    if (all === 0) {
      this.processed = n;
      return -1;
    }
    const before = this.countBelow(start);
    const after = all - before;
    let key: number;
    if (after >= toFind) {
      const last = this.kth(before + toFind);
      key = this.maxIn(start, last + 1);
      this.processed = last - start + 1;
    } else if (all >= toFind) {
      const last = this.kth(toFind - after);
      const a = this.maxIn(start, n);
      const b = this.maxIn(0, last + 1);
      key = a > b ? a : b;
      this.processed = n - start + last + 1;
    } else {
      key = this.best[1];
      this.processed = n;
    }
    return 65535 - (key & 0xffff);
  }

  /** Fitting nodes in [0, end). */
  private countBelow(end: number): number {
    const count = this.count;
    let sum = 0;
    for (let l = this.base, r = this.base + end; l < r; l >>= 1, r >>= 1) {
      if (l & 1) sum += count[l++];
      if (r & 1) sum += count[--r];
    }
    return sum;
  }

  /** Local index of the k-th fitting node (1-based; k <= count[1]). */
  private kth(k: number): number {
    const count = this.count;
    let x = 1;
    while (x < this.base) {
      const l = 2 * x;
      if (count[l] >= k) x = l;
      else {
        k -= count[l];
        x = l + 1;
      }
    }
    return x - this.base;
  }

  /** Best packed key in [from, to); -1 if no node there fits. */
  private maxIn(from: number, to: number): number {
    const best = this.best;
    let m = -1;
    for (let l = this.base + from, r = this.base + to; l < r; l >>= 1, r >>= 1) {
      if (l & 1) {
        if (best[l] > m) m = best[l];
        l++;
      }
      if (r & 1) {
        --r;
        if (best[r] > m) m = best[r];
      }
    }
    return m;
  }

  private setLeaf(i: number): void {
    const cap = this.cap;
    const k = i + this.base;
    if (cap.cpu[k] >= this.cpu && cap.mem[k] >= this.memory && cap.gpu[k] >= this.gpus && cap.pods[k] >= 1) {
      this.count[k] = 1;
      this.best[k] = this.score(cap.node(i)) * 65536 + (65535 - i);
    } else {
      this.count[k] = 0;
      this.best[k] = -1;
    }
  }

  private pull(k: number): void {
    const l = 2 * k;
    this.count[k] = this.count[l] + this.count[l + 1];
    const a = this.best[l];
    const b = this.best[l + 1];
    this.best[k] = a > b ? a : b;
  }
}
