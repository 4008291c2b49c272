import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { formatPath } from '../scenario/errors.js';
import { isModulePath, scenarioVariantsFromSource, type LoadOptions } from '../scenario/load.js';
import type { YamlSource } from '../scenario/source.js';
import type { Scenario } from '../scenario/types.js';
import { parseDuration } from '../scenario/units.js';
import type { InputsReport } from '../runner/result.js';
import { inputsReport } from '../runner/run.js';
import { formatValue, replicationSeeds, runId, type AxisDef } from '../runner/sweep-keys.js';
import { displayPath, readSingle, scenarioIdentity } from '../runner/sweep-plan.js';
import { parseConstraint, type Constraint } from './constraints.js';
import { failureCases, parseFailureSpec, type FailureSpec } from './failures.js';
import { parseKnob, type Knob } from './knobs.js';
import { objectiveOf, OBJECTIVES, type Objective } from './objective.js';

/**
 * A plan, read and checked before any run: the scenario (one variant), the scheduler, the knobs
 * and their cost, the constraints, the failure specs and the statistics. Everything `plan` can
 * refuse is refused here, with exit 2: `plan` fails on nothing it has already spent runs on.
 */
export interface PlanOptions {
  readonly vary: readonly string[];
  readonly constraints: readonly string[];
  readonly failures?: readonly string[];
  readonly objective?: string;
  /** A scheduler name or module path (relative to the working directory); default the scenario's first. */
  readonly scheduler?: string;
  readonly variant?: string;
  /** Replications of each failure case to start with, and at most (added while a constraint is undecided). */
  readonly replications?: number;
  readonly maxReplications?: number;
  /** Of each constraint's confidence interval (default 0.95). */
  readonly confidence?: number;
  /** Outages begin here instead of at the busy hour, and last this long (default 1h). */
  readonly failureAt?: string;
  readonly failureDuration?: string;
  readonly knownSchedulers?: LoadOptions['knownSchedulers'];
}

export interface PlanDefinition {
  /** The scenario file as displayed, absolute, its text and identity. */
  readonly file: string;
  readonly absFile: string;
  readonly scenarioText: string;
  readonly scenarioHash: string;
  /** The scenario as written (the chosen variant): today's fleet. */
  readonly scenario: Scenario;
  readonly variant: string;
  readonly scheduler: string;
  readonly schedulerSpec: string;
  readonly knobs: readonly Knob[];
  readonly constraints: readonly Constraint[];
  readonly failures: readonly FailureSpec[];
  readonly failureAt: number | null;
  readonly failureDuration: number;
  readonly objective: Objective;
  /** The objective of today's fleet, and of a point of knob value indexes (additive over knobs). */
  readonly todayObjective: number;
  readonly objectiveAt: (point: readonly number[]) => number;
  readonly replications: number;
  readonly maxReplications: number;
  readonly confidence: number;
  /** Replication r's seed (common random numbers: the same for every candidate and case). */
  readonly seeds: readonly number[];
  /** What plan does not use, said in the output and the report (what the scenario's inputs hold that fleetsim does not model: `inputs`). */
  readonly notes: readonly string[];
  readonly inputs: InputsReport | null;
  /** Today's fleet, or the knobs at these values, with these faults added: a validated Scenario. */
  readonly build: (values: readonly number[] | null, faults: readonly Record<string, unknown>[], context: string) => Scenario;
  /** The id of a run (the same in every shard and on every resume). */
  readonly runId: (values: readonly (number | null)[], caseKey: string, replication: number) => string;
}

function positiveInt(flag: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new UserError(`--${flag}: expected an integer >= 1, found ${v}`);
}

export function preparePlan(file: string, opts: PlanOptions): PlanDefinition {
  const absFile = resolve(file);
  const display = displayPath(absFile);
  const base = readSingle(absFile, display);
  const loadOpts: LoadOptions = opts.knownSchedulers ? { knownSchedulers: opts.knownSchedulers } : {};
  const variants = scenarioVariantsFromSource(base, absFile, loadOpts);
  const raw = base.value() as Record<string, unknown>;
  const notes: string[] = [];

  let variantIndex = 0;
  if (opts.variant !== undefined) {
    variantIndex = variants.findIndex((v) => v.variant === opts.variant);
    if (variantIndex < 0) throw new UserError(`--variant: expected a variant of ${display} (${variants.map((v) => v.variant).join(', ') || 'it has none'}), found ${opts.variant}`);
  }
  const scenario = variants[variantIndex];
  if (variants.length > 1 && opts.variant === undefined) notes.push(`the plan is for variant ${scenario.variant}, the first of ${variants.map((v) => v.variant).join(', ')} (--variant picks another)`);
  if (raw.sweep !== undefined) notes.push('the scenario\'s sweep: block is not used: a plan\'s knobs are its --vary ranges');

  const scheduler = opts.scheduler ?? scenario.schedulers[0];
  const schedulerSpec = opts.scheduler === undefined ? scenario.schedulers[0] : isModulePath(opts.scheduler) ? resolve(opts.scheduler) : opts.scheduler;
  if (opts.scheduler === undefined && scenario.schedulers.length > 1) notes.push(`the plan is for scheduler ${scheduler}, the first of ${scenario.schedulers.join(', ')} (--scheduler picks another)`);

  if (opts.vary.length === 0) throw new UserError('--vary: expected at least one knob, e.g. --vary \'fleet.clusters[name=serving-sh].nodePools[name=t4].count=4..32\'');
  const knobs = opts.vary.map((v) => parseKnob(v, raw));
  knobs.forEach((k, i) => {
    const j = knobs.findIndex((x) => formatPath(x.target) === formatPath(k.target));
    if (j !== i) throw new UserError(`--vary ${k.text}: expected each field once, found ${formatPath(k.target)} again (also --vary ${knobs[j].text})`);
    if (typeof k.today === 'number' && (k.today < k.values[0] || k.today > k.values[k.values.length - 1])) notes.push(`${k.label}: today's ${k.today} is outside the range searched (${k.values[0]}..${k.values[k.values.length - 1]})`);
  });

  if (opts.constraints.length === 0) throw new UserError("--constraint: expected at least one, e.g. --constraint 'slo(llm-inference).violationMinutes<=5'");
  const constraints = opts.constraints.map((c) => parseConstraint(c, scenario));
  const failures = (opts.failures ?? []).map(parseFailureSpec);

  const objective = (opts.objective ?? 'cost') as Objective;
  if (!OBJECTIVES.includes(objective)) throw new UserError(`--objective: expected ${OBJECTIVES.join(' or ')}, found ${opts.objective}`);
  const replications = opts.replications ?? 2;
  if (opts.replications === undefined && raw.replications !== undefined) notes.push(`the scenario's replications: ${String(raw.replications)} is not used: each candidate starts at --replications ${replications} per failure case, and more only where a constraint is undecided`);
  const maxReplications = opts.maxReplications ?? Math.max(8, replications);
  positiveInt('replications', replications);
  positiveInt('max-replications', maxReplications);
  if (replications < 2) throw new UserError(`--replications: expected at least 2 (a confidence interval needs two runs), found ${replications}`);
  if (maxReplications < replications) throw new UserError(`--max-replications: expected at least --replications (${replications}), found ${maxReplications}`);
  const confidence = opts.confidence ?? 0.95;
  if (!(confidence >= 0.5 && confidence < 1)) throw new UserError(`--confidence: expected a level in [0.5, 1), e.g. 0.95, found ${opts.confidence}`);
  const failureDuration = parseDuration(opts.failureDuration ?? '1h');
  if (failureDuration === null || !(failureDuration > 0)) throw new UserError(`--failure-duration: expected a duration > 0 (90s, 30m, 1h), found ${opts.failureDuration}`);
  let failureAt: number | null = null;
  if (opts.failureAt !== undefined) {
    failureAt = parseDuration(opts.failureAt);
    if (failureAt === null || failureAt < 0 || failureAt >= scenario.duration) throw new UserError(`--failure-at: expected a time within the scenario's ${scenario.duration} s (90s, 19h30m), found ${opts.failureAt}`);
  }

  const rawFaults = (raw.faults as unknown[] | undefined) ?? [];
  const build = (values: readonly number[] | null, faults: readonly Record<string, unknown>[], context: string): Scenario => {
    let src: YamlSource = base;
    if (values) knobs.forEach((k, i) => (src = src.withOverride([...k.target], values[i], base.at(k.target))));
    if (faults.length) src = src.withOverride(['faults'], [...rawFaults, ...faults], base.at(['faults']));
    try {
      return scenarioVariantsFromSource(src, absFile, loadOpts)[variantIndex];
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      throw new UserError(`${e.message} (${context})`, e.exitCode);
    }
  };
  const at = (vals: readonly number[]) => `from ${knobs.map((k, i) => `--vary ${k.path}=${formatValue(vals[i])}`).join(', ')}`;

  // Every value a knob takes is validated where the range ends (and the costs read there); the
  // objective is additive over knobs and linear in each, which a third build checks.
  const lo = knobs.map((k) => k.values[0]);
  const hi = knobs.map((k) => k.values[k.values.length - 1]);
  const objLo = objectiveOf(build(lo, [], at(lo)), objective);
  const slopes = knobs.map((k, i) => {
    if (k.values.length === 1) return 0;
    const v = lo.map((x, j) => (j === i ? hi[i] : x));
    return (objectiveOf(build(v, [], at(v)), objective) - objLo) / (hi[i] - lo[i]);
  });
  const objAt = (vals: readonly number[]) => objLo + vals.reduce((s, v, i) => s + slopes[i] * (v - lo[i]), 0);
  const objHi = objectiveOf(build(hi, [], at(hi)), objective);
  const tol = 1e-9 * Math.max(1, Math.abs(objHi));
  if (Math.abs(objHi - objAt(hi)) > tol) {
    throw new UserError(`--objective ${objective}: expected knobs whose ${objective} adds up (e.g. node counts of different pools), found ${objHi} at the top of the ranges against ${objAt(hi)} from each knob alone`);
  }
  const mid = knobs.map((k) => k.values[Math.floor((k.values.length - 1) / 2)]);
  const objMid = objectiveOf(build(mid, [], at(mid)), objective);
  if (Math.abs(objMid - objAt(mid)) > tol) throw new UserError(`--objective ${objective}: expected knobs whose ${objective} grows in proportion to them (counts, sizes), found ${objMid} in the middle of the ranges against ${objAt(mid)} on the line between their ends`);
  if (slopes.some((s) => s < -tol)) throw new UserError(`--vary ${knobs[slopes.findIndex((s) => s < -tol)].text}: expected a knob whose ${objective} grows with it (a plan searches from low to high), found one whose ${objective} falls`);
  if (slopes.every((s) => Math.abs(s) <= tol)) {
    throw new UserError(`--objective ${objective}: expected knobs that change the ${objective}, found ${objective} ${objLo} whatever their values${objective === 'cost' ? ' (do their clusters have prices? else use --objective nodes)' : ''}`);
  }
  // The generated outages are checked once here (at 0 s: their time is only known after the busy hour).
  for (const c of failureCases(scenario, failures, 0, failureDuration)) if (c.faults.length) build(hi, c.faults, `failure case ${c.label}`);

  const axisOf = (path: string, v: unknown): AxisDef => ({ path, values: [v] });
  return {
    file: display,
    absFile,
    scenarioText: readFileSync(absFile, 'utf8'),
    scenarioHash: scenarioIdentity(raw, absFile),
    scenario,
    variant: scenario.variant,
    scheduler,
    schedulerSpec,
    knobs,
    constraints,
    failures,
    failureAt,
    failureDuration,
    objective,
    todayObjective: objectiveOf(scenario, objective),
    objectiveAt: (point) => objAt(point.map((x, i) => knobs[i].values[x])),
    replications,
    maxReplications,
    confidence,
    seeds: replicationSeeds(scenario.seed, maxReplications),
    notes,
    inputs: inputsReport(scenario),
    build,
    runId: (values, caseKey, replication) => {
      const axes = [...(scenario.variant ? [axisOf('variant', scenario.variant)] : []), ...knobs.map((k, i) => axisOf(formatPath(k.target), values[i])), axisOf('failure', caseKey)];
      return runId(axes, axes.map(() => 0), scheduler, replication);
    },
  };
}
