import type { CommandModule } from 'yargs';
import { benchCommand } from './bench.js';
import { checkCommand } from './check.js';
import { conformanceCommand } from './conformance.js';
import { diffCommand } from './diff.js';
import { experimentCommand } from './experiment.js';
import { mergeCommand } from './merge.js';
import { runCommand } from './run.js';
import { schemaCommand } from './schema.js';
import { selftestCommand } from './selftest.js';
import { sweepCommand } from './sweep.js';
import { validateCommand } from './validate.js';

/** Every subcommand of `fleetsim`, in the order `--help` lists them. */
export const commands: CommandModule<object, never>[] = [
  runCommand as unknown as CommandModule<object, never>,
  sweepCommand as unknown as CommandModule<object, never>,
  mergeCommand as unknown as CommandModule<object, never>,
  benchCommand as unknown as CommandModule<object, never>,
  diffCommand as unknown as CommandModule<object, never>,
  checkCommand as unknown as CommandModule<object, never>,
  validateCommand as unknown as CommandModule<object, never>,
  schemaCommand as unknown as CommandModule<object, never>,
  conformanceCommand as unknown as CommandModule<object, never>,
  experimentCommand as unknown as CommandModule<object, never>,
  selftestCommand as unknown as CommandModule<object, never>,
];
