import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, stringify, type Document, type Node } from 'yaml';
import { ScenarioError } from '../../src/scenario/errors.js';
import { readFastYaml, type FastDocument } from '../../src/scenario/fast-yaml.js';
import { FAST_YAML_BYTES, parseYamlText } from '../../src/scenario/source.js';
import { ROOT } from '../helpers/cli.js';

/**
 * The fast reader gives the yaml library's values and positions, or gives up: checked on the
 * repository's YAML files, on documents the library writes from random values in four styles,
 * and on random lines of tricky tokens.
 */

type Path = (string | number)[];

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b) || !a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => kb[i] === k && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function paths(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

/** Offsets of a value and of its key, as YamlSource finds them in the library's Document (null: it does not find the path, e.g. a null key). */
function libOffsets(doc: Document.Parsed, path: Path): { v: number; k: number } | null {
  let node: Node | null = (doc.contents as Node | null) ?? null;
  let key: Node | null = null;
  for (const p of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(p));
      if (!pair) return null;
      key = pair.key as Node;
      node = (pair.value as Node | null) ?? null;
      if (node === null) return { v: key.range![0], k: key.range![0] };
    } else if (isSeq(node)) {
      key = null;
      node = node.items[p as number] as Node;
    }
  }
  return { v: node?.range?.[0] ?? 0, k: (key ?? node)?.range?.[0] ?? 0 };
}

function fastOffsets(d: FastDocument, path: Path): { v: number; k: number } {
  let cur = d.root;
  let v = d.rootOffset;
  let k = d.rootOffset;
  for (const p of path) {
    const e = d.index.get(cur as object)!;
    const i = e.keys ? e.keys.indexOf(String(p)) : (p as number);
    v = e.values[i];
    k = e.keyOffsets ? e.keyOffsets[i] : v;
    cur = (cur as Record<string, unknown>)[e.keys ? e.keys[i] : i];
  }
  return { v, k };
}

/** 'ok' (same values and positions), 'gave up', or what differs. */
function compare(text: string): string {
  const fast = readFastYaml(text);
  if (!fast) return 'gave up';
  const parsed = parseAllDocuments(text, { uniqueKeys: false, strict: true });
  const docs = Array.isArray(parsed) ? parsed : [];
  const err = docs.flatMap((d) => d.errors)[0];
  if (err) return `the library refuses it (${err.message.split('\n')[0]}); the fast reader read it`;
  if (docs.length !== fast.docs.length) return `${fast.docs.length} documents, the library ${docs.length}`;
  for (let i = 0; i < docs.length; i++) {
    const want = docs[i].toJS();
    if (!same(want, fast.docs[i].root)) return `document ${i}: ${JSON.stringify(fast.docs[i].root)} instead of ${JSON.stringify(want)}`;
    if (fast.duplicate) continue;
    for (const p of paths(want)) {
      const a = libOffsets(docs[i], p);
      if (a === null) break;
      const b = fastOffsets(fast.docs[i], p);
      if (a.v !== b.v || (p.length > 0 && a.k !== b.k)) return `document ${i} at ${JSON.stringify(p)}: offsets ${JSON.stringify(b)} instead of ${JSON.stringify(a)}`;
    }
  }
  return 'ok';
}

const TOKENS = ['a', 'key', 'x y', 'true', 'False', 'null', '~', '', '0x1F', '0o17', '017', '-5', '+3', '.5', '1.', '1e3', '.inf', '-.Inf', '.nan', '"q"', "'s'", "'it''s'", '"a\\"b"', '"\\u00e9"', '[a, b]', '{a: 1, b: [2]}', '[]', '{}', 'a:b', 'http://x', 'a #c', 'a#b', '-x', ':x', '?x', '- x', 'a: b', '"open', '[a,', '{a}', '1_000', '-0', '12345678901234567890', '"\\t"', '@x', '`x', '|', '>', '&a x', '*a', '!t x', '%x'];

describe('fast YAML reader', () => {
  it('reads the repository YAML files as the library does (or gives up)', () => {
    const dirs = ['scenarios', 'scenarios/manifests', 'test/sweep/fixtures', 'test/fixtures/kurator', 'bench/suites'];
    let read = 0;
    for (const d of dirs) {
      for (const f of readdirSync(join(ROOT, d)).filter((x) => x.endsWith('.yaml'))) {
        const r = compare(readFileSync(join(ROOT, d, f), 'utf8'));
        expect(r === 'ok' || r === 'gave up', `${d}/${f}: ${r}`).toBe(true);
        if (r === 'ok') read++;
      }
    }
    expect(read).toBeGreaterThan(10);
  });

  it('documents the library writes from random values, in four styles', () => {
    let ok = 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom<object>({}, { indent: 4 }, { collectionStyle: 'flow' }, { indentSeq: false }), (v, style) => {
        const r = compare(stringify(v, style));
        if (r === 'ok') ok++;
        return r === 'ok' || r === 'gave up';
      }),
      { numRuns: 1500, seed: 3 },
    );
    expect(ok).toBeGreaterThan(1000);
  });

  it('random lines of tricky tokens: never a value or a position the library would not give', () => {
    let ok = 0;
    const line = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.constantFrom('key', 'item', 'scalar', 'comment', 'blank', 'marker'), fc.constantFrom(...TOKENS), fc.constantFrom(...TOKENS));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 12 }), (lines) => {
        const text = `${lines.map(([ind, kind, a, b]) => ' '.repeat(ind) + ({ key: `${a}: ${b}`, item: `- ${a}`, scalar: a, comment: `# ${a}`, blank: '', marker: '---' } as Record<string, string>)[kind]).join('\n')}\n`;
        const r = compare(text);
        if (r === 'ok') ok++;
        return r === 'ok' || r === 'gave up';
      }),
      { numRuns: 6000, seed: 4 },
    );
    expect(ok).toBeGreaterThan(600);
  });

  it('a large scenario is read fast, with the same values, positions and repeated-key error as the library', () => {
    const body = Array.from({ length: 12_000 }, (_, i) => `  - kind: Deployment\n    name: web-${i}\n    replicas: ${i % 7}\n    labels: { app: web-${i}, tier: "front" }\n    resources: { cpu: 100m, memory: 128Mi }\n`).join('');
    const text = `name: big\nfleet:\n  clusters:\n    - { name: a, region: r1, nodePools: [{ count: 2, cpu: 4, memory: 8Gi }] }\nworkloads:\n${body}`;
    expect(text.length).toBeGreaterThan(FAST_YAML_BYTES);
    expect(compare(text)).toBe('ok');
    const [src] = parseYamlText(text, 'big.yaml');
    const line = 5 + 5 * 11_999 + 4;
    expect(src.at(['workloads', 11_999, 'labels', 'tier'])).toEqual({ file: 'big.yaml', line, col: text.split('\n')[line - 1].indexOf('"front"') + 1 });
    expect(src.keyAt(['workloads', 3, 'replicas'])).toEqual({ file: 'big.yaml', line: 5 + 5 * 3 + 3, col: 5 });
    // A repeated key: the same message either way.
    const dup = text.replace('    name: web-11000\n', '    name: web-11000\n    name: again\n');
    let fastErr: unknown;
    try {
      parseYamlText(dup, 'big.yaml');
    } catch (e) {
      fastErr = e;
    }
    expect(fastErr).toBeInstanceOf(ScenarioError);
    expect((fastErr as ScenarioError).message).toMatch(/^big\.yaml:\d+:5: workloads\[11000\]\.name: expected a key used once in its map \(it is first at line \d+\), found "name" \(a string\) again$/);
  });
});
