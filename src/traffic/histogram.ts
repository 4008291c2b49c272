/**
 * A log-bucket histogram of latencies (seconds) with fractional weights: bounded memory whatever
 * the number of requests, so a day of traffic costs the same as a minute.
 *
 * Buckets: [0, MIN) is bucket 0; bucket i ≥ 1 is [MIN·R^(i−1), MIN·R^i) with R = 1.02 (quantiles
 * within 1 % relative), MIN = 0.1 ms; values ≥ MAX (1000 s) land in the last bucket.
 * Quantiles interpolate geometrically inside the bucket that crosses the rank (linearly in
 * bucket 0).
 */
export const HIST_MIN = 1e-4;
export const HIST_MAX = 1e3;
export const HIST_RATIO = 1.02;
const LOG_R = Math.log(HIST_RATIO);
export const HIST_BUCKETS = 2 + Math.ceil(Math.log(HIST_MAX / HIST_MIN) / LOG_R);

// The edges, computed once: the fluid mode asks for them ~10^7 times in a simulated day.
const LOW = new Float64Array(HIST_BUCKETS);
const HIGH = new Float64Array(HIST_BUCKETS);
for (let i = 0; i < HIST_BUCKETS; i++) {
  LOW[i] = i === 0 ? 0 : HIST_MIN * Math.exp((i - 1) * LOG_R);
  HIGH[i] = i >= HIST_BUCKETS - 1 ? Infinity : HIST_MIN * Math.exp(i * LOG_R);
}

/** The bucket edges as tables (read-only): `low[i]`, `high[i]` as `bucketLow(i)`, `bucketHigh(i)`. */
export function bucketEdges(): { readonly low: Float64Array; readonly high: Float64Array } {
  return EDGES;
}
const EDGES = { low: LOW, high: HIGH };

/** Lower edge of bucket i. */
export function bucketLow(i: number): number {
  return i < HIST_BUCKETS ? LOW[i] : HIST_MIN * Math.exp((i - 1) * LOG_R);
}

/** Upper edge of bucket i (Infinity for the last). */
export function bucketHigh(i: number): number {
  return i < HIST_BUCKETS ? HIGH[i] : Infinity;
}

/** The bucket holding value x (seconds, >= 0). */
export function bucketOf(x: number): number {
  if (!(x >= HIST_MIN)) return 0;
  const i = 1 + Math.floor(Math.log(x / HIST_MIN) / LOG_R);
  return i >= HIST_BUCKETS ? HIST_BUCKETS - 1 : i;
}

export class LogHistogram {
  readonly w = new Float64Array(HIST_BUCKETS);
  total = 0;
  /** Sum of value × weight (for the mean; values in the last bucket count at their true value). */
  sum = 0;

  add(x: number, weight = 1): void {
    this.w[bucketOf(x)] += weight;
    this.total += weight;
    this.sum += x * weight;
  }

  /** Add `weight` to bucket i directly (the fluid mode adds analytic masses per bucket). */
  addToBucket(i: number, weight: number, meanValue: number): void {
    this.w[i] += weight;
    this.total += weight;
    this.sum += meanValue * weight;
  }

  merge(o: LogHistogram, scale = 1): void {
    const a = this.w;
    const b = o.w;
    for (let i = 0; i < a.length; i++) a[i] += b[i] * scale;
    this.total += o.total * scale;
    this.sum += o.sum * scale;
  }

  clear(): void {
    this.w.fill(0);
    this.total = 0;
    this.sum = 0;
  }

  get mean(): number {
    return this.total > 0 ? this.sum / this.total : NaN;
  }

  /** The p-quantile (0 < p < 1); NaN when empty. */
  quantile(p: number): number {
    if (!(this.total > 0)) return NaN;
    const target = p * this.total;
    let acc = 0;
    const w = this.w;
    for (let i = 0; i < w.length; i++) {
      const next = acc + w[i];
      if (next >= target && w[i] > 0) {
        const f = Math.min(1, Math.max(0, (target - acc) / w[i]));
        if (i === 0) return f * HIST_MIN;
        if (i === w.length - 1) return bucketLow(i);
        return bucketLow(i) * Math.exp(f * LOG_R);
      }
      acc = next;
    }
    return bucketLow(w.length - 1);
  }

  /** P(X <= x) from the buckets (interpolated like quantile). */
  cdf(x: number): number {
    if (!(this.total > 0)) return NaN;
    const b = bucketOf(x);
    let acc = 0;
    for (let i = 0; i < b; i++) acc += this.w[i];
    const lo = bucketLow(b);
    const hi = bucketHigh(b);
    const f = b === 0 ? x / HIST_MIN : hi === Infinity ? 0 : Math.log(x / lo) / LOG_R;
    return (acc + this.w[b] * Math.min(1, Math.max(0, f))) / this.total;
  }

  /**
   * Points of the CDF for a chart: at most `n` points (x in seconds, p), one per non-empty
   * bucket's upper edge, thinned evenly in p.
   */
  cdfPoints(n = 120): { x: number; p: number }[] {
    const pts: { x: number; p: number }[] = [];
    if (!(this.total > 0)) return pts;
    let acc = 0;
    let lastP = -1;
    const minStep = 1 / n;
    for (let i = 0; i < this.w.length; i++) {
      if (this.w[i] === 0) continue;
      acc += this.w[i];
      const p = acc / this.total;
      const x = i === this.w.length - 1 ? bucketLow(i) : bucketHigh(i);
      if (p - lastP >= minStep || p >= 1 - 1e-12 || (p > 0.99 && p - lastP >= minStep / 20)) {
        pts.push({ x, p: Math.min(1, p) });
        lastP = p;
      }
    }
    return pts;
  }
}
