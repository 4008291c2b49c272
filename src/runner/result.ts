import type { InputNote, Scenario } from '../scenario/types.js';
import type { TraceRunResult } from '../control/openb-trace.js';
import type { FailoverResult, TimelineEvent } from '../metrics/failover.js';
import type { QueueShareSeries } from '../control/volcano-scheduler.js';
import type { AutoscalerResult } from '../control/hpa-controller.js';
import type { RolloutResult } from '../control/rollout-controller.js';
import type { ServiceTrafficResult } from '../traffic/service-model.js';
import type { WorkloadWaits } from '../metrics/waits.js';

/** The results of one run (one scenario, one scheduler, one seed): plain data, JSON-ready. */
export interface RunResult {
  scenario: string;
  /** The scenario variant ('' when the scenario has no variants). */
  variant: string;
  scheduler: string;
  seed: number;
  /** Simulated seconds covered. */
  duration: number;
  /** Kernel events processed. */
  events: number;
  clusters: ClusterResult[];
  workloads: WorkloadResult[];
  series: SeriesResult;
  /** One entry per fault of the scenario. */
  failovers: FailoverResult[];
  /** Faults, Karmada's view of cluster health, evictions: in time order. */
  timeline: TimelineEvent[];
  /** Volcano queues of members running Volcano: deserved vs allocated over time. */
  queueShares?: QueueShareSeries[];
  /** Per cluster with a pod trace: counts, and the paper mode's allocation curve or replay's delays. */
  traces?: TraceRunResult[];
  /** Per service: requests, latency percentiles and CDF, error and timeout rates, SLO timeline and violation time. */
  traffic?: ServiceTrafficResult[];
  /** Per FederatedHPA: replicas and metrics at each sync, and its scaling decisions. */
  autoscaling?: AutoscalerResult[];
  /** Per rollout: each cluster's Canary ticks (phase, weight, analysis) and outcome. */
  rollouts?: RolloutResult[];
  /** With an imported initial state: the fleet at t = 0 and what became of the members' own workloads. */
  initialState?: InitialStateResult;
  /** When asked (`waits`): every workload that waited, its reasons over time and what decided its placement. */
  waits?: WorkloadWaits[];
}

/** A run's imported initial state (`initialState:`). */
export interface InitialStateResult {
  /** Pods put in place at t = 0 (bound and pending). */
  pods: number;
  clusters: {
    name: string;
    /** Requested ÷ allocatable at t = 0, as the dump had it. */
    cpu: number;
    memory: number;
    gpu: number;
    /** Pods bound and pending at t = 0 (before the first scheduling cycle). */
    bound: number;
    pending: number;
    /** The member's own workloads (not propagated by Karmada): how many, their desired pods, Ready at the end, unavailable replica-seconds. */
    ownWorkloads: number;
    ownDesired: number;
    ownReadyAtEnd: number;
    ownUnavailableReplicaSeconds: number;
  }[];
}

export interface Stat {
  mean: number;
  max: number;
  end: number;
}

export interface ClusterResult {
  name: string;
  region: string;
  role: 'member' | 'host';
  nodes: number;
  /** Allocatable CPU cores of its nodes. */
  cpu: number;
  gpus: number;
  /** Ready pods at the end. */
  replicas: number;
  pending: number;
  /** Allocation ratios (requests of bound pods / allocatable), over the sampled time series. */
  cpuUtilization: Stat;
  memoryUtilization: Stat;
  gpuUtilization: Stat;
  spot: boolean;
  /** Cost of its up nodes over the run, at its prices (currency units). */
  cost: number;
}

export interface WorkloadResult {
  name: string;
  namespace: string;
  /** How fleetsim ran it: pods kept running (Deployment) or run to completion (Job). */
  kind: 'Deployment' | 'Job';
  /** The manifest's own kind when it is not `kind`: StatefulSet, ReplicaSet, ReplicationController, DaemonSet, Pod. */
  resourceKind?: string;
  /** Replicas (Deployment) or first-wave pods (Job); a DaemonSet's: the nodes it selects where it runs. */
  desired: number;
  arrival: number;
  /** Final schedule result: cluster → replicas. */
  placement: Record<string, number>;
  /** Seconds from creation until every desired pod was bound to a node (null: never). */
  timeToScheduled: number | null;
  /** Seconds from creation until every desired pod was Ready (null: never). */
  timeToAllReady: number | null;
  /** Seconds from creation until the Job's completions were all done (Jobs; null: not done). */
  timeToComplete: number | null;
  /** Pods still Pending at the end. */
  pending: number;
  ready: number;
  succeeded: number;
  /** Why it is not (fully) placed, if the control plane said so. */
  schedulingError: string;
  /** Deployments: ∫ max(0, desired − ready) dt from creation to the end (replica-seconds). */
  unavailableReplicaSeconds: number;
  /** Showback: its bound pods' requests at their clusters' prices, over the time they were bound. */
  cost: number;
  /**
   * Why its share in a member cluster does not run, by cluster: the member refused its Work
   * (an admission webhook), no scheduler there serves its pods, its Volcano queue does not exist.
   */
  clusterErrors?: Record<string, string>;
  /** Its pods evicted to make room for higher-priority ones (kube-scheduler preemption, Volcano preempt/reclaim); absent when none. */
  preemptedPods?: number;
  /** Jobs created by an `arrivals` stream or a CronJob: the workload entry they came from (`finetune` for `finetune-17`). */
  stream?: string;
  /** Jobs: the gang size (pods that must run together before the job makes progress). */
  minAvailable?: number;
  /** Jobs: creation → the gang started (minAvailable pods Ready together); null: never. */
  queueingDelay?: number | null;
  /** Jobs: GPU-hours held by its bound pods while its gang was incomplete. */
  heldGpuHours?: number;
  /** Jobs: never started, yet holding bound pods at the end (waiting for peers that do not come). */
  deadlocked?: boolean;
}

export interface SeriesResult {
  interval: number;
  t: number[];
  clusters: Record<string, { cpu: number[]; memory: number[]; gpu: number[]; replicas: number[]; pending: number[]; costRate: number[] }>;
  /** Ready replicas per cluster of each Deployment (the first 50), by `namespace/name`, then cluster. */
  workloads: Record<string, Record<string, number[]>>;
}

/** The whole output of `fleetsim run`: every scheduler's run of one scenario on one seed. */
export type { FailoverResult, TimelineEvent, WorkloadWaits };

export interface RunSummary {
  fleetsim: string;
  scenario: string;
  description: string;
  seed: number;
  duration: number;
  runs: RunResult[];
  /** What the included manifests held: kinds read, kinds skipped, what is not modelled or was assumed (absent when none). */
  inputs?: InputsReport;
}

/** The inputs as `validate` and `run` print them and the report lists them (see report/inputs-report.ts). */
export interface InputsReport {
  kinds: Record<string, number>;
  skipped: Scenario['ignoredManifests'];
  notes: InputNote[];
}
