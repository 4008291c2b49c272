import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { Cluster, Component, GracefulEvictionTask, ResourceBindingStatus, TargetCluster } from './karmada/types.js';
import type { Placement, PolicySpec, WorkloadSpec } from '../scenario/types.js';

/**
 * Fleet-level schedulers are plugins. A scheduler decides, for one workload (a Karmada
 * ResourceBinding), how many replicas go to which member cluster. Built-ins register in the
 * registry below; a user's module registers the same way (`--scheduler ./my-policy.js`).
 */

/** A member cluster as a fleet scheduler sees it: Karmada's Cluster object plus simulator facts. */
export interface ClusterView extends Cluster {
  name: string;
  region: string;
  zones: string[];
  provider: string;
  labels: Record<string, string>;
  /** Ready condition status as the control plane last saw it. */
  ready: 'True' | 'False' | 'Unknown';
  spot: boolean;
  /** Price per hour of one core, one GiB, one GPU. */
  prices: { cpu: number; memory: number; gpu: number };
}

/** What is being placed: the binding's spec, Karmada-style. */
export interface BindingRequest {
  /** `<namespace>/<kind>/<name>`; Karmada's Webster tie-break uses the resource UID. */
  uid: string;
  workload: WorkloadSpec;
  /** Desired replicas (Deployment replicas, Job parallelism). */
  replicas: number;
  /**
   * Per-replica requests (cpu millicores, memory bytes, pods 1, nvidia.com/gpu). Empty for a kind
   * Karmada does not divide (DaemonSet, CronJob, ReplicationController, a Volcano Job of several
   * pod templates: replicas 0, every selected cluster gets the whole object).
   */
  replicaRequirements: Record<string, number>;
  /**
   * A multi-template workload's components (name, replicas, requests per pod), set only with
   * Karmada's MultiplePodTemplatesScheduling gate, as the resource detector sets them.
   */
  components?: Component[];
  /** The placement of the policy that claimed the workload (or its inline placement). */
  placement: Placement;
  /** The policy, when one claimed the workload. */
  policy: PolicySpec | null;
  /** The current schedule result (`spec.clusters`), empty on first scheduling. */
  previous: TargetCluster[];
  /** Binding status the scheduler reads (observed affinity term, last scheduled time). */
  status?: ResourceBindingStatus;
  /** Clusters this binding is being evicted from (Karmada's ClusterEviction filter keeps them out). */
  gracefulEvictionTasks?: GracefulEvictionTask[];
  /** When a WorkloadRebalancer asked for a fresh schedule (seconds), if ever. */
  rescheduleTriggeredAt?: number | null;
  /**
   * Set when this scheduling was triggered by a spot interruption notice: how many of the binding's
   * replicas were on the reclaimed nodes of which cluster (they must move).
   */
  displaced?: { cluster: string; replicas: number };
  /** Control-plane options that change scheduling (karmada-scheduler flags; the cost-spot floor). */
  options?: {
    enableSchedulerEstimator?: boolean;
    onDemandFloor?: number;
    /** The dynamic-weight scheduler's weighting (scenario `dynamicWeight:`). */
    dynamicWeight?: { mode: 'available-replicas' | 'health-latency'; referenceLatency: number };
  };
  /** What the workload's users observe from each cluster (seconds), when known: by cluster name. */
  observedLatency?: Record<string, number>;
}

/**
 * A workload Karmada places whole (a kind without replicas to Karmada: DaemonSet, CronJob, a
 * Volcano Job of several pod templates): each cluster of the result gets all of it, so there is
 * nothing to divide; schedulers that divide replicas leave it to `karmada`.
 */
export function placedWhole(b: BindingRequest): boolean {
  return Object.keys(b.replicaRequirements).length === 0;
}

export type ScheduleOutcome =
  | { ok: true; clusters: TargetCluster[]; schedulerObservedAffinityName?: string }
  /** kind follows Karmada: FitError (no cluster passed the filters: the workload is removed everywhere),
   *  Unschedulable (not enough capacity: previous result kept, retried later), SchedulerError (other). */
  | {
      ok: false;
      kind: 'FitError' | 'Unschedulable' | 'SchedulerError';
      message: string;
      /** Unschedulable: wait in the scheduler's fleet-level queue (see `FleetScheduler.fleetQueue`) rather than Karmada's. */
      fleetQueue?: boolean;
    };

/**
 * The scheduler interface. `schedule` is required; the optional extension points let a plugin be
 * written in the kube-scheduler framework's shape and composed by `frameworkScheduler`.
 */
export interface FleetScheduler {
  readonly name: string;
  readonly description?: string;
  /**
   * The scheduler needs each member's live per-node free resources (`ClusterView.nodes`, read at
   * the moment of the decision) rather than Karmada's resource summary, which is up to one status
   * period old.
   */
  readonly liveNodeView?: boolean;
  /**
   * Bindings it cannot place now wait in a fleet-level FIFO queue and are retried whenever capacity
   * frees in any member (instead of Karmada's 5-minute unschedulable flush). With `backfill`,
   * later bindings that fit now may go ahead of the head, until the head has waited `maxHeadWait`
   * seconds; from then on nothing overtakes it.
   */
  readonly fleetQueue?: { backfill: boolean; maxHeadWait: number };
  /** On a spot interruption notice, reschedule (from scratch) every binding with replicas on that cluster. */
  readonly reschedulesOnInterruption?: boolean;
  schedule(binding: BindingRequest, clusters: readonly ClusterView[]): ScheduleOutcome;
}

/** Extension points, kube-scheduler framework style; see `frameworkScheduler`. */
export interface SchedulerPlugins {
  name: string;
  description?: string;
  /** true to keep the cluster, or a reason string to filter it out. */
  filter?(binding: BindingRequest, cluster: ClusterView): true | string;
  /** Higher is better; clusters are passed to `assign` best first (ties by name). */
  score?(binding: BindingRequest, cluster: ClusterView): number;
  /** Divide `binding.replicas` over the feasible clusters (sorted by score). */
  assign(binding: BindingRequest, feasible: readonly ClusterView[]): TargetCluster[] | ScheduleOutcome;
}

/** Build a FleetScheduler from extension points: filter → score → assign. */
export function frameworkScheduler(p: SchedulerPlugins): FleetScheduler {
  return {
    name: p.name,
    ...(p.description ? { description: p.description } : {}),
    schedule(binding, clusters) {
      const reasons: string[] = [];
      const feasible = clusters.filter((c) => {
        const r = p.filter ? p.filter(binding, c) : true;
        if (r !== true) reasons.push(`${c.name}: ${r}`);
        return r === true;
      });
      if (feasible.length === 0) {
        return { ok: false, kind: 'FitError', message: `0/${clusters.length} clusters are available: ${reasons.join('; ')}` };
      }
      let ordered = feasible;
      if (p.score) {
        const scores = new Map(feasible.map((c) => [c.name, p.score!(binding, c)]));
        ordered = [...feasible].sort((a, b) => scores.get(b.name)! - scores.get(a.name)! || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      }
      const out = p.assign(binding, ordered);
      if (Array.isArray(out)) return { ok: true, clusters: out.filter((t) => t.replicas > 0 || binding.replicas === 0) };
      return out;
    },
  };
}

/** A schedule result entry: a cluster and its replicas (Karmada's TargetCluster). */
export type TargetClusterLike = TargetCluster;

const registry = new Map<string, FleetScheduler>();

/** Register a scheduler under its name (a later registration of the same name replaces it). */
export function registerScheduler(s: FleetScheduler): void {
  if (!s || typeof s.name !== 'string' || !s.name || typeof s.schedule !== 'function') {
    throw new TypeError('registerScheduler: expected an object with a name and a schedule(binding, clusters) method');
  }
  registry.set(s.name, s);
}

export function getScheduler(name: string): FleetScheduler | undefined {
  return registry.get(name);
}

/** Registered scheduler names, in registration order. */
export function schedulerNames(): string[] {
  return [...registry.keys()];
}

/**
 * Load a user's scheduler module. It may export `default` (a FleetScheduler, a SchedulerPlugins
 * object, or a function `(api) => void` that registers schedulers itself), or `register(api)`.
 * Returns the names it registered.
 */
export async function loadSchedulerModule(path: string): Promise<string[]> {
  const mod = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  const names: string[] = [];
  const api = {
    registerScheduler(s: FleetScheduler): void {
      registerScheduler(s);
      names.push(s.name);
    },
    frameworkScheduler,
  };
  const entry = mod.register ?? mod.default;
  if (typeof entry === 'function') {
    (entry as (a: typeof api) => void)(api);
  } else if (entry && typeof entry === 'object') {
    const e = entry as Partial<FleetScheduler & SchedulerPlugins>;
    if (typeof e.schedule === 'function') api.registerScheduler(e as FleetScheduler);
    else if (typeof e.assign === 'function') api.registerScheduler(frameworkScheduler(e as SchedulerPlugins));
    else throw new TypeError(`${path}: the default export has neither schedule() nor assign()`);
  } else {
    throw new TypeError(`${path}: export a scheduler as default, or a register(api) function`);
  }
  if (names.length === 0) throw new TypeError(`${path}: the module registered no scheduler`);
  return names;
}
