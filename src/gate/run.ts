import { registerBuiltinSchedulers, resolveScheduler } from '../placement/builtin.js';
import { schedulerNames } from '../placement/registry.js';
import { runPoolStreaming } from '../runner/pool.js';
import { FLEET } from '../runner/sweep-metrics.js';
import { planSweep, type SweepPlan } from '../runner/sweep-plan.js';
import type { BenchTask, BenchTaskResult } from './bench-task.js';
import type { BenchSuite } from './suite.js';

/**
 * Running a suite: every scenario (each point of its `sweep:` block, if it has one) × scheduler ×
 * replication, on the sweep's plan (`planSweep`: the same validation, the same replication
 * seeds, so replication r of every scheduler runs on the same seed: common random numbers) and
 * its worker pool. The samples are assembled in the plan's order, never in the order runs
 * finish, so they are identical for any number of workers.
 */

/** The per-replication values of one scenario (point) × scheduler. */
export interface CaseSamples {
  /** The scenario as written in the suite (its identity in the baseline). */
  readonly scenario: string;
  /** The scenario's name (for reports). */
  readonly name: string;
  /** The sweep point's label (`base` for a scenario without a sweep block). */
  readonly point: string;
  /** sha256 of the scenario document and its included files (the sweep's scenarioHash). */
  readonly scenarioHash: string;
  readonly scheduler: string;
  readonly seeds: readonly number[];
  /** metric key (`metric`, or `metric@cluster`) → one value per replication (null: the run had none). */
  readonly metrics: Readonly<Record<string, readonly (number | null)[]>>;
  /** Runs that threw (their values are null). */
  readonly failures: readonly { readonly replication: number; readonly seed: number; readonly error: string }[];
}

export interface RunSuiteOptions {
  readonly workers?: number;
  readonly onProgress?: (p: { done: number; total: number; failed: number }) => void;
}

const metricKey = (metric: string, scope: string): string => (scope === FLEET ? metric : `${metric}@${scope}`);

interface PlannedCase {
  readonly plan: SweepPlan;
  readonly scenario: string;
  readonly point: number;
  readonly schedulerIndex: number;
  readonly scheduler: string;
}

export async function runSuite(suite: BenchSuite, opts: RunSuiteOptions = {}): Promise<CaseSamples[]> {
  registerBuiltinSchedulers();
  // Resolve the suite's schedulers first: an unknown name or a broken module is the user's mistake (exit 2).
  for (const s of suite.schedulers ?? []) await resolveScheduler(s.spec);
  const plans = suite.scenarios.map((sc) =>
    planSweep(sc.absPath, {
      replications: sc.replications,
      knownSchedulers: schedulerNames(),
      ...(suite.schedulers ? { schedulers: suite.schedulers.map((s) => s.spec) } : {}),
    }),
  );
  for (const plan of plans) for (const spec of new Set(plan.runs.map((r) => r.schedulerSpec))) await resolveScheduler(spec);

  const cases: PlannedCase[] = [];
  const caseOf = new Map<string, number>();
  const tasks: BenchTask[] = [];
  const taskCase: { caseIndex: number; replication: number }[] = [];
  plans.forEach((plan, s) => {
    for (const run of plan.runs) {
      const key = `${s}\u0000${run.point}\u0000${run.scheduler}`;
      let ci = caseOf.get(key);
      if (ci === undefined) {
        ci = cases.length;
        caseOf.set(key, ci);
        const schedulerIndex = plan.schedulers.indexOf(run.scheduler);
        cases.push({ plan, scenario: suite.scenarios[s].id, point: run.point, schedulerIndex, scheduler: suite.schedulers ? suite.schedulers[schedulerIndex].id : run.scheduler });
      }
      tasks.push({ scenario: plan.points[run.point].scenario, scheduler: run.schedulerSpec, seed: run.seed });
      taskCase.push({ caseIndex: ci, replication: run.replication });
    }
  });

  const outcomes: ({ ok: true; value: BenchTaskResult } | { ok: false; error: string })[] = new Array(tasks.length);
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  let done = 0;
  let failed = 0;
  opts.onProgress?.({ done, total: tasks.length, failed });
  await runPoolStreaming<BenchTask, BenchTaskResult>(new URL(`./bench-task${ext}`, import.meta.url), 'runBenchTask', tasks, {
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    onOutcome: (i, o) => {
      outcomes[i] = o;
      done++;
      if (!o.ok) failed++;
      opts.onProgress?.({ done, total: tasks.length, failed });
    },
  });

  return cases.map((c, ci) => {
    const seeds = c.plan.runs.filter((r) => r.point === c.point && r.scheduler === c.plan.schedulers[c.schedulerIndex]).map((r) => r.seed);
    const metrics: Record<string, (number | null)[]> = {};
    const failures: { replication: number; seed: number; error: string }[] = [];
    taskCase.forEach((tc, i) => {
      if (tc.caseIndex !== ci) return;
      const o = outcomes[i];
      if (!o.ok) {
        failures.push({ replication: tc.replication, seed: seeds[tc.replication], error: o.error.split('\n')[0] });
        return;
      }
      for (const m of o.value.metrics) {
        const key = metricKey(m.metric, m.scope);
        (metrics[key] ??= new Array<number | null>(seeds.length).fill(null))[tc.replication] = m.value;
      }
    });
    return {
      scenario: c.scenario,
      name: c.plan.name,
      point: c.plan.points.length > 1 ? c.plan.points[c.point].label : 'base',
      scenarioHash: c.plan.scenarioHash,
      scheduler: c.scheduler,
      seeds,
      metrics,
      failures,
    };
  });
}
