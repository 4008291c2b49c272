import { labelSelectorMatches } from './karmada/index.js';
import type { PolicySpec, ResourceSelector, WorkloadSpec } from '../scenario/types.js';

/**
 * Which PropagationPolicy claims a resource template (Karmada's resource detector,
 * `pkg/detector/policy.go`, spec §9): namespaced PropagationPolicies in the template's namespace
 * are looked at before any ClusterPropagationPolicy; among the matching ones the highest
 * `priority` wins, then the more precise selector (name > labelSelector > kind only), then the
 * alphabetically first policy name.
 */

/** Precision of a selector's match: 3 by name, 2 by label selector, 1 by kind only, 0 no match. */
export function selectorMatch(sel: ResourceSelector, w: WorkloadSpec): number {
  if (sel.apiVersion && sel.apiVersion !== w.apiVersion) return 0;
  if (sel.kind && sel.kind !== (w.resourceKind ?? w.kind)) return 0;
  if (sel.namespace && sel.namespace !== w.namespace) return 0;
  if (sel.name) return sel.name === w.name ? 3 : 0;
  if (sel.labelSelector) return labelSelectorMatches(sel.labelSelector, w.labels) ? 2 : 0;
  return 1;
}

function bestOf(policies: PolicySpec[], w: WorkloadSpec): PolicySpec | null {
  let best: PolicySpec | null = null;
  let bestPrecision = 0;
  for (const p of policies) {
    let precision = 0;
    for (const s of p.resourceSelectors) precision = Math.max(precision, selectorMatch(s, w));
    if (precision === 0) continue;
    if (
      best === null ||
      p.priority > best.priority ||
      (p.priority === best.priority && (precision > bestPrecision || (precision === bestPrecision && p.name < best.name)))
    ) {
      best = p;
      bestPrecision = precision;
    }
  }
  return best;
}

/** The policy that claims `w`, or null when none matches (the template is then not propagated). */
export function matchPolicy(policies: readonly PolicySpec[], w: WorkloadSpec): PolicySpec | null {
  if (w.policy !== null) return policies.find((p) => p.name === w.policy) ?? null;
  const namespaced = policies.filter((p) => p.kind === 'PropagationPolicy' && p.namespace === w.namespace);
  return bestOf(namespaced, w) ?? bestOf(policies.filter((p) => p.kind === 'ClusterPropagationPolicy'), w);
}
