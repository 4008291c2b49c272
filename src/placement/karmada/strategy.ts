/**
 * Replica-scheduling strategy resolution (`pkg/scheduler/core/assignment.go` fn `newAssignState`),
 * spec §7 table.
 */
import type { Placement } from './types.js';

export const DuplicatedStrategy = 'Duplicated';
export const AggregatedStrategy = 'Aggregated';
export const StaticWeightStrategy = 'StaticWeight';
export const DynamicWeightStrategy = 'DynamicWeight';

export type AssignStrategyType =
  | typeof DuplicatedStrategy
  | typeof AggregatedStrategy
  | typeof StaticWeightStrategy
  | typeof DynamicWeightStrategy;

/** `Placement.ReplicaSchedulingType()`: no replicaScheduling at all means Duplicated. */
export function replicaSchedulingType(placement: Placement | null | undefined): string {
  const rs = placement?.replicaScheduling;
  if (!rs) return 'Duplicated';
  return rs.replicaSchedulingType ?? '';
}

/**
 * The assignment strategy of a placement, or `null` when the combination is unsupported
 * (e.g. Divided with an empty preference the webhook did not default).
 */
export function resolveStrategyType(placement: Placement | null | undefined): AssignStrategyType | null {
  switch (replicaSchedulingType(placement)) {
    case 'Duplicated':
      return DuplicatedStrategy;
    case 'Divided': {
      const rs = placement!.replicaScheduling!;
      switch (rs.replicaDivisionPreference) {
        case 'Aggregated':
          return AggregatedStrategy;
        case 'Weighted':
          return rs.weightPreference && rs.weightPreference.dynamicWeight ? DynamicWeightStrategy : StaticWeightStrategy;
        default:
          return null;
      }
    }
    default:
      return null;
  }
}
