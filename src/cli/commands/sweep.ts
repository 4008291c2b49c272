import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { UserError } from '../../errors.js';
import { registerBuiltinSchedulers } from '../../placement/builtin.js';
import { schedulerNames } from '../../placement/registry.js';
import { warmChartRenderer } from '../../report/html.js';
import { defaultWorkerCount, WorkerPool } from '../../runner/pool.js';
import { executeSweep, SWEEP_TASK } from '../../runner/sweep.js';
import type { AggregateRow, SweepData } from '../../runner/sweep-aggregate.js';
import { runMemoryMiB } from '../../runner/footprint.js';
import { k8sJobManifest } from '../../runner/sweep-k8s.js';
import { parseShard } from '../../runner/sweep-keys.js';
import { planSweep } from '../../runner/sweep-plan.js';
import type { SweepHeader, SweepRecord } from '../../runner/sweep-results.js';
import { FLEETSIM_VERSION } from '../../version.js';
import { ProgressBar } from '../progress.js';

interface Args {
  scenario: string;
  workers?: number;
  replications?: number;
  out?: string;
  set?: string[];
  scheduler?: string[];
  resume: boolean;
  shard?: string;
  emit?: string;
  shards: number;
  image?: string;
  pvc: string;
  namespace?: string;
  progress?: boolean;
}

export const DEFAULT_REPLICATIONS = 5;

/**
 * The modules that turn results into tables and the report, imported when they are needed
 * (arquero alone takes ~0.1 s): a sweep's worker threads start, and its runs begin, that much sooner.
 */
const outputModules = () => Promise.all([import('../../runner/sweep-aggregate.js'), import('../../report/sweep-report.js')]);

/** Write the tables (CSV, JSON, Arrow) and the HTML report of a sweep's results; returns what it computed and the text summary. */
export async function writeSweepOutputs(outDir: string, header: SweepHeader, records: ReadonlyMap<string, SweepRecord>): Promise<{ data: SweepData; agg: AggregateRow[]; files: string[]; notes: string[]; summary: string }> {
  const [{ aggregate, sweepData, writeTables }, { formatSweepSummary, renderSweepReport }] = await outputModules();
  mkdirSync(outDir, { recursive: true });
  const data = sweepData(header, records);
  const agg = aggregate(data);
  // Tables first, so nothing computed is lost if the report fails.
  const { files, notes } = writeTables(outDir, data, agg);
  const html = join(outDir, 'index.html');
  writeFileSync(html, await renderSweepReport(data, agg));
  files.push(html);
  return { data, agg, files, notes, summary: formatSweepSummary(data, agg) };
}

/** A flag that must be a whole number >= 1 (when given). */
export function positiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new UserError(`--${name}: expected an integer >= 1, found ${v}`);
}

export const sweepCommand: CommandModule<object, Args> = {
  command: 'sweep <scenario>',
  describe: 'Run a scenario over its sweep points × schedulers × replications on a worker pool; write runs and aggregates (JSONL, CSV, JSON, Arrow) and an HTML report',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file (its sweep: block gives the axes)' })
      .option('workers', { type: 'number', describe: 'worker threads (default: one per core)' })
      .option('replications', { type: 'number', describe: `seeds per sweep point and scheduler (replication 0 = the scenario seed; default: the scenario's replications:, else ${DEFAULT_REPLICATIONS})` })
      .option('out', { type: 'string', describe: 'output folder (default reports/<scenario name>-sweep/)' })
      .option('set', { type: 'string', array: true, describe: 'a sweep axis path=v1,v2,... (values are YAML), added to or replacing the sweep: block\'s' })
      .option('scheduler', { type: 'string', array: true, describe: "fleet scheduler(s) instead of the scenario's list" })
      .option('resume', { type: 'boolean', default: false, describe: 'keep the results file and skip the runs it has finished (failed ones run again)' })
      .option('shard', { type: 'string', describe: 'run shard i/n only (0 <= i < n): every n-th run; writes runs-shard-i-of-n.jsonl for fleetsim merge' })
      .option('emit', { type: 'string', choices: ['k8s-job'], describe: 'print a Kubernetes Indexed Job that runs the sweep as --shards pods, instead of running it' })
      .option('shards', { type: 'number', default: 4, describe: 'with --emit k8s-job: number of shards (pods)' })
      .option('image', { type: 'string', describe: `with --emit k8s-job: container image with fleetsim and the scenario (default fleetsim:${FLEETSIM_VERSION})` })
      .option('pvc', { type: 'string', default: 'fleetsim-results', describe: 'with --emit k8s-job: PersistentVolumeClaim mounted at /results' })
      .option('namespace', { type: 'string', describe: 'with --emit k8s-job: the Job\'s namespace' })
      .option('progress', { type: 'boolean', describe: 'show a progress bar (default: when stderr is a terminal and not in CI)' }) as never,
  handler: async (args) => {
    positiveInt('workers', args.workers);
    positiveInt('replications', args.replications);
    positiveInt('shards', args.shards);
    const shard = args.shard === undefined ? null : parseShard(args.shard);
    if (args.shard !== undefined && shard === null) throw new UserError(`--shard: expected i/n with 0 <= i < n (e.g. 0/4), found ${args.shard}`);
    if (args.emit && shard) throw new UserError('--emit k8s-job writes the Job for every shard: give --shards n, not --shard');
    // Worker threads start now and import the simulator while this thread reads and plans the scenario.
    const workers = args.workers ?? defaultWorkerCount();
    const pool = workers > 1 && !args.emit ? new WorkerPool(workers) : null;
    pool?.prestart(SWEEP_TASK, 'runSweepTask');
    try {
      registerBuiltinSchedulers();
      const plan = planSweep(args.scenario, {
        ...(args.replications !== undefined ? { replications: args.replications } : {}),
        defaultReplications: DEFAULT_REPLICATIONS,
        ...(args.set?.length ? { set: args.set } : {}),
        ...(args.scheduler?.length ? { schedulers: args.scheduler } : {}),
        knownSchedulers: schedulerNames(),
      });

      if (args.emit === 'k8s-job') {
        process.stdout.write(
          k8sJobManifest({
            scenario: plan.name,
            scenarioPath: args.scenario,
            shards: args.shards,
            replications: plan.replications,
            workers: args.workers ?? 2,
            set: args.set ?? [],
            schedulers: args.scheduler ?? [],
            image: args.image ?? `fleetsim:${FLEETSIM_VERSION}`,
            pvc: args.pvc,
            runMemoryMiB: Math.max(...plan.points.map((pt) => runMemoryMiB(pt.scenario))),
            ...(args.namespace ? { namespace: args.namespace } : {}),
          }),
        );
        return;
      }

      const outDir = resolve(args.out ?? join('reports', `${plan.name}-sweep`));
      const showProgress = args.progress ?? (process.stderr.isTTY === true && !process.env.CI);
      const selected = shard ? plan.runs.filter((r) => r.index % shard.count === shard.index).length : plan.runs.length;
      const bar = showProgress ? new ProgressBar(`sweep ${plan.name}: ${selected} runs${shard ? ` (shard ${shard.index}/${shard.count})` : ''}`) : null;
      const t0 = performance.now();
      // While worker threads run the simulations this thread waits: it loads the table and report
      // modules and warms up the chart renderer meanwhile (0.4 s less after the runs; the same
      // report). Not before the first run has finished: until then the threads are handed their
      // tasks (by this thread) and compile the simulator, and ~0.5 s of this thread's work then
      // delayed both first runs (the first results came 0.4 s later).
      let warming: Promise<unknown> | null = null;
      const warmWhileRunning = workers > 1 && !shard;
      let doneAtStart: number | null = null;
      const onProgress = (p: { done: number; total: number }): void => {
        bar?.update(p.total ? p.done / p.total : 1);
        doneAtStart ??= p.done; // the first report is before any run (runs done before, with --resume)
        if (warmWhileRunning && p.done > doneAtStart) warming ??= Promise.all([outputModules(), warmChartRenderer()]).catch(() => undefined);
      };
      const res = await executeSweep(plan, { outDir, workers, resume: args.resume, shard, ...(pool ? { pool } : {}), onProgress });
      bar?.done();
      const wall = (performance.now() - t0) / 1000;
      const failed = [...res.records.values()].filter((r) => r.status === 'failed');

      if (shard) {
        process.stdout.write(
          `shard ${shard.index}/${shard.count} of ${plan.name}: ${res.ran} runs now, ${res.skipped} done before, ${failed.length} failed (${wall.toFixed(2)} s wall)\nwrote ${res.file}\ncombine the shards with: fleetsim merge ${outDir} --out <dir>\n`,
        );
      } else {
        await warming;
        const { files, notes, summary } = await writeSweepOutputs(outDir, res.header, res.records);
        process.stdout.write(summary);
        for (const n of notes) process.stdout.write(`note: ${n}\n`);
        process.stdout.write(`\n${res.ran} runs now, ${res.skipped} done before (${wall.toFixed(2)} s wall); wrote ${res.file}, ${files.map((f) => f.slice(outDir.length + 1)).join(', ')} in ${outDir}\n`);
      }
      if (failed.length) {
        for (const f of failed.slice(0, 5)) process.stderr.write(`fleetsim: run ${f.id} (point ${f.point}, ${f.scheduler}, replication ${f.replication}, seed ${f.seed}) failed: ${(f.error ?? '').split('\n')[0]}\n`);
        if (failed.length > 5) process.stderr.write(`fleetsim: ... and ${failed.length - 5} more failed runs (see ${res.file})\n`);
        process.exitCode = 1;
      }
    } finally {
      await pool?.close();
    }
  },
};
