import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { formatValue, pointLabels, type PlannedRun } from './sweep-keys.js';
import { FLEET, SWEEP_METRICS } from './sweep-metrics.js';
import { runsOf, type SweepHeader, type SweepRecord } from './sweep-results.js';
import { studentTQuantile } from './student-t.js';

/**
 * Aggregation of a sweep's runs, per configuration (sweep point × scheduler) and metric, with
 * arquero: n (runs with a value), mean, sample standard deviation, a 95 % confidence interval of
 * the mean (Student t: mean ± t(0.975, n−1) · sd / √n; none for n = 1), and p50/p95/p99, min,
 * max across replications (quantiles by linear interpolation between order statistics,
 * arquero's `op.quantile`, i.e. R's type 7).
 *
 * Everything is computed from the runs in the plan's canonical order (points, schedulers,
 * replications), never in the order runs finished, so the outputs are byte-identical whatever
 * the number of workers or shards.
 */

export interface SweepRunEntry {
  readonly planned: PlannedRun;
  readonly record: SweepRecord | null;
}

export interface SweepData {
  readonly header: SweepHeader;
  /** Every planned run, canonical order; `record` null where the run is missing. */
  readonly runs: readonly SweepRunEntry[];
  readonly pointLabels: readonly string[];
  /** Metric scopes in order: fleet, then clusters as they first appear. */
  readonly scopes: readonly string[];
}

export function sweepData(header: SweepHeader, records: ReadonlyMap<string, SweepRecord>): SweepData {
  const runs = runsOf(header).map((planned) => ({ planned, record: records.get(planned.id) ?? null }));
  const scopes = [FLEET];
  for (const r of runs) for (const m of r.record?.metrics ?? []) if (!scopes.includes(m.scope)) scopes.push(m.scope);
  return { header, runs, pointLabels: pointLabels(header.axes), scopes };
}

export interface AggregateRow {
  readonly point: number;
  readonly pointLabel: string;
  readonly values: readonly unknown[];
  readonly scheduler: string;
  readonly metric: string;
  readonly scope: string;
  readonly unit: string;
  readonly n: number;
  readonly mean: number;
  readonly sd: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly ciHalfWidth: number | null;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

/** The 95 % CI half-width of a mean of n values with sample standard deviation sd (null for n < 2). */
export function ciHalfWidth(n: number, sd: number | null): number | null {
  if (n < 2 || sd === null) return null;
  return (studentTQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
}

/** Point values of a header's axes, for point p. */
function pointValues(data: SweepData, p: number): unknown[] {
  const r = data.runs.find((x) => x.planned.point === p);
  if (r?.record) return [...r.record.values];
  // No record of this point: recompute from the axes (first axis slowest).
  const out: unknown[] = [];
  let rest = p;
  const axes = data.header.axes;
  for (let i = axes.length - 1; i >= 0; i--) {
    out[i] = axes[i].values[rest % axes[i].values.length];
    rest = Math.floor(rest / axes[i].values.length);
  }
  return out;
}

export function aggregate(data: SweepData): AggregateRow[] {
  const metricIndex = new Map<string, number>();
  SWEEP_METRICS.forEach((m, i) => metricIndex.set(m.name, i));
  const unit = new Map(SWEEP_METRICS.map((m) => [m.name, m.unit]));
  const scopeIndex = new Map(data.scopes.map((s, i) => [s, i]));
  const schedIndex = new Map(data.header.schedulers.map((s, i) => [s, i]));
  const rows: { p: number; s: number; m: number; c: number; v: number }[] = [];
  const extraMetrics: string[] = [];
  for (const { planned, record } of data.runs) {
    if (!record || record.status !== 'ok') continue;
    for (const mv of record.metrics ?? []) {
      if (mv.value === null || !Number.isFinite(mv.value)) continue;
      if (!metricIndex.has(mv.metric)) {
        // A metric this version does not list (a newer writer): keep it, after the known ones.
        metricIndex.set(mv.metric, SWEEP_METRICS.length + extraMetrics.length);
        extraMetrics.push(mv.metric);
      }
      rows.push({ p: planned.point, s: schedIndex.get(planned.scheduler)!, m: metricIndex.get(mv.metric)!, c: scopeIndex.get(mv.scope)!, v: mv.value });
    }
  }
  if (rows.length === 0) return [];
  const metricNames = [...SWEEP_METRICS.map((m) => m.name), ...extraMetrics];
  const t = aq
    .from(rows)
    .groupby('p', 's', 'm', 'c')
    .rollup({
      n: 'd => op.count()',
      mean: 'd => op.mean(d.v)',
      sd: 'd => op.stdev(d.v)',
      p50: 'd => op.quantile(d.v, 0.5)',
      p95: 'd => op.quantile(d.v, 0.95)',
      p99: 'd => op.quantile(d.v, 0.99)',
      min: 'd => op.min(d.v)',
      max: 'd => op.max(d.v)',
    })
    .orderby('p', 's', 'm', 'c');
  const values = new Map<number, unknown[]>();
  return (t.objects() as { p: number; s: number; m: number; c: number; n: number; mean: number; sd: number | undefined; p50: number; p95: number; p99: number; min: number; max: number }[]).map((o) => {
    const sd = o.n >= 2 && typeof o.sd === 'number' && Number.isFinite(o.sd) ? o.sd : null;
    const half = ciHalfWidth(o.n, sd);
    if (!values.has(o.p)) values.set(o.p, pointValues(data, o.p));
    return {
      point: o.p,
      pointLabel: data.pointLabels[o.p],
      values: values.get(o.p)!,
      scheduler: data.header.schedulers[o.s],
      metric: metricNames[o.m],
      scope: data.scopes[o.c],
      unit: unit.get(metricNames[o.m]) ?? '',
      n: o.n,
      mean: o.mean,
      sd,
      ciLow: half === null ? null : o.mean - half,
      ciHigh: half === null ? null : o.mean + half,
      ciHalfWidth: half,
      p50: o.p50,
      p95: o.p95,
      p99: o.p99,
      min: o.min,
      max: o.max,
    };
  });
}

/**
 * The table cells of an axis's values: as they are when all are numbers, all strings or all
 * booleans; otherwise every one as text (`5m`, `300`, `{"kind":"exponential","mean":60}`), so a
 * column has one type (Arrow needs that).
 */
function axisCells(values: readonly unknown[]): (v: unknown) => string | number | boolean | null {
  const types = new Set(values.map((v) => typeof v));
  const plain = types.size === 1 && (types.has('number') || types.has('string') || types.has('boolean'));
  return (v) => (v === null || v === undefined ? null : plain ? (v as string | number | boolean) : formatValue(v));
}

/** Column name of a metric in the wide runs table. */
export function metricColumn(metric: string, scope: string): string {
  return scope === FLEET ? metric : `${metric}[${scope}]`;
}

/** The runs table: one row per planned run that has a record, canonical order. */
export function runsTable(data: SweepData): Record<string, string | number | boolean | null>[] {
  const metricCols: string[] = [];
  for (const { record } of data.runs) {
    for (const m of record?.metrics ?? []) {
      const c = metricColumn(m.metric, m.scope);
      if (!metricCols.includes(c)) metricCols.push(c);
    }
  }
  const out: Record<string, string | number | boolean | null>[] = [];
  const cells = data.header.axes.map((a) => axisCells(a.values));
  for (const { planned, record } of data.runs) {
    if (!record) continue;
    const row: Record<string, string | number | boolean | null> = { run: planned.index, id: planned.id, point: data.pointLabels[planned.point] };
    data.header.axes.forEach((a, i) => (row[a.path] = cells[i](record.values[i])));
    row.scheduler = planned.scheduler;
    row.replication = planned.replication;
    row.seed = record.seed;
    row.status = record.status;
    row.error = record.error ? record.error.split('\n')[0] : null;
    row.events = record.result?.events ?? null;
    const mv = new Map((record.metrics ?? []).map((m) => [metricColumn(m.metric, m.scope), m.value]));
    for (const c of metricCols) row[c] = mv.get(c) ?? null;
    out.push(row);
  }
  return out;
}

/** The aggregate table, flat: axis values as columns. */
export function aggregateTable(data: SweepData, rows: readonly AggregateRow[]): Record<string, string | number | boolean | null>[] {
  const cells = data.header.axes.map((a) => axisCells(a.values));
  return rows.map((r) => {
    const o: Record<string, string | number | boolean | null> = { point: r.pointLabel };
    data.header.axes.forEach((a, i) => (o[a.path] = cells[i](r.values[i])));
    Object.assign(o, {
      scheduler: r.scheduler,
      metric: r.metric,
      scope: r.scope,
      unit: r.unit,
      n: r.n,
      mean: r.mean,
      sd: r.sd,
      ciLow: r.ciLow,
      ciHigh: r.ciHigh,
      ciHalfWidth: r.ciHalfWidth,
      p50: r.p50,
      p95: r.p95,
      p99: r.p99,
      min: r.min,
      max: r.max,
    });
    return o;
  });
}

/**
 * Write a table as an Arrow IPC file (what `pyarrow.ipc.open_file` and `arquero.loadArrow` read),
 * through arquero (flechette): given by columns (`{ name: values }`) or by rows. Throws when a
 * column has a type Arrow cannot take.
 */
export function writeArrowFile(file: string, table: Record<string, unknown[]> | readonly Record<string, unknown>[]): void {
  const t = Array.isArray(table) ? aq.from(table as Record<string, unknown>[]) : aq.table(table as Record<string, unknown[]>);
  writeFileSync(file, aq.toArrowIPC(t, { format: 'file' }));
}

/**
 * Write runs.{csv,json,arrow} and aggregate.{csv,json,arrow} into dir. Arrow (IPC file format,
 * via arquero's flechette) is written where the table has a column type Arrow can take; a table
 * that cannot be encoded is skipped with a note. Returns the files written and notes.
 */
export function writeTables(dir: string, data: SweepData, agg: readonly AggregateRow[]): { files: string[]; notes: string[] } {
  const files: string[] = [];
  const notes: string[] = [];
  const tables: [string, Record<string, string | number | boolean | null>[]][] = [
    ['runs', runsTable(data)],
    ['aggregate', aggregateTable(data, agg)],
  ];
  for (const [name, rows] of tables) {
    const json = join(dir, `${name}.json`);
    writeFileSync(json, JSON.stringify(rows, null, 1) + '\n');
    files.push(json);
    if (rows.length === 0) continue;
    // Columns in a fixed order (the first row's keys are all the keys: every row has every column).
    const t = aq.from(rows);
    const csv = join(dir, `${name}.csv`);
    writeFileSync(csv, aq.toCSV(t) + '\n');
    files.push(csv);
    try {
      const arrow = join(dir, `${name}.arrow`);
      writeArrowFile(arrow, rows);
      files.push(arrow);
    } catch (e) {
      notes.push(`${name}.arrow not written: ${(e as Error).message}`);
    }
  }
  return { files, notes };
}
