import { createHash } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { UserError } from '../errors.js';
import { FLEETSIM_VERSION } from '../version.js';
import type { RunResult } from './result.js';
import { enumerateRuns, inShard, type AxisDef, type PlannedRun, type Shard } from './sweep-keys.js';
import type { MetricValue } from './sweep-metrics.js';
import type { SweepPlan } from './sweep-plan.js';

/**
 * A sweep's results file: JSON Lines, one object per line.
 *
 * - A `header` line first: the scenario (name, text, hash), the plan (axes, schedulers,
 *   replications, hash) and the shard. `--resume` with a changed plan (e.g. a new value on an
 *   axis) appends a new header; the LAST header of a file is its plan.
 * - One `run` line per finished run, appended as soon as the run ends (so a killed sweep keeps
 *   what it finished): its id, point, scheduler, replication, seed, status (`ok` or `failed`
 *   with the error), its metrics and its whole RunResult. A later line for the same id replaces an
 *   earlier one (a resumed sweep re-runs failed runs).
 *
 * Lines are in completion order; every table and aggregate built from the file is put in the
 * plan's canonical order first, so it is the same whatever the order runs finished in.
 *
 * Every line ends in a checksum of the rest of it (`"sum":"<sha256>"`, its last field), so a line
 * edited or damaged after it was written is detected, not trusted: `--resume` runs it again,
 * `merge` refuses the file.
 */

export const SWEEP_FORMAT = 'fleetsim-sweep/v2';

const SUM_FIELD = ',"sum":"';

function digest(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 32);
}

/** A line of JSON (an object's text) with its checksum appended as the last field. */
export function sealLine(json: string): string {
  return `${json.slice(0, -1)}${SUM_FIELD}${digest(json)}"}`;
}

/** The object's JSON text without its checksum, or null when the checksum is missing or does not match. */
export function unsealLine(line: string): string | null {
  const at = line.lastIndexOf(SUM_FIELD);
  if (at < 0 || !line.endsWith('"}')) return null;
  const json = `${line.slice(0, at)}}`;
  return digest(json) === line.slice(at + SUM_FIELD.length, -2) ? json : null;
}

export interface SweepHeader {
  readonly type: 'header';
  readonly format: typeof SWEEP_FORMAT;
  readonly fleetsim: string;
  readonly scenario: string;
  readonly description: string;
  readonly scenarioFile: string;
  readonly scenarioHash: string;
  readonly scenarioText: string;
  readonly planHash: string;
  readonly axes: readonly AxisDef[];
  readonly schedulers: readonly string[];
  readonly replications: number;
  /** Runs in the whole plan (all shards). */
  readonly runs: number;
  readonly shard: Shard | null;
}

export interface SweepRecord {
  readonly type: 'run';
  readonly id: string;
  readonly index: number;
  readonly point: number;
  readonly values: readonly unknown[];
  readonly scheduler: string;
  readonly replication: number;
  readonly seed: number;
  readonly status: 'ok' | 'failed';
  readonly error?: string;
  readonly metrics?: readonly MetricValue[];
  readonly result?: RunResult;
  /** Wall-clock seconds of the run, and the thread that ran it (informational; never in tables or aggregates). */
  readonly wallSeconds?: number;
  readonly thread?: number;
}

export function headerOf(plan: SweepPlan, shard: Shard | null): SweepHeader {
  return {
    type: 'header',
    format: SWEEP_FORMAT,
    fleetsim: FLEETSIM_VERSION,
    scenario: plan.name,
    description: plan.description,
    scenarioFile: plan.file,
    scenarioHash: plan.scenarioHash,
    scenarioText: plan.scenarioText,
    planHash: plan.planHash,
    axes: plan.axes.map((a) => ({ path: a.path, values: a.values })),
    schedulers: plan.schedulers,
    replications: plan.replications,
    runs: plan.runs.length,
    shard,
  };
}

/** The runs a header's plan has (all shards), in canonical order. */
export function runsOf(header: SweepHeader): PlannedRun[] {
  return enumerateRuns(header.axes, header.schedulers, header.replications);
}

export interface ResultsFile {
  readonly file: string;
  readonly header: SweepHeader;
  /** The last record per id, for ids in the header's plan and shard. */
  readonly records: Map<string, SweepRecord>;
  /** Records for ids that are not in the plan (from an earlier plan of a resumed sweep). */
  readonly stale: number;
  /** The last record per id, whatever the plan (for --resume with a changed plan). */
  readonly all: Map<string, SweepRecord>;
  /** Byte length of the complete lines (a partial last line, from a killed sweep, is after it). */
  readonly completeBytes: number;
  /** Run lines left out because their checksum did not match (with `damaged: 'skip'`). */
  readonly damaged: number;
  /** Their line numbers (1-based), for a resume that drops them. */
  readonly damagedLines: readonly number[];
}

/**
 * Read a results file. A partial last line is ignored; any other bad line is a UserError, and so
 * is a run line whose checksum does not match, unless `damaged: 'skip'` (--resume: the run is
 * then simply not done, and runs again).
 */
export function readResultsFile(file: string, opts: { damaged?: 'error' | 'skip' } = {}): ResultsFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: cannot read the results file (${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)})`);
  }
  const end = text.lastIndexOf('\n') + 1;
  const lines = text.slice(0, end).split('\n');
  lines.pop();
  let header: SweepHeader | null = null;
  const all: SweepRecord[] = [];
  const damagedLines: number[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let v: { type?: unknown; format?: unknown };
    const json = unsealLine(line);
    try {
      v = JSON.parse(json ?? line) as typeof v;
    } catch {
      throw new UserError(`${file}:${i + 1}: not JSON (is this a fleetsim sweep results file?)`);
    }
    if (v.type === 'header' && v.format !== SWEEP_FORMAT) {
      throw new UserError(`${file}:${i + 1}: results format ${JSON.stringify(v.format)}, expected ${SWEEP_FORMAT}${v.format === 'fleetsim-sweep/v1' ? ' (written by an older fleetsim, without checksums: run the sweep again)' : ''}`);
    }
    if (json === null) {
      if (v.type !== 'run' || opts.damaged !== 'skip') throw new UserError(`${file}:${i + 1}: a line whose checksum does not match (edited or damaged after it was written): remove it, and run its run again with --resume`);
      damagedLines.push(i + 1);
      return;
    }
    if (v.type === 'header') {
      header = v as SweepHeader;
    } else if (v.type === 'run') {
      if (header === null) throw new UserError(`${file}:${i + 1}: a run before any header line`);
      all.push(v as SweepRecord);
    } else {
      throw new UserError(`${file}:${i + 1}: not a fleetsim sweep line (type ${JSON.stringify(v.type)})`);
    }
  });
  if (header === null) throw new UserError(`${file}: no header line (is this a fleetsim sweep results file?)`);
  const h = header as SweepHeader;
  const wanted = new Set(runsOf(h).filter((r) => inShard(r, h.shard)).map((r) => r.id));
  const records = new Map<string, SweepRecord>();
  const last = new Map<string, SweepRecord>();
  let stale = 0;
  for (const r of all) {
    last.set(r.id, r);
    if (wanted.has(r.id)) records.set(r.id, r);
    else stale++;
  }
  return { file, header: h, records, stale, all: last, completeBytes: Buffer.byteLength(text.slice(0, end)), damaged: damagedLines.length, damagedLines };
}

/** An append-only results file: each line written with one write() call as soon as it is known. */
export class ResultsWriter {
  private fd: number;
  /** The file's plan: its last header line (what `readResultsFile` would return as `header`). */
  readonly header: SweepHeader;

  private constructor(fd: number, header: SweepHeader) {
    this.fd = fd;
    this.header = header;
  }

  /** Start a new file (replacing any old one) with this header. */
  static create(file: string, header: SweepHeader): ResultsWriter {
    const w = new ResultsWriter(openSync(file, 'w'), header);
    w.write(header);
    return w;
  }

  /**
   * Continue an existing file: cut a partial last line, and append the header if the plan
   * changed. Returns the writer; `existing` is what was read.
   */
  static resume(existing: ResultsFile, header: SweepHeader): ResultsWriter {
    if (existing.damagedLines.length > 0) {
      // Damaged lines are not trusted: the file is rewritten without them (whole, then renamed).
      const drop = new Set(existing.damagedLines);
      const lines = readFileSync(existing.file).subarray(0, existing.completeBytes).toString('utf8').split('\n').slice(0, -1);
      const tmp = `${existing.file}.${process.pid}.tmp`;
      writeFileSync(tmp, lines.filter((_, i) => !drop.has(i + 1)).map((l) => `${l}\n`).join(''));
      renameSync(tmp, existing.file);
    } else {
      const fd = openSync(existing.file, 'r+');
      ftruncateSync(fd, existing.completeBytes);
      closeSync(fd);
    }
    const changed = existing.header.planHash !== header.planHash || JSON.stringify(existing.header.shard) !== JSON.stringify(header.shard);
    const w = new ResultsWriter(openSync(existing.file, 'a'), changed ? header : existing.header);
    if (changed) w.write(header);
    return w;
  }

  write(line: SweepHeader | SweepRecord): void {
    this.writeLine(JSON.stringify(line));
  }

  /** Append one line of JSON text already serialised (by a pool worker), sealed with its checksum. */
  writeLine(json: string): void {
    const buf = Buffer.from(sealLine(json) + '\n');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The results file name for a shard (`runs.jsonl` unsharded, `runs-shard-3-of-8.jsonl`). */
export function resultsFileName(shard: Shard | null): string {
  return shard ? `runs-shard-${shard.index}-of-${shard.count}.jsonl` : 'runs.jsonl';
}

/**
 * Combine results files (the shards of one sweep, typically). Every file must be of the same
 * scenario and the same plan; a run id in two files is rejected. Returns one header (unsharded)
 * and the records in canonical order.
 */
export function mergeResults(files: readonly ResultsFile[]): { header: SweepHeader; records: Map<string, SweepRecord>; missing: number } {
  if (files.length === 0) throw new UserError('merge: give at least one results file');
  const first = files[0];
  for (const f of files.slice(1)) {
    if (f.header.scenarioHash !== first.header.scenarioHash) {
      throw new UserError(
        `merge: ${f.file} is of a different scenario than ${first.file} (${f.header.scenario} ${f.header.scenarioHash.slice(0, 12)} vs ${first.header.scenario} ${first.header.scenarioHash.slice(0, 12)}): the scenario file or an included manifest differs`,
      );
    }
    if (f.header.planHash !== first.header.planHash) {
      const what: string[] = [];
      if (JSON.stringify(f.header.axes) !== JSON.stringify(first.header.axes)) what.push('sweep axes');
      if (JSON.stringify(f.header.schedulers) !== JSON.stringify(first.header.schedulers)) what.push('schedulers');
      if (f.header.replications !== first.header.replications) what.push(`replications (${f.header.replications} vs ${first.header.replications})`);
      throw new UserError(`merge: ${f.file} and ${first.file} are different sweeps of ${first.header.scenario}: their ${what.join(', ') || 'plans'} differ`);
    }
  }
  const owner = new Map<string, string>();
  const merged = new Map<string, SweepRecord>();
  for (const f of files) {
    for (const [id, r] of f.records) {
      const prev = owner.get(id);
      if (prev !== undefined) {
        throw new UserError(`merge: run ${id} (point ${r.point}, scheduler ${r.scheduler}, replication ${r.replication}) is in both ${prev} and ${f.file}: merge each shard once`);
      }
      owner.set(id, f.file);
      merged.set(id, r);
    }
  }
  const plan = runsOf(first.header);
  const ordered = new Map<string, SweepRecord>();
  for (const r of plan) {
    const rec = merged.get(r.id);
    if (rec) ordered.set(r.id, rec);
  }
  return { header: { ...first.header, shard: null }, records: ordered, missing: plan.length - ordered.size };
}

export function fileExists(file: string): boolean {
  return existsSync(file);
}
