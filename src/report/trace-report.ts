import type { DelayStats, TraceRunResult } from '../control/openb-trace.js';
import type { RunResult } from '../runner/result.js';
import { VEGA_LITE_SCHEMA } from './chart-parts.js';
import { fmtSeconds } from './format.js';
import type { ReportSection, VegaLiteSpec } from './html.js';

// ---------------------------------------------------------------------------------------------
// Cluster traces (RunResult.traces): counts, the paper mode's allocation curve, replay delays.

const curveAt = (t: TraceRunResult, k: number): string | null => {
  const v = t.allocationCurve?.[k];
  return v === null || v === undefined ? null : `${v.toFixed(2)}%`;
};
const delayPair = (d: DelayStats): string => `${fmtSeconds(d.p50)} / ${fmtSeconds(d.p99)}`;

export function traceLine(t: TraceRunResult): string {
  const head = `trace ${t.cluster} (${t.kind} ${t.mode}, ${t.nodeScoring}): ${t.pods} pods, ${t.arrived} arrived, ${t.bound} bound, ${t.failed} failed, ${t.pending} pending`;
  if (t.allocationCurve) return `${head}; GPU allocation ${curveAt(t, 100) ?? '-'} at 100% arrived demand, ${curveAt(t, t.allocationCurve.length - 1) ?? '-'} at ${t.allocationCurve.length - 1}%`;
  const d = t.schedulingDelay;
  return d ? `${head}; scheduling delay p50 / p99 ${delayPair(d.simulated)} (the trace's own: ${delayPair(d.real)})` : head;
}

export function traceSection(run: RunResult, tag: string): ReportSection | null {
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

