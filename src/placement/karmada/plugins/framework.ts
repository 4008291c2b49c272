/**
 * The scheduler framework's extension points as Karmada has them
 * (`pkg/scheduler/framework/interface.go`): filter plugins return a status per cluster, score
 * plugins a number in [MinClusterScore, MaxClusterScore]. Spec §3, §4.
 */
import type { Cluster, ResourceBindingSpec, ResourceBindingStatus } from '../types.js';

export const MinClusterScore = 0;
export const MaxClusterScore = 100;

export type FilterCode = 'Success' | 'Unschedulable' | 'Error';

export interface FilterResult {
  code: FilterCode;
  /** Karmada's message for a failure. */
  reason?: string;
  /** The plugin that produced a failure. */
  plugin?: string;
}

export const Success: FilterResult = Object.freeze({ code: 'Success' }) as FilterResult;

export function unschedulable(plugin: string, reason: string): FilterResult {
  return { code: 'Unschedulable', reason, plugin };
}

/** What a filter or score plugin sees of the binding being scheduled. */
export interface PluginContext {
  spec: ResourceBindingSpec;
  status: ResourceBindingStatus;
}

export interface FilterPlugin {
  readonly name: string;
  filter(ctx: PluginContext, cluster: Cluster): FilterResult;
}

export interface ScorePlugin {
  readonly name: string;
  score(ctx: PluginContext, cluster: Cluster): number;
}

/** `TargetContains`: is the cluster in the binding's current schedule result (`spec.clusters`)? */
export function targetContains(spec: ResourceBindingSpec, clusterName: string): boolean {
  // A plain loop: filters run for every cluster of every binding, and a closure per call was garbage.
  const targets = spec.clusters;
  if (!targets) return false;
  for (let i = 0; i < targets.length; i++) if (targets[i].name === clusterName) return true;
  return false;
}
