/**
 * Filter plugin SpreadConstraint (`pkg/scheduler/framework/plugins/spreadconstraint`), spec §3:
 * a provider/region/zone spread constraint needs that topology property on the cluster.
 */
import type { Cluster } from '../types.js';
import { Success, unschedulable, type FilterPlugin, type FilterResult, type PluginContext } from './framework.js';

export const SpreadConstraintName = 'SpreadConstraint';

export const spreadConstraintPlugin: FilterPlugin = {
  name: SpreadConstraintName,
  filter(ctx: PluginContext, cluster: Cluster): FilterResult {
    const constraints = ctx.spec.placement?.spreadConstraints;
    if (!constraints) return Success;
    for (const sc of constraints) {
      switch (sc.spreadByField) {
        case 'provider':
          if (!cluster.provider) return unschedulable(SpreadConstraintName, 'cluster(s) did not have provider property');
          break;
        case 'region':
          if (!cluster.region) return unschedulable(SpreadConstraintName, 'cluster(s) did not have region property');
          break;
        case 'zone':
          if (!cluster.zones || cluster.zones.length === 0) return unschedulable(SpreadConstraintName, 'cluster(s) did not have zones property');
          break;
        default:
          break;
      }
    }
    return Success;
  },
};
