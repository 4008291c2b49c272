import { ensureBuiltFiles } from '../helpers/built.js';

/** The sweep's CLI tests run the compiled CLI (worker threads need JavaScript). */
export function ensureSweepBuilt(): void {
  ensureBuiltFiles(['dist/src/cli/main.js', 'dist/src/cli/commands/sweep.js', 'dist/src/cli/commands/merge.js', 'dist/src/runner/sweep-task.js', 'dist/src/report/sweep-report.js']);
}
