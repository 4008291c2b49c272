/**
 * Filter plugin ClusterEviction (`pkg/scheduler/framework/plugins/clustereviction`), spec §3:
 * a cluster the binding is being gracefully evicted from cannot be chosen again.
 */
import type { Cluster } from '../types.js';
import { Success, unschedulable, type FilterPlugin, type FilterResult, type PluginContext } from './framework.js';

export const ClusterEvictionName = 'ClusterEviction';

export const clusterEvictionPlugin: FilterPlugin = {
  name: ClusterEvictionName,
  filter(ctx: PluginContext, cluster: Cluster): FilterResult {
    if ((ctx.spec.gracefulEvictionTasks ?? []).some((t) => t.fromCluster === cluster.name)) {
      return unschedulable(ClusterEvictionName, 'cluster(s) is in the process of eviction');
    }
    return Success;
  },
};
