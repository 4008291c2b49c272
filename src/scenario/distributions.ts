import { resolve } from 'node:path';
import type { DistributionSpec, RateSpec } from '../kernel/index.js';
import type { PathElement, YamlSource } from './source.js';
import { parseDuration } from './units.js';

type Obj = Record<string, unknown>;

/** A duration or a distribution of durations (seconds) as the kernel's DistributionSpec; an empirical CSV resolves against `baseDir`. */
export function durationSpec(src: Pick<YamlSource, 'fail'>, v: unknown, path: PathElement[], baseDir: string): DistributionSpec {
  if (typeof v === 'number' || typeof v === 'string') {
    const d = parseDuration(v);
    if (d === null) src.fail(path, 'a duration (seconds, or like "10m") or a distribution', v);
    return { kind: 'constant', value: d };
  }
  const d = v as DistributionSpec & Obj;
  if (d.kind === 'uniform' && parseDuration(d.max)! < parseDuration(d.min)!) src.fail([...path, 'max'], `a duration >= min (${d.min})`, d.max);
  if (d.kind === 'empirical') {
    const hasSamples = Array.isArray(d.samples);
    const hasCsv = typeof d.csv === 'string';
    if (hasSamples === hasCsv) src.fail(path, 'an empirical distribution with either samples or csv+column', d);
    if (hasCsv) {
      if (typeof d.column !== 'string') src.fail([...path, 'column'], 'the name of a CSV column', d.column);
      return { kind: 'empirical', csv: resolve(baseDir, d.csv as string), column: d.column as string };
    }
  }
  const out: Obj = { ...d };
  for (const k of ['value', 'min', 'max', 'mean', 'stddev', 'scale']) {
    if (k in out && d.kind !== 'lognormal') out[k] = parseDuration(out[k])!;
  }
  return out as DistributionSpec;
}

/** A rate block of the schema (constant, diurnal, piecewise) as the kernel's RateSpec. */
export function rateSpec(v: Obj): RateSpec {
  if (v.kind === 'diurnal') {
    return {
      kind: 'diurnal',
      mean: v.mean as number,
      amplitude: v.amplitude as number,
      ...(v.period !== undefined ? { period: parseDuration(v.period)! } : {}),
      ...(v.peakAt !== undefined ? { peakAt: parseDuration(v.peakAt)! } : {}),
    };
  }
  if (v.kind === 'piecewise') {
    return {
      kind: 'piecewise',
      points: (v.points as Obj[]).map((p) => ({ t: parseDuration(p.t)!, rate: p.rate as number })),
      ...(v.repeat !== undefined ? { repeat: parseDuration(v.repeat)! } : {}),
    };
  }
  return { kind: 'constant', rate: v.rate as number };
}
