import { reasonKind } from '../metrics/waits.js';
import type { InputsReport, RunResult, WorkloadResult } from '../runner/result.js';
import type { SweepData } from '../runner/sweep-aggregate.js';
import { FLEETSIM_VERSION } from '../version.js';
import { batchLine, quantile } from './batch-report.js';
import { costLine } from './cost-report.js';
import { fmtSeconds, pct } from './format.js';
import { initialStateLines } from './initial-state-report.js';
import { traceLine } from './trace-report.js';
import { trafficSummaryLines } from './traffic-report.js';
import type { ClaimRow } from './claims.js';
import type { Verdict } from './verdict.js';

/**
 * `fleetsim run`'s summary.json and its text summary. summary.json holds summaries: the verdict
 * (per configuration the headline figures with their intervals, and the significant
 * differences), and per run its clusters, its standalone workloads, one row per Job stream, its
 * faults, traffic and autoscaling figures and why its workloads waited, in short. What is long
 * goes beside it in columnar files: every time series (series.arrow) and every workload of every
 * run (workloads.arrow).
 */

export const SUMMARY_FORMAT = 'fleetsim-run/v2';

/** A Job stream of a run, in one row: how its Jobs fared. */
export interface StreamSummary {
  readonly stream: string;
  readonly jobs: number;
  readonly timeToAllReady: { readonly mean: number | null; readonly p95: number | null; readonly never: number };
  readonly timeToComplete: { readonly mean: number | null; readonly p95: number | null; readonly never: number };
  readonly gangQueueingDelay: number | null;
  readonly deadlocked: number;
  readonly waited: number;
  readonly pendingPods: number;
  readonly cost: number;
}

/** Why the workloads of a run waited, in short: the reasons (numbers written N) by how many workloads gave them. */
export interface WaitDigest {
  readonly workloads: number;
  readonly reasons: readonly { readonly where: string; readonly reason: string; readonly workloads: number }[];
}

/** One run in summary.json: its results without the time series and without the Jobs of its streams (one row each instead). */
export interface RunDigest {
  readonly variant: string;
  readonly scheduler: string;
  readonly replication: number;
  readonly seed: number;
  readonly status: 'ok' | 'failed' | 'missing';
  readonly error?: string;
  readonly events?: number;
  readonly clusters?: RunResult['clusters'];
  readonly workloads?: WorkloadResult[];
  readonly streams?: StreamSummary[];
  readonly failovers?: RunResult['failovers'];
  readonly timeline?: RunResult['timeline'];
  /** Per service its figures (the SLO windows and the latency CDF are in series.arrow and the report). */
  readonly traffic?: Omit<NonNullable<RunResult['traffic']>[number], 'timeline' | 'cdf'>[];
  /** Per FederatedHPA its decisions (its replicas at every sync are in series.arrow). */
  readonly autoscaling?: Omit<NonNullable<RunResult['autoscaling']>[number], 'series'>[];
  readonly rollouts?: RunResult['rollouts'];
  readonly traces?: RunResult['traces'];
  readonly waits?: WaitDigest;
  /** A run of an imported fleet: where it started (t = 0) and what became of the members' own workloads. */
  readonly initialState?: RunResult['initialState'];
}

export interface RunSummaryFile {
  readonly format: typeof SUMMARY_FORMAT;
  readonly fleetsim: string;
  readonly scenario: string;
  readonly description: string;
  readonly seed: number;
  readonly duration: number;
  readonly replications: number;
  readonly variants: readonly string[];
  readonly schedulers: readonly string[];
  readonly verdict: Verdict;
  /** The scenario's claims beside the simulated figures (none without claims:). */
  readonly claims: readonly ClaimRow[];
  readonly assumptions: readonly string[];
  /** What the included manifests held and what is not modelled (as validate prints it); absent when nothing. */
  readonly inputs?: InputsReport;
  readonly runs: readonly RunDigest[];
  /** The files beside summary.json (names relative to it). */
  readonly files: Readonly<Record<string, string>>;
}

/** What went wrong for a workload: the fleet scheduler's error, then each member's (`in cluster: why`), and preemptions. */
export function workloadNotes(w: WorkloadResult): string[] {
  const out = w.schedulingError ? [w.schedulingError] : [];
  for (const [c, why] of Object.entries(w.clusterErrors ?? {})) out.push(`in ${c}: ${why}`);
  if (w.preemptedPods) out.push(`${w.preemptedPods} pod(s) preempted by higher-priority pods`);
  return out;
}

const mean = (v: readonly number[]): number | null => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : null);

/** Jobs of each arrivals stream, one row per stream (`namespace/stream`), in the order they first appear. */
export function streamSummaries(run: RunResult): StreamSummary[] {
  const groups = new Map<string, WorkloadResult[]>();
  for (const w of run.workloads) {
    if (w.stream === undefined) continue;
    const key = `${w.namespace}/${w.stream}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(w);
  }
  const waited = new Map<string, number>();
  for (const x of run.waits ?? []) if (x.stream !== undefined) waited.set(`${x.workload.split('/')[0]}/${x.stream}`, (waited.get(`${x.workload.split('/')[0]}/${x.stream}`) ?? 0) + 1);
  const times = (ws: readonly WorkloadResult[], f: (w: WorkloadResult) => number | null) => {
    const v = ws.map(f).filter((x): x is number => x !== null).sort((a, b) => a - b);
    return { mean: mean(v), p95: quantile(v, 0.95), never: ws.length - v.length };
  };
  return [...groups].map(([stream, ws]) => ({
    stream,
    jobs: ws.length,
    timeToAllReady: times(ws, (w) => w.timeToAllReady),
    timeToComplete: times(ws, (w) => w.timeToComplete),
    gangQueueingDelay: mean(ws.filter((w) => (w.minAvailable ?? 1) > 1 && typeof w.queueingDelay === 'number').map((w) => w.queueingDelay as number)),
    deadlocked: ws.filter((w) => w.deadlocked === true).length,
    waited: waited.get(stream) ?? 0,
    pendingPods: ws.reduce((s, w) => s + w.pending, 0),
    cost: ws.reduce((s, w) => s + w.cost, 0),
  }));
}


export function waitDigest(run: RunResult, top = 10): WaitDigest {
  const waits = run.waits ?? [];
  const count = new Map<string, { where: string; reason: string; workloads: Set<string> }>();
  for (const w of waits) {
    for (const r of w.reasons) {
      if (r.where === 'gang') continue;
      const kind = reasonKind(r.reason);
      const key = `${r.where}\0${kind}`;
      let c = count.get(key);
      if (!c) count.set(key, (c = { where: r.where, reason: kind, workloads: new Set() }));
      c.workloads.add(w.workload);
    }
  }
  const reasons = [...count.values()]
    .map((c) => ({ where: c.where, reason: c.reason, workloads: c.workloads.size }))
    .sort((a, b) => b.workloads - a.workloads || (a.where < b.where ? -1 : a.where > b.where ? 1 : a.reason < b.reason ? -1 : 1))
    .slice(0, top);
  return { workloads: waits.length, reasons };
}

/** A run for summary.json. */
export function digestRun(run: RunResult, replication: number): RunDigest {
  return {
    variant: run.variant,
    scheduler: run.scheduler,
    replication,
    seed: run.seed,
    status: 'ok',
    events: run.events,
    clusters: run.clusters,
    workloads: run.workloads.filter((w) => w.stream === undefined),
    streams: streamSummaries(run),
    failovers: run.failovers,
    timeline: run.timeline,
    ...(run.traffic ? { traffic: run.traffic.map(({ timeline: _t, cdf: _c, ...rest }) => rest) } : {}),
    ...(run.autoscaling ? { autoscaling: run.autoscaling.map(({ series: _s, ...rest }) => rest) } : {}),
    ...(run.rollouts ? { rollouts: run.rollouts } : {}),
    ...(run.traces ? { traces: run.traces } : {}),
    ...(run.waits ? { waits: waitDigest(run) } : {}),
    ...(run.initialState ? { initialState: run.initialState } : {}),
  };
}

export function runSummaryFile(data: SweepData, verdict: Verdict, files: Record<string, string>, extra: { claims?: readonly ClaimRow[]; assumptions?: readonly string[]; inputs?: InputsReport | null } = {}): RunSummaryFile {
  const h = data.header;
  const first = data.runs.find((r) => r.record?.result)?.record?.result;
  const variantAxis = h.axes.findIndex((a) => a.path === 'variant');
  return {
    format: SUMMARY_FORMAT,
    fleetsim: FLEETSIM_VERSION,
    scenario: h.scenario,
    description: h.description,
    seed: data.runs[0]?.record?.seed ?? first?.seed ?? 0,
    duration: first?.duration ?? 0,
    replications: h.replications,
    variants: variantAxis >= 0 ? (h.axes[variantAxis].values as string[]) : [],
    schedulers: h.schedulers,
    verdict,
    claims: extra.claims ?? [],
    assumptions: extra.assumptions ?? [],
    ...(extra.inputs ? { inputs: extra.inputs } : {}),
    runs: data.runs.map(({ planned, record }) => {
      const variant = variantAxis >= 0 ? String(record?.values[variantAxis] ?? h.axes[variantAxis].values[planned.point]) : '';
      if (!record) return { variant, scheduler: planned.scheduler, replication: planned.replication, seed: -1, status: 'missing' as const };
      if (record.status !== 'ok' || !record.result) return { variant, scheduler: planned.scheduler, replication: planned.replication, seed: record.seed, status: 'failed' as const, error: record.error ?? '' };
      return digestRun(record.result, planned.replication);
    }),
    files,
  };
}

// ---------------------------------------------------------------------------------------------
// The text summary

const MAX_ROWS = 25;

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => '  ' + r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
}

/** The verdict as text: the table (mean ± CI half-width), the best per column starred, then the sentences. */
export function formatVerdict(v: Verdict): string[] {
  if (v.rows.length === 0) return [];
  const out: string[] = [];
  out.push(`verdict (${v.replications} replication${v.replications === 1 ? '' : 's'} per row${v.replications > 1 ? ', mean ±95% CI' : ''}; * best)`);
  const head = ['', ...v.columns.map((c) => c.title)];
  const rows = v.rows.map((r) => [r.label, ...r.cells.map((c) => `${c.text}${c.best ? ' *' : ''}`)]);
  out.push(...table([head, ...rows]));
  for (const s of v.sentences) out.push(`  ${s}`);
  if (v.note) out.push(`  ${v.note}`);
  return out;
}

/** One run's part of the text summary: clusters, standalone workloads, streams, and the one-line figures. */
export function formatRun(run: RunResult): string[] {
  const out: string[] = [];
  out.push(`${run.variant ? `variant ${run.variant}, ` : ''}scheduler ${run.scheduler}, seed ${run.seed}  (${run.events} events)`);
  const ct = [['cluster', 'region', 'replicas', 'pending', 'cpu util (mean/max)', 'gpu util (mean/max)']];
  for (const c of run.clusters) {
    ct.push([c.name + (c.role === 'host' ? ' (host)' : ''), c.region, String(c.replicas), String(c.pending), `${pct(c.cpuUtilization.mean)} / ${pct(c.cpuUtilization.max)}`, c.gpus ? `${pct(c.gpuUtilization.mean)} / ${pct(c.gpuUtilization.max)}` : '-']);
  }
  out.push(...table(ct));
  out.push('');
  const wt = [['workload', 'kind', 'desired', 'placement', 'to scheduled', 'to all ready', 'to complete', 'pending']];
  // Jobs from an arrivals stream are summed up per stream below, not listed one by one.
  const standalone = run.workloads.filter((w) => w.stream === undefined);
  const shown = standalone.length > MAX_ROWS ? standalone.slice(0, MAX_ROWS - 1) : standalone;
  for (const w of shown) {
    wt.push([
      `${w.namespace}/${w.name}`,
      w.resourceKind ?? w.kind,
      String(w.desired),
      Object.entries(w.placement).map(([c, n]) => `${c}:${n}`).join(' ') || '-',
      fmtSeconds(w.timeToScheduled),
      fmtSeconds(w.timeToAllReady),
      w.kind === 'Job' ? fmtSeconds(w.timeToComplete) : '-',
      String(w.pending),
    ]);
  }
  if (shown.length > 0) out.push(...table(wt));
  if (shown.length < standalone.length) out.push(`  ... and ${standalone.length - shown.length} more workloads (see workloads.arrow)`);
  const streams = streamSummaries(run);
  if (streams.length) {
    if (shown.length > 0) out.push('');
    const f = (x: number | null) => (x === null ? '-' : fmtSeconds(x));
    out.push(
      ...table([
        ['stream', 'jobs', 'mean to all ready', 'p95 to all ready', 'never all ready', 'mean to complete', 'p95 to complete', 'not complete', 'pending pods at end'],
        ...streams.map((s) => [s.stream, String(s.jobs), f(s.timeToAllReady.mean), f(s.timeToAllReady.p95), String(s.timeToAllReady.never), f(s.timeToComplete.mean), f(s.timeToComplete.p95), String(s.timeToComplete.never), String(s.pendingPods)]),
      ]),
    );
  }
  const notes = new Map<string, string[]>();
  for (const w of run.workloads) for (const n of workloadNotes(w)) notes.set(n, [...(notes.get(n) ?? []), `${w.namespace}/${w.name}`]);
  out.push(...initialStateLines(run));
  const bl = batchLine(run);
  if (bl) out.push(`  ${bl}`);
  const cl = costLine(run);
  if (cl) out.push(`  ${cl}`);
  for (const fo of run.failovers) {
    out.push(
      `  failover: ${fo.cluster} ${fo.mode} at ${fmtSeconds(fo.at)}: detected ${fmtSeconds(fo.detection)}, evicted ${fmtSeconds(fo.eviction)}, ` +
        `all ready elsewhere ${fmtSeconds(fo.failover)}, fully ready ${fmtSeconds(fo.restored)}, ${Math.round(fo.unavailableReplicaSeconds)} unavailable replica-s`,
    );
  }
  for (const [note, who] of notes) out.push(`  note: ${who.length > 3 ? `${who.slice(0, 3).join(', ')} and ${who.length - 3} more` : who.join(', ')}: ${note}`);
  for (const t of run.traces ?? []) out.push(`  ${traceLine(t)}`);
  out.push(...trafficSummaryLines(run));
  if (run.waits?.length) {
    const d = waitDigest(run, 3);
    out.push(`  waited: ${d.workloads} workload${d.workloads === 1 ? '' : 's'}; most often: ${d.reasons.map((r) => `${r.where}: ${r.reason} (${r.workloads})`).join('; ') || 'their gangs'}`);
  }
  return out;
}

/**
 * The text summary printed by `fleetsim run`: the verdict when there is more than one run, then
 * each configuration's run on the scenario's seed (replication 0), and a line per failed run.
 */
export function formatRunSummary(data: SweepData, verdict: Verdict, claims: readonly ClaimRow[] = []): string {
  const h = data.header;
  const first = data.runs.find((r) => r.record?.result)?.record?.result;
  const out: string[] = [];
  out.push(`scenario ${h.scenario}, ${first ? `${fmtSeconds(first.duration)} simulated, ` : ''}${data.runs.length} run${data.runs.length === 1 ? '' : 's'} (${data.pointLabels.length > 1 ? `${data.pointLabels.length} variants × ` : ''}${h.schedulers.length} scheduler${h.schedulers.length === 1 ? '' : 's'} × ${h.replications} replication${h.replications === 1 ? '' : 's'})`);
  if (data.runs.length > 1) {
    out.push('');
    out.push(...formatVerdict(verdict));
  }
  if (claims.length) {
    out.push('', 'claims beside the simulation (simulated: mean ±95% CI over the replications)');
    out.push(...table([['claim', 'configuration', 'claimed', 'simulated', 'the mean is'], ...claims.map((c) => [c.claim, c.configuration, c.claimed, c.simulated, c.verdict])]));
  }
  for (const { planned, record } of data.runs) {
    if (planned.replication !== 0) continue;
    out.push('');
    if (record?.status === 'ok' && record.result) out.push(...formatRun(record.result));
    else out.push(`${data.pointLabels[planned.point]} / ${planned.scheduler}: ${record ? `failed: ${(record.error ?? '').split('\n')[0]}` : 'missing'}`);
  }
  return out.join('\n') + '\n';
}

/** Every workload of every run, one row each (workloads.arrow): what summary.json folds into streams. */
export function workloadRows(data: SweepData): Record<string, string | number | boolean | null>[] {
  const out: Record<string, string | number | boolean | null>[] = [];
  const variantAxis = data.header.axes.findIndex((a) => a.path === 'variant');
  for (const { planned, record } of data.runs) {
    const r = record?.status === 'ok' ? record.result : undefined;
    if (!r) continue;
    const waited = new Map((r.waits ?? []).map((w) => [w.workload, w.waited]));
    for (const w of r.workloads) {
      out.push({
        variant: variantAxis >= 0 ? String(record!.values[variantAxis]) : '',
        scheduler: planned.scheduler,
        replication: planned.replication,
        seed: record!.seed,
        namespace: w.namespace,
        name: w.name,
        kind: w.kind,
        stream: w.stream ?? null,
        arrival: w.arrival,
        desired: w.desired,
        placement: Object.entries(w.placement).map(([c, n]) => `${c}:${n}`).join(' '),
        timeToScheduled: w.timeToScheduled,
        timeToAllReady: w.timeToAllReady,
        timeToComplete: w.timeToComplete,
        waited: waited.get(`${w.namespace}/${w.name}`) ?? null,
        pending: w.pending,
        ready: w.ready,
        succeeded: w.succeeded,
        unavailableReplicaSeconds: w.unavailableReplicaSeconds,
        cost: w.cost,
        minAvailable: w.minAvailable ?? null,
        queueingDelay: w.queueingDelay ?? null,
        heldGpuHours: w.heldGpuHours ?? null,
        deadlocked: w.deadlocked ?? null,
        schedulingError: w.schedulingError || null,
      });
    }
  }
  return out;
}
