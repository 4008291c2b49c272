import { compareSamples, type Comparison } from './stats.js';
import type { BaselineFile } from './baseline.js';
import type { CaseSamples } from './run.js';
import type { BenchSuite, SuiteMetric } from './suite.js';

/**
 * The gate's verdicts: per scenario (point) × scheduler × gated metric, compare the candidate's
 * replications with the baseline's (paired t on common seeds, Welch's t otherwise: stats.ts).
 *
 * A **regression** needs both: the difference is significant in the bad direction (the
 * one-sided p-value of "no worsening" is below the suite's alpha) AND the estimated worsening
 * (the difference of the means, in the bad direction) exceeds the tolerance (absolute, or a
 * percentage of the baseline mean). So a change that only moved the noise is not significant,
 * and a significant change smaller than the tolerance is accepted. An **improvement** is the
 * same in the good direction (reported, never failing). Runs that threw make the case an
 * **error** (failing: a candidate that crashes is not better). No baseline for the case:
 * **new** (passes, reported). Fewer than 2 usable pairs: **no-data** (not judged).
 */
export type Verdict = 'pass' | 'regression' | 'improvement' | 'new' | 'no-data' | 'error';

export interface GateCheck {
  readonly scenario: string;
  /** The scenario's name, for reports. */
  readonly name: string;
  readonly point: string;
  readonly scheduler: string;
  readonly metric: SuiteMetric;
  readonly verdict: Verdict;
  readonly comparison: Comparison | null;
  /** The tolerance in metric units (relative tolerances × |baseline mean|). */
  readonly toleranceAbs: number | null;
  /** One-sided p-value of the bad direction. */
  readonly pBad: number | null;
  /** One line: why this verdict. */
  readonly message: string;
}

export interface GateResult {
  readonly checks: readonly GateCheck[];
  readonly regressions: number;
  readonly errors: number;
  readonly improvements: number;
  /** Things worth knowing that are no verdict (scenario changed since the baseline, ...). */
  readonly notes: readonly string[];
  readonly passed: boolean;
}

const caseKey = (c: { scenario: string; point: string; scheduler: string }): string => `${c.scenario}\u0000${c.point}\u0000${c.scheduler}`;

/** A p-value for people. */
const pText = (p: number): string => (p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`);

function fmt(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) return x.toExponential(3);
  return String(Number(x.toPrecision(4)));
}

/** `name [point] × scheduler` for reports (the scenario's name; its path is the identity). */
export function caseLabel(c: { scenario: string; name?: string; point: string; scheduler: string }): string {
  return `${c.name ?? c.scenario}${c.point === 'base' ? '' : ` [${c.point}]`} × ${c.scheduler}`;
}

export function gate(suite: BenchSuite, candidate: readonly CaseSamples[], baseline: BaselineFile | null): GateResult {
  const base = new Map<string, CaseSamples>();
  for (const c of baseline?.cases ?? []) base.set(caseKey(c), c);
  const checks: GateCheck[] = [];
  const notes: string[] = [];
  if (baseline && baseline.suite.hash !== suite.hash) notes.push(`the suite file changed since the baseline was recorded (fleetsim ${baseline.fleetsim})`);
  for (const c of candidate) {
    const b = base.get(caseKey(c)) ?? null;
    if (b && b.scenarioHash !== c.scenarioHash) notes.push(`${caseLabel(c)}: the scenario (or an included file) changed since the baseline was recorded: differences may be the scenario's, not the scheduler's`);
    if (b && (b.seeds.length !== c.seeds.length || b.seeds.some((s, i) => s !== c.seeds[i]))) notes.push(`${caseLabel(c)}: seeds differ from the baseline's: Welch's t-test instead of the paired test`);
    for (const m of suite.metrics) {
      const common = { scenario: c.scenario, name: c.name, point: c.point, scheduler: c.scheduler, metric: m };
      if (c.failures.length > 0) {
        const f = c.failures[0];
        checks.push({ ...common, verdict: 'error', comparison: null, toleranceAbs: null, pBad: null, message: `${c.failures.length} run(s) failed; replication ${f.replication} (seed ${f.seed}): ${f.error}` });
        continue;
      }
      const cand = c.metrics[m.key];
      if (!cand) {
        checks.push({ ...common, verdict: 'no-data', comparison: null, toleranceAbs: null, pBad: null, message: `the runs report no ${m.key} (is ${m.scope} a member cluster of this scenario?)` });
        continue;
      }
      if (!b) {
        checks.push({ ...common, verdict: 'new', comparison: null, toleranceAbs: null, pBad: null, message: 'not in the baseline (new scenario, scheduler or point): nothing to compare with' });
        continue;
      }
      const bv = b.metrics[m.key] ?? [];
      const cmp = compareSamples({ seeds: b.seeds, values: bv }, { seeds: c.seeds, values: cand }, suite.alpha);
      if (cmp.method === 'insufficient' || cmp.diff === null) {
        checks.push({ ...common, verdict: 'no-data', comparison: cmp, toleranceAbs: null, pBad: null, message: `too few values to compare (baseline ${cmp.nBaseline}, candidate ${cmp.nCandidate}; 2 pairs needed)` });
        continue;
      }
      const tol = m.tolerance.kind === 'absolute' ? m.tolerance.value : m.tolerance.value * Math.abs(cmp.baselineMean ?? 0);
      const lowerBetter = m.direction === 'lower';
      const worse = lowerBetter ? cmp.diff : -cmp.diff;
      const pBad = lowerBetter ? cmp.pIncrease! : cmp.pDecrease!;
      const pGood = lowerBetter ? cmp.pDecrease! : cmp.pIncrease!;
      let verdict: Verdict = 'pass';
      let message: string;
      const delta = `Δ ${cmp.diff > 0 ? '+' : ''}${fmt(cmp.diff)}`;
      if (pBad < suite.alpha && worse > tol) {
        verdict = 'regression';
        message = `worse: ${delta} (p ${pText(pBad)}, α = ${suite.alpha}) beyond the tolerance ${m.tolerance.text}`;
      } else if (pGood < suite.alpha && -worse > tol) {
        verdict = 'improvement';
        message = `better: ${delta} (p ${pText(pGood)})`;
      } else if (pBad < suite.alpha) {
        message = `worse but within the tolerance ${m.tolerance.text}: ${delta} (p ${pText(pBad)})`;
      } else {
        message = `no significant worsening: ${delta} (p ${pText(pBad)} ≥ α = ${suite.alpha})`;
      }
      checks.push({ ...common, verdict, comparison: cmp, toleranceAbs: tol, pBad, message });
    }
  }
  const seen = new Set(candidate.map(caseKey));
  for (const b of baseline?.cases ?? []) if (!seen.has(caseKey(b))) notes.push(`${caseLabel(b)} is in the baseline but no longer in the suite`);
  const regressions = checks.filter((c) => c.verdict === 'regression').length;
  const errors = checks.filter((c) => c.verdict === 'error').length;
  return { checks, regressions, errors, improvements: checks.filter((c) => c.verdict === 'improvement').length, notes, passed: regressions === 0 && errors === 0 };
}
