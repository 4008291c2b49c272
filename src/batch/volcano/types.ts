/**
 * Public input/output shapes of the Volcano session (`runSession`). Field names follow Volcano's
 * and Kubernetes' own words (PodGroup `minMember`, `minTaskMember`, Queue `weight`, `capability`,
 * `guarantee`, `deserved`...). Units: `cpu` millicores, `memory` bytes, `pods` count, extended
 * scalars (`nvidia.com/gpu`) whole units. Every task implicitly requests `pods: 1`.
 */
import type { ResourceList } from './resource.js';

export type { ResourceList } from './resource.js';

/** Volcano task statuses (api/types.go). */
export type TaskStatus =
  | 'Pending'
  | 'Allocated'
  | 'Pipelined'
  | 'Binding'
  | 'Bound'
  | 'Running'
  | 'Releasing'
  | 'Succeeded'
  | 'Failed'
  | 'Unknown';

export type PodGroupPhase = 'Pending' | 'Inqueue' | 'Running' | 'Unknown' | 'Completed';

export type QueueState = 'Open' | 'Closed' | 'Closing';

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** A `core/v1` NodeSelectorTerm: matchExpressions on the node's labels, matchFields on `metadata.name`. */
export interface NodeSelectorTerm {
  matchExpressions: readonly NodeSelectorRequirement[];
  matchFields: readonly NodeSelectorRequirement[];
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface Toleration {
  key?: string;
  operator?: 'Equal' | 'Exists';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface NodeSpec {
  name: string;
  allocatable: ResourceList;
  labels?: Readonly<Record<string, string>>;
  taints?: readonly Taint[];
  /** `spec.unschedulable` (cordoned). */
  unschedulable?: boolean;
  /** Only Ready nodes enter the session (default true). */
  ready?: boolean;
  /**
   * Requests of pods on the node that no job of the session owns (pods of other schedulers, such
   * as kube-scheduler's): they take room, as in Volcano's cache, and are never victims.
   */
  used?: ResourceList;
}

export interface QueueSpec {
  name: string;
  weight?: number; // default 1
  priority?: number; // default 0
  state?: QueueState; // default Open
  reclaimable?: boolean; // default true
  capability?: ResourceList;
  guarantee?: ResourceList;
  /** capacity plugin only: the configured deserved share. */
  deserved?: ResourceList;
  /** Creation time (seconds); ties fall back to the queue name (its UID). Default 0. */
  creationTime?: number;
}

export interface TaskSpec {
  name: string;
  /** `{}` (or only `pods`) is a BestEffort task. */
  request?: ResourceList;
  status?: TaskStatus; // default Pending
  /** Node the task occupies (Running, Bound, Binding, Allocated, Releasing) or is pipelined to. */
  node?: string | null;
  /** `volcano.sh/task-spec` role, the key of `minTaskMember`. Default ''. */
  role?: string;
  nodeSelector?: Readonly<Record<string, string>>;
  /** Required node affinity's `nodeSelectorTerms` (ORed; absent: none). */
  nodeSelectorTerms?: readonly NodeSelectorTerm[];
  tolerations?: readonly Toleration[];
  /** `volcano.sh/preemptable` (default true). */
  preemptable?: boolean;
  /** Pod priority (PriorityClass value or `volcano.sh/task-priority`). Default 1. */
  priority?: number;
  priorityClassName?: string;
  preemptionPolicy?: 'Never' | 'PreemptLowerPriority';
  /** GPU cards the pod holds (Volcano's `volcano.sh/gpu-index`), for deviceshare. */
  gpuIndex?: readonly number[];
  /** Held by an external scheduling gate: never considered for placement. */
  schedulingGated?: boolean;
  creationTime?: number;
}

export interface JobSpec {
  /** PodGroup name. */
  name: string;
  namespace: string;
  queue: string;
  minMember?: number; // default 0
  minTaskMember?: Readonly<Record<string, number>>;
  phase?: PodGroupPhase; // default Inqueue
  /** Value of the PodGroup's PriorityClass. Default 0. */
  priority?: number;
  minResources?: ResourceList | null;
  creationTime?: number;
  tasks: readonly TaskSpec[];
}

export interface SessionSnapshot {
  nodes: readonly NodeSpec[];
  queues: readonly QueueSpec[];
  jobs: readonly JobSpec[];
}

export type ActionName = 'enqueue' | 'allocate' | 'backfill' | 'reclaim' | 'preempt';

/** Volcano's `PluginOption.Enabled*` flags, by their short names. */
export const PLUGIN_FLAGS = [
  'jobOrder',
  'jobReady',
  'jobPipelined',
  'jobStarving',
  'jobEnqueued',
  'taskOrder',
  'queueOrder',
  'preemptable',
  'reclaimable',
  'preemptive',
  'overused',
  'allocatable',
  'predicate',
  'nodeOrder',
  'bestNode',
] as const;
export type PluginFlag = (typeof PLUGIN_FLAGS)[number];

export interface PluginOption {
  name: string;
  /**
   * Authoritative list of enabled extension points (as Volcano's unit tests build tiers): every
   * flag not listed is off. When absent, every flag is on (as `plugins/defaults.go` does for the
   * YAML config) except those in `disabled`.
   */
  enabled?: readonly PluginFlag[] | readonly string[];
  disabled?: readonly PluginFlag[] | readonly string[];
  /** Plugin arguments with Volcano's keys (`binpack.weight`, `overcommit-factor`, ...). */
  arguments?: Readonly<Record<string, string | number | boolean>>;
}

export interface SessionConfig {
  /** Actions, run in this order in one session. */
  actions: readonly ActionName[];
  /** Tiers of plugins, in order. */
  tiers: readonly (readonly PluginOption[])[];
  /**
   * Start of the rotating predicate scan (Volcano keeps it across sessions). Only matters above
   * 100 nodes. Thread `SessionResult.nextNodeScanStart` back in to reproduce Volcano. Default 0.
   */
  nodeScanStart?: number;
  /**
   * Volcano behaviour to reproduce: current master (default) or `v1.5.1`, the version Kurator's
   * CLI installs (spec §15: namespace-first allocate that stops a job at its first predicate
   * failure and scores all feasible nodes together; proportion applies the guarantee floor after
   * the met check and does not clamp `remaining`).
   */
  version?: VolcanoVersion;
}

export type VolcanoVersion = 'master' | 'v1.5.1';

export interface Placement {
  /** `namespace/name` of the task. */
  task: string;
  node: string;
  /** GPU cards chosen by the deviceshare plugin, when it placed the pod. */
  gpuIndex?: number[];
}

export interface Eviction extends Placement {
  reason: 'preempt' | 'reclaim';
}

export interface QueueReport {
  deserved: Record<string, number>;
  allocated: Record<string, number>;
  request: Record<string, number>;
  realCapability: Record<string, number>;
  share: number;
  overused: boolean;
}

export interface PodGroupCondition {
  type: 'Scheduled' | 'Unschedulable';
  message: string;
}

export interface SessionResult {
  /** Committed binds in commit order: the pods that now go to Binding. */
  binds: Placement[];
  /** Committed evictions in commit order: the pods that now terminate. */
  evictions: Eviction[];
  /** Committed pipeline reservations (the task waits there for releasing resources). */
  pipelined: Placement[];
  /** PodGroup phase at session close, by `namespace/name`, for every job in the session. */
  podGroupPhases: Record<string, PodGroupPhase>;
  /** Conditions the gang plugin wrote at session close (only when gang is configured). */
  podGroupConditions: Record<string, PodGroupCondition>;
  /** Queue accounting of the queue plugin (proportion or capacity), by queue name. */
  queues: Record<string, QueueReport>;
  /** Where the next session's rotating predicate scan starts. */
  nextNodeScanStart: number;
}
