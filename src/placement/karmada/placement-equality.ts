/**
 * Placement comparison for the "placement changed" trigger (`pkg/scheduler/helper.go`
 * fn `placementChanged`, `clusterAffinitiesChanged`).
 *
 * Karmada compares the binding's placement with the JSON `applied-placement` annotation after a
 * JSON round-trip with `omitempty` fields, so an absent field, `null`, an empty list and an empty
 * object are all the same value here. Object key order never matters.
 */
import type { ClusterAffinityTerm } from './types.js';

function isEmptyish(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).every((k) => isEmptyish((v as Record<string, unknown>)[k]));
  return false;
}

/** Deep equality of JSON-like values with the omitempty normalisation described above. */
export function placementsEqual(a: unknown, b: unknown): boolean {
  if (isEmptyish(a) && isEmptyish(b)) return true;
  if (isEmptyish(a) !== isEmptyish(b)) {
    // A zero scalar (0, '', false) is omitted by omitempty too.
    return isZeroScalar(a) || isZeroScalar(b) ? isEmptyOrZero(a) && isEmptyOrZero(b) : false;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!placementsEqual(a[i], b[i])) return false;
    return true;
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const k of [...keys].sort()) if (!placementsEqual(ao[k], bo[k])) return false;
    return true;
  }
  return a === b;
}

function isZeroScalar(v: unknown): boolean {
  return v === 0 || v === '' || v === false;
}

function isEmptyOrZero(v: unknown): boolean {
  return isEmptyish(v) || isZeroScalar(v);
}

/**
 * `clusterAffinitiesChanged` once the other placement fields are equal: changed iff the observed
 * affinity name is empty, the term of that name is missing in either version, or it differs.
 * Edits to other terms (e.g. appending a backup group) do not count.
 */
export function clusterAffinityTermChanged(
  current: ReadonlyArray<ClusterAffinityTerm> | null | undefined,
  applied: ReadonlyArray<ClusterAffinityTerm> | null | undefined,
  observedAffinityName: string | null | undefined,
): boolean {
  if (!observedAffinityName) return true;
  const a = (current ?? []).find((t) => t.affinityName === observedAffinityName);
  const b = (applied ?? []).find((t) => t.affinityName === observedAffinityName);
  if (!a || !b) return true;
  return !placementsEqual(a, b);
}
