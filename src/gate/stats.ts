import { studentTCdf, studentTQuantile, studentTUpperTail } from '../runner/student-t.js';

/**
 * The two-sample comparison behind the regression gate: is the candidate's metric different
 * from the baseline's, by how much, and how sure are we?
 *
 * - **Paired t-test** when both samples come from the same seeds (the default: a suite reruns
 *   the replication seeds the baseline was recorded with, so replication r of both is the same
 *   simulated world and most of the seed noise cancels). d_r = candidate_r − baseline_r over
 *   the replications where both have a value; t = mean(d) / (sd(d)/√n), n − 1 degrees of freedom.
 * - **Welch's t-test** otherwise (different seeds or different replication counts): unequal
 *   variances, Welch–Satterthwaite degrees of freedom.
 *
 * Degenerate cases, decided without a t distribution: a standard error of 0 (every paired
 * difference equal, or both samples constant) means the difference is known exactly: a zero
 * difference is "no difference" (p = 1 both ways), any other is certain (p = 0 in its
 * direction, 1 in the other). Fewer than 2 usable values (pairs) leave the variance unknown:
 * the comparison is `insufficient` and the gate does not judge it.
 *
 * The confidence interval of the difference (candidate − baseline) is two-sided at 1 − alpha.
 */

export type TestMethod = 'paired-t' | 'welch-t' | 'exact' | 'insufficient';

export interface Comparison {
  readonly method: TestMethod;
  /** Pairs (paired) or values of each side (Welch) actually used. */
  readonly nBaseline: number;
  readonly nCandidate: number;
  readonly baselineMean: number | null;
  readonly candidateMean: number | null;
  /** candidate mean − baseline mean (paired: mean of the differences, the same number). */
  readonly diff: number | null;
  readonly se: number | null;
  readonly df: number | null;
  readonly t: number | null;
  /** One-sided p-values: P(a difference this large) under "no increase" and under "no decrease". */
  readonly pIncrease: number | null;
  readonly pDecrease: number | null;
  /** Two-sided (1 − alpha) confidence interval of the difference. */
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample variance (n − 1 in the denominator); 0 for fewer than 2 values. */
function variance(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (xs.length - 1);
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

function result(method: TestMethod, nb: number, nc: number, bm: number | null, cm: number | null, diff: number | null, se: number | null, df: number | null, alpha: number): Comparison {
  if (diff === null || se === null) {
    return { method, nBaseline: nb, nCandidate: nc, baselineMean: bm, candidateMean: cm, diff, se, df, t: null, pIncrease: null, pDecrease: null, ciLow: null, ciHigh: null };
  }
  if (se === 0 || df === null) {
    // Known exactly: no sampling error in the difference.
    const pInc = diff > 0 ? 0 : 1;
    const pDec = diff < 0 ? 0 : 1;
    return { method: 'exact', nBaseline: nb, nCandidate: nc, baselineMean: bm, candidateMean: cm, diff, se: 0, df, t: null, pIncrease: pInc, pDecrease: pDec, ciLow: diff, ciHigh: diff };
  }
  const t = diff / se;
  const q = studentTQuantile(1 - alpha / 2, df);
  return {
    method,
    nBaseline: nb,
    nCandidate: nc,
    baselineMean: bm,
    candidateMean: cm,
    diff,
    se,
    df,
    t,
    pIncrease: studentTUpperTail(t, df),
    pDecrease: studentTCdf(t, df),
    ciLow: diff - q * se,
    ciHigh: diff + q * se,
  };
}

/**
 * Paired comparison of values recorded on the same seeds (index r of both arrays = replication r).
 * Nulls (a run without that metric) drop their pair.
 */
export function pairedComparison(baseline: readonly (number | null)[], candidate: readonly (number | null)[], alpha: number): Comparison {
  const b: number[] = [];
  const c: number[] = [];
  const n = Math.min(baseline.length, candidate.length);
  for (let i = 0; i < n; i++) {
    if (finite(baseline[i]) && finite(candidate[i])) {
      b.push(baseline[i] as number);
      c.push(candidate[i] as number);
    }
  }
  if (b.length === 0) return result('insufficient', 0, 0, null, null, null, null, null, alpha);
  const d = c.map((x, i) => x - b[i]);
  const dm = mean(d);
  const bm = mean(b);
  const cm = mean(c);
  // Every difference equal: known exactly (one pair only when it is 0: one nonzero pair says nothing of the noise).
  if (d.every((x) => x === d[0]) && (d.length >= 2 || dm === 0)) return result('paired-t', b.length, c.length, bm, cm, dm, 0, b.length - 1, alpha);
  if (b.length < 2) return result('insufficient', b.length, c.length, bm, cm, null, null, null, alpha);
  const se = Math.sqrt(variance(d) / d.length);
  return result('paired-t', b.length, c.length, bm, cm, dm, se, d.length - 1, alpha);
}

/** Welch's unequal-variances comparison of two independent samples (nulls are left out). */
export function welchComparison(baseline: readonly (number | null)[], candidate: readonly (number | null)[], alpha: number): Comparison {
  const b = baseline.filter(finite);
  const c = candidate.filter(finite);
  if (b.length === 0 || c.length === 0) return result('insufficient', b.length, c.length, b.length ? mean(b) : null, c.length ? mean(c) : null, null, null, null, alpha);
  const bm = mean(b);
  const cm = mean(c);
  const vb = variance(b) / b.length;
  const vc = variance(c) / c.length;
  const constant = b.every((x) => x === b[0]) && c.every((x) => x === c[0]) && ((b.length >= 2 && c.length >= 2) || bm === cm);
  if (constant) return result('welch-t', b.length, c.length, bm, cm, cm - bm, 0, null, alpha);
  if (b.length < 2 || c.length < 2) return result('insufficient', b.length, c.length, bm, cm, null, null, null, alpha);
  const se = Math.sqrt(vb + vc);
  // Welch–Satterthwaite; a side with zero variance contributes nothing.
  const df = (vb + vc) ** 2 / ((vb > 0 ? vb ** 2 / (b.length - 1) : 0) + (vc > 0 ? vc ** 2 / (c.length - 1) : 0));
  return result('welch-t', b.length, c.length, bm, cm, cm - bm, se, df, alpha);
}

/** Paired when the seeds are the same list, Welch's otherwise. */
export function compareSamples(
  baseline: { seeds: readonly number[]; values: readonly (number | null)[] },
  candidate: { seeds: readonly number[]; values: readonly (number | null)[] },
  alpha: number,
): Comparison {
  const sameSeeds = baseline.seeds.length === candidate.seeds.length && baseline.seeds.every((s, i) => s === candidate.seeds[i]);
  return sameSeeds ? pairedComparison(baseline.values, candidate.values, alpha) : welchComparison(baseline.values, candidate.values, alpha);
}
