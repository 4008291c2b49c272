#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UserError } from '../errors.js';
import { commandsFor } from './commands/index.js';

/**
 * The `fleetsim` command line. Each subcommand lives in `./commands/`; a user's mistake
 * (UserError, or a yargs usage error) prints one message and exits 2 with no stack trace.
 */
export async function main(argv: string[]): Promise<void> {
  let cli = yargs(argv)
    .scriptName('fleetsim')
    .usage('$0 <command> [options]\n\nDiscrete-event simulator of multi-cluster (Karmada/Volcano/Kurator) scheduling.')
    .strict()
    .demandCommand(1, 'Name a command; see fleetsim --help.')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UserError(msg);
    });
  for (const c of await commandsFor(argv)) cli = cli.command(c as never);
  await cli.parseAsync();
}

function report(e: unknown): void {
  if (e instanceof UserError) {
    process.stderr.write(`fleetsim: ${e.message}\n`);
    process.exitCode = e.exitCode;
    return;
  }
  process.stderr.write(`fleetsim: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 70;
}

// A closed pipe (`fleetsim run x | head`) ends the output quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(hideBin(process.argv)).catch(report);
