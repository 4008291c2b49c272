import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { UserError } from '../../errors.js';
import { registerBuiltinSchedulers } from '../../placement/builtin.js';
import { schedulerNames } from '../../placement/registry.js';
import { defaultWorkerCount, WorkerPool } from '../../runner/pool.js';
import { executeSweep, SWEEP_TASK } from '../../runner/sweep.js';
import type { SweepHeader, SweepRecord } from '../../runner/sweep-results.js';
import { planSweep } from '../../runner/sweep-plan.js';
import { inputsReport } from '../../runner/run.js';
import type { InputsReport } from '../../runner/result.js';
import { formatInputs } from '../../report/inputs-report.js';
import type { ClaimSpec } from '../../scenario/types.js';
import { ProgressBar } from '../progress.js';

interface Args {
  scenario: string;
  seed?: number;
  out?: string;
  json?: boolean;
  scheduler?: string[];
  replications?: number;
  workers?: number;
  openmetrics?: string;
  'start-time'?: string;
  progress?: boolean;
}

/** The modules that turn runs into outputs, loaded when the runs are under way (arquero, vega-lite). */
const outputModules = () =>
  Promise.all([
    import('../../runner/sweep-aggregate.js'),
    import('../../report/claims.js'),
    import('../../report/verdict.js'),
    import('../../report/run-summary.js'),
    import('../../report/series-table.js'),
    import('../../report/run-report.js'),
  ]);

/**
 * Write what `fleetsim run` writes, from its runs: summary.json (summaries and the verdict), then
 * the columnar files beside it (series.arrow: every time series; workloads.arrow: every workload
 * of every run), then index.html, then (asked) the OpenMetrics text. Summaries first, so nothing
 * computed is lost if a later step fails. Returns the text summary and the files written.
 */
export async function writeRunOutputs(
  outDir: string,
  header: SweepHeader,
  records: ReadonlyMap<string, SweepRecord>,
  opts: { openmetrics?: string | null; startTime?: number; claims?: readonly ClaimSpec[]; assumptions?: readonly string[]; inputs?: InputsReport | null } = {},
): Promise<{ json: string; text: string; files: string[] }> {
  const [{ aggregate, sweepData, writeArrowFile }, { claimRows }, { computeVerdict }, { formatRunSummary, runSummaryFile, workloadRows }, { seriesColumns, seriesTable }, { renderRunReport }] = await outputModules();
  mkdirSync(outDir, { recursive: true });
  const data = sweepData(header, records);
  const agg = aggregate(data);
  const verdict = computeVerdict(data, agg);
  const claims = claimRows(opts.claims ?? [], data, agg);
  const extra = { claims, assumptions: opts.assumptions ?? [], inputs: opts.inputs ?? null };
  const files: string[] = [];
  const json = JSON.stringify(runSummaryFile(data, verdict, { series: 'series.arrow', workloads: 'workloads.arrow', report: 'index.html' }, extra), null, 1) + '\n';
  const write = (name: string, f: () => void) => {
    f();
    files.push(join(outDir, name));
  };
  write('summary.json', () => writeFileSync(join(outDir, 'summary.json'), json));
  const series = seriesTable(data);
  write('series.arrow', () => writeArrowFile(join(outDir, 'series.arrow'), seriesColumns(series)));
  const workloads = workloadRows(data);
  if (workloads.length) write('workloads.arrow', () => writeArrowFile(join(outDir, 'workloads.arrow'), workloads));
  const html = await renderRunReport(data, agg, verdict, extra);
  write('index.html', () => writeFileSync(join(outDir, 'index.html'), html));
  if (opts.openmetrics !== undefined && opts.openmetrics !== null) {
    const { writeOpenMetrics, DEFAULT_START } = await import('../../report/openmetrics.js');
    const file = opts.openmetrics ? resolve(opts.openmetrics) : join(outDir, 'metrics.om');
    writeOpenMetrics(file, series, opts.startTime ?? DEFAULT_START);
    files.push(file);
  }
  return { json, text: formatRunSummary(data, verdict, claims), files };
}

/** `--start-time`: an RFC 3339 instant or Unix seconds. */
function parseStartTime(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const ms = Date.parse(v);
  if (!/^\d{4}-\d\d-\d\dT/.test(v) || Number.isNaN(ms)) throw new UserError(`--start-time: expected an RFC 3339 time like 2025-01-01T00:00:00Z or Unix seconds, found ${v}`);
  return ms / 1000;
}

function positiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new UserError(`--${name}: expected an integer >= 1, found ${v}`);
}

export const runCommand: CommandModule<object, Args> = {
  command: 'run <scenario>',
  describe: "Run a scenario's schedulers (and variants) on common seeds; print the verdict and a summary; write summary.json, series.arrow, workloads.arrow and index.html",
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' })
      .option('seed', { type: 'number', describe: "replication 0's seed instead of the scenario's (the others derive from it)" })
      .option('replications', { type: 'number', describe: "runs per scheduler and variant on common seeds (default: the scenario's replications:, else 1)" })
      .option('workers', { type: 'number', describe: 'worker threads for the runs (default: one per core)' })
      .option('out', { type: 'string', describe: 'output folder (default reports/<scenario name>/)' })
      .option('json', { type: 'boolean', default: false, describe: 'print summary.json to stdout instead of the text summary' })
      .option('scheduler', { type: 'string', array: true, describe: "fleet scheduler(s) to run instead of the scenario's list: a registered name or a module path" })
      .option('openmetrics', { type: 'string', describe: 'also write every time series as OpenMetrics text (for promtool tsdb create-blocks-from openmetrics) to this file (default <out>/metrics.om)' })
      .option('start-time', { type: 'string', describe: 'with --openmetrics: the wall-clock time of the simulated start (RFC 3339 or Unix seconds; default 2025-01-01T00:00:00Z)' })
      .option('progress', { type: 'boolean', describe: 'show a progress bar (default: when stderr is a terminal and not in CI)' }) as never,
  handler: async (args) => {
    if (args.seed !== undefined && (!Number.isInteger(args.seed) || args.seed < 0)) throw new UserError(`--seed: expected a non-negative integer, found ${args.seed}`);
    positiveInt('replications', args.replications);
    positiveInt('workers', args.workers);
    const startTime = parseStartTime(args['start-time']);
    if (startTime !== undefined && args.openmetrics === undefined) throw new UserError('--start-time: only with --openmetrics');
    // Worker threads start now and import the simulator while this thread reads the scenario.
    const workers = args.workers ?? defaultWorkerCount();
    const pool = workers > 1 ? new WorkerPool(workers) : null;
    pool?.prestart(SWEEP_TASK, 'runSweepTask');
    try {
      registerBuiltinSchedulers();
      // `run` is a sweep without sweep axes: variants × schedulers × replications, one code path.
      const plan = planSweep(args.scenario, {
        ...(args.replications !== undefined ? { replications: args.replications } : {}),
        ...(args.seed !== undefined ? { seed: args.seed } : {}),
        ...(args.scheduler?.length ? { schedulers: args.scheduler } : {}),
        ignoreSweepBlock: true,
        knownSchedulers: schedulerNames(),
      });
      const scenario = plan.points[0].scenario;
      // What validate says about the inputs, before the runs (stderr with --json: stdout is the JSON).
      const inputs = inputsReport(scenario);
      const said = formatInputs(inputs);
      if (said.length) (args.json ? process.stderr : process.stdout).write(`${args.scenario}: inputs\n${said.join('\n')}\n`);
      const outDir = resolve(args.out ?? join('reports', plan.name));
      const showProgress = args.progress ?? (process.stderr.isTTY === true && !process.env.CI);
      const bar = showProgress ? new ProgressBar(`running ${plan.name}: ${plan.runs.length} run${plan.runs.length === 1 ? '' : 's'}`) : null;
      const t0 = performance.now();
      let loading: Promise<unknown> | null = null;
      const res = await executeSweep(plan, {
        outDir,
        resultsFile: false,
        waits: true,
        workers,
        ...(pool ? { pool } : {}),
        onProgress: (p) => {
          bar?.update(p.total ? p.done / p.total : 1);
          // Once the threads are busy, this one has time to load what writes the outputs.
          if (pool && p.done > 0) loading ??= outputModules().catch(() => undefined);
        },
      });
      bar?.done();
      const wall = (performance.now() - t0) / 1000;
      await loading;
      const out = await writeRunOutputs(outDir, res.header, res.records, {
        inputs,
        ...(args.openmetrics !== undefined ? { openmetrics: args.openmetrics } : {}),
        ...(startTime !== undefined ? { startTime } : {}),
        claims: scenario.claims,
        assumptions: scenario.assumptions,
      });
      const records = [...res.records.values()];
      if (args.json) process.stdout.write(out.json);
      else {
        process.stdout.write(out.text);
        const events = records.reduce((s, r) => s + (r.result?.events ?? 0), 0);
        process.stdout.write(`\nwrote ${out.files.map((f) => (f.startsWith(outDir + '/') ? f.slice(outDir.length + 1) : f)).join(', ')} in ${outDir} (${records.length} run${records.length === 1 ? '' : 's'}, ${events} events in ${wall.toFixed(2)} s wall)\n`);
      }
      const failed = records.filter((r) => r.status === 'failed');
      if (failed.length) {
        for (const f of failed.slice(0, 5)) process.stderr.write(`fleetsim: run of ${f.scheduler}, replication ${f.replication} (seed ${f.seed}) failed: ${(f.error ?? '').split('\n')[0]}\n`);
        if (failed.length > 5) process.stderr.write(`fleetsim: ... and ${failed.length - 5} more failed runs (see summary.json)\n`);
        process.exitCode = 1;
      }
    } finally {
      await pool?.close();
    }
  },
};
