import type { Simulation } from '../kernel/index.js';
import type { World } from '../model/world.js';
import type { TargetCluster } from '../placement/karmada/index.js';
import type { BindingRequest, ClusterView, ScheduleOutcome } from '../placement/registry.js';
import type { Scenario, WorkloadSpec } from '../scenario/types.js';
import { PodTable } from './pods.js';

/** Event kinds, one number space for all actors (each actor only receives its own). */
export const enum Kind {
  WorkloadArrive = 1,
  ScheduleBinding = 2,
  DeliverWork = 3,
  MemberSchedule = 10,
  PodReady = 11,
  PodFinish = 12,
  Sample = 20,
  StatusProbe = 30,
  StatusReport = 31,
  MonitorTick = 32,
  Requeue = 40,
  TaintCheck = 41,
  EvictionTick = 42,
  FailoverTick = 43,
  FaultStart = 50,
  FaultEnd = 51,
  FleetRetry = 44,
  FaultProcess = 53,
  SpotGone = 54,
  Action = 52,
  OperatorAct = 55,
}

/** Event priorities at equal times: facts first, then scheduling cycles, then sampling. */
export const enum Prio {
  Fact = 0,
  Control = 5,
  Cycle = 10,
  Sample = 100,
}

/** A workload in the run: its spec plus what happened to it. Times are NaN until they happen. */
export interface RuntimeWorkload {
  index: number;
  spec: WorkloadSpec;
  /** Pods that make the workload "scheduled"/"ready": Deployment replicas, or a Job's first wave. */
  desired: number;
  created: number;
  pending: number;
  bound: number;
  ready: number;
  succeeded: number;
  /** Showback cost: the requests of its bound pods at the prices of their clusters, over the time they were bound. */
  cost: number;
  firstPlacedAt: number;
  allBoundAt: number;
  allReadyAt: number;
  completedAt: number;
  /** The latest schedule result (Karmada `spec.clusters`). */
  placement: TargetCluster[];
  /** Job parts still running, one per member cluster that got replicas. */
  openParts: number;
  schedulingError: string;
  /**
   * Ready pods per cluster, sparse (read with `readyIn`): the clusters that ever had a Ready pod of
   * it, and their counts. A workload runs on a few clusters of the fleet; a counter for every
   * cluster was 400 bytes per workload at 100 clusters (200 MB at Karmada's scale).
   */
  readyClusters: number[] | null;
  readyCounts: number[] | null;
  /** ∫ max(0, desired - ready) dt up to `availabilityAt` (Deployments; replica-seconds). */
  unavailableSeconds: number;
  availabilityAt: number;
  /**
   * Jobs: pods that must be running together before any makes progress (a distributed training
   * job's workers): the Job's `minAvailable`, across the whole fleet. 1 = every pod on its own.
   */
  minAvailable: number;
  /** When the gang first had `minAvailable` pods Ready: the job starts making progress. */
  gangStartedAt: number;
  /** Ready pods waiting for the gang to start. */
  waitingPods: number[];
  /** GPUs held by bound pods of a gang that has not started, and their integral (GPU-seconds). */
  heldGpus: number;
  heldGpuSeconds: number;
  heldAt: number;
  /** Its pods evicted to make room for others (kube-scheduler preemption, Volcano preempt and reclaim). */
  preemptedPods: number;
  /**
   * Why its share in a member does not run, by cluster index (a rejected Work, no scheduler for
   * its pods, a missing queue); null until there is one (most workloads never have any).
   */
  clusterErrors: Map<number, string> | null;
}

/** Per-cluster counters kept up to date on every bind/free (the sampler reads them). */
export class ClusterCounters {
  readonly cpuUsed: Float64Array;
  readonly memUsed: Float64Array;
  readonly gpuUsed: Float64Array;
  readonly podsBound: Int32Array;
  readonly podsReady: Int32Array;
  readonly podsPending: Int32Array;
  readonly cpuAlloc: Float64Array;
  readonly memAlloc: Float64Array;
  readonly gpuAlloc: Float64Array;
  readonly podsAlloc: Float64Array;
  /** Capacity of the nodes that are up (Ready), kept current on node changes. */
  readonly cpuUp: Float64Array;
  readonly memUp: Float64Array;
  readonly gpuUp: Float64Array;
  readonly podsUp: Float64Array;
  /** Requests of the pods waiting to be bound (Karmada's `allocating`). */
  readonly cpuPending: Float64Array;
  readonly memPending: Float64Array;
  readonly gpuPending: Float64Array;
  /** Cost: the rate (per hour) of the up nodes at the cluster's prices, and its integral. */
  readonly costRate: Float64Array;
  readonly cost: Float64Array;
  private readonly costAt: Float64Array;
  private readonly world: World;

  constructor(world: World) {
    this.world = world;
    const n = world.clusters.length;
    this.cpuUsed = new Float64Array(n);
    this.memUsed = new Float64Array(n);
    this.gpuUsed = new Float64Array(n);
    this.podsBound = new Int32Array(n);
    this.podsReady = new Int32Array(n);
    this.podsPending = new Int32Array(n);
    this.cpuAlloc = new Float64Array(n);
    this.memAlloc = new Float64Array(n);
    this.gpuAlloc = new Float64Array(n);
    this.podsAlloc = new Float64Array(n);
    this.cpuUp = new Float64Array(n);
    this.memUp = new Float64Array(n);
    this.gpuUp = new Float64Array(n);
    this.podsUp = new Float64Array(n);
    this.cpuPending = new Float64Array(n);
    this.memPending = new Float64Array(n);
    this.gpuPending = new Float64Array(n);
    this.costRate = new Float64Array(n);
    this.cost = new Float64Array(n);
    this.costAt = new Float64Array(n);
    for (const c of world.clusters) {
      this.cpuAlloc[c.index] = world.clusterSum(world.cpuAlloc, c.index);
      this.memAlloc[c.index] = world.clusterSum(world.memAlloc, c.index);
      this.gpuAlloc[c.index] = world.clusterSum(world.gpuAlloc, c.index);
      this.podsAlloc[c.index] = world.clusterSum(world.podsAlloc, c.index);
      this.recomputeUp(c.index, 0);
    }
  }

  /**
   * A node of the cluster went down or came back: recount the up capacity (O(nodes of the
   * cluster); node changes are rare) and the cost rate, accruing cost up to `now` first.
   * Cost per hour = Σ over up nodes of cores × price.cpu + GiB × price.memory + GPUs × price.gpu.
   */
  recomputeUp(c: number, now: number): void {
    this.accrueCost(c, now);
    const w = this.world;
    const info = w.clusters[c];
    let cpu = 0;
    let mem = 0;
    let gpu = 0;
    let pods = 0;
    for (let n = info.nodeStart; n < info.nodeEnd; n++) {
      if (!w.nodeReady[n]) continue;
      cpu += w.cpuAlloc[n];
      mem += w.memAlloc[n];
      gpu += w.gpuAlloc[n];
      pods += w.podsAlloc[n];
    }
    this.cpuUp[c] = cpu;
    this.memUp[c] = mem;
    this.gpuUp[c] = gpu;
    this.podsUp[c] = pods;
    const p = info.spec.prices;
    this.costRate[c] = (cpu / 1000) * p.cpu + (mem / 1024) * p.memory + gpu * p.gpu;
  }

  /** Bring the cost integral of cluster c up to `now`. */
  accrueCost(c: number, now: number): void {
    if (now > this.costAt[c]) {
      this.cost[c] += (this.costRate[c] * (now - this.costAt[c])) / 3600;
      this.costAt[c] = now;
    }
  }
}

/**
 * Receives every scheduling decision of a run, for decision-level diffs and audits (`fleetsim diff`).
 * `request` and `clusters` are exactly what the fleet scheduler saw.
 */
export interface DecisionSink {
  placement(t: number, workload: number, outcome: ScheduleOutcome, request: BindingRequest, clusters: readonly ClusterView[]): void;
  /** `node`'s state at the moment of the bind: up (Ready) and cordoned; `workload`: the pod's workload (index as in `placement`). */
  bind(t: number, pod: number, cluster: number, node: number, nodeState: { up: boolean; cordoned: boolean }, workload: number): void;
  /**
   * Optional: after a scheduling cycle of `cluster`, `workload` still has Pending pods there and
   * its member scheduler says why (`0/24 nodes are available: ...`); `reason` null: none Pending
   * any more. Asked only when the method exists: the reasons cost a pass over the nodes.
   */
  pending?(t: number, workload: number, cluster: number, reason: string | null): void;
  /** Optional: the binding of `workload` waits in the fleet scheduler's queue without being tried (reason), or left it (null). */
  queued?(t: number, workload: number, reason: string | null): void;
  /** Optional: a gang Job's Ready pods changed while the gang has not started (`ready` of `minAvailable`); `ready >= minAvailable`: it started. */
  gang?(t: number, workload: number, ready: number, minAvailable: number): void;
}

/** What a gang needs of a member cluster: start a waiting pod's run clock. */
export interface GangMember {
  startRunClock(pod: number): void;
}

/** Listens for freed capacity (a pod ends, nodes return): the fleet queue. */
export interface CapacityListener {
  capacityFreed(cluster: number): void;
}

/**
 * Everything the actors of one run share.
 *
 * A class, and its callbacks are methods or listener objects rather than closures made per run:
 * the hot member code (bind, release, pod events) reaches nearly everything through it, and V8
 * compiles that code for the exact shape of this object and the exact functions it calls. With an
 * object literal and fresh closures, the next run on the same thread (a sweep worker runs several)
 * looked different, and the code optimized in the first run was thrown away and compiled again on
 * a helper thread, the core another worker needed (bench/README, sweep speed-up).
 */
export class RunState {
  readonly sim: Simulation;
  readonly scenario: Scenario;
  readonly world: World;
  readonly pods = new PodTable();
  readonly workloads: RuntimeWorkload[];
  readonly counters: ClusterCounters;
  /** The traffic model's view: latency (seconds) users see from each cluster, by name, for a workload. */
  observedLatency: ((workload: number) => Record<string, number> | null) | null = null;
  /** Where decisions go, when someone listens. */
  readonly decisions: DecisionSink | null;
  /** Told when a member frees resources (see `onCapacityFreed`); the fleet queue, when the scheduler has one. */
  capacityListener: CapacityListener | null = null;
  /** Every cluster's member actor, by cluster index (set once they exist). */
  members: GangMember[] = [];
  /**
   * Some pods outrank others (pod priorities differ, a cluster trace's pods aside): only then can
   * kube-scheduler's preemption find a victim, so only then is it run.
   */
  readonly mixedPriorities: boolean;
  /** Interned image references: index = image id. */
  readonly images: string[];
  private readonly imageIds: Map<string, number>;

  constructor(sim: Simulation, scenario: Scenario, world: World, specs: readonly WorkloadSpec[], images: string[], decisions: DecisionSink | null) {
    this.sim = sim;
    this.scenario = scenario;
    this.world = world;
    this.workloads = specs.map((w, i) => newRuntimeWorkload(i, w));
    const priorities = new Set<number>();
    for (const w of specs) {
      if (w.trace) continue;
      priorities.add(w.template.priority);
      if (w.kind === 'Job') for (const t of w.tasks ?? []) priorities.add(t.template.priority);
    }
    this.mixedPriorities = priorities.size > 1;
    this.counters = new ClusterCounters(world);
    this.images = images;
    this.imageIds = new Map(images.map((ref, i) => [ref, i]));
    this.decisions = decisions;
  }

  /** The id of an interned image reference (one of `images`). */
  imageId(ref: string): number {
    return this.imageIds.get(ref)!;
  }

  /** Intern one more image reference (a rollout's new image), before any pod binds; its id. */
  internImage(ref: string): number {
    let id = this.imageIds.get(ref);
    if (id === undefined) {
      id = this.images.length;
      this.images.push(ref);
      this.imageIds.set(ref, id);
    }
    return id;
  }

  /** A member freed resources (a pod ended, nodes returned). */
  onCapacityFreed(cluster: number): void {
    this.capacityListener?.capacityFreed(cluster);
  }
}

export function newRuntimeWorkload(index: number, spec: WorkloadSpec): RuntimeWorkload {
  // A CronJob wants no pods of its own (its Jobs do); a DaemonSet's count as its members select nodes.
  const desired = spec.kind === 'Deployment' ? spec.replicas : spec.cron ? 0 : Math.min(spec.parallelism, spec.completions);
  return {
    index,
    spec,
    desired,
    created: 0,
    pending: 0,
    bound: 0,
    ready: 0,
    succeeded: 0,
    firstPlacedAt: NaN,
    allBoundAt: desired === 0 ? NaN : NaN,
    allReadyAt: NaN,
    completedAt: NaN,
    placement: [],
    openParts: 0,
    schedulingError: '',
    readyClusters: null,
    readyCounts: null,
    unavailableSeconds: 0,
    availabilityAt: spec.arrival,
    cost: 0,
    minAvailable: spec.kind === 'Job' ? spec.minAvailable : 1,
    gangStartedAt: NaN,
    waitingPods: [],
    heldGpus: 0,
    heldGpuSeconds: 0,
    heldAt: spec.arrival,
    preemptedPods: 0,
    clusterErrors: null,
  };
}

/**
 * The accumulators of a RuntimeWorkload start at 0 and take fractions later. V8 first stores such
 * a field as a small integer; the first fraction gives the objects a new hidden class, and every
 * workload made before it (all of them: they are made at setup, up to half a million) is moved to
 * it one by one on its next access (~2 us each, in the detector at arrival). A workload given
 * fractions first makes these fields doubles from the start, for every workload made after. It is
 * kept: object-literal hidden classes hang from a weak cache, so a GC between this and the run (the
 * scenario's parse makes many) would drop the primed class, and workloads would start from Smis again.
 */
function primeDoubleFields(): RuntimeWorkload {
  const w = newRuntimeWorkload(0, { kind: 'Deployment', arrival: 0.5, replicas: 0 } as WorkloadSpec);
  w.cost = w.unavailableSeconds = w.heldGpuSeconds = w.heldGpus = w.availabilityAt = w.heldAt = 0.5;
  return w;
}
export const primedWorkload: RuntimeWorkload = primeDoubleFields();

/** Record why a workload's share in a member does not run. */
export function setClusterError(w: RuntimeWorkload, cluster: number, why: string): void {
  (w.clusterErrors ??= new Map()).set(cluster, why);
}

/** Change the GPUs held by a gang that has not started (accrues GPU-seconds up to `now` first). */
export function changeHeldGpus(w: RuntimeWorkload, delta: number, now: number): void {
  if (now > w.heldAt) {
    w.heldGpuSeconds += w.heldGpus * (now - w.heldAt);
    w.heldAt = now;
  }
  w.heldGpus += delta;
}

/** Bring a Deployment's unavailable replica-seconds up to `now` (call before `ready` changes, and at the end). */
export function accrueUnavailability(w: RuntimeWorkload, now: number): void {
  if (w.spec.kind === 'Deployment' && now > w.availabilityAt) {
    const missing = w.desired - w.ready;
    if (missing > 0) w.unavailableSeconds += missing * (now - w.availabilityAt);
  }
  if (now > w.availabilityAt) w.availabilityAt = now;
}

/** A pod of `w` in `cluster` became Ready (+1) or stopped being Ready (-1). */
export function changeReady(w: RuntimeWorkload, cluster: number, delta: 1 | -1, now: number): void {
  accrueUnavailability(w, now);
  w.ready += delta;
  let clusters = w.readyClusters;
  let counts = w.readyCounts;
  if (clusters === null || counts === null) {
    w.readyClusters = clusters = [];
    w.readyCounts = counts = [];
  }
  const k = clusters.indexOf(cluster);
  if (k >= 0) counts[k] += delta;
  else {
    clusters.push(cluster);
    counts.push(delta);
  }
}

/** Ready pods of `w` in cluster `cluster` (by index). */
export function readyIn(w: RuntimeWorkload, cluster: number): number {
  const clusters = w.readyClusters;
  if (clusters === null) return 0;
  const k = clusters.indexOf(cluster);
  return k < 0 ? 0 : w.readyCounts![k];
}
