import type { RunResult } from '../runner/result.js';
import { minute, stepSeries, VEGA_LITE_SCHEMA } from './chart-parts.js';
import type { ReportSection, VegaLiteSpec } from './html.js';

/** Whether any cluster of the run has prices (otherwise there is no cost to show). */
export function hasCost(run: RunResult): boolean {
  return run.clusters.some((c) => c.cost > 0);
}

export function totalCost(run: RunResult): number {
  return run.clusters.reduce((s, c) => s + c.cost, 0);
}

/** Spot reclaims seen in the run (one per interruption notice). */
export function interruptions(run: RunResult): number {
  return run.timeline.filter((e) => e.event.startsWith('fault: spot-reclaim')).length;
}

const money = (x: number): string => x.toFixed(2);

/** Workloads' showback cost: what their requests cost (independent of idle nodes). */
export function showbackCost(run: RunResult): number {
  return run.workloads.reduce((s, w) => s + w.cost, 0);
}

export function costLine(run: RunResult): string | null {
  if (!hasCost(run)) return null;
  const hours = run.duration / 3600;
  return (
    `cost: workloads ${money(showbackCost(run))} (showback), nodes ${money(totalCost(run))} (${money(totalCost(run) / hours)}/h, spot ` +
    `${money(run.clusters.filter((c) => c.spot).reduce((s, c) => s + c.cost, 0))}); ${interruptions(run)} spot interruptions; ` +
    `${Math.round(run.workloads.reduce((s, w) => s + w.unavailableReplicaSeconds, 0))} unavailable replica-s`
  );
}

/** A run's cost: per cluster, per workload (showback), and the cost rate over time. */
export function costSection(run: RunResult, tag: string): ReportSection | null {
  if (!hasCost(run)) return null;
  const hours = run.duration / 3600;
  const rows: { minute: number; cluster: string; value: number }[] = [];
  for (const c of run.clusters) {
    if (c.cost <= 0) continue;
    const s = run.series.clusters[c.name];
    run.series.t.forEach((t, i) => rows.push({ minute: minute(t), cluster: `${c.name}${c.spot ? ' (spot)' : ''}`, value: s.costRate[i] }));
  }
  const chart: VegaLiteSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: `Cost per hour of the running nodes${tag}`,
    width: 560,
    height: 220,
    data: { values: rows },
    ...stepSeries({ color: 'cluster', yTitle: 'cost per hour', stacked: true, valueFormat: null }),
  } as VegaLiteSpec;
  const top = [...run.workloads].sort((a, b) => b.cost - a.cost).slice(0, 20);
  return {
    title: `Cost${tag}`,
    text:
      `Node cost: every up node at its cluster's prices per core-, GiB- and GPU-hour (what the provider bills). ` +
      `Showback: each workload's bound pods' requests at the same prices, for the time they were bound. ` +
      `Workloads ${money(showbackCost(run))}; nodes ${money(totalCost(run))} over ${hours.toFixed(1)} h (fixed node pools: the nodes cost the same whoever uses them; ` +
      `there is no cluster autoscaler here); ${interruptions(run)} spot interruptions.`,
    table: {
      columns: ['cluster', 'spot', 'node cost', 'per hour', '', 'workload', 'showback'],
      rows: Array.from({ length: Math.max(run.clusters.length, top.length) }, (_, i) => {
        const c = run.clusters[i];
        const w = top[i];
        return [c?.name ?? '', c ? (c.spot ? 'yes' : 'no') : '', c ? money(c.cost) : '', c ? money(c.cost / hours) : '', '', w ? `${w.namespace}/${w.name}` : '', w ? money(w.cost) : ''];
      }),
    },
    charts: rows.length ? [chart] : [],
  };
}
