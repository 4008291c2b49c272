import type { CommandModule } from 'yargs';
import { conformanceCommand } from './conformance.js';

/** Every subcommand of `fleetsim`, in the order `--help` lists them. */
export const commands: CommandModule<object, never>[] = [
  conformanceCommand as unknown as CommandModule<object, never>,
];
