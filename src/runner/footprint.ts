import { rateAt } from '../kernel/arrivals.js';
import type { Scenario } from '../scenario/types.js';

/**
 * How much memory one run of a scenario needs, from the scale benchmark's cost model
 * (bench/README, "Cost model"): peak RSS ~ BASE + PER_NODE x nodes + PER_POD x pods created over
 * the run. Measured on the scale fleet (Node's default heap settings, which let the heap grow
 * well past its live data before a full collection: the figures are peaks, not live data).
 * For sizing a Kubernetes Job's memory request (`fleetsim sweep --emit k8s-job`), not a limit
 * the simulator enforces.
 */
export const FOOTPRINT = {
  /** Node, the simulator's code and a small run (MiB). */
  baseMiB: 160,
  /** Per node of the fleet (KiB): its typed-array rows, the free-capacity and request-class trees. */
  perNodeKiB: 0.7,
  /** Per pod created (KiB): the pod table row, its share of its workload's objects, GC headroom. */
  perPodKiB: 1.1,
} as const;

/** Nodes of the scenario's fleet and the pods it is expected to create (Job arrivals at their mean rate). */
export function scenarioSize(s: Scenario): { nodes: number; pods: number } {
  let nodes = 0;
  for (const c of s.fleet.clusters) for (const p of c.nodePools) nodes += p.count;
  let pods = 0;
  for (const w of s.workloads) {
    if (w.kind === 'Deployment') {
      pods += w.replicas;
      continue;
    }
    const arrivals = w.arrivals ? expectedArrivals(w.arrivals.rate, w.arrival, Math.min(w.arrivals.until, s.duration), w.arrivals.count) : 1;
    pods += arrivals * Math.max(w.completions, w.parallelism);
  }
  return { nodes, pods: Math.round(pods) };
}

/** ∫ rate dt over [from, to] (trapezoids, 4096 steps), at most `count`. */
function expectedArrivals(rate: Parameters<typeof rateAt>[0], from: number, to: number, count: number): number {
  if (!(to > from)) return 0;
  const steps = 4096;
  const h = (to - from) / steps;
  let sum = (rateAt(rate, from) + rateAt(rate, to)) / 2;
  for (let k = 1; k < steps; k++) sum += rateAt(rate, from + k * h);
  return Math.min(count, sum * h);
}

/** Estimated peak RSS of one run (MiB). */
export function runMemoryMiB(s: Scenario): number {
  const { nodes, pods } = scenarioSize(s);
  return FOOTPRINT.baseMiB + (nodes * FOOTPRINT.perNodeKiB + pods * FOOTPRINT.perPodKiB) / 1024;
}
