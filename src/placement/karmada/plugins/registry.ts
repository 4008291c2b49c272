/**
 * The in-tree plugin set (`pkg/scheduler/framework/plugins/registry.go`), all enabled by default
 * (`--plugins=*`), and the two framework runs over it. Filters run in this fixed order and stop at
 * the first failure, so the reported reason is deterministic.
 */
import type { Cluster } from '../types.js';
import { apiEnablementPlugin } from './api-enablement.js';
import { taintTolerationPlugin } from './taint-toleration.js';
import { clusterAffinityPlugin } from './cluster-affinity.js';
import { spreadConstraintPlugin } from './spread-constraint.js';
import { clusterEvictionPlugin } from './cluster-eviction.js';
import { clusterLocalityPlugin } from './cluster-locality.js';
import { Success, type FilterPlugin, type FilterResult, type PluginContext, type ScorePlugin } from './framework.js';

export const defaultFilterPlugins: readonly FilterPlugin[] = Object.freeze([
  apiEnablementPlugin,
  taintTolerationPlugin,
  clusterAffinityPlugin,
  spreadConstraintPlugin,
  clusterEvictionPlugin,
]);

export const defaultScorePlugins: readonly ScorePlugin[] = Object.freeze([clusterAffinityPlugin, clusterLocalityPlugin]);

const byName = new Map<string, FilterPlugin | ScorePlugin>(
  [...defaultFilterPlugins, ...defaultScorePlugins].map((p) => [p.name, p] as [string, FilterPlugin | ScorePlugin]),
);

export function filterPluginByName(name: string): FilterPlugin | undefined {
  const p = byName.get(name);
  return p && 'filter' in p ? p : undefined;
}

export function scorePluginByName(name: string): ScorePlugin | undefined {
  const p = byName.get(name);
  return p && 'score' in p ? p : undefined;
}

// Indexed loops: the plugin lists are frozen arrays, and for-of over them made an iterator result
// object per plugin per cluster per binding (the largest source of garbage at scale).

/** Run filters in order; the first failure wins. */
export function runFilterPlugins(plugins: readonly FilterPlugin[], ctx: PluginContext, cluster: Cluster): FilterResult {
  for (let i = 0; i < plugins.length; i++) {
    const p = plugins[i];
    const r = p.filter(ctx, cluster);
    if (r.code !== 'Success') return r.plugin ? r : { ...r, plugin: p.name };
  }
  return Success;
}

/** Sum of the score plugins (every plugin weight is 1). */
export function runScorePlugins(plugins: readonly ScorePlugin[], ctx: PluginContext, cluster: Cluster): number {
  let s = 0;
  for (let i = 0; i < plugins.length; i++) s += plugins[i].score(ctx, cluster);
  return s;
}
