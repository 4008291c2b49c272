import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../runner/outputs.js';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { isModulePath } from '../scenario/load.js';
import { resolveScheduler } from '../placement/builtin.js';
import { arbScenarioModel, type ScenarioArbOptions } from './arbitraries.js';
import { checkRun, selectInvariants, type Invariant, type Violation } from './invariants.js';
import { scenarioOf, scenarioYaml, type ScenarioModel } from './model.js';

/**
 * Running a user's policy under the invariants: search random scenarios (arbitraries.ts) for one
 * where a run violates an invariant (invariants.ts); when found, let fast-check shrink it to a
 * minimal scenario that still violates the SAME invariant (the first one found: shrinking never
 * slips to another bug), and render that as scenario YAML.
 *
 * Deterministic: fast-check is seeded (`seed`), every run is a deterministic simulation, so the
 * same policy, seed and run count give the same counterexample, byte for byte.
 */

export interface CheckPolicyOptions {
  /** Random scenarios to try (default 100). */
  readonly runs?: number;
  /** fast-check's seed (default 1). */
  readonly seed?: number;
  /** Invariant names (default: all but the opt-in ones). */
  readonly invariants?: readonly string[];
  /** What the random scenarios may contain. */
  readonly scenarios?: ScenarioArbOptions;
  /** Or a whole arbitrary of your own. */
  readonly arbitrary?: fc.Arbitrary<ScenarioModel>;
  /** Simulated time of each scenario (default 1h). */
  readonly duration?: string;
  /** Called after each run (1-based count). */
  readonly onRun?: (n: number) => void;
}

export interface CheckPolicyResult {
  /** The scheduler as given, and its registered name. */
  readonly scheduler: string;
  readonly name: string;
  readonly ok: boolean;
  /** Scenarios run before the first violation (or all of them). */
  readonly runs: number;
  readonly shrinks: number;
  readonly seed: number;
  readonly invariants: readonly string[];
  readonly violation?: Violation;
  /** The minimal scenario (shrunk). */
  readonly counterexample?: ScenarioModel;
}

/** Property: the scheduler keeps the invariants on an arbitrary scenario (for fc.assert in your own tests). */
export function policyProperty(scheduler: string, opts: Omit<CheckPolicyOptions, 'runs' | 'seed' | 'onRun'> = {}): fc.IAsyncPropertyWithHooks<[ScenarioModel]> {
  const invariants = selectInvariants(opts.invariants);
  return fc.asyncProperty(opts.arbitrary ?? arbScenarioModel(opts.scenarios), async (m) => {
    const v = await checkRun(scenarioOf(m, opts.duration ? { duration: opts.duration } : {}), scheduler, { invariants });
    if (v.length) throw new Error(`${v[0].invariant}: ${v[0].message}`);
  });
}

export async function checkPolicy(scheduler: string, opts: CheckPolicyOptions = {}): Promise<CheckPolicyResult> {
  const spec = isModulePath(scheduler) && !isAbsolute(scheduler) ? resolve(scheduler) : scheduler;
  const name = (await resolveScheduler(spec)).name;
  const invariants: Invariant[] = selectInvariants(opts.invariants);
  const runs = opts.runs ?? 100;
  const seed = opts.seed ?? 1;
  let target: string | null = null;
  let violation: Violation | undefined;
  let count = 0;
  let searching = true;
  const prop = fc.asyncProperty(opts.arbitrary ?? arbScenarioModel(opts.scenarios), async (m) => {
    // Once a violation is found, shrinking checks only its invariant (no rerun unless it is determinism).
    const only = target === null ? invariants : invariants.filter((i) => i.name === target);
    const v = await checkRun(scenarioOf(m, opts.duration ? { duration: opts.duration } : {}), spec, { invariants: only });
    if (searching) opts.onRun?.(++count);
    // While shrinking, only the invariant first found counts: a smaller scenario must fail the same way.
    const hit = target === null ? v[0] : v.find((x) => x.invariant === target);
    if (!hit) return true;
    if (target === null) {
      target = hit.invariant;
      searching = false;
    }
    violation = hit;
    return false;
  });
  const details = await fc.check(prop, { numRuns: runs, seed });
  const base = { scheduler, name, seed, invariants: invariants.map((i) => i.name) };
  if (!details.failed || !details.counterexample) return { ...base, ok: true, runs: details.numRuns, shrinks: 0 };
  const render = opts.duration ? { duration: opts.duration } : {};
  const targeted = invariants.filter((i) => i.name === target);
  const violated = async (m: ScenarioModel): Promise<Violation | undefined> => (await checkRun(scenarioOf(m, render), spec, { invariants: targeted }))[0];
  const { model, steps } = await minimizeModel(details.counterexample[0], async (m) => (await violated(m)) !== undefined, (m) => scenarioYaml(m, render));
  // The violation of the minimal scenario itself.
  const final = (await violated(model)) ?? violation!;
  return { ...base, ok: false, runs: details.numRuns, shrinks: details.numShrinks + steps, violation: final, counterexample: model };
}

type Mutation = (m: ScenarioModel) => ScenarioModel | null;

/** Every one-step simplification of a model: drop a list element, or set one field to a simpler value. */
function mutations(m: ScenarioModel): Mutation[] {
  const out: Mutation[] = [];
  const setW = (i: number, f: (w: ScenarioModel['workloads'][number]) => ScenarioModel['workloads'][number]): Mutation => (x) => ({ ...x, workloads: x.workloads.map((w, k) => (k === i ? f(w) : w)) });
  const setC = (i: number, f: (c: ScenarioModel['clusters'][number]) => ScenarioModel['clusters'][number]): Mutation => (x) => ({ ...x, clusters: x.clusters.map((c, k) => (k === i ? f(c) : c)) });
  for (let i = m.workloads.length - 1; i >= 0; i--) out.push((x) => (x.workloads.length > 1 ? { ...x, workloads: x.workloads.filter((_, k) => k !== i) } : null));
  for (let i = m.failures.length - 1; i >= 0; i--) out.push((x) => ({ ...x, failures: x.failures.filter((_, k) => k !== i) }));
  for (let i = m.clusters.length - 1; i >= 0; i--) out.push((x) => (x.clusters.length > 1 ? { ...x, clusters: x.clusters.filter((_, k) => k !== i) } : null));
  out.push((x) => ({ ...x, failover: false }), (x) => ({ ...x, seed: 1 }));
  m.workloads.forEach((_, i) => {
    out.push(
      setW(i, (w) => ({ ...w, kind: 'Deployment' })),
      setW(i, (w) => ({ ...w, replicas: 1 })),
      setW(i, (w) => ({ ...w, replicas: Math.max(1, w.replicas - 1) })),
      setW(i, (w) => ({ ...w, at: 0 })),
      setW(i, (w) => ({ ...w, scaleTo: null })),
      setW(i, (w) => ({ ...w, gang: false })),
      setW(i, (w) => ({ ...w, gpus: 0 })),
      setW(i, (w) => ({ ...w, cpuMilli: 1000 })),
      setW(i, (w) => ({ ...w, memoryMi: 1024 })),
      setW(i, (w) => ({ ...w, minutes: 1 })),
      setW(i, (w) => ({ ...w, placement: { ...w.placement, clusterNames: null } })),
      setW(i, (w) => ({ ...w, placement: { ...w.placement, tier: null } })),
      setW(i, (w) => ({ ...w, placement: { ...w.placement, tolerate: false } })),
      setW(i, (w) => ({ ...w, placement: { ...w.placement, weights: [] } })),
      ...(['StaticWeight', 'Duplicated', 'Aggregated', 'DynamicWeight'] as const).map((division) => setW(i, (w) => ({ ...w, placement: { ...w.placement, division } }))),
    );
  });
  m.clusters.forEach((_, i) => {
    out.push(
      setC(i, (c) => ({ ...c, nodes: 1 })),
      setC(i, (c) => ({ ...c, cpu: 4 })),
      setC(i, (c) => ({ ...c, memoryGi: 8 })),
      setC(i, (c) => ({ ...c, gpus: 0 })),
      setC(i, (c) => ({ ...c, region: 0 })),
      setC(i, (c) => ({ ...c, tier: 'a' })),
      setC(i, (c) => ({ ...c, taint: null })),
      setC(i, (c) => ({ ...c, volcano: null })),
    );
  });
  return out;
}

/**
 * After fast-check's shrinking, a greedy pass (delta debugging): apply each one-step
 * simplification that keeps the violation AND makes the scenario's YAML shorter, until none
 * does. The length strictly decreases, so it ends; the order is fixed, so it is deterministic.
 */
export async function minimizeModel(model: ScenarioModel, fails: (m: ScenarioModel) => Promise<boolean>, yaml: (m: ScenarioModel) => string): Promise<{ model: ScenarioModel; steps: number }> {
  let best = model;
  let size = yaml(best).length;
  let steps = 0;
  for (let changed = true; changed; ) {
    changed = false;
    // One pass over the simplifications; after each success the list is rebuilt for the new
    // model (it depends on it) and the pass goes on from the same position.
    for (let i = 0, list = mutations(best); i < list.length; i++) {
      const next = list[i](best);
      if (!next) continue;
      const len = yaml(next).length;
      if (len >= size || !(await fails(next))) continue;
      best = next;
      size = len;
      steps++;
      changed = true;
      list = mutations(best);
      i--;
    }
  }
  return { model: best, steps };
}

/** The counterexample as scenario YAML, with the violation and how to reproduce it in comments. */
export function counterexampleYaml(r: CheckPolicyResult, file: string, opts: { duration?: string } = {}): string {
  if (!r.counterexample || !r.violation) throw new Error('counterexampleYaml: the check found no violation');
  const spec = isModulePath(r.scheduler) ? resolve(r.scheduler) : r.scheduler;
  const allow = allowReadFor(spec, file);
  return scenarioYaml(r.counterexample, {
    name: `${r.name}-counterexample`,
    file: resolve(file),
    schedulers: [spec],
    ...(opts.duration ? { duration: opts.duration } : {}),
    comments: [
      `fleetsim check: ${r.name} violates ${r.violation.invariant}`,
      r.violation.message,
      `found after ${r.runs} random scenario(s), seed ${r.seed}, shrunk ${r.shrinks} times`,
      `reproduce: npx fleetsim check ${file} --runs 0${allow}   (or: npx fleetsim run ${file}${allow})`,
    ],
  });
}

/** `--allow-read <folder>` when a scheduler module lies outside the counterexample's folder (scenarios read only inside their own). */
export function allowReadFor(scheduler: string, file: string): string {
  if (!isModulePath(scheduler)) return '';
  const rel = relative(dirname(resolve(file)), scheduler);
  return rel.startsWith('..') || isAbsolute(rel) ? ` --allow-read ${dirname(scheduler)}` : '';
}

export function writeCounterexample(r: CheckPolicyResult, file: string, opts: { duration?: string } = {}): string {
  const text = counterexampleYaml(r, file, opts);
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileAtomic(resolve(file), text);
  return text;
}
