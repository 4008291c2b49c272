import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

/**
 * The sweep's CLI tests run the compiled CLI (worker threads need JavaScript): if dist/ is
 * missing or older than any source under src/, build it first (`npm test` builds in pretest; this
 * covers `npx vitest run test/sweep`). tsc emits even when another part of the tree has type
 * errors; freshness is checked after.
 */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function ensureSweepBuilt(): void {
  const outputs = ['dist/src/cli/main.js', 'dist/src/cli/commands/sweep.js', 'dist/src/cli/commands/merge.js', 'dist/src/runner/sweep-task.js', 'dist/src/report/sweep-report.js'];
  const fresh = () => {
    const src = newest(join(ROOT, 'src'));
    return outputs.every((o) => existsSync(join(ROOT, o)) && statSync(join(ROOT, o)).mtimeMs >= src);
  };
  if (fresh()) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', ROOT], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    // Type errors elsewhere still emit JavaScript.
  }
  if (!outputs.every((o) => existsSync(join(ROOT, o)))) throw new Error('dist/ lacks the sweep after tsc -p . (see `npx tsc -p .`)');
}
