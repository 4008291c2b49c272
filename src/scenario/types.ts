import type { DistributionSpec, RateSpec } from '../kernel/index.js';
import type { ImageOverrider, PlaintextOverrider } from '../placement/karmada/overriders.js';
import type { OpenbTraceSpec } from '../trace/openb-scenario.js';
import type { TrafficScenario } from '../traffic/spec.js';

/**
 * The typed, validated scenario: what the loader produces and the simulation consumes.
 * Units: cpu in millicores, memory in MiB, sizes in bytes, bandwidth in bytes/s, time in seconds.
 */
export interface Scenario {
  name: string;
  description: string;
  /** Absolute path of the scenario file (empty when built in code). */
  file: string;
  seed: number;
  duration: number;
  metricsInterval: number;
  controlPlane: { region: string; cluster: string | null; schedulingLatency: number };
  network: NetworkSpec;
  registries: RegistrySpec[];
  images: { image: string; sizeBytes: number }[];
  defaults: { imageSizeBytes: number; registryRegion: string; podStartup: number; jobDuration: JobDurationRule[] };
  /**
   * The wall-clock instant of simulated time 0, in seconds since 1970-01-01T00:00:00Z (`start:`,
   * default 2024-01-01T00:00:00Z, a Monday): CronJob schedules and CronFederatedHPA rules are
   * read against it.
   */
  start: number;
  fleet: { name: string; clusters: ClusterSpec[] };
  workloads: WorkloadSpec[];
  policies: PolicySpec[];
  schedulers: string[];
  /** Runs of each scheduler and variant on common seeds (`replications:`; 1 when absent): `fleetsim run`'s default. */
  replications: number;
  /** Manifests from `include:` files that fleetsim read but does not model (kind, name, file). */
  ignoredManifests: { kind: string; name: string; file: string; reason?: string }[];
  /** What the inputs held beyond the workloads and policies: every kind read, and the notes on what is not modelled or was filled in. */
  inputs: InputSummary;
  /** PriorityClasses by name: the scenario's `priorityClasses:`, included manifests, and Kubernetes' system classes. */
  priorityClasses: Record<string, PriorityClassSpec>;
  /** Included policy/v1 PodDisruptionBudgets (kube-scheduler's preemption respects them). */
  podDisruptionBudgets: PodDisruptionBudgetSpec[];
  /** The imported initial state (`initialState:`): its file and what the importer left out or changed. */
  initialState?: { file: string; workloads: number; pods: number; notes: { object: string; where: string; reason: string }[] };
  karmada: KarmadaSettings;
  faults: FaultSpec[];
  /** The dynamic-weight scheduler's weighting. */
  dynamicWeight: { mode: 'available-replicas' | 'health-latency'; referenceLatency: number };
  /** The cost-spot scheduler's settings. */
  costSpot: { onDemandFloor: number };
  /** Operator actions: scale a Deployment at a time. */
  actions: { at: number; scale: { namespace: string; name: string; replicas: number } }[];
  /** People acting by hand (`operator:`): manual failover after a reaction time; null: nobody. */
  operator: { failover: ManualFailoverSpec | null };
  /** Figures claimed elsewhere, to print beside the simulated ones (`claims:`). */
  claims: ClaimSpec[];
  /** Assumptions behind the scenario, printed with the claims (`assumptions:`). */
  assumptions: string[];
  /** Karmada OverridePolicy / ClusterOverridePolicy, applied per cluster when Works are rendered. */
  overridePolicies: OverridePolicySpec[];
  /** Kurator Fleets (cluster membership). */
  fleets: { name: string; clusters: string[]; karmada: boolean; source: string }[];
  /** The variant this scenario is ('' for a scenario without variants). */
  variant: string;
  /** Services and their traffic, rollouts, autoscalers (`traffic:`, `services:`, `rollouts:`, `autoscalers:`); absent without them. */
  traffic?: TrafficScenario;
}

/** Karmada control-plane settings (defaults: Karmada v1.19's, see DEFAULT_KARMADA). */
export interface KarmadaSettings {
  clusterStatusUpdateFrequency: number;
  clusterFailureThreshold: number;
  clusterSuccessThreshold: number;
  clusterMonitorPeriod: number;
  clusterMonitorGracePeriod: number;
  clusterStartupGracePeriod: number;
  /** MultiplePodTemplatesScheduling (alpha, off): Karmada schedules a multi-template workload by its components. */
  featureGates: { Failover: boolean; GracefulEviction: boolean; MultiplePodTemplatesScheduling: boolean };
  enableNoExecuteTaintEviction: boolean;
  noExecuteTaintEvictionPurgeMode: 'Directly' | 'Gracefully';
  gracefulEvictionTimeout: number;
  /** Evictions per second per worker; 3 workers. */
  resourceEvictionRate: number;
  enableSchedulerEstimator: boolean;
  clusterTaintPolicies: ClusterTaintPolicySpec[];
}

export interface MatchCondition {
  conditionType: string;
  operator: 'In' | 'NotIn';
  statusValues: ('True' | 'False' | 'Unknown')[];
}

export interface ClusterTaintPolicySpec {
  name: string;
  targetClusters?: ClusterAffinity;
  addOnConditions: MatchCondition[];
  removeOnConditions: MatchCondition[];
  taints: Taint[];
}

/** Image and plaintext overriders, as Karmada's override manager takes them (placement/karmada/overriders.ts). */
export type { ImageOverrider, PlaintextOverrider };

export interface OverridePolicySpec {
  kind: 'OverridePolicy' | 'ClusterOverridePolicy';
  name: string;
  namespace: string;
  resourceSelectors: ResourceSelector[];
  overrideRules: { targetCluster?: ClusterAffinity; overriders: { imageOverrider?: ImageOverrider[]; plaintext?: PlaintextOverrider[] } }[];
  source: string;
}

/**
 * What `validate`, `run` and the report say about the inputs: how many objects of each kind the
 * included manifests held (in the order first read), and every field or default worth knowing
 * (a field fleetsim does not model, a Job whose run time came from `defaults.jobDuration`...).
 */
export interface InputSummary {
  /** `apiVersion kind` → objects read (modelled kinds; skipped ones are `ignoredManifests`). */
  kinds: Record<string, number>;
  notes: InputNote[];
}

export interface InputNote {
  /** Where it was written: `file:line`. */
  source: string;
  /** The object it is about, e.g. `Deployment default/web`. */
  object: string;
  /** What is not modelled, or what fleetsim assumed. */
  text: string;
}

/**
 * A run time for Job pods whose manifest has no `fleetsim.io/duration` (`defaults.jobDuration`):
 * the first rule whose apiVersion, kind and label selector match the Job gives it.
 */
export interface JobDurationRule {
  apiVersion?: string;
  kind?: string;
  selector?: LabelSelector;
  duration: DistributionSpec;
  /** Where it was written (`defaults.jobDuration[1]`), or '' for the built-in default. */
  origin: string;
}

export type FaultKind =
  | 'cluster-outage'
  | 'zone-outage'
  | 'region-outage'
  | 'partition'
  | 'edge-disconnect'
  | 'node-crash'
  | 'link-degradation'
  | 'spot-reclaim'
  | 'maintenance';

/**
 * A failure. Scheduled: `at` (and `duration`, Infinity = never recovers). Stochastic: `mtbf` and
 * `mttr` distributions, drawn per target from the run's streams, repeating for the whole run.
 * Targets: `clusters` (cluster names; zone and region outages expand to their clusters), or
 * `nodes` of one cluster, or a region pair for link degradation.
 */
export interface FaultSpec {
  kind: FaultKind;
  /** Clusters hit (cluster-level kinds; node kinds: the one cluster). */
  clusters: string[];
  /** Node-level kinds: a count, 'all', or one node by name. */
  nodes: number | 'all' | string | null;
  at: number | null;
  duration: number;
  mtbf: DistributionSpec | null;
  mttr: DistributionSpec | null;
  mode: 'down' | 'nodes-down' | 'api-unreachable';
  link: { from: string; to: string; latency: number | null; bandwidth: number | null } | null;
  notice: number;
  drain: boolean;
  /** Where it was written: `file:line`, or the trace CSV's line. */
  source: string;
}

/** Karmada `FailoverBehavior`. */
export interface FailoverBehavior {
  application?: {
    decisionConditions?: { tolerationSeconds?: number };
    purgeMode?: 'Directly' | 'Gracefully' | 'Never';
    gracePeriodSeconds?: number;
  };
  cluster?: { purgeMode?: 'Directly' | 'Gracefully' };
}

export interface LinkSpec {
  latency: number;
  bandwidth: number;
}

export interface NetworkSpec {
  regions: string[];
  default: LinkSpec;
  intraRegion: LinkSpec;
  links: { from: string; to: string; latency: number; bandwidth: number }[];
}

export interface RegistrySpec {
  name: string;
  host: string;
  region: string;
}

/**
 * Manual failover: on each cluster-level fault, after `reaction` (alert, page, decide, act), the
 * operator taints the Cluster (as `kubectl taint clusters <c> <key>=<value>:NoExecute` on the
 * Karmada API), and Karmada's taint manager evicts its workloads (Failover gate and
 * enableNoExecuteTaintEviction); a reaction after the cluster recovers, the taint goes.
 */
export interface ManualFailoverSpec {
  reaction: DistributionSpec;
  taint: { key: string; value?: string; effect: 'NoExecute' | 'NoSchedule' };
}

/** The metrics a claim may name (each one of the sweep metrics, runner/sweep-metrics.ts). */
export const CLAIM_METRICS = ['failover.time.mean', 'failover.afterDetection', 'cpu.utilization', 'gpu.utilization', 'memory.utilization', 'timeToAllReady.mean', 'timeToAllReady.p95', 'gangs.queueingDelay.mean', 'jobs.queueingDelay.mean', 'unavailableReplicaSeconds', 'cost.workloads.perHour', 'cost.nodes.perHour', 'traffic.sloViolation'] as const;

/** A figure claimed elsewhere, for the runs of one variant (or all): a range in the metric's unit (seconds, ratio 0..1, ...). */
export interface ClaimSpec {
  claim: string;
  source: string;
  metric: (typeof CLAIM_METRICS)[number];
  variant: string | null;
  min: number;
  max: number;
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: '' | 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

export interface ClusterSpec {
  name: string;
  region: string;
  zones: string[];
  provider: string;
  labels: Record<string, string>;
  taints: Taint[];
  spot: boolean;
  /** Price per hour of one core, one GiB, one GPU. */
  prices: { cpu: number; memory: number; gpu: number };
  /** Node scorer of the member's scheduler: NodeResourcesFit LeastAllocated (default) or MostAllocated, or a GPU policy. */
  nodeScoring: string;
  /** Volcano settings, used when `scheduler` is volcano. */
  volcano: VolcanoClusterSettings;
  /** Karmada cluster sync mode: Push (controller-manager probes) or Pull (agent + lease). */
  syncMode: 'Push' | 'Pull';
  /** Joined to Karmada (false when a Kurator Fleet with the karmada control plane leaves it out). */
  karmadaMember: boolean;
  /** The member cluster's scheduler: kube-scheduler (default) or volcano. */
  scheduler: string;
  role: 'member' | 'host';
  nodePools: NodePoolSpec[];
  /** Nodes and/or the cluster's own pods from a trace (openb CSVs, see src/trace/openb-scenario.ts). */
  trace?: OpenbTraceSpec;
}

/** A Volcano Queue (`scheduling.volcano.sh/v1beta1`). Resources: cpu millicores, memory bytes, nvidia.com/gpu. */
export interface VolcanoQueueSpec {
  name: string;
  weight?: number;
  priority?: number;
  reclaimable?: boolean;
  capability?: Record<string, number>;
  guarantee?: Record<string, number>;
  deserved?: Record<string, number>;
}

export interface VolcanoClusterSettings {
  /** Session configuration: default (the Helm chart's), builtin, or kurator-v1.5.1. */
  config: 'default' | 'builtin' | 'kurator-v1.5.1';
  /** Override the configuration's actions. */
  actions?: ('enqueue' | 'allocate' | 'backfill' | 'reclaim' | 'preempt')[];
  schedulePeriod: number;
  queues: VolcanoQueueSpec[];
  /** Sampling interval of the queue shares (the scenario's metrics interval). */
  sampleInterval: number;
}

export interface NodePoolSpec {
  name: string;
  count: number;
  cpuMillis: number;
  memoryMiB: number;
  maxPods: number;
  labels: Record<string, string>;
  gpus: { count: number; model: string; memoryMiB: number };
  /** The nodes' own names (an imported pool), in order; absent: `<cluster>-<pool>-<k>`. */
  nodes?: string[];
  /** The pool's zone (`topology.kubernetes.io/zone`), when it is in one. */
  zone?: string;
  /** The nodes' taints. */
  taints?: Taint[];
  /** Nodes cordoned (`spec.unschedulable`) and nodes not Ready at the start. */
  cordoned?: string[];
  notReady?: string[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface ClusterAffinity {
  clusterNames?: string[];
  exclude?: string[];
  labelSelector?: LabelSelector;
  fieldSelector?: { matchExpressions?: { key: 'provider' | 'region' | 'zone'; operator: 'In' | 'NotIn'; values?: string[] }[] };
}

export interface ClusterAffinityTerm extends ClusterAffinity {
  affinityName: string;
  overflowAffinities?: (ClusterAffinity & { affinityName: string })[];
}

export interface StaticClusterWeight {
  targetCluster: ClusterAffinity;
  weight: number;
}

/** Karmada `Placement`, field names as Karmada spells them. */
export interface Placement {
  clusterAffinity?: ClusterAffinity;
  clusterAffinities?: ClusterAffinityTerm[];
  clusterTolerations?: Toleration[];
  spreadConstraints?: { spreadByField?: 'cluster' | 'region' | 'zone' | 'provider'; spreadByLabel?: string; minGroups?: number; maxGroups?: number }[];
  replicaScheduling?: {
    replicaSchedulingType?: 'Duplicated' | 'Divided';
    replicaDivisionPreference?: 'Aggregated' | 'Weighted';
    weightPreference?: { staticWeightList?: StaticClusterWeight[]; dynamicWeight?: 'AvailableReplicas' };
  };
}

export interface ResourceSelector {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  labelSelector?: LabelSelector;
}

export interface PolicySpec {
  kind: 'PropagationPolicy' | 'ClusterPropagationPolicy';
  name: string;
  namespace: string;
  priority: number;
  resourceSelectors: ResourceSelector[];
  placement: Placement;
  preemption: 'Always' | 'Never';
  /** `schedulePriority`: the PriorityClass whose value orders the binding in Karmada's scheduling queue. */
  schedulePriority: { priorityClassName: string; value: number } | null;
  propagateDeps: boolean;
  failover: FailoverBehavior | null;
  /** `schedulerName` (default default-scheduler): only bindings for karmada-scheduler's own name are placed. */
  schedulerName: string;
  /** Where it was written: `file:line`. */
  source: string;
}

export interface PodTemplate {
  cpuMillis: number;
  memoryMiB: number;
  /** GPUs asked for, all on one node: whole GPUs, or one shared GPU when gpuMilli < 1000. */
  gpus: number;
  /** Milli-GPU per requested GPU: 1000 for whole GPUs, 1..999 for a share of one GPU. */
  gpuMilli: number;
  /** Allowed GPU models; empty = any. */
  gpuModels: string[];
  image: string;
  imageSizeBytes: number;
  /** Region of the registry the image is pulled from. */
  registryRegion: string;
  startup: number;
  /** Pod priority: its PriorityClass's value (`priorityClassName`, or the globalDefault class), or `priority`. */
  priority: number;
  /** The PriorityClass's `preemptionPolicy` (absent: PreemptLowerPriority); Never: the pod never preempts. */
  preemptionPolicy?: 'Never' | 'PreemptLowerPriority';
  /**
   * `spec.schedulerName` of a manifest's pods (default-scheduler when the manifest says nothing);
   * absent for the scenario's own workloads, whose pods go to the member's `scheduler:`.
   */
  schedulerName?: string;
  /**
   * What Karmada's resource interpreter says one replica asks for, when it differs from the
   * effective request above (cpu millicores, memory MiB): `GenerateReplicaRequirements` takes the
   * largest init container as it is, without adding sidecars, and ignores pod-level resources
   * (karmada pkg/util/resource.go `AddPodTemplateRequest`). The estimator divides by this.
   */
  replicaRequest?: { cpuMillis: number; memoryMiB: number };
  /**
   * Where its pods may run, as the pod spec says it (nodeSelector, required node affinity,
   * tolerations): checked by the member scheduler against the nodes' pool labels and taints.
   * Absent: any node without a NoSchedule or NoExecute taint.
   */
  nodeSelection?: NodeSelection;
}

/**
 * The resource template as a manifest wrote it (JSON), for workloads read from manifests:
 * Karmada's overriders patch it per cluster and the pod template is read from it again
 * (control/override.ts). `podPath` is where its pod spec sits (`spec.template.spec` for a
 * Deployment, `spec` for a Pod, `spec.jobTemplate.spec.template.spec` for a CronJob).
 */
export interface ManifestTemplate {
  object: Record<string, unknown>;
  podPath: (string | number)[];
}

/** A pod's node selection as a DaemonSet's template writes it (spec.nodeSelector, required node affinity, tolerations). */
export interface NodeSelection {
  nodeSelector: Record<string, string>;
  /** `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`: a node must match one term, all of its expressions. */
  nodeSelectorTerms: NodeSelectorTerm[] | null;
  tolerations: Toleration[];
}

export interface NodeSelectorTerm {
  matchExpressions: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt'; values?: string[] }[];
  matchFields: { key: string; operator: 'In' | 'NotIn'; values?: string[] }[];
}

interface WorkloadCommon {
  name: string;
  /**
   * The resource template's own kind when it is not `kind` (StatefulSet, ReplicaSet,
   * ReplicationController, DaemonSet, Pod, CronJob): what Karmada's resource selectors and the
   * binding's resource reference see. `kind` is how fleetsim runs it: a Deployment keeps its pods
   * running, a Job runs them to completion.
   */
  resourceKind?: string;
  /** The manifest it was read from (absent for workloads written in the scenario). */
  manifest?: ManifestTemplate;
  namespace: string;
  /** A stable, deterministic UID (`<namespace>/<kind>/<name>`), used by Karmada's Webster tie-break. */
  uid: string;
  apiVersion: string;
  labels: Record<string, string>;
  arrival: number;
  template: PodTemplate;
  /** An explicit policy name, or null to match policies by resourceSelectors. */
  policy: string | null;
  /** An inline placement (a policy of its own), or null. */
  placement: Placement | null;
  /**
   * Set on the pods of a cluster's trace (ClusterSpec.trace): each is a bare pod created directly
   * in that member cluster by the trace feeder, never propagated by Karmada. `runTime`: seconds it
   * runs once Ready (Infinity: never leaves); `failUnschedulable`: a pod that fits on no node in
   * its scheduling cycle fails instead of waiting (paper mode).
   */
  trace?: { cluster: string; runTime: number; failUnschedulable: boolean };
  /**
   * Set when a Kurator Application deploys the workload: it bypasses Karmada and goes, as a full
   * copy, to each of these clusters (its fleet's clusters whose labels match the selector).
   */
  kurator: { application: string; clusters: string[] } | null;
  /**
   * Volcano queue of its PodGroup on members running Volcano: a Volcano Job's `spec.queue`, or the
   * pod template's `scheduling.volcano.sh/queue-name` annotation (default: the queue "default").
   */
  queue?: string;
  /** Labels of its pods (the pod template's), which PodDisruptionBudgets select; default `labels`. */
  podLabels?: Record<string, string>;
  /** Set for a workload of an imported initial state: it is already running at t = 0 (see InitialPlacement). */
  initial?: InitialPlacement;
  source: string;
}

/**
 * Where a workload of an imported initial state (`initialState:`) stands at t = 0: its pods bound
 * to their nodes and Running, or Pending, in each cluster; and, when Karmada propagates it, its
 * ResourceBinding's current placement (`spec.clusters`), which a rescheduling starts from.
 * A workload without a binding is the member's own: created in that cluster, never seen by Karmada.
 */
export interface InitialPlacement {
  /** The controller as the dump named it: Deployment, StatefulSet, DaemonSet, Job, CronJob, StaticPod, Pod, ... */
  controller: string;
  /**
   * service: N pods kept running anywhere in the cluster; per-node: one pod on each of its nodes,
   * back whenever the node is (DaemonSet, static pods); batch: pods run to completion (a Job);
   * bare: pods nobody replaces.
   */
  lifecycle: 'service' | 'per-node' | 'batch' | 'bare';
  /** The ResourceBinding (`namespace/name`), or null for a member's own workload. */
  binding: string | null;
  clusters: InitialClusterPods[];
}

export interface InitialClusterPods {
  cluster: string;
  /** Desired pods here (the binding's replicas for this cluster, else the pods found). */
  replicas: number;
  /** Bound pods per node name. */
  bound: [node: string, pods: number][];
  /** Pods waiting to be scheduled, and how long the oldest has waited (seconds before t = 0). */
  pending: number;
  pendingFor: number;
  /** per-node: nodes with a pod of it waiting to start there. */
  pendingOn: string[];
  /** The pods' template here, when it differs from the workload's (an override, another shape). */
  template?: PodTemplate;
}

export interface DeploymentSpec extends WorkloadCommon {
  kind: 'Deployment';
  replicas: number;
  /**
   * How the member's controller keeps the pods when not as a Deployment or ReplicaSet does (every
   * lost pod re-created, all at once): `ordered`, a StatefulSet with OrderedReady pod management
   * (one pod at a time, each after the one before is Running and Ready; removed from the last);
   * `bare`, a Pod (nobody re-creates it); `daemon`, a DaemonSet (one pod on every node `daemon`
   * selects; `replicas` is unused).
   */
  controller?: 'ordered' | 'bare' | 'daemon';
  daemon?: NodeSelection;
}

export interface JobSpec extends WorkloadCommon {
  kind: 'Job';
  parallelism: number;
  completions: number;
  minAvailable: number;
  duration: DistributionSpec;
  /**
   * A workload of several pod templates (a Volcano Job's tasks): one gang (`minAvailable` across
   * the tasks), task-level minimums and start dependencies. Karmada cannot divide it, so each
   * cluster it is placed on gets the whole of it; `template` is the first task's.
   */
  tasks?: TaskTemplate[];
  /** A Volcano Job's PodGroup priority (its `spec.priorityClassName`); default: `template.priority`. */
  podGroupPriority?: number;
  /** What Volcano's admission checks when a member creates this Volcano Job (see batch/volcano/admission.ts). */
  volcanoJob?: VolcanoJobAdmission;
  arrivals: { rate: RateSpec; count: number; until: number } | null;
  /** A Job created by an `arrivals` stream or a CronJob: the name of the workload entry it came from. */
  stream?: string;
  /** A bare Pod that runs to completion (restartPolicy Never or OnFailure): a lost pod is not re-created. */
  controller?: 'bare';
  /** `spec.suspend: true`: the Job creates no pods. */
  suspend?: boolean;
  /** A batch/v1 CronJob: Jobs from this template at the schedule's times, made by each member the CronJob is propagated to. */
  cron?: CronJobSchedule;
  /** A Job a member's CronJob controller made: the cluster it runs in (Karmada never sees it). */
  createdIn?: string;
}

/** A CronJob's schedule and how its Jobs may overlap (batch/v1 CronJobSpec). */
export interface CronJobSchedule {
  /** The cron expression as written (five fields, or a descriptor like @hourly). */
  schedule: string;
  /** IANA time zone of the schedule (`spec.timeZone`); null: the controller's, UTC here. */
  timeZone: string | null;
  concurrencyPolicy: 'Allow' | 'Forbid' | 'Replace';
  suspend: boolean;
  /** A run missed by more than this (the member was down) is skipped; null: no deadline. */
  startingDeadlineSeconds: number | null;
}

/** One pod template of a multi-template workload (a Volcano Job task). */
export interface TaskTemplate {
  name: string;
  replicas: number;
  /** `minAvailable` as written (null: unset; Volcano defaults it to `replicas`, Karmada's component estimate to 1). */
  minAvailable: number | null;
  template: PodTemplate;
  /** `dependsOn`: the task's pods are created once these tasks are ready (`iteration: any`: once one of them is). */
  dependsOn: { names: string[]; any: boolean } | null;
}

/** The fields of a Volcano Job that Volcano's admission webhook (`validatejob.volcano.sh`) checks. */
export interface VolcanoJobAdmission {
  name: string;
  /** `spec.queue` after the mutating webhook (default "default"). */
  queue: string;
  /** `spec.minAvailable` as written (0 when unset). */
  minAvailable: number;
  tasks: { name: string; replicas: number; minAvailable: number | null; policies: LifecyclePolicy[]; dependsOn: string[] }[];
  policies: LifecyclePolicy[];
  /** `spec.plugins`: plugin name → its arguments. */
  plugins: Record<string, string[]>;
}

/** A Volcano Job lifecycle policy (`spec.policies[]`, `spec.tasks[].policies[]`). */
export interface LifecyclePolicy {
  event?: string;
  events?: string[];
  action?: string;
  exitCode?: number;
}

/** A scheduling.k8s.io/v1 PriorityClass. */
export interface PriorityClassSpec {
  value: number;
  globalDefault: boolean;
  preemptionPolicy: 'Never' | 'PreemptLowerPriority';
}

/** A policy/v1 PodDisruptionBudget (taken to exist in every member cluster). */
export interface PodDisruptionBudgetSpec {
  name: string;
  namespace: string;
  selector: LabelSelector;
  /** An integer, or a percentage like "50%". */
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  source: string;
}

export type WorkloadSpec = DeploymentSpec | JobSpec;
