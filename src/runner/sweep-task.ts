import { threadId } from 'node:worker_threads';
import type { Scenario } from '../scenario/types.js';
import type { RunResult } from './result.js';
import { runScenario } from './run.js';
import { runMetrics, type MetricValue } from './sweep-metrics.js';

/**
 * One run of a sweep: the task a pool worker (or this thread) executes. The task carries the
 * point's validated Scenario (plain data, structured-cloned to the worker), so a worker does no
 * YAML reading and cannot disagree with the plan.
 */
export interface SweepTask {
  readonly scenario: Scenario;
  readonly scheduler: string;
  readonly seed: number;
}

export interface SweepTaskResult {
  readonly result: RunResult;
  readonly metrics: MetricValue[];
  readonly wallSeconds: number;
  /** The thread that ran it (0: the main thread). */
  readonly thread: number;
}

export async function runSweepTask(task: SweepTask): Promise<SweepTaskResult> {
  const t0 = performance.now();
  const result = await runScenario(task.scenario, { scheduler: task.scheduler, seed: task.seed });
  return { result, metrics: runMetrics(result, task.scenario), wallSeconds: (performance.now() - t0) / 1000, thread: threadId };
}
