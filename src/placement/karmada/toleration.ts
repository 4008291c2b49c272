/**
 * Kubernetes taint/toleration semantics (`corev1.Toleration.ToleratesTaint`,
 * `helper.TolerationsTolerateTaint`), as used by Karmada for cluster taints.
 */
import type { Taint, Toleration } from './types.js';

/**
 * Does one toleration tolerate one taint? Empty effect matches every effect; empty key matches
 * every key (validation requires operator Exists then); Exists ignores the value; Equal (or an
 * empty operator) compares values. Any other operator tolerates nothing.
 */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** Is the taint tolerated by at least one of the tolerations? */
export function tolerationsTolerateTaint(tolerations: ReadonlyArray<Toleration> | null | undefined, taint: Taint): boolean {
  if (!tolerations) return false;
  for (let i = 0; i < tolerations.length; i++) if (toleratesTaint(tolerations[i], taint)) return true;
  return false;
}

/**
 * The first taint (in the cluster's order) whose effect passes `filter` and that no toleration
 * tolerates (`FindMatchingUntoleratedTaint`), or undefined.
 */
export function findMatchingUntoleratedTaint(
  taints: ReadonlyArray<Taint> | null | undefined,
  tolerations: ReadonlyArray<Toleration> | null | undefined,
  filter: (t: Taint) => boolean,
): Taint | undefined {
  for (const taint of taints ?? []) {
    if (!filter(taint)) continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}

/** `Taint.ToString()`: `key=value:effect`, or `key:effect` without a value. */
export function taintToString(t: Taint): string {
  return t.value ? `${t.key}=${t.value}:${t.effect}` : `${t.key}:${t.effect}`;
}
