import type { EventHandler, Simulation } from '../kernel/index.js';
import type { Binding, ControlPlane, ControlPlaneObserver } from '../control/control-plane.js';
import type { FaultListener, FaultRecord } from '../faults/injector.js';
import { accrueUnavailability, Kind, Prio, readyIn, type RunState } from '../control/state.js';

/** Failover figures of one fault (times in seconds since the fault started; null: did not happen). */
export interface FailoverResult {
  cluster: string;
  mode: string;
  at: number;
  /** When the fault ended (null: it lasted past the end of the run). */
  recoveredAt: number | null;
  /** Karmada's Ready condition left True (detection). */
  detection: number | null;
  /** The first binding was evicted from the cluster. */
  eviction: number | null;
  /** Every Deployment that had Ready replicas there had all its replicas Ready elsewhere. */
  failover: number | null;
  /** Every such Deployment was fully Ready again (elsewhere or back on the cluster). */
  restored: number | null;
  /** Deployments that had Ready replicas on the cluster when it failed. */
  affectedWorkloads: string[];
  /** ∫ missing replicas dt over the affected Deployments, from the fault to restoration (or the end). */
  unavailableReplicaSeconds: number;
}

export interface TimelineEvent {
  t: number;
  cluster: string;
  event: string;
}

interface Open {
  rec: FaultRecord;
  affected: number[];
  baseline: number[];
  failover: number | null;
  restored: number | null;
  eviction: number | null;
  /** Unavailability integrals of the affected workloads when they were restored. */
  restoredIntegral: number[] | null;
}

/** Faults that take a whole cluster (or its reachability) away: these get failover figures. */
const CLUSTER_LEVEL = new Set(['cluster-outage', 'zone-outage', 'region-outage', 'partition', 'edge-disconnect']);

function faultLabel(rec: FaultRecord): string {
  const s = rec.spec;
  if (s.kind === 'cluster-outage') return s.mode;
  if (rec.nodes.length) return `${s.kind} (${rec.nodes.length} node${rec.nodes.length > 1 ? 's' : ''})`;
  return s.kind;
}

/** How often an open fault's state is checked (the resolution of failover and restoration times). */
const TICK = 1;

/**
 * Follows each fault: detection (Ready condition), eviction, failover, restoration and the
 * unavailable replica-seconds of the Deployments it hit; and builds the failover timeline.
 */
export class FailoverTracker implements EventHandler, FaultListener, ControlPlaneObserver {
  private readonly state: RunState;
  private readonly cp: ControlPlane;
  private readonly open: Open[] = [];
  private readonly done: Open[] = [];
  readonly timeline: TimelineEvent[] = [];
  private tickQueued = false;

  constructor(state: RunState, cp: ControlPlane) {
    this.state = state;
    this.cp = cp;
  }

  faultStarted(rec: FaultRecord, now: number): void {
    const label = faultLabel(rec);
    if (!CLUSTER_LEVEL.has(rec.spec.kind)) {
      // Node-level faults and link degradations: on the timeline, without failover figures.
      this.timeline.push({ t: now, cluster: rec.clusterName, event: `fault: ${label}` });
      return;
    }
    // Pods lost by the fault were already counted down; take who had Ready replicas just before.
    const affected: number[] = [];
    for (const w of this.state.workloads) {
      if (w.spec.kind !== 'Deployment') continue;
      if (w.placement.some((t) => t.name === rec.clusterName)) affected.push(w.index);
    }
    for (const i of affected) accrueUnavailability(this.state.workloads[i], now);
    this.open.push({ rec, affected, baseline: affected.map((i) => this.state.workloads[i].unavailableSeconds), failover: null, restored: null, eviction: null, restoredIntegral: null });
    this.timeline.push({ t: now, cluster: rec.clusterName, event: `fault: ${label}` });
    this.requestTick();
  }

  faultEnded(rec: FaultRecord, now: number): void {
    this.timeline.push({ t: now, cluster: rec.clusterName, event: 'recovered' });
  }

  faultEvent(rec: FaultRecord, event: string, now: number): void {
    this.timeline.push({ t: now, cluster: rec.clusterName, event });
  }

  evicted(b: Binding, cluster: string, reason: string, now: number): void {
    const w = this.state.workloads[b.workload];
    this.timeline.push({ t: now, cluster, event: `evicted ${w.spec.namespace}/${w.spec.name} (${reason})` });
    for (const o of this.open) if (o.rec.clusterName === cluster && o.eviction === null && now >= o.rec.start) o.eviction = now;
  }

  private requestTick(): void {
    if (this.tickQueued || this.open.length === 0) return;
    this.tickQueued = true;
    this.state.sim.scheduleAfter(TICK, this, Kind.Sample, null, Prio.Sample);
  }

  handleEvent(_kind: number, _data: unknown, sim: Simulation): void {
    this.tickQueued = false;
    this.check(sim.now);
    this.requestTick();
  }

  private check(now: number): void {
    for (let k = this.open.length - 1; k >= 0; k--) {
      const o = this.open[k];
      const c = o.rec.cluster;
      let elsewhere = true;
      let full = true;
      for (const i of o.affected) {
        const w = this.state.workloads[i];
        if (w.ready - readyIn(w, c) < w.desired) elsewhere = false;
        if (w.ready < w.desired) full = false;
      }
      if (o.failover === null && elsewhere) o.failover = now;
      if (o.restored === null && full) {
        o.restored = now;
        o.restoredIntegral = o.affected.map((i) => {
          const w = this.state.workloads[i];
          accrueUnavailability(w, now);
          return w.unavailableSeconds;
        });
      }
      // Done once both are known, or once the fault is over and everything is back.
      if (o.restored !== null && (o.failover !== null || now >= o.rec.end)) this.done.push(...this.open.splice(k, 1));
    }
  }

  /** Results at the end of the run. */
  results(end: number): FailoverResult[] {
    for (const o of this.open) for (const i of o.affected) accrueUnavailability(this.state.workloads[i], end);
    const history = this.cp.health.history;
    return [...this.done, ...this.open]
      .sort((a, b) => a.rec.start - b.rec.start || a.rec.cluster - b.rec.cluster)
      .map((o) => {
        const start = o.rec.start;
        const det = history.find((h) => h.cluster === o.rec.clusterName && h.t >= start && h.ready !== 'True');
        const rel = (t: number | null | undefined) => (t === null || t === undefined ? null : t - start);
        return {
          cluster: o.rec.clusterName,
          mode: faultLabel(o.rec),
          at: start,
          recoveredAt: Number.isFinite(o.rec.end) && o.rec.end <= end ? o.rec.end : null,
          detection: rel(det?.t),
          eviction: rel(o.eviction),
          failover: rel(o.failover),
          restored: rel(o.restored),
          affectedWorkloads: o.affected.map((i) => `${this.state.workloads[i].spec.namespace}/${this.state.workloads[i].spec.name}`),
          unavailableReplicaSeconds: o.affected.reduce((s, i, k) => s + (o.restoredIntegral ? o.restoredIntegral[k] : this.state.workloads[i].unavailableSeconds) - o.baseline[k], 0),
        };
      });
  }

  /** The timeline: faults, Ready changes and taints, evictions; in time order. */
  events(): TimelineEvent[] {
    const out = [...this.timeline];
    for (const h of this.cp.health.history) out.push({ t: h.t, cluster: h.cluster, event: `Ready=${h.ready}${h.taints.length ? ` taints ${h.taints.join(', ')}` : ''}` });
    return out.sort((a, b) => a.t - b.t);
  }
}
