import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseScenario } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { ROOT } from '../helpers/cli.js';

/** The loader never throws anything but ScenarioError, whatever it is fed. */

const scenariosDir = join(ROOT, 'scenarios');
const baseText = readFileSync(join(scenariosDir, 'kurator-fleet.yaml'), 'utf8');
const baseDoc = parse(baseText) as Record<string, unknown>;

function loadsOrRejects(text: string): void {
  try {
    parseScenario(text, 'fuzz.yaml', scenariosDir, { knownSchedulers: ['karmada'] });
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw new Error(`loader threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}\n--- input ---\n${text}`);
    expect(e.message).toMatch(/^.+:\d+:\d+: .+: expected .+, found .+$/s);
  }
}

/** Every (path, value) position in a JSON tree. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}
const allPaths = paths(baseDoc);

function setAt(doc: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let cur = copy;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]] as Record<string | number, unknown>;
  cur[path[path.length - 1]] = value;
  return copy;
}

function deleteAt(doc: unknown, path: (string | number)[]): unknown {
  if (path.length === 0) return {};
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let cur = copy;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]] as Record<string | number, unknown>;
  if (Array.isArray(cur)) cur.splice(path[path.length - 1] as number, 1);
  else delete cur[path[path.length - 1]];
  return copy;
}

const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', '0', '-1', '1e400', 'NaN', '10m', '500m', '1Gi', 'Infinity', 'null', '~', 'yes', '::', '{', '\u0000'),
  fc.integer(),
  fc.double(),
);

describe('scenario loader fuzz', () => {
  it('the default scenario loads', () => {
    expect(() => parseScenario(baseText, 'kurator-fleet.yaml', scenariosDir)).not.toThrow();
  });

  it('structural mutations: replace or delete any field', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(allPaths.length - 1), jsonish, fc.boolean()), { minLength: 1, maxLength: 4 }), (muts) => {
        let doc: unknown = baseDoc;
        for (const [pi, value, del] of muts) {
          const p = allPaths[pi];
          try {
            doc = del ? deleteAt(doc, p) : setAt(doc, p, value);
          } catch {
            // An earlier mutation removed this path's parent: skip.
          }
        }
        loadsOrRejects(stringify(doc));
      }),
      { numRuns: 400, seed: 20261122 },
    );
  });

  it('textual mutations: cut, insert or flip characters', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(baseText.length), fc.nat(20), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 3 }),
        (edits) => {
          let text = baseText;
          for (const [at, del, ins] of edits) text = text.slice(0, at) + ins + text.slice(at + del);
          loadsOrRejects(text);
        },
      ),
      { numRuns: 400, seed: 7 },
    );
  });

  it('arbitrary YAML documents', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => loadsOrRejects(stringify(v))),
      { numRuns: 300, seed: 11 },
    );
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (t) => loadsOrRejects(t)), { numRuns: 300, seed: 12 });
  });
});
