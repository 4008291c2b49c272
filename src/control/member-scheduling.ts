import type { RandomStream, Simulation } from '../kernel/index.js';
import type { ClusterInfo, World } from '../model/world.js';
import type { PodTemplate } from '../scenario/types.js';
import type { FreeCapacityIndex } from './free-capacity.js';
import type { PodTable } from './pods.js';
import type { RuntimeWorkload } from './state.js';

/**
 * The seam between a member cluster (controllers, kubelets, resource bookkeeping: the host) and
 * the scheduler that binds its pending pods (kube-scheduler, Volcano, ...), and the node scorer a
 * scheduler may use (NodeResourcesFit LeastAllocated/MostAllocated, GPU placement policies...).
 * Schedulers and scorers are chosen per cluster in the scenario (`scheduler:`, `nodeScoring:`).
 */

/** A workload's share in one member cluster (what a Work object creates there). */
export interface MemberOwner {
  readonly workload: number;
  readonly kind: 'Deployment' | 'Job';
  /**
   * The controller that keeps its pods: `replicas` (Deployment, ReplicaSet, Job: lost pods are
   * re-created), `ordered` (StatefulSet OrderedReady: one pod at a time), `bare` (a Pod: never
   * re-created), `daemon` (DaemonSet: one pod per matching node, bound there by the controller),
   * `cron` (CronJob: makes Jobs, has no pods of its own).
   */
  readonly controller: 'replicas' | 'ordered' | 'bare' | 'daemon' | 'cron';
  /** Pods it has ever created. */
  created: number;
  /** Deployment: replicas. Job: parallelism here. */
  replicas: number;
  /** Job only: completions to reach here. */
  completions: number;
  active: number;
  succeeded: number;
  done: boolean;
  /** The pod template as rendered for this cluster (OverridePolicies applied). */
  template: PodTemplate;
  /** Live pods (Pending, Starting or Running), in creation order. */
  readonly pods: number[];
  /** Index of the member's scheduler that takes its pods (see `MemberSchedulerHost.servedBy`); -1: none runs here. */
  readonly scheduler: number;
  /** One task of a multi-template workload (a Volcano Job); null otherwise. */
  readonly task: OwnerTask | null;
}

/** A task of a multi-template workload, as its owner in one member knows it. */
export interface OwnerTask {
  name: string;
  /** `minAvailable` as written (null: unset, Volcano's default is the task's replicas). */
  minAvailable: number | null;
  /** Owners (indices in the member) of the tasks it waits for; `any`: one of them is enough. */
  dependsOn: { owners: number[]; any: boolean } | null;
}

/** What a member scheduler may read and do. All binds and evictions go through here. */
export interface MemberSchedulerHost {
  readonly sim: Simulation;
  readonly world: World;
  readonly info: ClusterInfo;
  readonly pods: PodTable;
  readonly owners: readonly MemberOwner[];
  /** The cluster's free-capacity index (per-resource maxima, next node that covers a request), kept current by the host. */
  readonly capacity?: FreeCapacityIndex;
  template(pod: number): PodTemplate;
  workload(pod: number): RuntimeWorkload;
  /**
   * Must `fits` be asked for every node, not only the free-capacity index: the cluster has tainted
   * nodes, or the template selects nodes.
   */
  constrained?(t: PodTemplate): boolean;
  /** Does the pod fit on the node now (ready node; cpu, memory, a pod slot; GPUs by the fit rules; its taints tolerated, its selection matched)? */
  fits(pod: number, node: number): boolean;
  /** May the pod run on the node whatever is free there (its taints tolerated, its node selection matched)? */
  allows(pod: number, node: number): boolean;
  /** The GPUs a pod would take on a node by default (whole: lowest free ids; shared: best fit), or null. */
  defaultGpus(pod: number, node: number): number[] | null;
  /** Bind a Pending pod to a node (and GPUs, default `defaultGpus`); starts the kubelet's work. */
  bind(pod: number, node: number, gpus?: readonly number[]): void;
  /** The scheduler here that takes this owner's pods (by their `schedulerName`), or null: none runs here. */
  servedBy(o: MemberOwner): MemberScheduler | null;
  /** Evict a bound pod (preemption, reclaim): it terminates and its controller replaces it. */
  evict(pod: number, reason: string): void;
  /**
   * kube-scheduler's PostFilter for a pod that fits on no node: DefaultPreemption (see
   * preemption.ts) evicts the victims on one node and returns it (the pod's nominatedNodeName),
   * or -1 when preemption cannot help. Absent: no preemption.
   */
  preempt?(pod: number): number;
  /** A random stream of this cluster: `member/<cluster>/<name>`. */
  stream(name: string): RandomStream;
}

export interface MemberScheduler {
  readonly name: string;
  /** The `schedulerName` of the pods it takes (kube-scheduler: default-scheduler; Volcano: volcano). */
  readonly schedulerName: string;
  /**
   * Seconds between scheduling cycles for a periodic scheduler (Volcano's session period); absent
   * for an event-driven one (kube-scheduler: a cycle whenever pods are added or resources free up).
   */
  readonly period?: number;
  /**
   * One cycle: `pending[0, count)` is the queue of Pending pods, by priority (desc) then creation
   * (a copy: the cycle may bind and evict freely; valid only during the call).
   */
  cycle(host: MemberSchedulerHost, pending: Int32Array, count: number): void;
  /**
   * Why `pod` is still Pending after the last cycle, in this scheduler's own words (kube-scheduler's
   * FitError, Volcano's PodGroup condition...). Absent: kube-scheduler's FitError (fit-error.ts).
   */
  whyPending?(host: MemberSchedulerHost, pod: number): string;
}

/** A node scorer: higher is better; only called for nodes the pod fits on. */
export interface NodeScorer {
  readonly name: string;
  /**
   * kube-scheduler's `percentageOfNodesToScore` for the profile this scorer belongs to: 0 = the
   * adaptive default (see `numFeasibleNodesToFind` in kube-scheduler.ts), 1..100 = that share of
   * the nodes. Absent = 100: every node is filtered and every feasible one scored.
   */
  readonly percentageOfNodesToScore?: number;
  score(host: MemberSchedulerHost, pod: number, node: number): number;
  /** GPUs to take on the chosen node (default: the host's default choice). */
  selectGpus?(host: MemberSchedulerHost, pod: number, node: number): number[] | null;
  /** Called after every bind/release on the cluster (for scorers that cache per-node state). */
  nodeChanged?(host: MemberSchedulerHost, node: number): void;
}

export type MemberSchedulerFactory = (info: ClusterInfo, scorer: NodeScorer) => MemberScheduler;
export type NodeScorerFactory = (info: ClusterInfo, world: World, seedStream: (name: string) => RandomStream) => NodeScorer;

const schedulers = new Map<string, MemberSchedulerFactory>();
const scorers = new Map<string, NodeScorerFactory>();

export function registerMemberScheduler(name: string, f: MemberSchedulerFactory): void {
  schedulers.set(name, f);
}
export function registerNodeScorer(name: string, f: NodeScorerFactory): void {
  scorers.set(name, f);
}
export function memberSchedulerFactory(name: string): MemberSchedulerFactory | undefined {
  return schedulers.get(name);
}
export function nodeScorerFactory(name: string): NodeScorerFactory | undefined {
  return scorers.get(name);
}
export function memberSchedulerNames(): string[] {
  return [...schedulers.keys()];
}
export function nodeScorerNames(): string[] {
  return [...scorers.keys()];
}
