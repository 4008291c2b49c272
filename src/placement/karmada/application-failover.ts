/**
 * Application failure detection (`pkg/controllers/applicationfailover`, fn `detectFailure`),
 * spec §10.6. The controller remembers when it first saw each cluster's workload Unhealthy; once
 * unhealthy for longer than tolerationSeconds the cluster is evicted.
 */

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
