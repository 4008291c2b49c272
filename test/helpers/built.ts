import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Tests that need compiled JavaScript (worker threads, the CLI as a child process) call this
 * first with the dist/ files they use: if one is missing or older than any source under src/, it
 * runs `tsc -p .` (`npm test` builds in pretest; this covers `npx vitest run <folder>`). tsc emits
 * even when another part of the tree has type errors, so only the files' presence is checked after.
 */
export function ensureBuiltFiles(outputs: readonly string[]): void {
  const src = newest(join(ROOT, 'src'));
  if (outputs.every((o) => existsSync(join(ROOT, o)) && statSync(join(ROOT, o)).mtimeMs >= src)) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', ROOT], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    // Type errors elsewhere still emit JavaScript.
  }
  const missing = outputs.filter((o) => !existsSync(join(ROOT, o)));
  if (missing.length) throw new Error(`dist/ lacks ${missing.join(', ')} after tsc -p . (see \`npx tsc -p .\`)`);
}
