import type { RandomStream } from '../kernel/random.js';
import type { GpuCluster, PodShape } from './model.js';
import type { TypicalPod } from './typical-pods.js';

/**
 * A node-level GPU placement policy, in the shape of a kube-scheduler score plugin.
 *
 * Contract (what lets a scheduler cache scores per (node version, pod shape)):
 * - `score(node, pod, cluster)` is called only for nodes where `cluster.fits(node, pod)` holds;
 *   higher is better; it is a pure function of that node's state (`cluster` arrays at `node`)
 *   and of the pod's shape (`shapeId`: cpu, GPUs, milli, gpuSpec). It never draws random numbers.
 * - ties between nodes are broken by the caller (GpuScheduler): by a fixed node priority order,
 *   as the authors' simulator does, unless the policy sets `tieBreak: 'uniform'`.
 * - `selectGpus(node, pod, cluster, out)` writes the GPU indices the pod takes on the chosen node
 *   into `out` and returns their count (numGpu); it may draw from the policy's own stream.
 *
 * Scores keep the integer truncations of the authors' Go plugins (scores are int64 there), since
 * they decide which nodes tie.
 */
export interface GpuPolicy {
  readonly name: string;
  /** How the scheduler breaks ties between best nodes (default 'node-order'). */
  readonly tieBreak?: 'node-order' | 'uniform';
  score(node: number, pod: PodShape, cluster: GpuCluster): number;
  selectGpus(node: number, pod: PodShape, cluster: GpuCluster, out: Int32Array): number;
}

export interface GpuPolicyOptions {
  readonly cluster: GpuCluster;
  /** FGD's typical pods (see typicalPods()); other policies ignore them. */
  readonly typicalPods?: readonly TypicalPod[];
  /** The policy's own random stream (Random's GPU choice); required by policies that draw. */
  readonly rng?: RandomStream;
}

export type GpuPolicyFactory = (options: GpuPolicyOptions) => GpuPolicy;

/** kube-scheduler's score range. */
export const MIN_NODE_SCORE = 0;
export const MAX_NODE_SCORE = 100;
/** The authors' normalisers: the largest node's CPU (128 cores) and GPUs (8 x 1000 milli). */
export const MAX_SPEC_CPU_MILLI = 128_000;
export const MAX_SPEC_GPU_MILLI = 8_000;
