import type { CommandModule } from 'yargs';
import { registerBuiltinSchedulers } from '../../placement/builtin.js';
import { schedulerNames } from '../../placement/registry.js';
import { formatInputs } from '../../report/inputs-report.js';
import { loadSchedulers } from '../../runner/preflight.js';
import { inputsReport } from '../../runner/run.js';
import { loadScenarioVariants } from '../../scenario/load.js';
import { estimateSize, formatCount } from '../../scenario/size.js';
import { formatBytes } from '../../scenario/source.js';
import { limitLoadOptions, limitOptions, type LimitArgs } from '../limits.js';

interface Args extends LimitArgs {
  scenario: string;
}

export const validateCommand: CommandModule<object, Args> = {
  command: 'validate <scenario>',
  describe: 'Check a scenario (and its included manifests, CSVs and scheduler modules) without running it, and estimate the size of a run; what it accepts, run can simulate',
  builder: (y) => limitOptions(y.positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' })) as never,
  handler: async (args) => {
    registerBuiltinSchedulers();
    const opts = limitLoadOptions(args);
    const variants = loadScenarioVariants(args.scenario, { knownSchedulers: schedulerNames(), ...opts });
    await loadSchedulers(variants);
    const s = variants[0];
    const nodes = s.fleet.clusters.reduce((n, c) => n + c.nodePools.reduce((m, p) => m + p.count, 0), 0);
    process.stdout.write(
      `${args.scenario}: ok — scenario ${s.name}: ${s.fleet.clusters.length} clusters, ${nodes} nodes, ` +
        `${s.workloads.length} workloads, ${s.policies.length} policies, schedulers ${s.schedulers.join(', ')}\n`,
    );
    // The largest variant: each run (variant × scheduler) must fit the limits on its own.
    const sizes = variants.map((v) => estimateSize(v));
    const e = sizes.reduce((a, b) => (b.cost > a.cost || b.memoryBytes > a.memoryBytes ? b : a));
    const runs = variants.reduce((n, v) => n + v.schedulers.length, 0);
    process.stdout.write(
      `  estimate per run: ${formatCount(e.nodes)} nodes, ${formatCount(e.pods)} pods, ~${formatCount(e.events)} events${e.cost >= 1.5 * e.events ? ` (~${formatCount(e.cost)} with scheduling work)` : ''}, ~${formatBytes(e.memoryBytes)} peak memory` +
        ` (limits ${formatCount(opts.limits.maxEvents)} events, ${formatBytes(opts.limits.maxMemoryBytes)}); ${runs} run${runs === 1 ? '' : 's'}\n`,
    );
    for (const line of formatInputs(inputsReport(s))) process.stdout.write(line + '\n');
  },
};
