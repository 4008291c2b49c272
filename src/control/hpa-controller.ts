import { decideReplicas, newHpaMemory, replicasForMetric, type HpaMemory } from '../autoscale/hpa.js';
import type { EventHandler, Simulation } from '../kernel/index.js';
import type { DeploymentSpec } from '../scenario/types.js';
import type { AutoscalerSpec } from '../traffic/spec.js';
import type { ControlPlane } from './control-plane.js';
import type { MemberCluster } from './member-cluster.js';
import { PodPhase } from './pods.js';
import { Prio, type RunState } from './state.js';
import type { TrafficModel } from './traffic-model.js';

const HPA_SYNC = 74;
/** The window a metrics pipeline averages over (metrics-server reports CPU as a rate over ~30 s). */
export const METRIC_WINDOW = 30;

export interface AutoscalerDecision {
  t: number;
  from: number;
  to: number;
  reason: string;
}

export interface AutoscalerResult {
  name: string;
  kind: 'FederatedHPA' | 'CronFederatedHPA';
  workload: string;
  minReplicas: number;
  maxReplicas: number;
  /** Per sync: time, spec replicas after the decision, ready pods, and each metric's value as seen (utilisation %, or per-pod value). */
  series: { t: number[]; desired: number[]; ready: number[]; metrics: Record<string, (number | null)[]> };
  decisions: AutoscalerDecision[];
}

/**
 * Karmada FederatedHPA: every `syncPeriod` (15 s, Karmada's --horizontal-pod-autoscaler-sync-period)
 * it reads the workload's metrics as the metrics pipeline saw them `metricDelay` seconds ago
 * (the mean over METRIC_WINDOW seconds ending then), computes the HPA algorithm
 * (`autoscale/hpa.ts`) and scales the resource template (`ControlPlane.setReplicas`), which
 * Karmada then divides over the clusters by the workload's policy.
 *
 * Metrics (from the traffic model, summed over the clusters, primary pods only):
 * - cpu Utilization: a replica busy serving uses 100 % of its CPU request, an idle one 0 %, so the
 *   utilisation is 100 × mean busy servers / mean ready pods;
 * - requests_per_second (Pods, AverageValue): tries served per second per ready pod.
 * Ready pods are counted now (Running, in every member); live pods not Running yet are the
 * unready ones of the HPA algorithm.
 */
export class HpaController implements EventHandler {
  private readonly state: RunState;
  private readonly cp: ControlPlane;
  private readonly members: MemberCluster[];
  private readonly traffic: TrafficModel;
  private readonly specs: AutoscalerSpec[];
  private readonly memory: HpaMemory[];
  private readonly out: AutoscalerResult[];
  private readonly workloads: number[];

  constructor(state: RunState, cp: ControlPlane, members: MemberCluster[], traffic: TrafficModel, specs: AutoscalerSpec[]) {
    this.state = state;
    this.cp = cp;
    this.members = members;
    this.traffic = traffic;
    // Own copies: a CronFederatedHPA may change a FederatedHPA's bounds during the run.
    this.specs = specs.map((a) => ({ ...a }));
    this.memory = specs.map(() => newHpaMemory());
    this.workloads = specs.map((a) => {
      const w = state.workloads.find((x) => x.spec.kind === 'Deployment' && x.spec.namespace === a.namespace && x.spec.name === a.workload);
      if (!w) throw new Error(`autoscaler ${a.name}: no Deployment ${a.namespace}/${a.workload}`);
      return w.index;
    });
    this.out = specs.map((a) => ({
      name: a.name,
      kind: a.kind,
      workload: `${a.namespace}/${a.workload}`,
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      series: { t: [], desired: [], ready: [], metrics: Object.fromEntries(a.metrics.map((m) => [metricName(m), []])) },
      decisions: [],
    }));
  }

  start(): void {
    this.specs.forEach((a, i) => {
      const at = Math.max(a.syncPeriod, this.state.workloads[this.workloads[i]].spec.arrival);
      if (at <= this.state.scenario.duration) this.state.sim.schedule(at, this, HPA_SYNC, i, Prio.Control);
    });
  }

  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    if (kind !== HPA_SYNC) throw new Error(`hpa controller: unknown event kind ${kind}`);
    const i = data as number;
    this.sync(i, sim.now);
    const next = sim.now + this.specs[i].syncPeriod;
    if (next <= this.state.scenario.duration) sim.schedule(next, this, HPA_SYNC, i, Prio.Control);
  }

  results(): AutoscalerResult[] {
    return this.out;
  }

  /**
   * A CronFederatedHPA rule sets a FederatedHPA's bounds (karmada cronfederatedhpa_job.go
   * ScaleFHPA); the next sync brings the replicas within them. False: no such FederatedHPA.
   */
  setBounds(namespace: string, name: string, min: number | null, max: number | null, now: number, reason: string): boolean {
    const i = this.specs.findIndex((a) => a.namespace === namespace && a.name === name);
    if (i < 0) return false;
    const a = this.specs[i];
    const next = { minReplicas: min ?? a.minReplicas, maxReplicas: max ?? a.maxReplicas };
    if (next.minReplicas !== a.minReplicas || next.maxReplicas !== a.maxReplicas) {
      this.specs[i] = { ...a, ...next };
      const current = (this.state.workloads[this.workloads[i]].spec as DeploymentSpec).replicas;
      this.out[i].decisions.push({ t: now, from: current, to: current, reason: `${reason}: minReplicas ${next.minReplicas}, maxReplicas ${next.maxReplicas}` });
    }
    return true;
  }

  private sync(i: number, now: number): void {
    const a = this.specs[i];
    const wi = this.workloads[i];
    const w = this.state.workloads[wi];
    const current = (w.spec as DeploymentSpec).replicas;
    let ready = 0;
    let live = 0;
    for (const m of this.members) {
      const o = m.owners.find((x) => x.workload === wi);
      if (!o) continue;
      for (const p of o.pods) {
        live++;
        if (this.state.pods.phase[p] === PodPhase.Running) ready++;
      }
    }
    const to = now - a.metricDelay;
    const usage = to > 0 ? this.traffic.usage(wi, Math.max(0, to - METRIC_WINDOW), to) : null;
    let proposal: number | null = null;
    const seen: (number | null)[] = [];
    for (const m of a.metrics) {
      let value: number | null = null;
      if (usage && usage.ready > 0) value = m.type === 'cpu' ? (100 * usage.busy) / usage.ready : usage.rps / usage.ready;
      seen.push(value);
      if (value === null || ready === 0) continue;
      const target = m.type === 'cpu' ? m.averageUtilization : m.averageValue;
      const p = replicasForMetric(current, value, target, ready, live - ready, a.tolerance);
      proposal = proposal === null ? p : Math.max(proposal, p);
    }
    const d = decideReplicas(a, this.memory[i], now, current, proposal);
    const r = this.out[i];
    if (d.desired !== current) {
      r.decisions.push({ t: now, from: current, to: d.desired, reason: d.reason });
      this.traffic.advance(now);
      this.cp.setReplicas(wi, d.desired);
    }
    r.series.t.push(now);
    r.series.desired.push(d.desired);
    r.series.ready.push(ready);
    a.metrics.forEach((m, k) => r.series.metrics[metricName(m)].push(seen[k]));
  }
}

function metricName(m: AutoscalerSpec['metrics'][number]): string {
  return m.type === 'cpu' ? 'cpu utilization (%)' : 'requests per second per pod';
}
