import { compareSamples, type Comparison } from '../gate/stats.js';
import type { AggregateRow, SweepData } from '../runner/sweep-aggregate.js';
import { FLEET, SWEEP_METRICS, type MetricDef } from '../runner/sweep-metrics.js';
import { fmtSeconds, pct } from './format.js';

/**
 * The verdict: which scheduler (or variant) does best on the figures a capacity planner asks
 * about, and which differences are real. One row per configuration (variant or sweep point ×
 * scheduler), one column per headline figure that the runs have (per service: SLO violation
 * time and p99 latency; per scheduled fault: failover time; p95 time to ready; gang queueing
 * delay and deadlocked gangs; GPU and CPU allocation; cost per hour; unavailable replica-seconds;
 * pods pending at the end), each the mean over replications with its 95 % confidence interval.
 *
 * The sentences under it name the largest differences that are not noise: each configuration
 * against its reference (the first scheduler of the same point; with one scheduler, the first
 * point), compared on common seeds with the paired t-test of the regression gate
 * (gate/stats.ts: replication r of both ran on the same seed, so the seed noise cancels), and
 * said only when the 95 % interval of the difference excludes 0 and the difference is at least
 * 1 % of the reference.
 */

export interface VerdictColumn {
  readonly metric: string;
  readonly scope: string;
  readonly title: string;
  /** A short name for sentences (`gang queueing delay`). */
  readonly short: string;
  readonly unit: MetricDef['unit'];
  readonly better: 'lower' | 'higher';
  /** The report section that explains it (an element id). */
  readonly section: string;
}

export interface VerdictCell {
  readonly mean: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  /** Runs with a value, and runs without one (e.g. a fault never failed over). */
  readonly n: number;
  readonly missing: number;
  readonly best: boolean;
  readonly text: string;
}

export interface VerdictRow {
  readonly point: number;
  readonly scheduler: string;
  readonly label: string;
  readonly runsOk: number;
  readonly runs: number;
  readonly cells: readonly VerdictCell[];
}

export interface VerdictDifference {
  readonly row: string;
  readonly reference: string;
  readonly column: string;
  readonly candidate: number;
  readonly base: number;
  readonly diff: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  /** |diff| / |reference| (the ranking key). */
  readonly relative: number;
  readonly better: boolean;
  readonly text: string;
}

export interface Verdict {
  readonly replications: number;
  readonly columns: readonly VerdictColumn[];
  readonly rows: readonly VerdictRow[];
  readonly differences: readonly VerdictDifference[];
  readonly sentences: readonly string[];
  /** Why there are no sentences, when there are none. */
  readonly note: string;
}

interface Headline {
  readonly metric: string;
  readonly short: string;
  readonly title: (scope: string) => string;
  readonly section: string;
  readonly per?: 'service' | 'fault';
}

/** The headline figures, in the verdict's column order. */
const HEADLINES: readonly Headline[] = [
  { metric: 'traffic.sloViolation', per: 'service', short: 'SLO violation', title: (s) => `SLO violation (${shortScope(s)})`, section: 'traffic' },
  { metric: 'traffic.latency.p99', per: 'service', short: 'p99 latency', title: (s) => `p99 latency (${shortScope(s)})`, section: 'traffic' },
  { metric: 'failover.afterDetection', per: 'fault', short: 'failover', title: (s) => `failover (${shortScope(s)})`, section: 'failover' },
  { metric: 'timeToAllReady.p95', short: 'p95 time to ready', title: () => 'p95 time to ready', section: 'time-to-ready' },
  { metric: 'gangs.queueingDelay.mean', short: 'gang queueing delay', title: () => 'gang queueing delay', section: 'gangs' },
  { metric: 'jobs.deadlocked', short: 'deadlocked gangs', title: () => 'deadlocked gangs', section: 'gangs' },
  { metric: 'gpu.utilization', short: 'GPU allocation', title: () => 'GPU allocation', section: 'utilisation' },
  { metric: 'cpu.utilization', short: 'CPU allocation', title: () => 'CPU allocation', section: 'utilisation' },
  { metric: 'cost.workloads.perHour', short: 'cost/h', title: () => 'cost per hour (showback)', section: 'cost' },
  { metric: 'unavailableReplicaSeconds', short: 'unavailable replica-s', title: () => 'unavailable replica-s', section: 'availability' },
  { metric: 'pods.pending', short: 'pods pending at the end', title: () => 'pods pending at the end', section: 'why-pending' },
];

/** A service without its namespace when that is `default`; a fault as `cluster hh:mm`. */
function shortScope(scope: string): string {
  const fault = /^(\S+) .* at (\d+)h(\d\d)m/.exec(scope);
  if (fault) return `${fault[1]} ${String(Number(fault[2]) % 24).padStart(2, '0')}:${fault[3]}${Number(fault[2]) >= 24 ? ` day ${Math.floor(Number(fault[2]) / 24) + 1}` : ''}`;
  return scope.startsWith('default/') ? scope.slice('default/'.length) : scope;
}

const DEFS = new Map(SWEEP_METRICS.map((m) => [m.name, m]));
const ALPHA = 0.05;
/** Differences smaller than this share of the reference are not worth a sentence, significant or not. */
const MIN_RELATIVE = 0.01;
const MAX_SENTENCES = 8;
const MAX_TERMS = 3;

/** A value in its metric's unit. */
export function fmtValue(v: number | null, unit: string): string {
  if (v === null || !Number.isFinite(v)) return '—';
  switch (unit) {
    case 's':
      return fmtSeconds(v);
    case 'ratio':
      return pct(v);
    case 'ms':
      return `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`;
    case 'per-h':
      return v.toFixed(2);
    case 'count':
      return Number.isInteger(v) ? String(v) : v.toFixed(1);
    default:
      return Math.abs(v) >= 100 ? String(Math.round(v)) : v.toFixed(1);
  }
}

/** A difference in its metric's unit (ratios in percentage points). */
function fmtDiff(v: number, unit: string): string {
  const sign = v > 0 ? '+' : v < 0 ? '−' : '±';
  const a = Math.abs(v);
  if (unit === 'ratio') return `${sign}${(a * 100).toFixed(1)} points`;
  return `${sign}${fmtValue(a, unit)}`;
}

/** A configuration's name: its scheduler (the module's own name for a module path), after its variant or sweep point when there are several. */
function configLabel(data: SweepData, point: number, scheduler: string): string {
  const own = data.runs.find((r) => r.planned.scheduler === scheduler && r.record?.result)?.record?.result?.scheduler ?? scheduler;
  const p = data.pointLabels[point];
  return data.pointLabels.length > 1 ? `${p.replace(/^variant=/, '')} / ${own}` : own;
}

/** Per configuration and metric/scope, the values of replications 0..R-1 (null where a run has none or failed). */
function samples(data: SweepData): Map<string, { seeds: number[]; values: (number | null)[] }> {
  const out = new Map<string, { seeds: number[]; values: (number | null)[] }>();
  const R = data.header.replications;
  for (const { planned, record } of data.runs) {
    for (const m of record?.status === 'ok' ? (record.metrics ?? []) : []) {
      const key = `${planned.point}\0${planned.scheduler}\0${m.metric}\0${m.scope}`;
      let s = out.get(key);
      if (!s) out.set(key, (s = { seeds: new Array<number>(R).fill(-1), values: new Array<number | null>(R).fill(null) }));
      s.seeds[planned.replication] = record!.seed;
      s.values[planned.replication] = m.value === null || !Number.isFinite(m.value) ? null : m.value;
    }
  }
  return out;
}

export function computeVerdict(data: SweepData, agg: readonly AggregateRow[]): Verdict {
  const R = data.header.replications;
  const aggBy = new Map(agg.map((r) => [`${r.point}\0${r.scheduler}\0${r.metric}\0${r.scope}`, r]));
  const smp = samples(data);
  // Columns: each headline metric with data in some configuration, per scope where it is per service or fault.
  const columns: VerdictColumn[] = [];
  for (const h of HEADLINES) {
    const def = DEFS.get(h.metric)!;
    const scopes = h.per ? [...new Set(agg.filter((r) => r.metric === h.metric && r.scope !== FLEET).map((r) => r.scope))] : [FLEET];
    // A per-fault figure with no value in any run (never failed over anywhere) still gets its column: "never" is the verdict.
    if (h.per === 'fault') for (const { record } of data.runs) for (const m of record?.metrics ?? []) if (m.metric === h.metric && m.scope !== FLEET && !scopes.includes(m.scope)) scopes.push(m.scope);
    for (const scope of scopes) {
      const any = [...smp.entries()].some(([k, s]) => k.endsWith(`\0${h.metric}\0${scope}`) && (h.per === 'fault' || s.values.some((v) => v !== null)));
      if (!any) continue;
      columns.push({ metric: h.metric, scope, title: h.title(scope), short: h.per ? `${h.short} (${shortScope(scope)})` : h.short, unit: def.unit, better: def.better ?? 'lower', section: h.section });
    }
  }
  // Deadlocked gangs only where there are gangs (the count is 0, not unknown, without any).
  if (!columns.some((c) => c.metric === 'gangs.queueingDelay.mean')) columns.splice(0, columns.length, ...columns.filter((c) => c.metric !== 'jobs.deadlocked'));
  const configs: { point: number; scheduler: string }[] = [];
  data.pointLabels.forEach((_, point) => data.header.schedulers.forEach((scheduler) => configs.push({ point, scheduler })));

  const rawRows = configs.map(({ point, scheduler }) => {
    const runs = data.runs.filter((r) => r.planned.point === point && r.planned.scheduler === scheduler);
    const ok = runs.filter((r) => r.record?.status === 'ok').length;
    const cells = columns.map((c) => {
      const a = aggBy.get(`${point}\0${scheduler}\0${c.metric}\0${c.scope}`);
      const n = a?.n ?? 0;
      return { mean: a ? a.mean : null, ciLow: a?.ciLow ?? null, ciHigh: a?.ciHigh ?? null, n, missing: ok - n };
    });
    return { point, scheduler, label: configLabel(data, point, scheduler), runsOk: ok, runs: runs.length, cells };
  });
  const rows: VerdictRow[] = rawRows.map((r) => ({
    ...r,
    cells: r.cells.map((cell, j) => {
      const col = columns[j];
      const means = rawRows.map((x) => x.cells[j].mean).filter((m): m is number => m !== null);
      const best = means.length ? (col.better === 'lower' ? Math.min(...means) : Math.max(...means)) : null;
      const allSame = means.every((m) => close(m, means[0]));
      return { ...cell, best: best !== null && cell.mean !== null && !allSame && close(cell.mean, best), text: cellText(cell, col.unit) };
    }),
  }));

  // Differences against the reference, on common seeds.
  const differences: VerdictDifference[] = [];
  const manySchedulers = data.header.schedulers.length > 1;
  for (const row of rows) {
    const ref = manySchedulers ? rows.find((x) => x.point === row.point && x.scheduler === data.header.schedulers[0])! : rows[0];
    if (ref === row) continue;
    columns.forEach((col) => {
      const a = smp.get(`${ref.point}\0${ref.scheduler}\0${col.metric}\0${col.scope}`);
      const b = smp.get(`${row.point}\0${row.scheduler}\0${col.metric}\0${col.scope}`);
      if (!a || !b) return;
      const cmp: Comparison = compareSamples(a, b, ALPHA);
      if (cmp.diff === null || cmp.ciLow === null || cmp.ciHigh === null || cmp.baselineMean === null || cmp.candidateMean === null) return;
      if (cmp.nBaseline < 2 || !(cmp.ciLow > 0 || cmp.ciHigh < 0)) return;
      const relative = Math.abs(cmp.diff) / Math.max(Math.abs(cmp.baselineMean), 1e-12);
      if (relative < MIN_RELATIVE) return;
      const better = col.better === 'lower' ? cmp.diff < 0 : cmp.diff > 0;
      const ci = `95 % CI ${fmtDiff(cmp.ciLow, col.unit)} to ${fmtDiff(cmp.ciHigh, col.unit)}`;
      differences.push({
        row: row.label,
        reference: ref.label,
        column: col.title,
        candidate: cmp.candidateMean,
        base: cmp.baselineMean,
        diff: cmp.diff,
        ciLow: cmp.ciLow,
        ciHigh: cmp.ciHigh,
        relative,
        better,
        text: `${col.short} ${fmtValue(cmp.candidateMean, col.unit)} vs ${fmtValue(cmp.baselineMean, col.unit)} (${fmtDiff(cmp.diff, col.unit)}, ${ci}, ${better ? 'better' : 'worse'})`,
      });
    });
  }
  // One sentence per configuration with differences, its largest first; configurations by their largest.
  const byRow = new Map<string, VerdictDifference[]>();
  for (const d of [...differences].sort((x, y) => y.relative - x.relative)) {
    const list = byRow.get(d.row) ?? [];
    list.push(d);
    byRow.set(d.row, list);
  }
  const sentences = [...byRow.entries()].slice(0, MAX_SENTENCES).map(([row, ds]) => {
    const shown = ds.slice(0, MAX_TERMS);
    const rest = ds.length - shown.length;
    return `${row} vs ${ds[0].reference}: ${shown.map((d) => d.text).join('; ')}${rest > 0 ? `; and ${rest} more significant difference${rest > 1 ? 's' : ''} (see the sections)` : ''}.`;
  });
  let note = '';
  if (rows.length < 2) note = 'One configuration: nothing to compare.';
  else if (R < 2) note = 'One replication per configuration: no confidence interval and no significance test; run with --replications 3 (or more) to tell real differences from seed noise.';
  else if (!sentences.length) note = `No difference between the configurations is significant at 95 % (paired on common seeds) and larger than ${MIN_RELATIVE * 100} % of the reference.`;
  return { replications: R, columns, rows, differences, sentences, note };
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function cellText(c: { mean: number | null; ciLow: number | null; ciHigh: number | null; n: number; missing: number }, unit: string): string {
  if (c.mean === null) return c.missing > 0 ? 'never' : '—';
  // No interval of width 0 (every run gave the same value): the value says it all.
  const ci = c.ciLow !== null && c.ciHigh !== null && c.ciHigh > c.ciLow ? ` ±${fmtValue((c.ciHigh - c.ciLow) / 2, unit)}` : '';
  const never = c.missing > 0 ? ` (never in ${c.missing} of ${c.n + c.missing})` : '';
  return `${fmtValue(c.mean, unit)}${ci}${never}`;
}
