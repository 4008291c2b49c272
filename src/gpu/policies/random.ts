import { randomFitGpus } from '../gpu-selection.js';
import { MIN_NODE_SCORE, type GpuPolicy, type GpuPolicyFactory } from '../policy.js';

/**
 * Random: a uniformly random feasible node. The authors' RandomScore plugin gives one node,
 * drawn uniformly from the feasible ones in PreScore, the top score (so it never ties); here
 * every feasible node scores the same and the policy asks the scheduler for a uniform tie-break,
 * which makes the same draw with a pure scorer. A sharing pod takes a uniformly random GPU among those that
 * hold it (the experiment's `-gpusel random`); whole-GPU pods take the first free GPUs.
 */
export const createRandomPolicy: GpuPolicyFactory = ({ rng }): GpuPolicy => {
  if (!rng) throw new Error('the random policy needs a random stream (options.rng)');
  return {
    name: 'random',
    tieBreak: 'uniform',
    score: () => MIN_NODE_SCORE,
    selectGpus: (node, pod, cluster, out) => randomFitGpus(cluster, node, pod, out, rng),
  };
};
