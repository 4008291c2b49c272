import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RandomStream } from './random.js';

/**
 * Distributions of a scalar (durations, sizes, gaps). Every sampler draws from one RandomStream
 * and consumes a documented number of uniforms per sample, so runs are reproducible:
 *
 * | kind        | parameters                         | sample                                   | uniforms |
 * |-------------|------------------------------------|------------------------------------------|----------|
 * | constant    | value                              | value                                    | 0        |
 * | uniform     | min <= max                         | min + (max - min) * u                    | 1        |
 * | exponential | mean > 0  (or rate > 0, mean=1/rate)| -log(1 - u) * mean                      | 1        |
 * | normal      | mean, stddev >= 0, min?            | Box-Muller (see below); truncated at min | 2 per pair |
 * | lognormal   | mu, sigma > 0 (of the underlying normal) | exp(mu + sigma * z)                | as normal |
 * | weibull     | shape > 0, scale > 0               | scale * (-log(1 - u))^(1 / shape)        | 1        |
 * | empirical   | samples (non-empty) or csv+column  | samples[floor(u * n)]                    | 1        |
 *
 * Normal: Box-Muller with u1, u2 from the stream, r = sqrt(-2 log(1 - u1)), giving
 * z1 = r cos(2 pi u2) then z2 = r sin(2 pi u2) on the next call (the pair is cached in the
 * sampler, so two samples consume two uniforms).
 * Truncation (`min`): values below `min` are REJECTED and redrawn (a true truncated normal, not a
 * clamp, so no probability mass piles up at `min`). `min` more than 5 standard deviations above
 * the mean is refused (acceptance would be below 3e-7).
 */
export type DistributionSpec =
  | { kind: 'constant'; value: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'exponential'; rate: number }
  | { kind: 'normal'; mean: number; stddev: number; min?: number }
  | { kind: 'lognormal'; mu: number; sigma: number }
  | { kind: 'weibull'; shape: number; scale: number }
  | { kind: 'empirical'; samples: number[] }
  | { kind: 'empirical'; csv: string; column: string };

export interface Sampler {
  sample(): number;
  /** The distribution's analytic mean (for empirical: the mean of the samples). */
  readonly mean: number;
}

const KINDS = ['constant', 'uniform', 'exponential', 'normal', 'lognormal', 'weibull', 'empirical'];

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function finite(o: Record<string, unknown>, k: string): string | null {
  const v = o[k];
  if (v === undefined) return `missing '${k}'`;
  if (typeof v !== 'number' || !Number.isFinite(v)) return `'${k}' must be a finite number, got ${JSON.stringify(v)}`;
  return null;
}

function positive(o: Record<string, unknown>, k: string): string | null {
  return finite(o, k) ?? ((o[k] as number) > 0 ? null : `'${k}' must be > 0, got ${o[k] as number}`);
}

function unknownKeys(o: Record<string, unknown>, allowed: string[]): string | null {
  for (const k of Object.keys(o)) {
    if (k !== 'kind' && !allowed.includes(k)) return `unknown field '${k}' for kind '${o.kind as string}' (allowed: ${allowed.join(', ')})`;
  }
  return null;
}

/**
 * Checks a distribution spec's shape and parameters. Returns null if it is valid, otherwise one
 * sentence saying what is wrong (field name, expected, found). Does not read CSV files.
 */
export function validateDistribution(spec: unknown): string | null {
  if (!isObj(spec)) return `a distribution must be an object with a 'kind', got ${JSON.stringify(spec)}`;
  const kind = spec.kind;
  if (typeof kind !== 'string' || !KINDS.includes(kind)) {
    return `'kind' must be one of ${KINDS.join(', ')}, got ${JSON.stringify(kind)}`;
  }
  switch (kind) {
    case 'constant':
      return unknownKeys(spec, ['value']) ?? finite(spec, 'value');
    case 'uniform': {
      const e = unknownKeys(spec, ['min', 'max']) ?? finite(spec, 'min') ?? finite(spec, 'max');
      if (e) return e;
      return (spec.min as number) <= (spec.max as number) ? null : `'min' (${spec.min as number}) must be <= 'max' (${spec.max as number})`;
    }
    case 'exponential': {
      const e = unknownKeys(spec, ['mean', 'rate']);
      if (e) return e;
      const hasMean = spec.mean !== undefined;
      const hasRate = spec.rate !== undefined;
      if (hasMean === hasRate) return `exponential needs exactly one of 'mean' or 'rate'`;
      return positive(spec, hasMean ? 'mean' : 'rate');
    }
    case 'normal': {
      const e = unknownKeys(spec, ['mean', 'stddev', 'min']) ?? finite(spec, 'mean') ?? finite(spec, 'stddev');
      if (e) return e;
      const mean = spec.mean as number;
      const sd = spec.stddev as number;
      if (sd < 0) return `'stddev' must be >= 0, got ${sd}`;
      if (spec.min !== undefined) {
        const em = finite(spec, 'min');
        if (em) return em;
        const min = spec.min as number;
        if (sd === 0 ? min > mean : min > mean + 5 * sd) {
          return `'min' (${min}) is too far above the mean (${mean}) for stddev ${sd}: at most mean + 5 stddev`;
        }
      }
      return null;
    }
    case 'lognormal':
      return unknownKeys(spec, ['mu', 'sigma']) ?? finite(spec, 'mu') ?? positive(spec, 'sigma');
    case 'weibull':
      return unknownKeys(spec, ['shape', 'scale']) ?? positive(spec, 'shape') ?? positive(spec, 'scale');
    case 'empirical': {
      if (spec.samples !== undefined) {
        const e = unknownKeys(spec, ['samples']);
        if (e) return e;
        const s = spec.samples;
        if (!Array.isArray(s) || s.length === 0) return `'samples' must be a non-empty array of numbers`;
        for (let i = 0; i < s.length; i++) {
          if (typeof s[i] !== 'number' || !Number.isFinite(s[i])) {
            return `'samples[${i}]' must be a finite number, got ${JSON.stringify(s[i])}`;
          }
        }
        return null;
      }
      const e = unknownKeys(spec, ['csv', 'column']);
      if (e) return e;
      if (typeof spec.csv !== 'string' || spec.csv === '') return `empirical needs 'samples' or 'csv' (a file path) with 'column'`;
      if (typeof spec.column !== 'string' || spec.column === '') return `empirical 'csv' needs a 'column' name`;
      return null;
    }
  }
  return null;
}

/**
 * The largest value a uniform draw u in [0, 1) gives to -log(1 - u): u is a 53-bit double, so
 * 1 - u >= 2^-53. Box-Muller's radius sqrt(-2 log(1 - u)) is bounded by the square root of twice it.
 */
const MAX_NEG_LOG = 53 * Math.LN2;
const MAX_NORMAL_Z = Math.sqrt(2 * MAX_NEG_LOG);

/**
 * The analytic mean of a distribution and the largest value a draw from it can take (for an
 * empirical CSV, which is not read here: NaN for both). A spec whose mean or largest draw is
 * Infinity (a lognormal with sigma 1e6, a Weibull with a tiny shape) passes `validateDistribution`
 * but would schedule an event at Infinity: the scenario loader refuses it by these bounds.
 */
export function distributionBounds(spec: DistributionSpec): { mean: number; max: number } {
  switch (spec.kind) {
    case 'constant':
      return { mean: spec.value, max: spec.value };
    case 'uniform':
      return { mean: (spec.min + spec.max) / 2, max: spec.max };
    case 'exponential': {
      const mean = 'mean' in spec && spec.mean !== undefined ? spec.mean : 1 / (spec as { rate: number }).rate;
      return { mean, max: mean * MAX_NEG_LOG };
    }
    case 'normal': {
      const mean = new NormalSampler(spec.mean, spec.stddev, spec.min, { name: '', random: () => 0 }).mean;
      return { mean, max: spec.mean + spec.stddev * MAX_NORMAL_Z };
    }
    case 'lognormal':
      return { mean: Math.exp(spec.mu + (spec.sigma * spec.sigma) / 2), max: Math.exp(spec.mu + spec.sigma * MAX_NORMAL_Z) };
    case 'weibull':
      return { mean: spec.scale * gamma(1 + 1 / spec.shape), max: spec.scale * Math.pow(MAX_NEG_LOG, 1 / spec.shape) };
    case 'empirical': {
      if (!('samples' in spec)) return { mean: NaN, max: NaN };
      let sum = 0;
      let max = -Infinity;
      for (const x of spec.samples) {
        sum += x;
        if (x > max) max = x;
      }
      return { mean: sum / spec.samples.length, max };
    }
  }
}

/**
 * A sampler for `spec` drawing from `stream`.
 * @throws Error with the validation message if the spec is invalid, or if a CSV file cannot be
 * read, lacks the column, or holds a non-numeric value in it.
 */
export function makeSampler(spec: DistributionSpec, stream: RandomStream): Sampler {
  const err = validateDistribution(spec);
  if (err !== null) throw new Error(`invalid distribution: ${err}`);
  switch (spec.kind) {
    case 'constant':
      return new ConstantSampler(spec.value);
    case 'uniform':
      return new UniformSampler(spec.min, spec.max, stream);
    case 'exponential':
      return new ExponentialSampler('mean' in spec && spec.mean !== undefined ? spec.mean : 1 / (spec as { rate: number }).rate, stream);
    case 'normal':
      return new NormalSampler(spec.mean, spec.stddev, spec.min, stream);
    case 'lognormal':
      return new LognormalSampler(spec.mu, spec.sigma, stream);
    case 'weibull':
      return new WeibullSampler(spec.shape, spec.scale, stream);
    case 'empirical': {
      const samples = 'samples' in spec ? Float64Array.from(spec.samples) : loadCsvColumn(spec.csv, spec.column);
      return new EmpiricalSampler(samples, stream);
    }
  }
}

class ConstantSampler implements Sampler {
  constructor(readonly mean: number) {}
  sample(): number {
    return this.mean;
  }
}

class UniformSampler implements Sampler {
  readonly mean: number;
  private readonly width: number;
  constructor(
    private readonly min: number,
    max: number,
    private readonly stream: RandomStream,
  ) {
    this.width = max - min;
    this.mean = (min + max) / 2;
  }
  sample(): number {
    return this.min + this.width * this.stream.random();
  }
}

class ExponentialSampler implements Sampler {
  constructor(
    readonly mean: number,
    private readonly stream: RandomStream,
  ) {}
  sample(): number {
    return -Math.log(1 - this.stream.random()) * this.mean;
  }
}

/** Standard normal variates by Box-Muller, the second of each pair cached. */
class StandardNormal {
  private spare = 0;
  private hasSpare = false;
  constructor(private readonly stream: RandomStream) {}
  next(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.stream.random()));
    const theta = 2 * Math.PI * this.stream.random();
    this.spare = r * Math.sin(theta);
    this.hasSpare = true;
    return r * Math.cos(theta);
  }
}

class NormalSampler implements Sampler {
  readonly mean: number;
  private readonly z: StandardNormal;
  private readonly lower: number;
  constructor(
    private readonly mu: number,
    private readonly sd: number,
    min: number | undefined,
    stream: RandomStream,
  ) {
    this.z = new StandardNormal(stream);
    this.lower = min ?? -Infinity;
    if (min === undefined || sd === 0) {
      this.mean = sd === 0 ? Math.max(mu, this.lower) : mu;
    } else {
      // Mean of a normal truncated below at min: mu + sd * phi(a) / (1 - Phi(a)), a = (min-mu)/sd.
      const a = (min - mu) / sd;
      this.mean = mu + (sd * normalPdf(a)) / (0.5 * erfc(a / Math.SQRT2));
    }
  }
  sample(): number {
    if (this.sd === 0) return this.mean;
    for (;;) {
      const x = this.mu + this.sd * this.z.next();
      if (x >= this.lower) return x;
    }
  }
}

class LognormalSampler implements Sampler {
  readonly mean: number;
  private readonly z: StandardNormal;
  constructor(
    private readonly mu: number,
    private readonly sigma: number,
    stream: RandomStream,
  ) {
    this.z = new StandardNormal(stream);
    this.mean = Math.exp(mu + (sigma * sigma) / 2);
  }
  sample(): number {
    return Math.exp(this.mu + this.sigma * this.z.next());
  }
}

class WeibullSampler implements Sampler {
  readonly mean: number;
  private readonly invShape: number;
  constructor(
    shape: number,
    private readonly scale: number,
    private readonly stream: RandomStream,
  ) {
    this.invShape = 1 / shape;
    this.mean = scale * gamma(1 + 1 / shape);
  }
  sample(): number {
    return this.scale * Math.pow(-Math.log(1 - this.stream.random()), this.invShape);
  }
}

class EmpiricalSampler implements Sampler {
  readonly mean: number;
  constructor(
    private readonly samples: Float64Array,
    private readonly stream: RandomStream,
  ) {
    let s = 0;
    for (let i = 0; i < samples.length; i++) s += samples[i];
    this.mean = s / samples.length;
  }
  sample(): number {
    return this.samples[Math.floor(this.stream.random() * this.samples.length)];
  }
}

// ---------------------------------------------------------------------------------------------
// CSV columns for empirical distributions.

const csvCache = new Map<string, Float64Array>();

/**
 * Reads one numeric column of a CSV file (header row first; RFC 4180 quoting; blank lines are
 * skipped). The path is resolved against the current working directory. The result is cached
 * per (absolute path, column) for the life of the process, so many samplers over the same
 * column read the file once; clearEmpiricalCache() forgets it.
 */
export function loadCsvColumn(path: string, column: string): Float64Array {
  const abs = resolve(path);
  const cacheKey = `${abs}\u0000${column}`;
  const hit = csvCache.get(cacheKey);
  if (hit !== undefined) return hit;
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new Error(`empirical distribution: cannot read CSV file ${path}: ${(e as Error).message}`);
  }
  const rows = parseCsv(text);
  if (rows.length === 0) throw new Error(`empirical distribution: CSV file ${path} is empty`);
  const header = rows[0].map((h) => h.trim());
  const col = header.indexOf(column);
  if (col < 0) {
    throw new Error(`empirical distribution: CSV file ${path} has no column '${column}' (columns: ${header.join(', ')})`);
  }
  const out = new Float64Array(rows.length - 1);
  for (let r = 1; r < rows.length; r++) {
    const cell = (rows[r][col] ?? '').trim();
    const v = cell === '' ? NaN : Number(cell);
    if (!Number.isFinite(v)) {
      throw new Error(`empirical distribution: ${path} line ${r + 1}, column '${column}': expected a number, found ${JSON.stringify(cell)}`);
    }
    out[r - 1] = v;
  }
  if (out.length === 0) throw new Error(`empirical distribution: CSV file ${path} has no data rows`);
  csvCache.set(cacheKey, out);
  return out;
}

export function clearEmpiricalCache(): void {
  csvCache.clear();
}

/** Minimal RFC 4180 parser: quoted fields may hold commas, newlines and "" escapes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // BOM
  const endRow = () => {
    row.push(field);
    field = '';
    if (!(row.length === 1 && row[0].trim() === '')) rows.push(row);
    row = [];
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') endRow();
    else if (ch === '\r') {
      if (text[i + 1] === '\n') i++;
      endRow();
    } else field += ch;
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Special functions (for analytic means).

/** Gamma function: Lanczos approximation (g = 7, 9 terms), reflection for x < 0.5; ~1e-15 relative. */
export function gamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, z + 0.5) * Math.exp(-t) * a;
}

function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Complementary error function (Chebyshev fit, fractional error < 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
