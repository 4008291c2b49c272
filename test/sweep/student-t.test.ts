import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { incompleteBeta, logGamma, studentTCdf, studentTQuantile } from '../../src/runner/student-t.js';

/** Two-sided 95 %, 99 % and one-sided 95 % critical values as printed in t tables (9-10 significant digits). */
const TABLE: [p: number, df: number, t: number][] = [
  [0.975, 1, 12.70620474],
  [0.975, 2, 4.30265273],
  [0.975, 3, 3.182446305],
  [0.975, 4, 2.776445105],
  [0.975, 5, 2.570581836],
  [0.975, 6, 2.446911851],
  [0.975, 7, 2.364624252],
  [0.975, 8, 2.306004135],
  [0.975, 9, 2.262157163],
  [0.975, 10, 2.228138852],
  [0.975, 20, 2.085963447],
  [0.975, 30, 2.042272456],
  [0.975, 60, 2.000297822],
  [0.975, 120, 1.979930405],
  [0.995, 1, 63.65674116],
  [0.995, 5, 4.032142984],
  [0.995, 10, 3.169272673],
  [0.95, 1, 6.313751515],
  [0.95, 10, 1.812461123],
];

describe('Student t quantile', () => {
  it.each(TABLE)('t(%s; df=%s) = %s', (p, df, t) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(t, 7);
  });

  it('tends to the normal quantile for large df', () => {
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959963985, 6);
  });

  it('matches the closed forms for df = 1 (Cauchy) and df = 2', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), (p) => {
        const cauchy = Math.tan(Math.PI * (p - 0.5));
        const two = (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
        expect(Math.abs(studentTQuantile(p, 1) - cauchy)).toBeLessThan(1e-9 * Math.max(1, Math.abs(cauchy)));
        expect(Math.abs(studentTQuantile(p, 2) - two)).toBeLessThan(1e-9 * Math.max(1, Math.abs(two)));
      }),
    );
  });

  it('is the inverse of the CDF and symmetric', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.integer({ min: 1, max: 500 }), (p, df) => {
        const t = studentTQuantile(p, df);
        expect(studentTCdf(t, df)).toBeCloseTo(p, 10);
        expect(studentTQuantile(1 - p, df)).toBeCloseTo(-t, 8);
      }),
    );
  });

  it('rejects p outside (0, 1) and bad degrees of freedom', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
  });
});

describe('special functions', () => {
  it('ln Γ at known points', () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 11);
    expect(logGamma(1)).toBeCloseTo(0, 13);
  });

  it('I_x(a, 1) = x^a and I_x(1, b) = 1 − (1 − x)^b', () => {
    for (const x of [0.1, 0.5, 0.93]) {
      expect(incompleteBeta(x, 3.5, 1)).toBeCloseTo(x ** 3.5, 12);
      expect(incompleteBeta(x, 1, 2.5)).toBeCloseTo(1 - (1 - x) ** 2.5, 12);
    }
  });
});
