import { UserError } from '../errors.js';

/** Where in which file a value sits. Lines and columns count from 1. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/**
 * A user's mistake in a scenario or an included manifest: one message that names the file,
 * line and column, the field path, what was expected and what was found. Exit code 2.
 */
export class ScenarioError extends UserError {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly path: string;
  readonly expected: string;
  readonly found: string;
  constructor(pos: SourcePosition, path: string, expected: string, found: string) {
    super(`${pos.file}:${pos.line}:${pos.col}: ${path || '(document)'}: expected ${expected}, found ${found}`);
    this.name = 'ScenarioError';
    this.file = pos.file;
    this.line = pos.line;
    this.col = pos.col;
    this.path = path || '(document)';
    this.expected = expected;
    this.found = found;
  }
}

/** `fleet.clusters[2].nodePools[0].gpus.count` from `['fleet','clusters',2,'nodePools',0,'gpus','count']`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

/** A short, quoted description of a found value for error messages. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return `"${v.length > 60 ? v.slice(0, 57) + '...' : v}" (a string)`;
  if (typeof v === 'number') return `${v} (a number)`;
  if (typeof v === 'boolean') return `${v} (a boolean)`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return `a map with keys ${Object.keys(v as object).slice(0, 6).join(', ') || '(none)'}`;
  return String(v);
}

/** The position of a `file:line` source tag (what specs keep in `source`), at column 1. */
export function sourcePosition(s: string): SourcePosition {
  const m = /^(.*):(\d+)$/.exec(s);
  return m ? { file: m[1], line: Number(m[2]), col: 1 } : { file: s, line: 1, col: 1 };
}
