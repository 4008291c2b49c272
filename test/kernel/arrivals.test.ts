import { describe, expect, it } from 'vitest';
import { createStream, makeArrivals, rateAt, validateRate } from '../../src/kernel/index.js';
import type { RateSpec } from '../../src/kernel/index.js';

/** Arrival times in [0, horizon). */
function arrivals(spec: RateSpec, horizon: number, seed = 1): number[] {
  const p = makeArrivals(spec, createStream(seed, 'arrivals'));
  const out: number[] = [];
  let t = p.next(0);
  let monotone = true;
  while (t < horizon) {
    out.push(t);
    const n = p.next(t);
    if (!(n >= t)) monotone = false;
    t = n;
  }
  expect(monotone).toBe(true);
  return out;
}

/** Numerical integral of rateAt over [a, b] (midpoint rule, fine steps). */
function integral(spec: RateSpec, a: number, b: number, steps = 2000): number {
  const h = (b - a) / steps;
  let s = 0;
  for (let i = 0; i < steps; i++) s += rateAt(spec, a + (i + 0.5) * h);
  return s * h;
}

/**
 * Counts in each window are Poisson with mean = integral of the rate over the window (summed over
 * all repetitions). Each count must lie within 5 sqrt(mean) (+1 for tiny means) of that mean.
 */
function checkWindows(spec: RateSpec, period: number, periods: number, windows: number, seed = 1) {
  const times = arrivals(spec, period * periods, seed);
  const counts = new Array<number>(windows).fill(0);
  for (const t of times) counts[Math.min(windows - 1, Math.floor(((t % period) / period) * windows))]++;
  for (let w = 0; w < windows; w++) {
    // The rate is periodic with `period`, so every repetition has the same integral.
    const a = (w * period) / windows;
    const expected = periods * integral(spec, a, a + period / windows, 2000);
    expect(Math.abs(counts[w] - expected)).toBeLessThan(5 * Math.sqrt(expected) + 1);
  }
}

describe('rateAt', () => {
  it('evaluates the three kinds', () => {
    expect(rateAt({ kind: 'constant', rate: 2 }, 123)).toBe(2);
    const d: RateSpec = { kind: 'diurnal', mean: 10, amplitude: 0.5, period: 100, peakAt: 25 };
    expect(rateAt(d, 25)).toBeCloseTo(15, 12);
    expect(rateAt(d, 75)).toBeCloseTo(5, 12);
    expect(rateAt(d, 125)).toBeCloseTo(15, 12);
    expect(rateAt({ kind: 'diurnal', mean: 1, amplitude: 1 }, 43200)).toBeCloseTo(0, 12);
    const p: RateSpec = { kind: 'piecewise', points: [{ t: 10, rate: 1 }, { t: 20, rate: 3 }] };
    expect([rateAt(p, 0), rateAt(p, 10), rateAt(p, 19.9), rateAt(p, 20), rateAt(p, 1e9)]).toEqual([0, 1, 1, 3, 3]);
    const r: RateSpec = { kind: 'piecewise', points: [{ t: 10, rate: 1 }, { t: 20, rate: 3 }], repeat: 30 };
    expect([rateAt(r, 5), rateAt(r, 15), rateAt(r, 25), rateAt(r, 35), rateAt(r, 45)]).toEqual([3, 1, 3, 3, 1]);
  });
});

describe('makeArrivals', () => {
  it('constant: count over a long horizon matches rate * T', () => {
    const times = arrivals({ kind: 'constant', rate: 2 }, 50000);
    expect(Math.abs(times.length - 100000)).toBeLessThan(5 * Math.sqrt(100000));
  });

  it('diurnal (thinning): counts per window follow the rate function', () => {
    checkWindows({ kind: 'diurnal', mean: 5, amplitude: 0.8, period: 1000, peakAt: 300 }, 1000, 40, 10);
  });

  it('piecewise without repeat: steps, a zero start and an unbounded last step', () => {
    const spec: RateSpec = { kind: 'piecewise', points: [{ t: 100, rate: 20 }, { t: 300, rate: 0.5 }, { t: 400, rate: 8 }] };
    const times = arrivals(spec, 2000, 3);
    expect(times[0]).toBeGreaterThanOrEqual(100);
    const count = (a: number, b: number) => times.filter((t) => t >= a && t < b).length;
    for (const [a, b] of [[100, 300], [300, 400], [400, 2000]]) {
      const mu = integral(spec, a, b);
      expect(Math.abs(count(a, b) - mu)).toBeLessThan(5 * Math.sqrt(mu) + 1);
    }
  });

  it('piecewise with repeat (wrap-around before the first point)', () => {
    const spec: RateSpec = { kind: 'piecewise', points: [{ t: 20, rate: 9 }, { t: 60, rate: 1 }, { t: 80, rate: 0 }], repeat: 100 };
    checkWindows(spec, 100, 200, 10, 5);
    // wrap segment [0, 20) takes the last rate (0): nothing there
    const times = arrivals(spec, 20000, 5);
    expect(times.some((t) => t % 100 < 20 || t % 100 >= 80)).toBe(false);
  });

  it('returns Infinity when no arrival can come', () => {
    const s = createStream(1, 'x');
    expect(makeArrivals({ kind: 'constant', rate: 0 }, s).next(5)).toBe(Infinity);
    expect(makeArrivals({ kind: 'diurnal', mean: 0, amplitude: 0.5 }, s).next(5)).toBe(Infinity);
    const tail: RateSpec = { kind: 'piecewise', points: [{ t: 0, rate: 1 }, { t: 10, rate: 0 }] };
    expect(makeArrivals(tail, s).next(10)).toBe(Infinity);
    expect(makeArrivals({ kind: 'piecewise', points: [{ t: 0, rate: 0 }], repeat: 5 }, s).next(0)).toBe(Infinity);
    const pre = makeArrivals(tail, createStream(2, 'y'));
    let t = pre.next(0);
    while (t < Infinity) {
      expect(t).toBeLessThan(10);
      t = pre.next(t);
    }
  });

  it('skips many empty-ish periods correctly (sparse repeating rate)', () => {
    // rate 0.01/s for 1 s per period of 1000 s: ~1 arrival per 100 periods.
    const spec: RateSpec = { kind: 'piecewise', points: [{ t: 0, rate: 0.01 }, { t: 1, rate: 0 }], repeat: 1000 };
    const times = arrivals(spec, 1000 * 200000, 9);
    expect(times.every((t) => t % 1000 < 1)).toBe(true);
    expect(Math.abs(times.length - 2000)).toBeLessThan(5 * Math.sqrt(2000));
  });

  it('is deterministic per stream', () => {
    const spec: RateSpec = { kind: 'diurnal', mean: 1, amplitude: 0.3, period: 50 };
    expect(arrivals(spec, 500, 4)).toEqual(arrivals(spec, 500, 4));
    expect(arrivals(spec, 500, 4)).not.toEqual(arrivals(spec, 500, 5));
  });
});

describe('validateRate', () => {
  it('names what is wrong', () => {
    expect(validateRate({ kind: 'constant', rate: 1 })).toBeNull();
    expect(validateRate({ kind: 'constant', rate: -1 })).toMatch(/'rate' must be >= 0/);
    expect(validateRate({ kind: 'diurnal', mean: 1, amplitude: 1.5 })).toMatch(/amplitude/);
    expect(validateRate({ kind: 'piecewise', points: [{ t: 5, rate: 1 }, { t: 5, rate: 2 }] })).toMatch(/points\[1\]\.t/);
    expect(validateRate({ kind: 'piecewise', points: [{ t: 0, rate: 1 }, { t: 5, rate: 2 }], repeat: 5 })).toMatch(/repeat/);
    expect(validateRate({ kind: 'poisson' })).toMatch(/kind/);
    expect(() => makeArrivals({ kind: 'constant', rate: Number.NaN }, createStream(1, 'x'))).toThrow(/invalid arrival rate/);
  });
});
