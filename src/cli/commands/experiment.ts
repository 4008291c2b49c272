import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../errors.js';
import { publishedFor, summariseFgd, type FgdPolicySummary, type FgdTask, type FgdTaskResult } from '../../gpu/fgd-experiment.js';
import { GPU_POLICY_TITLES, gpuPolicies } from '../../gpu/policies/index.js';
import { renderHtmlReport, type ReportTable, type VegaLiteSpec } from '../../report/html.js';
import { defaultWorkerCount, runPool } from '../../runner/pool.js';
import { readOpenbNodes, readOpenbPods } from '../../trace/openb.js';

/**
 * `fleetsim experiment fgd`: the FGD paper's experiment (openb trace, paper mode) for several
 * policies x seeds, spread over worker threads. Prints the mean allocation-ratio curves as JSON
 * (--json), or a table beside the published means plus an HTML report with the curves.
 */

const MAX_PCT = 130;
const ALL_POLICIES = [...gpuPolicies.keys()];

interface FgdArgs {
  nodes: string;
  pods: string;
  policies: string;
  seeds: string;
  tune: number;
  json: boolean;
  workers?: number;
  out?: string;
  'typical-pct': number;
}

/** Parse a seed list: "42-51", "1,2,7" or a mix ("1,5-7"). */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',').map((s) => s.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new UserError(`--seeds: expected a list like 42-51 or 1,2,5-7, found '${text}'`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || b < a) throw new UserError(`--seeds: bad range '${part}' in '${text}'`);
    if (b - a > 10_000) throw new UserError(`--seeds: range '${part}' is too long (at most 10001 seeds)`);
    for (let s = a; s <= b; s++) if (!seeds.includes(s)) seeds.push(s);
  }
  return seeds;
}

/** Parse a policy list against the registry. */
export function parsePolicies(text: string): string[] {
  const names = text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0);
  if (names.length === 0) throw new UserError(`--policies: expected a list of policies (${ALL_POLICIES.join(', ')}), found '${text}'`);
  const out: string[] = [];
  for (const n of names) {
    if (!gpuPolicies.has(n)) throw new UserError(`--policies: unknown policy '${n}' (expected some of: ${ALL_POLICIES.join(', ')})`);
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

const round4 = (v: number | null): number | null => (v === null ? null : Math.round(v * 10_000) / 10_000);
const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : v.toFixed(2));
const fmtDiff = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : (v >= 0 ? '+' : '') + v.toFixed(2));

function summaryTable(summaries: readonly FgdPolicySummary[], podsPath: string): ReportTable {
  const published = publishedFor(podsPath);
  const rows = summaries.map((s) => {
    const pub = published?.[s.policy];
    const at100 = s.meanCurve[100] ?? null;
    const at130 = s.meanCurve[130] ?? null;
    const d100 = pub && at100 !== null ? at100 - pub[0] : null;
    const d130 = pub && at130 !== null ? at130 - pub[1] : null;
    return [GPU_POLICY_TITLES[s.policy] ?? s.policy, fmt(at100), fmt(pub?.[0]), fmtDiff(d100), fmt(at130), fmt(pub?.[1]), fmtDiff(d130), s.meanFailedPods.toFixed(1)];
  });
  return { columns: ['policy', '100% ours', '100% published', 'diff', '130% ours', '130% published', 'diff', 'failed pods'], rows };
}

function formatTable(t: ReportTable): string {
  const cells = [t.columns, ...t.rows.map((r) => r.map((v) => (v === null ? '-' : String(v))))];
  const widths = t.columns.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ')).join('\n') + '\n';
}

function curveChart(summaries: readonly FgdPolicySummary[], from: number, title: string): VegaLiteSpec {
  const values: { policy: string; arrived: number; allocated: number }[] = [];
  for (const s of summaries) {
    s.meanCurve.forEach((v, k) => {
      if (v !== null && k >= from) values.push({ policy: GPU_POLICY_TITLES[s.policy] ?? s.policy, arrived: k, allocated: round4(v) as number });
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 560,
    height: 340,
    data: { values },
    mark: { type: 'line', interpolate: 'linear' },
    encoding: {
      x: { field: 'arrived', type: 'quantitative', title: 'arrived GPU demand (% of capacity)', scale: { domain: [from, MAX_PCT] } },
      y: { field: 'allocated', type: 'quantitative', title: 'GPU allocation ratio (%)', scale: { zero: false } },
      color: { field: 'policy', type: 'nominal', sort: summaries.map((s) => GPU_POLICY_TITLES[s.policy] ?? s.policy), title: 'policy' },
      tooltip: [{ field: 'policy' }, { field: 'arrived' }, { field: 'allocated', format: '.2f' }],
    },
  } as VegaLiteSpec;
}

async function runFgd(args: FgdArgs): Promise<void> {
  for (const name of ['nodes', 'pods', 'policies', 'seeds', 'tune', 'typical-pct', 'workers', 'out'] as const) {
    if (Array.isArray(args[name])) throw new UserError(`--${name}: given more than once`);
  }
  const policies = parsePolicies(args.policies);
  const seeds = parseSeeds(args.seeds);
  if (!(args.tune > 0) || !Number.isFinite(args.tune)) throw new UserError(`--tune: expected a positive number, found ${args.tune}`);
  const typicalPct = args['typical-pct'];
  if (!(typicalPct > 0 && typicalPct <= 100)) throw new UserError(`--typical-pct: expected a number in (0, 100], found ${typicalPct}`);
  const workers = args.workers ?? defaultWorkerCount();
  if (!Number.isInteger(workers) || workers < 1) throw new UserError(`--workers: expected a positive integer, found ${args.workers}`);
  const nodesPath = resolve(args.nodes);
  const podsPath = resolve(args.pods);
  // Parse once here so a bad file is one clear error (exit 2) rather than a failure per run.
  const nodes = readOpenbNodes(nodesPath);
  readOpenbPods(podsPath);
  if (!nodes.some((n) => n.gpuCount > 0)) throw new UserError(`${args.nodes}: no node has GPUs`);

  const tasks: FgdTask[] = [];
  for (const policy of policies) for (const seed of seeds) tasks.push({ nodesPath, podsPath, policy, seed, tune: args.tune, typicalPct, maxPct: MAX_PCT });
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const moduleUrl = new URL(`../../gpu/fgd-experiment${ext}`, import.meta.url);
  const t0 = performance.now();
  const outcomes = await runPool<FgdTask, FgdTaskResult>(moduleUrl, 'runFgdTask', tasks, { workers });
  const wall = (performance.now() - t0) / 1000;

  const results: FgdTaskResult[] = [];
  let failures = 0;
  outcomes.forEach((o, i) => {
    if (o.ok) results.push(o.value);
    else {
      failures++;
      process.stderr.write(`fleetsim: run ${tasks[i].policy} seed ${tasks[i].seed} failed: ${o.error}\n`);
    }
  });
  const summaries = summariseFgd(results);
  process.stderr.write(`fleetsim: ${results.length} of ${tasks.length} runs done on ${Math.min(workers, tasks.length)} worker(s) in ${wall.toFixed(1)} s\n`);

  const curves: Record<string, (number | null)[]> = {};
  for (const s of summaries) curves[s.policy] = s.meanCurve.map(round4);
  const table = summaryTable(summaries, podsPath);
  const writeReport = !args.json || args.out !== undefined;
  if (writeReport) {
    const outDir = resolve(args.out ?? join('reports', 'experiment-fgd'));
    mkdirSync(outDir, { recursive: true });
    const report = {
      experiment: 'fgd',
      nodes: basename(nodesPath),
      pods: basename(podsPath),
      tune: args.tune,
      seeds,
      policies,
      typicalPct,
      meanCurves: curves,
      runs: results.map((r) => ({ policy: r.policy, seed: r.seed, pods: r.pods, failedPods: r.failedPods, at100: round4(r.curve[100] ?? null), at130: round4(r.curve[130] ?? null) })),
    };
    writeFileSync(join(outDir, 'results.json'), JSON.stringify(report, null, 2) + '\n');
    const html = await renderHtmlReport({
      title: 'FGD experiment: GPU allocation ratio vs arrived demand',
      subtitle: `${basename(podsPath)} on ${basename(nodesPath)}, tune ${args.tune}, seeds ${args.seeds}, ${policies.length} policies`,
      sections: [
        {
          title: 'Allocation ratio at 100 % and 130 % arrived GPU demand (mean over seeds)',
          text:
            'Paper mode of the openb trace: pods shuffled per seed, inflated by sampling to tune x GPU capacity, submitted one at a time, ' +
            'never leaving; a pod that fits nowhere fails. "published" are the FGD authors\' means (ATC 2023 artifact) where this workload has them.',
          table,
        },
        { title: 'Allocation ratio vs arrived GPU demand', charts: [curveChart(summaries, 0, 'all arrivals'), curveChart(summaries, 80, 'arrived demand 80-130 %')] },
      ],
    });
    writeFileSync(join(outDir, 'index.html'), html);
    if (!args.json) process.stderr.write(`fleetsim: wrote ${join(outDir, 'index.html')} and ${join(outDir, 'results.json')}\n`);
  }
  if (args.json) process.stdout.write(JSON.stringify(curves) + '\n');
  else process.stdout.write(formatTable(table));
  if (failures > 0) process.exitCode = 1;
}

const fgdCommand: CommandModule<object, FgdArgs> = {
  command: 'fgd',
  describe: "FGD paper experiment on the openb trace: policies x seeds, allocation ratio vs arrived demand",
  builder: (y) =>
    y
      .option('nodes', { type: 'string', demandOption: true, describe: 'openb node CSV (e.g. openb_node_list_gpu_node.csv)' })
      .option('pods', { type: 'string', demandOption: true, describe: 'openb pod CSV (e.g. openb_pod_list_default.csv)' })
      .option('policies', { type: 'string', default: ALL_POLICIES.join(','), describe: `comma-separated, from: ${ALL_POLICIES.join(', ')}` })
      .option('seeds', { type: 'string', default: '42-51', describe: 'seeds, e.g. 42-51 or 1,2,5-7' })
      .option('tune', { type: 'number', default: 1.3, describe: 'inflate the workload to this multiple of GPU capacity' })
      .option('typical-pct', { type: 'number', default: 95, describe: "share of pods FGD's typical pods cover (%)" })
      .option('json', { type: 'boolean', default: false, describe: 'print {policy: [131 mean allocation ratios at 0..130 % arrived]} only' })
      .option('workers', { type: 'number', describe: 'worker threads (default: one per core)' })
      .option('out', { type: 'string', describe: 'folder for index.html and results.json (default reports/experiment-fgd; with --json, only if given)' }) as never,
  handler: async (args) => runFgd(args),
};

export const experimentCommand: CommandModule<object, object> = {
  command: 'experiment',
  describe: 'Run a published experiment (fgd)',
  builder: (y: Argv) => y.command(fgdCommand as unknown as CommandModule<object, never>).demandCommand(1, 'Name an experiment: fgd') as never,
  handler: () => undefined,
};
