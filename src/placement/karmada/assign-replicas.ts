/**
 * `core.AssignReplicas` (`pkg/scheduler/core/common.go`), overflow tiers (fn
 * `assignWorkloadReplicas`, `enableOverflow`) and the empty-workload post-processing
 * (`attachZeroReplicasCluster`). Spec §2, §7, §7.6.
 */
import type { ClusterDetailInfo, FeatureGates, Placement, ResourceBindingSpec, ResourceBindingStatus, TargetCluster } from './types.js';
import { DEFAULT_FEATURE_GATES } from './types.js';
import { assignByStrategy, type AssignState } from './assignment.js';
import { removeZeroReplicasCluster } from './division.js';
import { SchedulerError, UnschedulableError } from './errors.js';
import { schedulesByComponents } from './multi-template.js';

export interface AssignReplicasOptions {
  featureGates?: FeatureGates;
}

/**
 * Overflow tiers are used iff the placement has no clusterAffinity, uses clusterAffinities, the
 * observed term is known and that term lists overflowAffinities.
 */
export function overflowEnabled(placement: Placement | null | undefined, status: ResourceBindingStatus | undefined): boolean {
  if (!placement || placement.clusterAffinity) return false;
  const terms = placement.clusterAffinities ?? [];
  const observed = status?.schedulerObservedAffinityName;
  if (terms.length === 0 || !observed) return false;
  const term = terms.find((t) => t.affinityName === observed);
  return !!term && (term.overflowAffinities?.length ?? 0) > 0;
}

/**
 * Fill overflow tiers in `overflowOrder` order: each tier gets min(remaining, Σ availableReplicas
 * of the tier) replicas through the placement's strategy (previous result filtered to the tier).
 */
export function assignOverflowTiers(candidates: ReadonlyArray<ClusterDetailInfo>, spec: ResourceBindingSpec, status: ResourceBindingStatus | undefined): TargetCluster[] {
  const orders = [...new Set(candidates.map((c) => c.overflowOrder))].sort((a, b) => a - b);
  let remaining = spec.replicas;
  const out: TargetCluster[] = [];
  for (const order of orders) {
    const tier = candidates.filter((c) => c.overflowOrder === order);
    if (tier.length === 0) continue;
    let cap = 0;
    for (const c of tier) cap += c.availableReplicas;
    const r = Math.min(remaining, cap);
    const tierSpec: ResourceBindingSpec = { ...spec, replicas: r };
    out.push(...removeZeroReplicasCluster(assignByStrategy({ candidates: tier, spec: tierSpec, status })));
    remaining -= r;
    if (remaining <= 0) break;
  }
  if (remaining > 0) throw new UnschedulableError('Clusters available replicas are not enough to schedule.');
  return out;
}

/**
 * Assign replicas to the selected clusters (in scheduler order).
 * Workloads (replicas > 0 or replica requirements, at most one component) are divided by the
 * placement's strategy (or overflow tiers) and zero entries removed; everything else propagates to
 * every candidate with 0 replicas.
 */
export function assignReplicas(
  candidates: ReadonlyArray<ClusterDetailInfo>,
  spec: ResourceBindingSpec,
  status?: ResourceBindingStatus,
  options: AssignReplicasOptions = {},
): TargetCluster[] {
  if (candidates.length === 0) throw new SchedulerError('no clusters available to schedule');
  const gates = { ...DEFAULT_FEATURE_GATES, ...(options.featureGates ?? {}) };
  const components = spec.components ?? [];
  if ((spec.replicas > 0 || !!spec.replicaRequirements) && components.length <= 1) {
    if (overflowEnabled(spec.placement, status)) return assignOverflowTiers(candidates, spec, status);
    const state: AssignState = { candidates, spec, status };
    return removeZeroReplicasCluster(assignByStrategy(state));
  }
  // Component results: only with the MultiplePodTemplatesScheduling gate, for a placement that pins
  // the workload to one cluster; then each entry carries every component's full replicas.
  const withComponents = components.length > 1 && schedulesByComponents(spec, gates);
  return candidates.map((c) => {
    const t: TargetCluster = { name: c.name, replicas: 0 };
    if (withComponents) t.components = components.map((k) => ({ name: k.name, replicas: k.replicas }));
    return t;
  });
}

/**
 * `--enable-empty-workload-propagation` post-processing: append every selected cluster missing
 * from the result with 0 replicas, in cluster order.
 */
export function attachZeroReplicasCluster(clusters: ReadonlyArray<{ name: string }>, targetClusters: ReadonlyArray<TargetCluster>): TargetCluster[] {
  const have = new Set(targetClusters.map((t) => t.name));
  const out = targetClusters.map((t) => ({ ...t }));
  for (const c of clusters) if (!have.has(c.name)) out.push({ name: c.name, replicas: 0 });
  return out;
}
