import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';

/** One vector that did not pass. */
export interface ConformanceFailure {
  file: string;
  name: string;
  expected: unknown;
  got: unknown;
}

export interface ConformanceReport {
  passed: number;
  failed: number;
  failures: ConformanceFailure[];
}

/** Every `.json` file named, or found (sorted, non-recursive into hidden dirs) under a named directory. */
export function collectVectorFiles(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UserError(`${p}: no such file or directory`);
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (name.startsWith('.')) continue;
        const full = join(p, name);
        if (statSync(full).isDirectory()) out.push(...collectVectorFiles([full]));
        else if (name.endsWith('.json')) out.push(full);
      }
    } else {
      out.push(p);
    }
  }
  return out;
}

/** Parse a vector file; a broken file is the user's error (exit 2), not a failed vector. */
export function readVectorFile(file: string): { vectors: unknown[]; [k: string]: unknown } {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray((doc as { vectors?: unknown }).vectors)) {
    throw new UserError(`${file}: expected an object with a "vectors" array`);
  }
  return doc as { vectors: unknown[] };
}

/** Compact JSON for one-line failure messages. */
export function brief(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s;
}

/** The text the CLI prints: one line per failing vector, then `N passed, M failed`. */
export function formatConformanceReport(r: ConformanceReport): string {
  const lines = r.failures.map((f) => `FAIL ${f.name} (${f.file}): expected ${brief(f.expected)}, got ${brief(f.got)}`);
  lines.push(`${r.passed} passed, ${r.failed} failed`);
  return lines.join('\n') + '\n';
}
