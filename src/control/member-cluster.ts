import { makeSampler, type EventHandler, type Sampler, type Simulation } from '../kernel/index.js';
import type { ClusterInfo } from '../model/world.js';
import type { JobSpec } from '../scenario/types.js';
import { PodPhase } from './pods.js';
import { Kind, Prio, type RunState } from './state.js';

/** A workload's share in one member cluster (what a Work object creates there). */
interface MemberOwner {
  workload: number;
  kind: 'Deployment' | 'Job';
  /** Deployment: replicas. Job: parallelism here. */
  replicas: number;
  /** Job only: completions to reach here. */
  completions: number;
  active: number;
  succeeded: number;
  done: boolean;
  /** Live pods (Deployment), for scale-down. */
  pods: number[];
}

/**
 * One member cluster: a kube-scheduler and the kubelets of its nodes.
 *
 * kube-scheduler: pending pods wait in one active queue ordered by pod priority (higher first),
 * then creation order. A scheduling cycle tries every pending pod in that order; a pod binds to
 * the feasible node (free cpu, memory, pod slots, whole GPUs) with the best NodeResourcesFit
 * score — LeastAllocated by default, MostAllocated if the cluster says so — computed as
 * Kubernetes does: per resource (cpu, memory, equal weights) `(allocatable - requested) * 100 /
 * allocatable` (or `requested * 100 / allocatable`) after adding the pod, integer arithmetic, averaged.
 * Kubernetes picks at random among equally scored nodes; fleetsim takes the lowest node id, so
 * runs are deterministic. Pods that fit nowhere stay Pending and are retried in the next cycle,
 * which runs whenever pods are added or resources are freed.
 *
 * kubelet: the image is pulled unless the node has it (image pulls are serialised per node, as
 * with the kubelet's default `serializeImagePulls: true`; a pod whose image is already being
 * pulled waits for that pull). Pull time = 2 x one-way latency + size / bandwidth between the
 * registry's region and the cluster's. Then the container starts (`startup`) and the pod is Ready.
 * Job pods run for a duration drawn from the job's distribution, then succeed and free their node.
 */
export class MemberCluster implements EventHandler {
  readonly info: ClusterInfo;
  private readonly state: RunState;
  private readonly mostAllocated: boolean;
  /** Pending pod ids, sorted by (priority desc, id asc). */
  private pending: number[] = [];
  private cycleQueued = false;
  private readonly owners: MemberOwner[] = [];
  /** (node * images + image) → time the image is present on the node. */
  private readonly imageReadyAt = new Map<number, number>();
  /** Per node (index from nodeStart): the time its image puller is free. */
  private readonly pullerFreeAt: Float64Array;
  private readonly durations = new Map<number, Sampler>();

  constructor(state: RunState, info: ClusterInfo) {
    this.state = state;
    this.info = info;
    this.mostAllocated = info.spec.nodeScoring === 'MostAllocated';
    this.pullerFreeAt = new Float64Array(info.nodeEnd - info.nodeStart);
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Apply a Work: the workload should have `replicas` (a Job: parallelism, with `completions`)
   * here. Creates the owner on first delivery; a later delivery scales it.
   */
  applyWork(workload: number, replicas: number, completions: number): void {
    const spec = this.state.workloads[workload].spec;
    let owner = this.owners.findIndex((o) => o.workload === workload);
    if (owner < 0) {
      owner = this.owners.length;
      this.owners.push({ workload, kind: spec.kind, replicas: 0, completions, active: 0, succeeded: 0, done: false, pods: [] });
      if (spec.kind === 'Job') this.state.workloads[workload].openParts++;
    }
    const o = this.owners[owner];
    o.replicas = replicas;
    o.completions = completions;
    this.reconcile(owner);
  }

  /** Bring an owner's pods to what it wants (the Deployment / Job controller's job). */
  private reconcile(ownerIdx: number): void {
    const o = this.owners[ownerIdx];
    const now = this.state.sim.now;
    if (o.kind === 'Deployment') {
      while (o.pods.length < o.replicas) o.pods.push(this.createPod(o, ownerIdx, now));
      while (o.pods.length > o.replicas) this.deletePod(o.pods.pop()!);
      return;
    }
    if (o.done) return;
    if (o.succeeded >= o.completions) {
      o.done = true;
      const w = this.state.workloads[o.workload];
      if (--w.openParts === 0 && Number.isNaN(w.completedAt)) w.completedAt = now;
      return;
    }
    while (o.active < o.replicas && o.succeeded + o.active < o.completions) {
      this.createPod(o, ownerIdx, now);
      o.active++;
    }
  }

  private createPod(o: MemberOwner, ownerIdx: number, now: number): number {
    const s = this.state;
    const w = s.workloads[o.workload];
    const id = s.pods.add(o.workload, ownerIdx, this.info.index, w.spec.template.priority, now);
    w.created++;
    w.pending++;
    s.counters.podsPending[this.info.index]++;
    this.insertPending(id);
    this.requestCycle();
    return id;
  }

  private insertPending(id: number): void {
    const pr = this.state.pods.priority;
    const p = pr[id];
    // Binary search for the first entry that should come after `id`.
    let lo = 0;
    let hi = this.pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const q = this.pending[mid];
      if (pr[q] > p || (pr[q] === p && q < id)) lo = mid + 1;
      else hi = mid;
    }
    this.pending.splice(lo, 0, id);
  }

  private deletePod(id: number): void {
    const s = this.state;
    const pods = s.pods;
    const w = s.workloads[pods.workload[id]];
    const phase = pods.phase[id];
    if (phase === PodPhase.Pending) {
      const i = this.pending.indexOf(id);
      if (i >= 0) this.pending.splice(i, 1);
      w.pending--;
      s.counters.podsPending[this.info.index]--;
    } else if (phase === PodPhase.Starting || phase === PodPhase.Running) {
      if (phase === PodPhase.Running) {
        w.ready--;
        s.counters.podsReady[this.info.index]--;
      }
      this.release(id);
    }
    pods.phase[id] = PodPhase.Terminated;
    pods.finished[id] = s.sim.now;
  }

  /** Free a bound pod's node resources. */
  private release(id: number): void {
    const s = this.state;
    const node = s.pods.node[id];
    const t = s.workloads[s.pods.workload[id]].spec.template;
    const world = s.world;
    world.cpuFree[node] += t.cpuMillis;
    world.memFree[node] += t.memoryMiB;
    world.podsFree[node] += 1;
    world.gpuFree[node] += t.gpus;
    const c = this.info.index;
    s.counters.cpuUsed[c] -= t.cpuMillis;
    s.counters.memUsed[c] -= t.memoryMiB;
    s.counters.gpuUsed[c] -= t.gpus;
    s.counters.podsBound[c]--;
    this.requestCycle();
  }

  private requestCycle(): void {
    if (this.cycleQueued || this.pending.length === 0) return;
    this.cycleQueued = true;
    this.state.sim.scheduleAfter(0, this, Kind.MemberSchedule, null, Prio.Cycle);
  }

  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    switch (kind) {
      case Kind.MemberSchedule:
        this.cycleQueued = false;
        this.schedulingCycle();
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

  /** Try every pending pod once, in queue order. */
  private schedulingCycle(): void {
    const s = this.state;
    const pods = s.pods;
    const still: number[] = [];
    // Largest free amount of each resource on any ready node: a pod asking for more cannot fit anywhere.
    let maxCpu = 0;
    let maxMem = 0;
    let maxGpu = 0;
    let maxPods = 0;
    const world = s.world;
    for (let n = this.info.nodeStart; n < this.info.nodeEnd; n++) {
      if (!world.nodeReady[n]) continue;
      if (world.cpuFree[n] > maxCpu) maxCpu = world.cpuFree[n];
      if (world.memFree[n] > maxMem) maxMem = world.memFree[n];
      if (world.gpuFree[n] > maxGpu) maxGpu = world.gpuFree[n];
      if (world.podsFree[n] > maxPods) maxPods = world.podsFree[n];
    }
    for (const id of this.pending) {
      const t = s.workloads[pods.workload[id]].spec.template;
      if (maxPods < 1 || t.cpuMillis > maxCpu || t.memoryMiB > maxMem || t.gpus > maxGpu) {
        still.push(id);
        continue;
      }
      const node = this.pickNode(t.cpuMillis, t.memoryMiB, t.gpus);
      if (node < 0) {
        still.push(id);
        continue;
      }
      this.bind(id, node);
      // Keep the bounds exact enough: recompute only if this node held a maximum.
      maxCpu = maxMem = maxGpu = maxPods = 0;
      for (let n = this.info.nodeStart; n < this.info.nodeEnd; n++) {
        if (!world.nodeReady[n]) continue;
        if (world.cpuFree[n] > maxCpu) maxCpu = world.cpuFree[n];
        if (world.memFree[n] > maxMem) maxMem = world.memFree[n];
        if (world.gpuFree[n] > maxGpu) maxGpu = world.gpuFree[n];
        if (world.podsFree[n] > maxPods) maxPods = world.podsFree[n];
      }
    }
    this.pending = still;
  }

  /** The feasible node with the best NodeResourcesFit score; ties → lowest node id. -1 if none fits. */
  pickNode(cpu: number, mem: number, gpus: number): number {
    const w = this.state.world;
    let best = -1;
    let bestScore = -1;
    for (let n = this.info.nodeStart; n < this.info.nodeEnd; n++) {
      if (!w.nodeReady[n] || w.podsFree[n] < 1 || w.cpuFree[n] < cpu || w.memFree[n] < mem || w.gpuFree[n] < gpus) continue;
      const score = this.fitScore(n, cpu, mem);
      if (score > bestScore) {
        bestScore = score;
        best = n;
      }
    }
    return best;
  }

  /** NodeResourcesFit score (0..100) of placing (cpu, mem) on node n, Kubernetes' integer arithmetic. */
  fitScore(n: number, cpu: number, mem: number): number {
    const w = this.state.world;
    const ca = w.cpuAlloc[n];
    const ma = w.memAlloc[n];
    const cpuReq = ca - w.cpuFree[n] + cpu;
    const memReq = ma - w.memFree[n] + mem;
    let cs: number;
    let ms: number;
    if (this.mostAllocated) {
      cs = ca === 0 ? 0 : Math.floor((Math.min(cpuReq, ca) * 100) / ca);
      ms = ma === 0 ? 0 : Math.floor((Math.min(memReq, ma) * 100) / ma);
    } else {
      cs = ca === 0 || cpuReq > ca ? 0 : Math.floor(((ca - cpuReq) * 100) / ca);
      ms = ma === 0 || memReq > ma ? 0 : Math.floor(((ma - memReq) * 100) / ma);
    }
    return Math.floor((cs + ms) / 2);
  }

  private bind(id: number, node: number): void {
    const s = this.state;
    const pods = s.pods;
    const sim = s.sim;
    const now = sim.now;
    const w = s.workloads[pods.workload[id]];
    const t = w.spec.template;
    const world = s.world;
    world.cpuFree[node] -= t.cpuMillis;
    world.memFree[node] -= t.memoryMiB;
    world.podsFree[node] -= 1;
    world.gpuFree[node] -= t.gpus;
    const c = this.info.index;
    s.counters.cpuUsed[c] += t.cpuMillis;
    s.counters.memUsed[c] += t.memoryMiB;
    s.counters.gpuUsed[c] += t.gpus;
    s.counters.podsBound[c]++;
    s.counters.podsPending[c]--;
    pods.node[id] = node;
    pods.phase[id] = PodPhase.Starting;
    pods.bound[id] = now;
    w.pending--;
    w.bound++;
    if (w.bound === w.desired && Number.isNaN(w.allBoundAt)) w.allBoundAt = now;

    // kubelet: image present, being pulled, or to be pulled after the node's current pull.
    const img = s.imageId(t.image);
    const key = node * s.images.length + img;
    let present = this.imageReadyAt.get(key);
    if (present === undefined) {
      const local = node - this.info.nodeStart;
      const start = Math.max(now, this.pullerFreeAt[local]);
      const net = s.world.network;
      present = start + net.transferTime(net.regionIndex(t.registryRegion), this.info.regionIndex, t.imageSizeBytes);
      this.pullerFreeAt[local] = present;
      this.imageReadyAt.set(key, present);
    }
    sim.schedule(Math.max(now, present) + t.startup, this, Kind.PodReady, id, Prio.Fact);
  }

  private podReady(id: number, sim: Simulation): void {
    const s = this.state;
    const pods = s.pods;
    if (pods.phase[id] !== PodPhase.Starting) return; // deleted while starting
    pods.phase[id] = PodPhase.Running;
    pods.ready[id] = sim.now;
    const w = s.workloads[pods.workload[id]];
    w.ready++;
    s.counters.podsReady[this.info.index]++;
    if (w.ready >= w.desired && Number.isNaN(w.allReadyAt)) w.allReadyAt = sim.now;
    if (w.spec.kind === 'Job') {
      sim.scheduleAfter(this.durationSampler(w.index, w.spec).sample(), this, Kind.PodFinish, id, Prio.Fact);
    }
  }

  private durationSampler(workload: number, spec: JobSpec): Sampler {
    let d = this.durations.get(workload);
    if (!d) {
      // One stream per (job, cluster): adding a job or a cluster never shifts another's draws.
      d = makeSampler(spec.duration, this.state.sim.stream(`job-duration/${spec.namespace}/${spec.name}/${this.info.name}`));
      this.durations.set(workload, d);
    }
    return d;
  }

  private podFinish(id: number): void {
    const s = this.state;
    const pods = s.pods;
    if (pods.phase[id] !== PodPhase.Running) return;
    const w = s.workloads[pods.workload[id]];
    w.ready--;
    s.counters.podsReady[this.info.index]--;
    this.release(id);
    pods.phase[id] = PodPhase.Succeeded;
    pods.finished[id] = s.sim.now;
    w.succeeded++;
    const ownerIdx = pods.owner[id];
    const o = this.owners[ownerIdx];
    o.active--;
    o.succeeded++;
    this.reconcile(ownerIdx);
  }
}
