/**
 * Scheduling a workload of several pod templates by its components (alpha gate
 * MultiplePodTemplatesScheduling, off by default; `pkg/scheduler/core/estimation.go`,
 * `common.go`): with the gate on and a placement that pins the workload to exactly one cluster,
 * the estimators count how many whole sets of its components (each component's replicas of its
 * requests) a cluster fits, clusters are selected as if one replica were needed, and the one
 * chosen gets every component whole. Without the gate (or without such a placement) a
 * multi-template workload is propagated whole to every selected cluster (`AssignReplicas`).
 */
import type { FeatureGates, ResourceBindingSpec } from './types.js';

/**
 * `isMultiTemplateSchedulingApplicable`: components are set, and a `cluster` spread constraint
 * with minGroups = maxGroups = 1 pins the workload to one cluster.
 */
export function isMultiTemplateSchedulingApplicable(spec: Pick<ResourceBindingSpec, 'components' | 'placement'>): boolean {
  if ((spec.components?.length ?? 0) === 0 || !spec.placement) return false;
  return (spec.placement.spreadConstraints ?? []).some((s) => s.spreadByField === 'cluster' && s.minGroups === 1 && s.maxGroups === 1);
}

/** The gate is on and the binding qualifies: its clusters are estimated and selected by component sets. */
export function schedulesByComponents(spec: Pick<ResourceBindingSpec, 'components' | 'placement'>, gates: FeatureGates): boolean {
  return !!gates.MultiplePodTemplatesScheduling && isMultiTemplateSchedulingApplicable(spec);
}
