import fc from 'fast-check';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.js';

/**
 * Mutations of the example scenarios, for the run-path fuzz test and the hostile corpus: a
 * mutation sets a field to a hostile value, scales a number or a duration by a power of ten,
 * deletes a field or a list item, or repeats a list item.
 */

export type Doc = unknown;
export type PathElement = string | number;

/** The example scenarios, parsed, and a scratch copy of their folder (with manifests/) to write mutants into. */
export function examples(): { names: string[]; docs: Map<string, Doc>; dir: string } {
  const src = join(ROOT, 'scenarios');
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-fuzz-'));
  cpSync(src, dir, { recursive: true });
  const names = readdirSync(src).filter((f) => f.endsWith('.yaml')).sort();
  return { names, docs: new Map(names.map((n) => [n, parse(readFileSync(join(src, n), 'utf8')) as Doc])), dir };
}

/** Every path in a JSON tree, the root first. */
export function pathsOf(v: unknown, prefix: PathElement[] = [], out: PathElement[][] = []): PathElement[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) pathsOf(x, [...prefix, k], out);
  return out;
}

function parentOf(doc: Doc, path: PathElement[]): Record<string | number, unknown> | null {
  let cur = doc as Record<string | number, unknown> | null;
  for (let i = 0; i < path.length - 1; i++) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = cur[path[i]] as Record<string | number, unknown> | null;
  }
  return cur !== null && typeof cur === 'object' ? cur : null;
}

/** Values a careless or hostile user writes: zeros, negatives, huge and tiny numbers, odd units, wrong types. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, 1, 2, 0.5, 1e9, 1e-9, 1e15, 1e308, -1e308, 2 ** 31, 2 ** 53, 4e-323, '', '0', '0s', '0ms', '1ms', '1e400', '36500d', '1000000d', '999999Ei', '1Pi', '8.4e-323bps', 'NaN', 'Infinity', '-5m', null, true, [], {}, 'x'.repeat(300), '../../etc/passwd', '/dev/zero'),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.jsonValue({ maxDepth: 2 }),
);

export type Mutation =
  | { op: 'set'; at: number; value: unknown }
  | { op: 'scale'; at: number; k: number }
  | { op: 'delete'; at: number }
  | { op: 'repeat'; at: number; times: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: hostileValue }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('scale' as const), at: fc.nat(), k: fc.integer({ min: -6, max: 9 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), times: fc.integer({ min: 1, max: 50 }) }) },
);

/** A number or a number with a unit ("10m", "4Gi"), times 10^k; anything else unchanged. */
function scaled(v: unknown, k: number): unknown {
  const f = 10 ** k;
  if (typeof v === 'number') return v * f;
  if (typeof v === 'string') {
    const m = /^([0-9]*\.?[0-9]+)([A-Za-z/]*)$/.exec(v);
    if (m) return `${Number(m[1]) * f}${m[2]}`;
  }
  return v;
}

/** Apply mutations in order; a mutation whose target is gone (an earlier one removed it) is skipped. */
export function mutate(doc: Doc, muts: readonly Mutation[]): Doc {
  let out = structuredClone(doc);
  for (const m of muts) {
    const paths = pathsOf(out);
    const path = paths[m.at % paths.length];
    if (path.length === 0) {
      if (m.op === 'set') out = m.value;
      continue;
    }
    const parent = parentOf(out, path);
    if (!parent) continue;
    const key = path[path.length - 1];
    if (m.op === 'set') parent[key] = structuredClone(m.value);
    else if (m.op === 'scale') parent[key] = scaled(parent[key], m.k);
    else if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (Array.isArray(parent)) {
      for (let i = 0; i < m.times; i++) parent.push(structuredClone(parent[key as number]));
    }
  }
  return out;
}
