import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { labelSelectorMatches } from '../../src/placement/karmada/label-selector.js';
import type { LabelSelector } from '../../src/placement/karmada/types.js';

/**
 * Label-selector semantics (metav1.LabelSelectorAsSelector + Matches), and that validating a
 * selector once per object (the compiled-requirements cache) never changes an answer.
 */

/** The rules written out again, plainly, as the property's reference. */
function reference(sel: LabelSelector, labels: Record<string, string>): boolean {
  const name = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
  const validKey = (k: string) => k.length > 0 && k.length <= 63 && name.test(k); // no prefixes below
  const validValue = (v: string) => v.length === 0 || (v.length <= 63 && name.test(v));
  const exprs = [...Object.entries(sel.matchLabels ?? {}).map(([key, v]) => ({ key, operator: 'In', values: [v] })), ...(sel.matchExpressions ?? [])];
  for (const e of exprs) {
    const vs = e.values ?? [];
    if (!validKey(e.key) || !vs.every(validValue)) return false;
    if ((e.operator === 'In' || e.operator === 'NotIn') && vs.length === 0) return false;
    if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && vs.length !== 0) return false;
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator)) return false;
  }
  return exprs.every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && e.values!.includes(labels[e.key]);
      case 'NotIn':
        return !has || !e.values!.includes(labels[e.key]);
      case 'Exists':
        return has;
      default:
        return !has;
    }
  });
}

const key = fc.constantFrom('region', 'zone', 'tier', 'gpu', 'bad key', '');
const value = fc.constantFrom('a', 'b', 'c', 'x-1', '', 'not valid!');
const labels = fc.dictionary(key, value, { maxKeys: 4 });
const selector: fc.Arbitrary<LabelSelector> = fc.record(
  {
    matchLabels: fc.dictionary(key, value, { maxKeys: 2 }),
    matchExpressions: fc.array(fc.record({ key, operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Bogus'), values: fc.array(value, { maxLength: 2 }) }), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

describe('labelSelectorMatches', () => {
  it('matches by Kubernetes rules: matchLabels and expressions ANDed, an empty selector matches all, an invalid one nothing', () => {
    const labels = { region: 'cn-north', tier: 'gpu' };
    expect(labelSelectorMatches({}, labels)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { region: 'cn-north' } }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { region: 'cn-south' } }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['cpu', 'gpu'] }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['gpu'] }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { region: 'cn-north' }, matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels)).toBe(false);
    // Invalid: In without values, Gt in a label selector, a bad key; each matches nothing, even a cluster that would pass the rest.
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: [] }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }, { key: 'a/b/c', operator: 'Exists' }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['gpu'] }] }, undefined)).toBe(false);
  });

  it('the same selector object asked about many label sets answers as a fresh copy of it does, and as the rules say', () => {
    fc.assert(
      fc.property(selector, fc.array(labels, { minLength: 1, maxLength: 6 }), (sel, sets) => {
        for (const l of sets) {
          const fresh = structuredClone(sel);
          const want = reference(sel, l);
          expect(labelSelectorMatches(sel, l)).toBe(want);
          expect(labelSelectorMatches(fresh, l)).toBe(want);
        }
      }),
      { numRuns: 500 },
    );
  });
});
