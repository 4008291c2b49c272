/**
 * Plain data types of Karmada's placement core, named as Karmada names them
 * (`pkg/apis/policy/v1alpha1`, `pkg/apis/work/v1alpha2`, `pkg/apis/cluster/v1alpha1`).
 *
 * Everything here is a plain object: the pure functions of this folder take snapshots of these
 * and return new values; nothing is mutated in place unless a function says so.
 * Units follow the simulator's conventions: cpu in millicores, memory in bytes (or MiB, as long as
 * requests and capacities agree), pods as a count. Times are float seconds on one common clock.
 */

/** One entry of a binding's schedule result (`spec.clusters`), a weight list or a previous result. */
export interface TargetCluster {
  name: string;
  replicas: number;
  /** Per-component replicas (multi-template workloads, alpha gate MultiplePodTemplatesScheduling). */
  components?: ComponentReplicas[];
}

export interface ComponentReplicas {
  name: string;
  replicas: number;
}

// ---------------------------------------------------------------------------------------------
// Selectors

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator | string;
  values?: string[];
}

/** Kubernetes `metav1.LabelSelector`. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** Karmada `FieldSelector`: node-selector requirements over the cluster fields provider/region/zone. */
export interface FieldSelector {
  matchExpressions?: LabelSelectorRequirement[];
}

/** Karmada `ClusterAffinity`. An empty affinity matches every cluster. */
export interface ClusterAffinity {
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  clusterNames?: string[];
  exclude?: string[];
}

/** Karmada `OverflowAffinity` (`ClusterAffinityTerm.overflowAffinities[]`). */
export interface OverflowAffinity extends ClusterAffinity {
  affinityName: string;
}

/** Karmada `ClusterAffinityTerm` (`placement.clusterAffinities[]`). */
export interface ClusterAffinityTerm extends ClusterAffinity {
  affinityName: string;
  overflowAffinities?: OverflowAffinity[];
}

// ---------------------------------------------------------------------------------------------
// Taints and tolerations

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect | string;
  /** When the taint was added (seconds on the common clock); absent = unknown. */
  timeAdded?: number;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal' | string;
  value?: string;
  effect?: TaintEffect | '' | string;
  /** Seconds a NoExecute taint is tolerated; absent/null = forever. */
  tolerationSeconds?: number | null;
}

// ---------------------------------------------------------------------------------------------
// Placement

export type SpreadByField = 'cluster' | 'region' | 'zone' | 'provider';

export interface SpreadConstraint {
  spreadByField?: SpreadByField | string;
  spreadByLabel?: string;
  minGroups?: number;
  maxGroups?: number;
}

export interface StaticClusterWeight {
  targetCluster: ClusterAffinity;
  weight: number;
}

export interface ClusterPreferences {
  staticWeightList?: StaticClusterWeight[];
  dynamicWeight?: 'AvailableReplicas' | string;
}

export type ReplicaSchedulingType = 'Duplicated' | 'Divided';
export type ReplicaDivisionPreference = 'Aggregated' | 'Weighted';

export interface ReplicaSchedulingStrategy {
  replicaSchedulingType?: ReplicaSchedulingType | string;
  replicaDivisionPreference?: ReplicaDivisionPreference | string;
  weightPreference?: ClusterPreferences | null;
}

/** Karmada `Placement` (copied from the matched PropagationPolicy into the binding). */
export interface Placement {
  clusterAffinity?: ClusterAffinity | null;
  clusterAffinities?: ClusterAffinityTerm[];
  clusterTolerations?: Toleration[];
  spreadConstraints?: SpreadConstraint[];
  replicaScheduling?: ReplicaSchedulingStrategy | null;
}

// ---------------------------------------------------------------------------------------------
// Clusters

/** A resource list: resource name -> quantity (cpu in millicores, memory in bytes, pods a count). */
export type ResourceList = Record<string, number>;

export interface AllocatableModeling {
  grade: number;
  count: number;
}

export interface ResourceSummary {
  allocatable?: ResourceList;
  allocated?: ResourceList;
  allocating?: ResourceList;
  allocatableModelings?: AllocatableModeling[];
}

export interface ResourceModelRange {
  name: string;
  min: number;
  max: number;
}

export interface ResourceModel {
  grade: number;
  ranges: ResourceModelRange[];
}

export interface APIResource {
  kind: string;
  name?: string;
}

export interface APIEnablement {
  groupVersion: string;
  resources: APIResource[];
}

/**
 * Free resources of one member-cluster node, for the accurate (scheduler-estimator) estimate.
 * `allocatable` and `requested` are resource lists; `pods` the number of pods already on the node.
 */
export interface NodeSnapshot {
  name: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  allocatable: ResourceList;
  requested?: ResourceList;
  /** Pods already bound to the node. */
  pods?: number;
  unschedulable?: boolean;
}

/**
 * A member cluster as the scheduler sees it: `spec` fields flattened, plus what the filters and
 * estimators read from `status`.
 */
export interface Cluster {
  name: string;
  labels?: Record<string, string>;
  provider?: string;
  region?: string;
  zones?: string[];
  taints?: Taint[];
  apiEnablements?: APIEnablement[];
  /** Condition `CompleteAPIEnablements == True` (only changes the failure reason). */
  completeAPIEnablements?: boolean;
  resourceSummary?: ResourceSummary | null;
  resourceModels?: ResourceModel[];
  /** Per-node snapshot for the accurate estimator; absent = that estimator abstains (-1). */
  nodes?: NodeSnapshot[];
  /** `deletionTimestamp` set: the scheduler skips the cluster entirely. */
  deleting?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Bindings

export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
}

export interface NodeClaim {
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
}

export interface ReplicaRequirements {
  resourceRequest?: ResourceList;
  nodeClaim?: NodeClaim | null;
  priorityClassName?: string;
}

export interface Component {
  name: string;
  replicas: number;
  replicaRequirements?: ReplicaRequirements | null;
}

export type PurgeMode = 'Directly' | 'Gracefully' | 'Never';

export interface GracefulEvictionTask {
  fromCluster: string;
  replicas?: number;
  reason?: string;
  producer?: string;
  purgeMode?: PurgeMode | string;
  gracePeriodSeconds?: number | null;
  suppressDeletion?: boolean | null;
  /** When the task was stamped (seconds on the common clock); absent = not stamped yet. */
  creationTimestamp?: number | null;
}

/** `failover.application` of a PropagationPolicy (copied into the binding). */
export interface ApplicationFailoverBehavior {
  decisionConditions?: { tolerationSeconds?: number | null };
  purgeMode?: PurgeMode | string;
  gracePeriodSeconds?: number | null;
}

/** `failover.cluster` of a PropagationPolicy. */
export interface ClusterFailoverBehavior {
  purgeMode?: PurgeMode | string;
}

export interface FailoverBehavior {
  application?: ApplicationFailoverBehavior | null;
  cluster?: ClusterFailoverBehavior | null;
}

/** The subset of `ResourceBindingSpec` the scheduler reads. */
export interface ResourceBindingSpec {
  resource?: ObjectReference;
  replicas: number;
  replicaRequirements?: ReplicaRequirements | null;
  components?: Component[];
  placement?: Placement | null;
  /** The current schedule result ("previous" in the spec). */
  clusters?: TargetCluster[];
  gracefulEvictionTasks?: GracefulEvictionTask[];
  /** Set by a WorkloadRebalancer; seconds on the common clock. */
  rescheduleTriggeredAt?: number | null;
  failover?: FailoverBehavior | null;
  propagateDeps?: boolean;
}

export type AggregatedHealth = 'Healthy' | 'Unhealthy' | 'Unknown';

/** One failover of a binding (`status.failoverHistory[]`). */
export interface FailoverHistoryItem {
  clustersBeforeFailover: string[];
  reason?: string;
  startTime?: number;
}

/** The subset of `ResourceBindingStatus` the scheduler reads. */
export interface ResourceBindingStatus {
  schedulerObservedAffinityName?: string;
  lastScheduledTime?: number | null;
  /** Newer Karmada only: ClusterEviction also keeps out the clusters of the LAST failover. */
  failoverHistory?: FailoverHistoryItem[];
}

/** Feature gates that change placement decisions (defaults in `DEFAULT_FEATURE_GATES`). */
export interface FeatureGates {
  CustomizedClusterResourceModeling?: boolean;
  SchedulingOvercommitProtection?: boolean;
  MultiplePodTemplatesScheduling?: boolean;
  Failover?: boolean;
  GracefulEviction?: boolean;
}

/** Karmada v1.19 defaults (`pkg/features/features.go`). */
export const DEFAULT_FEATURE_GATES: Readonly<Required<FeatureGates>> = Object.freeze({
  CustomizedClusterResourceModeling: true,
  SchedulingOvercommitProtection: false,
  MultiplePodTemplatesScheduling: false,
  Failover: false,
  GracefulEviction: true,
});

/**
 * A feasible cluster with what selection and assignment need (Karmada `ClusterDetailInfo`).
 * `availableReplicas` = estimate + replicas this binding already holds there;
 * `allocatableReplicas` = the estimate alone (free capacity).
 */
export interface ClusterDetailInfo {
  name: string;
  cluster: Cluster;
  score: number;
  availableReplicas: number;
  allocatableReplicas: number;
  /** 0 = primary affinity group, i+1 = overflowAffinities[i], 1000 = none matched. */
  overflowOrder: number;
}

/** Go's math.MaxInt32: the "unbounded" estimate. */
export const MAX_INT32 = 2147483647;
