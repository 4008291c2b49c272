/**
 * The divide step of dynamic assignment (`pkg/scheduler/core/division_algorithm.go`), spec §7.4,
 * and the target-cluster list helpers it uses.
 */
import type { TargetCluster } from './types.js';
import { Dispenser } from './webster.js';
import { UnschedulableError } from './errors.js';
import { sumOfReplicas } from './reschedule-triggers.js';

export type DynamicDivisionStrategy = 'DynamicWeight' | 'Aggregated';

/**
 * Sort target clusters by replicas, descending, STABLY (equal counts keep their input order).
 *
 * Karmada uses Go's `sort.Sort`, which is an insertion sort (stable) for up to 12 elements and
 * pdqsort (not stable) above. Our deterministic rule: always stable. It can only differ from Go
 * with more than 12 clusters of exactly equal capacity, and then only in which of the equal
 * clusters Aggregated keeps (Webster itself does not depend on order). Spec §7.4, §11.8.
 */
export function sortByReplicasDesc(tcs: ReadonlyArray<TargetCluster>): TargetCluster[] {
  return tcs
    .map((t, i) => ({ t, i }))
    .sort((a, b) => b.t.replicas - a.t.replicas || a.i - b.i)
    .map((x) => ({ name: x.t.name, replicas: x.t.replicas }));
}

/**
 * `util.MergeTargetClusters`: add `next` to `old` cluster-wise, in Go's order: `next`'s entries
 * first, in their order (with the old replicas added), then the entries only in `old`. Go appends
 * those from a map (random order); our deterministic rule keeps them in `old`'s order.
 * An empty side returns the other side unchanged (copied).
 */
export function mergeTargetClusters(old: ReadonlyArray<TargetCluster>, next: ReadonlyArray<TargetCluster>): TargetCluster[] {
  if (old.length === 0) return next.map((t) => ({ name: t.name, replicas: t.replicas }));
  if (next.length === 0) return old.map((t) => ({ name: t.name, replicas: t.replicas }));
  const oldByName = new Map<string, number>();
  for (const t of old) oldByName.set(t.name, t.replicas);
  const out: TargetCluster[] = [];
  for (const t of next) {
    const prev = oldByName.get(t.name);
    if (prev === undefined) out.push({ name: t.name, replicas: t.replicas });
    else {
      out.push({ name: t.name, replicas: t.replicas + prev });
      oldByName.delete(t.name);
    }
  }
  for (const t of old) {
    if (oldByName.has(t.name)) {
      out.push({ name: t.name, replicas: t.replicas });
      oldByName.delete(t.name);
    }
  }
  return out;
}

/** `removeZeroReplicasCluster`: drop entries with replicas <= 0, keep order. */
export function removeZeroReplicasCluster(tcs: ReadonlyArray<TargetCluster>): TargetCluster[] {
  return tcs.filter((t) => t.replicas > 0);
}

/**
 * Move the clusters that already hold replicas (> 0 in `scheduled`) to the front of `available`,
 * keeping relative order on both sides (`resortAvailableClusters`).
 */
export function resortAvailableClusters(available: ReadonlyArray<TargetCluster>, scheduled: ReadonlyArray<TargetCluster>): TargetCluster[] {
  const prior = new Set(scheduled.filter((t) => t.replicas > 0).map((t) => t.name));
  if (prior.size === 0) return available.slice();
  const front = available.filter((t) => prior.has(t.name));
  const back = available.filter((t) => !prior.has(t.name));
  return front.concat(back);
}

/**
 * Divide `targetReplicas` over `availableClusters` (already sorted by the caller; `replicas` is
 * each cluster's capacity or weight) and merge the result into `scheduledClusters`.
 *
 * - Capacity check over all of `availableClusters`: Σ < target → UnschedulableError.
 * - Aggregated: previously-used clusters first, then the shortest prefix whose sum reaches the
 *   target (always at least one cluster).
 * - Webster over the (prefix of the) list, UID tie-break, then merged with `scheduledClusters`.
 */
export function dynamicDivideReplicas(
  strategy: DynamicDivisionStrategy,
  availableClusters: ReadonlyArray<TargetCluster>,
  targetReplicas: number,
  scheduledClusters: ReadonlyArray<TargetCluster>,
  uid?: string,
): TargetCluster[] {
  const total = sumOfReplicas(availableClusters);
  if (total < targetReplicas) {
    throw new UnschedulableError(`Clusters available replicas ${total} are not enough to schedule.`);
  }
  let avail: TargetCluster[] = availableClusters.slice();
  if (strategy === 'Aggregated') {
    avail = resortAvailableClusters(avail, scheduledClusters);
    let n = 0;
    let acc = 0;
    for (const t of avail) {
      n++;
      acc += t.replicas;
      if (acc >= targetReplicas) break;
    }
    avail = avail.slice(0, n);
  }
  const delta = new Dispenser(targetReplicas, null, uid).allocateByWeight(avail.map((t) => ({ clusterName: t.name, weight: t.replicas })));
  return mergeTargetClusters(scheduledClusters, delta);
}
