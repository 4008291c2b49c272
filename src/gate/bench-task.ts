import type { Scenario } from '../scenario/types.js';
import { runScenario } from '../runner/run.js';
import { runMetrics, type MetricValue } from '../runner/sweep-metrics.js';

/**
 * One run of a bench suite, as a worker-pool task (src/runner/pool.ts): the scenario (plain,
 * validated data), the scheduler to resolve and the seed; the result is only the run's metrics
 * (the sweep's `runMetrics`), so little crosses back between threads.
 */
export interface BenchTask {
  readonly scenario: Scenario;
  readonly scheduler: string;
  readonly seed: number;
}

export interface BenchTaskResult {
  readonly metrics: MetricValue[];
}

export async function runBenchTask(task: BenchTask): Promise<BenchTaskResult> {
  const result = await runScenario(task.scenario, { scheduler: task.scheduler, seed: task.seed });
  return { metrics: runMetrics(result, task.scenario) };
}
