/**
 * Replica assignment strategies (`pkg/scheduler/core/assignment.go`), spec §7.1, §7.3, §7.4.
 * Each strategy keeps zero-replica entries; `assignReplicas` (assign-replicas.ts) removes them.
 */
import type { ClusterDetailInfo, ResourceBindingSpec, ResourceBindingStatus, StaticClusterWeight, TargetCluster } from './types.js';
import { clusterMatches } from './cluster-affinity.js';
import { Dispenser, type ClusterWeightInfo } from './webster.js';
import { dynamicDivideReplicas, sortByReplicasDesc } from './division.js';
import { rescheduleRequired, sumOfReplicas } from './reschedule-triggers.js';
import { resolveStrategyType, type AssignStrategyType } from './strategy.js';
import { SchedulerError } from './errors.js';

/** The inputs of one assignment (Karmada `assignState` before its derived fields). */
export interface AssignState {
  /** Candidate clusters in scheduler order (spec §6.1). */
  candidates: ReadonlyArray<ClusterDetailInfo>;
  spec: ResourceBindingSpec;
  status?: ResourceBindingStatus;
}

/** Steady keeps the previous result as far as possible; Fresh recomputes (explicit reschedule). */
export type AssignmentMode = 'Steady' | 'Fresh';

export function assignmentMode(spec: ResourceBindingSpec, status: ResourceBindingStatus | undefined): AssignmentMode {
  return rescheduleRequired(spec.rescheduleTriggeredAt, status?.lastScheduledTime) ? 'Fresh' : 'Steady';
}

/** Duplicated: every candidate gets `spec.replicas`, in candidate order. */
export function assignByDuplicatedStrategy(state: AssignState): TargetCluster[] {
  return state.candidates.map((c) => ({ name: c.name, replicas: state.spec.replicas }));
}

/**
 * Static weight of each candidate (`getStaticWeightInfoList`): the MAX weight over the rules whose
 * targetCluster matches it; candidates with weight 0 are left out. If no candidate has a weight,
 * every candidate gets weight 1 (also the case when `weightPreference` is absent).
 */
export function getStaticWeightInfoList(
  candidates: ReadonlyArray<ClusterDetailInfo>,
  rules: ReadonlyArray<StaticClusterWeight> | null | undefined,
): ClusterWeightInfo[] {
  const out: ClusterWeightInfo[] = [];
  let sum = 0;
  for (const c of candidates) {
    let w = 0;
    for (const r of rules ?? []) if (r.weight > w && clusterMatches(c.cluster, r.targetCluster)) w = r.weight;
    if (w > 0) {
      out.push({ clusterName: c.name, weight: w });
      sum += w;
    }
  }
  if (sum === 0) return candidates.map((c) => ({ clusterName: c.name, weight: 1 }));
  return out;
}

/**
 * StaticWeight: Webster division of `spec.replicas` by the static weights, UID tie-break.
 * Stateless (the previous result is not an input). Output sorted by name.
 */
export function assignByStaticWeightStrategy(state: AssignState): TargetCluster[] {
  const wp = state.spec.placement?.replicaScheduling?.weightPreference;
  const weights = getStaticWeightInfoList(state.candidates, wp ? wp.staticWeightList : null);
  return new Dispenser(state.spec.replicas, null, state.spec.resource?.uid).allocateByWeight(weights);
}

/**
 * DynamicWeight and Aggregated (`assignByDynamicStrategy`), spec §7.4.
 *
 * - Fresh: divide all replicas by (free + held) capacity, ignoring the previous result.
 * - Steady scale-down: divide by the previous result (clusters no longer candidates are forgotten).
 * - Steady scale-up: divide only the missing replicas by free capacity and add them.
 * - Steady, equal: the previous result restricted to candidates.
 */
export function assignByDynamicStrategy(state: AssignState, strategy: 'DynamicWeight' | 'Aggregated'): TargetCluster[] {
  const { spec, candidates } = state;
  const uid = spec.resource?.uid;
  const candidateNames = new Set(candidates.map((c) => c.name));
  const scheduled = (spec.clusters ?? []).filter((t) => candidateNames.has(t.name)).map((t) => ({ name: t.name, replicas: t.replicas }));
  const assigned = sumOfReplicas(scheduled);

  if (assignmentMode(spec, state.status) === 'Fresh') {
    const held = new Map<string, number>();
    for (const t of scheduled) held.set(t.name, (held.get(t.name) ?? 0) + t.replicas);
    const avail = sortByReplicasDesc(candidates.map((c) => ({ name: c.name, replicas: c.allocatableReplicas + (held.get(c.name) ?? 0) })));
    return dynamicDivideReplicas(strategy, avail, spec.replicas, [], uid);
  }
  if (assigned > spec.replicas) {
    return dynamicDivideReplicas(strategy, sortByReplicasDesc(scheduled), spec.replicas, [], uid);
  }
  if (assigned < spec.replicas) {
    const avail = sortByReplicasDesc(candidates.map((c) => ({ name: c.name, replicas: c.allocatableReplicas })));
    return dynamicDivideReplicas(strategy, avail, spec.replicas - assigned, scheduled, uid);
  }
  return scheduled;
}

/** Run the strategy the placement resolves to (zero entries kept). */
export function assignByStrategy(state: AssignState): TargetCluster[] {
  const type = resolveStrategyType(state.spec.placement);
  return assignByStrategyType(state, type);
}

export function assignByStrategyType(state: AssignState, type: AssignStrategyType | null): TargetCluster[] {
  switch (type) {
    case 'Duplicated':
      return assignByDuplicatedStrategy(state);
    case 'StaticWeight':
      return assignByStaticWeightStrategy(state);
    case 'DynamicWeight':
    case 'Aggregated':
      return assignByDynamicStrategy(state, type);
    default: {
      const rs = state.spec.placement?.replicaScheduling;
      throw new SchedulerError(
        `unsupported replica scheduling strategy, replicaSchedulingType: ${rs?.replicaSchedulingType ?? ''}, ` +
          `replicaDivisionPreference: ${rs?.replicaDivisionPreference ?? ''}, please try another scheduling strategy`,
      );
    }
  }
}
