import { describe, expect, it } from 'vitest';
import { compareSamples, pairedComparison, welchComparison } from '../../src/gate/stats.js';

// Student's sleep data (R: datasets::sleep): extra hours of sleep of 10 patients under two drugs.
const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('gate statistics', () => {
  it('paired t-test matches R: t.test(extra ~ group, sleep, paired = TRUE)', () => {
    // R: t = -4.0621, df = 9, p-value = 0.002833, 95 % CI -2.4598858 -0.7001142, mean difference -1.58
    const c = pairedComparison(drug2, drug1, 0.05); // candidate − baseline = drug1 − drug2
    expect(c.method).toBe('paired-t');
    expect(c.df).toBe(9);
    expect(c.diff).toBeCloseTo(-1.58, 10);
    expect(c.t).toBeCloseTo(-4.0621, 4);
    expect(2 * c.pDecrease!).toBeCloseTo(0.002833, 6);
    expect(c.ciLow).toBeCloseTo(-2.4598858, 6);
    expect(c.ciHigh).toBeCloseTo(-0.7001142, 6);
  });

  it("Welch's t-test matches R: t.test(extra ~ group, sleep)", () => {
    // R: t = -1.8608, df = 17.776, p-value = 0.07939, 95 % CI -3.3654832 0.2054832
    const c = welchComparison(drug2, drug1, 0.05);
    expect(c.method).toBe('welch-t');
    expect(c.t).toBeCloseTo(-1.8608, 4);
    expect(c.df).toBeCloseTo(17.776, 3);
    expect(2 * c.pDecrease!).toBeCloseTo(0.07939, 5);
    expect(c.ciLow).toBeCloseTo(-3.3654832, 5);
    expect(c.ciHigh).toBeCloseTo(0.2054832, 5);
  });

  it('paired on identical seeds, Welch otherwise; nulls drop their pair', () => {
    expect(compareSamples({ seeds: [1, 2, 3], values: [1, 2, 3] }, { seeds: [1, 2, 3], values: [2, 2, 5] }, 0.05).method).toBe('paired-t');
    expect(compareSamples({ seeds: [1, 2, 3], values: [1, 2, 3] }, { seeds: [1, 2, 4], values: [2, 2, 5] }, 0.05).method).toBe('welch-t');
    const c = pairedComparison([1, null, 3, 4], [2, 5, null, 6], 0.05);
    expect(c.nBaseline).toBe(2);
    expect(c.diff).toBeCloseTo(1.5, 12);
  });

  it('identical samples: no difference at all; a constant shift is certain; one nonzero pair is not enough', () => {
    const same = pairedComparison([5, 7, 9], [5, 7, 9], 0.05);
    expect(same.diff).toBe(0);
    expect(same.pIncrease).toBe(1);
    expect(same.pDecrease).toBe(1);
    const shifted = pairedComparison([5, 7, 9], [6, 8, 10], 0.05);
    expect(shifted.method).toBe('exact');
    expect(shifted.pIncrease).toBe(0);
    expect(shifted.pDecrease).toBe(1);
    expect(pairedComparison([5], [6], 0.05).method).toBe('insufficient');
    expect(pairedComparison([5], [5], 0.05).diff).toBe(0);
    expect(welchComparison([null], [1, 2], 0.05).method).toBe('insufficient');
  });
});
