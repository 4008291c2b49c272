import type { SweepRecord } from '../runner/sweep-results.js';
import { constraintValue, judgeCheck, type CheckResult } from './constraints.js';
import type { PlanDefinition } from './definition.js';
import type { FailureCase } from './failures.js';
import type { RunRequest } from './runs.js';
import type { Point, SearchPhase } from './search.js';

/**
 * Judging candidates: every failure case runs `replications` times (common seeds); each
 * constraint is judged per case on the confidence interval of its mean (constraints.ts). A case
 * where some constraint is undecided gets twice the replications, up to `maxReplications`
 * (sequential testing: runs are added only where a constraint is close to its bound); a
 * constraint still undecided there fails (the candidate is not shown to meet it). A candidate
 * passes when every constraint passes in every case, and fails as soon as one fails.
 *
 * The replications a case gets depend only on that candidate's own runs, so a candidate's verdict
 * is the same whether it is judged alone (the search) or with the whole grid (`--grid`).
 */
export interface CaseOutcome {
  readonly case: string;
  readonly runs: number;
  readonly failedRuns: number;
  /** One per constraint. */
  readonly checks: readonly CheckResult[];
}

export interface CheckFailure {
  readonly case: string;
  readonly constraint: string;
  readonly mean: number | null;
  readonly low: number | null;
  readonly high: number | null;
  readonly n: number;
  readonly why: string;
}

export interface CandidateResult {
  /** Order in which the search first judged it (0-based). */
  readonly ordinal: number;
  readonly point: readonly number[];
  readonly values: readonly number[];
  readonly objective: number;
  readonly pass: boolean;
  readonly phase: SearchPhase;
  readonly cases: readonly CaseOutcome[];
  /** The checks that failed, in case then constraint order (empty when it passes). */
  readonly failures: readonly CheckFailure[];
  readonly runs: number;
}

/** Where runs come from (PlanRuns: the pool, the results file, the other shards). */
export interface RunSource {
  get(requests: readonly RunRequest[]): Promise<Map<string, SweepRecord>>;
}

export class Evaluator {
  readonly candidates: CandidateResult[] = [];
  private readonly byKey = new Map<string, CandidateResult>();

  constructor(
    private readonly def: PlanDefinition,
    private readonly cases: readonly FailureCase[],
    private readonly runs: RunSource,
    private readonly onCandidate?: (c: CandidateResult) => void,
  ) {}

  get(point: Point): CandidateResult | undefined {
    return this.byKey.get(point.join(','));
  }

  /** Judge candidates together (their rounds of runs go to the pool as one batch each). */
  async judge(points: readonly Point[], phase: SearchPhase): Promise<boolean[]> {
    const { def, cases } = this;
    const todo = points.filter((p) => !this.byKey.has(p.join(',')));
    const state = todo.map((point) => ({
      point,
      values: point.map((x, i) => def.knobs[i].values[x]),
      reps: cases.map(() => def.replications),
      /** Replications already asked for, per case. */
      asked: cases.map(() => 0),
      result: null as CandidateResult | null,
    }));
    const records = new Map<string, SweepRecord>();
    const ordinal0 = this.candidates.length;
    while (state.some((s) => s.result === null)) {
      const open = state.filter((s) => s.result === null);
      const requests: RunRequest[] = [];
      for (const s of open) {
        const ordinal = ordinal0 + state.indexOf(s);
        cases.forEach((c, ci) => {
          for (let r = s.asked[ci]; r < s.reps[ci]; r++) requests.push(this.request(s.values, c, r, ordinal));
          s.asked[ci] = s.reps[ci];
        });
      }
      for (const [id, rec] of await this.runs.get(requests)) records.set(id, rec);
      for (const s of open) {
        const ordinal = ordinal0 + state.indexOf(s);
        const outcomes: CaseOutcome[] = [];
        const failures: CheckFailure[] = [];
        let undecided = false;
        let runs = 0;
        cases.forEach((c, ci) => {
          const recs: SweepRecord[] = [];
          for (let r = 0; r < s.reps[ci]; r++) recs.push(records.get(def.runId(s.values, c.key, r))!);
          runs += recs.length;
          const failedRuns = recs.filter((x) => x.status !== 'ok').length;
          const checks = def.constraints.map((con) =>
            judgeCheck(
              recs.filter((x) => x.status === 'ok').map((x) => constraintValue(con, x.metrics)),
              con,
              def.confidence,
            ),
          );
          outcomes.push({ case: c.label, runs: recs.length, failedRuns, checks });
          if (failedRuns) failures.push({ case: c.label, constraint: '(runs)', mean: null, low: null, high: null, n: recs.length, why: `${failedRuns} of ${recs.length} runs failed: ${(recs.find((x) => x.status !== 'ok')?.error ?? '').split('\n')[0]}` });
          checks.forEach((k, j) => {
            if (k.verdict === 'fail') failures.push(failure(c.label, def.constraints[j].text, k, k.why ?? 'the interval misses the bound'));
            if (k.verdict === 'undecided') undecided = true;
          });
        });
        if (failures.length === 0 && undecided) {
          // More replications where a constraint is undecided; the other cases stay as they are.
          const grow = cases.map((_, ci) => ci).filter((ci) => s.reps[ci] < def.maxReplications && outcomes[ci].checks.some((k) => k.verdict === 'undecided'));
          if (grow.length) {
            for (const ci of grow) s.reps[ci] = Math.min(def.maxReplications, s.reps[ci] * 2);
            continue;
          }
          // Still undecided with the most replications allowed: not shown to meet its bound.
          outcomes.forEach((o) =>
            o.checks.forEach((k, j) => {
              if (k.verdict === 'undecided') failures.push(failure(o.case, def.constraints[j].text, k, `undecided after ${o.runs} replications`));
            }),
          );
        }
        s.result = { ordinal, point: [...s.point], values: s.values, objective: def.objectiveAt(s.point), pass: failures.length === 0, phase, cases: outcomes, failures, runs };
      }
    }
    for (const s of state) {
      this.candidates.push(s.result!);
      this.byKey.set(s.point.join(','), s.result!);
      this.onCandidate?.(s.result!);
    }
    return points.map((p) => this.byKey.get(p.join(','))!.pass);
  }

  private request(values: readonly number[], c: FailureCase, replication: number, ordinal: number): RunRequest {
    const { def } = this;
    return {
      id: def.runId(values, c.key, replication),
      values: [...values, c.key],
      point: ordinal,
      replication,
      seed: def.seeds[replication],
      scenario: () => def.build(values, c.faults, `from ${def.knobs.map((k, i) => `--vary ${k.path}=${values[i]}`).join(', ')}, failure case ${c.label}`),
    };
  }
}

function failure(caseLabel: string, constraint: string, k: CheckResult, why: string): CheckFailure {
  return { case: caseLabel, constraint, mean: k.mean, low: k.low, high: k.high, n: k.n, why };
}
