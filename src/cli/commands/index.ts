import type { CommandModule } from 'yargs';

type AnyCommand = CommandModule<object, never>;

/**
 * Every subcommand of `fleetsim`, in the order `--help` lists them, each loaded on demand: a
 * command's module imports what it needs (the simulator, arquero, the report renderer), and
 * `fleetsim run` need not load what `fleetsim experiment` does. `main` loads only the command
 * named on the command line (none for `--version`), or all of them for `--help` and mistakes.
 */
export const commandLoaders: readonly { readonly name: string; readonly load: () => Promise<AnyCommand> }[] = [
  { name: 'run', load: async () => (await import('./run.js')).runCommand as unknown as AnyCommand },
  { name: 'sweep', load: async () => (await import('./sweep.js')).sweepCommand as unknown as AnyCommand },
  { name: 'plan', load: async () => (await import('./plan.js')).planCommand as unknown as AnyCommand },
  { name: 'merge', load: async () => (await import('./merge.js')).mergeCommand as unknown as AnyCommand },
  { name: 'bench', load: async () => (await import('./bench.js')).benchCommand as unknown as AnyCommand },
  { name: 'explain', load: async () => (await import('./explain.js')).explainCommand as unknown as AnyCommand },
  { name: 'diff', load: async () => (await import('./diff.js')).diffCommand as unknown as AnyCommand },
  { name: 'check', load: async () => (await import('./check.js')).checkCommand as unknown as AnyCommand },
  { name: 'import', load: async () => (await import('./import.js')).importCommand as unknown as AnyCommand },
  { name: 'validate', load: async () => (await import('./validate.js')).validateCommand as unknown as AnyCommand },
  { name: 'schema', load: async () => (await import('./schema.js')).schemaCommand as unknown as AnyCommand },
  { name: 'conformance', load: async () => (await import('./conformance.js')).conformanceCommand as unknown as AnyCommand },
  { name: 'experiment', load: async () => (await import('./experiment.js')).experimentCommand as unknown as AnyCommand },
  { name: 'selftest', load: async () => (await import('./selftest.js')).selftestCommand as unknown as AnyCommand },
];

/** The commands to register for this command line: the one it names, none for `--version` alone, else all. */
export async function commandsFor(argv: readonly string[]): Promise<AnyCommand[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  const named = commandLoaders.find((c) => c.name === first);
  const wantsHelp = argv.some((a) => a === '--help' || a === '-h');
  if (named && !wantsHelp) return [await named.load()];
  if (first === undefined && !wantsHelp && argv.includes('--version')) return [];
  return Promise.all(commandLoaders.map((c) => c.load()));
}
