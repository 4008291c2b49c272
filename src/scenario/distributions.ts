import { distributionBounds, validateRate, type DistributionSpec, type RateSpec } from '../kernel/index.js';
import { CsvColumns, parseCsv } from '../trace/csv.js';
import type { PathElement, YamlSource } from './source.js';
import { MAX_DURATION_SECONDS, parseDuration } from './units.js';

type Obj = Record<string, unknown>;

/**
 * The largest draw any distribution of durations may give, in seconds (about 30 million years):
 * far past any run's end, yet `now + draw` stays finite and exact to a fraction of a second.
 */
export const MAX_DRAW_SECONDS = 1e15;

/**
 * A duration or a distribution of durations (seconds) as the kernel's DistributionSpec. Every
 * distribution has a finite mean of at most 100 years and no draw beyond MAX_DRAW_SECONDS (a
 * lognormal with sigma 1e6 would schedule events at Infinity); an empirical CSV is read here,
 * at validation time, from a file inside the scenario's folder, its column checked.
 */
export function durationSpec(src: Pick<YamlSource, 'fail'> & Partial<Pick<YamlSource, 'readInput'>>, v: unknown, path: PathElement[], baseDir: string): DistributionSpec {
  if (typeof v === 'number' || typeof v === 'string') {
    const d = parseDuration(v);
    if (d === null) src.fail(path, 'a duration (seconds, or like "10m"; at most 100 years) or a distribution', v);
    return { kind: 'constant', value: d };
  }
  const d = v as DistributionSpec & Obj;
  if (d.kind === 'uniform' && parseDuration(d.max)! < parseDuration(d.min)!) src.fail([...path, 'max'], `a duration >= min (${d.min})`, d.max);
  let spec: DistributionSpec;
  if (d.kind === 'empirical') {
    const hasSamples = Array.isArray(d.samples);
    const hasCsv = typeof d.csv === 'string';
    if (hasSamples === hasCsv) src.fail(path, 'an empirical distribution with either samples or csv+column', d);
    if (hasCsv && typeof d.column !== 'string') src.fail([...path, 'column'], 'the name of a CSV column', d.column);
    // An empirical CSV is a file of the scenario's folder: a source without files (an imported dump) has none.
    if (hasCsv && !src.readInput) src.fail([...path, 'csv'], 'samples: (a CSV is read only from a scenario)', d.csv);
    spec = hasCsv ? { kind: 'empirical', samples: Array.from(csvColumns(src as Pick<YamlSource, 'fail' | 'readInput'>, [...path, 'csv'], d.csv as string, baseDir, [d.column as string], { min: 0, max: MAX_DURATION_SECONDS })[0]) } : { kind: 'empirical', samples: d.samples as number[] };
  } else {
    const out: Obj = { ...d };
    for (const k of ['value', 'min', 'max', 'mean', 'stddev', 'scale']) {
      if (k in out && d.kind !== 'lognormal') out[k] = parseDuration(out[k])!;
    }
    spec = out as DistributionSpec;
  }
  const { mean, max } = distributionBounds(spec);
  if (!(mean >= 0 && mean <= MAX_DURATION_SECONDS)) src.fail(path, 'a distribution with a mean of at most 100 years', `a mean of ${formatSeconds(mean)}`, { rawFound: true });
  if (!(max <= MAX_DRAW_SECONDS)) src.fail(path, `a distribution whose draws stay below ${MAX_DRAW_SECONDS} s (about 30 million years)`, `draws up to ${formatSeconds(max)}`, { rawFound: true });
  return spec;
}

function formatSeconds(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'no finite value' : 'Infinity';
  return `${x.toPrecision(3)} s`;
}

/**
 * Numeric columns of a CSV file the scenario names at `path` (read through the scenario's read
 * policy, so only inside its folder, a regular file, within the size cap). The header must hold
 * each column; every value must be a number in [min, max]. Errors name the file, line and column.
 */
export function csvColumns(src: Pick<YamlSource, 'fail' | 'readInput'>, path: PathElement[], ref: string, baseDir: string, columns: readonly string[], range: { min: number; max: number }): Float64Array[] {
  const f = src.readInput(path, ref, baseDir, `a CSV file with the column${columns.length > 1 ? 's' : ''} ${columns.join(', ')} (relative to the scenario)`);
  const cols = new CsvColumns(parseCsv(f.text, f.display), columns, 'any');
  const rows = cols.table.rows;
  if (rows.length === 0) src.fail(path, 'a CSV file with at least one row of values', `"${ref}" (a header and no rows)`, { rawFound: true });
  return columns.map((c) => {
    const out = new Float64Array(rows.length);
    rows.forEach((row, i) => {
      out[i] = cols.number(row, c, range.min, false, range.max);
    });
    return out;
  });
}

/** A rate block of the schema (constant, diurnal, piecewise) as the kernel's RateSpec, checked (piecewise points in order). */
export function rateSpec(src: YamlSource, v: Obj, path: PathElement[]): RateSpec {
  let spec: RateSpec;
  if (v.kind === 'diurnal') {
    spec = {
      kind: 'diurnal',
      mean: v.mean as number,
      amplitude: v.amplitude as number,
      ...(v.period !== undefined ? { period: parseDuration(v.period)! } : {}),
      ...(v.peakAt !== undefined ? { peakAt: parseDuration(v.peakAt)! } : {}),
    };
  } else if (v.kind === 'piecewise') {
    const points = (v.points as Obj[]).map((p) => ({ t: parseDuration(p.t)!, rate: p.rate as number }));
    for (let i = 1; i < points.length; i++) {
      if (!(points[i].t > points[i - 1].t)) src.fail([...path, 'points', i, 't'], `a time after the previous point's (${(v.points as Obj[])[i - 1].t})`, (v.points as Obj[])[i].t);
    }
    spec = { kind: 'piecewise', points, ...(v.repeat !== undefined ? { repeat: parseDuration(v.repeat)! } : {}) };
    if (spec.repeat !== undefined && !(spec.repeat > points[points.length - 1].t)) src.fail([...path, 'repeat'], `a period longer than the last point's time (${(v.points as Obj[])[points.length - 1].t})`, v.repeat);
  } else {
    spec = { kind: 'constant', rate: v.rate as number };
  }
  const err = validateRate(spec);
  if (err) src.fail(path, 'a valid arrival rate', err, { rawFound: true });
  return spec;
}
