import type { EventHandler, Simulation } from '../kernel/index.js';
import {
  applicationEvictOptions, applicationTolerationSeconds, assessEvictionTasks, detectApplicationFailure, Dispenser,
  gracefulEvictCluster, needEviction, resolveStrategyType, scheduleTrigger, taintEvictionPurgeMode,
  type Component, type GracefulEvictionTask, type Placement as KarmadaPlacement, type ResourceBindingSpec, type TargetCluster,
} from '../placement/karmada/index.js';
import { matchPolicy } from '../placement/policy-match.js';
import type { BindingRequest, ClusterView, FleetScheduler } from '../placement/registry.js';
import type { Placement, PodTemplate, PolicySpec, TaskTemplate, WorkloadSpec } from '../scenario/types.js';
import { renderWork } from './override.js';
import { ClusterHealth, type ClusterChangeListener, type ClusterRecord } from './cluster-health.js';
import type { MemberCluster } from './member-cluster.js';
import { PodPhase } from './pods.js';
import { accrueUnavailability, Kind, Prio, type RunState } from './state.js';

/** A ResourceBinding: one workload's placement state in the control plane. */
export interface Binding {
  readonly index: number;
  readonly workload: number;
  readonly policy: PolicySpec | null;
  readonly placement: Placement;
  /** The placement it was last scheduled with (applied-placement annotation); null = never. */
  applied: Placement | null;
  spec: ResourceBindingSpec;
  status: {
    schedulerObservedAffinityName?: string;
    lastScheduledTime?: number | null;
    /** Members whose API server refused the Work, and why (`aggregatedStatus[].applied` false, `appliedMessage`); a later success there turns it true. */
    aggregatedStatus?: { clusterName: string; applied: boolean; appliedMessage?: string }[];
  };
  queued: boolean;
  attempts: number;
  /** Application failover: when each cluster was first seen Unhealthy. */
  firstSeenUnhealthy: Record<string, number>;
  /**
   * Replicas (and Job completions) delivered to each member cluster, one entry per cluster with a
   * Work (a few at most: a list, not a Map of ~0.2 KB per binding).
   */
  delivered: Share[];
  /** A taint re-check is scheduled. */
  taintCheckAt: number;
  /** Replicas a spot notice displaced, until the scheduler has moved them. */
  displaced?: { cluster: string; replicas: number };
}

/** What one cluster's Work asks for: its replicas and, for a Job, completions. */
interface Share {
  cluster: number;
  replicas: number;
  completions: number;
}

function shareIn(list: readonly Share[], cluster: number): Share | undefined {
  for (let i = 0; i < list.length; i++) if (list[i].cluster === cluster) return list[i];
  return undefined;
}

/** Put `s` in the list in place of the entry of its cluster, if any. */
function setShare(list: Share[], s: Share): void {
  for (let i = 0; i < list.length; i++) {
    if (list[i].cluster === s.cluster) {
      list[i] = s;
      return;
    }
  }
  list.push(s);
}

interface WorkDelivery {
  /** The binding (-1 for a Kurator Application's direct copy). */
  binding: number;
  workload: number;
  cluster: number;
  replicas: number;
  completions: number;
  /** The pod template, overrides applied (absent when the Work is deleted: the pods keep theirs). */
  template?: PodTemplate;
  /** A multi-template workload's task templates, rendered for the cluster. */
  tasks?: PodTemplate[];
}

/** Something that happened in the control plane that the failover metrics want to know. */
export interface ControlPlaneObserver {
  evicted(binding: Binding, cluster: string, reason: string, now: number): void;
}

/**
 * What every member cluster serves (a member's `status.apiEnablements`): the built-in Kubernetes
 * workload APIs, which Karmada's APIEnablement filter checks a workload's apiVersion/kind against.
 */
const STANDARD_API_ENABLEMENTS = [
  { groupVersion: 'v1', resources: [{ kind: 'Pod' }, { kind: 'ReplicationController' }, { kind: 'Service' }, { kind: 'ConfigMap' }, { kind: 'Secret' }, { kind: 'Namespace' }] },
  { groupVersion: 'apps/v1', resources: [{ kind: 'Deployment' }, { kind: 'StatefulSet' }, { kind: 'DaemonSet' }, { kind: 'ReplicaSet' }] },
  { groupVersion: 'batch/v1', resources: [{ kind: 'Job' }, { kind: 'CronJob' }] },
];

/** A member with Volcano installed also serves its CRDs. */
const VOLCANO_API_ENABLEMENTS = [
  ...STANDARD_API_ENABLEMENTS,
  { groupVersion: 'batch.volcano.sh/v1alpha1', resources: [{ kind: 'Job' }] },
  { groupVersion: 'scheduling.volcano.sh/v1beta1', resources: [{ kind: 'PodGroup' }, { kind: 'Queue' }] },
];

/** karmada-scheduler's `--scheduler-name` default, which the CRD also gives a policy's schedulerName. */
const KARMADA_SCHEDULER_NAME = 'default-scheduler';

/**
 * Kinds Karmada's native interpreter reads replicas from (karmada
 * pkg/resourceinterpreter/default/native/replica.go: Deployment, ReplicaSet, StatefulSet, Job,
 * Pod). A binding of any other kind (DaemonSet, ReplicationController, CronJob) has no replicas:
 * the scheduler only picks clusters and each gets the whole object (`IsWorkload` is false, so no
 * `ReviseReplica`). So does a Volcano Job: its bundled customization
 * (resourcecustomizations/batch.volcano.sh/v1alpha1/Job) has no replicaResource, only
 * componentResource, which the detector uses with the MultiplePodTemplatesScheduling gate.
 */
const REPLICA_KINDS = new Set(['apps/v1 Deployment', 'apps/v1 ReplicaSet', 'apps/v1 StatefulSet', 'batch/v1 Job', 'v1 Pod']);

/** Does Karmada divide this workload's replicas, or send each cluster the whole object? */
export function karmadaDividesReplicas(spec: WorkloadSpec): boolean {
  return REPLICA_KINDS.has(`${spec.apiVersion} ${spec.resourceKind ?? spec.kind}`);
}

/** What a whole-object Work asks of a member: a DaemonSet or CronJob is there (1) or not; a ReplicationController its own replicas. */
function wholeObjectReplicas(spec: WorkloadSpec): number {
  if (spec.kind === 'Deployment') return spec.controller === 'daemon' ? 1 : spec.replicas;
  return spec.cron ? 1 : spec.parallelism;
}

/** Karmada's binding backoff: 1 s doubling to 10 s; unschedulable bindings come back after 5 min. */
const BACKOFF_INITIAL = 1;
const BACKOFF_MAX = 10;
const UNSCHEDULABLE_RETRY = 300;
/** Eviction workers per queue (RB queue); each paced at `resourceEvictionRate` per second. */
const EVICTION_WORKERS = 3;
/** How often the graceful-eviction and application-failover controllers look again while they have work. */
const RECHECK = 1;

/**
 * The Karmada control plane (spec §1, §2, §10): the resource detector turns a workload into a
 * ResourceBinding (policy matched as Karmada does); bindings wait in a FIFO scheduling queue
 * (all priorities equal) and take `schedulingLatency` each; a dequeued binding is scheduled only
 * when Karmada's triggers say so (first schedule, replica change, eviction, Duplicated on cluster
 * updates; a Divided workload is otherwise sticky); the fleet scheduler sees each member as its
 * Cluster object (labels, taints, the resource summary last collected); the binding controller
 * sends each member its Work after the control plane → member latency, and holds Works for an
 * unreachable member until it is reachable again. Failover: the taint manager (Failover gate and
 * `enableNoExecuteTaintEviction`), graceful-eviction cleanup and application failover, with
 * Karmada's defaults.
 */
export class ControlPlane implements EventHandler, ClusterChangeListener {
  readonly bindings: Binding[] = [];
  readonly health: ClusterHealth;
  private readonly state: RunState;
  private readonly scheduler: FleetScheduler;
  private readonly members: MemberCluster[];
  private readonly queue: number[] = [];
  private busy = false;
  private readonly regionIndex: number;
  /** Time the next eviction may start, per worker. */
  private readonly evictionWorkerFreeAt = new Float64Array(EVICTION_WORKERS);
  /** Works waiting for an unreachable member, by cluster index. */
  private readonly parked = new Map<number, WorkDelivery[]>();
  private evictionTickQueued = false;
  /** The fleet-level queue: bindings waiting for capacity, in arrival order. */
  private waiting: { binding: number; since: number }[] = [];
  private fleetRetryQueued = false;
  private failoverTickQueued = false;
  observer: ControlPlaneObserver | null = null;

  constructor(state: RunState, scheduler: FleetScheduler, members: MemberCluster[]) {
    this.state = state;
    this.scheduler = scheduler;
    this.members = members;
    this.regionIndex = state.world.network.regionIndex(state.scenario.controlPlane.region);
    this.health = new ClusterHealth(state, members, this.regionIndex);
    this.health.setListener(this);
    if (scheduler.fleetQueue) state.capacityListener = this;
  }

  /** Schedule every workload's creation and start the health controllers. */
  start(): void {
    for (const w of this.state.workloads) {
      // A workload of the initial state is already placed (warm-start.ts): it does not arrive.
      if (w.spec.initial) continue;
      this.state.sim.schedule(w.spec.arrival, this, Kind.WorkloadArrive, w.index, Prio.Fact);
    }
    this.health.start();
  }

  /**
   * Warm start: a workload Karmada already propagates, with its ResourceBinding's current placement
   * (`spec.clusters`) as the dump had it. The binding has been scheduled with its placement (the
   * applied-placement annotation is set), so it is sticky like any other; it is queued only if a
   * trigger holds already (spec/karmada.md §1: e.g. its replicas differ from the sum placed). Its
   * Works are the members' copies, adopted by the caller: returned per cluster index, with each
   * cluster's share of a Job's completions. Null when no policy places it (nothing will move it).
   */
  adoptBinding(workload: number, clusters: TargetCluster[]): Map<number, { replicas: number; completions: number }> | null {
    const w = this.state.workloads[workload];
    const spec = w.spec;
    const policy = spec.placement ? null : matchPolicy(this.state.scenario.policies, spec);
    const placement = spec.placement ?? policy?.placement;
    w.placement = clusters.map((c) => ({ name: c.name, replicas: c.replicas }));
    w.firstPlacedAt = this.state.sim.now;
    if (!placement) {
      w.schedulingError = 'no PropagationPolicy of the scenario matches this workload: Karmada will not reschedule it';
      return null;
    }
    const t = spec.template;
    const index = this.bindings.length;
    const b: Binding = {
      index,
      workload,
      policy,
      placement,
      applied: placement,
      spec: {
        resource: { apiVersion: spec.apiVersion, kind: spec.kind, namespace: spec.namespace, name: spec.name, uid: spec.uid },
        replicas: spec.kind === 'Deployment' ? spec.replicas : spec.parallelism,
        replicaRequirements: {
          resourceRequest: { cpu: t.cpuMillis, memory: t.memoryMiB * 2 ** 20, pods: 1, ...(t.gpus ? { 'nvidia.com/gpu': (t.gpus * t.gpuMilli) / 1000 } : {}) },
        },
        placement: placement as KarmadaPlacement,
        clusters: w.placement.map((c) => ({ ...c })),
        gracefulEvictionTasks: [],
      },
      status: { lastScheduledTime: this.state.sim.now },
      queued: false,
      attempts: 0,
      firstSeenUnhealthy: {},
      delivered: [],
      taintCheckAt: Infinity,
    };
    this.bindings.push(b);
    const completions = this.completionsByCluster(b);
    const shares = new Map<number, { replicas: number; completions: number }>();
    for (const c of clusters) {
      const ci = this.state.world.clusterByName.get(c.name)!;
      const share: Share = { cluster: ci.index, replicas: c.replicas, completions: completions.get(c.name) ?? 0 };
      setShare(b.delivered, share);
      shares.set(ci.index, share);
    }
    if (scheduleTrigger({ spec: b.spec, status: b.status, appliedPlacement: b.applied as KarmadaPlacement | null }) !== null) this.enqueue(index);
    if (policy?.failover?.application && policy.propagateDeps) this.requestFailoverTick();
    return shares;
  }

  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    switch (kind) {
      case Kind.WorkloadArrive:
        this.arrive(data as number);
        break;
      case Kind.ScheduleBinding:
        this.busy = false;
        this.doScheduleBinding(data as number, sim.now);
        this.startNext();
        break;
      case Kind.Requeue:
        this.enqueue(data as number);
        break;
      case Kind.DeliverWork:
        this.deliver(data as WorkDelivery);
        break;
      case Kind.TaintCheck:
        this.taintCheck(data as number, sim.now);
        break;
      case Kind.EvictionTick:
        this.evictionTickQueued = false;
        this.gracefulEvictionSweep(sim.now);
        break;
      case Kind.FleetRetry:
        this.fleetRetryQueued = false;
        this.fleetRetry(sim.now);
        break;
      case Kind.FailoverTick:
        this.failoverTickQueued = false;
        this.applicationFailoverSweep(sim.now);
        break;
      default:
        throw new Error(`control plane: unknown event kind ${kind}`);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Detector and scheduling queue

  private arrive(workload: number): void {
    const w = this.state.workloads[workload];
    if (w.spec.kurator) {
      this.kuratorBroadcast(workload);
      return;
    }
    const policy = w.spec.placement ? null : matchPolicy(this.state.scenario.policies, w.spec);
    const placement = w.spec.placement ?? policy?.placement;
    if (!placement) {
      w.schedulingError = 'no PropagationPolicy matches this workload; it is not propagated';
      return;
    }
    // karmada-scheduler takes only the bindings for its own name (schedulerNameFilter,
    // pkg/scheduler/event_handler.go); the fleet scheduler of the run plays karmada-scheduler.
    if (policy && policy.schedulerName !== KARMADA_SCHEDULER_NAME) {
      w.schedulingError = `its PropagationPolicy ${policy.name} asks for scheduler "${policy.schedulerName}" (spec.schedulerName), and only karmada-scheduler ("${KARMADA_SCHEDULER_NAME}") runs: the binding is never scheduled`;
      return;
    }
    const spec = w.spec;
    const t = spec.template;
    const r = t.replicaRequest ?? t;
    const divided = karmadaDividesReplicas(spec);
    const index = this.bindings.length;
    const tasks = spec.kind === 'Job' ? spec.tasks : undefined;
    this.bindings.push({
      index,
      workload,
      policy,
      placement,
      applied: null,
      spec: {
        resource: { apiVersion: spec.apiVersion, kind: spec.resourceKind ?? spec.kind, namespace: spec.namespace, name: spec.name, uid: spec.uid },
        replicas: !divided ? 0 : spec.kind === 'Deployment' ? spec.replicas : Math.min(spec.parallelism, spec.completions),
        ...(divided
          ? { replicaRequirements: { resourceRequest: { cpu: r.cpuMillis, memory: r.memoryMiB * 2 ** 20, pods: 1, ...(t.gpus ? { 'nvidia.com/gpu': (t.gpus * t.gpuMilli) / 1000 } : {}) } } }
          : {}),
        // A Volcano Job's tasks, as the interpreter's GetComponents gives them, with the MultiplePodTemplatesScheduling gate.
        ...(tasks && this.state.scenario.karmada.featureGates.MultiplePodTemplatesScheduling ? { components: tasks.map(componentOf) } : {}),
        placement: placement as KarmadaPlacement,
        clusters: [],
        gracefulEvictionTasks: [],
      },
      status: {},
      queued: false,
      attempts: 0,
      firstSeenUnhealthy: {},
      delivered: [],
      taintCheckAt: Infinity,
    });
    this.enqueue(index);
    if (policy?.failover?.application && policy.propagateDeps) this.requestFailoverTick();
  }

  /**
   * A Kurator Application's workload: a full copy to each selected cluster of its fleet (through
   * the host cluster's Flux, after the network latency); Karmada does not see it.
   */
  private kuratorBroadcast(workload: number): void {
    const w = this.state.workloads[workload];
    const spec = w.spec;
    const world = this.state.world;
    const replicas = wholeObjectReplicas(spec);
    const completions = spec.kind === 'Job' ? spec.completions : 0;
    w.placement = spec.kurator!.clusters.map((name) => ({ name, replicas }));
    w.firstPlacedAt = this.state.sim.now;
    for (const name of spec.kurator!.clusters) {
      const ci = world.clusterByName.get(name)!;
      const latency = world.network.latency(this.regionIndex, ci.regionIndex);
      const d = this.work(-1, workload, ci.index, { replicas, completions });
      if (d) this.state.sim.scheduleAfter(latency, this, Kind.DeliverWork, d, Prio.Fact);
    }
  }

  /**
   * The Work for one cluster: the binding's share, overrides applied (override.ts); null when
   * Karmada could not apply them (the workload's scheduling error says why).
   */
  private work(binding: number, workload: number, cluster: number, share: { replicas: number; completions: number }): WorkDelivery | null {
    const w = this.state.workloads[workload];
    const target = this.state.world.clusters[cluster].spec;
    const r = renderWork(w.spec, target, this.state.scenario);
    // A multi-template workload: each task's pod template, read from its own place in the patched manifest.
    const specs = taskSpecs(w.spec);
    const tasks = specs.length === 0 ? [] : specs.map((t) => renderWork(t, target, this.state.scenario));
    const error = r.error ?? (tasks.length ? (tasks.find((x) => x.error)?.error ?? null) : null);
    if (error) {
      w.schedulingError = error;
      return null;
    }
    return {
      binding,
      workload,
      cluster,
      replicas: r.replicas ?? share.replicas,
      completions: r.completions ?? share.completions,
      template: r.template,
      ...(tasks.length ? { tasks: tasks.map((x) => x.template) } : {}),
    };
  }

  private enqueue(b: number): void {
    const binding = this.bindings[b];
    if (binding.queued) return;
    binding.queued = true;
    // Karmada's active queue: higher schedulePriority first, then first come, first served.
    const prio = (i: number) => this.bindings[i].policy?.schedulePriority?.value ?? 0;
    const p = prio(b);
    let at = this.queue.length;
    while (at > 0 && prio(this.queue[at - 1]) < p) at--;
    this.queue.splice(at, 0, b);
    this.startNext();
  }

  /** The scheduler handles one binding at a time, `schedulingLatency` each. */
  private startNext(): void {
    if (this.busy || this.queue.length === 0) return;
    const b = this.queue.shift()!;
    this.bindings[b].queued = false;
    this.busy = true;
    this.state.sim.scheduleAfter(this.state.scenario.controlPlane.schedulingLatency, this, Kind.ScheduleBinding, b, Prio.Control);
  }

  /**
   * Latency the workload's users see from each cluster: the traffic model's, when the scenario has
   * one (`state.observedLatency`), else the control plane's round trip to the cluster.
   */
  private observedLatency(workload: number): Record<string, number> {
    const fromTraffic = this.state.observedLatency?.(workload);
    if (fromTraffic) return fromTraffic;
    // The round trips change only when a link does (a fault): the same frozen record is handed
    // out until then, instead of a new 100-key object per scheduling attempt.
    const net = this.state.world.network;
    const records = this.health.records;
    let same = this.rttCache !== null;
    for (let i = 0; same && i < records.length; i++) same = this.rttCache!.values[i] === 2 * net.latency(this.regionIndex, records[i].member.info.regionIndex);
    if (!same) {
      const values = records.map((r) => 2 * net.latency(this.regionIndex, r.member.info.regionIndex));
      const byName: Record<string, number> = {};
      records.forEach((r, i) => (byName[r.name] = values[i]));
      this.rttCache = { values, byName: Object.freeze(byName) };
    }
    return this.rttCache!.byName;
  }

  /** The control plane's round trip to each member (by record), and the same by name; see observedLatency. */
  private rttCache: { values: number[]; byName: Readonly<Record<string, number>> } | null = null;
  /**
   * The last view built of each member (by record index) and what it was built from. A record's
   * taints, Ready condition and resource summary are replaced, never mutated, when they change,
   * so an unchanged record keeps its view object: a scheduling attempt allocates no views. Views
   * are never changed once handed out (a DecisionSink may keep them).
   */
  private readonly viewCache: { view: ClusterView; taints: unknown; ready: string; summary: unknown }[] = [];

  /** What the scheduler sees of each member: its Cluster object as the control plane holds it. */
  clusterViews(): ClusterView[] {
    const withNodes = this.state.scenario.karmada.enableSchedulerEstimator || this.scheduler.liveNodeView === true;
    // No view changed since the last call (most bindings: a status report every 10 s per cluster):
    // the same list again, never mutated, instead of a new one per binding.
    if (!withNodes && this.lastViews !== null && this.viewsUnchanged()) return this.lastViews;
    const views = this.health.records.map((r, i) => {
      const live = withNodes && r.member.apiReachable;
      const cached = this.viewCache[i];
      if (!live && cached && cached.taints === r.taints && cached.ready === r.ready && cached.summary === r.summary) return cached.view;
      const spec = r.member.info.spec;
      const view: ClusterView = {
        name: r.name,
        region: spec.region,
        zones: spec.zones,
        provider: spec.provider,
        labels: spec.labels,
        taints: r.taints,
        ready: r.ready,
        apiEnablements: spec.scheduler === 'volcano' ? VOLCANO_API_ENABLEMENTS : STANDARD_API_ENABLEMENTS,
        completeAPIEnablements: true,
        spot: spec.spot,
        prices: spec.prices,
        resourceSummary: r.summary,
      };
      // karmada-scheduler-estimator answers from the member's own informer cache, when reachable.
      if (live) view.nodes = r.member.nodeSnapshots();
      else this.viewCache[i] = { view, taints: r.taints, ready: r.ready, summary: r.summary };
      return view;
    });
    this.lastViews = withNodes ? null : views;
    return views;
  }

  private lastViews: ClusterView[] | null = null;

  private viewsUnchanged(): boolean {
    const records = this.health.records;
    if (records.length !== this.lastViews!.length) return false;
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const c = this.viewCache[i];
      if (c.taints !== r.taints || c.ready !== r.ready || c.summary !== r.summary) return false;
    }
    return true;
  }

  private doScheduleBinding(bi: number, now: number, fromFleetQueue = false): boolean {
    const b = this.bindings[bi];
    const w = this.state.workloads[b.workload];
    const trigger = scheduleTrigger({ spec: b.spec, status: b.status, appliedPlacement: b.applied as KarmadaPlacement | null });
    if (trigger === null) return true; // sticky: nothing to do
    const fq = this.scheduler.fleetQueue;
    if (fq && !fromFleetQueue && this.waiting.length > 0 && w.spec.kind === 'Job' && w.spec.minAvailable > 1) {
      // FIFO: a newcomer may go ahead of those waiting only as a backfill, and not once the head has waited too long.
      const head = this.waiting[0];
      if (!fq.backfill || now - head.since >= fq.maxHeadWait) {
        this.wait(bi, now);
        if (this.state.decisions?.queued) {
          const hw = this.state.workloads[this.bindings[head.binding].workload].spec;
          const why = fq.backfill ? `no backfill once the head has waited ${Math.round(fq.maxHeadWait / 60)} min` : 'FIFO, no backfill';
          this.state.decisions.queued(now, b.workload, `waiting in ${this.scheduler.name}'s fleet queue behind ${hw.namespace}/${hw.name} (${why})`);
        }
        return false;
      }
    }
    const req: BindingRequest = {
      uid: w.spec.uid,
      workload: w.spec,
      replicas: b.spec.replicas,
      // A whole-object binding (DaemonSet, CronJob...) has none: Karmada only picks its clusters.
      replicaRequirements: b.spec.replicaRequirements?.resourceRequest ?? {},
      ...(b.spec.components ? { components: b.spec.components } : {}),
      placement: b.placement,
      policy: b.policy,
      previous: b.spec.clusters ?? [],
      status: b.status,
      gracefulEvictionTasks: b.spec.gracefulEvictionTasks ?? [],
      ...(b.spec.rescheduleTriggeredAt !== undefined ? { rescheduleTriggeredAt: b.spec.rescheduleTriggeredAt } : {}),
      ...(b.displaced ? { displaced: b.displaced } : {}),
      options: {
        enableSchedulerEstimator: this.state.scenario.karmada.enableSchedulerEstimator,
        onDemandFloor: this.state.scenario.costSpot.onDemandFloor,
        dynamicWeight: this.state.scenario.dynamicWeight,
      },
      observedLatency: this.observedLatency(b.workload),
    };
    const views = this.clusterViews();
    const out = this.scheduler.schedule(req, views);
    this.state.decisions?.placement(now, b.workload, out, req, views);
    b.attempts++;
    if (!out.ok) {
      w.schedulingError = out.message.startsWith(`${out.kind}: `) ? out.message : `${out.kind}: ${out.message}`;
      if (out.kind === 'FitError') {
        this.setResult(b, [], now);
        return false;
      }
      if (out.kind === 'Unschedulable' && fq && out.fleetQueue) {
        this.wait(bi, now);
        return false;
      }
      const delay = out.kind === 'Unschedulable' ? UNSCHEDULABLE_RETRY : Math.min(BACKOFF_MAX, BACKOFF_INITIAL * 2 ** (b.attempts - 1));
      this.state.sim.scheduleAfter(delay, this, Kind.Requeue, bi, Prio.Control);
      return false;
    }
    b.attempts = 0;
    b.displaced = undefined;
    w.schedulingError = '';
    if (Number.isNaN(w.firstPlacedAt)) w.firstPlacedAt = now;
    b.applied = b.placement;
    b.status = { ...b.status, lastScheduledTime: now, ...(out.schedulerObservedAffinityName ? { schedulerObservedAffinityName: out.schedulerObservedAffinityName } : {}) };
    this.setResult(b, out.clusters, now);
    return true;
  }

  // ------------------------------------------------------------------------------------------
  // Fleet-level queue (schedulers with `fleetQueue`, e.g. federated-gang)

  private wait(bi: number, now: number): void {
    if (!this.waiting.some((x) => x.binding === bi)) this.waiting.push({ binding: bi, since: now });
  }

  /** Capacity freed somewhere: retry the fleet queue once, after everything else at this instant. */
  capacityFreed(): void {
    if (this.fleetRetryQueued || this.waiting.length === 0) return;
    this.fleetRetryQueued = true;
    this.state.sim.scheduleAfter(0, this, Kind.FleetRetry, null, Prio.Cycle + 1);
  }

  /** The head first; with backfill (while the head has not waited too long) every later one that fits now. */
  private fleetRetry(now: number): void {
    const fq = this.scheduler.fleetQueue!;
    while (this.waiting.length > 0) {
      const head = this.waiting[0];
      if (!this.doScheduleBinding(head.binding, now, true)) break;
      this.waiting.shift();
    }
    if (this.waiting.length > 1 && fq.backfill && now - this.waiting[0].since < fq.maxHeadWait) {
      const keep = [this.waiting[0]];
      for (const x of this.waiting.slice(1)) if (!this.doScheduleBinding(x.binding, now, true)) keep.push(x);
      this.waiting = keep;
    }
  }

  private setResult(b: Binding, clusters: TargetCluster[], now: number): void {
    b.spec = { ...b.spec, clusters: clusters.map((c) => ({ name: c.name, replicas: c.replicas })) };
    this.state.workloads[b.workload].placement = placementOf(this.state.workloads[b.workload].spec, b.spec.clusters!);
    this.syncWorks(b);
    if (b.spec.clusters!.length > 0) this.scheduleTaintChecks(b, now);
    if ((b.spec.gracefulEvictionTasks ?? []).length) this.requestEvictionTick();
  }

  // ------------------------------------------------------------------------------------------
  // Binding controller: Works

  /**
   * Desired Works: every cluster of `spec.clusters`, plus each cluster still in a graceful
   * eviction task (its old Work stays until the task is removed), except with purgeMode Directly.
   */
  private syncWorks(b: Binding): void {
    const w = this.state.workloads[b.workload];
    const spec = w.spec;
    const world = this.state.world;
    const clusters = b.spec.clusters ?? [];
    const want: Share[] = [];
    const whole = !karmadaDividesReplicas(spec);
    const completions = this.completionsByCluster(b);
    for (const c of clusters) {
      const ci = world.clusterByName.get(c.name);
      if (!ci) throw new Error(`scheduler ${this.scheduler.name} placed replicas on unknown cluster ${c.name}`);
      setShare(
        want,
        whole
          ? { cluster: ci.index, replicas: wholeObjectReplicas(spec), completions: spec.kind === 'Job' ? spec.completions : 0 }
          : { cluster: ci.index, replicas: c.replicas, completions: completions.get(c.name) ?? 0 },
      );
    }
    for (const task of b.spec.gracefulEvictionTasks ?? []) {
      if (task.purgeMode === 'Directly') continue;
      const ci = world.clusterByName.get(task.fromCluster)!;
      if (!shareIn(want, ci.index)) want.push(shareIn(b.delivered, ci.index) ?? { cluster: ci.index, replicas: task.replicas ?? 0, completions: 0 });
    }
    const all: number[] = [];
    for (const x of b.delivered) all.push(x.cluster);
    for (const x of want) if (!all.includes(x.cluster)) all.push(x.cluster);
    for (const ci of all.sort((x, y) => x - y)) {
      const next = shareIn(want, ci) ?? { cluster: ci, replicas: 0, completions: 0 };
      const prev = shareIn(b.delivered, ci);
      if (prev && prev.replicas === next.replicas && prev.completions === next.completions) continue;
      if (next.replicas === 0 && !prev) continue;
      if (next.replicas === 0) b.delivered.splice(b.delivered.indexOf(prev!), 1);
      else setShare(b.delivered, next);
      const latency = world.network.latency(this.regionIndex, world.clusters[ci].regionIndex);
      // A cluster left out gets its Work deleted (no overrides to apply); the others get theirs rendered.
      const d: WorkDelivery | null = next.replicas === 0 ? { binding: b.index, workload: b.workload, cluster: ci, replicas: 0, completions: next.completions } : this.work(b.index, b.workload, ci, next);
      if (d) this.state.sim.scheduleAfter(latency, this, Kind.DeliverWork, d, Prio.Fact);
    }
  }

  /**
   * A Job's completions per cluster: in proportion to the parallelism each cluster got (Webster), or
   * in full on each under Duplicated. Empty for a Deployment.
   */
  private completionsByCluster(b: Binding): Map<string, number> {
    const spec = this.state.workloads[b.workload].spec;
    const clusters = b.spec.clusters ?? [];
    const completions = new Map<string, number>();
    if (spec.kind !== 'Job' || !karmadaDividesReplicas(spec)) return completions;
    if (resolveStrategyType(b.placement as KarmadaPlacement) === 'Duplicated') for (const c of clusters) completions.set(c.name, spec.completions);
    else if (clusters.length) {
      const shares = new Dispenser(spec.completions, null, spec.uid).allocateByWeight(clusters.map((c) => ({ clusterName: c.name, weight: c.replicas })));
      for (const s of shares) completions.set(s.name, s.replicas);
    }
    return completions;
  }

  private deliver(d: WorkDelivery): void {
    const m = this.members[d.cluster];
    if (!m.apiReachable) {
      // The execution controller retries until the member answers.
      const list = this.parked.get(d.cluster) ?? [];
      list.push(d);
      this.parked.set(d.cluster, list);
      return;
    }
    this.applied(d, m.applyWork(d.workload, d.replicas, d.completions, d.template, d.tasks));
  }

  /**
   * Record how a member took a Work in its binding's status (`aggregatedStatus`). Only a refusal
   * (and a later success on that member) is written: a binding whose Works were all applied keeps
   * no list (applied is what a member without an entry did).
   */
  private applied(d: WorkDelivery, refusal: string | null): void {
    if (d.binding < 0) return;
    const b = this.bindings[d.binding];
    if (refusal === null && !b.status.aggregatedStatus) return;
    const clusterName = this.state.world.clusters[d.cluster].name;
    const rest = (b.status.aggregatedStatus ?? []).filter((x) => x.clusterName !== clusterName);
    const item = refusal === null ? { clusterName, applied: true } : { clusterName, applied: false, appliedMessage: `Failed to apply all manifests (0/1): ${refusal}` };
    b.status = { ...b.status, aggregatedStatus: [...rest, item].sort((x, y) => (x.clusterName < y.clusterName ? -1 : x.clusterName > y.clusterName ? 1 : 0)) };
  }

  /**
   * Change a workload's desired replicas (a scale of the resource template, e.g. by a
   * FederatedHPA): the binding's `spec.replicas` changes and Karmada reschedules it (the
   * ReplicasChanged trigger: steady scale up/down for dynamic division, recomputation for static).
   * A Kurator-delivered workload is scaled in every cluster it was copied to.
   */
  setReplicas(workload: number, replicas: number): void {
    if (!Number.isInteger(replicas) || replicas < 0) throw new RangeError(`setReplicas: ${replicas}`);
    const w = this.state.workloads[workload];
    if (w.spec.kind !== 'Deployment') throw new Error(`setReplicas: ${w.spec.name} is not a Deployment`);
    if (w.spec.replicas === replicas && w.desired === replicas) return;
    w.spec = { ...w.spec, replicas };
    accrueUnavailability(w, this.state.sim.now);
    w.desired = replicas;
    if (w.spec.kurator) {
      for (const t of w.placement) t.replicas = replicas;
      for (const name of w.spec.kurator.clusters) {
        const ci = this.state.world.clusterByName.get(name)!;
        const d = this.work(-1, workload, ci.index, { replicas, completions: 0 });
        if (d) this.state.sim.scheduleAfter(this.state.world.network.latency(this.regionIndex, ci.regionIndex), this, Kind.DeliverWork, d, Prio.Fact);
      }
      return;
    }
    const b = this.bindings.find((x) => x.workload === workload);
    if (!b) return; // not propagated (no policy matched) or not created yet: the new count applies on arrival
    b.spec = { ...b.spec, replicas };
    this.enqueue(b.index);
  }

  /**
   * A spot interruption notice: nodes of a cluster go at `goneAt`. Karmada does nothing with it; a
   * fleet scheduler that `reschedulesOnInterruption` (cost-spot) gets every binding with replicas
   * there rescheduled from scratch now (as a WorkloadRebalancer would), seeing the cordoned nodes gone.
   */
  interruptionNotice(cluster: number, nodes: number[], _goneAt: number): void {
    if (!this.scheduler.reschedulesOnInterruption) return;
    const name = this.state.world.clusters[cluster].name;
    const now = this.state.sim.now;
    const pods = this.state.pods;
    const hit = new Set(nodes);
    for (const b of this.bindings) {
      if (!(b.spec.clusters ?? []).some((t) => t.name === name && t.replicas > 0)) continue;
      // How many of its replicas sit on the reclaimed nodes (before the drain moves them).
      let displaced = 0;
      for (const o of this.members[cluster].owners) {
        if (o.workload !== b.workload) continue;
        for (const p of o.pods) if (hit.has(pods.node[p]) && (pods.phase[p] === PodPhase.Starting || pods.phase[p] === PodPhase.Running)) displaced++;
      }
      if (displaced === 0) continue;
      b.displaced = { cluster: name, replicas: displaced };
      b.spec = { ...b.spec, rescheduleTriggeredAt: now };
      this.enqueue(b.index);
    }
  }

  /** A member is reachable again: apply the Works that waited for it, in order. */
  memberReachable(cluster: number): void {
    const list = this.parked.get(cluster);
    if (!list) return;
    this.parked.delete(cluster);
    for (const d of list) this.applied(d, this.members[cluster].applyWork(d.workload, d.replicas, d.completions, d.template, d.tasks));
  }

  // ------------------------------------------------------------------------------------------
  // Cluster changes (ClusterChangeListener)

  clusterReadyChanged(): void {
    // Karmada reacts to the taints the condition brings, below; aggregated health is re-read by
    // the failover controllers.
    this.requestEvictionTick();
    this.requestFailoverTick();
  }

  /** A cluster update (taints changed): enqueue the bindings it may affect; run the taint manager. */
  clusterTaintsChanged(c: ClusterRecord, now: number): void {
    for (const b of this.bindings) {
      this.enqueue(b.index);
      if ((b.spec.clusters ?? []).some((t) => t.name === c.name)) this.taintCheck(b.index, now);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Taint manager (spec §10.4)

  private taintManagerOn(): boolean {
    const k = this.state.scenario.karmada;
    return k.featureGates.Failover && k.enableNoExecuteTaintEviction;
  }

  private scheduleTaintChecks(b: Binding, now: number): void {
    if (!this.taintManagerOn()) return;
    for (const t of b.spec.clusters ?? []) {
      const r = this.health.records.find((x) => x.name === t.name);
      if (r && r.taints.some((x) => x.effect === 'NoExecute')) {
        this.taintCheck(b.index, now);
        return;
      }
    }
  }

  private taintCheck(bi: number, now: number): void {
    if (!this.taintManagerOn()) return;
    const b = this.bindings[bi];
    if (b.taintCheckAt <= now) b.taintCheckAt = Infinity;
    let recheck = Infinity;
    for (const t of [...(b.spec.clusters ?? [])]) {
      const r = this.health.records.find((x) => x.name === t.name);
      if (!r) continue;
      const d = needEviction({
        enableNoExecuteTaintEviction: true,
        taints: r.taints,
        clusterTolerations: (b.applied ?? b.placement).clusterTolerations ?? [],
        now,
      });
      if (d.needEviction) this.queueEviction(b, r.name, now);
      else if (d.tolerationSeconds > 0) recheck = Math.min(recheck, now + d.tolerationSeconds);
    }
    if (recheck < b.taintCheckAt) {
      b.taintCheckAt = recheck;
      this.state.sim.schedule(recheck, this, Kind.TaintCheck, bi, Prio.Control);
    }
  }

  /** Evictions are paced: `resourceEvictionRate` per second per worker, three workers. */
  private queueEviction(b: Binding, cluster: string, now: number): void {
    const rate = this.state.scenario.karmada.resourceEvictionRate;
    const gap = rate > 0 ? 1 / rate : 1800;
    let w = 0;
    for (let i = 1; i < EVICTION_WORKERS; i++) if (this.evictionWorkerFreeAt[i] < this.evictionWorkerFreeAt[w]) w = i;
    const at = Math.max(now, this.evictionWorkerFreeAt[w]);
    this.evictionWorkerFreeAt[w] = at + gap;
    const purgeMode = taintEvictionPurgeMode(b.policy?.failover ?? null, this.state.scenario.karmada.noExecuteTaintEvictionPurgeMode);
    if (at <= now) this.evict(b, cluster, { purgeMode, reason: 'TaintUntolerated', producer: 'resource-binding-taint-manager' }, now);
    else this.state.sim.schedule(at, { handleEvent: (_k, _d, sim) => this.evictIfStill(b, cluster, purgeMode, sim.now) }, 0, null, Prio.Control);
  }

  private evictIfStill(b: Binding, cluster: string, purgeMode: 'Directly' | 'Gracefully' | 'Never', now: number): void {
    if (!(b.spec.clusters ?? []).some((t) => t.name === cluster)) return;
    const r = this.health.records.find((x) => x.name === cluster)!;
    const d = needEviction({ enableNoExecuteTaintEviction: true, taints: r.taints, clusterTolerations: (b.applied ?? b.placement).clusterTolerations ?? [], now });
    if (d.needEviction) this.evict(b, cluster, { purgeMode, reason: 'TaintUntolerated', producer: 'resource-binding-taint-manager' }, now);
  }

  /** `GracefulEvictCluster` (or, without the GracefulEviction gate, a plain removal); then reschedule. */
  private evict(b: Binding, cluster: string, opts: { purgeMode: 'Directly' | 'Gracefully' | 'Never'; reason: string; producer: string; gracePeriodSeconds?: number; suppressDeletion?: boolean }, now: number): void {
    if (!(b.spec.clusters ?? []).some((t) => t.name === cluster)) return;
    if (this.state.scenario.karmada.featureGates.GracefulEviction) {
      b.spec = gracefulEvictCluster(b.spec, cluster, { ...opts, now });
    } else {
      b.spec = { ...b.spec, clusters: (b.spec.clusters ?? []).filter((t) => t.name !== cluster) };
    }
    this.observer?.evicted(b, cluster, opts.reason, now);
    this.state.workloads[b.workload].placement = placementOf(this.state.workloads[b.workload].spec, b.spec.clusters!);
    this.syncWorks(b);
    this.enqueue(b.index);
    this.requestEvictionTick();
  }

  // ------------------------------------------------------------------------------------------
  // Graceful eviction cleanup (spec §10.5) and application failover (spec §10.6)

  /** Aggregated health of a binding in one cluster: Unknown if unreachable; Healthy if all its replicas there are Ready. */
  private health_(b: Binding, cluster: string): 'Healthy' | 'Unhealthy' | 'Unknown' {
    const ci = this.state.world.clusterByName.get(cluster)!;
    const m = this.members[ci.index];
    if (!m.apiReachable) return 'Unknown';
    const here = m.workloadHere(b.workload);
    if (!here) return 'Unknown';
    if (here.kind === 'Job') return 'Healthy';
    return here.ready >= here.desired ? 'Healthy' : 'Unhealthy';
  }

  private requestEvictionTick(): void {
    if (this.evictionTickQueued) return;
    if (!this.bindings.some((b) => (b.spec.gracefulEvictionTasks ?? []).length > 0)) return;
    this.evictionTickQueued = true;
    this.state.sim.scheduleAfter(RECHECK, this, Kind.EvictionTick, null, Prio.Control);
  }

  private gracefulEvictionSweep(now: number): void {
    const timeout = this.state.scenario.karmada.gracefulEvictionTimeout;
    for (const b of this.bindings) {
      const tasks = b.spec.gracefulEvictionTasks ?? [];
      if (tasks.length === 0) continue;
      const observedHealth: Record<string, string> = {};
      for (const t of b.spec.clusters ?? []) observedHealth[t.name] = this.health_(b, t.name);
      // hasScheduled: the scheduler has seen the current spec (it is not waiting in the queue).
      const r = assessEvictionTasks(tasks, { timeout, scheduleResult: b.spec.clusters ?? [], observedHealth, hasScheduled: !b.queued, now });
      if (r.evictedClusters.length > 0 || r.keptTasks.some((t, i) => t !== tasks[i])) {
        b.spec = { ...b.spec, gracefulEvictionTasks: r.keptTasks as GracefulEvictionTask[] };
        this.syncWorks(b);
      }
    }
    this.requestEvictionTick();
  }

  private requestFailoverTick(): void {
    if (this.failoverTickQueued) return;
    if (!this.bindings.some((b) => b.policy?.failover?.application && b.policy.propagateDeps)) return;
    this.failoverTickQueued = true;
    this.state.sim.scheduleAfter(RECHECK, this, Kind.FailoverTick, null, Prio.Control);
  }

  private applicationFailoverSweep(now: number): void {
    for (const b of this.bindings) {
      const app = b.policy?.failover?.application;
      if (!app || !b.policy!.propagateDeps) continue;
      const unhealthy = (b.spec.clusters ?? []).map((t) => t.name).filter((c) => this.health_(b, c) === 'Unhealthy');
      const r = detectApplicationFailure(unhealthy, applicationTolerationSeconds(app), b.firstSeenUnhealthy, now);
      b.firstSeenUnhealthy = r.firstSeenUnhealthy;
      for (const c of r.evictClusters) {
        const o = applicationEvictOptions(app, now);
        this.evict(
          b,
          c,
          {
            purgeMode: o.purgeMode ?? 'Gracefully',
            reason: 'ApplicationFailure',
            producer: o.producer ?? 'resource-binding-application-failover-controller',
            ...(o.gracePeriodSeconds ? { gracePeriodSeconds: o.gracePeriodSeconds } : {}),
            ...(o.suppressDeletion ? { suppressDeletion: true } : {}),
          },
          now,
        );
      }
    }
    this.requestFailoverTick();
  }
}

/** A pod's requests as Karmada's interpreter reports them: cpu millicores, memory bytes, nvidia.com/gpu. */
function requestOf(t: PodTemplate): Record<string, number> {
  return { cpu: t.cpuMillis, memory: t.memoryMiB * 2 ** 20, ...(t.gpus ? { 'nvidia.com/gpu': (t.gpus * t.gpuMilli) / 1000 } : {}) };
}

/**
 * A task as a binding component, as Karmada's Volcano Job interpreter gives it (`GetComponents`,
 * pkg/resourceinterpreter/default/thirdparty/resourcecustomizations/batch.volcano.sh/v1alpha1/Job):
 * replicas = the task's minAvailable (1 when unset), requirements = its pod's requests.
 */
function componentOf(t: TaskTemplate): Component {
  return { name: t.name, replicas: t.minAvailable ?? 1, replicaRequirements: { resourceRequest: requestOf(t.template) } };
}

/** What the results show as a workload's placement: a whole multi-template workload counts all its pods in each cluster. */
function placementOf(spec: WorkloadSpec, clusters: TargetCluster[]): TargetCluster[] {
  return spec.kind === 'Job' && spec.tasks ? clusters.map((c) => ({ name: c.name, replicas: spec.parallelism })) : clusters;
}

/**
 * A multi-template workload's tasks as workload specs of their own (same object, the task's pod
 * template and where it sits in the manifest), for rendering each task's Work; made once per spec.
 */
const taskSpecCache = new WeakMap<WorkloadSpec, WorkloadSpec[]>();
const NO_TASKS: WorkloadSpec[] = [];
function taskSpecs(spec: WorkloadSpec): WorkloadSpec[] {
  if (spec.kind !== 'Job' || !spec.tasks) return NO_TASKS;
  let out = taskSpecCache.get(spec);
  if (!out) {
    out = spec.tasks.map((t, i) => ({
      ...spec,
      template: t.template,
      ...(spec.manifest ? { manifest: { object: spec.manifest.object, podPath: ['spec', 'tasks', i, 'template', 'spec'] } } : {}),
    }));
    taskSpecCache.set(spec, out);
  }
  return out;
}
