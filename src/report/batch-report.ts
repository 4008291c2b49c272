import type { RunResult, WorkloadResult } from '../runner/result.js';
import { hours, TIME_X, VEGA_LITE_SCHEMA } from './chart-parts.js';
import type { ReportSection, VegaLiteSpec } from './html.js';

/**
 * Batch figures of a run: gang Jobs (minAvailable > 1) and Volcano queues. Queueing delay is
 * creation → the gang started (all minAvailable pods Ready together); completion time is creation
 * → all completions done; held GPU-hours are GPUs held by Ready pods whose gang had not started.
 */
export interface BatchFigures {
  gangs: number;
  started: number;
  completed: number;
  deadlocked: number;
  meanQueueingDelay: number | null;
  p95QueueingDelay: number | null;
  meanCompletionTime: number | null;
  heldGpuHours: number;
}

export function gangJobs(run: RunResult): WorkloadResult[] {
  return run.workloads.filter((w) => w.kind === 'Job' && (w.minAvailable ?? 1) > 1);
}

/** The q-quantile of ascending values by the nearest rank; null when empty. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export function batchFigures(run: RunResult): BatchFigures | null {
  const gangs = gangJobs(run);
  if (gangs.length === 0) return null;
  const delays = gangs.map((w) => w.queueingDelay).filter((d): d is number => d !== null && d !== undefined).sort((a, b) => a - b);
  const jct = gangs.map((w) => w.timeToComplete).filter((d): d is number => d !== null);
  return {
    gangs: gangs.length,
    started: delays.length,
    completed: jct.length,
    deadlocked: gangs.filter((w) => w.deadlocked).length,
    meanQueueingDelay: delays.length ? delays.reduce((s, x) => s + x, 0) / delays.length : null,
    p95QueueingDelay: quantile(delays, 0.95),
    meanCompletionTime: jct.length ? jct.reduce((s, x) => s + x, 0) / jct.length : null,
    heldGpuHours: gangs.reduce((s, w) => s + (w.heldGpuHours ?? 0), 0),
  };
}

const min = (s: number | null): string => (s === null ? '—' : `${(s / 60).toFixed(1)} min`);

/** The one-line batch summary printed by `fleetsim run`. */
export function batchLine(run: RunResult): string | null {
  const f = batchFigures(run);
  if (!f) return null;
  return (
    `batch: ${f.gangs} gang jobs, ${f.started} started, ${f.completed} completed, ${f.deadlocked} deadlocked; ` +
    `queueing delay mean ${min(f.meanQueueingDelay)} (p95 ${min(f.p95QueueingDelay)}), completion mean ${min(f.meanCompletionTime)}, ` +
    `${f.heldGpuHours.toFixed(1)} GPU-hours held by incomplete gangs`
  );
}

/** Rows for a cross-run comparison table. */
export function batchComparison(runs: RunResult[], label: (r: RunResult) => string): ReportSection | null {
  const rows = runs.map((r) => ({ r, f: batchFigures(r) })).filter((x) => x.f);
  if (rows.length === 0) return null;
  const cdf: { run: string; minutes: number; fraction: number }[] = [];
  for (const { r } of rows) {
    const d = gangJobs(r).map((w) => w.queueingDelay).filter((x): x is number => x !== null && x !== undefined).sort((a, b) => a - b);
    const n = gangJobs(r).length;
    d.forEach((x, i) => cdf.push({ run: label(r), minutes: Math.round((x / 60) * 100) / 100, fraction: (i + 1) / n }));
  }
  const chart: VegaLiteSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: 'Gang queueing delay (CDF over jobs; a curve below 1 means some never started)',
    width: 560,
    height: 240,
    data: { values: cdf },
    mark: { type: 'line', interpolate: 'step-after', point: false },
    encoding: {
      x: { field: 'minutes', type: 'quantitative', title: 'queueing delay (min)' },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of gang jobs', scale: { domain: [0, 1] } },
      color: { field: 'run', type: 'nominal' },
    },
  } as VegaLiteSpec;
  return {
    title: 'Batch gangs compared',
    text: 'A gang job makes progress only once minAvailable of its pods are Ready together. Deadlocked: never started, yet holding Ready pods at the end.',
    table: {
      columns: ['run', 'gang jobs', 'started', 'completed', 'deadlocked', 'mean queueing delay', 'p95 queueing delay', 'mean completion time', 'GPU-hours held by incomplete gangs'],
      rows: rows.map(({ r, f }) => [label(r), f!.gangs, f!.started, f!.completed, f!.deadlocked, min(f!.meanQueueingDelay), min(f!.p95QueueingDelay), min(f!.meanCompletionTime), Math.round(f!.heldGpuHours * 10) / 10]),
    },
    charts: cdf.length ? [chart] : [],
  };
}

/** A run's Volcano queue shares (deserved vs allocated) over time. */
export function queueShareSection(run: RunResult, tag: string): ReportSection | null {
  const shares = run.queueShares ?? [];
  if (shares.length === 0) return null;
  const rows: { h: number; series: string; value: number }[] = [];
  for (const s of shares) {
    s.t.forEach((t, i) => {
      rows.push({ h: hours(t), series: `${s.cluster}/${s.queue} deserved`, value: s.deserved[i] });
      rows.push({ h: hours(t), series: `${s.cluster}/${s.queue} allocated`, value: s.allocated[i] });
    });
  }
  return {
    title: `Volcano queue fair share${tag}`,
    text: `Deserved (the proportion plugin's water-filling) against allocated, per queue, in ${shares[0].resource}, sampled at sessions.`,
    charts: [
      {
        $schema: VEGA_LITE_SCHEMA,
        title: `Queue deserved vs allocated${tag}`,
        width: 560,
        height: 220,
        data: { values: rows },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: TIME_X,
          y: { field: 'value', type: 'quantitative', title: shares[0].resource },
          color: { field: 'series', type: 'nominal' },
          strokeDash: { field: 'series', type: 'nominal', legend: null },
        },
      } as VegaLiteSpec,
    ],
  };
}
