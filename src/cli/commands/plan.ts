import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { UserError } from '../../errors.js';
import { preparePlan } from '../../plan/definition.js';
import type { CandidateResult } from '../../plan/evaluate.js';
import { runPlan } from '../../plan/plan.js';
import { registerBuiltinSchedulers, resolveScheduler } from '../../placement/builtin.js';
import { schedulerNames } from '../../placement/registry.js';
import { defaultWorkerCount, WorkerPool } from '../../runner/pool.js';
import { SWEEP_TASK } from '../../runner/sweep.js';
import { runMemoryMiB } from '../../runner/footprint.js';
import { k8sJobManifest } from '../../runner/sweep-k8s.js';
import { parseShard } from '../../runner/sweep-keys.js';
import { FLEETSIM_VERSION } from '../../version.js';
import { positiveInt } from './sweep.js';

interface Args {
  scenario: string;
  vary?: string[];
  constraint?: string[];
  failures?: string[];
  objective: string;
  'failure-at'?: string;
  'failure-duration'?: string;
  replications?: number;
  'max-replications'?: number;
  confidence: number;
  scheduler?: string;
  variant?: string;
  workers?: number;
  out?: string;
  resume: boolean;
  shard?: string;
  'shard-timeout': number;
  grid: boolean;
  json: boolean;
  progress?: boolean;
  emit?: string;
  shards: number;
  image?: string;
  pvc: string;
  namespace?: string;
}

export const planCommand: CommandModule<object, Args> = {
  command: 'plan <scenario>',
  describe: 'Capacity search: the cheapest knob values (node counts...) that meet every constraint in every failure case (N+k); writes plan.json and an HTML report',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file (today\'s fleet)' })
      .option('vary', { type: 'string', array: true, describe: "a knob: PATH=lo..hi[:step] or PATH=v1,v2,... (sweep path syntax), e.g. 'fleet.clusters[name=serving-sh].nodePools[name=t4].count=4..32'" })
      .option('constraint', { type: 'string', array: true, describe: "METRIC<=BOUND (<, >=, >) over the sweep metrics, judged on confidence intervals: 'slo(llm-inference).violationMinutes<=5', 'pods.pending<=0', 'pods.pending[serving-sh]<=0'" })
      .option('failures', { type: 'string', array: true, describe: 'outages to survive, each at the busy hour: any-cluster, any-zone, any-region (,k=2 for pairs), none; the scenario\'s own faults are always a case' })
      .option('objective', { type: 'string', default: 'cost', describe: 'what to minimise: cost (node cost per hour at the clusters\' prices) or nodes' })
      .option('failure-at', { type: 'string', describe: 'outages begin here (e.g. 19h30m) instead of at the busy hour of today\'s fleet' })
      .option('failure-duration', { type: 'string', describe: 'how long each generated outage lasts (default 1h)' })
      .option('replications', { type: 'number', describe: 'runs per candidate and failure case to start with (default 2; seeds shared by every candidate)' })
      .option('max-replications', { type: 'number', describe: 'at most, added where a constraint is undecided (default max(8, --replications))' })
      .option('confidence', { type: 'number', default: 0.95, describe: 'level of the confidence intervals the constraints are judged on' })
      .option('scheduler', { type: 'string', describe: "fleet scheduler (default the scenario's first): a registered name or a module path" })
      .option('variant', { type: 'string', describe: "the scenario's variant to plan for (default its first)" })
      .option('workers', { type: 'number', describe: 'worker threads (default: one per core)' })
      .option('out', { type: 'string', describe: 'output folder (default reports/<scenario name>-plan/)' })
      .option('resume', { type: 'boolean', default: false, describe: 'reuse the runs a previous plan of the same scenario left in --out (runs.jsonl)' })
      .option('shard', { type: 'string', describe: 'shard i/n: run every n-th run of each round and read the other shards\' runs from --out (a shared folder)' })
      .option('shard-timeout', { type: 'number', default: 30, describe: 'with --shard: minutes to wait for the other shards\' runs before giving up' })
      .option('grid', { type: 'boolean', default: false, describe: 'judge every point of the ranges instead of searching (brute force, to check the search)' })
      .option('json', { type: 'boolean', default: false, describe: 'print plan.json instead of the text summary' })
      .option('progress', { type: 'boolean', describe: 'print each candidate as it is judged, on stderr (default: when stderr is a terminal and not in CI)' })
      .option('emit', { type: 'string', choices: ['k8s-job'], describe: 'print a Kubernetes Indexed Job that runs the plan as --shards pods sharing a volume, instead of running it' })
      .option('shards', { type: 'number', default: 4, describe: 'with --emit k8s-job: number of shards (pods)' })
      .option('image', { type: 'string', describe: `with --emit k8s-job: container image with fleetsim and the scenario (default fleetsim:${FLEETSIM_VERSION})` })
      .option('pvc', { type: 'string', default: 'fleetsim-results', describe: 'with --emit k8s-job: PersistentVolumeClaim (ReadWriteMany) mounted at /results' })
      .option('namespace', { type: 'string', describe: "with --emit k8s-job: the Job's namespace" }) as never,
  handler: async (args) => {
    positiveInt('workers', args.workers);
    positiveInt('shards', args.shards);
    if (!(args['shard-timeout'] > 0)) throw new UserError(`--shard-timeout: expected minutes > 0, found ${args['shard-timeout']}`);
    const shard = args.shard === undefined ? null : parseShard(args.shard);
    if (args.shard !== undefined && shard === null) throw new UserError(`--shard: expected i/n with 0 <= i < n (e.g. 0/4), found ${args.shard}`);
    if (args.emit && shard) throw new UserError('--emit k8s-job writes the Job for every shard: give --shards n, not --shard');
    if (args.grid && (shard || args.emit)) throw new UserError('--grid judges every point in one round: run it unsharded');
    registerBuiltinSchedulers();
    const def = preparePlan(args.scenario, {
      vary: args.vary ?? [],
      constraints: args.constraint ?? [],
      failures: args.failures ?? [],
      objective: args.objective,
      replications: args.replications,
      confidence: args.confidence,
      knownSchedulers: schedulerNames(),
      ...(args['max-replications'] !== undefined ? { maxReplications: args['max-replications'] } : {}),
      ...(args.scheduler !== undefined ? { scheduler: args.scheduler } : {}),
      ...(args.variant !== undefined ? { variant: args.variant } : {}),
      ...(args['failure-at'] !== undefined ? { failureAt: args['failure-at'] } : {}),
      ...(args['failure-duration'] !== undefined ? { failureDuration: args['failure-duration'] } : {}),
    });
    // An unknown scheduler is the user's mistake (exit 2), not a plan of failed runs.
    await resolveScheduler(def.schedulerSpec);

    if (args.emit === 'k8s-job') {
      const passThrough = process.argv.slice(process.argv.indexOf('plan'));
      // Pods are sized for the largest fleet a run may have: every knob at the top of its range (or today's).
      const top = def.build(def.knobs.map((k) => k.values[k.values.length - 1]), [], 'the top of the ranges');
      const memory = Math.max(runMemoryMiB(def.scenario), runMemoryMiB(top));
      process.stdout.write(
        k8sJobManifest({ scenario: def.scenario.name, command: planJobCommand(passThrough), shards: args.shards, workers: args.workers ?? 2, image: args.image ?? `fleetsim:${FLEETSIM_VERSION}`, pvc: args.pvc, runMemoryMiB: memory, ...(args.namespace ? { namespace: args.namespace } : {}) }),
      );
      return;
    }

    const outDir = resolve(args.out ?? join('reports', `${def.scenario.name}-plan`));
    mkdirSync(outDir, { recursive: true });
    const workers = args.workers ?? defaultWorkerCount();
    const pool = workers > 1 ? new WorkerPool(workers) : null;
    pool?.prestart(SWEEP_TASK, 'runSweepTask');
    const showProgress = args.progress ?? (process.stderr.isTTY === true && !process.env.CI);
    const t0 = performance.now();
    let executed = 0;
    try {
      const result = await runPlan(def, {
        outDir,
        workers,
        pool,
        shard,
        resume: args.resume,
        grid: args.grid,
        waitTimeoutMs: args['shard-timeout'] * 60_000,
        onRun: (n) => (executed = n),
        ...(showProgress ? { onCandidate: (c: CandidateResult) => process.stderr.write(`${candidateLine(def.knobs.map((k) => k.label), c)}\n`) } : {}),
      });
      const wall = (performance.now() - t0) / 1000;
      const { formatPlanSummary, renderPlanReport } = await import('../../report/plan-report.js');
      const json = JSON.stringify(result, null, 1) + '\n';
      const written: string[] = [];
      // Sharded, every shard reaches the same answer; shard 0 writes it.
      if (!shard || shard.index === 0) {
        writeFileSync(join(outDir, 'plan.json'), json);
        writeFileSync(join(outDir, 'index.html'), await renderPlanReport(result));
        written.push('plan.json', 'index.html');
      }
      if (args.json) process.stdout.write(json);
      else {
        process.stdout.write(formatPlanSummary(result));
        const where = written.length ? `wrote ${written.join(', ')} and the runs in ${outDir}` : `the runs are in ${outDir}; shard 0 writes plan.json and index.html`;
        const rest = shard ? ` by shard ${shard.index}/${shard.count}, the rest by the other shards or reused` : `, ${result.search.runs - executed} reused`;
        process.stdout.write(`\n${result.search.runs} runs used, ${executed} run now${rest} (${wall.toFixed(2)} s wall); ${where}\n`);
      }
      if (result.search.failedRuns) {
        process.stderr.write(`fleetsim: ${result.search.failedRuns} runs failed; their candidates fail (errors in ${outDir})\n`);
        process.exitCode = 1;
      } else if (!result.recommended) {
        process.exitCode = 1;
      }
    } finally {
      await pool?.close();
    }
  },
};

/** One judged candidate, for --progress. */
function candidateLine(labels: readonly string[], c: CandidateResult): string {
  const values = labels.map((l, i) => `${l}=${c.values[i]}`).join(' ');
  const why = c.pass ? 'passes' : `fails: ${c.failures[0] ? `${c.failures[0].constraint} in ${c.failures[0].case}` : ''}`;
  return `plan: #${c.ordinal + 1} ${c.phase} ${values}: ${why} (${c.runs} runs)`;
}

/** The plan's own arguments for each pod of the Job, without the ones the Job sets. */
function planJobCommand(argv: readonly string[]): string[] {
  const drop = new Set(['--emit', '--shards', '--image', '--pvc', '--namespace', '--out', '--shard', '--workers']);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.split('=')[0];
    if (drop.has(name)) {
      if (!a.includes('=')) i++;
      continue;
    }
    if (a === '--resume' || a === '--progress') continue;
    out.push(a);
  }
  return out;
}
