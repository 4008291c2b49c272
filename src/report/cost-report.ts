import type { RunResult } from '../runner/result.js';

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
