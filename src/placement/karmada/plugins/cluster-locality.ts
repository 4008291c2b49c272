/**
 * Score plugin ClusterLocality (`pkg/scheduler/framework/plugins/clusterlocality`), spec §4:
 * 100 for a cluster already in the binding's schedule result, else 0.
 */
import type { Cluster } from '../types.js';
import { MaxClusterScore, MinClusterScore, targetContains, type PluginContext, type ScorePlugin } from './framework.js';

export const ClusterLocalityName = 'ClusterLocality';

export const clusterLocalityPlugin: ScorePlugin = {
  name: ClusterLocalityName,
  score(ctx: PluginContext, cluster: Cluster): number {
    if ((ctx.spec.clusters ?? []).length === 0) return MinClusterScore;
    return targetContains(ctx.spec, cluster.name) ? MaxClusterScore : MinClusterScore;
  },
};
