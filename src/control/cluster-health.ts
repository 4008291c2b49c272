import type { EventHandler, Simulation } from '../kernel/index.js';
import { clusterMatches, conditionTaints, type Taint } from '../placement/karmada/index.js';
import type { ClusterTaintPolicySpec, KarmadaSettings, MatchCondition } from '../scenario/types.js';
import type { MemberCluster } from './member-cluster.js';
import { Kind, Prio, type RunState } from './state.js';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** What Karmada's control plane knows of one member cluster: its Cluster object. */
export interface ClusterRecord {
  readonly index: number;
  readonly name: string;
  readonly member: MemberCluster;
  /** `spec.taints`: the scenario's own plus automatic ones, each with `timeAdded`. */
  taints: Taint[];
  /** `status.conditions[Ready]`, as written (after flap damping). */
  ready: ConditionStatus;
  readySince: number;
  /** Flap damping: the last observed value and since when it has been observed continuously. */
  observed: ConditionStatus;
  observedSince: number;
  /** Last time a status update (or, in Pull mode, a lease renewal) arrived. */
  lastStatusAt: number;
  /** `status.resourceSummary` as last collected (stale by up to one status period). */
  summary: ReturnType<MemberCluster['resourceSummary']>;
}

/** Listener for cluster object changes (labels, taints: a cluster "update" in Karmada's terms). */
export interface ClusterChangeListener {
  clusterTaintsChanged(c: ClusterRecord, now: number): void;
  clusterReadyChanged(c: ClusterRecord, now: number): void;
}

interface StatusReport {
  cluster: number;
  observed: ConditionStatus;
  summary: ClusterRecord['summary'] | null;
}

/**
 * Karmada's cluster status and cluster controllers, spec §10.1–10.3:
 * - every `clusterStatusUpdateFrequency` (10 s) the status controller probes each Push-mode
 *   member (the member's agent reports for Pull mode); an unreachable API is observed Ready=False;
 *   a reachable one Ready=True (its /readyz answers even when its nodes are down); the report and
 *   the resource summary reach the control plane one round trip later;
 * - flap damping: a change between True and not-True is written only once the new value has been
 *   observed continuously for `clusterFailureThreshold` / `clusterSuccessThreshold` (30 s);
 * - every `clusterMonitorPeriod` (5 s) the cluster controller marks a Pull-mode cluster Unknown
 *   when no status or lease arrived for `clusterMonitorGracePeriod` (40 s; 60 s before the first);
 * - on every Ready change it sets the NoSchedule taints `cluster.karmada.io/not-ready` (False) or
 *   `.../unreachable` (Unknown), and, with the Failover feature gate, applies ClusterTaintPolicies.
 */
export class ClusterHealth implements EventHandler {
  readonly records: ClusterRecord[];
  private readonly state: RunState;
  private readonly settings: KarmadaSettings;
  private readonly cpRegion: number;
  private listener: ClusterChangeListener | null = null;
  /** Every Ready and taint change, in order: for the failover timeline. */
  readonly history: { t: number; cluster: string; ready: ConditionStatus; taints: string[] }[] = [];

  constructor(state: RunState, members: MemberCluster[], cpRegion: number) {
    this.state = state;
    this.settings = state.scenario.karmada;
    this.cpRegion = cpRegion;
    this.records = members
      .filter((m) => m.info.spec.role === 'member' && m.info.spec.karmadaMember)
      .map((m) => ({
        index: m.info.index,
        name: m.info.name,
        member: m,
        taints: m.info.spec.taints.map((t) => ({ ...t, timeAdded: 0 })),
        ready: 'True' as ConditionStatus,
        readySince: 0,
        observed: 'True' as ConditionStatus,
        observedSince: 0,
        lastStatusAt: 0,
        summary: m.resourceSummary(),
      }));
  }

  setListener(l: ClusterChangeListener): void {
    this.listener = l;
  }

  byIndex(index: number): ClusterRecord | undefined {
    return this.records.find((r) => r.index === index);
  }

  start(): void {
    const sim = this.state.sim;
    for (let i = 0; i < this.records.length; i++) sim.schedule(this.settings.clusterStatusUpdateFrequency, this, Kind.StatusProbe, i, Prio.Control);
    sim.schedule(this.settings.clusterMonitorPeriod, this, Kind.MonitorTick, null, Prio.Control);
  }

  private rtt(r: ClusterRecord): number {
    return 2 * this.state.world.network.latency(this.cpRegion, r.member.info.regionIndex);
  }

  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    switch (kind) {
      case Kind.StatusProbe: {
        const i = data as number;
        const r = this.records[i];
        const reachable = r.member.apiReachable;
        // Pull mode (and an edge member on its own): the agent reports only when it can reach the control plane.
        if ((r.member.info.spec.syncMode === 'Push' && !r.member.edgeAutonomy) || reachable) {
          const report: StatusReport = { cluster: i, observed: reachable ? 'True' : 'False', summary: reachable ? r.member.resourceSummary(r.summary) : null };
          sim.scheduleAfter(this.rtt(r), this, Kind.StatusReport, report, Prio.Control);
        }
        sim.scheduleAfter(this.settings.clusterStatusUpdateFrequency, this, Kind.StatusProbe, i, Prio.Control);
        break;
      }
      case Kind.StatusReport: {
        const rep = data as StatusReport;
        const r = this.records[rep.cluster];
        r.lastStatusAt = sim.now;
        if (rep.summary) r.summary = rep.summary;
        this.observe(r, rep.observed, sim.now);
        break;
      }
      case Kind.MonitorTick: {
        for (const r of this.records) {
          if (r.member.info.spec.syncMode !== 'Pull' && !r.member.edgeAutonomy) continue;
          const grace = r.lastStatusAt === 0 ? this.settings.clusterStartupGracePeriod : this.settings.clusterMonitorGracePeriod;
          if (sim.now - r.lastStatusAt > grace && r.ready !== 'Unknown') this.write(r, 'Unknown', sim.now);
        }
        sim.scheduleAfter(this.settings.clusterMonitorPeriod, this, Kind.MonitorTick, null, Prio.Control);
        break;
      }
      default:
        throw new Error(`cluster health: unknown event kind ${kind}`);
    }
  }

  /** Flap damping (`thresholdAdjustedReadyCondition`). */
  private observe(r: ClusterRecord, value: ConditionStatus, now: number): void {
    if (value !== r.observed) {
      r.observed = value;
      r.observedSince = now;
    }
    if (value === r.ready) return;
    const toTrue = value === 'True';
    const fromTrue = r.ready === 'True';
    if (!toTrue && !fromTrue) {
      this.write(r, value, now); // Unknown <-> False: at once
      return;
    }
    const threshold = toTrue ? this.settings.clusterSuccessThreshold : this.settings.clusterFailureThreshold;
    if (now - r.observedSince >= threshold) this.write(r, value, now);
  }

  private write(r: ClusterRecord, value: ConditionStatus, now: number): void {
    r.ready = value;
    r.readySince = now;
    this.listener?.clusterReadyChanged(r, now);
    this.retaint(r, now);
  }

  /** `taintClusterByCondition` plus ClusterTaintPolicies (Failover gate). */
  private retaint(r: ClusterRecord, now: number): void {
    const before = JSON.stringify(r.taints.map((t) => [t.key, t.value ?? '', t.effect]));
    const managed = new Set(['cluster.karmada.io/not-ready', 'cluster.karmada.io/unreachable']);
    let taints = r.taints.filter((t) => !(managed.has(t.key) && t.effect === 'NoSchedule'));
    for (const t of conditionTaints(r.ready)) {
      const old = r.taints.find((x) => x.key === t.key && x.effect === t.effect);
      taints.push({ ...t, timeAdded: old?.timeAdded ?? now });
    }
    if (this.settings.featureGates.Failover) taints = this.applyTaintPolicies(r, taints, now);
    r.taints = taints;
    this.history.push({ t: now, cluster: r.name, ready: r.ready, taints: taints.map((t) => `${t.key}:${t.effect}`) });
    const after = JSON.stringify(r.taints.map((t) => [t.key, t.value ?? '', t.effect]));
    if (before !== after) this.listener?.clusterTaintsChanged(r, now);
  }

  /**
   * A taint put on (or taken off) the Cluster object by hand, as `kubectl taint clusters <c>
   * <key>=<value>:<effect>` on the Karmada API does: it stays through condition changes (which
   * manage only their own taints) until taken off; a change is a cluster update for Karmada.
   */
  setTaint(cluster: string, taint: Taint, on: boolean, now: number): void {
    const r = this.records.find((x) => x.name === cluster);
    if (!r) throw new Error(`setTaint: no cluster ${cluster}`);
    const same = (x: Taint) => x.key === taint.key && x.effect === taint.effect;
    const has = r.taints.some(same);
    if (has === on) return;
    r.taints = on ? [...r.taints, { ...taint, timeAdded: now }] : r.taints.filter((x) => !same(x));
    this.history.push({ t: now, cluster: r.name, ready: r.ready, taints: r.taints.map((t) => `${t.key}:${t.effect}`) });
    this.listener?.clusterTaintsChanged(r, now);
  }

  private applyTaintPolicies(r: ClusterRecord, taints: Taint[], now: number): Taint[] {
    const conditions: Record<string, ConditionStatus> = { Ready: r.ready };
    const matches = (cs: MatchCondition[]) =>
      cs.length > 0 && cs.every((c) => {
        const v = conditions[c.conditionType] ?? 'Unknown';
        return c.operator === 'In' ? c.statusValues.includes(v) : !c.statusValues.includes(v);
      });
    let out = taints;
    for (const p of this.settings.clusterTaintPolicies as ClusterTaintPolicySpec[]) {
      if (p.targetClusters && !clusterMatches(r.member.info.spec, p.targetClusters)) continue;
      if (matches(p.addOnConditions)) {
        for (const t of p.taints) if (!out.some((x) => x.key === t.key && x.effect === t.effect)) out = [...out, { ...t, timeAdded: now }];
      }
      if (matches(p.removeOnConditions)) out = out.filter((x) => !p.taints.some((t) => t.key === x.key && t.effect === x.effect));
    }
    return out;
  }
}
