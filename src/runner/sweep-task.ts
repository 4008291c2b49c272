import { threadId } from 'node:worker_threads';
import type { Scenario } from '../scenario/types.js';
import { runScenario } from './run.js';
import { runMetrics } from './sweep-metrics.js';
import type { SweepRecord } from './sweep-results.js';

/**
 * One run of a sweep: the task a pool worker (or this thread) executes. The task carries the
 * point's validated Scenario (plain data, structured-cloned to the worker), so a worker does no
 * YAML reading and cannot disagree with the plan; and the run's identity, so the worker returns
 * the finished results line itself (JSON text). The main thread then only appends that text: it
 * never deserialises and re-serialises a RunResult, so it does not become the bottleneck.
 */
export interface SweepTask {
  readonly scenario: Scenario;
  readonly scheduler: string;
  /** Record why workloads wait (RunResult.waits). */
  readonly waits?: boolean;
  readonly run: Pick<SweepRecord, 'id' | 'index' | 'point' | 'values' | 'scheduler' | 'replication' | 'seed'>;
  /** `metrics`: the record without its RunResult (`fleetsim plan` judges metrics only, over hundreds of runs). */
  readonly keep?: 'all' | 'metrics';
}

export interface SweepTaskResult {
  /** The `ok` record, as one line of JSON (no newline). */
  readonly line: string;
}

export async function runSweepTask(task: SweepTask): Promise<SweepTaskResult> {
  const t0 = performance.now();
  const result = await runScenario(task.scenario, { scheduler: task.scheduler, seed: task.run.seed, ...(task.waits ? { waits: true } : {}) });
  const record: SweepRecord = {
    type: 'run',
    ...task.run,
    status: 'ok',
    metrics: runMetrics(result, task.scenario),
    ...(task.keep === 'metrics' ? {} : { result }),
    wallSeconds: (performance.now() - t0) / 1000,
    thread: threadId,
  };
  return { line: JSON.stringify(record) };
}
