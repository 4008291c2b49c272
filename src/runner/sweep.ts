import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { registerBuiltinSchedulers, resolveScheduler } from '../placement/builtin.js';
import { inShard, type Shard } from './sweep-keys.js';
import type { SweepPlan } from './sweep-plan.js';
import { fileExists, headerOf, readResultsFile, resultsFileName, ResultsWriter, type SweepHeader, type SweepRecord } from './sweep-results.js';
import type { SweepTask, SweepTaskResult } from './sweep-task.js';
import { canUseThreads, runPoolStreaming, type TaskOutcome, type WorkerPool } from './pool.js';

/**
 * Run a sweep's runs (or one shard's) on a worker pool, appending each finished run to the
 * results file at once. With `resume`, runs the file already holds as `ok` are skipped (failed
 * ones are run again). A run that throws is recorded as failed and the others go on.
 */
export interface ExecuteOptions {
  readonly outDir: string;
  /**
   * Append each run to `runs.jsonl` in `outDir` (default true). `fleetsim run` keeps its runs in
   * memory instead: its outputs are the summary, the tables and the report built from them.
   */
  readonly resultsFile?: boolean;
  /** Record why workloads wait (RunResult.waits) in every run: `fleetsim run`'s report explains them. */
  readonly waits?: boolean;
  readonly workers?: number;
  readonly resume?: boolean;
  readonly shard?: Shard | null;
  /** After each finished run: runs done (including those skipped by --resume), total, failed so far. */
  readonly onProgress?: (p: { done: number; total: number; failed: number }) => void;
  /**
   * Run on this pool's threads (the caller may have started them early, see
   * `WorkerPool.prestart`; the caller closes it) instead of a pool of `workers` made for the runs.
   */
  readonly pool?: WorkerPool;
}

export interface ExecuteResult {
  readonly file: string;
  readonly header: SweepHeader;
  /** The records the results file holds for this plan (and shard): what `readResultsFile` would read back, in the same order. */
  readonly records: Map<string, SweepRecord>;
  /** Runs executed now, and skipped because --resume found them done. */
  readonly ran: number;
  readonly skipped: number;
}

/** The module a sweep's runs execute (`runSweepTask`), in worker threads or in this one. */
export const SWEEP_TASK = new URL(`./sweep-task${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

export async function executeSweep(plan: SweepPlan, opts: ExecuteOptions): Promise<ExecuteResult> {
  registerBuiltinSchedulers();
  // Resolve every scheduler once here: an unknown name is the user's mistake (exit 2), not N failed runs.
  for (const spec of new Set(plan.runs.map((r) => r.schedulerSpec))) await resolveScheduler(spec);
  const shard = opts.shard ?? null;
  const keepFile = opts.resultsFile !== false;
  if (keepFile) mkdirSync(opts.outDir, { recursive: true });
  const file = join(opts.outDir, resultsFileName(shard));
  const header = headerOf(plan, shard);
  const selected = plan.runs.filter((r) => inShard(r, shard));

  const done = new Set<string>();
  // What reading the file back after the runs would give (the last line per run of this plan and
  // shard, in the order the file first has them), kept as the lines are written instead: a read
  // back of a big sweep's results is a second parse of every RunResult after the runs (0.6 s for
  // 105 MB), with the report waiting.
  const records = new Map<string, SweepRecord>();
  let writer: ResultsWriter | null = null;
  if (!keepFile) {
    if (opts.resume) throw new Error('internal: --resume needs a results file');
  } else if (opts.resume && fileExists(file)) {
    const existing = readResultsFile(file);
    if (existing.header.scenarioHash !== plan.scenarioHash) {
      throw new UserError(`${file} holds results of a different scenario (the scenario file or an included manifest changed): use another --out, or run without --resume to start over`);
    }
    for (const r of selected) if (existing.all.get(r.id)?.status === 'ok') done.add(r.id);
    const wanted = new Set(selected.map((r) => r.id));
    for (const [id, rec] of existing.all) if (wanted.has(id)) records.set(id, rec);
    writer = ResultsWriter.resume(existing, header);
  } else {
    writer = ResultsWriter.create(file, header);
  }

  const todo = selected.filter((r) => !done.has(r.id));
  const tasks: SweepTask[] = todo.map((r) => ({
    scenario: plan.points[r.point].scenario,
    scheduler: r.schedulerSpec,
    ...(opts.waits ? { waits: true } : {}),
    run: { id: r.id, index: r.index, point: r.point, values: plan.points[r.point].values, scheduler: r.scheduler, replication: r.replication, seed: r.seed },
  }));
  const moduleUrl = SWEEP_TASK;
  let finished = done.size;
  let failed = 0;
  opts.onProgress?.({ done: finished, total: selected.length, failed });
  try {
    const onOutcome = (i: number, outcome: TaskOutcome<SweepTaskResult>): void => {
      const line = outcome.ok ? outcome.value.line : JSON.stringify({ type: 'run', ...tasks[i].run, status: 'failed', error: outcome.error } satisfies SweepRecord);
      writer?.writeLine(line);
      const rec = JSON.parse(line) as SweepRecord;
      records.set(rec.id, rec);
      finished++;
      if (!outcome.ok) failed++;
      opts.onProgress?.({ done: finished, total: selected.length, failed });
    };
    if (opts.pool && tasks.length > 1 && canUseThreads(moduleUrl)) await opts.pool.run<SweepTask, SweepTaskResult>(moduleUrl, 'runSweepTask', tasks, { onOutcome });
    else await runPoolStreaming<SweepTask, SweepTaskResult>(moduleUrl, 'runSweepTask', tasks, { ...(opts.workers !== undefined ? { workers: opts.workers } : {}), onOutcome });
  } finally {
    writer?.close();
  }
  return { file, header: writer?.header ?? header, records, ran: todo.length, skipped: done.size };
}
