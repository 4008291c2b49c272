/**
 * Filter plugin ClusterEviction (`pkg/scheduler/framework/plugins/clustereviction`), spec §3:
 * a cluster the binding is being gracefully evicted from cannot be chosen again. When the binding
 * status carries a failover history (newer Karmada), the clusters of the last failover are also
 * kept out; without one (v1.19 as the spec describes) only eviction tasks count.
 */
import type { Cluster } from '../types.js';
import { Success, unschedulable, type FilterPlugin, type FilterResult, type PluginContext } from './framework.js';

export const ClusterEvictionName = 'ClusterEviction';

export const clusterEvictionPlugin: FilterPlugin = {
  name: ClusterEvictionName,
  filter(ctx: PluginContext, cluster: Cluster): FilterResult {
    const history = ctx.status.failoverHistory;
    if (history && history.length > 0 && (history[history.length - 1].clustersBeforeFailover ?? []).includes(cluster.name)) {
      return unschedulable(ClusterEvictionName, `workload has been failed over from this cluster ${cluster.name}`);
    }
    const tasks = ctx.spec.gracefulEvictionTasks;
    if (tasks) {
      for (let i = 0; i < tasks.length; i++) if (tasks[i].fromCluster === cluster.name) return unschedulable(ClusterEvictionName, 'cluster(s) is in the process of eviction');
    }
    return Success;
  },
};
