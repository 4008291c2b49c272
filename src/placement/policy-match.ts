import { labelSelectorMatches } from './karmada/index.js';
import type { OverridePolicySpec, PolicySpec, ResourceSelector, WorkloadSpec } from '../scenario/types.js';

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

/**
 * The OverridePolicies and ClusterOverridePolicies that apply to a workload, in the order Karmada
 * applies them (karmada pkg/util/overridemanager/overridemanager.go): ClusterOverridePolicies
 * first, then OverridePolicies of the workload's namespace; in each group from the least to the
 * most precise selector (none at all: match all; kind only; label selector; name), then by name.
 */
export function applicableOverrides(policies: readonly OverridePolicySpec[], w: WorkloadSpec): OverridePolicySpec[] {
  return policies
    .map((p) => ({ p, precision: p.resourceSelectors.length === 0 ? 1 : Math.max(0, ...p.resourceSelectors.map((s) => selectorMatch(s, w))) }))
    .filter(({ p, precision }) => precision > 0 && (p.kind === 'ClusterOverridePolicy' || p.namespace === w.namespace))
    .sort((a, b) => (a.p.kind === b.p.kind ? 0 : a.p.kind === 'ClusterOverridePolicy' ? -1 : 1) || a.precision - b.precision || (a.p.name < b.p.name ? -1 : a.p.name > b.p.name ? 1 : 0))
    .map(({ p }) => p);
}
