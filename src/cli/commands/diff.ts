import type { CommandModule } from 'yargs';
import { UserError } from '../../errors.js';
import { diffSchedulers, formatDiff } from '../../diff/diff.js';
import { registerBuiltinSchedulers } from '../../placement/builtin.js';
import { schedulerNames } from '../../placement/registry.js';
import { loadScenarioVariants } from '../../scenario/load.js';
import { inputLoadOptions, inputOptions, type InputArgs } from '../limits.js';

interface Args extends InputArgs {
  scenario: string;
  scheduler?: string[];
  seed?: number;
  variant?: string;
  limit: number;
  json: boolean;
}

export const diffCommand: CommandModule<object, Args> = {
  command: 'diff <scenario>',
  describe: 'Run a scenario with two schedulers on the same seed; report the placements and replicas that differ, the first divergence, and the filter or score term that decided it (exit 1 when they differ)',
  builder: (y) =>
    inputOptions(y)
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' })
      .option('scheduler', { type: 'string', array: true, describe: 'the two schedulers, A then B: registered names or module paths (--scheduler A --scheduler B)' })
      .option('seed', { type: 'number', describe: "override the scenario's seed" })
      .option('variant', { type: 'string', describe: 'the variant to run (default: the first)' })
      .option('limit', { type: 'number', default: 20, describe: 'rows shown per section' })
      .option('json', { type: 'boolean', default: false, describe: 'print the whole diff as JSON (without the runs)' }) as never,
  handler: async (args) => {
    const s = args.scheduler ?? [];
    if (s.length !== 2) throw new UserError(`diff needs exactly two schedulers (--scheduler A --scheduler B), found ${s.length}`);
    if (args.seed !== undefined && (!Number.isInteger(args.seed) || args.seed < 0)) throw new UserError(`--seed: expected a non-negative integer, found ${args.seed}`);
    if (!Number.isInteger(args.limit) || args.limit < 1) throw new UserError(`--limit: expected an integer >= 1, found ${args.limit}`);
    registerBuiltinSchedulers();
    const variants = loadScenarioVariants(args.scenario, { knownSchedulers: schedulerNames(), ...inputLoadOptions(args) });
    const scenario = args.variant === undefined ? variants[0] : variants.find((v) => v.variant === args.variant);
    if (!scenario) throw new UserError(`--variant: ${args.scenario} has no variant '${args.variant}' (it has: ${variants.map((v) => v.variant || "''").join(', ')})`);
    const d = await diffSchedulers(scenario, s[0], s[1], args.seed !== undefined ? { seed: args.seed } : {});
    if (args.json) {
      const { runs: _runs, ...rest } = d;
      process.stdout.write(JSON.stringify(rest, null, 2) + '\n');
    } else {
      process.stdout.write(formatDiff(d, args.limit));
    }
    if (!d.identical) process.exitCode = 1;
  },
};
