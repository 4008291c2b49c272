import type { DecisionSink, RuntimeWorkload } from '../control/state.js';
import { divisionTerm, placementFacts, snapshotPlacement, type PlacementFacts, type RecordedPlacement } from '../placement/explain.js';
import type { BindingRequest, ClusterView, SchedulerPlugins, ScheduleOutcome } from '../placement/registry.js';

/**
 * Why each workload waited, and why it went where it went: a DecisionSink that keeps, per
 * workload, the reasons over time in the words of the system that gave them.
 *
 * - the fleet scheduler (`where` = its name): a placement that failed, with Karmada's own error
 *   (`0/4 clusters are available: ...`, `Clusters available replicas 3 are not enough to
 *   schedule.`) and per cluster the filter plugin that rejected it or the estimator's available
 *   replicas (placement/explain.ts re-runs Karmada's pure functions on what the scheduler saw);
 * - the fleet queue (`fleet queue`): a gang waiting behind the head of federated-gang's queue;
 * - each member cluster (`where` = its name): pods still Pending after a scheduling cycle, with
 *   kube-scheduler's FitError or Volcano's PodGroup condition (control/fit-error.ts);
 * - the gang (`gang`): Ready pods of a Job waiting for the rest of its gang.
 *
 * A reason holds from the moment it is given until it changes or is withdrawn (the placement
 * succeeded, no pod is Pending there any more, the gang started).
 */

/** One reason, over the time it held. */
export interface WaitReason {
  /** The fleet scheduler's name, `fleet queue`, a member cluster's name, or `gang`. */
  readonly where: string;
  readonly from: number;
  /** When it stopped holding; null: still at the end of the run. */
  to: number | null;
  readonly reason: string;
}

/** A workload that waited: its reasons over time, and its last placement with what decided it. */
export interface WorkloadWaits {
  /** `namespace/name`. */
  readonly workload: string;
  readonly kind: 'Deployment' | 'Job';
  /** The arrivals stream it came from (`finetune` for `finetune-17`). */
  readonly stream?: string;
  readonly arrival: number;
  /** Seconds during which at least one reason held (the union of the intervals, up to the end). */
  readonly waited: number;
  readonly reasons: readonly WaitReason[];
  /** Reasons left out beyond MAX_REASONS (the first ones are kept). */
  readonly more: number;
  /** Its last successful placement and what decided it (`training-bj:2 training-wlcb:2 — DynamicWeight, available replicas ...`); '' if never placed. */
  readonly placement: string;
}

/** A reason with its numbers written N, so that the same cause groups together (`0/N nodes are available: N Insufficient nvidia.com/gpu.`). */
export function reasonKind(reason: string): string {
  const k = reason.replace(/\d+(\.\d+)?/g, 'N');
  // A FitError's histograms are sorted with their counts, so the same reasons can come in another
  // order; kube-scheduler's has a second one, its PostFilter's, after ` preemption: `.
  return k.split(' preemption: ').map((part) => {
    const m = /^(N\/N nodes are (?:un)?available: )(.*)\.$/.exec(part);
    return m ? `${m[1]}${m[2].split(', ').sort().join(', ')}.` : part;
  }).join(' preemption: ');
}

/** At most this many reason intervals per workload are kept. */
const MAX_REASONS = 200;

interface Track {
  reasons: WaitReason[];
  open: Map<string, WaitReason>;
  more: number;
  /** A reason other than the gang's was given (the workload was blocked, not only waiting for its own pods to start). */
  blocked: boolean;
}

export class WaitRecorder implements DecisionSink {
  private readonly tracks = new Map<number, Track>();
  private readonly lastPlacement = new Map<number, RecordedPlacement>();

  constructor(
    private readonly scheduler: { readonly name: string; readonly description?: string },
    private readonly plugins: SchedulerPlugins | null,
    private readonly clusterNames: readonly string[],
  ) {}

  placement(t: number, workload: number, outcome: ScheduleOutcome, request: BindingRequest, clusters: readonly ClusterView[]): void {
    const d = snapshotPlacement(outcome, request, clusters);
    if (outcome.ok) {
      this.lastPlacement.set(workload, d);
      this.set(t, workload, this.scheduler.name, null);
      this.set(t, workload, 'fleet queue', null);
      return;
    }
    this.set(t, workload, this.scheduler.name, failureText(d, this.facts(d)));
  }

  bind(): void {}

  pending(t: number, workload: number, cluster: number, reason: string | null): void {
    this.set(t, workload, this.clusterNames[cluster], reason);
  }

  queued(t: number, workload: number, reason: string | null): void {
    this.set(t, workload, 'fleet queue', reason);
  }

  gang(t: number, workload: number, ready: number, minAvailable: number): void {
    this.set(t, workload, 'gang', ready >= minAvailable ? null : `${ready}/${minAvailable} pods Ready; the gang starts when ${minAvailable} are Ready together`, false);
  }

  private facts(d: RecordedPlacement): PlacementFacts {
    return placementFacts(d, this.scheduler.name, this.plugins);
  }

  private set(t: number, workload: number, where: string, reason: string | null, blocking = true): void {
    let tr = this.tracks.get(workload);
    if (!tr) {
      if (reason === null) return;
      tr = { reasons: [], open: new Map(), more: 0, blocked: false };
      this.tracks.set(workload, tr);
    }
    const o = tr.open.get(where);
    // The gang's count of Ready pods changes as its pods start: one wait, its latest count.
    if (o && reason !== null && where === 'gang') {
      (o as { reason: string }).reason = reason;
      return;
    }
    // The same reason with other counts (`0/32 nodes are available: 31 Insufficient cpu` after
    // `32 Insufficient cpu`) continues the interval: a new one starts when the reason changes.
    if (o && reason !== null && (o.reason === reason || reasonKind(o.reason) === reasonKind(reason))) return;
    if (o) {
      o.to = t;
      tr.open.delete(where);
      // A reason given and withdrawn at the same instant held for no time: leave it out.
      if (o.to === o.from && tr.reasons[tr.reasons.length - 1] === o) tr.reasons.pop();
    }
    if (reason === null) return;
    if (blocking) tr.blocked = true;
    if (tr.reasons.length >= MAX_REASONS) {
      tr.more++;
      return;
    }
    const r: WaitReason = { where, from: t, to: null, reason };
    tr.reasons.push(r);
    tr.open.set(where, r);
  }

  /**
   * The workloads that waited, in workload order: blocked somewhere (a failed placement, the fleet
   * queue, Pending pods in a member), or a gang still incomplete at the end; and those that were
   * never propagated (no policy), with their scheduling error.
   */
  results(workloads: readonly RuntimeWorkload[], end: number): WorkloadWaits[] {
    const out: WorkloadWaits[] = [];
    for (const w of workloads) {
      if (w.spec.trace) continue;
      const tr = this.tracks.get(w.index);
      let reasons = tr?.reasons ?? [];
      const gangOpen = tr?.open.has('gang') ?? false;
      if (!tr?.blocked && !gangOpen) {
        if (!w.schedulingError || w.placement.length > 0) continue;
        reasons = [{ where: this.scheduler.name, from: w.spec.arrival, to: null, reason: w.schedulingError }];
      }
      const d = this.lastPlacement.get(w.index);
      out.push({
        workload: `${w.spec.namespace}/${w.spec.name}`,
        kind: w.spec.kind,
        ...(w.spec.kind === 'Job' && w.spec.stream !== undefined ? { stream: w.spec.stream } : {}),
        arrival: w.spec.arrival,
        waited: unionLength(reasons, end),
        reasons,
        more: tr?.more ?? 0,
        placement: d ? this.placementText(d) : '',
      });
    }
    return out;
  }

  /** Why the last placement of a workload went where it did. */
  placementText(d: RecordedPlacement): string {
    if (!d.outcome.ok) return '';
    const result = d.outcome.clusters.filter((c) => c.replicas > 0).map((c) => `${c.name}:${c.replicas}`).join(' ') || '(no replicas)';
    return `${result} — ${decidedBy(this.facts(d), this.scheduler)}`;
  }
}

/** A failed placement: the scheduler's own error, then per cluster the filter that rejected it or the estimator's answer. */
export function failureText(d: RecordedPlacement, facts: PlacementFacts): string {
  if (d.outcome.ok) return '';
  const msg = d.outcome.message.startsWith(`${d.outcome.kind}: `) ? d.outcome.message : `${d.outcome.kind}: ${d.outcome.message}`;
  const shown = facts.clusters.filter((c) => c.filter?.plugin !== 'ClusterAffinity');
  const outside = facts.clusters.length - shown.length;
  return `${msg} [${shown.map(clusterFact).join('; ')}${outside ? `${shown.length ? '; ' : ''}${outside} cluster(s) outside the placement's cluster affinity` : ''}]`;
}

function clusterFact(c: PlacementFacts['clusters'][number]): string {
  if (c.filter) return `${c.name}: filter ${c.filter.plugin}: ${c.filter.reason}`;
  if (c.available !== null) return `${c.name}: available replicas ${c.available}`;
  if (c.weight !== null) return `${c.name}: static weight ${c.weight}`;
  return `${c.name}: feasible`;
}

/** The terms that decided a successful placement, in the pipeline's words. */
function decidedBy(f: PlacementFacts, scheduler: { readonly name: string; readonly description?: string }): string {
  const feasible = f.clusters.filter((c) => c.filter === null);
  // Clusters the policy's cluster affinity leaves out were never candidates: not worth naming.
  const out = f.clusters.filter((c) => c.filter !== null && c.filter.plugin !== 'ClusterAffinity');
  const rejected = out.length ? `; filtered out: ${out.map((c) => `${c.name} (${c.filter!.plugin})`).join(', ')}` : '';
  if (f.family === 'opaque') return `chosen by ${scheduler.name}${scheduler.description ? ` (${scheduler.description})` : ''}${rejected}`;
  if (f.family === 'plugins') return `chosen by ${scheduler.name}'s assign step over ${feasible.map((c) => c.name).join(', ')}${rejected}`;
  const terms = feasible.map((c) => `${c.name} ${divisionTerm(f, c).replace(/^[A-Za-z]+, /, '')}`);
  return `${f.strategy}${terms.length && f.strategy !== 'Duplicated' ? `: ${terms.join('; ')}` : ''}${rejected}`;
}

/** Length of the union of [from, to ?? end) intervals. */
function unionLength(reasons: readonly WaitReason[], end: number): number {
  const iv = reasons.map((r) => [r.from, r.to ?? end] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let curFrom = -Infinity;
  let curTo = -Infinity;
  for (const [a, b] of iv) {
    if (a > curTo) {
      if (curTo > curFrom) total += curTo - curFrom;
      curFrom = a;
      curTo = b;
    } else if (b > curTo) curTo = b;
  }
  if (curTo > curFrom) total += curTo - curFrom;
  return total;
}
