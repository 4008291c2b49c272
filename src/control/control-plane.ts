import type { EventHandler, Simulation } from '../kernel/index.js';
import { Dispenser, resolveStrategyType, type Placement as KarmadaPlacement, type TargetCluster } from '../placement/karmada/index.js';
import { matchPolicy } from '../placement/policy-match.js';
import type { BindingRequest, ClusterView, FleetScheduler } from '../placement/registry.js';
import type { Placement, PolicySpec } from '../scenario/types.js';
import type { MemberCluster } from './member-cluster.js';
import { Kind, Prio, type RunState } from './state.js';

/** A ResourceBinding: one workload's placement state in the control plane. */
interface Binding {
  workload: number;
  policy: PolicySpec | null;
  placement: Placement;
  previous: TargetCluster[];
  attempts: number;
}

interface WorkDelivery {
  binding: number;
  cluster: number;
  replicas: number;
  completions: number;
}

/**
 * What every member cluster serves (a member's `status.apiEnablements`): the built-in Kubernetes
 * workload APIs, which Karmada's APIEnablement filter checks a workload's apiVersion/kind against.
 */
const STANDARD_API_ENABLEMENTS = [
  { groupVersion: 'v1', resources: [{ kind: 'Pod' }, { kind: 'Service' }, { kind: 'ConfigMap' }, { kind: 'Secret' }, { kind: 'Namespace' }] },
  { groupVersion: 'apps/v1', resources: [{ kind: 'Deployment' }, { kind: 'StatefulSet' }, { kind: 'DaemonSet' }, { kind: 'ReplicaSet' }] },
  { groupVersion: 'batch/v1', resources: [{ kind: 'Job' }, { kind: 'CronJob' }] },
];

/** Karmada's binding backoff: 1 s doubling to 10 s; unschedulable bindings come back after 5 min. */
const BACKOFF_INITIAL = 1;
const BACKOFF_MAX = 10;
const UNSCHEDULABLE_RETRY = 300;

/**
 * The Karmada control plane, first cut: a workload's creation makes a ResourceBinding (its
 * policy matched as Karmada's detector does), the binding waits in a FIFO scheduling queue and
 * takes `schedulingLatency` to schedule, the fleet scheduler decides the target clusters, and a
 * Work per target cluster reaches the member after the control plane → member network latency.
 * A workload no policy claims is not propagated (as in Karmada) and is reported as such.
 */
export class ControlPlane implements EventHandler {
  private readonly state: RunState;
  private readonly scheduler: FleetScheduler;
  private readonly members: MemberCluster[];
  private readonly bindings: Binding[] = [];
  private busyUntil = 0;
  private readonly regionIndex: number;

  constructor(state: RunState, scheduler: FleetScheduler, members: MemberCluster[]) {
    this.state = state;
    this.scheduler = scheduler;
    this.members = members;
    this.regionIndex = state.world.network.regionIndex(state.scenario.controlPlane.region);
  }

  /** Schedule every workload's creation. */
  start(): void {
    for (const w of this.state.workloads) {
      this.state.sim.schedule(w.spec.arrival, this, Kind.WorkloadArrive, w.index, Prio.Fact);
    }
  }

  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    switch (kind) {
      case Kind.WorkloadArrive:
        this.arrive(data as number);
        break;
      case Kind.ScheduleBinding:
        this.scheduleBinding(data as number, sim);
        break;
      case Kind.DeliverWork: {
        const d = data as WorkDelivery;
        this.members[d.cluster].applyWork(this.bindings[d.binding].workload, d.replicas, d.completions);
        break;
      }
      default:
        throw new Error(`control plane: unknown event kind ${kind}`);
    }
  }

  private arrive(workload: number): void {
    const w = this.state.workloads[workload];
    const policy = w.spec.placement ? null : matchPolicy(this.state.scenario.policies, w.spec);
    const placement = w.spec.placement ?? policy?.placement;
    if (!placement) {
      w.schedulingError = 'no PropagationPolicy matches this workload; it is not propagated';
      return;
    }
    const b = this.bindings.length;
    this.bindings.push({ workload, policy, placement, previous: [], attempts: 0 });
    this.enqueue(b, 0);
  }

  /** The scheduler handles one binding at a time, `schedulingLatency` each. */
  private enqueue(binding: number, delay: number): void {
    const sim = this.state.sim;
    const start = Math.max(sim.now + delay, this.busyUntil);
    const done = start + this.state.scenario.controlPlane.schedulingLatency;
    this.busyUntil = done;
    sim.schedule(done, this, Kind.ScheduleBinding, binding, Prio.Control);
  }

  /** What the scheduler sees of each member cluster (live resource summaries, for now). */
  clusterViews(): ClusterView[] {
    const s = this.state;
    const c = s.counters;
    return s.world.clusters
      .filter((ci) => ci.spec.role === 'member')
      .map((ci) => ({
        name: ci.name,
        region: ci.spec.region,
        zones: ci.spec.zones,
        provider: ci.spec.provider,
        labels: ci.spec.labels,
        taints: ci.spec.taints,
        ready: true,
        apiEnablements: STANDARD_API_ENABLEMENTS,
        completeAPIEnablements: true,
        spot: ci.spec.spot,
        prices: ci.spec.prices,
        resourceSummary: {
          allocatable: { cpu: c.cpuAlloc[ci.index], memory: c.memAlloc[ci.index] * 2 ** 20, pods: c.podsAlloc[ci.index], 'nvidia.com/gpu': c.gpuAlloc[ci.index] },
          allocated: { cpu: c.cpuUsed[ci.index], memory: c.memUsed[ci.index] * 2 ** 20, pods: c.podsBound[ci.index] + c.podsPending[ci.index], 'nvidia.com/gpu': c.gpuUsed[ci.index] },
        },
      }));
  }

  private scheduleBinding(bi: number, sim: Simulation): void {
    const b = this.bindings[bi];
    const w = this.state.workloads[b.workload];
    const spec = w.spec;
    const t = spec.template;
    const replicas = spec.kind === 'Deployment' ? spec.replicas : spec.parallelism;
    const req: BindingRequest = {
      uid: spec.uid,
      workload: spec,
      replicas,
      replicaRequirements: { cpu: t.cpuMillis, memory: t.memoryMiB * 2 ** 20, pods: 1, ...(t.gpus ? { 'nvidia.com/gpu': t.gpus } : {}) },
      placement: b.placement,
      policy: b.policy,
      previous: b.previous,
    };
    const out = this.scheduler.schedule(req, this.clusterViews());
    b.attempts++;
    if (!out.ok) {
      w.schedulingError = `${out.kind}: ${out.message}`;
      if (out.kind === 'FitError') {
        this.apply(bi, []);
        return;
      }
      const delay = out.kind === 'Unschedulable' ? UNSCHEDULABLE_RETRY : Math.min(BACKOFF_MAX, BACKOFF_INITIAL * 2 ** (b.attempts - 1));
      this.enqueue(bi, delay);
      return;
    }
    w.schedulingError = '';
    if (Number.isNaN(w.firstPlacedAt)) w.firstPlacedAt = sim.now;
    this.apply(bi, out.clusters);
  }

  /** Replace the binding's result and send each member the Work it should now have. */
  private apply(bi: number, clusters: TargetCluster[]): void {
    const b = this.bindings[bi];
    const w = this.state.workloads[b.workload];
    const spec = w.spec;
    const world = this.state.world;
    const sim = this.state.sim;
    // A Job's completions are divided in proportion to the parallelism each cluster got (Webster).
    const completions = new Map<string, number>();
    if (spec.kind === 'Job') {
      if (resolveStrategyType(b.placement as KarmadaPlacement) === 'Duplicated') for (const c of clusters) completions.set(c.name, spec.completions);
      else {
        const shares = new Dispenser(spec.completions, null, spec.uid).allocateByWeight(clusters.map((c) => ({ clusterName: c.name, weight: c.replicas })));
        for (const s of shares) completions.set(s.name, s.replicas);
      }
    }
    const names = new Set(clusters.map((c) => c.name));
    const deliveries: WorkDelivery[] = [];
    for (const c of clusters) {
      const ci = world.clusterByName.get(c.name);
      if (!ci) throw new Error(`scheduler ${this.scheduler.name} placed replicas on unknown cluster ${c.name}`);
      deliveries.push({ binding: bi, cluster: ci.index, replicas: c.replicas, completions: completions.get(c.name) ?? 0 });
    }
    for (const p of b.previous) {
      if (!names.has(p.name)) deliveries.push({ binding: bi, cluster: world.clusterByName.get(p.name)!.index, replicas: 0, completions: 0 });
    }
    for (const d of deliveries) {
      const latency = world.network.latency(this.regionIndex, world.clusters[d.cluster].regionIndex);
      sim.scheduleAfter(latency, this, Kind.DeliverWork, d, Prio.Fact);
    }
    b.previous = clusters.map((c) => ({ name: c.name, replicas: c.replicas }));
    w.placement = b.previous;
  }
}
