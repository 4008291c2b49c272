/** Progressive delivery (Kurator rollout policy -> Flagger Canary), as pure functions. */
export {
  simulateRollout,
  analysisFromKuratorPolicy,
  strategyOf,
  maxWeightOf,
  nextWeight,
  type FlaggerAnalysis,
  type RolloutPhase,
  type RolloutStrategy,
  type RolloutTick,
} from './flagger-canary.js';
export { BUILTIN_METRICS, rolloutPolicyFields, type RolloutMetric, type RolloutPolicyFields } from './kurator-policy.js';
