import type { CommandModule } from 'yargs';
import { registerBuiltinSchedulers } from '../../placement/builtin.js';
import { schedulerNames } from '../../placement/registry.js';
import { formatInputs } from '../../report/inputs-report.js';
import { inputsReport } from '../../runner/run.js';
import { loadScenario } from '../../scenario/load.js';

export const validateCommand: CommandModule<object, { scenario: string }> = {
  command: 'validate <scenario>',
  describe: 'Check a scenario (and its included manifests) without running it',
  builder: (y) => y.positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' }) as never,
  handler: (args) => {
    registerBuiltinSchedulers();
    const s = loadScenario(args.scenario, { knownSchedulers: schedulerNames() });
    const nodes = s.fleet.clusters.reduce((n, c) => n + c.nodePools.reduce((m, p) => m + p.count, 0), 0);
    process.stdout.write(
      `${args.scenario}: ok — scenario ${s.name}: ${s.fleet.clusters.length} clusters, ${nodes} nodes, ` +
        `${s.workloads.length} workloads, ${s.policies.length} policies, schedulers ${s.schedulers.join(', ')}\n`,
    );
    for (const line of formatInputs(inputsReport(s))) process.stdout.write(line + '\n');
  },
};
