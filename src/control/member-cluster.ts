import { makeSampler, type EventHandler, type RandomStream, type Sampler, type Simulation } from '../kernel/index.js';
import { MILLI_PER_GPU, type ClusterInfo, type World } from '../model/world.js';
import type { DeploymentSpec, JobSpec, PodTemplate } from '../scenario/types.js';
import { CronJobController, type CronJobHost } from './cronjob-controller.js';
import { nodeLabels, nodeShouldRunDaemonPod, podAllowedOnNode } from './daemon-set.js';
import { fitError } from './fit-error.js';
import { FreeCapacityIndex } from './free-capacity.js';
import './gpu-scoring.js';
import './kube-scheduler.js';
import { admitVolcanoJob } from './volcano-scheduler.js';
import {
  memberSchedulerFactory, nodeScorerFactory, type MemberOwner, type MemberScheduler, type NodeScorer, type OwnerTask,
} from './member-scheduling.js';
import './node-scoring.js';
import { PodPhase, type PodTable } from './pods.js';
import { DefaultPreemption, type PreemptionHost } from './preemption.js';
import { accrueUnavailability, changeHeldGpus, changeReady, Kind, Prio, setClusterError, type GangMember, type RunState, type RuntimeWorkload } from './state.js';

/** A node with at most this many GPUs records a bound pod's GPUs as a bit mask (a small integer: no allocation). */
const GPU_MASK_MAX = 30;
/** Scratch for the GPUs of one bind (no array per bind); grown to the largest node's GPU count. */
let gpuScratch = new Int32Array(64);

/** Remove element k of an array in place (no array returned, unlike splice). */
function removeAt(a: number[], k: number): void {
  for (let i = k + 1; i < a.length; i++) a[i - 1] = a[i];
  a.pop();
}

/** Karmada's `status.resourceSummary` of a member: cpu millicores, memory bytes, pods, nvidia.com/gpu. */
export interface ResourceSummary {
  allocatable: Record<string, number>;
  allocated: Record<string, number>;
  allocating: Record<string, number>;
}

function sameSummary(p: ResourceSummary, c: RunState['counters'], k: number): boolean {
  const a = p.allocatable;
  const u = p.allocated;
  const g = p.allocating;
  return (
    a.cpu === c.cpuUp[k] && a.memory === c.memUp[k] * 2 ** 20 && a.pods === c.podsUp[k] && a['nvidia.com/gpu'] === c.gpuUp[k] &&
    u.cpu === c.cpuUsed[k] && u.memory === c.memUsed[k] * 2 ** 20 && u.pods === c.podsBound[k] && u['nvidia.com/gpu'] === c.gpuUsed[k] &&
    g.cpu === c.cpuPending[k] && g.memory === c.memPending[k] * 2 ** 20 && g.pods === c.podsPending[k] && g['nvidia.com/gpu'] === c.gpuPending[k]
  );
}

/** Up to this many distinct images, the nodes' image times are kept in a typed array (see imageAt). */
const IMAGE_ROWS_MAX = 64;

/** Showback price of one pod per hour: its requests at the cluster's prices. */
export function podCostPerHour(t: PodTemplate, p: { cpu: number; memory: number; gpu: number }): number {
  return (t.cpuMillis / 1000) * p.cpu + (t.memoryMiB / 1024) * p.memory + ((t.gpus * t.gpuMilli) / MILLI_PER_GPU) * p.gpu;
}

/**
 * One member cluster: the Deployment and Job controllers, the kubelets of its nodes, and the
 * resource bookkeeping; its pending pods are bound by the cluster's scheduler (kube-scheduler by
 * default, see `member-scheduling.ts`), which goes through this host for every bind and eviction.
 *
 * kubelet: the image is pulled unless the node has it (image pulls are serialised per node, as
 * with the kubelet's default `serializeImagePulls: true`; a pod whose image is already being
 * pulled waits for that pull). Pull time = 2 x one-way latency + size / bandwidth between the
 * registry's region and the cluster's. Then the container starts (`startup`) and the pod is Ready.
 * Job pods run for a duration drawn from the job's distribution, then succeed and free their node.
 *
 * GPUs: a pod asks for `gpus` GPUs of `gpuMilli` each on one node (1000 = whole GPUs; below 1000 a
 * share of one GPU), optionally limited to `gpuModels`. By default whole GPUs are the lowest-id
 * free ones and a share goes to the GPU with the least free milli that fits (ties: lowest id);
 * a node scorer may choose otherwise.
 */
export class MemberCluster implements EventHandler, PreemptionHost, GangMember, CronJobHost {
  readonly info: ClusterInfo;
  readonly sim: Simulation;
  readonly world: World;
  readonly pods: PodTable;
  readonly owners: MemberOwner[] = [];
  /**
   * The schedulers running here, each serving the pods that name it (`schedulerName`): the
   * cluster's `scheduler:` first (it also takes the pods of the scenario's own workloads, which
   * name none), and on a Volcano member kube-scheduler as well, for `default-scheduler` pods.
   */
  readonly schedulers: MemberScheduler[];
  readonly scorer: NodeScorer;
  private readonly state: RunState;
  /**
   * Pending pod ids, sorted by (priority desc, id asc): `pending[0, pendingN)`. A typed array with
   * its own length, grown by doubling and never shrunk: a plain array trimmed after each cycle and
   * grown again by the next burst of pods reallocated its storage over and over (a quarter of a
   * week-long batch run's garbage).
   */
  private pending = new Int32Array(64);
  private pendingN = 0;
  /** Pending pods per scheduler (the queue holds them all, in one order). */
  private readonly pendingFor: Int32Array;
  /** The copy of the queue a scheduling cycle walks (binding and evicting edit the queue itself). */
  private cycleCopy = new Int32Array(64);
  /** A cycle of that scheduler is queued. */
  private readonly cycleQueued: boolean[];
  /** (node * images + image) → time the image is present on the node. */
  private readonly imageReadyAt = new Map<number, number>();
  /**
   * The same as one table, when the run has few images (IMAGE_ROWS_MAX): at local node * imageStride
   * + image, the time the image is present on the node (NaN: never pulled), made at the cluster's
   * first bind. A typed-array read instead of a lookup in a Map of up to nodes x images entries on
   * every bind; one table per cluster rather than one array per node (half a million small
   * ArrayBuffers at Karmada's scale, each slow to allocate and counted as external memory).
   */
  private imageAt: Float64Array | null = null;
  private imageStride = 0;
  /** Per node (index from nodeStart): the time its image puller is free. */
  private readonly pullerFreeAt: Float64Array;
  /** Run-time sampler of each Job here (by workload) and the name of its stream. */
  private readonly durations = new Map<number, { sampler: Sampler; stream: string }>();
  /**
   * GPUs held by each bound pod on a node of more than GPU_MASK_MAX GPUs, by pod: their ids (on
   * smaller nodes, the pod table's `gpuMask` column holds them).
   */
  private readonly podGpus = new Map<number, Int32Array>();
  /** Free-capacity index of the nodes, kept current on every bind, release and node change. */
  readonly capacity: FreeCapacityIndex;
  /** Owner index by workload (a workload has at most one owner per member). */
  private readonly ownerOf = new Map<number, number>();
  /** kube-scheduler's PostFilter; null while every pod has the same priority (nothing to preempt). */
  private readonly preemption: DefaultPreemption | null;
  /** DaemonSet owners with a matching node their pod did not fit on yet: tried again when resources free up. */
  private readonly daemonsShort = new Set<number>();
  /** Nodes each DaemonSet owner selects here (its desired pods). */
  private readonly daemonWant = new Map<number, number>();
  /** The CronJob controller of this member (made on the first CronJob). */
  private cronJobs: CronJobController | null = null;

  constructor(state: RunState, info: ClusterInfo) {
    this.state = state;
    this.info = info;
    this.sim = state.sim;
    this.world = state.world;
    this.pods = state.pods;
    this.pullerFreeAt = new Float64Array(info.nodeEnd - info.nodeStart);
    this.capacity = new FreeCapacityIndex(state.world, info.nodeStart, info.nodeEnd);
    this.notReadyAtStart = state.world.nodeReady.slice(info.nodeStart, info.nodeEnd).map((r) => 1 - r);
    this.taintedPools = info.spec.nodePools.some((p) => (p.taints ?? []).some((t) => t.effect !== 'PreferNoSchedule'));
    const scorerName = info.spec.nodeScoring;
    const sf = nodeScorerFactory(scorerName);
    if (!sf) throw new Error(`cluster ${info.name}: unknown node scoring ${scorerName}`);
    this.scorer = sf(info, state.world, (name) => this.stream(name));
    const names = info.spec.scheduler === 'kube-scheduler' ? ['kube-scheduler'] : [info.spec.scheduler, 'kube-scheduler'];
    this.schedulers = names.map((schedName) => {
      const mf = memberSchedulerFactory(schedName);
      if (!mf) throw new Error(`cluster ${info.name}: unknown member scheduler ${schedName}`);
      return mf(info, this.scorer);
    });
    this.pendingFor = new Int32Array(this.schedulers.length);
    this.cycleQueued = this.schedulers.map(() => false);
    this.preemption = state.mixedPriorities ? new DefaultPreemption(this, state.scenario.podDisruptionBudgets) : null;
  }

  /** False while the control plane cannot reach this member's API server (partition, outage). */
  apiReachable = true;
  /** True while the member's nodes are down (an outage): nothing runs or binds here. */
  nodesDown = false;

  get pendingCount(): number {
    return this.pendingN;
  }

  /** The cluster's own scheduler (`scheduler:`). */
  get scheduler(): MemberScheduler {
    return this.schedulers[0];
  }

  /**
   * Which scheduler here takes pods of this template: the one its `schedulerName` names, the
   * cluster's own for the scenario's workloads (no name), or -1: none runs here, the pods stay Pending.
   */
  private schedulerFor(t: PodTemplate): number {
    if (t.schedulerName === undefined) return 0;
    return this.schedulers.findIndex((s) => s.schedulerName === t.schedulerName);
  }

  servedBy(o: MemberOwner): MemberScheduler | null {
    return o.scheduler < 0 ? null : this.schedulers[o.scheduler];
  }

  /**
   * Take every node down (or bring them back). Pods on a node that goes down are lost at once
   * and their controllers replace them; the replacements wait Pending until nodes return.
   */
  setNodesDown(down: boolean): void {
    if (down === this.nodesDown) return;
    this.nodesDown = down;
    const w = this.world;
    for (let n = this.info.nodeStart; n < this.info.nodeEnd; n++) {
      // A node not Ready from the start (an imported NotReady node) does not come back with the others.
      w.nodeReady[n] = down || this.notReadyAtStart[n - this.info.nodeStart] ? 0 : 1;
      this.capacity.update(n);
    }
    this.state.counters.recomputeUp(this.info.index, this.sim.now);
    if (down) {
      for (let o = 0; o < this.owners.length; o++) {
        const owner = this.owners[o];
        const lost = owner.pods.filter((p) => this.pods.phase[p] === PodPhase.Starting || this.pods.phase[p] === PodPhase.Running);
        for (const p of lost) {
          this.terminate(p);
          if (owner.kind === 'Job') owner.active--;
        }
        this.reconcile(o);
      }
    } else {
      this.reconcileDaemons();
      this.requestCycle();
      this.state.onCapacityFreed(this.info.index);
    }
  }

  /** Nodes not Ready from the start (1), by local index. */
  private readonly notReadyAtStart: Uint8Array;

  /** Set while the member is cut off from the control plane but runs on its own (KubeEdge-style). */
  edgeAutonomy = false;

  /** Take one node down (its pods are lost; controllers replace them) or bring it back. */
  setNodeDown(node: number, down: boolean): void {
    const w = this.world;
    if ((w.nodeReady[node] === 0) === down) return;
    w.nodeReady[node] = down ? 0 : 1;
    this.capacity.update(node);
    this.state.counters.recomputeUp(this.info.index, this.sim.now);
    if (down) this.evictNode(node, true);
    else {
      this.reconcileDaemons();
      this.requestCycle();
      this.state.onCapacityFreed(this.info.index);
    }
  }

  /** Cordon (nothing new binds) or uncordon a node. */
  cordon(node: number, on: boolean): void {
    this.world.nodeCordoned[node] = on ? 1 : 0;
    this.capacity.update(node);
    if (!on) {
      this.reconcileDaemons();
      this.requestCycle();
      this.state.onCapacityFreed(this.info.index);
    }
  }

  /** Drain a node: evict its pods (their controllers recreate them, to bind elsewhere). */
  drain(node: number): void {
    this.evictNode(node, false);
  }

  /** Terminate every pod bound to a node (lost: the node died; else evicted) and let controllers replace them. */
  private evictNode(node: number, _lost: boolean): void {
    for (let o = 0; o < this.owners.length; o++) {
      const owner = this.owners[o];
      const hit = owner.pods.filter((p) => this.pods.node[p] === node && (this.pods.phase[p] === PodPhase.Starting || this.pods.phase[p] === PodPhase.Running));
      if (hit.length === 0) continue;
      for (const p of hit) {
        this.terminate(p);
        if (owner.kind === 'Job') owner.active--;
      }
      this.reconcile(o);
    }
  }

  /** Ready and desired pods of a workload here (for Karmada's aggregated health). */
  workloadHere(workload: number): { desired: number; ready: number; kind: 'Deployment' | 'Job' } | null {
    const owners = this.ownersOf(workload);
    if (owners.length === 0) return null;
    let ready = 0;
    let desired = 0;
    for (const o of owners) {
      for (const p of o.pods) if (this.pods.phase[p] === PodPhase.Running) ready++;
      desired += o.controller === 'daemon' ? (this.daemonWant.get(this.owners.indexOf(o)) ?? 0) : o.kind === 'Deployment' ? o.replicas : Math.min(o.replicas, o.completions - o.succeeded);
    }
    return { desired, ready, kind: owners[0].kind };
  }

  /**
   * Karmada's cluster resourceSummary as the member would report it now: allocatable of the
   * ready nodes; allocated = requests of pods bound to nodes; allocating = requests of pods not
   * yet bound. cpu in millicores, memory in bytes, pods, nvidia.com/gpu in GPUs.
   */
  resourceSummary(prev?: ResourceSummary): ResourceSummary {
    // O(1): the counters are kept current on every bind, release and node change.
    const c = this.state.counters;
    const k = this.info.index;
    // Summaries are never mutated: an unchanged one is handed back as is (a status probe every
    // 10 s per member would otherwise build four objects each time, and the control plane's
    // cluster views keyed on it would be rebuilt for nothing).
    if (prev && sameSummary(prev, c, k)) return prev;
    return {
      allocatable: { cpu: c.cpuUp[k], memory: c.memUp[k] * 2 ** 20, pods: c.podsUp[k], 'nvidia.com/gpu': c.gpuUp[k] },
      allocated: { cpu: c.cpuUsed[k], memory: c.memUsed[k] * 2 ** 20, pods: c.podsBound[k], 'nvidia.com/gpu': c.gpuUsed[k] },
      allocating: { cpu: c.cpuPending[k], memory: c.memPending[k] * 2 ** 20, pods: c.podsPending[k], 'nvidia.com/gpu': c.gpuPending[k] },
    };
  }

  /** Per-node free resources (for the accurate, node-level estimator). */
  nodeSnapshots(): { name: string; allocatable: Record<string, number>; requested: Record<string, number>; pods: number; unschedulable: boolean }[] {
    const w = this.world;
    const out = [];
    for (let n = this.info.nodeStart; n < this.info.nodeEnd; n++) {
      out.push({
        name: w.nodeName(n),
        allocatable: { cpu: w.cpuAlloc[n], memory: w.memAlloc[n] * 2 ** 20, pods: w.podsAlloc[n], 'nvidia.com/gpu': w.gpuAlloc[n] },
        requested: { cpu: w.cpuAlloc[n] - w.cpuFree[n], memory: (w.memAlloc[n] - w.memFree[n]) * 2 ** 20, 'nvidia.com/gpu': w.gpuAlloc[n] - w.gpuFree[n] },
        pods: w.podsAlloc[n] - w.podsFree[n],
        unschedulable: !w.nodeReady[n] || w.nodeCordoned[n] === 1,
      });
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // MemberSchedulerHost

  template(pod: number): PodTemplate {
    return this.owners[this.pods.owner[pod]].template;
  }

  workload(pod: number): RuntimeWorkload {
    return this.state.workloads[this.pods.workload[pod]];
  }

  stream(name: string): RandomStream {
    return this.sim.stream(`member/${this.info.name}/${name}`);
  }

  fits(pod: number, n: number): boolean {
    const t = this.template(pod);
    if (!this.fitsTemplate(t, n)) return false;
    return this.allows(pod, n);
  }

  allows(pod: number, n: number): boolean {
    // The DaemonSet controller has chosen its pod's node by its own rules (daemon-set.ts).
    return this.owners[this.pods.owner[pod]].controller === 'daemon' || this.allowedOn(this.template(pod), n);
  }

  constrained(t: PodTemplate): boolean {
    return this.taintedPools || t.nodeSelection !== undefined;
  }

  /** Some pool of the cluster has a NoSchedule or NoExecute taint. */
  private readonly taintedPools: boolean;

  /**
   * kube-scheduler's TaintToleration and NodeAffinity filters: the node's NoSchedule and NoExecute
   * taints tolerated, its labels matching the pod's nodeSelector and required node affinity.
   */
  private allowedOn(t: PodTemplate, n: number): boolean {
    const w = this.world;
    const pool = this.info.spec.nodePools[w.nodePool[n]];
    return podAllowedOnNode(t.nodeSelection, pool.taints ?? [], () => ({ name: w.nodeName(n), labels: nodeLabels(w, n) }));
  }


  defaultGpus(pod: number, n: number): number[] | null {
    const t = this.template(pod);
    if (t.gpus === 0) return [];
    const k = this.chooseDefaultGpus(t, n);
    return k < 0 ? null : Array.from(gpuScratch.subarray(0, k));
  }

  /**
   * The default GPUs of a pod on node n, into gpuScratch: whole GPUs the lowest-id free ones, a
   * share the GPU with the least free milli that fits (ties: lowest id). Their count, or -1.
   */
  private chooseDefaultGpus(t: PodTemplate, n: number): number {
    const w = this.world;
    const lo = w.gpuStart[n];
    const hi = w.gpuStart[n + 1];
    if (hi - lo > gpuScratch.length) gpuScratch = new Int32Array(hi - lo);
    if (t.gpuMilli >= MILLI_PER_GPU) {
      let k = 0;
      for (let g = lo; g < hi && k < t.gpus; g++) if (w.gpuMilliFree[g] === MILLI_PER_GPU) gpuScratch[k++] = g;
      return k === t.gpus ? k : -1;
    }
    let best = -1;
    for (let g = lo; g < hi; g++) {
      const f = w.gpuMilliFree[g];
      if (f >= t.gpuMilli && (best < 0 || f < w.gpuMilliFree[best])) best = g;
    }
    if (best < 0) return -1;
    gpuScratch[0] = best;
    return 1;
  }

  bind(id: number, node: number, gpus?: readonly number[]): void {
    const pods = this.pods;
    if (pods.phase[id] !== PodPhase.Pending) throw new Error(`bind: pod ${id} is not Pending`);
    if (node < this.info.nodeStart || node >= this.info.nodeEnd) throw new Error(`bind: node ${node} is not in cluster ${this.info.name}`);
    if (!this.fits(id, node)) throw new Error(`bind: pod ${id} does not fit on node ${this.world.nodeName(node)}`);
    this.occupy(id, node, gpus);
    this.startOnKubelet(id, node);
  }

  /** A Pending pod takes its node: resources, GPUs, counters; it is Starting from now on. */
  private occupy(id: number, node: number, gpus?: readonly number[], asFound = false): void {
    const pods = this.pods;
    const s = this.state;
    const now = this.sim.now;
    const w = s.workloads[pods.workload[id]];
    const t = this.template(id);
    const world = this.world;
    if (t.gpus > 0) {
      let k: number;
      if (gpus) {
        if (gpus.length > gpuScratch.length) gpuScratch = new Int32Array(gpus.length);
        for (let i = 0; i < gpus.length; i++) gpuScratch[i] = gpus[i];
        k = gpus.length;
      } else {
        k = this.chooseDefaultGpus(t, node);
        // A warm start's pod is where the dump found it, even on a node whose GPUs are now fewer
        // than its pods hold (a device plugin that lost some): it takes the free ones, and the
        // node stays overcommitted, as in the dump.
        if (k < 0 && asFound) k = this.freeWholeGpus(t, node);
      }
      if (k !== t.gpus && !(asFound && k >= 0)) throw new Error(`bind: pod ${id} needs ${t.gpus} GPU(s) on ${world.nodeName(node)}`);
      const lo = world.gpuStart[node];
      const hi = world.gpuStart[node + 1];
      let mask = 0;
      for (let i = 0; i < k; i++) {
        const g = gpuScratch[i];
        if (g < lo || g >= hi || world.gpuMilliFree[g] < t.gpuMilli) throw new Error(`bind: GPU ${g} cannot take ${t.gpuMilli} milli`);
        if (world.gpuMilliFree[g] === MILLI_PER_GPU) world.gpuFree[node]--;
        world.gpuMilliFree[g] -= t.gpuMilli;
        mask |= 1 << (g - lo);
      }
      if (hi - lo <= GPU_MASK_MAX) pods.gpuMask[id] = mask;
      else this.podGpus.set(id, gpuScratch.slice(0, k));
    }
    world.cpuFree[node] -= t.cpuMillis;
    world.memFree[node] -= t.memoryMiB;
    world.podsFree[node] -= 1;
    this.capacity.update(node);
    const c = this.info.index;
    s.counters.cpuUsed[c] += t.cpuMillis;
    s.counters.memUsed[c] += t.memoryMiB;
    s.counters.gpuUsed[c] += (t.gpus * t.gpuMilli) / MILLI_PER_GPU;
    s.counters.podsBound[c]++;
    s.counters.podsPending[c]--;
    s.counters.cpuPending[c] -= t.cpuMillis;
    s.counters.memPending[c] -= t.memoryMiB;
    s.counters.gpuPending[c] -= (t.gpus * t.gpuMilli) / MILLI_PER_GPU;
    pods.node[id] = node;
    pods.phase[id] = PodPhase.Starting;
    pods.bound[id] = now;
    s.decisions?.bind(now, id, c, node, { up: world.nodeReady[node] === 1, cordoned: world.nodeCordoned[node] === 1 }, pods.workload[id]);
    w.pending--;
    w.bound++;
    if (w.bound === w.desired && Number.isNaN(w.allBoundAt)) w.allBoundAt = now;
    this.scorer.nodeChanged?.(this, node);
  }

  /** kubelet: image present, being pulled, or to be pulled after the node's current pull; then the container starts. */
  private startOnKubelet(id: number, node: number): void {
    const s = this.state;
    const sim = this.sim;
    const now = sim.now;
    const t = this.template(id);
    const world = this.world;
    const img = s.imageId(t.image);
    const local = node - this.info.nodeStart;
    const images = s.images.length;
    let table: Float64Array | null = null;
    let present: number | undefined;
    if (images <= IMAGE_ROWS_MAX) {
      table = this.imageTable(images);
      present = table[local * images + img];
      if (Number.isNaN(present)) present = undefined;
    } else {
      present = this.imageReadyAt.get(node * images + img);
    }
    if (present === undefined) {
      const start = Math.max(now, this.pullerFreeAt[local]);
      const net = world.network;
      present = start + net.transferTime(net.regionIndex(t.registryRegion), this.info.regionIndex, t.imageSizeBytes);
      this.pullerFreeAt[local] = present;
      if (table) table[local * images + img] = present;
      else this.imageReadyAt.set(node * images + img, present);
    }
    sim.schedule(Math.max(now, present) + t.startup, this, Kind.PodReady, id, Prio.Fact);
  }

  /** The image-time table for `images` images (laid out again should images be added after binds began). */
  private imageTable(images: number): Float64Array {
    const old = this.imageAt;
    if (old !== null && this.imageStride === images) return old;
    const nodes = this.info.nodeEnd - this.info.nodeStart;
    const table = new Float64Array(nodes * images).fill(NaN);
    if (old !== null) for (let n = 0; n < nodes; n++) for (let k = 0; k < this.imageStride; k++) table[n * images + k] = old[n * this.imageStride + k];
    this.imageAt = table;
    this.imageStride = images;
    return table;
  }

  preempt(pod: number): number {
    // A cluster trace's pods follow the FGD paper's simulator, which does not preempt.
    if (this.preemption === null || this.workload(pod).spec.trace) return -1;
    return this.preemption.postFilter(pod);
  }

  heldGpus(pod: number): readonly number[] {
    const mask = this.pods.gpuMask[pod];
    if (mask === 0) {
      const held = this.podGpus.get(pod);
      return held === undefined ? [] : Array.from(held);
    }
    const lo = this.world.gpuStart[this.pods.node[pod]];
    const out: number[] = [];
    for (let b = 0, m = mask; m !== 0; b++, m >>= 1) if (m & 1) out.push(lo + b);
    return out;
  }

  evict(id: number, _reason: string): void {
    const phase = this.pods.phase[id];
    if (phase !== PodPhase.Starting && phase !== PodPhase.Running) throw new Error(`evict: pod ${id} is not bound`);
    const ownerIdx = this.pods.owner[id];
    this.terminate(id);
    const o = this.owners[ownerIdx];
    if (o.kind === 'Job') o.active--;
    this.reconcile(ownerIdx);
  }

  // ------------------------------------------------------------------------------------------
  // Controllers

  /**
   * Apply a Work: the workload should have `replicas` (a Job: parallelism, with `completions`)
   * here. Creates the owner on first delivery; a later delivery scales it. A workload of several
   * pod templates (`tasks`, e.g. a Volcano Job) gets one owner per task, all of them whole:
   * `tasks` are its templates as rendered for this cluster, `replicas` 0 removes it. Returns the
   * API server's refusal when the member does not admit the object (null: applied).
   */
  applyWork(workload: number, replicas: number, completions: number, template?: PodTemplate, tasks?: readonly PodTemplate[]): string | null {
    const w = this.state.workloads[workload];
    const spec = w.spec;
    // The member's API server admits the object first (a Volcano Job: Volcano's webhook); a refused
    // create leaves nothing here, and every later delivery is refused the same way.
    if (spec.kind === 'Job' && spec.volcanoJob && !this.ownerOf.has(workload) && replicas > 0) {
      const refusal = admitVolcanoJob(spec.volcanoJob, this.info);
      if (refusal !== null) {
        setClusterError(w, this.info.index, `the Work failed to apply: ${refusal}`);
        return refusal;
      }
    }
    if (spec.kind === 'Job' && spec.tasks) {
      this.applyTasks(workload, replicas > 0, tasks ?? spec.tasks.map((t) => t.template));
      return null;
    }
    let owner = this.ownerOf.get(workload) ?? -1;
    if (owner < 0) owner = this.addOwner(workload, completions, template ?? spec.template, null);
    const o = this.owners[owner];
    // A changed template applies to pods created from now on (as a rolling update would, simplified).
    if (template) o.template = template;
    o.replicas = replicas;
    o.completions = completions;
    this.reconcile(owner);
    return null;
  }

  /** A multi-template workload's Work: one owner per task, each with all its replicas (or none). */
  private applyTasks(workload: number, present: boolean, templates: readonly PodTemplate[]): void {
    const spec = this.state.workloads[workload].spec as JobSpec;
    const tasks = spec.tasks!;
    let first = this.ownerOf.get(workload) ?? -1;
    if (first < 0) {
      first = this.owners.length;
      tasks.forEach((t, i) => {
        const dependsOn = t.dependsOn && { owners: t.dependsOn.names.map((n) => tasks.findIndex((x) => x.name === n)).filter((k) => k >= 0).map((k) => first + k), any: t.dependsOn.any };
        this.addOwner(workload, t.replicas, templates[i], { name: t.name, minAvailable: t.minAvailable, dependsOn });
      });
    }
    tasks.forEach((t, i) => {
      const o = this.owners[first + i];
      o.template = templates[i];
      o.replicas = present ? t.replicas : 0;
      o.completions = t.replicas;
    });
    for (let i = 0; i < tasks.length; i++) this.reconcile(first + i);
  }

  private addOwner(workload: number, completions: number, template: PodTemplate, task: OwnerTask | null): number {
    const w = this.state.workloads[workload];
    const owner = this.owners.length;
    if (!this.ownerOf.has(workload)) this.ownerOf.set(workload, owner);
    const scheduler = this.schedulerFor(template);
    const spec = w.spec;
    const controller = spec.kind === 'Job' ? (spec.cron ? 'cron' : (spec.controller ?? 'replicas')) : (spec.controller ?? 'replicas');
    this.owners.push({ workload, kind: spec.kind, controller, created: 0, replicas: 0, completions, active: 0, succeeded: 0, done: false, pods: [], template, scheduler, task });
    if (spec.kind === 'Job' && controller !== 'cron') w.openParts++;
    if (scheduler < 0) {
      setClusterError(
        w,
        this.info.index,
        `no scheduler named "${template.schedulerName}" runs in cluster ${this.info.name} (it runs ${this.schedulers.map((x) => x.schedulerName).join(', ')}): its pods stay Pending`,
      );
    }
    return owner;
  }

  /** The owners of a workload here: one, or one per task of a multi-template workload. */
  private ownersOf(workload: number): MemberOwner[] {
    const first = this.ownerOf.get(workload);
    if (first === undefined) return [];
    const out = [this.owners[first]];
    for (let i = first + 1; i < this.owners.length && this.owners[i].workload === workload && this.owners[i].task; i++) out.push(this.owners[i]);
    return out;
  }

  /**
   * Volcano's job controller creates a task's pods only once the tasks it depends on are ready:
   * each (`iteration: any`: one) has at least its `minAvailable` (default: its replicas) pods
   * Running and Ready, or Succeeded (`waitDependsOnTaskMeetCondition`, pkg/controllers/job/job_controller_actions.go).
   */
  private dependenciesReady(o: MemberOwner): boolean {
    const deps = o.task?.dependsOn;
    if (!deps || deps.owners.length === 0) return true;
    const ready = (k: number): boolean => {
      const d = this.owners[k];
      let n = d.succeeded;
      for (const p of d.pods) if (this.pods.phase[p] === PodPhase.Running) n++;
      return n >= (d.task?.minAvailable ?? d.completions);
    };
    return deps.any && deps.owners.length > 1 ? deps.owners.some(ready) : deps.owners.every(ready);
  }

  /** A task's pod became Ready or succeeded: tasks that depend on it may start. */
  private reconcileDependents(o: MemberOwner): void {
    const first = this.ownerOf.get(o.workload)!;
    for (let i = first; i < this.owners.length && this.owners[i].workload === o.workload && this.owners[i].task; i++) {
      if (this.owners[i].task!.dependsOn) this.reconcile(i);
    }
  }

  /** Bring an owner's pods to what it wants (the Deployment, StatefulSet, DaemonSet, Job or CronJob controller's job). */
  private reconcile(ownerIdx: number): void {
    const o = this.owners[ownerIdx];
    const now = this.sim.now;
    switch (o.controller) {
      case 'daemon':
        this.reconcileDaemon(ownerIdx);
        return;
      case 'cron':
        (this.cronJobs ??= new CronJobController(this.state, this)).reconcile(o);
        return;
    }
    if (o.kind === 'Deployment') {
      if (o.controller === 'ordered') {
        // OrderedReady: the next ordinal only once every pod before it is Running and Ready.
        if (o.pods.length < o.replicas && o.pods.every((p) => this.pods.phase[p] === PodPhase.Running)) this.createPod(o, ownerIdx, now);
        while (o.pods.length > o.replicas) this.terminate(o.pods[o.pods.length - 1]);
        return;
      }
      if (o.controller === 'bare') {
        // A bare pod is created once; nobody replaces it when it is lost.
        if (o.created < o.replicas) this.createPod(o, ownerIdx, now);
        while (o.pods.length > o.replicas) this.terminate(o.pods[o.pods.length - 1]);
        return;
      }
      while (o.pods.length < o.replicas) this.createPod(o, ownerIdx, now);
      // Scale down: newest pods first, Pending before bound (as the ReplicaSet controller prefers).
      while (o.pods.length > o.replicas) {
        let victim = o.pods.length - 1;
        for (let i = o.pods.length - 1; i >= 0; i--) {
          if (this.pods.phase[o.pods[i]] === PodPhase.Pending) {
            victim = i;
            break;
          }
        }
        this.terminate(o.pods[victim]);
      }
      return;
    }
    if (o.done) return;
    if (o.succeeded >= o.completions) {
      this.finishJob(o, now);
      return;
    }
    const w = this.state.workloads[o.workload];
    if (o.controller === 'bare' && o.created > o.succeeded + o.active) {
      this.abandonJob(o, 'its Pod was lost before it completed (a bare Pod is not re-created)');
      return;
    }
    if ((w.spec as JobSpec).suspend) return;
    if (o.task?.dependsOn && !this.dependenciesReady(o)) return;
    while (o.active < o.replicas && o.succeeded + o.active < o.completions) {
      this.createPod(o, ownerIdx, now);
      o.active++;
    }
  }

  /** A Job's share here ends unfinished (it stays incomplete in the results, with the reason). */
  private abandonJob(o: MemberOwner, reason: string): void {
    o.done = true;
    const w = this.state.workloads[o.workload];
    w.openParts--;
    w.schedulingError ||= reason;
  }

  /** Delete a Job's share here (a CronJob's concurrencyPolicy Replace): its pods go, it ends unfinished. */
  deleteJob(workload: number, reason: string): void {
    const oi = this.ownerOf.get(workload);
    if (oi === undefined) return;
    const o = this.owners[oi];
    if (o.done) return;
    while (o.pods.length) {
      this.terminate(o.pods[o.pods.length - 1]);
      o.active--;
    }
    this.abandonJob(o, reason);
  }

  /** Is the Job's share here finished, deleted or never made? */
  jobDone(workload: number): boolean {
    const oi = this.ownerOf.get(workload);
    return oi === undefined || this.owners[oi].done;
  }

  /** A Job's share here has all its completions. */
  private finishJob(o: MemberOwner, now: number): void {
    o.done = true;
    // A done owner creates no more pods (see above): its run-time stream is not needed again,
    // once every owner of the workload here (every task) is done.
    const d = o.active === 0 && (!o.task || this.ownersOf(o.workload).every((x) => x.done && x.active === 0)) ? this.durations.get(o.workload) : undefined;
    if (d) {
      this.durations.delete(o.workload);
      this.sim.releaseStream(d.stream);
    }
    const w = this.state.workloads[o.workload];
    if (--w.openParts === 0 && Number.isNaN(w.completedAt)) w.completedAt = now;
  }

  /**
   * The DaemonSet controller: one pod on every up node its template selects (daemon-set.ts),
   * bound there directly (the pod's node affinity names the node, so the scheduler only checks
   * that it fits); a node it does not fit yet is tried again when resources free up. The pods
   * count as each node's overhead before other work. Replicas 0: the Work was withdrawn.
   */
  private reconcileDaemon(ownerIdx: number): void {
    const o = this.owners[ownerIdx];
    const pods = this.pods;
    if (o.replicas === 0) {
      while (o.pods.length) this.terminate(o.pods[o.pods.length - 1]);
      this.daemonsShort.delete(ownerIdx);
      return;
    }
    const w = this.state.workloads[o.workload];
    const sel = (w.spec as DeploymentSpec).daemon!;
    const world = this.world;
    const now = this.sim.now;
    const served = new Set<number>();
    for (const p of o.pods) served.add(pods.node[p]);
    const missing: number[] = [];
    let want = 0;
    for (let n = this.info.nodeStart; n < this.info.nodeEnd; n++) {
      if (!world.nodeReady[n] || !nodeShouldRunDaemonPod(sel, { name: world.nodeName(n), labels: nodeLabels(world, n), taints: this.info.spec.nodePools[world.nodePool[n]].taints ?? [] })) continue;
      want++;
      if (!served.has(n)) missing.push(n);
    }
    // The workload wants one pod per selected up node, in every member it runs in (counted
    // before the binds, so that "all scheduled" is seen when the last one binds).
    const before = this.daemonWant.get(ownerIdx) ?? 0;
    if (want !== before) {
      accrueUnavailability(w, now);
      w.desired += want - before;
      this.daemonWant.set(ownerIdx, want);
    }
    let short = false;
    for (const n of missing) {
      if (this.fitsTemplate(o.template, n)) this.bind(this.createPod(o, ownerIdx, now, false), n);
      else short = true;
    }
    if (short) this.daemonsShort.add(ownerIdx);
    else this.daemonsShort.delete(ownerIdx);
  }

  private reconcileDaemons(): void {
    for (let o = 0; o < this.owners.length; o++) if (this.owners[o].controller === 'daemon') this.reconcileDaemon(o);
  }

  /** Would a pod of this template fit on node n now (the checks of `fits`, before the pod exists)? */
  private fitsTemplate(t: PodTemplate, n: number): boolean {
    const w = this.world;
    if (!w.nodeReady[n] || w.nodeCordoned[n] || w.podsFree[n] < 1 || w.cpuFree[n] < t.cpuMillis || w.memFree[n] < t.memoryMiB) return false;
    if (t.gpus === 0) return true;
    if (t.gpuModels.length > 0 && !t.gpuModels.includes(w.gpuModel[n])) return false;
    if (t.gpuMilli >= MILLI_PER_GPU) return w.gpuFree[n] >= t.gpus;
    for (let g = w.gpuStart[n]; g < w.gpuStart[n + 1]; g++) if (w.gpuMilliFree[g] >= t.gpuMilli) return true;
    return false;
  }

  /**
   * Warm start (an imported initial state, t = 0): the workload is already here as the dump found
   * it. Its bound pods take their nodes and are Running at once (their images are on the nodes;
   * nothing is checked: a cordoned or overcommitted node keeps what it had); Pending pods join the
   * scheduling queue; then its controller does what it would (creates pods still missing, scales
   * down a surplus, puts a DaemonSet's pod on a node that lacks it).
   */
  adopt(workload: number, a: { replicas: number; completions: number; template: PodTemplate; bound: readonly (readonly [number, number])[]; pending: number }): void {
    const spec = this.state.workloads[workload].spec;
    if (this.ownerOf.has(workload)) throw new Error(`adopt: workload ${workload} is already in ${this.info.name}`);
    const ownerIdx = this.addOwner(workload, a.completions, a.template, null);
    const o = this.owners[ownerIdx];
    o.replicas = a.replicas;
    const now = this.sim.now;
    const img = this.state.imageId(a.template.image);
    for (const [node, count] of a.bound) {
      this.markImagePresent(node, img, now);
      for (let k = 0; k < count; k++) {
        const id = this.createPod(o, ownerIdx, now, false);
        this.occupy(id, node, undefined, true);
        this.podReady(id, this.sim);
      }
    }
    for (let k = 0; k < a.pending; k++) this.createPod(o, ownerIdx, now);
    if (spec.kind === 'Job') o.active = o.pods.length;
    this.reconcile(ownerIdx);
  }

  /** The free whole GPUs of node n, at most the template's count, into gpuScratch: their count. */
  private freeWholeGpus(t: PodTemplate, n: number): number {
    const w = this.world;
    let k = 0;
    if (t.gpuMilli < MILLI_PER_GPU) return 0;
    for (let g = w.gpuStart[n]; g < w.gpuStart[n + 1] && k < t.gpus; g++) if (w.gpuMilliFree[g] === MILLI_PER_GPU) gpuScratch[k++] = g;
    return k;
  }

  /** The image is on the node already (a warm start's running pods pulled it before t = 0). */
  private markImagePresent(node: number, img: number, at: number): void {
    const local = node - this.info.nodeStart;
    const images = this.state.images.length;
    if (images <= IMAGE_ROWS_MAX) {
      const table = this.imageTable(images);
      if (Number.isNaN(table[local * images + img])) table[local * images + img] = at;
    } else if (!this.imageReadyAt.has(node * images + img)) {
      this.imageReadyAt.set(node * images + img, at);
    }
  }

  /** A new Pending pod of the owner; `queue` false for a pod its controller binds itself (DaemonSet). */
  private createPod(o: MemberOwner, ownerIdx: number, now: number, queue = true): number {
    const s = this.state;
    const w = s.workloads[o.workload];
    const id = s.pods.add(o.workload, ownerIdx, this.info.index, o.template.priority, now);
    o.pods.push(id);
    o.created++;
    w.created++;
    w.pending++;
    s.counters.podsPending[this.info.index]++;
    s.counters.cpuPending[this.info.index] += o.template.cpuMillis;
    s.counters.memPending[this.info.index] += o.template.memoryMiB;
    s.counters.gpuPending[this.info.index] += (o.template.gpus * o.template.gpuMilli) / MILLI_PER_GPU;
    // A pod for a scheduler that does not run here waits in no queue: it stays Pending. A pod its
    // controller binds itself (a DaemonSet's) waits in none either.
    if (o.scheduler < 0 || !queue) return id;
    this.insertPending(id);
    this.pendingFor[o.scheduler]++;
    this.requestCycle();
    return id;
  }

  private insertPending(id: number): void {
    const pr = this.pods.priority;
    const p = pr[id];
    const n = this.pendingN;
    if (n === this.pending.length) {
      const grown = new Int32Array(n * 2);
      grown.set(this.pending);
      this.pending = grown;
    }
    const a = this.pending;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const q = a[mid];
      if (pr[q] > p || (pr[q] === p && q < id)) lo = mid + 1;
      else hi = mid;
    }
    a.copyWithin(lo + 1, lo, n);
    a[lo] = id;
    this.pendingN = n + 1;
  }

  /** Take a pod out of the pending queue (no-op if it is not there). */
  private removePending(id: number): void {
    const a = this.pending;
    const n = this.pendingN;
    for (let i = 0; i < n; i++) {
      if (a[i] === id) {
        a.copyWithin(i, i + 1, n);
        this.pendingN = n - 1;
        this.pendingFor[this.owners[this.pods.owner[id]].scheduler]--;
        const sink = this.state.decisions;
        if (sink?.pending) this.pendingRemoved(this.pods.workload[id], sink.pending.bind(sink));
        return;
      }
    }
  }

  /** Remove a live pod (scale-down, eviction): free what it holds; it leaves its owner's list. */
  private terminate(id: number): void {
    const s = this.state;
    const pods = this.pods;
    const w = s.workloads[pods.workload[id]];
    const phase = pods.phase[id];
    if (phase === PodPhase.Pending) {
      this.removePending(id);
      w.pending--;
      s.counters.podsPending[this.info.index]--;
      const tp = this.template(id);
      s.counters.cpuPending[this.info.index] -= tp.cpuMillis;
      s.counters.memPending[this.info.index] -= tp.memoryMiB;
      s.counters.gpuPending[this.info.index] -= (tp.gpus * tp.gpuMilli) / MILLI_PER_GPU;
    } else if (phase === PodPhase.Starting || phase === PodPhase.Running) {
      if (phase === PodPhase.Running) {
        changeReady(w, this.info.index, -1, this.sim.now);
        s.counters.podsReady[this.info.index]--;
      }
      this.release(id);
    }
    pods.phase[id] = PodPhase.Terminated;
    pods.finished[id] = this.sim.now;
    const o = this.owners[pods.owner[id]];
    const k = o.pods.indexOf(id);
    if (k >= 0) removeAt(o.pods, k);
  }

  /** Free a bound pod's node resources. */
  private release(id: number): void {
    const s = this.state;
    const node = this.pods.node[id];
    const t = this.template(id);
    const world = this.world;
    world.cpuFree[node] += t.cpuMillis;
    world.memFree[node] += t.memoryMiB;
    world.podsFree[node] += 1;
    const w = this.workload(id);
    w.cost += (podCostPerHour(t, this.info.spec.prices) * (this.sim.now - this.pods.bound[id])) / 3600;
    // A Ready pod waiting for its gang stops holding its GPUs.
    if (w.spec.kind === 'Job' && Number.isNaN(w.gangStartedAt) && this.pods.phase[id] === PodPhase.Running && t.gpus > 0) {
      changeHeldGpus(w, -(t.gpus * t.gpuMilli) / MILLI_PER_GPU, this.sim.now);
    }
    const mask = this.pods.gpuMask[id];
    if (mask !== 0) {
      const lo = world.gpuStart[node];
      for (let b = 0, m = mask; m !== 0; b++, m >>= 1) {
        if ((m & 1) === 0) continue;
        const g = lo + b;
        world.gpuMilliFree[g] += t.gpuMilli;
        if (world.gpuMilliFree[g] === MILLI_PER_GPU) world.gpuFree[node]++;
      }
      this.pods.gpuMask[id] = 0;
    } else if (this.podGpus.size > 0) {
      const held = this.podGpus.get(id);
      if (held !== undefined) {
        for (let k = 0; k < held.length; k++) {
          const g = held[k];
          world.gpuMilliFree[g] += t.gpuMilli;
          if (world.gpuMilliFree[g] === MILLI_PER_GPU) world.gpuFree[node]++;
        }
        this.podGpus.delete(id);
      }
    }
    this.capacity.update(node);
    const c = this.info.index;
    s.counters.cpuUsed[c] -= t.cpuMillis;
    s.counters.memUsed[c] -= t.memoryMiB;
    s.counters.gpuUsed[c] -= (t.gpus * t.gpuMilli) / MILLI_PER_GPU;
    s.counters.podsBound[c]--;
    this.scorer.nodeChanged?.(this, node);
    if (this.daemonsShort.size) for (const o of [...this.daemonsShort]) this.reconcileDaemon(o);
    this.requestCycle();
    this.state.onCapacityFreed(this.info.index);
  }

  // ------------------------------------------------------------------------------------------
  // Scheduling cycles and kubelet events

  private requestCycle(): void {
    if (this.pendingN === 0) return;
    for (let k = 0; k < this.schedulers.length; k++) {
      if (this.cycleQueued[k] || this.pendingFor[k] === 0) continue;
      this.cycleQueued[k] = true;
      const period = this.schedulers[k].period;
      const now = this.sim.now;
      const at = period ? (Math.floor(now / period + 1e-9) + 1) * period : now;
      this.sim.schedule(at, this, Kind.MemberSchedule, k, Prio.Cycle);
    }
  }

  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    switch (kind) {
      case Kind.MemberSchedule:
        this.cycleQueued[data as number] = false;
        this.runCycle(data as number);
        break;
      case Kind.PodReady:
        this.podReady(data as number, sim);
        break;
      case Kind.PodFinish:
        this.podFinish(data as number);
        break;
      default:
        throw new Error(`member cluster: unknown event kind ${kind}`);
    }
  }

  /** One cycle of scheduler k over the pending pods that are its own. */
  private runCycle(k: number): void {
    if (this.pendingN === 0) return;
    this.preemption?.newCycle();
    if (this.cycleCopy.length < this.pendingN) this.cycleCopy = new Int32Array(this.pending.length);
    const copy = this.cycleCopy;
    const from = this.pending;
    let count = 0;
    if (this.schedulers.length === 1) {
      for (; count < this.pendingN; count++) copy[count] = from[count];
    } else {
      for (let i = 0; i < this.pendingN; i++) if (this.owners[this.pods.owner[from[i]]].scheduler === k) copy[count++] = from[i];
    }
    if (count > 0) this.schedulers[k].cycle(this, copy, count);
    const phase = this.pods.phase;
    this.failUnschedulableTracePods();
    // Keep the still Pending, in order, in place, and count them per scheduler.
    const a = this.pending;
    let n = 0;
    this.pendingFor.fill(0);
    for (let i = 0; i < this.pendingN; i++) {
      if (phase[a[i]] !== PodPhase.Pending) continue;
      a[n++] = a[i];
      if (this.schedulers.length > 1) this.pendingFor[this.owners[this.pods.owner[a[i]]].scheduler]++;
    }
    this.pendingN = n;
    if (this.schedulers.length === 1) this.pendingFor[0] = n;
    if (this.state.decisions?.pending) this.reportPending(this.state.decisions.pending.bind(this.state.decisions));
    // A periodic scheduler keeps its session going while its pods wait.
    if (this.schedulers[k].period && this.pendingFor[k] > 0) this.requestCycle();
  }

  /** Workloads reported Pending here after the last cycle (for `reportPending`). */
  private reportedPending = new Set<number>();

  /**
   * Tell the decision sink which workloads still have Pending pods after this cycle, and why (the
   * scheduler's reason for the first of them: a workload's pods share one template), and which
   * have none any more. The FitError is worked out once per pod shape (the Jobs of a stream share
   * one), so a cycle costs a pass over the nodes per shape, not per pod.
   */
  private reportPending(sink: (t: number, workload: number, cluster: number, reason: string | null) => void): void {
    const now = this.sim.now;
    const c = this.info.index;
    const seen = new Set<number>();
    const byShape = new Map<string, string>();
    for (let i = 0; i < this.pendingN; i++) {
      const pod = this.pending[i];
      const wi = this.pods.workload[pod];
      if (seen.has(wi)) continue;
      seen.add(wi);
      // In the words of the scheduler that has the pod (a Volcano member also runs kube-scheduler).
      const sched = this.schedulers[this.owners[this.pods.owner[pod]].scheduler] ?? this.scheduler;
      let reason: string;
      if (sched.whyPending) reason = sched.whyPending(this, pod);
      else {
        const t = this.template(pod);
        const shape = `${t.cpuMillis}/${t.memoryMiB}/${t.gpus}/${t.gpuMilli}/${t.gpuModels.join(',')}/${t.preemptionPolicy}${t.nodeSelection ? JSON.stringify(t.nodeSelection) : ''}`;
        let r = byShape.get(shape);
        if (r === undefined) byShape.set(shape, (r = fitError(this, pod)));
        reason = r;
      }
      sink(now, wi, c, reason);
    }
    for (const wi of this.reportedPending) if (!seen.has(wi)) sink(now, wi, c, null);
    this.reportedPending = seen;
  }

  /** A pod left the queue outside a cycle (deleted, evicted): its workload's last one ends its wait here. */
  private pendingRemoved(wi: number, sink: (t: number, workload: number, cluster: number, reason: string | null) => void): void {
    if (!this.reportedPending.has(wi)) return;
    for (let i = 0; i < this.pendingN; i++) if (this.pods.workload[this.pending[i]] === wi) return;
    this.reportedPending.delete(wi);
    sink(this.sim.now, wi, this.info.index, null);
  }

  /**
   * A paper-mode trace pod does not wait (the FGD paper's simulator has no queue): still Pending
   * after a scheduling cycle, it fits on no node and fails. Its one-pod owner is done, not retried.
   */
  private failUnschedulableTracePods(): void {
    const phase = this.pods.phase;
    let failing: number[] | null = null;
    for (let i = 0; i < this.pendingN; i++) {
      const id = this.pending[i];
      if (phase[id] === PodPhase.Pending && this.workload(id).spec.trace?.failUnschedulable) (failing ??= []).push(id);
    }
    if (!failing) return;
    for (const id of failing) {
      const w = this.workload(id);
      const o = this.owners[this.pods.owner[id]];
      this.terminate(id);
      o.active--;
      o.done = true;
      w.openParts--;
      w.schedulingError = 'Unschedulable: fits on no node (paper mode: no waiting queue)';
    }
  }

  private podReady(id: number, sim: Simulation): void {
    const s = this.state;
    const pods = this.pods;
    if (pods.phase[id] !== PodPhase.Starting) return; // deleted while starting
    pods.phase[id] = PodPhase.Running;
    pods.ready[id] = sim.now;
    const w = s.workloads[pods.workload[id]];
    changeReady(w, this.info.index, 1, sim.now);
    s.counters.podsReady[this.info.index]++;
    if (w.ready >= w.desired && Number.isNaN(w.allReadyAt)) w.allReadyAt = sim.now;
    const ownerIdx = pods.owner[id];
    const owner = this.owners[ownerIdx];
    if (owner.controller === 'ordered') this.reconcile(ownerIdx);
    if (owner.task) this.reconcileDependents(owner);
    if (w.spec.trace) {
      // A trace's pod runs for its own run time (Infinity in paper mode: it never leaves).
      if (w.spec.trace.runTime < Infinity) sim.scheduleAfter(w.spec.trace.runTime, this, Kind.PodFinish, id, Prio.Fact);
    } else if (w.spec.kind === 'Job') {
      this.jobPodReady(w, id, sim.now);
    }
  }

  /**
   * A Job's pod is Ready. A Job makes progress only once `minAvailable` of its pods are Ready
   * together, anywhere in the fleet (a distributed training job's workers): until then Ready pods
   * wait, holding their resources; when the gang is complete every waiting pod starts its run
   * clock, and later pods start theirs as soon as they are Ready.
   */
  private jobPodReady(w: RuntimeWorkload, id: number, now: number): void {
    if (!Number.isNaN(w.gangStartedAt)) {
      this.startRunClock(id);
      return;
    }
    w.waitingPods.push(id);
    const t = this.template(id);
    if (t.gpus > 0) changeHeldGpus(w, (t.gpus * t.gpuMilli) / MILLI_PER_GPU, now);
    this.state.decisions?.gang?.(now, w.index, w.ready, w.minAvailable);
    if (w.ready < w.minAvailable) return;
    w.gangStartedAt = now;
    changeHeldGpus(w, -w.heldGpus, now);
    const waiting = w.waitingPods;
    w.waitingPods = [];
    for (const p of waiting) {
      if (this.pods.phase[p] !== PodPhase.Running) continue;
      this.state.members[this.pods.cluster[p]].startRunClock(p);
    }
  }

  /** Start a Ready Job pod's run: it succeeds after a duration drawn from the Job's distribution. */
  startRunClock(id: number): void {
    const w = this.workload(id);
    this.sim.scheduleAfter(this.durationSampler(w.index, w.spec as JobSpec).sampler.sample(), this, Kind.PodFinish, id, Prio.Fact);
  }

  private durationSampler(workload: number, spec: JobSpec): { sampler: Sampler; stream: string } {
    let d = this.durations.get(workload);
    if (!d) {
      // One stream per (job, cluster): adding a job or a cluster never shifts another's draws.
      const stream = `job-duration/${spec.namespace}/${spec.name}/${this.info.name}`;
      d = { sampler: makeSampler(spec.duration, this.sim.stream(stream)), stream };
      this.durations.set(workload, d);
    }
    return d;
  }

  private podFinish(id: number): void {
    const s = this.state;
    const pods = this.pods;
    if (pods.phase[id] !== PodPhase.Running) return;
    const w = s.workloads[pods.workload[id]];
    changeReady(w, this.info.index, -1, this.sim.now);
    s.counters.podsReady[this.info.index]--;
    this.release(id);
    pods.phase[id] = PodPhase.Succeeded;
    pods.finished[id] = this.sim.now;
    w.succeeded++;
    const ownerIdx = pods.owner[id];
    const o = this.owners[ownerIdx];
    const k = o.pods.indexOf(id);
    if (k >= 0) removeAt(o.pods, k);
    o.active--;
    o.succeeded++;
    this.reconcile(ownerIdx);
    if (o.task) this.reconcileDependents(o);
  }
}
