/**
 * Karmada's placement core, pure: filter → score → select → assign, the estimators, and the
 * failover helpers. No clock, no randomness, no I/O. See `/work/shared/spec/karmada.md`.
 */
export * from './types.js';
export * from './errors.js';
export { compareNames } from './names.js';
export {
  allocateWebsterSeats,
  Dispenser,
  spreadReplicasByTargetClusters,
  tieBreakerByUID,
  defaultTieBreaker,
  descendingNameTieBreaker,
  fnv1a32,
  weightSum,
  type Party,
  type PartyTieBreaker,
  type ClusterWeightInfo,
  type Votes,
} from './webster.js';
export { labelSelectorMatches, nodeSelectorRequirementsMatch, isQualifiedName, isValidLabelValue } from './label-selector.js';
export { clusterMatches } from './cluster-affinity.js';
export {
  DuplicatedStrategy,
  AggregatedStrategy,
  StaticWeightStrategy,
  DynamicWeightStrategy,
  replicaSchedulingType,
  resolveStrategyType,
  type AssignStrategyType,
} from './strategy.js';
export {
  dynamicDivideReplicas,
  mergeTargetClusters,
  removeZeroReplicasCluster,
  resortAvailableClusters,
  sortByReplicasDesc,
  type DynamicDivisionStrategy,
} from './division.js';
export {
  assignByDuplicatedStrategy,
  assignByStaticWeightStrategy,
  assignByDynamicStrategy,
  assignByStrategy,
  assignByStrategyType,
  assignmentMode,
  getStaticWeightInfoList,
  type AssignState,
  type AssignmentMode,
} from './assignment.js';
export { assignReplicas, assignOverflowTiers, attachZeroReplicasCluster, overflowEnabled, type AssignReplicasOptions } from './assign-replicas.js';
export {
  sumOfReplicas,
  rescheduleRequired,
  isBindingReplicasChanged,
  isWorkload,
  affinityIndex,
  placementChanged,
  scheduleTrigger,
  type ScheduleTrigger,
  type ScheduleTriggerInput,
} from './reschedule-triggers.js';
export { placementsEqual, clusterAffinityTermChanged } from './placement-equality.js';
