import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStream, gamma, erfc, makeSampler, validateDistribution } from '../../src/kernel/index.js';
import type { DistributionSpec } from '../../src/kernel/index.js';

const N = 200_000;

/**
 * Sample mean of N draws must lie within 5 standard errors of the analytic mean (sd / sqrt(N)).
 * For a correct sampler that fails with probability ~6e-7 per check; the streams are seeded, so
 * the outcome is fixed anyway. Also checks the sampler's reported `mean`.
 */
function checkMean(spec: DistributionSpec, mean: number, sd: number, name = 'd') {
  const s = makeSampler(spec, createStream(11, name));
  expect(s.mean).toBeCloseTo(mean, 6);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += s.sample();
  const se = sd / Math.sqrt(N);
  expect(Math.abs(sum / N - mean)).toBeLessThan(5 * se);
}

describe('special functions', () => {
  it('gamma matches known values', () => {
    expect(gamma(5)).toBeCloseTo(24, 10);
    expect(gamma(0.5)).toBeCloseTo(Math.sqrt(Math.PI), 12);
    expect(gamma(1.5)).toBeCloseTo(Math.sqrt(Math.PI) / 2, 12);
    expect(gamma(1)).toBeCloseTo(1, 12);
    expect(gamma(10.3) / gamma(9.3)).toBeCloseTo(9.3, 10);
  });
  it('erfc matches known values to 1e-7', () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.15729920705028513, 7);
    expect(erfc(-1)).toBeCloseTo(1.8427007929497148, 7);
    expect(erfc(2.5)).toBeCloseTo(0.0004069520174449590, 8);
  });
});

describe('sample means (200k draws, 5 standard errors)', () => {
  it('constant', () => {
    const s = makeSampler({ kind: 'constant', value: 4.5 }, createStream(1, 'c'));
    expect([s.sample(), s.sample(), s.mean]).toEqual([4.5, 4.5, 4.5]);
  });
  it('uniform', () => checkMean({ kind: 'uniform', min: 2, max: 5 }, 3.5, 3 / Math.sqrt(12)));
  it('exponential by mean and by rate', () => {
    checkMean({ kind: 'exponential', mean: 3 }, 3, 3);
    checkMean({ kind: 'exponential', rate: 0.25 }, 4, 4);
  });
  it('normal', () => checkMean({ kind: 'normal', mean: 10, stddev: 2 }, 10, 2));
  it('normal truncated at min (resampled, none below min)', () => {
    // E[X | X >= 0.5] for X ~ N(0,1) = phi(0.5) / (1 - Phi(0.5)) = 1.1410777...
    const spec: DistributionSpec = { kind: 'normal', mean: 0, stddev: 1, min: 0.5 };
    checkMean(spec, 1.1410777431, 1);
    const s = makeSampler(spec, createStream(2, 'n'));
    for (let i = 0; i < 10000; i++) expect(s.sample()).toBeGreaterThanOrEqual(0.5);
  });
  it('lognormal (mean exp(mu + sigma^2/2))', () => {
    const mu = 0.5;
    const sigma = 0.5;
    const mean = Math.exp(mu + sigma * sigma / 2);
    const sd = Math.sqrt((Math.exp(sigma * sigma) - 1) * Math.exp(2 * mu + sigma * sigma));
    checkMean({ kind: 'lognormal', mu, sigma }, mean, sd);
  });
  it('weibull (mean scale * Gamma(1 + 1/shape))', () => {
    for (const [shape, scale] of [[2, 3], [0.7, 100], [1, 5]]) {
      const mean = scale * gamma(1 + 1 / shape);
      const sd = scale * Math.sqrt(gamma(1 + 2 / shape) - gamma(1 + 1 / shape) ** 2);
      checkMean({ kind: 'weibull', shape, scale }, mean, sd, `w${shape}`);
    }
    // shape 1 is the exponential with mean = scale
    expect(makeSampler({ kind: 'weibull', shape: 1, scale: 5 }, createStream(1, 'x')).mean).toBeCloseTo(5, 12);
  });
  it('empirical samples: draws each sample with equal frequency', () => {
    const s = makeSampler({ kind: 'empirical', samples: [1, 2, 10] }, createStream(3, 'e'));
    expect(s.mean).toBeCloseTo(13 / 3, 12);
    const counts = new Map<number, number>();
    for (let i = 0; i < 30000; i++) {
      const v = s.sample();
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([1, 2, 10]);
    // each count ~ Binomial(30000, 1/3): sd = 81.6; 5 sd = 408
    for (const c of counts.values()) expect(Math.abs(c - 10000)).toBeLessThan(410);
  });
});

describe('empirical from CSV', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-kernel-'));
  it('loads one column (quotes, CRLF, blank lines)', () => {
    const f = join(dir, 'd.csv');
    writeFileSync(f, 'name,"dur"\r\n"a,b",5\r\n\r\nc,7\r\n"d ""q""",9\r\n');
    const s = makeSampler({ kind: 'empirical', csv: f, column: 'dur' }, createStream(1, 'x'));
    expect(s.mean).toBeCloseTo(7, 12);
    for (let i = 0; i < 100; i++) expect([5, 7, 9]).toContain(s.sample());
  });
  it('reports a missing column, a bad cell and a missing file clearly', () => {
    const f = join(dir, 'bad.csv');
    writeFileSync(f, 'a,b\n1,2\n3,x\n');
    expect(() => makeSampler({ kind: 'empirical', csv: f, column: 'zz' }, createStream(1, 'x'))).toThrow(/no column 'zz'/);
    expect(() => makeSampler({ kind: 'empirical', csv: f, column: 'b' }, createStream(1, 'x'))).toThrow(/line 3, column 'b'.*"x"/);
    expect(() => makeSampler({ kind: 'empirical', csv: join(dir, 'nope.csv'), column: 'b' }, createStream(1, 'x'))).toThrow(/cannot read CSV/);
  });
});

describe('validateDistribution', () => {
  it('accepts valid specs', () => {
    for (const s of [
      { kind: 'constant', value: 0 },
      { kind: 'uniform', min: 1, max: 1 },
      { kind: 'exponential', mean: 2 },
      { kind: 'exponential', rate: 2 },
      { kind: 'normal', mean: 1, stddev: 0.1, min: 0 },
      { kind: 'lognormal', mu: -1, sigma: 2 },
      { kind: 'weibull', shape: 0.5, scale: 1 },
      { kind: 'empirical', samples: [3] },
      { kind: 'empirical', csv: 'x.csv', column: 'c' },
    ]) expect(validateDistribution(s)).toBeNull();
  });
  it('names what is wrong', () => {
    expect(validateDistribution(null)).toMatch(/object/);
    expect(validateDistribution({ kind: 'gauss' })).toMatch(/'kind' must be one of/);
    expect(validateDistribution({ kind: 'exponential', mean: -1 })).toMatch(/'mean' must be > 0/);
    expect(validateDistribution({ kind: 'exponential', mean: 1, rate: 1 })).toMatch(/exactly one/);
    expect(validateDistribution({ kind: 'lognormal', mu: 0, sigma: 0 })).toMatch(/'sigma' must be > 0/);
    expect(validateDistribution({ kind: 'uniform', min: 2, max: 1 })).toMatch(/<= 'max'/);
    expect(validateDistribution({ kind: 'empirical', samples: [] })).toMatch(/non-empty/);
    expect(validateDistribution({ kind: 'empirical', samples: [1, 'a'] })).toMatch(/samples\[1\]/);
    expect(validateDistribution({ kind: 'empirical', csv: 'a.csv' })).toMatch(/column/);
    expect(validateDistribution({ kind: 'normal', mean: 0, stddev: 1, min: 6 })).toMatch(/too far/);
    expect(validateDistribution({ kind: 'constant', value: 1, extra: 2 })).toMatch(/unknown field 'extra'/);
    expect(validateDistribution({ kind: 'weibull', shape: 1 })).toMatch(/missing 'scale'/);
  });
  it('makeSampler throws on invalid specs', () => {
    expect(() => makeSampler({ kind: 'exponential', mean: 0 }, createStream(1, 'x'))).toThrow(/invalid distribution/);
  });
});
