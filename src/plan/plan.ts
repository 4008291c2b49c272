import { FLEETSIM_VERSION } from '../version.js';
import type { InputsReport, RunResult } from '../runner/result.js';
import type { WorkerPool } from '../runner/pool.js';
import type { Shard } from '../runner/sweep-keys.js';
import type { PlanDefinition } from './definition.js';
import { Evaluator, type CandidateResult, type CheckFailure } from './evaluate.js';
import { busyHour, failureCases, type BusyHour, type FailureCase } from './failures.js';
import { objectiveUnit } from './objective.js';
import { PLAN_FORMAT, PlanRuns } from './runs.js';
import { gridSearch, searchCheapest, type SearchOutcome, type SearchPhase } from './search.js';

/**
 * `fleetsim plan`: the cheapest fleet (knob values) that meets every constraint in every failure
 * case. Reads the busy hour from a run of today's fleet, generates the failure cases, searches
 * (search.ts; `grid` judges every point instead), and returns everything the report shows as
 * plain JSON: the same for the same inputs, whatever the worker count or sharding.
 */
export interface PlanExecution {
  readonly outDir: string;
  readonly workers: number;
  readonly pool?: WorkerPool | null;
  readonly shard?: Shard | null;
  readonly resume?: boolean;
  /** Judge every point of the grid (brute force) instead of searching. */
  readonly grid?: boolean;
  readonly waitTimeoutMs?: number;
  readonly onCandidate?: (c: CandidateResult) => void;
  readonly onRun?: (executed: number) => void;
}

export interface KnobResult {
  readonly path: string;
  readonly label: string;
  readonly values: readonly number[];
  readonly today: number | null;
  readonly recommended: number | null;
  /** Objective per step of the knob (per unit of its value). */
  readonly unitObjective: number;
  /**
   * What holds the knob at its recommended value: the checks that fail one step lower (the
   * binding constraint and failure case first), or `floor` when it is at the bottom of its range.
   */
  readonly binding: { readonly kind: 'floor' } | { readonly kind: 'constraint'; readonly lower: number; readonly failures: readonly CheckFailure[] } | null;
}

export interface PlanResult {
  readonly format: typeof PLAN_FORMAT;
  readonly fleetsim: string;
  readonly scenario: string;
  readonly description: string;
  readonly scenarioFile: string;
  readonly scenarioText: string;
  readonly variant: string;
  readonly scheduler: string;
  readonly objective: { readonly name: string; readonly unit: string; readonly today: number; readonly recommended: number | null };
  readonly knobs: readonly KnobResult[];
  readonly constraints: readonly { readonly text: string; readonly metric: string; readonly scope: string; readonly op: string; readonly bound: number; readonly unit: string; readonly divisor: number }[];
  readonly failures: {
    readonly specs: readonly string[];
    /** How the outages' start was found: the busy hour of today's fleet, or --failure-at. */
    readonly busyHour: BusyHour | null;
    readonly at: number;
    readonly duration: number;
    readonly cases: readonly { readonly key: string; readonly label: string; readonly faults: readonly Record<string, unknown>[] }[];
  };
  readonly statistics: { readonly replications: number; readonly maxReplications: number; readonly confidence: number };
  readonly mode: 'search' | 'grid';
  /** Today's fleet as judged (null when its values are not all in the ranges). */
  readonly today: CandidateResult | null;
  /** Null when no point of the ranges passes. */
  readonly recommended: CandidateResult | null;
  /** The candidates judged, in order. */
  readonly candidates: readonly CandidateResult[];
  readonly search: {
    /** Distinct runs the plan used (the busy-hour run included), and candidates judged, by phase. */
    readonly runs: number;
    readonly candidates: number;
    readonly byPhase: Readonly<Partial<Record<SearchPhase, number>>>;
    readonly gridPoints: number;
    /** The fewest runs a grid would take: every point × every case × the initial replications. */
    readonly gridRunsAtLeast: number;
    /** Every cheaper point settled (under monotonicity). */
    readonly proved: boolean;
    /** Verdicts that contradict the knobs' monotonicity. */
    readonly contradictions: readonly { readonly values: readonly number[]; readonly pass: boolean; readonly against: readonly number[] }[];
    /** Runs that threw (a failing candidate; `plan` exits 1). */
    readonly failedRuns: number;
  };
  readonly notes: readonly string[];
  /** What the scenario's inputs hold that fleetsim does not model, as `validate` and `run` say it. */
  readonly inputs: InputsReport | null;
}

export async function runPlan(def: PlanDefinition, exec: PlanExecution): Promise<PlanResult> {
  const runs = PlanRuns.open({
    outDir: exec.outDir,
    header: { type: 'header', format: PLAN_FORMAT, fleetsim: FLEETSIM_VERSION, scenario: def.scenario.name, scenarioFile: def.file, scenarioHash: def.scenarioHash, shard: exec.shard ?? null },
    schedulerSpec: def.schedulerSpec,
    scheduler: def.scheduler,
    resume: exec.resume ?? false,
    workers: exec.workers,
    ...(exec.pool ? { pool: exec.pool } : {}),
    ...(exec.waitTimeoutMs !== undefined ? { waitTimeoutMs: exec.waitTimeoutMs } : {}),
    ...(exec.onRun ? { onRun: exec.onRun } : {}),
  });
  try {
    const notes = [...def.notes];
    // The outages begin at the busy hour of today's fleet (the scenario as written, replication 0).
    let hour: BusyHour | null = null;
    let at = def.failureAt ?? 0;
    if (def.failureAt === null && def.failures.some((f) => f.scope !== 'none')) {
      const today = def.knobs.map((k) => (typeof k.today === 'number' ? k.today : null));
      const id = def.runId(today, 'scenario', 0);
      const rec = (await runs.get([{ id, values: [...today, 'scenario'], point: -1, replication: 0, seed: def.seeds[0], scenario: () => def.scenario, keepResult: true }])).get(id)!;
      if (rec.status !== 'ok' || !rec.result) throw new Error(`plan: the run of today's fleet for the busy hour failed: ${rec.error ?? 'no result kept'}`);
      hour = busyHour(rec.result as RunResult, def.scenario, Math.min(3600, def.scenario.duration));
      at = Math.round(hour.start);
    }
    const cases: FailureCase[] = failureCases(def.scenario, def.failures, at, def.failureDuration);
    const evaluator = new Evaluator(def, cases, runs, exec.onCandidate);
    const space = { sizes: def.knobs.map((k) => k.values.length), cost: def.objectiveAt };
    const judge = (points: readonly (readonly number[])[], phase: SearchPhase) => evaluator.judge(points, phase);
    // Today's fleet is a candidate when every knob's value today is one of its values.
    const todayPoint = def.knobs.map((k) => k.values.indexOf(k.today as number));
    const onGrid = todayPoint.every((i) => i >= 0);
    const inRanges = def.knobs.every((k) => typeof k.today === 'number' && k.today >= k.values[0] && k.today <= k.values[k.values.length - 1]);
    if (!onGrid && inRanges) notes.push("today's fleet is not a point of the ranges searched (their steps miss it), so it was not judged; its cost is still the reference");
    const outcome: SearchOutcome = exec.grid ? await gridSearch(space, judge) : await searchCheapest(space, judge, onGrid ? { start: todayPoint } : {});

    if (!outcome.proved) notes.push(`the grid has ${outcome.gridPoints} points, too many to settle every cheaper one: the answer is coordinate descent's, each knob as low as it can go with the others fixed`);
    if (outcome.contradictions.length) {
      notes.push(`${outcome.contradictions.length} verdict${outcome.contradictions.length === 1 ? '' : 's'} contradict the knobs' monotonicity (a point passed below a failing one, or failed above a passing one): the search assumes more never hurts; see the candidates table`);
    }
    const best = outcome.best ? evaluator.get(outcome.best)! : null;
    const knobs: KnobResult[] = def.knobs.map((k, i) => {
      const unit = k.values.length > 1 ? def.objectiveAt(def.knobs.map((_, j) => (j === i ? 1 : 0))) - def.objectiveAt(def.knobs.map(() => 0)) : 0;
      let binding: KnobResult['binding'] = null;
      if (outcome.best) {
        if (outcome.best[i] === 0) binding = { kind: 'floor' };
        else {
          const below = evaluator.get(outcome.best.map((x, j) => (j === i ? x - 1 : x)));
          if (below) binding = { kind: 'constraint', lower: below.values[i], failures: below.failures };
        }
      }
      return {
        path: k.path,
        label: k.label,
        values: k.values,
        today: typeof k.today === 'number' ? k.today : null,
        recommended: best ? best.values[i] : null,
        unitObjective: k.values.length > 1 ? unit / (k.values[1] - k.values[0]) : 0,
        binding,
      };
    });
    const byPhase: Partial<Record<SearchPhase, number>> = {};
    for (const c of evaluator.candidates) byPhase[c.phase] = (byPhase[c.phase] ?? 0) + 1;
    const valuesOf = (p: readonly number[]) => p.map((x, i) => def.knobs[i].values[x]);
    return {
      format: PLAN_FORMAT,
      fleetsim: FLEETSIM_VERSION,
      scenario: def.scenario.name,
      description: def.scenario.description,
      scenarioFile: def.file,
      scenarioText: def.scenarioText,
      variant: def.variant,
      scheduler: def.scheduler,
      objective: { name: def.objective, unit: objectiveUnit(def.objective), today: def.todayObjective, recommended: best ? best.objective : null },
      today: onGrid ? (evaluator.get(todayPoint) ?? null) : null,
      knobs,
      constraints: def.constraints.map((c) => ({ text: c.text, metric: c.metric, scope: c.scope, op: c.op, bound: c.bound, unit: c.unit, divisor: c.divisor })),
      failures: { specs: def.failures.map((f) => f.text), busyHour: hour, at, duration: def.failureDuration, cases: cases.map((c) => ({ key: c.key, label: c.label, faults: c.faults })) },
      statistics: { replications: def.replications, maxReplications: def.maxReplications, confidence: def.confidence },
      mode: exec.grid ? 'grid' : 'search',
      recommended: best,
      candidates: evaluator.candidates,
      search: {
        runs: runs.requested,
        candidates: evaluator.candidates.length,
        byPhase,
        gridPoints: outcome.gridPoints,
        gridRunsAtLeast: outcome.gridPoints * cases.length * def.replications,
        proved: outcome.proved,
        contradictions: outcome.contradictions.map((c) => ({ values: valuesOf(c.point), pass: c.pass, against: valuesOf(c.against) })),
        failedRuns: evaluator.candidates.reduce((s, c) => s + c.cases.reduce((a, o) => a + o.failedRuns, 0), 0),
      },
      notes,
      inputs: def.inputs,
    };
  } finally {
    runs.close();
  }
}
