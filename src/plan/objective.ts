import type { Scenario } from '../scenario/types.js';

/**
 * What a plan minimises, for a fleet as configured (every node up):
 *
 * - `cost`: the fleet's node cost per hour at its clusters' prices, Σ nodes × (cores × price.cpu
 *   + GiB × price.memory + GPUs × price.gpu): what the simulator bills an up node (a run's
 *   `cost.nodes.perHour` is this rate averaged over the time nodes are up);
 * - `nodes`: the member clusters' node count.
 */
export type Objective = 'cost' | 'nodes';

export const OBJECTIVES: readonly Objective[] = ['cost', 'nodes'];

export function objectiveOf(s: Scenario, objective: Objective): number {
  let total = 0;
  for (const c of s.fleet.clusters) {
    for (const p of c.nodePools) {
      if (objective === 'nodes') {
        if (c.role === 'member') total += p.count;
      } else {
        total += p.count * ((p.cpuMillis / 1000) * c.prices.cpu + (p.memoryMiB / 1024) * c.prices.memory + p.gpus.count * c.prices.gpu);
      }
    }
  }
  return total;
}

/** The objective's unit, for people. */
export function objectiveUnit(objective: Objective): string {
  return objective === 'cost' ? 'per hour' : 'nodes';
}
