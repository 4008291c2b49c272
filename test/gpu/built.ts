import { ensureBuiltFiles } from '../helpers/built.js';

export { CLI, ROOT } from '../helpers/cli.js';

/** The GPU experiment's and the worker pools' tests run compiled JavaScript (worker threads, the CLI as a child process). */
export function ensureBuilt(): void {
  ensureBuiltFiles(['dist/src/cli/main.js', 'dist/src/cli/commands/experiment.js', 'dist/src/runner/pool.js', 'dist/src/runner/pool-worker.js', 'dist/src/gpu/fgd-experiment.js']);
}
