/**
 * Filter plugin APIEnablement (`pkg/scheduler/framework/plugins/apienablement`), spec §3.
 * Clusters already in `spec.clusters` always pass; otherwise the cluster must report the
 * binding's groupVersion with the binding's kind. Both "disabled" (CompleteAPIEnablements=True)
 * and "unknown" (incomplete list) are rejected.
 */
import type { Cluster } from '../types.js';
import { Success, targetContains, unschedulable, type FilterPlugin, type FilterResult, type PluginContext } from './framework.js';

export const APIEnablementName = 'APIEnablement';

export function apiEnabled(cluster: Cluster, apiVersion: string, kind: string): boolean {
  const enablements = cluster.apiEnablements;
  if (!enablements) return false;
  for (let i = 0; i < enablements.length; i++) {
    const e = enablements[i];
    if (e.groupVersion !== apiVersion || !e.resources) continue;
    for (let k = 0; k < e.resources.length; k++) if (e.resources[k].kind === kind) return true;
  }
  return false;
}

export const apiEnablementPlugin: FilterPlugin = {
  name: APIEnablementName,
  filter(ctx: PluginContext, cluster: Cluster): FilterResult {
    if (targetContains(ctx.spec, cluster.name)) return Success;
    const res = ctx.spec.resource ?? {};
    if (apiEnabled(cluster, res.apiVersion ?? '', res.kind ?? '')) return Success;
    return unschedulable(
      APIEnablementName,
      cluster.completeAPIEnablements
        ? 'cluster(s) did not have the API resource'
        : 'cluster(s) did not have the API resource (API enablements of the cluster are incomplete)',
    );
  },
};
