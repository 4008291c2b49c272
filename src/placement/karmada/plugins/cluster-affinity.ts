/**
 * Filter plugin ClusterAffinity (`pkg/scheduler/framework/plugins/clusteraffinity`), spec §3.
 * Its score is always 0 (spec §4).
 *
 * - `placement.clusterAffinity` set: the cluster must match it.
 * - else `placement.clusterAffinities` set: only the term named by
 *   `status.schedulerObservedAffinityName` counts; the cluster must match its inline affinity or,
 *   for a workload, one of its overflowAffinities. No such term → Success.
 */
import type { Cluster } from '../types.js';
import { clusterMatches } from '../cluster-affinity.js';
import { isWorkload } from '../reschedule-triggers.js';
import { Success, unschedulable, type FilterPlugin, type FilterResult, type PluginContext, type ScorePlugin } from './framework.js';

export const ClusterAffinityName = 'ClusterAffinity';
const REASON = 'cluster(s) did not match the placement cluster affinity constraint';
/** The one failure this filter reports, made once (most clusters fail a pool's affinity, for every binding). */
const NOT_MATCHED: FilterResult = Object.freeze(unschedulable(ClusterAffinityName, REASON)) as FilterResult;

export const clusterAffinityPlugin: FilterPlugin & ScorePlugin = {
  name: ClusterAffinityName,
  filter(ctx: PluginContext, cluster: Cluster): FilterResult {
    const p = ctx.spec.placement;
    if (!p) return Success;
    if (p.clusterAffinity) {
      return clusterMatches(cluster, p.clusterAffinity) ? Success : NOT_MATCHED;
    }
    const terms = p.clusterAffinities ?? [];
    if (terms.length > 0) {
      const term = terms.find((t) => t.affinityName === ctx.status.schedulerObservedAffinityName);
      if (!term) return Success;
      if (clusterMatches(cluster, term)) return Success;
      if (isWorkload(ctx.spec) && (term.overflowAffinities ?? []).some((o) => clusterMatches(cluster, o))) return Success;
      return NOT_MATCHED;
    }
    return Success;
  },
  score(): number {
    return 0;
  },
};
