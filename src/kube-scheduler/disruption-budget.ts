/**
 * A PodDisruptionBudget's `status.disruptionsAllowed`, as the disruption controller computes it
 * (pkg/controller/disruption/disruption.go `getExpectedPodCount`, `updatePdbStatus`):
 *
 * - `maxUnavailable` (an integer, or a percentage of the expected pods rounded up):
 *   desiredHealthy = expected − maxUnavailable, expected being the scale of the pods' controllers;
 * - `minAvailable` as an integer: desiredHealthy = minAvailable;
 * - `minAvailable` as a percentage: desiredHealthy = that share of the expected pods, rounded up;
 * - disruptionsAllowed = max(0, healthy pods − desiredHealthy).
 */

/** `GetScaledValueFromIntOrPercent(v, total, roundUp = true)`. */
export function scaledValue(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const pct = Number(v.slice(0, -1));
  return Math.ceil((pct * total) / 100);
}

export function disruptionsAllowed(
  pdb: { minAvailable?: number | string; maxUnavailable?: number | string },
  healthy: number,
  /** The scale of the controllers of the selected pods (replicas they ask for). */
  expectedScale: number,
): number {
  let desired = 0;
  if (pdb.maxUnavailable !== undefined) desired = Math.max(0, expectedScale - scaledValue(pdb.maxUnavailable, expectedScale));
  else if (typeof pdb.minAvailable === 'number') desired = pdb.minAvailable;
  else if (pdb.minAvailable !== undefined) desired = scaledValue(pdb.minAvailable, expectedScale);
  return Math.max(0, healthy - desired);
}
