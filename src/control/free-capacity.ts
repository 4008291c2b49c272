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
