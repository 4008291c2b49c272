import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';

/**
 * Where commands write their results, checked before anything is computed, and written so that
 * nothing is lost: an output folder must be (or become) a writable folder; a folder holding
 * another scenario's report or another sweep's results is not overwritten without --force; and
 * every file is written whole or not at all (a temporary file renamed into place), so a run
 * killed while writing leaves the previous file, never half of a new one.
 */

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'not writable';
  if (code === 'ENOENT') return 'cannot be created there';
  if (code === 'ENOTDIR') return 'inside a file';
  return code ?? (e as Error).message;
}

/**
 * Create `dir` and its missing parents one level at a time. (Node's recursive mkdir spins forever
 * on a path it cannot create, such as /proc/x.)
 */
function makeDirs(dir: string, flag: string, shown: string): void {
  const missing: string[] = [];
  let p = dir;
  while (!existsSync(p)) {
    missing.push(p);
    const parent = dirname(p);
    if (parent === p) break;
    p = parent;
  }
  if (existsSync(p) && !statSync(p).isDirectory()) throw new UserError(`${flag} ${shown}: expected a folder, found a path through the file ${p}`);
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      throw new UserError(`${flag} ${shown}: expected a folder that can be created, found ${d} ${errnoText(e)}`);
    }
  }
}

/**
 * Make `dir` an existing, writable folder (created if need be), or fail with one line naming the
 * flag: a file, a folder without write permission, a place like /proc where nothing can be made.
 */
export function prepareOutDir(dir: string, flag = '--out'): string {
  const abs = resolve(dir);
  if (existsSync(abs) && !statSync(abs).isDirectory()) throw new UserError(`${flag} ${dir}: expected a folder, found a file`);
  makeDirs(abs, flag, dir);
  // Writable? Only trying tells (permissions, read-only mounts, ACLs).
  const probe = join(abs, `.fleetsim-write-test-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (e) {
    throw new UserError(`${flag} ${dir}: expected a writable folder, found one ${errnoText(e)}`);
  }
  return abs;
}

/**
 * A file an option names for output (`--openmetrics`): checked before anything runs, so that a
 * mistake there does not cost the run. Its folder must exist and be writable; the path must not
 * be a folder. One line naming the flag otherwise.
 */
export function checkOutFile(file: string, flag: string): void {
  const abs = resolve(file);
  if (existsSync(abs) && statSync(abs).isDirectory()) throw new UserError(`${flag} ${file}: expected a file to write, found a folder`);
  const dir = dirname(abs);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${flag} ${file}: expected a file in an existing folder, found no folder ${dir}`);
  const probe = join(dir, `.fleetsim-write-test-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (e) {
    throw new UserError(`${flag} ${file}: expected a file in a writable folder, found ${dir} ${errnoText(e)}`);
  }
}

/** Write `data` to `file` atomically: a temporary file in the same folder, flushed, then renamed over it. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = join(dirname(file), `.${file.split(/[/\\]/).pop()}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, file);
}

/**
 * `run` writes into `dir` only if it is empty, new, or holds a report of the same scenario (the
 * same `name`): another scenario's report, or files that are not a fleetsim report, are kept
 * unless `force`.
 */
export function checkRunOutDir(dir: string, scenario: string, force: boolean): void {
  if (force || !existsSync(dir) || !statSync(dir).isDirectory()) return;
  const summary = join(dir, 'summary.json');
  if (existsSync(summary)) {
    let other: unknown;
    try {
      other = (JSON.parse(readFileSync(summary, 'utf8')) as { scenario?: unknown }).scenario;
    } catch {
      other = undefined;
    }
    if (other === scenario) return;
    throw new UserError(`--out ${dir}: holds ${typeof other === 'string' ? `the report of scenario ${other}` : 'a summary.json that is not a fleetsim report'}, not of ${scenario}: give another --out, or --force to replace it`);
  }
  const others = readdirSync(dir).filter((n) => !n.startsWith('.'));
  if (others.length > 0) throw new UserError(`--out ${dir}: holds ${others.length} file${others.length === 1 ? '' : 's'} that are not a fleetsim report (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', ...' : ''}): give another --out, or --force to write there anyway`);
}
