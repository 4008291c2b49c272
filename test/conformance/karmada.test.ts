import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runKarmadaConformance, runKarmadaVector } from '../../src/conformance/karmada.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '../../../shared/conformance/karmada');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function allVectors(): Json[] {
  const out: Json[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    out.push(...JSON.parse(readFileSync(path.join(dir, f), 'utf8')).vectors);
  }
  return out;
}

/** A value that must not match `v` under any match mode. */
function perturb(v: Json, match: string): Json {
  if (match === 'anyOf') return [[{ name: '__bogus__', replicas: 1 }]];
  if (v === null) return ['__bogus__'];
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'string') return v + '__bogus__';
  if (Array.isArray(v)) return [...v, v.length > 0 && typeof v[0] === 'string' ? '__bogus__' : { name: '__bogus__', replicas: 1 }];
  const k = Object.keys(v)[0];
  return { ...v, [k]: perturb(v[k], 'exact') };
}

describe('karmada conformance', () => {
  it('passes every vector in the shared directory', async () => {
    const r = await runKarmadaConformance([dir]);
    expect(r.failures).toEqual([]);
    expect(r.failed).toBe(0);
    expect(r.passed).toBe(192);
  });

  it('reports a wrong expected value as a failure (every non-error vector)', () => {
    const vs = allVectors().filter((v) => v.match !== 'error' && !(v.expected && typeof v.expected === 'object' && 'error' in v.expected && v.entry !== 'clusterAffinitiesFailover'));
    expect(vs.length).toBeGreaterThan(150);
    for (const v of vs) {
      expect(runKarmadaVector(v).pass, v.name).toBe(true);
      expect(runKarmadaVector({ ...v, expected: perturb(v.expected, v.match) }).pass, `perturbed ${v.name}`).toBe(false);
    }
  });

  it('fails an error vector when the call succeeds, and a value vector when the call throws', () => {
    const ok = { name: 'x', entry: 'AssignReplicas', input: { clusters: [{ name: 'm1' }], replicas: 1, placement: {}, previous: [] }, match: 'ordered' };
    expect(runKarmadaVector({ ...ok, expected: [{ name: 'm1', replicas: 1 }] }).pass).toBe(true);
    expect(runKarmadaVector({ ...ok, expected: { error: 'boom' }, match: 'error' }).pass).toBe(false);
    const bad = { ...ok, input: { ...ok.input, clusters: [] }, expected: [] };
    expect(runKarmadaVector(bad).pass).toBe(false);
  });

  it('treats an unknown entry as a failure', () => {
    expect(runKarmadaVector({ name: 'x', entry: 'noSuchEntry', input: {}, expected: 1, match: 'exact' }).pass).toBe(false);
  });

  it('is order-sensitive for ordered vectors and not for unordered ones', () => {
    const v = {
      name: 'w',
      entry: 'webster',
      input: { newSeats: 7, votes: { a: 2, b: 1, c: 1, d: 1 }, initial: {}, tieBreak: 'default' },
      expected: [{ name: 'a', replicas: 3 }, { name: 'b', replicas: 2 }, { name: 'c', replicas: 1 }, { name: 'd', replicas: 1 }],
      match: 'ordered',
    };
    expect(runKarmadaVector(v).pass).toBe(true);
    const reversed = [...v.expected].reverse();
    expect(runKarmadaVector({ ...v, expected: reversed }).pass).toBe(false);
    expect(runKarmadaVector({ ...v, expected: reversed, match: 'unordered' }).pass).toBe(true);
  });
});
