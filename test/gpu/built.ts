import { pathToFileURL } from 'node:url';
import { ensureBuiltFiles } from '../helpers/built.js';
import { ROOT } from '../helpers/cli.js';

export { CLI, ROOT } from '../helpers/cli.js';

/** The GPU experiment's and the worker pools' tests run compiled JavaScript (worker threads, the CLI as a child process). */
export function ensureBuilt(): void {
  ensureBuiltFiles(['dist/src/cli/main.js', 'dist/src/cli/commands/experiment.js', 'dist/src/runner/pool.js', 'dist/src/runner/pool-worker.js', 'dist/src/gpu/fgd-experiment.js']);
}

/** The compiled worker-pool module (built first if needed): its pools run real worker threads, which the TypeScript sources cannot. */
export async function compiledPool(): Promise<typeof import('../../src/runner/pool.js')> {
  ensureBuilt();
  return (await import(pathToFileURL(`${ROOT}/dist/src/runner/pool.js`).href)) as typeof import('../../src/runner/pool.js');
}
