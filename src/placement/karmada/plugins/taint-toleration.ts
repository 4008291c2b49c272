/**
 * Filter plugin TaintToleration (`pkg/scheduler/framework/plugins/tainttoleration`), spec §3.
 * Clusters already in `spec.clusters` always pass (evicting them is the taint manager's job);
 * otherwise every NoSchedule/NoExecute taint must be tolerated by `placement.clusterTolerations`
 * (PreferNoSchedule is ignored). The first untolerated taint is reported.
 */
import type { Cluster } from '../types.js';
import { findMatchingUntoleratedTaint, taintToString } from '../toleration.js';
import { Success, targetContains, unschedulable, type FilterPlugin, type FilterResult, type PluginContext } from './framework.js';

export const TaintTolerationName = 'TaintToleration';

const schedulingEffect = (t: { effect: string }): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

export const taintTolerationPlugin: FilterPlugin = {
  name: TaintTolerationName,
  filter(ctx: PluginContext, cluster: Cluster): FilterResult {
    if (targetContains(ctx.spec, cluster.name)) return Success;
    if (!cluster.taints || cluster.taints.length === 0) return Success;
    const taint = findMatchingUntoleratedTaint(cluster.taints, ctx.spec.placement?.clusterTolerations, schedulingEffect);
    if (!taint) return Success;
    return unschedulable(TaintTolerationName, `cluster(s) had untolerated taint {${taintToString(taint)}}`);
  },
};
