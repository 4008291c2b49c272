/**
 * Application failure detection (`pkg/controllers/applicationfailover`, fn `detectFailure`),
 * spec §10.6. The controller remembers when it first saw each cluster's workload Unhealthy; once
 * unhealthy for longer than tolerationSeconds the cluster is evicted.
 */

import type { ApplicationFailoverBehavior } from './types.js';
import type { GracefulEvictOptions } from './graceful-eviction.js';

/** CRD default of `decisionConditions.tolerationSeconds`. */
export const DefaultApplicationTolerationSeconds = 300;
/** Webhook default of `gracePeriodSeconds` with purgeMode Gracefully. */
export const DefaultApplicationGracePeriodSeconds = 600;

export interface DetectFailureResult {
  /** Seconds until the next check (0 = none needed). */
  requeueAfterSeconds: number;
  evictClusters: string[];
  /** Updated first-seen-unhealthy times: new clusters stamped, no-longer-unhealthy ones dropped. */
  firstSeenUnhealthy: Record<string, number>;
}

/**
 * For each unhealthy cluster (in order): first sighting → stamp `now`, re-check after
 * tolerationSeconds; unhealthy for strictly more than tolerationSeconds → evict; else re-check
 * after the remaining whole seconds.
 */
export function detectApplicationFailure(
  unhealthyClusters: ReadonlyArray<string>,
  tolerationSeconds: number,
  firstSeenUnhealthy: Readonly<Record<string, number>>,
  now: number,
): DetectFailureResult {
  const evictClusters: string[] = [];
  const seen: Record<string, number> = {};
  let duration = Infinity;
  for (const c of unhealthyClusters) {
    const first = Object.prototype.hasOwnProperty.call(firstSeenUnhealthy, c) ? firstSeenUnhealthy[c] : undefined;
    if (first === undefined) {
      seen[c] = now;
      if (tolerationSeconds < duration) duration = tolerationSeconds;
      continue;
    }
    seen[c] = first;
    if (now > first + tolerationSeconds) {
      evictClusters.push(c);
    } else {
      const remaining = tolerationSeconds - Math.trunc(now - first);
      if (remaining < duration) duration = remaining;
    }
  }
  for (const c of evictClusters) delete seen[c];
  return { requeueAfterSeconds: duration === Infinity ? 0 : duration, evictClusters, firstSeenUnhealthy: seen };
}

/** `decisionConditions.tolerationSeconds`, defaulted to 300. */
export function applicationTolerationSeconds(app: ApplicationFailoverBehavior | null | undefined): number {
  const t = app?.decisionConditions?.tolerationSeconds;
  return t === undefined || t === null ? DefaultApplicationTolerationSeconds : t;
}

/**
 * Eviction-task options for an application failover (`buildTaskOptions`): purge mode (default
 * Gracefully, with gracePeriodSeconds defaulted to 600), Never → suppressDeletion = true.
 */
export function applicationEvictOptions(app: ApplicationFailoverBehavior | null | undefined, now?: number): GracefulEvictOptions {
  const purgeMode = (app?.purgeMode || 'Gracefully') as GracefulEvictOptions['purgeMode'];
  const out: GracefulEvictOptions = { purgeMode, reason: 'ApplicationFailure', producer: 'resource-binding-application-failover-controller' };
  if (purgeMode === 'Gracefully') out.gracePeriodSeconds = app?.gracePeriodSeconds ?? DefaultApplicationGracePeriodSeconds;
  if (purgeMode === 'Never') out.suppressDeletion = true;
  if (now !== undefined) out.now = now;
  return out;
}
