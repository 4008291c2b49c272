import type { AggregateRow, SweepData } from '../runner/sweep-aggregate.js';
import { formatValue } from '../runner/sweep-keys.js';
import { FLEET, SWEEP_METRICS } from '../runner/sweep-metrics.js';
import type { SweepRecord } from '../runner/sweep-results.js';
import { faultWindows, hours, stepSeries, VEGA_LITE_SCHEMA } from './chart-parts.js';
import { escapeHtml, renderHtmlReport, type ReportSection, type ReportTable, type VegaLiteSpec } from './html.js';
import { computeVerdict } from './verdict.js';
import { verdictTable } from './verdict-html.js';
import { fmtSeconds, pct } from './format.js';

/**
 * The HTML report of a sweep (`fleetsim sweep`, `fleetsim merge`): one self-contained offline
 * page. Summary with 95 % confidence intervals per scheduler and sweep point; the schedulers side
 * by side; utilisation, replicas and pending pods over time per cluster (mean over
 * replications); the CDF of per-workload time to all ready across runs; cost (when RunResult has
 * it); every aggregate; failed runs; the scenario. Per-point charts have a "sweep point" menu
 * (their static SVG shows the first point).
 */

/** At most this many time points per series in a chart (every k-th sample beyond it). */
const MAX_SERIES_POINTS = 400;
/** At most this many steps per CDF curve (evenly spaced order statistics beyond it). */
const MAX_CDF_POINTS = 400;

const HEADLINE: { metric: string; title: string }[] = [
  { metric: 'timeToAllReady.mean', title: 'time to all ready (mean over workloads)' },
  { metric: 'replicas.ready', title: 'ready replicas at the end' },
  { metric: 'pods.pending', title: 'pending pods at the end' },
  { metric: 'cpu.utilization', title: 'CPU allocation (time mean, fleet)' },
  { metric: 'gpu.utilization', title: 'GPU allocation (time mean, fleet)' },
  { metric: 'jobs.completed', title: 'Jobs completed' },
];

const unitOf = new Map(SWEEP_METRICS.map((m) => [m.name, m.unit as string]));

/** A value in its metric's unit, for tables. */
export function fmtMetric(v: number | null, unit: string): string {
  if (v === null || !Number.isFinite(v)) return '—';
  if (unit === 's') return fmtSeconds(v);
  if (unit === 'ratio') return pct(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** `mean [low, high]` (or just the mean when there is no interval). */
export function fmtMeanCi(r: AggregateRow | undefined): string {
  if (!r) return '—';
  const u = r.unit;
  if (r.ciLow === null || r.ciHigh === null) return `${fmtMetric(r.mean, u)} (n=${r.n})`;
  return `${fmtMetric(r.mean, u)} [${fmtMetric(r.ciLow, u)}, ${fmtMetric(r.ciHigh, u)}]`;
}

function okRecords(data: SweepData, point: number, scheduler: string): SweepRecord[] {
  return data.runs.filter((r) => r.planned.point === point && r.planned.scheduler === scheduler && r.record?.status === 'ok' && r.record.result).map((r) => r.record!);
}

function configs(data: SweepData): { point: number; scheduler: string }[] {
  const out: { point: number; scheduler: string }[] = [];
  data.pointLabels.forEach((_, point) => data.header.schedulers.forEach((scheduler) => out.push({ point, scheduler })));
  return out;
}

/** The "sweep point" menu of a per-point chart (none with a single point). */
function pointParam(data: SweepData): { params?: unknown[]; transform?: unknown[] } {
  if (data.pointLabels.length <= 1) return {};
  return {
    params: [{ name: 'sweep_point', value: data.pointLabels[0], bind: { input: 'select', options: [...data.pointLabels], name: 'sweep point ' } }],
    transform: [{ filter: 'datum.point === sweep_point' }],
  };
}

/** A line or stacked-area chart over time, one panel per scheduler, colour per cluster. */
/**
 * A line or stacked-area chart over time, one panel per scheduler, colour per cluster; the fault
 * windows of each configuration's replication 0 shaded in its panel (rows of their own in the
 * same data: a facet's layers share its data).
 */
function seriesChart(data: SweepData, title: string, rows: object[], yTitle: string, format: string, stacked: boolean): VegaLiteSpec {
  const schedulers = data.header.schedulers;
  const faults = faultRows(data);
  const series = stepSeries({ color: 'cluster', colorTitle: 'cluster', yTitle, yFormat: format, valueFormat: format, stacked });
  const x = (series.encoding as { x: object }).x;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: faults.length ? `${title} (shaded: faults)` : title,
    data: { values: faults.length ? [...faults, ...rows] : rows },
    ...pointParam(data),
    facet: { column: { field: 'scheduler', type: 'nominal', sort: [...schedulers], title: 'scheduler' } },
    spec: {
      width: schedulers.length > 1 ? 380 : 560,
      height: 200,
      ...(faults.length
        ? {
            layer: [
              { transform: [{ filter: 'isValid(datum.fault)' }], mark: { type: 'rect', color: '#e45756', opacity: 0.13 }, encoding: { x: { ...x, field: 'from' }, x2: { field: 'to' }, tooltip: [{ field: 'fault', type: 'nominal' }] } },
              { transform: [{ filter: '!isValid(datum.fault)' }], ...series },
            ],
          }
        : series),
    },
  } as VegaLiteSpec;
}

/** The fault windows of each configuration's replication 0, as rows for its panel. */
function faultRows(data: SweepData): { point: string; scheduler: string; from: number; to: number; fault: string }[] {
  const out: { point: string; scheduler: string; from: number; to: number; fault: string }[] = [];
  for (const { point, scheduler } of configs(data)) {
    const run = okRecords(data, point, scheduler)[0]?.result;
    if (!run) continue;
    for (const w of faultWindows(run.timeline, run.duration)) out.push({ point: data.pointLabels[point], scheduler, from: w.from, to: w.to, fault: w.label });
  }
  return out;
}

type SeriesMetric = 'cpu' | 'gpu' | 'replicas' | 'pending';

/** Mean over a configuration's replications of one per-cluster series (member clusters; GPU only where there are GPUs). */
function meanSeriesRows(data: SweepData, metric: SeriesMetric): { point: string; scheduler: string; cluster: string; h: number; value: number }[] {
  const rows: { point: string; scheduler: string; cluster: string; h: number; value: number }[] = [];
  for (const { point, scheduler } of configs(data)) {
    const recs = okRecords(data, point, scheduler);
    if (recs.length === 0) continue;
    const first = recs[0].result!;
    const t = first.series.t;
    const stride = Math.max(1, Math.ceil(t.length / MAX_SERIES_POINTS));
    for (const c of first.clusters) {
      if (c.role !== 'member' || (metric === 'gpu' && c.gpus === 0)) continue;
      for (let i = 0; i < t.length; i += stride) {
        let s = 0;
        let n = 0;
        for (const r of recs) {
          const v = r.result!.series.clusters[c.name]?.[metric]?.[i];
          if (typeof v === 'number') {
            s += v;
            n++;
          }
        }
        if (n > 0) rows.push({ point: data.pointLabels[point], scheduler, cluster: c.name, h: hours(t[i]), value: s / n });
      }
    }
  }
  return rows;
}

/** Empirical CDF of per-workload time to all ready, pooled over a configuration's runs; never-ready workloads count in the denominator. */
function cdfRows(data: SweepData): { rows: object[]; notReady: { point: string; scheduler: string; fraction: number }[] } {
  const rows: object[] = [];
  const notReady: { point: string; scheduler: string; fraction: number }[] = [];
  for (const { point, scheduler } of configs(data)) {
    const recs = okRecords(data, point, scheduler);
    const times: number[] = [];
    let total = 0;
    for (const r of recs) {
      for (const w of r.result!.workloads) {
        total++;
        if (w.timeToAllReady !== null) times.push(w.timeToAllReady);
      }
    }
    if (total === 0) continue;
    times.sort((a, b) => a - b);
    const label = data.pointLabels[point];
    if (times.length < total) notReady.push({ point: label, scheduler, fraction: 1 - times.length / total });
    if (times.length === 0) continue;
    rows.push({ point: label, scheduler, seconds: 0, fraction: 0 });
    const step = Math.max(1, Math.ceil(times.length / MAX_CDF_POINTS));
    for (let i = 0; i < times.length; i += step) rows.push({ point: label, scheduler, seconds: times[i], fraction: (i + 1) / total });
    const last = times.length - 1;
    if (last % step !== 0) rows.push({ point: label, scheduler, seconds: times[last], fraction: times.length / total });
  }
  return { rows, notReady };
}

function cdfChart(data: SweepData, rows: object[]): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: 'Time to all ready per workload, CDF across runs',
    width: 560,
    height: 240,
    data: { values: rows },
    ...pointParam(data),
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'seconds', type: 'quantitative', title: 'time to all ready (s)' },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of workloads', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
      color: { field: 'scheduler', type: 'nominal', sort: [...data.header.schedulers], title: 'scheduler' },
      tooltip: [
        { field: 'scheduler', type: 'nominal' },
        { field: 'seconds', type: 'quantitative', format: '.1f' },
        { field: 'fraction', type: 'quantitative', format: '.1%' },
      ],
    },
  } as VegaLiteSpec;
}

/** Mean with its 95 % CI per sweep point, schedulers side by side. */
function comparisonChart(data: SweepData, agg: readonly AggregateRow[], metric: string, title: string): VegaLiteSpec | null {
  const rows = agg
    .filter((r) => r.metric === metric && r.scope === FLEET)
    .map((r) => ({ point: r.pointLabel, scheduler: r.scheduler, mean: r.mean, low: r.ciLow, high: r.ciHigh, n: r.n }));
  if (rows.length === 0) return null;
  const unit = unitOf.get(metric) ?? '';
  const format = unit === 'ratio' ? '.0%' : unit === 's' ? '.1f' : '.1f';
  const schedulers = [...data.header.schedulers];
  const onePoint = data.pointLabels.length <= 1;
  // The y domain covers the means and the whole intervals (and 0 for counts and ratios), so no interval is clipped.
  let lo = unit === 's' ? Infinity : 0;
  let hi = -Infinity;
  for (const r of rows) {
    lo = Math.min(lo, r.mean, r.low ?? r.mean);
    hi = Math.max(hi, r.mean, r.high ?? r.mean);
  }
  const pad = (hi - lo) * 0.05;
  const domain = hi > lo ? { domain: [lo === 0 ? 0 : lo - pad, hi + pad] } : { zero: unit !== 's' };
  const x = onePoint
    ? { field: 'scheduler', type: 'nominal', sort: schedulers, title: 'scheduler' }
    : { field: 'point', type: 'nominal', sort: [...data.pointLabels], title: 'sweep point', axis: { labelAngle: -30, labelLimit: 220 } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `${title}: mean and 95 % CI`,
    width: Math.min(900, Math.max(260, data.pointLabels.length * schedulers.length * 28)),
    height: 200,
    data: { values: rows },
    encoding: {
      x,
      ...(onePoint ? {} : { xOffset: { field: 'scheduler', type: 'nominal', sort: schedulers } }),
      color: { field: 'scheduler', type: 'nominal', sort: schedulers, title: 'scheduler' },
    },
    layer: [
      {
        transform: [{ filter: 'datum.low != null' }],
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
      },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          y: { field: 'mean', type: 'quantitative', title: unit === 's' ? `${title} (s)` : title, axis: { format }, scale: domain },
          tooltip: [
            { field: 'point', type: 'nominal', title: 'sweep point' },
            { field: 'scheduler', type: 'nominal' },
            { field: 'mean', type: 'quantitative', format: unit === 'ratio' ? '.2%' : '.3f' },
            { field: 'low', type: 'quantitative', format: unit === 'ratio' ? '.2%' : '.3f', title: '95% CI low' },
            { field: 'high', type: 'quantitative', format: unit === 'ratio' ? '.2%' : '.3f', title: '95% CI high' },
            { field: 'n', type: 'quantitative' },
          ],
        },
      },
    ],
  } as VegaLiteSpec;
}

function countStatus(data: SweepData): { ok: number; failed: number; missing: number } {
  let ok = 0;
  let failed = 0;
  let missing = 0;
  for (const r of data.runs) {
    if (!r.record) missing++;
    else if (r.record.status === 'ok') ok++;
    else failed++;
  }
  return { ok, failed, missing };
}

function summaryTable(data: SweepData, agg: readonly AggregateRow[]): ReportTable {
  const find = (point: number, scheduler: string, metric: string) => agg.find((r) => r.point === point && r.scheduler === scheduler && r.metric === metric && r.scope === FLEET);
  const rows = configs(data).map(({ point, scheduler }) => {
    const runs = data.runs.filter((r) => r.planned.point === point && r.planned.scheduler === scheduler);
    const ok = runs.filter((r) => r.record?.status === 'ok').length;
    return [data.pointLabels[point], scheduler, `${ok}/${runs.length}`, ...HEADLINE.map((h) => fmtMeanCi(find(point, scheduler, h.metric)))];
  });
  return { columns: ['sweep point', 'scheduler', 'runs ok', ...HEADLINE.map((h) => h.title)], rows };
}

function aggregateReportTable(agg: readonly AggregateRow[], many: boolean): ReportTable {
  return {
    columns: [...(many ? ['sweep point'] : []), 'scheduler', 'metric', 'scope', 'n', 'mean', '95% CI', 'sd', 'p50', 'p95', 'p99', 'min', 'max'],
    rows: agg.map((r) => [
      ...(many ? [r.pointLabel] : []),
      r.scheduler,
      r.metric,
      r.scope,
      r.n,
      fmtMetric(r.mean, r.unit),
      r.ciLow === null ? '—' : `[${fmtMetric(r.ciLow, r.unit)}, ${fmtMetric(r.ciHigh, r.unit)}]`,
      r.sd === null ? '—' : fmtMetric(r.sd, r.unit),
      fmtMetric(r.p50, r.unit),
      fmtMetric(r.p95, r.unit),
      fmtMetric(r.p99, r.unit),
      fmtMetric(r.min, r.unit),
      fmtMetric(r.max, r.unit),
    ]),
  };
}

/** The HTML report of a sweep. */
export async function renderSweepReport(data: SweepData, agg: readonly AggregateRow[]): Promise<string> {
  const h = data.header;
  const st = countStatus(data);
  const many = data.pointLabels.length > 1;
  const sections: ReportSection[] = [];

  // The decision first, as in the run report: one row per sweep point and scheduler.
  const verdict = computeVerdict(data, agg);
  if (verdict.rows.length > 1) {
    sections.push({
      id: 'verdict',
      title: 'Verdict',
      html: `${verdictTable(verdict, false)}<p>${escapeHtml('Each cell: the mean over the replications ± the half-width of its 95 % interval; ★ the best of its column. Below: the differences from each point\'s first scheduler (or the first point) that are significant on the common seeds and at least 1 % of it.')}</p>`,
    });
  }

  sections.push({
    title: 'Summary: mean [95 % confidence interval] per sweep point and scheduler',
    text: [
      `${h.runs} runs: ${data.pointLabels.length} sweep point${data.pointLabels.length === 1 ? '' : 's'} × ${h.schedulers.length} scheduler${h.schedulers.length === 1 ? '' : 's'} × ${h.replications} replication${h.replications === 1 ? '' : 's'}; ${st.ok} ok, ${st.failed} failed, ${st.missing} missing.`,
      'Confidence intervals are Student t intervals of the mean across replications (mean ± t(0.975, n−1)·sd/√n); n = 1 gives none. Replication 0 runs on the scenario seed, replication r ≥ 1 on a seed derived from (scenario seed, r); every scheduler and sweep point sees the same seeds, so scheduler differences are not seed noise.',
    ].join('\n\n'),
    table: summaryTable(data, agg),
  });

  const comparison = HEADLINE.map((m) => comparisonChart(data, agg, m.metric, m.title)).filter((c): c is VegaLiteSpec => c !== null);
  const comparisonTitle = h.schedulers.length > 1 ? 'Schedulers side by side' : many ? 'Across sweep points' : 'Means and 95 % confidence intervals';
  if (comparison.length) sections.push({ title: comparisonTitle, charts: comparison });

  const cpu = meanSeriesRows(data, 'cpu');
  const gpu = meanSeriesRows(data, 'gpu');
  const utilCharts: VegaLiteSpec[] = [];
  if (cpu.length) utilCharts.push(seriesChart(data, 'CPU allocation per cluster (mean over replications)', cpu, 'CPU requested / allocatable', '.0%', false));
  if (gpu.length) utilCharts.push(seriesChart(data, 'GPU allocation per cluster (mean over replications)', gpu, 'GPUs allocated / total', '.0%', false));
  if (utilCharts.length) sections.push({ title: 'Utilisation over time', charts: utilCharts });

  const replicas = meanSeriesRows(data, 'replicas');
  if (replicas.length) sections.push({ title: 'Replicas per cluster', charts: [seriesChart(data, 'Ready replicas per cluster, stacked (mean over replications)', replicas, 'ready pods', '.1f', true)] });

  const pending = meanSeriesRows(data, 'pending');
  if (pending.length) {
    sections.push({
      title: 'Pending pods and queues',
      text: 'Pending pods per member cluster (the kube-scheduler queue), mean over replications. The Karmada control plane\'s binding queue is not recorded in RunResult yet, so it is not shown.',
      charts: [seriesChart(data, 'Pending pods per cluster (mean over replications)', pending, 'pending pods', '.1f', false)],
    });
  }

  const cdf = cdfRows(data);
  if (cdf.rows.length) {
    const never = cdf.notReady.map((x) => `${many ? `${x.point}, ` : ''}${x.scheduler}: ${pct(x.fraction)}`).join('; ');
    sections.push({
      title: 'Latency: time to all ready',
      text: `Each workload of each run is one sample; workloads never all ready count in the denominator, so a curve stops below 100 %.${never ? ` Never all ready: ${never}.` : ''}`,
      charts: [cdfChart(data, cdf.rows)],
    });
  }

  const costRows = agg.filter((r) => r.metric.startsWith('cost.'));
  sections.push(
    costRows.length
      ? { title: 'Cost', table: aggregateReportTable(costRows, many) }
      : { title: 'Cost', text: 'Not modelled yet: RunResult carries no cost. When it does, its cost.* metrics appear here.' },
  );

  sections.push({
    title: 'Metrics',
    text: 'Each is one number per run; a run without a value (e.g. no workload ever ready) is left out of that metric\'s n. Scope fleet is every member cluster together.',
    table: { columns: ['metric', 'unit', 'per cluster', 'meaning'], rows: SWEEP_METRICS.map((m) => [m.name, m.unit, m.perCluster ? 'yes' : 'no', m.description]) },
  });
  sections.push({ title: 'Every aggregate', table: aggregateReportTable(agg, many) });

  const failed = data.runs.filter((r) => r.record && r.record.status === 'failed');
  if (failed.length) {
    sections.push({
      title: `Failed runs (${failed.length})`,
      table: {
        columns: ['run', 'id', 'sweep point', 'scheduler', 'replication', 'seed', 'error'],
        rows: failed.map((r) => [r.planned.index, r.planned.id, data.pointLabels[r.planned.point], r.planned.scheduler, r.planned.replication, r.record!.seed, (r.record!.error ?? '').split('\n')[0]]),
      },
    });
  }

  if (h.axes.length) {
    sections.push({
      title: 'Sweep axes',
      table: { columns: ['path', 'values'], rows: h.axes.map((a) => [a.path, a.values.map(formatValue).join(', ')]) },
    });
  }
  sections.push({ title: `Scenario (${h.scenarioFile})`, pre: h.scenarioText });

  return renderHtmlReport({
    title: `fleetsim sweep — ${h.scenario}`,
    subtitle: `${h.description ? h.description + ' · ' : ''}${h.runs} runs (${st.ok} ok, ${st.failed} failed, ${st.missing} missing) · ${h.replications} replications · schedulers: ${h.schedulers.join(', ')}`,
    sections,
  });
}

/** The text summary printed by `fleetsim sweep` and `fleetsim merge`. */
export function formatSweepSummary(data: SweepData, agg: readonly AggregateRow[]): string {
  const st = countStatus(data);
  const out: string[] = [];
  out.push(`sweep of ${data.header.scenario}: ${data.header.runs} runs (${data.pointLabels.length} points × ${data.header.schedulers.length} schedulers × ${data.header.replications} replications): ${st.ok} ok, ${st.failed} failed, ${st.missing} missing`);
  const cols = ['point', 'scheduler', 'n', 'time to all ready', 'ready replicas', 'pending', 'CPU util', 'GPU util'];
  const metrics = ['timeToAllReady.mean', 'replicas.ready', 'pods.pending', 'cpu.utilization', 'gpu.utilization'];
  const rows = [cols];
  for (const { point, scheduler } of configs(data)) {
    const find = (m: string) => agg.find((r) => r.point === point && r.scheduler === scheduler && r.metric === m && r.scope === FLEET);
    const n = data.runs.filter((r) => r.planned.point === point && r.planned.scheduler === scheduler && r.record?.status === 'ok').length;
    rows.push([data.pointLabels[point], scheduler, String(n), ...metrics.map((m) => fmtMeanCi(find(m)))]);
  }
  const widths = cols.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) out.push('  ' + r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  out.push('  (mean [95% CI] across replications)');
  return out.join('\n') + '\n';
}
