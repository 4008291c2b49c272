import { createHash } from 'node:crypto';
import seedrandom from 'seedrandom';

/**
 * The identities of a sweep: which runs it has, in which order, with which seeds, and which shard
 * runs which. Pure functions of the sweep's definition, so every machine (shard) and every resume
 * agrees on them.
 */

/** One sweep dimension: a path into the scenario document and the values it takes. */
export interface AxisDef {
  readonly path: string;
  readonly values: readonly unknown[];
}

export interface PlannedRun {
  /** Position in the canonical order (points, then schedulers, then replications). */
  readonly index: number;
  /** Stable identity: a hash of (the point's path=value assignments, scheduler, replication). */
  readonly id: string;
  readonly point: number;
  readonly scheduler: string;
  readonly replication: number;
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) return JSON.stringify(String(v));
    return JSON.stringify(v) ?? 'null';
  }
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The sweep points: the cartesian product of the axes' values, the first axis varying slowest
 * (so the order reads like nested loops over the axes as written). No axes: one point.
 */
export function cartesian(axes: readonly AxisDef[]): number[][] {
  let out: number[][] = [[]];
  for (const a of axes) {
    const next: number[][] = [];
    for (const prefix of out) for (let j = 0; j < a.values.length; j++) next.push([...prefix, j]);
    out = next;
  }
  return out;
}

/**
 * A run's identity: the first 16 hex digits of sha256 over the canonical JSON of
 * `[[[path, value], ...], scheduler, replication]`. It depends on the values, not on their
 * positions, so adding a value to an axis (then `--resume`) keeps the ids of runs already done.
 */
export function runId(axes: readonly AxisDef[], valueIndexes: readonly number[], scheduler: string, replication: number): string {
  const assignments = axes.map((a, i) => [a.path, a.values[valueIndexes[i]]]);
  return sha256(canonicalJson([assignments, scheduler, replication])).slice(0, 16);
}

/** Every run of a sweep in canonical order: for each point, for each scheduler, replications 0..R-1. */
export function enumerateRuns(axes: readonly AxisDef[], schedulers: readonly string[], replications: number): PlannedRun[] {
  const runs: PlannedRun[] = [];
  cartesian(axes).forEach((idx, point) => {
    for (const scheduler of schedulers) {
      for (let r = 0; r < replications; r++) runs.push({ index: runs.length, id: runId(axes, idx, scheduler, r), point, scheduler, replication: r });
    }
  });
  return runs;
}

/**
 * The seed of replication r, derived from the point's scenario seed: replication 0 uses the
 * scenario seed itself (so it reproduces `fleetsim run`), replication r ≥ 1 the first 32 bits
 * (unsigned) of seedrandom's ARC4 stream seeded with `fleetsim/replication\0<seed>\0<r>`. A seed
 * equal to an earlier replication's is re-derived with `\0<k>` appended (k = 1, 2, ...), so the R
 * seeds of a point are distinct. Every scheduler and every point with the same scenario seed gets
 * the same seeds (common random numbers: differences between schedulers are not seed noise).
 */
export function replicationSeeds(seed: number, replications: number): number[] {
  const seeds: number[] = [];
  const used = new Set<number>();
  for (let r = 0; r < replications; r++) {
    let s = seed;
    if (r > 0) {
      let salt = `fleetsim/replication\u0000${seed}\u0000${r}`;
      s = seedrandom(salt).int32() >>> 0;
      for (let k = 1; used.has(s); k++) {
        salt = `fleetsim/replication\u0000${seed}\u0000${r}\u0000${k}`;
        s = seedrandom(salt).int32() >>> 0;
      }
    }
    used.add(s);
    seeds.push(s);
  }
  return seeds;
}

export interface Shard {
  /** 0-based, as Kubernetes' JOB_COMPLETION_INDEX. */
  readonly index: number;
  readonly count: number;
}

/** Parse `i/n` (0 ≤ i < n). Returns null on a malformed value. */
export function parseShard(text: string): Shard | null {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return null;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1) || !(index < count) || !Number.isSafeInteger(count)) return null;
  return { index, count };
}

/** Shard i of n runs the runs whose canonical index is ≡ i (mod n): round robin, so every shard gets a share of every point. */
export function inShard(run: { index: number }, shard: Shard | null): boolean {
  return shard === null || run.index % shard.count === shard.index;
}

/** Short labels for the points: `axis=value` for each axis with more than one value (`base` if none). */
export function pointLabels(axes: readonly AxisDef[]): string[] {
  const varying = axes.map((a, i) => ({ a, i })).filter(({ a }) => a.values.length > 1);
  const lastSegment = (p: string) => /(?:^|\.)([^.[\]]+)(?:\[[^\]]*\])*$/.exec(p)?.[1] ?? p;
  const names = varying.map(({ a }) => lastSegment(a.path));
  const short = varying.map(({ a }, k) => (names.filter((n) => n === names[k]).length > 1 ? a.path : names[k]));
  return cartesian(axes).map((idx) => (varying.length ? varying.map(({ a, i }, k) => `${short[k]}=${formatValue(a.values[idx[i]])}`).join(', ') : 'base'));
}

/** A value for people: scalars as they are, anything else as compact JSON. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || typeof v !== 'object') return String(v);
  return canonicalJson(v);
}
