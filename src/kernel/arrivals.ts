import type { RandomStream } from './random.js';

/**
 * Arrival-rate functions lambda(t) (arrivals per second) for a non-homogeneous Poisson process.
 *
 * - constant:  lambda(t) = rate.
 * - diurnal:   lambda(t) = mean * (1 + amplitude * cos(2 pi (t - peakAt) / period)),
 *              amplitude in [0, 1], period default 86400 s, peakAt default 0 (seconds into the
 *              period where the rate peaks at mean * (1 + amplitude)). Its average is `mean`.
 * - piecewise: a step function. points[i] = { t, rate } holds from points[i].t until the next
 *              point's t. Points must have strictly increasing t >= 0.
 *              Without `repeat`: the rate is 0 before points[0].t and the last rate holds forever.
 *              With `repeat` = R (> the last point's t): lambda(t) = lambda(t mod R), and before
 *              points[0].t within a period the LAST point's rate holds (it wraps around from the
 *              previous period), also in the very first period.
 */
export type RateSpec =
  | { kind: 'constant'; rate: number }
  | { kind: 'diurnal'; mean: number; amplitude: number; period?: number; peakAt?: number }
  | { kind: 'piecewise'; points: { t: number; rate: number }[]; repeat?: number };

export interface ArrivalProcess {
  /** Time (>= now) of the first arrival after `now`, Infinity if there will be none (see makeArrivals). */
  next(now: number): number;
}

const DEFAULT_PERIOD = 86400;

/** Null if `spec` is a valid RateSpec, else one sentence saying what is wrong. */
export function validateRate(spec: unknown): string | null {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return `an arrival rate must be an object with a 'kind'`;
  const o = spec as Record<string, unknown>;
  const num = (k: string, min: number, optional = false): string | null => {
    const v = o[k];
    if (v === undefined) return optional ? null : `missing '${k}'`;
    if (typeof v !== 'number' || !Number.isFinite(v)) return `'${k}' must be a finite number, got ${JSON.stringify(v)}`;
    return v >= min ? null : `'${k}' must be >= ${min}, got ${v}`;
  };
  switch (o.kind) {
    case 'constant':
      return num('rate', 0);
    case 'diurnal': {
      const e = num('mean', 0) ?? num('amplitude', 0) ?? num('period', 0, true) ?? num('peakAt', -Infinity, true);
      if (e) return e;
      if ((o.amplitude as number) > 1) return `'amplitude' must be in [0, 1], got ${o.amplitude as number}`;
      if (o.period !== undefined && (o.period as number) <= 0) return `'period' must be > 0`;
      return null;
    }
    case 'piecewise': {
      const pts = o.points;
      if (!Array.isArray(pts) || pts.length === 0) return `'points' must be a non-empty array of { t, rate }`;
      let prev = -Infinity;
      for (let i = 0; i < pts.length; i++) {
        const p = pts[i] as Record<string, unknown> | null;
        if (typeof p !== 'object' || p === null) return `'points[${i}]' must be an object { t, rate }`;
        const t = p.t;
        const r = p.rate;
        if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) return `'points[${i}].t' must be a finite number >= 0, got ${JSON.stringify(t)}`;
        if (typeof r !== 'number' || !Number.isFinite(r) || r < 0) return `'points[${i}].rate' must be a finite number >= 0, got ${JSON.stringify(r)}`;
        if (!(t > prev)) return `'points[${i}].t' (${t}) must be greater than the previous point's t (${prev})`;
        prev = t;
      }
      if (o.repeat !== undefined) {
        const e = num('repeat', 0);
        if (e) return e;
        if (!((o.repeat as number) > prev)) return `'repeat' (${o.repeat as number}) must be greater than the last point's t (${prev})`;
      }
      return null;
    }
    default:
      return `'kind' must be one of constant, diurnal, piecewise, got ${JSON.stringify(o.kind)}`;
  }
}

function checked(spec: RateSpec): void {
  const e = validateRate(spec);
  if (e !== null) throw new Error(`invalid arrival rate: ${e}`);
}

/** lambda(t) for `spec` (arrivals per second). */
export function rateAt(spec: RateSpec, t: number): number {
  switch (spec.kind) {
    case 'constant':
      return spec.rate;
    case 'diurnal': {
      const period = spec.period ?? DEFAULT_PERIOD;
      return spec.mean * (1 + spec.amplitude * Math.cos((2 * Math.PI * (t - (spec.peakAt ?? 0))) / period));
    }
    case 'piecewise':
      return piecewiseRate(spec.points, spec.repeat, t);
  }
}

function piecewiseRate(points: { t: number; rate: number }[], repeat: number | undefined, t: number): number {
  let x = t;
  if (repeat !== undefined) {
    x = t - Math.floor(t / repeat) * repeat;
  }
  // Last point with p.t <= x (binary search).
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid].t <= x) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return repeat !== undefined ? points[points.length - 1].rate : 0;
  return points[lo - 1].rate;
}

/**
 * The expected number of arrivals in [from, to]: the integral of lambda(t). Diurnal uses its mean
 * plus the largest a partial period can add (amplitude * mean * period / pi), so it never
 * undercounts; piecewise is exact. For sizing a run before it starts.
 */
export function expectedArrivals(spec: RateSpec, from: number, to: number): number {
  if (!(to > from)) return 0;
  switch (spec.kind) {
    case 'constant':
      return spec.rate * (to - from);
    case 'diurnal':
      return spec.mean * (to - from) + (spec.amplitude * spec.mean * (spec.period ?? DEFAULT_PERIOD)) / Math.PI;
    case 'piecewise':
      return piecewiseIntegral(spec.points, spec.repeat, to) - piecewiseIntegral(spec.points, spec.repeat, from);
  }
}

/** Integral of a piecewise rate over [0, t]. */
function piecewiseIntegral(points: { t: number; rate: number }[], repeat: number | undefined, t: number): number {
  const upTo = (x: number, wrapRate: number): number => {
    let sum = wrapRate * Math.min(x, points[0].t);
    for (let i = 0; i < points.length && points[i].t < x; i++) {
      const end = i + 1 < points.length ? Math.min(points[i + 1].t, x) : x;
      sum += points[i].rate * (end - points[i].t);
    }
    return sum;
  };
  if (repeat === undefined) return upTo(t, 0);
  const last = points[points.length - 1].rate;
  const periods = Math.floor(t / repeat);
  return periods * upTo(repeat, last) + upTo(t - periods * repeat, last);
}

/**
 * A Poisson arrival process with rate lambda(t). `next(now)` returns the time of the first
 * arrival after `now` given none in between (the process is memoryless, so calling it with the
 * previous arrival's time yields the whole arrival sequence). The time returned is >= now.
 *
 * - constant:  gap = -log(1 - u) / rate; 1 uniform per arrival. Rate 0: Infinity.
 * - diurnal:   thinning (Lewis & Shedler 1979): candidates from a homogeneous process of rate
 *              lambda_max = mean * (1 + amplitude), each accepted when u' * lambda_max < lambda(t);
 *              2 uniforms per candidate. Mean 0: Infinity.
 * - piecewise: exact inversion of the integrated rate instead of thinning: draw E = -log(1 - u)
 *              (1 uniform per arrival) and walk the steps from `now` until the integral of
 *              lambda reaches E (whole periods are skipped arithmetically when repeating).
 *              Chosen because a step function integrates exactly, spends no draws on rejected
 *              candidates when rates differ by orders of magnitude, and can tell when no arrival
 *              will ever come (a final rate of 0 without repeat, or all rates 0): Infinity.
 */
export function makeArrivals(spec: RateSpec, stream: RandomStream): ArrivalProcess {
  checked(spec);
  switch (spec.kind) {
    case 'constant':
      return new ConstantArrivals(spec.rate, stream);
    case 'diurnal':
      return new DiurnalArrivals(spec.mean, spec.amplitude, spec.period ?? DEFAULT_PERIOD, spec.peakAt ?? 0, stream);
    case 'piecewise':
      return new PiecewiseArrivals(spec.points, spec.repeat, stream);
  }
}

class ConstantArrivals implements ArrivalProcess {
  constructor(
    private readonly rate: number,
    private readonly stream: RandomStream,
  ) {}
  next(now: number): number {
    if (this.rate === 0) return Infinity;
    return now + -Math.log(1 - this.stream.random()) / this.rate;
  }
}

class DiurnalArrivals implements ArrivalProcess {
  private readonly max: number;
  private readonly omega: number;
  constructor(
    private readonly mean: number,
    private readonly amplitude: number,
    period: number,
    private readonly peakAt: number,
    private readonly stream: RandomStream,
  ) {
    this.max = mean * (1 + amplitude);
    this.omega = (2 * Math.PI) / period;
  }
  next(now: number): number {
    if (this.max === 0) return Infinity;
    let t = now;
    for (;;) {
      t += -Math.log(1 - this.stream.random()) / this.max;
      const rate = this.mean * (1 + this.amplitude * Math.cos(this.omega * (t - this.peakAt)));
      if (this.stream.random() * this.max < rate) return t;
    }
  }
}

class PiecewiseArrivals implements ArrivalProcess {
  private readonly ts: Float64Array;
  private readonly rates: Float64Array;
  /** Integral of the rate over one period (repeat only). */
  private readonly perPeriod: number;
  constructor(
    points: { t: number; rate: number }[],
    private readonly repeat: number | undefined,
    private readonly stream: RandomStream,
  ) {
    this.ts = Float64Array.from(points, (p) => p.t);
    this.rates = Float64Array.from(points, (p) => p.rate);
    let integral = 0;
    if (repeat !== undefined) {
      const n = points.length;
      integral += this.rates[n - 1] * this.ts[0]; // wrap-around segment [0, t0)
      for (let i = 0; i < n; i++) {
        const end = i + 1 < n ? this.ts[i + 1] : repeat;
        integral += this.rates[i] * (end - this.ts[i]);
      }
    }
    this.perPeriod = integral;
  }

  next(now: number): number {
    const ts = this.ts;
    const rates = this.rates;
    const n = ts.length;
    const repeat = this.repeat;
    if (repeat === undefined) {
      if (rates[n - 1] === 0 && now >= ts[n - 1]) return Infinity;
    } else if (this.perPeriod === 0) {
      return Infinity;
    }
    let e = -Math.log(1 - this.stream.random());
    if (repeat === undefined) {
      // Segments: [-inf, t0) rate 0, then [t_i, t_{i+1}) rate r_i, last one unbounded.
      let i = upperBound(ts, now) - 1; // segment index holding `now`; -1 = before the first point
      let a = now;
      for (;;) {
        const r = i < 0 ? 0 : rates[i];
        const b = i + 1 < n ? ts[i + 1] : Infinity;
        if (r > 0 && r * (b - a) >= e) return a + e / r;
        if (b === Infinity) return Infinity;
        e -= r * (b - a);
        a = b;
        i++;
      }
    }
    // Repeating: work in period-relative time x = now - base.
    let base = Math.floor(now / repeat) * repeat;
    let x = now - base;
    let i = upperBound(ts, x) - 1; // -1: the wrap-around segment [0, t0) at the last rate
    let skipped = false;
    for (;;) {
      const r = i < 0 ? rates[n - 1] : rates[i];
      const b = i + 1 < n ? ts[i + 1] : repeat;
      if (r > 0 && r * (b - x) >= e) return base + x + e / r;
      e -= r * (b - x);
      x = b;
      i++;
      if (i >= n) {
        // End of the period: move to the next one, skipping whole periods at most once.
        base += repeat;
        x = 0;
        i = -1;
        if (!skipped && e > this.perPeriod) {
          const k = Math.floor(e / this.perPeriod);
          base += k * repeat;
          e = Math.max(0, e - k * this.perPeriod);
          skipped = true;
        }
      }
    }
  }
}

/** Number of elements of sorted `a` that are <= x. */
function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
