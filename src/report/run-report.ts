import type { RunResult, WorkloadResult } from '../runner/result.js';
import type { AggregateRow, SweepData } from '../runner/sweep-aggregate.js';
import { FLEET } from '../runner/sweep-metrics.js';
import { batchComparison, gangJobs, queueShareSection } from './batch-report.js';
import { faultWindows, hours, inTimeContext, sampleIndexes, shadeTimeChart, stepSeries, timeX, VEGA_LITE_SCHEMA, type FaultWindow, type TimeContext } from './chart-parts.js';
import { hasCost, interruptions, showbackCost, totalCost } from './cost-report.js';
import { fmtClock, fmtSeconds, pct } from './format.js';
import type { ClaimRow } from './claims.js';
import { escapeHtml, renderHtmlReport, type ReportSection, type VegaLiteSpec } from './html.js';
import { columnar, Dictionary, interactiveTable, type CellKind, type Columnar, type InteractiveTable } from './page-data.js';
import { reasonKind } from '../metrics/waits.js';
import { streamSummaries, workloadNotes } from './run-summary.js';
import { initialStateSection } from './initial-state-report.js';
import { inputsSection } from './inputs-report.js';
import type { InputsReport } from '../runner/result.js';
import { traceSection } from './trace-report.js';
import { trafficSections } from './traffic-report.js';
import { fmtValue, type Verdict } from './verdict.js';
import { verdictTable } from './verdict-html.js';

export { fmtSeconds, pct } from './format.js';

/**
 * The HTML report of `fleetsim run`: a decision first. The verdict (one row per scheduler or
 * variant, the headline figures with their intervals, the best marked, each cell a link to the
 * section that explains it; the significant differences in sentences), then why workloads
 * waited (per workload, in Kubernetes', Karmada's and Volcano's words), then a section per
 * headline figure with the configurations side by side, then each configuration's own run.
 *
 * Charts over time show each configuration's run on the scenario's seed (replication 0), in
 * clock time with the faults shaded; the tables of means come from every replication. The page
 * stays light (page-data.ts, page-script.ts): data by column, charts drawn as they are reached,
 * long tables a page at a time.
 */

/** A configuration (variant or sweep point × scheduler) and its runs. */
interface Config {
  readonly point: number;
  readonly scheduler: string;
  readonly label: string;
  /** Its run on the scenario's seed (replication 0), when it succeeded. */
  readonly run: RunResult | null;
  readonly runs: readonly RunResult[];
}

/** How a run is named when a report holds several: `variant / scheduler`. */
export function runLabel(run: RunResult): string {
  return run.variant ? `${run.variant} / ${run.scheduler}` : run.scheduler;
}

function configsOf(data: SweepData, verdict: Verdict): Config[] {
  return verdict.rows.map((row) => {
    const runs = data.runs.filter((r) => r.planned.point === row.point && r.planned.scheduler === row.scheduler && r.record?.status === 'ok' && r.record.result);
    const rep0 = runs.find((r) => r.planned.replication === 0)?.record?.result ?? null;
    return { point: row.point, scheduler: row.scheduler, label: row.label, run: rep0, runs: runs.map((r) => r.record!.result!) };
  });
}

/** Page builder: the datasets and tables the page carries, named as they are added. */
class Page {
  readonly datasets: Record<string, Columnar> = {};
  readonly tables: Record<string, InteractiveTable> = {};
  readonly waits: Record<string, unknown> = {};
  private n = 0;

  dataset(rows: readonly Record<string, string | number | null>[]): { name: string } {
    const name = `d${this.n++}`;
    this.datasets[name] = columnar(rows);
    return { name };
  }

  table(t: InteractiveTable): string {
    const name = `t${this.n++}`;
    this.tables[name] = t;
    return `<div class="itable" data-table="${name}"></div>`;
  }

  waitList(w: unknown): string {
    const name = `w${this.n++}`;
    this.waits[name] = w;
    return `<div class="waits" data-waits="${name}"></div>`;
  }
}

/** A section of the report: an interactive table (columns as title → kind), then charts. */
function tableSection(page: Page, s: { id: string; title: string; text: string; columns: readonly [string, CellKind][]; rows: (string | number | null)[][]; charts?: VegaLiteSpec[] }): ReportSection {
  return {
    id: s.id,
    title: s.title,
    text: s.text,
    html: page.table(interactiveTable(s.columns.map(([title, kind]) => ({ title, kind })), s.rows)),
    ...(s.charts ? { charts: s.charts } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// The verdict

function verdictText(v: Verdict): string {
  const lower = v.columns.filter((c) => c.better === 'lower').map((c) => c.short);
  const higher = v.columns.filter((c) => c.better === 'higher').map((c) => c.short);
  return [
    v.replications > 1
      ? `Each cell: the mean over ${v.replications} replications (common random numbers: every row ran on the same ${v.replications} seeds) ± the half-width of its 95 % confidence interval (Student t). ★ marks the best mean of a column; a click on a cell goes to the section that explains it.`
      : 'Each cell: the run on the scenario\'s seed. ★ marks the best of a column; a click on a cell goes to the section that explains it.',
    `Lower is better for ${lower.join(', ') || 'none'}; higher for ${higher.join(', ') || 'none'}. Failover: from Karmada's detection (its Ready condition left True) until every Deployment that had replicas on the failed cluster had all of them Ready elsewhere ("never" when that did not happen before the cluster came back or the run ended). Below the table, the differences from the reference (the first scheduler, or the first variant) that are significant (paired t-test on the common seeds, 95 %) and at least 1 % of it; nothing is said of differences inside the noise.`,
  ].join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// Why it waited

const MAX_WAIT_ITEMS = 40;

function waitsFor(config: Config, scenarioFile: string): unknown {
  const waits = config.run?.waits ?? [];
  const dict = new Dictionary();
  const intern = (x: string) => dict.index(x);
  const where = new Dictionary();
  const wi = (x: string) => where.index(x);
  const totals = new Map<string, number>();
  for (const w of config.run?.workloads ?? []) {
    const g = w.stream !== undefined ? `${w.namespace}/${w.stream}` : 'workloads';
    totals.set(g, (totals.get(g) ?? 0) + 1);
  }
  const groups = new Map<string, typeof waits[number][]>();
  for (const w of waits) {
    const g = w.stream !== undefined ? `${w.workload.split('/')[0]}/${w.stream}` : 'workloads';
    let l = groups.get(g);
    if (!l) groups.set(g, (l = []));
    l.push(w);
  }
  let omitted = 0;
  const out = [...groups].map(([name, ws]) => {
    const sorted = [...ws].sort((a, b) => b.waited - a.waited || (a.workload < b.workload ? -1 : 1));
    omitted += Math.max(0, sorted.length - MAX_WAIT_ITEMS);
    // The most common blocking reason of the group (numbers written N).
    const kinds = new Map<string, number>();
    for (const w of ws) for (const k of new Set(w.reasons.filter((r) => r.where !== 'gang').map((r) => `${r.where}: ${reasonKind(r.reason)}`))) kinds.set(k, (kinds.get(k) ?? 0) + 1);
    const top = [...kinds].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    return {
      name,
      total: totals.get(name) ?? 0,
      top: top ? intern(`${top[0]} (${top[1]} of them)`) : null,
      items: sorted.slice(0, MAX_WAIT_ITEMS).map((w) => {
        const rs = w.reasons.map((r) => [wi(r.where), Math.round(r.from * 10) / 10, r.to === null ? -1 : Math.round(r.to * 10) / 10, intern(r.reason)]);
        const first = w.reasons.findIndex((r) => r.where !== 'gang');
        return { name: w.workload, waited: Math.round(w.waited), arrival: Math.round(w.arrival), placement: w.placement ? intern(w.placement) : -1, first: first >= 0 ? first : rs.length ? 0 : -1, rs, more: w.more };
      }),
    };
  });
  const example = waits[0]?.workload.split('/')[1] ?? '<workload>';
  return {
    dict: dict.values,
    where: where.values,
    groups: out,
    omitted: omitted
      ? `${omitted} more workloads waited less than the ${MAX_WAIT_ITEMS} longest of their stream: fleetsim explain ${scenarioFile} ${example} --scheduler ${config.scheduler} shows any workload.`
      : '',
  };
}

function whySection(configs: readonly Config[], page: Page, scenarioFile: string): ReportSection {
  const blocks = configs.map((c, i) => {
    const n = c.run?.waits?.length ?? 0;
    const body = c.run ? (n ? page.waitList(waitsFor(c, scenarioFile)) : '<p class="muted">No workload waited.</p>') : '<p class="muted">The run failed.</p>';
    return `<details class="config"${i === 0 ? ' open' : ''}><summary><strong>${escapeHtml(c.label)}</strong> <span class="muted">— ${n} workload${n === 1 ? '' : 's'} waited</span></summary>${body}</details>`;
  });
  return {
    id: 'why-pending',
    title: 'Why it waited, and why it went there',
    text:
      'Every workload that had pending replicas or a gang that waited, in the run on the scenario\'s seed, grouped by Job stream, the longest waits first; open one for its reasons over time, each in the words of the part that gave it: ' +
      'the fleet scheduler (Karmada\'s error, and per cluster the filter plugin that rejected it or the estimator\'s available replicas), the fleet queue, a member cluster (kube-scheduler\'s FitError, or Volcano\'s PodGroup condition), or the gang (Ready pods waiting for the rest). ' +
      '"placed" gives its last placement and what decided it. fleetsim explain <scenario> <workload> prints the same for any workload.',
    html: blocks.join('\n'),
  };
}

// ---------------------------------------------------------------------------------------------
// Charts over time, the configurations side by side (each its run on the scenario's seed)

function lineChart(page: Page, ctx: TimeContext, title: string, rows: Record<string, string | number | null>[], o: { yTitle: string; format: string; color?: string; sort?: readonly string[]; extra?: object[] }): VegaLiteSpec {
  const base = {
    $schema: VEGA_LITE_SCHEMA,
    title,
    width: 760,
    height: 220,
    data: page.dataset(rows),
    ...stepSeries({ color: o.color ?? 'config', colorTitle: '', yTitle: o.yTitle, yFormat: o.format, valueFormat: o.format, duration: ctx.duration, ...(o.sort ? { sort: o.sort } : {}) }),
  };
  const spec = inTimeContext(base, ctx);
  if (o.extra) (spec.layer as object[]).push(...o.extra);
  return spec as unknown as VegaLiteSpec;
}

/** Capacity-weighted fleet allocation of one resource over time (member clusters; GPU: clusters with GPUs). */
function fleetSeries(run: RunResult, metric: 'cpu' | 'gpu', weightOf: (c: RunResult['clusters'][number]) => number): { t: number; v: number }[] {
  const members = run.clusters.filter((c) => c.role === 'member' && weightOf(c) > 0);
  const total = members.reduce((s, c) => s + weightOf(c), 0);
  if (total === 0) return [];
  return sampleIndexes(run.series.t.length).map((i) => ({ t: run.series.t[i], v: members.reduce((s, c) => s + weightOf(c) * (run.series.clusters[c.name]?.[metric][i] ?? 0), 0) / total }));
}

function utilisationSection(configs: readonly Config[], page: Page, ctx: TimeContext): ReportSection {
  const charts: VegaLiteSpec[] = [];
  const labels = configs.map((c) => c.label);
  const withGpu = configs.some((c) => c.run?.clusters.some((x) => x.gpus > 0));
  for (const [metric, title] of [...(withGpu ? [['gpu', 'GPU allocation, fleet'] as const] : []), ['cpu', 'CPU allocation, fleet'] as const]) {
    const rows = configs.flatMap((c) => (c.run ? fleetSeries(c.run, metric, (x) => (metric === 'gpu' ? x.gpus : x.cpu)).map((p) => ({ h: hours(p.t), config: c.label, value: p.v })) : []));
    if (rows.length) charts.push(lineChart(page, ctx, `${title} (requests of bound pods / allocatable)`, rows, { yTitle: `${metric.toUpperCase()} allocated / total`, format: '.0%', sort: labels }));
  }
  return {
    id: 'utilisation',
    title: 'Utilisation',
    text: 'Allocation over the whole fleet (member clusters, weighted by capacity), each configuration\'s run on the scenario\'s seed; per cluster in each configuration\'s own section below. Faults shaded.',
    charts,
  };
}

function trafficCompare(configs: readonly Config[], page: Page, ctx: TimeContext, agg: readonly AggregateRow[]): ReportSection | null {
  const services = configs.find((c) => c.run?.traffic?.length)?.run?.traffic ?? [];
  if (!services.length) return null;
  const labels = configs.map((c) => c.label);
  const charts: VegaLiteSpec[] = [];
  const rows: (string | number | null)[][] = [];
  for (const svc of services) {
    const key = `${svc.namespace}/${svc.service}`;
    const pctl = svc.slo?.percentile ?? 99;
    const lat: Record<string, string | number | null>[] = [];
    for (const c of configs) {
      const s = c.run?.traffic?.find((x) => x.namespace === svc.namespace && x.service === svc.service);
      if (!s) continue;
      for (const i of sampleIndexes(s.timeline.t.length)) if (s.timeline.pSlo[i] !== null) lat.push({ h: hours(s.timeline.t[i]), config: c.label, value: s.timeline.pSlo[i] });
      const meanOf = (metric: string) => agg.find((r) => r.point === c.point && r.scheduler === c.scheduler && r.metric === metric && r.scope === key);
      rows.push([c.label, key, Math.round(s.offered), s.errorRate, s.timeoutRate, s.latencyMs.p50, s.latencyMs.p99, meanOf('traffic.latency.p99')?.mean ?? null, s.slo ? s.sloViolationSeconds : null, meanOf('traffic.sloViolation')?.mean ?? null]);
    }
    const slo = svc.slo?.latencyMs ? [{ data: { values: [{ y: svc.slo.latencyMs }] }, mark: { type: 'rule', strokeDash: [6, 4], color: '#e45756' }, encoding: { y: { field: 'y', type: 'quantitative' } } }] : [];
    charts.push(lineChart(page, ctx, `p${pctl} latency per SLO window: ${key} (dashed: the objective)`, lat, { yTitle: `p${pctl} latency (ms)`, format: '.0f', sort: labels, extra: slo }));
  }
  return tableSection(page, {
    id: 'traffic',
    title: 'Traffic and SLOs',
    text: 'Per service and configuration: the run on the scenario\'s seed (offered requests, failed and timed-out shares, latency), and the means over the replications of p99 latency and SLO violation time (the verdict\'s figures).',
    columns: [
      ['configuration', 'text'],
      ['service', 'text'],
      ['offered', 'int'],
      ['failed', 'pct'],
      ['timed out', 'pct'],
      ['p50 ms', 'num'],
      ['p99 ms', 'num'],
      ['p99 ms, mean of runs', 'num'],
      ['SLO violation', 'dur'],
      ['SLO violation, mean of runs', 'dur'],
    ],
    rows,
    charts,
  });
}

function failoverCompare(configs: readonly Config[], page: Page, ctx: TimeContext, agg: readonly AggregateRow[]): ReportSection | null {
  if (!configs.some((c) => c.run?.failovers.length)) return null;
  const rows: (string | number | null)[][] = [];
  const charts: VegaLiteSpec[] = [];
  const labels = configs.map((c) => c.label);
  const first = configs.find((c) => c.run?.failovers.length)!.run!;
  for (const c of configs) {
    for (const f of c.run?.failovers ?? []) {
      const scope = agg.find((r) => r.point === c.point && r.scheduler === c.scheduler && r.metric === 'failover.afterDetection' && r.scope !== FLEET && r.scope.startsWith(`${f.cluster} `) && r.scope.includes(` at `));
      rows.push([
        c.label,
        `${f.cluster} ${f.mode} at ${fmtClock(f.at)}`,
        f.detection,
        f.eviction,
        f.failover !== null && f.detection !== null ? f.failover - f.detection : null,
        scope?.mean ?? null,
        f.restored,
        Math.round(f.unavailableReplicaSeconds),
        f.affectedWorkloads.join(' '),
      ]);
    }
  }
  // Per fault of the first run: the affected Deployments' Ready replicas outside the failed cluster, around the fault.
  for (const f of first.failovers.slice(0, 4)) {
    const from = Math.max(0, f.at - 600);
    const to = Math.min(first.duration, (f.recoveredAt ?? f.at + 1800) + 1800);
    const series: Record<string, string | number | null>[] = [];
    for (const c of configs) {
      const run = c.run;
      if (!run) continue;
      const affected = f.affectedWorkloads;
      run.series.t.forEach((t, i) => {
        if (t < from || t > to) return;
        let elsewhere = 0;
        for (const w of affected) for (const [cl, v] of Object.entries(run.series.workloads[w] ?? {})) if (cl !== f.cluster) elsewhere += v[i];
        series.push({ h: hours(t), config: c.label, value: elsewhere });
      });
    }
    const zoom: TimeContext = { duration: ctx.duration, faults: ctx.faults.filter((w) => w.to * 3600 >= from && w.from * 3600 <= to) };
    const spec = lineChart(page, zoom, `Failover of ${f.cluster} at ${fmtClock(f.at)}: Ready replicas of ${f.affectedWorkloads.join(', ') || 'its Deployments'} outside ${f.cluster}`, series, { yTitle: 'ready replicas elsewhere', format: 'd', sort: labels });
    // Zoomed in on the fault: the x domain is the window.
    for (const l of (spec as unknown as { layer: { encoding?: { x?: object } }[] }).layer) if (l.encoding?.x) l.encoding.x = { ...l.encoding.x, ...(timeX(to) as object), scale: { domain: [hours(from), hours(to)], nice: false, zero: false } };
    charts.push(spec);
  }
  return tableSection(page, {
    id: 'failover',
    title: 'Failover',
    text:
      'Per fault and configuration, in its run on the scenario\'s seed: detection (Karmada\'s Ready condition left True), the first eviction, failover after detection (every Deployment that had replicas there all Ready elsewhere), and fully ready again, all from the start of the fault except "after detection"; the mean of "after detection" over the replications is the verdict\'s figure. ' +
      'The charts zoom in on each fault: the Ready replicas of the Deployments it hit, outside the failed cluster.',
    columns: [
      ['configuration', 'text'],
      ['fault', 'text'],
      ['detection', 'dur'],
      ['first eviction', 'dur'],
      ['failover after detection', 'dur'],
      ['the same, mean of runs', 'dur'],
      ['fully ready again', 'dur'],
      ['unavailable replica-s', 'int'],
      ['affected', 'text'],
    ],
    rows,
    charts,
  });
}

function workloadTable(run: RunResult, page: Page): string {
  const waited = new Map((run.waits ?? []).map((w) => [w.workload, w.waited]));
  const cols = [
    { title: 'workload', kind: 'text' },
    { title: 'kind', kind: 'text' },
    { title: 'created', kind: 'clock' },
    { title: 'desired', kind: 'int' },
    { title: 'placement', kind: 'text' },
    { title: 'to scheduled', kind: 'dur' },
    { title: 'to all ready', kind: 'dur' },
    { title: 'to complete', kind: 'dur' },
    { title: 'waited', kind: 'dur' },
    { title: 'pending at end', kind: 'int' },
    { title: 'cost', kind: 'money' },
    { title: 'note', kind: 'text' },
  ] as const;
  const streams = streamSummaries(run);
  const groupIndex = new Map(streams.map((s, i) => [s.stream, i]));
  const rowOf = (w: WorkloadResult): (string | number | null)[] => [
    `${w.namespace}/${w.name}`,
    w.resourceKind ?? w.kind,
    w.arrival,
    w.desired,
    Object.entries(w.placement).map(([c, n]) => `${c}:${n}`).join(' '),
    w.timeToScheduled,
    w.timeToAllReady,
    w.kind === 'Job' ? w.timeToComplete : null,
    waited.get(`${w.namespace}/${w.name}`) ?? null,
    w.pending,
    w.cost,
    workloadNotes(w).join('; ') || null,
  ];
  const groups = streams.map((s) => {
    const ws = run.workloads.filter((w) => w.stream !== undefined && `${w.namespace}/${w.stream}` === s.stream);
    const sched = ws.map((w) => w.timeToScheduled).filter((x): x is number => x !== null);
    return [
      s.stream,
      `${s.jobs} Jobs`,
      ws.length ? ws[0].arrival : null,
      ws.reduce((a, w) => a + w.desired, 0),
      null,
      sched.length ? sched.reduce((a, x) => a + x, 0) / sched.length : null,
      s.timeToAllReady.mean,
      s.timeToComplete.mean,
      ws.reduce((a, w) => a + (waited.get(`${w.namespace}/${w.name}`) ?? 0), 0) || null,
      s.pendingPods,
      s.cost,
      `means over its Jobs; ${s.waited} waited, ${s.timeToComplete.never} not complete${s.deadlocked ? `, ${s.deadlocked} deadlocked` : ''}`,
    ];
  });
  return page.table(
    interactiveTable(cols, run.workloads.map(rowOf), {
      groupOf: run.workloads.map((w) => (w.stream !== undefined ? (groupIndex.get(`${w.namespace}/${w.stream}`) ?? -1) : -1)),
      groups,
      pageSize: 25,
    }),
  );
}

function timeToReadySection(configs: readonly Config[], page: Page): ReportSection {
  const blocks = configs.map((c, i) => {
    if (!c.run) return '';
    const streams = streamSummaries(c.run);
    return `<details class="config"${i === 0 ? ' open' : ''}><summary><strong>${escapeHtml(c.label)}</strong> <span class="muted">— ${c.run.workloads.length} workloads${streams.length ? ` (${streams.map((s) => `${escapeHtml(s.stream)}: ${s.jobs}`).join(', ')})` : ''}</span></summary>${workloadTable(c.run, page)}</details>`;
  });
  return {
    id: 'time-to-ready',
    title: 'Workloads: time to ready',
    text: 'Every workload of each configuration\'s run on the scenario\'s seed: a Job stream is one row (means over its Jobs) that opens to its Jobs. Click a column to sort, type to filter. Times are from each workload\'s creation; "never" did not get there before the end.',
    html: blocks.join('\n'),
  };
}

function gangSection(configs: readonly Config[], agg: readonly AggregateRow[]): ReportSection | null {
  const runs = configs.map((c) => c.run).filter((r): r is RunResult => r !== null && gangJobs(r).length > 0);
  if (!runs.length) return null;
  const labelOf = new Map(configs.filter((c) => c.run).map((c) => [c.run!, c.label]));
  const batch = batchComparison(runs, (r) => labelOf.get(r) ?? runLabel(r));
  if (!batch) return null;
  const means = configs
    .map((c) => {
      const f = (m: string) => agg.find((r) => r.point === c.point && r.scheduler === c.scheduler && r.metric === m && r.scope === FLEET);
      const q = f('gangs.queueingDelay.mean');
      const d = f('jobs.deadlocked');
      return `${c.label}: ${q ? fmtValue(q.mean, 's') : '—'}${q?.ciHalfWidth ? ` ±${fmtValue(q.ciHalfWidth, 's')}` : ''}, ${d ? fmtValue(d.mean, 'count') : '0'} deadlocked`;
    })
    .join('; ');
  return { ...batch, id: 'gangs', title: 'Gangs', text: `${batch.text ?? ''}\n\nMean gang queueing delay over the replications: ${means}. The table and the CDF: each configuration's run on the scenario's seed.` };
}

function costCompare(configs: readonly Config[], page: Page, ctx: TimeContext): ReportSection | null {
  const priced = configs.filter((c) => c.run && hasCost(c.run));
  if (!priced.length) return null;
  const rows = priced.flatMap((c) => {
    const run = c.run!;
    return sampleIndexes(run.series.t.length).map((i) => ({ h: hours(run.series.t[i]), config: c.label, value: run.clusters.reduce((s, x) => s + (run.series.clusters[x.name]?.costRate[i] ?? 0), 0) }));
  });
  const hoursOf = (r: RunResult) => r.duration / 3600;
  return tableSection(page, {
    id: 'cost',
    title: 'Cost',
    text:
      'Node cost: every up node at its cluster\'s prices per core-, GiB- and GPU-hour (what the provider bills; fixed node pools: the same whoever uses them, less only when nodes go). ' +
      'Showback: each workload\'s bound pods\' requests at the same prices for the time they were bound (where the scheduler put them: the verdict\'s cost per hour). Each configuration\'s run on the scenario\'s seed.',
    columns: [
      ['configuration', 'text'],
      ['node cost', 'money'],
      ['node cost per hour', 'money'],
      ['showback (workloads)', 'money'],
      ['showback per hour', 'money'],
      ['spot interruptions', 'int'],
    ],
    rows: priced.map((c) => [c.label, totalCost(c.run!), totalCost(c.run!) / hoursOf(c.run!), showbackCost(c.run!), showbackCost(c.run!) / hoursOf(c.run!), interruptions(c.run!)]),
    charts: [lineChart(page, ctx, 'Cost per hour of the running nodes, fleet', rows, { yTitle: 'cost per hour', format: '.0f', sort: priced.map((c) => c.label) })],
  });
}

function availabilitySection(configs: readonly Config[], page: Page, ctx: TimeContext): ReportSection | null {
  const deployments = [...new Set(configs.flatMap((c) => (c.run?.workloads ?? []).filter((w) => w.kind === 'Deployment').map((w) => `${w.namespace}/${w.name}`)))];
  if (!deployments.length) return null;
  const labels = configs.map((c) => c.label);
  const rows = configs.flatMap((c) =>
    (c.run?.workloads ?? []).filter((w) => w.kind === 'Deployment').map((w) => [c.label, `${w.namespace}/${w.name}`, w.desired, w.ready, Math.round(w.unavailableReplicaSeconds), w.timeToAllReady] as (string | number | null)[]),
  );
  const charts = deployments.slice(0, 4).map((d) => {
    const series = configs.flatMap((c) => {
      const run = c.run;
      const byCluster = run?.series.workloads[d];
      if (!run || !byCluster) return [];
      return sampleIndexes(run.series.t.length).map((i) => ({ h: hours(run.series.t[i]), config: c.label, value: Object.values(byCluster).reduce((s, v) => s + v[i], 0) }));
    });
    return lineChart(page, ctx, `Ready replicas of ${d}, all clusters`, series, { yTitle: 'ready replicas', format: 'd', sort: labels });
  });
  return tableSection(page, {
    id: 'availability',
    title: 'Availability',
    text: 'Unavailable replica-seconds: over the run, the Ready replicas a Deployment was short of its desired count (the verdict sums them over Deployments). Each configuration\'s run on the scenario\'s seed; faults shaded.',
    columns: [
      ['configuration', 'text'],
      ['Deployment', 'text'],
      ['desired at end', 'int'],
      ['ready at end', 'int'],
      ['unavailable replica-s', 'int'],
      ['time to all ready', 'dur'],
    ],
    rows,
    charts,
  });
}

// ---------------------------------------------------------------------------------------------
// Each configuration's own run (folded)

function clusterSeriesChart(page: Page, ctx: TimeContext, run: RunResult, metric: 'cpu' | 'gpu' | 'replicas' | 'pending', title: string, yTitle: string, format: string, stacked = false): VegaLiteSpec | null {
  const members = run.clusters.filter((c) => c.role === 'member' && (metric !== 'gpu' || c.gpus > 0));
  const idx = sampleIndexes(run.series.t.length);
  const rows = members.flatMap((c) => idx.map((i) => ({ h: hours(run.series.t[i]), cluster: c.name, value: run.series.clusters[c.name]?.[metric][i] ?? 0 })));
  if (!rows.length || (metric === 'pending' && !rows.some((r) => r.value > 0))) return null;
  const base = {
    $schema: VEGA_LITE_SCHEMA,
    title,
    width: 520,
    height: 200,
    data: page.dataset(rows),
    ...stepSeries({ color: 'cluster', colorTitle: 'cluster', yTitle, yFormat: format, valueFormat: format, stacked, duration: ctx.duration }),
  };
  return inTimeContext(base, ctx) as unknown as VegaLiteSpec;
}

function configSections(c: Config, page: Page, ctx: TimeContext): ReportSection[] {
  const run = c.run;
  if (!run) return [];
  const tag = ` — ${c.label}`;
  const clusterTable = {
    columns: ['cluster', 'region', 'nodes', 'GPUs', 'ready replicas', 'pending', 'CPU util mean', 'CPU util max', 'GPU util mean', 'GPU util max', 'node cost'],
    rows: run.clusters.map((x) => [x.name, x.region, x.nodes, x.gpus, x.replicas, x.pending, pct(x.cpuUtilization.mean), pct(x.cpuUtilization.max), x.gpus ? pct(x.gpuUtilization.mean) : null, x.gpus ? pct(x.gpuUtilization.max) : null, x.cost ? x.cost.toFixed(2) : null]),
  };
  // Every chart over time shows the faults (the run's own: stochastic ones differ between configurations).
  const own: TimeContext = { duration: ctx.duration, faults: faultWindows(run.timeline, run.duration) };
  const charts = [
    clusterSeriesChart(page, own, run, 'gpu', `GPU allocation per cluster${tag}`, 'GPUs allocated / total', '.0%'),
    clusterSeriesChart(page, own, run, 'cpu', `CPU allocation per cluster${tag}`, 'CPU requested / allocatable', '.0%'),
    clusterSeriesChart(page, own, run, 'replicas', `Ready replicas per cluster${tag}`, 'ready pods', 'd', true),
    clusterSeriesChart(page, own, run, 'pending', `Pending pods per cluster${tag}`, 'pending pods', 'd'),
  ].filter((x): x is VegaLiteSpec => x !== null);
  const out: ReportSection[] = [
    {
      id: `run-${c.point}-${c.scheduler}`.replace(/[^A-Za-z0-9_-]/g, '-'),
      title: `Clusters${tag}`,
      folded: true,
      text: `The run on seed ${run.seed} (replication 0): ${run.events} events. Faults shaded on the charts.`,
      table: clusterTable,
      charts,
    },
  ];
  const traces = traceSection(run, tag);
  if (traces) out.push({ ...traces, folded: true });
  const shaded = (s: ReportSection): ReportSection => ({ ...s, folded: true, ...(s.charts ? { charts: s.charts.map((c) => shadeTimeChart(c, own)) } : {}) });
  const queues = queueShareSection(run, tag);
  if (queues) out.push(shaded(queues));
  out.push(...trafficSections(run, tag).map(shaded));
  return out;
}

// ---------------------------------------------------------------------------------------------

/** Claims beside the simulated figures, and the scenario's assumptions. */
function claimsSection(claims: readonly ClaimRow[], assumptions: readonly string[], page: Page): ReportSection {
  const section = tableSection(page, {
    id: 'claims',
    title: 'Claims beside the simulation',
    text: 'Figures claimed elsewhere (the scenario\'s claims:), and what the simulation gives for the same figure: the mean over the replications ± its 95 % interval, and the range over the runs. "inside" when the simulated mean is within the claimed range.',
    columns: [
      ['claim', 'text'],
      ['source', 'text'],
      ['configuration', 'text'],
      ['claimed', 'text'],
      ['simulated', 'text'],
      ['over the runs', 'text'],
      ['the mean is', 'text'],
    ],
    rows: claims.map((c) => [c.claim, c.source, c.configuration, c.claimed, c.simulated, c.runs, c.verdict]),
  });
  const list = assumptions.length ? `<p><strong>Assumptions</strong></p><ul>${assumptions.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul>` : '';
  return { ...section, html: `${section.html ?? ''}${list}` };
}

/** The HTML report of `fleetsim run`, from the runs (every replication) and their aggregates; with the scenario's claims and assumptions, when it has them. */
export async function renderRunReport(
  data: SweepData,
  agg: readonly AggregateRow[],
  verdict: Verdict,
  extra: { claims?: readonly ClaimRow[]; assumptions?: readonly string[]; inputs?: InputsReport | null } = {},
): Promise<string> {
  const h = data.header;
  const page = new Page();
  const configs = configsOf(data, verdict);
  const any = configs.find((c) => c.run)?.run ?? null;
  const duration = any?.duration ?? 3600;
  const windows = new Map<string, FaultWindow>();
  for (const c of configs) for (const w of c.run ? faultWindows(c.run.timeline, c.run.duration) : []) windows.set(`${w.label}@${w.from}`, w);
  const ctx: TimeContext = { duration, faults: [...windows.values()].sort((a, b) => a.from - b.from) };

  const sections: ReportSection[] = [
    { id: 'verdict', title: 'Verdict', html: `${verdictTable(verdict)}${verdictText(verdict).split('\n\n').map((p) => `<p class="muted method">${escapeHtml(p)}</p>`).join('')}` },
  ];
  if (extra.claims?.length || extra.assumptions?.length) sections.push(claimsSection(extra.claims ?? [], extra.assumptions ?? [], page));
  // A run of an imported fleet: where it started, before what happened to it.
  const warm = initialStateSection(configs);
  if (warm) sections.push(warm);
  sections.push(whySection(configs, page, h.scenarioFile));
  const traffic = trafficCompare(configs, page, ctx, agg);
  if (traffic) sections.push(traffic);
  const failover = failoverCompare(configs, page, ctx, agg);
  if (failover) sections.push(failover);
  sections.push(timeToReadySection(configs, page));
  const gangs = gangSection(configs, agg);
  if (gangs) sections.push(gangs);
  sections.push(utilisationSection(configs, page, ctx));
  const cost = costCompare(configs, page, ctx);
  if (cost) sections.push(cost);
  const avail = availabilitySection(configs, page, ctx);
  if (avail) sections.push(avail);
  for (const c of configs) sections.push(...configSections(c, page, ctx));
  sections.push({
    ...tableSection(page, {
      id: 'runs',
      title: 'Runs',
      text: `${data.runs.length} runs: every configuration on the same ${h.replications} seed${h.replications === 1 ? '' : 's'} (replication 0 is the scenario's seed).`,
      columns: [
        ['configuration', 'text'],
        ['replication', 'int'],
        ['seed', 'int'],
        ['status', 'text'],
        ['events', 'int'],
        ['error', 'text'],
      ],
      rows: data.runs.map((r) => [
        configs.find((c) => c.point === r.planned.point && c.scheduler === r.planned.scheduler)?.label ?? r.planned.scheduler,
        r.planned.replication,
        r.record?.seed ?? null,
        r.record?.status ?? 'missing',
        r.record?.result?.events ?? null,
        r.record?.error ? r.record.error.split('\n')[0] : null,
      ]),
    }),
    folded: true,
  });
  const inputs = inputsSection(extra.inputs);
  if (inputs) sections.push({ ...inputs, id: 'inputs', table: { ...inputs.table!, visibleRows: 30 } });
  sections.push({ id: 'scenario', title: `Scenario (${h.scenarioFile})`, folded: true, pre: h.scenarioText });
  const seeds = [...new Set(data.runs.filter((r) => r.record).map((r) => r.record!.seed))];
  return renderHtmlReport({
    title: `fleetsim — ${h.scenario}`,
    subtitle: `${h.description ? h.description + ' · ' : ''}${fmtSeconds(duration)} simulated · ${configs.length} configuration${configs.length === 1 ? '' : 's'} × ${h.replications} replication${h.replications === 1 ? '' : 's'} (seeds ${seeds.slice(0, 5).join(', ')}${seeds.length > 5 ? ', ...' : ''})`,
    sections,
    page: { datasets: page.datasets, tables: page.tables, waits: page.waits },
  });
}
