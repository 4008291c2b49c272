import type { RandomStream } from '../kernel/random.js';
import type { GpuCluster, PodShape } from './model.js';
import type { GpuPolicy } from './policy.js';

/**
 * One scheduling cycle per pod over a GpuCluster, as the FGD authors' simulator runs
 * kube-scheduler with one score plugin:
 *   filter (the fit rules) -> score every feasible node -> select the host -> the policy chooses
 *   the GPUs -> allocate.
 *
 * Host selection among equal best scores (documented tie-break rules):
 * - 'node-order' (default): the best node with the lowest rank in a fixed node priority order.
 *   The authors' scheduler (a fork of kube-scheduler 1.20) replaces selectHost's random choice by
 *   "smallest node name", and names every node `<NNNN>-<name>` with NNNN from a seeded random
 *   permutation: i.e. ties go to the first node of a random order fixed for the whole run. Pass
 *   that order as `ranks` (see `randomNodeRanks`); without it, node index order is used.
 * - 'uniform' (a policy may ask for it, see GpuPolicy.tieBreak): one node drawn uniformly among
 *   the best with the `uniform` stream: one draw u, the floor(u x count)-th best node in node
 *   index order; no draw when a single node is best.
 *
 * Scores are cached per (pod shape, node) and reused while the node's version is unchanged; the
 * GpuPolicy contract (the score depends only on that node's state and the pod's shape) makes
 * this exact. Only the node that received the last pod needs rescoring for the next pod of the
 * same shape.
 */
export interface GpuSchedulerOptions {
  /** ranks[node] = position of the node in the tie-break order (a permutation of 0..n-1). */
  readonly ranks?: Int32Array;
  /** Stream for policies with uniform tie-breaks; required if the policy asks for them. */
  readonly uniform?: RandomStream;
  /** Cache scores per (shape, node version); default true. */
  readonly cacheScores?: boolean;
}

export class GpuScheduler {
  private readonly scoreCache: (Float64Array | undefined)[] = [];
  private readonly stampCache: (Int32Array | undefined)[] = [];
  private readonly feasible: Int32Array;
  private readonly scores: Float64Array;
  private readonly gpuScratch: Int32Array;
  private readonly ranks: Int32Array;
  private readonly uniform: RandomStream | undefined;
  private readonly cacheScores: boolean;
  private lastGpuCount = 0;
  /** Node scores computed (cache misses) since construction; for benchmarks. */
  scoreCalls = 0;

  constructor(
    readonly cluster: GpuCluster,
    readonly policy: GpuPolicy,
    options: GpuSchedulerOptions = {},
  ) {
    const n = cluster.nodeCount;
    this.feasible = new Int32Array(n);
    this.scores = new Float64Array(n);
    this.gpuScratch = new Int32Array(Math.max(1, cluster.maxGpusPerNode));
    if (options.ranks && options.ranks.length !== n) throw new RangeError(`ranks has ${options.ranks.length} entries for ${n} nodes`);
    this.ranks = options.ranks ?? Int32Array.from({ length: n }, (_, i) => i);
    this.uniform = options.uniform;
    this.cacheScores = options.cacheScores ?? true;
    if (policy.tieBreak === 'uniform' && !this.uniform) throw new Error(`policy ${policy.name} breaks ties uniformly: pass options.uniform`);
  }

  private scoreOf(node: number, pod: PodShape, scores: Float64Array | undefined, stamps: Int32Array | undefined): number {
    if (stamps && scores) {
      const stamp = this.cluster.version[node] + 1;
      if (stamps[node] === stamp) return scores[node];
      const s = this.policy.score(node, pod, this.cluster);
      this.scoreCalls++;
      scores[node] = s;
      stamps[node] = stamp;
      return s;
    }
    this.scoreCalls++;
    return this.policy.score(node, pod, this.cluster);
  }

  /** The node the pod would be placed on, or -1 if it fits nowhere. Does not change the cluster. */
  pickNode(pod: PodShape): number {
    const c = this.cluster;
    const n = c.nodeCount;
    let scores: Float64Array | undefined;
    let stamps: Int32Array | undefined;
    if (this.cacheScores) {
      scores = this.scoreCache[pod.shapeId];
      stamps = this.stampCache[pod.shapeId];
      if (!scores || !stamps) {
        scores = this.scoreCache[pod.shapeId] = new Float64Array(n);
        stamps = this.stampCache[pod.shapeId] = new Int32Array(n);
      }
    }
    if (this.policy.tieBreak !== 'uniform') {
      const ranks = this.ranks;
      let bestNode = -1;
      let best = -Infinity;
      let bestRank = 0;
      for (let node = 0; node < n; node++) {
        if (!c.fits(node, pod)) continue;
        const s = this.scoreOf(node, pod, scores, stamps);
        if (s > best || (s === best && ranks[node] < bestRank)) {
          best = s;
          bestNode = node;
          bestRank = ranks[node];
        }
      }
      return bestNode;
    }
    let count = 0;
    let best = -Infinity;
    let ties = 0;
    for (let node = 0; node < n; node++) {
      if (!c.fits(node, pod)) continue;
      const s = this.scoreOf(node, pod, scores, stamps);
      this.feasible[count] = node;
      this.scores[count] = s;
      count++;
      if (s > best) {
        best = s;
        ties = 1;
      } else if (s === best) {
        ties++;
      }
    }
    if (count === 0) return -1;
    let pick = ties > 1 ? Math.floor((this.uniform as RandomStream).random() * ties) : 0;
    for (let i = 0; i < count; i++) {
      if (this.scores[i] === best && pick-- === 0) return this.feasible[i];
    }
    throw new Error('unreachable: tie-break found no node');
  }

  /**
   * Schedule one pod: pick a node, let the policy choose GPUs, allocate. Returns the node, or -1
   * if the pod fits nowhere (the cluster is then unchanged). The GPUs taken are in `lastGpus`.
   */
  schedule(pod: PodShape): number {
    const node = this.pickNode(pod);
    if (node < 0) {
      this.lastGpuCount = 0;
      return -1;
    }
    const k = this.policy.selectGpus(node, pod, this.cluster, this.gpuScratch);
    this.cluster.allocate(node, pod, this.gpuScratch, k);
    this.lastGpuCount = k;
    return node;
  }

  /** GPU indices taken by the last successful `schedule` call. */
  get lastGpus(): number[] {
    return Array.from(this.gpuScratch.subarray(0, this.lastGpuCount));
  }
}

/**
 * A random priority order of n nodes: ranks[node] is the node's position in a uniformly random
 * permutation (Fisher-Yates from the last position down, one draw per position, from `rng`).
 */
export function randomNodeRanks(n: number, rng: RandomStream): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const ranks = new Int32Array(n);
  for (let i = 0; i < n; i++) ranks[order[i]] = i;
  return ranks;
}
