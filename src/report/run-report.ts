import type { DelayStats, TraceRunResult } from '../control/openb-trace.js';
import type { RunResult, RunSummary } from '../runner/result.js';
import { batchComparison, batchLine, quantile, queueShareSection } from './batch-report.js';
import { minute, stepSeries, TIME_X, VEGA_LITE_SCHEMA } from './chart-parts.js';
import { costLine, costSection, hasCost, showbackCost } from './cost-report.js';
import { renderHtmlReport, type ReportSection, type ReportTable, type VegaLiteSpec } from './html.js';
import { inputsSection } from './inputs-report.js';
import { trafficSections, trafficSummaryLines } from './traffic-report.js';

/** Format a duration in seconds for people: `42.0 s`, `3m 05s`, `1h 02m`; null → `never`. */
export function fmtSeconds(s: number | null): string {
  if (s === null) return 'never';
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function seriesRows(run: RunResult, metric: 'cpu' | 'gpu' | 'replicas' | 'pending', memberOnly: boolean): { minute: number; cluster: string; value: number }[] {
  const rows: { minute: number; cluster: string; value: number }[] = [];
  for (const c of run.clusters) {
    if (memberOnly && c.role !== 'member') continue;
    if (metric === 'gpu' && c.gpus === 0) continue;
    const s = run.series.clusters[c.name];
    run.series.t.forEach((t, i) => rows.push({ minute: minute(t), cluster: c.name, value: s[metric][i] }));
  }
  return rows;
}

function lineChart(title: string, rows: object[], yTitle: string, format: string, stacked = false): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    width: 520,
    height: 220,
    data: { values: rows },
    ...stepSeries({ color: 'cluster', colorTitle: 'cluster', yTitle, yFormat: format, valueFormat: format, stacked }),
  } as VegaLiteSpec;
}

/** How a run is named when a report holds several: `variant / scheduler`. */
export function runLabel(run: RunResult): string {
  return run.variant ? `${run.variant} / ${run.scheduler}` : run.scheduler;
}

/** Ready replicas per cluster (stacked) with the failover events as rules: the failover timeline. */
function failoverTimeline(run: RunResult, tag: string): VegaLiteSpec {
  const ready = seriesRows(run, 'replicas', true);
  const events = run.timeline.map((e) => ({
    minute: Math.round((e.t / 60) * 1000) / 1000,
    cluster: e.cluster,
    kind: e.event.startsWith('fault') ? 'fault' : e.event === 'recovered' ? 'recovered' : e.event.startsWith('evicted') ? 'eviction' : 'cluster condition',
    event: e.event,
  }));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `Failover timeline${tag}`,
    width: 760,
    height: 260,
    layer: [
      {
        data: { values: ready },
        mark: { type: 'area', interpolate: 'step-after', opacity: 0.85 },
        encoding: {
          x: TIME_X,
          y: { field: 'value', type: 'quantitative', title: 'ready replicas', stack: 'zero' },
          color: { field: 'cluster', type: 'nominal', title: 'cluster' },
        },
      },
      {
        data: { values: events },
        mark: { type: 'rule', strokeWidth: 2, strokeDash: [4, 3] },
        encoding: {
          x: { field: 'minute', type: 'quantitative' },
          strokeDash: { field: 'kind', type: 'nominal', title: 'event' },
          tooltip: [
            { field: 'minute', type: 'quantitative', format: '.2f', title: 'minute' },
            { field: 'cluster', type: 'nominal' },
            { field: 'event', type: 'nominal' },
          ],
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  } as VegaLiteSpec;
}

function failoverTable(run: RunResult): ReportSection['table'] {
  return {
    columns: ['cluster', 'mode', 'at', 'recovered at', 'detection', 'first eviction', 'failover (all ready elsewhere)', 'fully ready again', 'unavailable replica-s', 'affected'],
    rows: run.failovers.map((f) => [
      f.cluster,
      f.mode,
      fmtSeconds(f.at),
      f.recoveredAt === null ? 'not in the run' : fmtSeconds(f.recoveredAt),
      fmtSeconds(f.detection),
      fmtSeconds(f.eviction),
      fmtSeconds(f.failover),
      fmtSeconds(f.restored),
      Math.round(f.unavailableReplicaSeconds),
      f.affectedWorkloads.join(' ') || '—',
    ]),
  };
}

/** Ready replicas per cluster over time for each tracked Deployment (up to 8 panels). */
function workloadReplicaChart(run: RunResult, tag: string): VegaLiteSpec | null {
  const names = Object.keys(run.series.workloads ?? {}).slice(0, 8);
  const rows: { minute: number; workload: string; cluster: string; value: number }[] = [];
  for (const name of names) {
    for (const [cluster, values] of Object.entries(run.series.workloads[name])) {
      run.series.t.forEach((t, i) => rows.push({ minute: minute(t), workload: name, cluster, value: values[i] }));
    }
  }
  if (rows.length === 0) return null;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `Ready replicas per cluster, by Deployment${tag}`,
    data: { values: rows },
    facet: { row: { field: 'workload', type: 'nominal', title: null } },
    spec: { width: 520, height: 110, ...stepSeries({ color: 'cluster', yTitle: 'ready', stacked: true, valueFormat: null }) },
    resolve: { scale: { y: 'independent' } },
  } as VegaLiteSpec;
}

/** One row per Job arrivals stream (`stream`): how its Jobs fared. Null when the run has none. */
function streamTable(run: RunResult): ReportTable | null {
  const groups = new Map<string, RunResult['workloads']>();
  for (const w of run.workloads) {
    if (w.stream === undefined) continue;
    const key = `${w.namespace}/${w.stream}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(w);
  }
  if (groups.size === 0) return null;
  const times = (ws: RunResult['workloads'], f: (w: RunResult['workloads'][number]) => number | null) => {
    const v = ws.map(f).filter((x): x is number => x !== null).sort((a, b) => a - b);
    const mean = v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
    return { mean, p95: quantile(v, 0.95), never: ws.length - v.length };
  };
  return {
    columns: ['stream', 'jobs', 'mean to all ready', 'p95 to all ready', 'never all ready', 'mean to complete', 'p95 to complete', 'not complete', 'pending pods at end'],
    rows: [...groups].map(([name, ws]) => {
      const ready = times(ws, (w) => w.timeToAllReady);
      const done = times(ws, (w) => w.timeToComplete);
      return [name, ws.length, ready.mean === null ? null : fmtSeconds(ready.mean), ready.p95 === null ? null : fmtSeconds(ready.p95), ready.never, done.mean === null ? null : fmtSeconds(done.mean), done.p95 === null ? null : fmtSeconds(done.p95), done.never, ws.reduce((s, w) => s + w.pending, 0)];
    }),
  };
}

/** What went wrong for a workload: the fleet scheduler's error, then each member's (`cluster: why`). */
function workloadNotes(w: RunResult['workloads'][number]): string[] {
  const out = w.schedulingError ? [w.schedulingError] : [];
  for (const [c, why] of Object.entries(w.clusterErrors ?? {})) out.push(`in ${c}: ${why}`);
  if (w.preemptedPods) out.push(`${w.preemptedPods} pod(s) preempted by higher-priority pods`);
  return out;
}

/** The sections of one run: tables, then charts. */
function runSections(run: RunResult, many: boolean): ReportSection[] {
  const tag = many ? ` — ${runLabel(run)}` : '';
  const clusterTable = {
    columns: ['cluster', 'region', 'nodes', 'GPUs', 'ready replicas', 'pending', 'CPU util mean', 'CPU util max', 'GPU util mean', 'GPU util max'],
    rows: run.clusters.map((c) => [c.name, c.region, c.nodes, c.gpus, c.replicas, c.pending, pct(c.cpuUtilization.mean), pct(c.cpuUtilization.max), c.gpus ? pct(c.gpuUtilization.mean) : null, c.gpus ? pct(c.gpuUtilization.max) : null]),
  };
  const workloadTable = {
    columns: ['workload', 'kind', 'desired', 'placement', 'time to scheduled', 'time to all ready', 'time to complete', 'pending', 'note'],
    rows: run.workloads.map((w) => [
      `${w.namespace}/${w.name}`,
      w.kind,
      w.desired,
      Object.entries(w.placement).map(([c, n]) => `${c}:${n}`).join(' ') || '—',
      fmtSeconds(w.timeToScheduled),
      fmtSeconds(w.timeToAllReady),
      w.kind === 'Job' ? fmtSeconds(w.timeToComplete) : null,
      w.pending,
      workloadNotes(w).join('; '),
    ]),
    visibleRows: 25,
  };
  const charts: VegaLiteSpec[] = [
    lineChart(`CPU allocation per cluster${tag}`, seriesRows(run, 'cpu', true), 'CPU requested / allocatable', '.0%'),
    lineChart(`Ready replicas per cluster${tag}`, seriesRows(run, 'replicas', true), 'ready pods', 'd', true),
  ];
  const gpuRows = seriesRows(run, 'gpu', true);
  if (gpuRows.length) charts.splice(1, 0, lineChart(`GPU allocation per cluster${tag}`, gpuRows, 'GPUs allocated / total', '.0%'));
  const perWorkload = workloadReplicaChart(run, tag);
  if (perWorkload) charts.push(perWorkload);
  const pendingRows = seriesRows(run, 'pending', true);
  if (pendingRows.some((r) => r.value > 0)) charts.push(lineChart(`Pending pods per cluster${tag}`, pendingRows, 'pending pods', 'd'));
  const out: ReportSection[] = [{ title: `Clusters${tag}`, table: clusterTable }];
  const streams = streamTable(run);
  if (streams) {
    out.push({
      title: `Job streams${tag}`,
      text: 'Jobs created by an arrivals stream, per stream. Times are from each Job\'s creation; "never" counts the Jobs that did not get there before the end of the run.',
      table: streams,
    });
  }
  out.push({ title: `Workloads${tag}`, table: workloadTable });
  const traces = traceSection(run, tag);
  if (traces) out.push(traces);
  if (run.failovers.length > 0) {
    out.push({
      title: `Failover${tag}`,
      text:
        'Times are from the start of each fault. Detection: Karmada\'s Ready condition left True. Failover: every Deployment that had replicas on the cluster ' +
        'has all its replicas Ready on other clusters. Fully ready again: all replicas Ready anywhere (possibly back on the recovered cluster).',
      table: failoverTable(run),
      charts: [failoverTimeline(run, tag)],
    });
  }
  const queues = queueShareSection(run, tag);
  if (queues) out.push(queues);
  const cost = costSection(run, tag);
  if (cost) out.push(cost);
  out.push(...trafficSections(run, tag));
  out.push({ title: `Over time${tag}`, charts });
  return out;
}

/** The HTML report of `fleetsim run`. */
export async function renderRunReport(summary: RunSummary, scenarioText: string): Promise<string> {
  const many = summary.runs.length > 1;
  const sections: ReportSection[] = [];
  if (many) {
    sections.push({
      title: 'Runs compared',
      table: {
        columns: ['run', 'ready replicas', 'pending pods', 'workloads all ready', 'mean time to all ready', 'unavailable replica-s', 'workload cost', 'mean CPU util', 'mean GPU util'],
        rows: summary.runs.map((r) => {
          const label = runLabel(r);
          const members = r.clusters.filter((c) => c.role === 'member');
          const ready = r.workloads.filter((w) => w.timeToAllReady !== null);
          const mean = ready.length ? ready.reduce((s, w) => s + w.timeToAllReady!, 0) / ready.length : null;
          const gpuClusters = members.filter((c) => c.gpus > 0);
          return [
            label,
            members.reduce((s, c) => s + c.replicas, 0),
            members.reduce((s, c) => s + c.pending, 0),
            `${ready.length}/${r.workloads.length}`,
            fmtSeconds(mean),
            Math.round(r.workloads.reduce((s, w) => s + w.unavailableReplicaSeconds, 0)),
            hasCost(r) ? showbackCost(r).toFixed(2) : null,
            pct(members.reduce((s, c) => s + c.cpuUtilization.mean, 0) / Math.max(1, members.length)),
            gpuClusters.length ? pct(gpuClusters.reduce((s, c) => s + c.gpuUtilization.mean, 0) / gpuClusters.length) : null,
          ];
        }),
      },
    });
  }
  for (const run of summary.runs) sections.push(...runSections(run, many));
  const batch = batchComparison(summary.runs, runLabel);
  if (batch) sections.splice(many ? 1 : 0, 0, batch);
  const inputs = inputsSection(summary.inputs);
  if (inputs) sections.push({ ...inputs, table: { ...inputs.table!, visibleRows: 30 } });
  sections.push({ title: 'Scenario', pre: scenarioText });
  return renderHtmlReport({
    title: `fleetsim — ${summary.scenario}`,
    subtitle: `${summary.description ? summary.description + ' · ' : ''}seed ${summary.seed} · ${fmtSeconds(summary.duration)} simulated · runs: ${summary.runs.map(runLabel).join(', ')}`,
    sections,
  });
}

const MAX_ROWS = 25;

/** The text summary printed by `fleetsim run`. */
export function formatRunSummary(summary: RunSummary): string {
  const out: string[] = [];
  out.push(`scenario ${summary.scenario}, seed ${summary.seed}, ${fmtSeconds(summary.duration)} simulated`);
  for (const run of summary.runs) {
    out.push('');
    out.push(`${run.variant ? `variant ${run.variant}, ` : ''}scheduler ${run.scheduler}  (${run.events} events)`);
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
    if (shown.length < standalone.length) out.push(`  ... and ${standalone.length - shown.length} more workloads (see summary.json)`);
    const streams = streamTable(run);
    if (streams) {
      if (shown.length > 0) out.push('');
      out.push(...table([streams.columns, ...streams.rows.map((r) => r.map((v) => (v === null ? '-' : String(v))))]));
    }
    const notes = new Map<string, string[]>();
    for (const w of run.workloads) for (const n of workloadNotes(w)) notes.set(n, [...(notes.get(n) ?? []), `${w.namespace}/${w.name}`]);
    const bl = batchLine(run);
    if (bl) out.push(`  ${bl}`);
    const cl = costLine(run);
    if (cl) out.push(`  ${cl}`);
    for (const f of run.failovers) {
      out.push(
        `  failover: ${f.cluster} ${f.mode} at ${fmtSeconds(f.at)}: detected ${fmtSeconds(f.detection)}, evicted ${fmtSeconds(f.eviction)}, ` +
          `all ready elsewhere ${fmtSeconds(f.failover)}, fully ready ${fmtSeconds(f.restored)}, ${Math.round(f.unavailableReplicaSeconds)} unavailable replica-s`,
      );
    }
    for (const [note, who] of notes) out.push(`  note: ${who.length > 3 ? `${who.slice(0, 3).join(', ')} and ${who.length - 3} more` : who.join(', ')}: ${note}`);
    for (const t of run.traces ?? []) out.push(`  ${traceLine(t)}`);
    out.push(...trafficSummaryLines(run));
  }
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Cluster traces (RunResult.traces): counts, the paper mode's allocation curve, replay delays.

const curveAt = (t: TraceRunResult, k: number): string | null => {
  const v = t.allocationCurve?.[k];
  return v === null || v === undefined ? null : `${v.toFixed(2)}%`;
};
const delayPair = (d: DelayStats): string => `${fmtSeconds(d.p50)} / ${fmtSeconds(d.p99)}`;

function traceLine(t: TraceRunResult): string {
  const head = `trace ${t.cluster} (${t.kind} ${t.mode}, ${t.nodeScoring}): ${t.pods} pods, ${t.arrived} arrived, ${t.bound} bound, ${t.failed} failed, ${t.pending} pending`;
  if (t.allocationCurve) return `${head}; GPU allocation ${curveAt(t, 100) ?? '-'} at 100% arrived demand, ${curveAt(t, t.allocationCurve.length - 1) ?? '-'} at ${t.allocationCurve.length - 1}%`;
  const d = t.schedulingDelay;
  return d ? `${head}; scheduling delay p50 / p99 ${delayPair(d.simulated)} (the trace's own: ${delayPair(d.real)})` : head;
}

function traceSection(run: RunResult, tag: string): ReportSection | null {
  const traces = run.traces ?? [];
  if (traces.length === 0) return null;
  const table = {
    columns: ['cluster', 'mode', 'node scoring', 'pods', 'arrived', 'bound', 'failed', 'pending', 'GPU alloc at 100% demand', 'at 130%', 'delay p50 / p99', 'trace delay p50 / p99'],
    rows: traces.map((t) => [
      t.cluster,
      t.mode,
      t.nodeScoring,
      t.pods,
      t.arrived,
      t.bound,
      t.failed,
      t.pending,
      curveAt(t, 100),
      curveAt(t, 130),
      t.schedulingDelay ? delayPair(t.schedulingDelay.simulated) : null,
      t.schedulingDelay ? delayPair(t.schedulingDelay.real) : null,
    ]),
  };
  const rows = traces.flatMap((t) => (t.allocationCurve ?? []).flatMap((v, k) => (v === null ? [] : [{ demand: k, value: v, cluster: `${t.cluster} (${t.nodeScoring})` }])));
  const charts: VegaLiteSpec[] = [];
  if (rows.length > 0) {
    charts.push({
      $schema: VEGA_LITE_SCHEMA,
      title: `GPU allocation ratio vs arrived GPU demand${tag}`,
      width: 520,
      height: 260,
      data: { values: rows },
      mark: { type: 'line' },
      encoding: {
        x: { field: 'demand', type: 'quantitative', title: 'arrived GPU demand (% of capacity)' },
        y: { field: 'value', type: 'quantitative', title: 'GPU allocation ratio (%)', scale: { zero: false } },
        color: { field: 'cluster', type: 'nominal', title: 'cluster (node scoring)' },
        tooltip: [
          { field: 'cluster', type: 'nominal' },
          { field: 'demand', type: 'quantitative' },
          { field: 'value', type: 'quantitative', format: '.2f' },
        ],
      },
    } as VegaLiteSpec);
  }
  return {
    title: `Traces${tag}`,
    text:
      'Pods of each cluster\'s trace. Paper mode (the FGD paper): pods submitted one at a time, never leaving; a pod that fits nowhere fails. ' +
      'The curve is the GPU allocation ratio when the arrived GPU demand first reaches each % of capacity. Replay: simulated scheduling delays beside the trace\'s own.',
    table,
    ...(charts.length > 0 ? { charts } : {}),
  };
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => '  ' + r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
}
