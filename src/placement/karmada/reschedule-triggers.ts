/**
 * When does the scheduler (re)schedule a binding? (`pkg/scheduler/scheduler.go` fn
 * `doScheduleBinding`, `pkg/util/binding.go`), spec §1. Pure predicates over the binding.
 */
import type { Placement, ReplicaSchedulingStrategy, ResourceBindingSpec, ResourceBindingStatus, TargetCluster } from './types.js';
import { clusterAffinityTermChanged, placementsEqual } from './placement-equality.js';

/** Sum of replicas of a target-cluster list (`util.GetSumOfReplicas`). */
export function sumOfReplicas(tcs: ReadonlyArray<TargetCluster> | null | undefined): number {
  let s = 0;
  for (const t of tcs ?? []) s += t.replicas;
  return s;
}

/**
 * `util.RescheduleRequired`: an explicit reschedule (WorkloadRebalancer) is pending iff
 * `rescheduleTriggeredAt` is set and strictly after `lastScheduledTime` (nil lastScheduledTime → false).
 */
export function rescheduleRequired(rescheduleTriggeredAt: number | null | undefined, lastScheduledTime: number | null | undefined): boolean {
  if (rescheduleTriggeredAt === null || rescheduleTriggeredAt === undefined) return false;
  if (lastScheduledTime === null || lastScheduledTime === undefined) return false;
  return rescheduleTriggeredAt > lastScheduledTime;
}

/**
 * `util.IsBindingReplicasChanged`: Duplicated → some previous entry's replicas differ from
 * `replicas`; Divided → the previous sum differs. No replicaScheduling (or any other type) → false.
 */
export function isBindingReplicasChanged(
  replicas: number,
  previous: ReadonlyArray<TargetCluster> | null | undefined,
  strategy: ReplicaSchedulingStrategy | null | undefined,
): boolean {
  if (!strategy) return false;
  if (strategy.replicaSchedulingType === 'Duplicated') {
    return (previous ?? []).some((t) => t.replicas !== replicas);
  }
  if (strategy.replicaSchedulingType === 'Divided') {
    return sumOfReplicas(previous) !== replicas;
  }
  return false;
}

/** `IsWorkload`: replicas > 0, or replica requirements set, or at least one component. */
export function isWorkload(spec: Pick<ResourceBindingSpec, 'replicas' | 'replicaRequirements' | 'components'>): boolean {
  return spec.replicas > 0 || !!spec.replicaRequirements || (spec.components?.length ?? 0) >= 1;
}

/**
 * Index of the clusterAffinities term scheduling starts from (spec §8): the observed term,
 * or 0 when the name is empty or not found.
 */
export function affinityIndex(terms: ReadonlyArray<{ affinityName: string }> | null | undefined, observedAffinityName: string | null | undefined): number {
  if (!observedAffinityName) return 0;
  const i = (terms ?? []).findIndex((t) => t.affinityName === observedAffinityName);
  return i < 0 ? 0 : i;
}

/** Why a dequeued binding is (or is not) scheduled; the first matching condition of spec §1. */
export type ScheduleTrigger =
  | 'PlacementChanged'
  | 'ReplicasChanged'
  | 'RescheduleTriggered'
  | 'DuplicatedOrNonWorkload'
  | 'TerminatingTargetCluster'
  | null;

export interface ScheduleTriggerInput {
  spec: ResourceBindingSpec;
  status?: ResourceBindingStatus;
  /** The placement the binding was last scheduled with (applied-placement annotation); absent = never scheduled. */
  appliedPlacement?: Placement | null;
  /** Names of clusters that are being deleted (deletionTimestamp set). */
  terminatingClusters?: ReadonlySet<string> | ReadonlyArray<string>;
}

/** `placementChanged` (spec §1 rule 1). */
export function placementChanged(
  placement: Placement | null | undefined,
  applied: Placement | null | undefined,
  observedAffinityName: string | null | undefined,
): boolean {
  if (applied === undefined || applied === null) return true;
  const p = placement ?? {};
  if (placementsEqual(p, applied)) return false;
  if (
    !placementsEqual({ clusterAffinity: p.clusterAffinity ?? null }, { clusterAffinity: applied.clusterAffinity ?? null }) ||
    !placementsEqual({ clusterTolerations: p.clusterTolerations ?? [] }, { clusterTolerations: applied.clusterTolerations ?? [] }) ||
    !placementsEqual({ spreadConstraints: p.spreadConstraints ?? [] }, { spreadConstraints: applied.spreadConstraints ?? [] }) ||
    !placementsEqual({ replicaScheduling: p.replicaScheduling ?? null }, { replicaScheduling: applied.replicaScheduling ?? null })
  ) {
    return true;
  }
  return clusterAffinityTermChanged(p.clusterAffinities, applied.clusterAffinities, observedAffinityName);
}

/**
 * `doScheduleBinding`'s decision: which condition (if any) makes the scheduler act on a dequeued
 * binding. `null` means nothing happens (a Divided workload is sticky).
 */
export function scheduleTrigger(input: ScheduleTriggerInput): ScheduleTrigger {
  const { spec } = input;
  const status = input.status ?? {};
  if (placementChanged(spec.placement, input.appliedPlacement, status.schedulerObservedAffinityName)) return 'PlacementChanged';
  if (isBindingReplicasChanged(spec.replicas, spec.clusters, spec.placement?.replicaScheduling)) return 'ReplicasChanged';
  if (rescheduleRequired(spec.rescheduleTriggeredAt, status.lastScheduledTime)) return 'RescheduleTriggered';
  const rs = spec.placement?.replicaScheduling;
  const duplicated = !rs || rs.replicaSchedulingType === 'Duplicated';
  if (!isWorkload(spec) || duplicated) return 'DuplicatedOrNonWorkload';
  const term = input.terminatingClusters;
  if (term) {
    const has = (n: string) => (term instanceof Set ? term.has(n) : (term as ReadonlyArray<string>).includes(n));
    if ((spec.clusters ?? []).some((c) => has(c.name))) return 'TerminatingTargetCluster';
  }
  return null;
}
