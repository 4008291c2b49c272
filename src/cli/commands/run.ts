import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { registerBuiltinSchedulers } from '../../placement/builtin.js';
import { schedulerNames } from '../../placement/registry.js';
import { formatRunSummary, renderRunReport } from '../../report/run-report.js';
import { formatInputs } from '../../report/inputs-report.js';
import { inputsReport, runAll } from '../../runner/run.js';
import { loadScenarioVariants } from '../../scenario/load.js';
import { UserError } from '../../errors.js';
import { ProgressBar } from '../progress.js';

interface Args {
  scenario: string;
  seed?: number;
  out?: string;
  json?: boolean;
  scheduler?: string[];
  progress?: boolean;
}

export const runCommand: CommandModule<object, Args> = {
  command: 'run <scenario>',
  describe: 'Run a scenario; print a summary and write summary.json and index.html',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' })
      .option('seed', { type: 'number', describe: "override the scenario's seed" })
      .option('out', { type: 'string', describe: 'output folder (default reports/<scenario name>/)' })
      .option('json', { type: 'boolean', default: false, describe: 'print summary.json to stdout instead of the text summary' })
      .option('scheduler', { type: 'string', array: true, describe: "fleet scheduler(s) to run instead of the scenario's list: a registered name or a module path" })
      .option('progress', { type: 'boolean', describe: 'show a progress bar (default: when stderr is a terminal and not in CI)' }) as never,
  handler: async (args) => {
    if (args.seed !== undefined && (!Number.isInteger(args.seed) || args.seed < 0)) throw new UserError(`--seed: expected a non-negative integer, found ${args.seed}`);
    registerBuiltinSchedulers();
    const variants = loadScenarioVariants(args.scenario, { knownSchedulers: schedulerNames() });
    const scenario = variants[0];
    // What validate says about the inputs, before the runs (stderr with --json: stdout is the JSON).
    const said = formatInputs(inputsReport(scenario));
    if (said.length) (args.json ? process.stderr : process.stdout).write(`${args.scenario}: inputs\n${said.join('\n')}\n`);
    const outDir = resolve(args.out ?? join('reports', scenario.name));
    const showProgress = args.progress ?? (process.stderr.isTTY === true && !process.env.CI);
    const bar = showProgress ? new ProgressBar(`running ${scenario.name}`) : null;
    const t0 = performance.now();
    const summary = await runAll(variants, {
      ...(args.scheduler?.length ? { schedulers: args.scheduler } : {}),
      ...(args.seed !== undefined ? { seed: args.seed } : {}),
      ...(bar ? { onProgress: (f: number) => bar.update(f) } : {}),
    });
    bar?.done();
    const wall = (performance.now() - t0) / 1000;
    // Write the results first, so nothing computed is lost if the report fails.
    mkdirSync(outDir, { recursive: true });
    const json = JSON.stringify(summary, null, 2) + '\n';
    writeFileSync(join(outDir, 'summary.json'), json);
    const html = await renderRunReport(summary, readFileSync(scenario.file, 'utf8'));
    writeFileSync(join(outDir, 'index.html'), html);
    if (args.json) {
      process.stdout.write(json);
    } else {
      process.stdout.write(formatRunSummary(summary));
      const events = summary.runs.reduce((s, r) => s + r.events, 0);
      process.stdout.write(`\nwrote ${join(outDir, 'summary.json')} and ${join(outDir, 'index.html')} (${events} events in ${wall.toFixed(2)} s wall)\n`);
    }
  },
};
