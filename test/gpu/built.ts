import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Tests that need compiled JavaScript (worker threads, the CLI as a child process) call this
 * first: if dist/ is missing or older than the GPU/trace/runner/CLI sources, it runs `tsc -p .`.
 * (tsc emits even when another part of the tree has type errors; the check below is on the
 * files these tests use.)
 */
export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const CLI = join(ROOT, 'dist/src/cli/main.js');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function ensureBuilt(): void {
  const outputs = ['dist/src/cli/main.js', 'dist/src/cli/commands/experiment.js', 'dist/src/runner/pool.js', 'dist/src/runner/pool-worker.js', 'dist/src/gpu/fgd-experiment.js'];
  const sources = ['src/gpu', 'src/trace', 'src/runner', 'src/cli'].map((d) => newest(join(ROOT, d)));
  const fresh = () => outputs.every((o) => existsSync(join(ROOT, o)) && statSync(join(ROOT, o)).mtimeMs >= Math.max(...sources));
  if (fresh()) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', ROOT], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    // Type errors elsewhere in the tree still emit JavaScript; freshness is checked below.
  }
  if (!fresh()) throw new Error('dist/ is not up to date after tsc -p . (see `npx tsc -p .`)');
}
