import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { UserError } from '../../errors.js';
import { baselineOf, readBaseline, stableJson, writeBaseline, type BaselineFile } from '../../gate/baseline.js';
import { caseLabel, gate, type Verdict } from '../../gate/compare.js';
import { renderJUnit, renderMarkdown, type ReportContext } from '../../gate/report.js';
import { runSuite } from '../../gate/run.js';
import { loadSuite } from '../../gate/suite.js';
import { defaultWorkerCount } from '../../runner/pool.js';
import { ProgressBar } from '../progress.js';

interface Args {
  suite: string;
  baseline?: string;
  'update-baseline': boolean;
  out: string;
  workers?: number;
  progress?: boolean;
}

const display = (abs: string): string => {
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
};

const MARK: Record<Verdict, string> = { pass: 'pass', regression: 'REGRESSION', improvement: 'improved', new: 'new', 'no-data': 'no data', error: 'ERROR' };

export const benchCommand: CommandModule<object, Args> = {
  command: 'bench <suite>',
  describe: 'Regression gate: run a bench suite and compare each metric with the baseline (paired/Welch t-test and tolerance); exit 1 on a significant regression',
  builder: (y) =>
    y
      .positional('suite', { type: 'string', demandOption: true, describe: 'bench suite YAML (scenarios, schedulers, replications, metrics with direction and tolerance)' })
      .option('baseline', { type: 'string', describe: "baseline file (default: the suite's baseline:, else <suite name>.baseline.json beside the suite)" })
      .option('update-baseline', { type: 'boolean', default: false, describe: 'record this run as the new baseline (compares with the old one if any, never fails on it)' })
      .option('out', { type: 'string', default: join('reports', 'bench'), describe: 'folder for summary.md, junit.xml and results.json' })
      .option('workers', { type: 'number', describe: 'worker threads (default: one per core)' })
      .option('progress', { type: 'boolean', describe: 'show a progress bar (default: when stderr is a terminal and not in CI)' }) as never,
  handler: async (args) => {
    if (args.workers !== undefined && (!Number.isInteger(args.workers) || args.workers < 1)) throw new UserError(`--workers: expected an integer >= 1, found ${args.workers}`);
    const suite = loadSuite(args.suite);
    const baselinePath = args.baseline ? resolve(args.baseline) : suite.baseline;
    const update = args['update-baseline'];
    // Read the baseline before running anything: a missing one is the user's mistake, found at once.
    let baseline: BaselineFile | null = null;
    if (!update || existsSync(baselinePath)) baseline = readBaseline(baselinePath, display(baselinePath));

    const showProgress = args.progress ?? (process.stderr.isTTY === true && !process.env.CI);
    const bar = showProgress ? new ProgressBar(`bench ${suite.name}`) : null;
    const t0 = performance.now();
    const cases = await runSuite(suite, {
      workers: args.workers ?? defaultWorkerCount(),
      ...(bar ? { onProgress: (p: { done: number; total: number }) => bar.update(p.total ? p.done / p.total : 1) } : {}),
    });
    bar?.done();
    const wall = (performance.now() - t0) / 1000;

    const result = gate(suite, cases, baseline);
    const candidate = baselineOf(suite, cases);
    if (update) writeBaseline(baselinePath, candidate);
    const ctx: ReportContext = {
      suite,
      result,
      baseline: baseline ? { file: display(baselinePath), fleetsim: baseline.fleetsim } : null,
      ...(update ? { updatedBaseline: display(baselinePath) } : {}),
    };
    const outDir = resolve(args.out);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'summary.md'), renderMarkdown(ctx));
    writeFileSync(join(outDir, 'junit.xml'), renderJUnit(ctx));
    writeFileSync(join(outDir, 'results.json'), stableJson(candidate) + '\n');

    const runs = cases.reduce((n, c) => n + c.seeds.length, 0);
    const lines: string[] = [];
    for (const c of result.checks) lines.push(`${MARK[c.verdict].padEnd(10)}  ${caseLabel(c)}  ${c.metric.key}: ${c.message}`);
    for (const n of result.notes) lines.push(`note: ${n}`);
    const verdict = result.passed ? 'passed' : result.errors ? `FAILED: ${result.errors} check(s) with failed runs, ${result.regressions} regression(s)` : `FAILED: ${result.regressions} regression(s)`;
    lines.push(
      '',
      `bench ${suite.name}: ${verdict} (${result.checks.length} checks, ${runs} runs, ${wall.toFixed(1)} s wall)`,
      `wrote ${display(join(outDir, 'summary.md'))}, junit.xml, results.json${update ? `; baseline recorded in ${display(baselinePath)}` : ''}`,
    );
    process.stdout.write(lines.join('\n') + '\n');
    if (!update && !result.passed) process.exitCode = 1;
  },
};
