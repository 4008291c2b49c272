import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { registerBuiltinSchedulers } from '../../placement/builtin.js';
import { schedulerNames } from '../../placement/registry.js';
import { formatRunSummary, renderRunReport } from '../../report/run-report.js';
import { formatInputs } from '../../report/inputs-report.js';
import { checkRunOutDir, prepareOutDir, writeFileAtomic } from '../../runner/outputs.js';
import { loadSchedulers } from '../../runner/preflight.js';
import { inputsReport, runAll } from '../../runner/run.js';
import { loadScenarioVariants } from '../../scenario/load.js';
import { UserError } from '../../errors.js';
import { listenForInterrupt } from '../interrupt.js';
import { limitLoadOptions, limitOptions, type LimitArgs } from '../limits.js';
import { ProgressBar } from '../progress.js';

interface Args extends LimitArgs {
  scenario: string;
  seed?: number;
  out?: string;
  json?: boolean;
  scheduler?: string[];
  progress?: boolean;
  force?: boolean;
}

export const runCommand: CommandModule<object, Args> = {
  command: 'run <scenario>',
  describe: 'Run a scenario; print a summary and write summary.json and index.html',
  builder: (y) =>
    limitOptions(
      y
        .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' })
        .option('seed', { type: 'number', describe: "override the scenario's seed" })
        .option('out', { type: 'string', describe: 'output folder (default reports/<scenario name>/)' })
        .option('force', { type: 'boolean', default: false, describe: "write into --out even if it holds another scenario's report or other files" })
        .option('json', { type: 'boolean', default: false, describe: 'print summary.json to stdout instead of the text summary' })
        .option('scheduler', { type: 'string', array: true, describe: "fleet scheduler(s) to run instead of the scenario's list: a registered name or a module path" })
        .option('progress', { type: 'boolean', describe: 'show a progress bar (default: when stderr is a terminal and not in CI)' }),
    ) as never,
  handler: async (args) => {
    if (args.seed !== undefined && (!Number.isInteger(args.seed) || args.seed < 0)) throw new UserError(`--seed: expected a non-negative integer, found ${args.seed}`);
    registerBuiltinSchedulers();
    const opts = limitLoadOptions(args);
    const variants = loadScenarioVariants(args.scenario, { knownSchedulers: schedulerNames(), ...opts });
    await loadSchedulers(variants, args.scheduler);
    const scenario = variants[0];
    // What validate says about the inputs, before the runs (stderr with --json: stdout is the JSON).
    const said = formatInputs(inputsReport(scenario));
    if (said.length) (args.json ? process.stderr : process.stdout).write(`${args.scenario}: inputs\n${said.join('\n')}\n`);
    // The output folder is checked before anything runs: a mistake there must not cost the run.
    const outDir = resolve(args.out ?? join('reports', scenario.name));
    checkRunOutDir(outDir, scenario.name, args.force ?? false);
    prepareOutDir(outDir);
    const showProgress = args.progress ?? (process.stderr.isTTY === true && !process.env.CI);
    const bar = showProgress ? new ProgressBar(`running ${scenario.name}`) : null;
    const interrupt = listenForInterrupt(() => bar?.done());
    const t0 = performance.now();
    let summary;
    try {
      summary = await runAll(variants, {
        ...(args.scheduler?.length ? { schedulers: args.scheduler } : {}),
        ...(args.seed !== undefined ? { seed: args.seed } : {}),
        ...(bar ? { onProgress: (f: number) => bar.update(f) } : {}),
        limits: opts.limits,
        signal: interrupt.signal,
      });
    } finally {
      bar?.done();
      interrupt.dispose();
    }
    const wall = (performance.now() - t0) / 1000;
    // Write the results first, so nothing computed is lost if the report fails.
    const json = JSON.stringify(summary, null, 2) + '\n';
    const files = [join(outDir, 'summary.json'), join(outDir, 'index.html')];
    writeFileAtomic(files[0], json);
    writeFileAtomic(files[1], await renderRunReport(summary, readFileSync(scenario.file, 'utf8')));
    if (args.json) {
      process.stdout.write(json);
    } else {
      process.stdout.write(formatRunSummary(summary));
      const events = summary.runs.reduce((s, r) => s + r.events, 0);
      process.stdout.write(`\nwrote ${files[0]} and ${files[1]} (${events} events in ${wall.toFixed(2)} s wall)\n`);
    }
    const cut = summary.runs.find((r) => r.partial);
    const shown = relative(process.cwd(), outDir) || '.';
    if (interrupt.received()) {
      const done = summary.runs.filter((r) => !r.partial).length;
      const total = summary.runs.length + (summary.skipped ?? 0);
      process.stderr.write(
        `fleetsim: interrupted${cut ? ` at ${cut.partial!.at.toFixed(0)} s of ${cut.duration} s simulated` : ''}: kept ${done} of ${total} run${total === 1 ? '' : 's'} whole and a partial report in ${shown}/; run it again to finish: fleetsim run ${args.scenario}${args.out ? ` --out ${args.out}` : ''}\n`,
      );
      process.exitCode = interrupt.exitCode();
    } else if (cut) {
      process.stderr.write(`fleetsim: ${cut.scheduler}${cut.variant ? ` (${cut.variant})` : ''} stopped at ${cut.partial!.at.toFixed(0)} s of ${cut.duration} s simulated: ${cut.partial!.message}; wrote a partial report to ${shown}/\n`);
      process.exitCode = 2;
    }
  },
};
