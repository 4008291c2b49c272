/**
 * Kubernetes label-selector semantics (`metav1.LabelSelectorAsSelector`, `labels.NewRequirement`,
 * `nodeSelectorRequirementsAsSelector`) as pure predicates. An invalid selector never matches
 * (Karmada's `util.ClusterMatches` treats a conversion error as "no match").
 */
import type { LabelSelector, LabelSelectorRequirement } from './types.js';

const NAME_RE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `validation.IsQualifiedName`: `[prefix/]name`, name ≤ 63 chars, prefix a DNS-1123 subdomain ≤ 253. */
export function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN_RE.test(prefix)) return false;
  } else return false;
  return name.length > 0 && name.length <= 63 && NAME_RE.test(name);
}

/** `validation.IsValidLabelValue`: empty, or ≤ 63 chars of the name alphabet. */
export function isValidLabelValue(v: string): boolean {
  return v.length === 0 || (v.length <= 63 && NAME_RE.test(v));
}

/** A validated requirement; `null` from `toRequirement` means the requirement is invalid. */
interface Requirement {
  key: string;
  op: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values: string[];
}

function parseInteger(s: string): number | null {
  return /^[+-]?\d+$/.test(s) ? Number(s) : null;
}

/**
 * `labels.NewRequirement` validation. `allowGtLt` is true for node-selector requirements
 * (Karmada's field selector), false for label selectors.
 */
function toRequirement(r: LabelSelectorRequirement, allowGtLt: boolean): Requirement | null {
  if (!isQualifiedName(r.key)) return null;
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) return null;
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) return null;
      break;
    case 'Gt':
    case 'Lt':
      if (!allowGtLt || values.length !== 1 || parseInteger(values[0]) === null) return null;
      break;
    default:
      return null;
  }
  for (const v of values) if (!isValidLabelValue(v)) return null;
  return { key: r.key, op: r.operator as Requirement['op'], values };
}

function requirementMatches(req: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const v = has ? labels[req.key] : undefined;
  switch (req.op) {
    case 'In':
      return has && req.values.includes(v as string);
    case 'NotIn':
      return !has || !req.values.includes(v as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has) return false;
      const lv = parseInteger(v as string);
      if (lv === null) return false;
      const rv = parseInteger(req.values[0]) as number;
      return req.op === 'Gt' ? lv > rv : lv < rv;
    }
  }
}

/**
 * Does `selector` match `labels`? An empty selector matches everything; an invalid one nothing.
 */
export function labelSelectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  let reqs = compiledSelectors.get(selector);
  if (reqs === undefined) {
    reqs = compileSelector(selector);
    compiledSelectors.set(selector, reqs);
  }
  return reqs !== null && allMatch(reqs, labels ?? {});
}

/**
 * Validated requirements per selector object (`null`: invalid, matches nothing), computed on its
 * first use: Karmada checks a policy's cluster affinity against every cluster for every binding,
 * and validating it again each time (`isQualifiedName` and its regular expressions) was 6 % of a
 * 100-cluster run. Selectors, as parsed from policies and workloads, are never changed in place.
 */
const compiledSelectors = new WeakMap<LabelSelector, Requirement[] | null>();

function compileSelector(selector: LabelSelector): Requirement[] | null {
  const labels = selector.matchLabels ?? {};
  const fromLabels = Object.keys(labels).map((key) => ({ key, operator: 'In', values: [labels[key]] }));
  return toRequirements([...fromLabels, ...(selector.matchExpressions ?? [])], false);
}

/** Every requirement validated, in order; null as soon as one is invalid. */
function toRequirements(exprs: ReadonlyArray<LabelSelectorRequirement>, allowGtLt: boolean): Requirement[] | null {
  const reqs: Requirement[] = [];
  for (const e of exprs) {
    const r = toRequirement(e, allowGtLt);
    if (!r) return null;
    reqs.push(r);
  }
  return reqs;
}

function allMatch(reqs: readonly Requirement[], labels: Readonly<Record<string, string>>): boolean {
  for (const r of reqs) if (!requirementMatches(r, labels)) return false;
  return true;
}

/**
 * Node-selector requirements (ANDed) over a field set: `nodeSelectorRequirementsAsSelector` then
 * `Matches`. Any invalid requirement makes the whole set not match.
 */
export function nodeSelectorRequirementsMatch(
  exprs: ReadonlyArray<LabelSelectorRequirement>,
  fields: Readonly<Record<string, string>>,
): boolean {
  const reqs = toRequirements(exprs, true);
  return reqs !== null && allMatch(reqs, fields);
}
