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
export { isMultiTemplateSchedulingApplicable, schedulesByComponents } from './multi-template.js';
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
export { toleratesTaint, tolerationsTolerateTaint, findMatchingUntoleratedTaint, taintToString } from './toleration.js';
export {
  MinClusterScore,
  MaxClusterScore,
  targetContains,
  type FilterCode,
  type FilterResult,
  type FilterPlugin,
  type ScorePlugin,
  type PluginContext,
} from './plugins/framework.js';
export { apiEnablementPlugin, apiEnabled, APIEnablementName } from './plugins/api-enablement.js';
export { taintTolerationPlugin, TaintTolerationName } from './plugins/taint-toleration.js';
export { clusterAffinityPlugin, ClusterAffinityName } from './plugins/cluster-affinity.js';
export { spreadConstraintPlugin, SpreadConstraintName } from './plugins/spread-constraint.js';
export { clusterEvictionPlugin, ClusterEvictionName } from './plugins/cluster-eviction.js';
export { clusterLocalityPlugin, ClusterLocalityName } from './plugins/cluster-locality.js';
export {
  defaultFilterPlugins,
  defaultScorePlugins,
  filterPluginByName,
  scorePluginByName,
  runFilterPlugins,
  runScorePlugins,
} from './plugins/registry.js';
export {
  MODEL_NODE_PODS,
  generalMaxAvailableReplicas,
  generalMaxAvailableComponentSets,
  getAllowedPodNumber,
  getMaximumReplicasBasedOnClusterSummary,
  getMaximumReplicasBasedOnResourceModels,
  deductAssumedWorkloads,
  type AssumedWorkload,
  type GeneralEstimatorOptions,
} from './general-estimator.js';
export { accurateMaxAvailableReplicas, nodeMaxAvailableReplicas, UnauthenticReplica } from './accurate-estimator.js';
export {
  calAvailableReplicas,
  availableReplicasCalculator,
  type AvailableReplicasCalculator,
  type EstimatorOptions,
} from './available-replicas.js';
export {
  UnmatchedOverflowOrder,
  clusterOverflowOrder,
  sortClusters,
  shouldIgnoreSpreadConstraint,
  shouldIgnoreAvailableResource,
  isTopologyIgnored,
  spreadConstraintFor,
  calcGroupScore,
  calcGroupScoreForDuplicate,
  generateClustersInfo,
  groupClustersWithScore,
  groupClustersByTopology,
  type ClusterScore,
  type GroupInfo,
  type GroupClustersInfo,
} from './group-clusters.js';
export { selectGroups, findFeasiblePaths, prioritizePaths, type SelectGroupInfo } from './select-groups.js';
export {
  selectBestClusters,
  selectBestClustersByCluster,
  selectBestClustersByRegion,
  selectClusters,
} from './select-clusters.js';
export {
  schedule,
  scheduleBinding,
  clusterAffinitiesFailover,
  findClustersThatFit,
  prioritizeClusters,
  type ScheduleOptions,
  type ScheduleBindingInput,
  type ScheduleBindingResult,
  type AffinityFailoverOutcome,
} from './schedule.js';
export {
  getNoExecuteTaints,
  getMatchingTolerations,
  minTolerationTime,
  needEviction,
  taintEvictionPurgeMode,
  conditionTaints,
  TaintClusterNotReady,
  TaintClusterUnreachable,
  type NeedEvictionInput,
} from './taint-manager.js';
export {
  DefaultGracefulEvictionTimeout,
  assessSingleTask,
  assessEvictionTasks,
  evictionNextRetry,
  gracefulEvictCluster,
  type AssessmentOptions,
  type GracefulEvictOptions,
} from './graceful-eviction.js';
export {
  DefaultApplicationTolerationSeconds,
  DefaultApplicationGracePeriodSeconds,
  detectApplicationFailure,
  applicationTolerationSeconds,
  applicationEvictOptions,
  type DetectFailureResult,
} from './application-failover.js';
