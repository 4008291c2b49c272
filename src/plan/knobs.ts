import { UserError } from '../errors.js';
import { resolveCliPath, splitSet } from '../runner/sweep-plan.js';
import type { PathElement } from '../scenario/source.js';

/**
 * A plan's knobs: `--vary PATH=lo..hi` (or `lo..hi:step`, or `v1,v2,...` ascending), PATH in the
 * sweep's path syntax (`fleet.clusters[name=serving-sh].nodePools[name=t4].count`). A knob is
 * assumed monotone: a higher value never makes a constraint harder to meet, nor costs less.
 */
export interface Knob {
  /** As given. */
  readonly text: string;
  /** The path as written, and resolved in the document. */
  readonly path: string;
  readonly target: readonly PathElement[];
  /** Its values, ascending. */
  readonly values: readonly number[];
  /** The scenario's own value at the path (undefined when the document does not set it). */
  readonly today: unknown;
  /** Short name: `serving-sh/t4` for a node pool's count, else the path. */
  readonly label: string;
}

/** Values per knob at most (a knob is bisected, but the proof phase walks the grid). */
export const MAX_KNOB_VALUES = 10_000;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function parseValues(text: string): number[] | string {
  const range = /^\s*([^.:,\s][^:,]*?)\s*\.\.\s*([^:,]+?)\s*(?::\s*(.+?)\s*)?$/.exec(text);
  if (range) {
    const [lo, hi, step] = [range[1], range[2], range[3] ?? '1'];
    for (const x of [lo, hi, step]) if (!NUMBER.test(x)) return `a number in lo..hi[:step], found ${JSON.stringify(x)}`;
    const [a, b, s] = [Number(lo), Number(hi), Number(step)];
    if (!(s > 0)) return `a step > 0, found ${step}`;
    if (a > b) return `lo <= hi in lo..hi, found ${lo}..${hi}`;
    const n = Math.floor((b - a) / s + 1e-9) + 1;
    if (n > MAX_KNOB_VALUES) return `at most ${MAX_KNOB_VALUES} values, found ${n} in ${text.trim()}`;
    // Values as lo + k·step, rounded to 12 significant digits so that 0.1 steps stay 0.3, not 0.30000000000000004.
    return Array.from({ length: n }, (_, k) => Number((a + k * s).toPrecision(12)));
  }
  const parts = text.split(',').map((x) => x.trim());
  if (parts.length < 2 && !NUMBER.test(parts[0])) return `lo..hi, lo..hi:step or v1,v2,... (numbers), found ${JSON.stringify(text)}`;
  for (const x of parts) if (!NUMBER.test(x)) return `numbers in v1,v2,..., found ${JSON.stringify(x)}`;
  const vs = parts.map(Number);
  for (let i = 1; i < vs.length; i++) if (!(vs[i] > vs[i - 1])) return `ascending values (a knob is searched from low to high), found ${vs[i - 1]} then ${vs[i]}`;
  return vs;
}

function getIn(doc: unknown, path: readonly PathElement[]): unknown {
  let cur = doc;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function labelOf(raw: Record<string, unknown>, target: readonly PathElement[], path: string): string {
  const [f, cl, ci, np, pi, last] = target;
  if (target.length === 6 && f === 'fleet' && cl === 'clusters' && np === 'nodePools' && typeof ci === 'number' && typeof pi === 'number') {
    const cluster = getIn(raw, ['fleet', 'clusters', ci]) as { name?: unknown } | undefined;
    const pool = getIn(raw, ['fleet', 'clusters', ci, 'nodePools', pi]) as { name?: unknown } | undefined;
    const name = `${String(cluster?.name ?? ci)}/${String(pool?.name ?? pi)}`;
    return last === 'count' ? name : `${name} ${String(last)}`;
  }
  return path;
}

/** Parse one `--vary` argument against the plain scenario document. */
export function parseKnob(arg: string, raw: Record<string, unknown>): Knob {
  const fail = (why: string): never => {
    throw new UserError(`--vary ${arg}: expected ${why}`);
  };
  const parts = splitSet(arg);
  if (!parts || !parts.path) return fail(`PATH=lo..hi, e.g. fleet.clusters[name=serving-sh].nodePools[name=t4].count=4..32, found ${parts ? 'no path before =' : 'no = outside brackets'}`);
  const resolved = resolveCliPath(raw, parts.path);
  if ('error' in resolved) {
    const syntax = /^expected (a path like \S+) \((.*)\)$/.exec(resolved.error);
    if (syntax) return fail(`${syntax[1]}, found ${parts.path} (${syntax[2]})`);
    return fail(`a path to a field of this scenario, found ${parts.path} (${resolved.error.replace(/^not a path to a field of this scenario: /, '')})`);
  }
  const values = parseValues(parts.values);
  if (typeof values === 'string') return fail(values);
  const today = getIn(raw, resolved.target);
  if (today !== undefined && typeof today !== 'number') return fail(`a path to a number (a knob is a count or size), found ${parts.path} = ${JSON.stringify(today)}`);
  return { text: arg, path: parts.path, target: resolved.target, values, today, label: labelOf(raw, resolved.target, parts.path) };
}
