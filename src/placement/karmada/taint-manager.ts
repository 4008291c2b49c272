/**
 * NoExecute taint eviction decisions (`pkg/controllers/cluster/taint_manager.go` fn
 * `needEvictionWithCurrentTime`, `pkg/util/helper/taint.go`), spec §10.4. Pure functions of the
 * cluster's taints, the APPLIED placement's tolerations and the current time (seconds).
 */
import type { FailoverBehavior, PurgeMode, Taint, Toleration } from './types.js';
import { toleratesTaint } from './toleration.js';

/** Only the NoExecute taints, in order (`GetNoExecuteTaints`). */
export function getNoExecuteTaints(taints: ReadonlyArray<Taint> | null | undefined): Taint[] {
  return (taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/**
 * `GetMatchingTolerations`: are all taints tolerated, and by which tolerations (the first
 * tolerating one per taint, in taint order)?
 */
export function getMatchingTolerations(
  taints: ReadonlyArray<Taint>,
  tolerations: ReadonlyArray<Toleration> | null | undefined,
): { allTolerated: boolean; used: Toleration[] } {
  if (taints.length === 0) return { allTolerated: true, used: [] };
  const tols = tolerations ?? [];
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tols.find((x) => toleratesTaint(x, taint));
    if (!t) return { allTolerated: false, used: [] };
    used.push(t);
  }
  return { allTolerated: true, used };
}

/**
 * `GetMinTolerationTime`: seconds until the earliest (taint.timeAdded + toleration.tolerationSeconds)
 * over used tolerations with a tolerationSeconds and the taints with a timeAdded they tolerate.
 * -1 = tolerated forever (no such pair, or no taints); 0 = due now (or no used tolerations).
 */
export function minTolerationTime(noExecuteTaints: ReadonlyArray<Taint>, usedTolerations: ReadonlyArray<Toleration>, now: number): number {
  if (noExecuteTaints.length === 0) return -1;
  if (usedTolerations.length === 0) return 0;
  let trigger = Infinity;
  for (const tol of usedTolerations) {
    if (tol.tolerationSeconds === undefined || tol.tolerationSeconds === null) continue;
    for (const taint of noExecuteTaints) {
      if (taint.timeAdded === undefined || taint.timeAdded === null) continue;
      if (!toleratesTaint(tol, taint)) continue;
      const t = taint.timeAdded + tol.tolerationSeconds;
      if (t < trigger) trigger = t;
    }
  }
  if (trigger === Infinity) return -1;
  if (trigger < now) return 0;
  return trigger - now;
}

export interface NeedEvictionInput {
  /** `--enable-no-execute-taint-eviction` (default false). */
  enableNoExecuteTaintEviction: boolean;
  /** False when the cluster object no longer exists. */
  clusterExists?: boolean;
  taints: ReadonlyArray<Taint> | null | undefined;
  /** `clusterTolerations` of the binding's applied placement. */
  clusterTolerations: ReadonlyArray<Toleration> | null | undefined;
  now: number;
}

/**
 * Should the binding be evicted from the cluster now? `tolerationSeconds`: 0 = evict now;
 * > 0 = re-check after that many seconds; -1 = tolerated forever / nothing to do.
 */
export function needEviction(input: NeedEvictionInput): { needEviction: boolean; tolerationSeconds: number } {
  if (input.clusterExists === false) return { needEviction: false, tolerationSeconds: -1 };
  const taints = getNoExecuteTaints(input.taints);
  if (!input.enableNoExecuteTaintEviction || taints.length === 0) return { needEviction: false, tolerationSeconds: -1 };
  const { allTolerated, used } = getMatchingTolerations(taints, input.clusterTolerations);
  if (!allTolerated) return { needEviction: true, tolerationSeconds: 0 };
  const t = minTolerationTime(taints, used, input.now);
  if (t === 0) return { needEviction: true, tolerationSeconds: 0 };
  return { needEviction: false, tolerationSeconds: t };
}

/**
 * Purge mode of a taint eviction (`getPurgeMode`): the binding's `failover.cluster.purgeMode`
 * (Gracefully if empty) when `failover.cluster` is set, else the controller flag
 * `--no-execute-taint-eviction-purge-mode` (Directly or, for anything else, Gracefully).
 */
export function taintEvictionPurgeMode(failover: FailoverBehavior | null | undefined, flag: string = 'Gracefully'): PurgeMode {
  if (failover && failover.cluster) return (failover.cluster.purgeMode || 'Gracefully') as PurgeMode;
  return flag === 'Directly' ? 'Directly' : 'Gracefully';
}

/** Taint keys the cluster controller manages (`taintClusterByCondition`), spec §10.3. */
export const TaintClusterNotReady = 'cluster.karmada.io/not-ready';
export const TaintClusterUnreachable = 'cluster.karmada.io/unreachable';

/**
 * The NoSchedule taints the cluster controller wants for a Ready condition status (spec §10.3):
 * False → not-ready, Unknown → unreachable, True → none, no condition → not-ready.
 */
export function conditionTaints(ready: 'True' | 'False' | 'Unknown' | null | undefined): Taint[] {
  switch (ready) {
    case 'True':
      return [];
    case 'Unknown':
      return [{ key: TaintClusterUnreachable, effect: 'NoSchedule' }];
    default:
      return [{ key: TaintClusterNotReady, effect: 'NoSchedule' }];
  }
}
