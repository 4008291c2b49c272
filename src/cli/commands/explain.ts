import type { CommandModule } from 'yargs';
import { UserError } from '../../errors.js';
import { reasonKind, type WorkloadWaits } from '../../metrics/waits.js';
import { registerBuiltinSchedulers } from '../../placement/builtin.js';
import { schedulerNames } from '../../placement/registry.js';
import { fmtSeconds } from '../../report/format.js';
import type { RunResult, WorkloadResult } from '../../runner/result.js';
import { runScenario } from '../../runner/run.js';
import { loadScenarioVariants } from '../../scenario/load.js';

interface Args {
  scenario: string;
  workload: string;
  scheduler?: string;
  variant?: string;
  seed?: number;
  json: boolean;
}

/** A time of the run as a clock with seconds: `14:05:09`, `d2 03:10:00` after the first day. */
function clock(t: number): string {
  const day = Math.floor(t / 86400);
  const s = Math.floor(t % 86400);
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((x) => String(x).padStart(2, '0')).join(':');
  return day > 0 ? `d${day + 1} ${hms}` : hms;
}

function reasonLines(w: WorkloadWaits): string[] {
  const width = Math.max(...w.reasons.map((r) => r.where.length), 5);
  const out = w.reasons.map((r) => `  ${clock(r.from)} → ${r.to === null ? 'the end ' : clock(r.to)}  ${r.where.padEnd(width)}  ${r.reason}`);
  if (w.more) out.push(`  ... and ${w.more} later changes of reason, not kept`);
  return out;
}

function workloadText(run: RunResult, w: WorkloadResult, waits: WorkloadWaits | undefined): string {
  const out: string[] = [];
  out.push(`${w.namespace}/${w.name} (${w.kind}${w.stream !== undefined ? `, stream ${w.stream}` : ''}): scheduler ${run.scheduler}${run.variant ? `, variant ${run.variant}` : ''}, seed ${run.seed}`);
  out.push(`created ${clock(w.arrival)}; to scheduled ${fmtSeconds(w.timeToScheduled)}, to all ready ${fmtSeconds(w.timeToAllReady)}${w.kind === 'Job' ? `, to complete ${fmtSeconds(w.timeToComplete)}` : ''}; ${w.pending} pending at the end`);
  if (waits?.placement) out.push(`placed ${waits.placement}`);
  else if (Object.keys(w.placement).length) out.push(`placed ${Object.entries(w.placement).map(([c, n]) => `${c}:${n}`).join(' ')}`);
  if (!waits) {
    out.push('', 'It did not wait: every placement succeeded at once, no pod stayed Pending after a scheduling cycle, and its gang (if any) started when its pods were Ready.');
    return out.join('\n') + '\n';
  }
  out.push('', `why it waited (${fmtSeconds(waits.waited)} in all): from → to, where, the reason in that part's own words`);
  out.push(...reasonLines(waits));
  return out.join('\n') + '\n';
}

function streamText(run: RunResult, ns: string, stream: string, jobs: WorkloadResult[]): string {
  const waits = (run.waits ?? []).filter((w) => w.stream === stream && w.workload.startsWith(`${ns}/`)).sort((a, b) => b.waited - a.waited);
  const out: string[] = [];
  out.push(`${ns}/${stream}: a stream of ${jobs.length} Jobs; scheduler ${run.scheduler}${run.variant ? `, variant ${run.variant}` : ''}, seed ${run.seed}`);
  out.push(`${waits.length} of them waited.`);
  const kinds = new Map<string, Set<string>>();
  for (const w of waits) {
    for (const r of w.reasons) {
      if (r.where === 'gang') continue;
      const k = `${r.where}: ${reasonKind(r.reason)}`;
      if (!kinds.has(k)) kinds.set(k, new Set());
      kinds.get(k)!.add(w.workload);
    }
  }
  if (kinds.size) {
    out.push('', 'reasons (numbers written N), by how many Jobs gave them:');
    for (const [k, s] of [...kinds].sort((a, b) => b[1].size - a[1].size).slice(0, 10)) out.push(`  ${String(s.size).padStart(4)}  ${k}`);
  }
  if (waits.length) {
    out.push('', 'the longest waits (fleetsim explain <scenario> <job> for one):');
    for (const w of waits.slice(0, 15)) {
      const first = w.reasons.find((r) => r.where !== 'gang') ?? w.reasons[0];
      out.push(`  ${w.workload.padEnd(28)} ${fmtSeconds(w.waited).padStart(8)}  ${first ? `${first.where}: ${first.reason}` : ''}`);
    }
  }
  return out.join('\n') + '\n';
}

export const explainCommand: CommandModule<object, Args> = {
  command: 'explain <scenario> <workload>',
  describe: "Why a workload waited and why it went where it went: its reasons over time, in Karmada's, kube-scheduler's and Volcano's own words (a stream's name: its Jobs that waited)",
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' })
      .positional('workload', { type: 'string', demandOption: true, describe: 'a workload (name or namespace/name; a Job of a stream as finetune-17), or a stream (finetune)' })
      .option('scheduler', { type: 'string', describe: "the fleet scheduler (default: the scenario's first)" })
      .option('variant', { type: 'string', describe: 'the variant to run (default: the first)' })
      .option('seed', { type: 'number', describe: "override the scenario's seed" })
      .option('json', { type: 'boolean', default: false, describe: 'print the workload, its waits and placement as JSON' }) as never,
  handler: async (args) => {
    if (args.seed !== undefined && (!Number.isInteger(args.seed) || args.seed < 0)) throw new UserError(`--seed: expected a non-negative integer, found ${args.seed}`);
    registerBuiltinSchedulers();
    const variants = loadScenarioVariants(args.scenario, { knownSchedulers: schedulerNames() });
    const scenario = args.variant === undefined ? variants[0] : variants.find((v) => v.variant === args.variant);
    if (!scenario) throw new UserError(`--variant: ${args.scenario} has no variant '${args.variant}' (it has: ${variants.map((v) => v.variant || "''").join(', ')})`);
    const scheduler = args.scheduler ?? scenario.schedulers[0] ?? 'karmada';
    if (args.scheduler && !schedulerNames().includes(args.scheduler) && !/[/\\]|\.m?js$/.test(args.scheduler)) {
      throw new UserError(`--scheduler: unknown scheduler '${args.scheduler}' (registered: ${schedulerNames().join(', ')})`);
    }
    const run = await runScenario(scenario, { scheduler, waits: true, ...(args.seed !== undefined ? { seed: args.seed } : {}) });
    const [ns, name] = args.workload.includes('/') ? args.workload.split('/', 2) : ['default', args.workload];
    const w = run.workloads.find((x) => x.namespace === ns && x.name === name);
    const waits = run.waits?.find((x) => x.workload === `${ns}/${name}`);
    if (w) {
      process.stdout.write(args.json ? JSON.stringify({ scheduler: run.scheduler, variant: run.variant, seed: run.seed, workload: w, waits: waits ?? null }, null, 2) + '\n' : workloadText(run, w, waits));
      return;
    }
    const jobs = run.workloads.filter((x) => x.namespace === ns && x.stream === name);
    if (jobs.length) {
      const ws = (run.waits ?? []).filter((x) => x.stream === name && x.workload.startsWith(`${ns}/`));
      process.stdout.write(args.json ? JSON.stringify({ scheduler: run.scheduler, variant: run.variant, seed: run.seed, stream: `${ns}/${name}`, jobs: jobs.length, waits: ws }, null, 2) + '\n' : streamText(run, ns, name, jobs));
      return;
    }
    const names = [...new Set(run.workloads.map((x) => (x.stream !== undefined ? `${x.namespace}/${x.stream} (a stream: ${x.stream}-1, ${x.stream}-2, ...)` : `${x.namespace}/${x.name}`)))];
    throw new UserError(`${args.scenario}: no workload or stream '${args.workload}' in this run (it has: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', ...' : ''})`);
  },
};
