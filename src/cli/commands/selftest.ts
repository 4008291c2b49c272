import type { CommandModule } from 'yargs';
import { UserError } from '../../errors.js';
import { formatQueueingSelftest, runQueueingSelftest } from '../../traffic/mmc-selftest.js';

interface Args {
  check: string;
  json?: boolean;
  seed?: number;
}

/**
 * `fleetsim selftest queueing [--json] [--seed N]`: the request-level M/M/c simulation against
 * Erlang C for c ∈ {1, 4, 16} and ρ ∈ {0.5, 0.8, 0.95}; exit 1 when a case misses 2 %.
 */
export const selftestCommand: CommandModule<object, Args> = {
  command: 'selftest <check>',
  describe: 'Check a model against theory: queueing (request-level M/M/c vs Erlang C, each case within 2 %)',
  builder: (y) =>
    y
      .positional('check', { type: 'string', demandOption: true, describe: 'queueing' })
      .option('json', { type: 'boolean', default: false, describe: 'print the results as JSON' })
      .option('seed', { type: 'number', describe: 'seed of the random streams (default 1)' }) as never,
  handler: (args) => {
    if (args.check !== 'queueing') throw new UserError(`selftest: unknown check '${args.check}' (expected: queueing)`);
    if (args.seed !== undefined && (!Number.isInteger(args.seed) || args.seed < 0)) throw new UserError(`--seed: expected a non-negative integer, found ${args.seed}`);
    const r = runQueueingSelftest({ ...(args.seed !== undefined ? { seed: args.seed } : {}) });
    process.stdout.write(args.json ? JSON.stringify(r, null, 2) + '\n' : formatQueueingSelftest(r));
    if (!r.pass) process.exitCode = 1;
  },
};
