import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { FLEETSIM_VERSION } from '../version.js';
import type { CaseSamples } from './run.js';
import type { BenchSuite } from './suite.js';

/**
 * A baseline: every case's per-replication values (every metric the runs report, not only the
 * gated ones, so a metric added to the suite later can be gated against an existing baseline),
 * their seeds, the scenario hashes, the suite and the fleetsim version that recorded them.
 * Written deterministically (no timestamps; keys in a fixed order; number arrays on one line),
 * so re-recording an unchanged baseline changes no byte of it.
 */
export interface BaselineFile {
  readonly kind: 'fleetsim-bench-baseline';
  readonly format: 1;
  readonly fleetsim: string;
  readonly suite: { readonly name: string; readonly hash: string; readonly alpha: number; readonly replications: number };
  readonly cases: readonly CaseSamples[];
}

export function baselineOf(suite: BenchSuite, cases: readonly CaseSamples[]): BaselineFile {
  return {
    kind: 'fleetsim-bench-baseline',
    format: 1,
    fleetsim: FLEETSIM_VERSION,
    suite: { name: suite.name, hash: suite.hash, alpha: suite.alpha, replications: suite.replications },
    cases: cases.map((c) => ({
      scenario: c.scenario,
      name: c.name,
      point: c.point,
      scenarioHash: c.scenarioHash,
      scheduler: c.scheduler,
      seeds: [...c.seeds],
      metrics: Object.fromEntries(Object.keys(c.metrics).map((k) => [k, [...c.metrics[k]]])),
      failures: c.failures.map((f) => ({ ...f })),
    })),
  };
}

/** JSON with 2-space indentation, except arrays of numbers/nulls/strings, which stay on one line. */
export function stableJson(v: unknown, indent = ''): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every((x) => x === null || typeof x !== 'object')) return `[${v.map((x) => JSON.stringify(x) ?? 'null').join(', ')}]`;
    return `[\n${v.map((x) => inner + stableJson(x, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${stableJson(x, inner)}`).join(',\n')}\n${indent}}`;
}

export function writeBaseline(path: string, b: BaselineFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, stableJson(b) + '\n');
}

const isNumArray = (x: unknown): boolean => Array.isArray(x) && x.every((v) => v === null || typeof v === 'number');

/** Read a baseline; a missing or malformed file is the user's mistake (exit 2). */
export function readBaseline(path: string, display = path): BaselineFile {
  if (!existsSync(path)) throw new UserError(`${display}: no baseline here; record one with --update-baseline (or give --baseline FILE)`);
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`${display}: not a baseline file (${(e as Error).message})`);
  }
  const b = v as Partial<BaselineFile>;
  const bad = (why: string): never => {
    throw new UserError(`${display}: not a fleetsim bench baseline (${why})`);
  };
  if (!b || typeof b !== 'object' || b.kind !== 'fleetsim-bench-baseline') bad('kind is not fleetsim-bench-baseline');
  if (b.format !== 1) bad(`format ${String(b.format)} is not supported (expected 1)`);
  if (!Array.isArray(b.cases)) bad('no cases');
  b.cases!.forEach((c, i) => {
    if (typeof c?.scenario !== 'string' || typeof c.scheduler !== 'string' || typeof c.point !== 'string') bad(`cases[${i}] lacks scenario, point or scheduler`);
    if (!isNumArray(c.seeds)) bad(`cases[${i}].seeds is not a list of numbers`);
    if (!c.metrics || typeof c.metrics !== 'object') bad(`cases[${i}].metrics is not a map`);
    for (const [k, xs] of Object.entries(c.metrics)) if (!isNumArray(xs)) bad(`cases[${i}].metrics.${k} is not a list of numbers`);
  });
  return { ...(b as BaselineFile), cases: b.cases!.map((c) => ({ ...c, name: typeof c.name === 'string' ? c.name : c.scenario, failures: c.failures ?? [] })) };
}
