import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { Scenario } from '../scenario/types.js';
import { canUseThreads, runPoolStreaming, type TaskOutcome, type WorkerPool } from '../runner/pool.js';
import { SWEEP_TASK } from '../runner/sweep.js';
import { resultsFileName } from '../runner/sweep-results.js';
import type { Shard } from '../runner/sweep-keys.js';
import type { SweepRecord } from '../runner/sweep-results.js';
import type { SweepTask, SweepTaskResult } from '../runner/sweep-task.js';

/**
 * The runs of a plan: executed on the worker pool as the sweep's are (the same task module,
 * `runSweepTask`, returning metrics only), appended to `runs.jsonl` the moment each ends, and
 * found again by id: a run's id is a hash of what it runs (knob values, failure case, scheduler,
 * replication), so `--resume` reuses every run a killed or earlier plan of the same scenario
 * finished, whatever its constraints were.
 *
 * Sharded (`--shard i/n`, every shard in the same folder, e.g. a ReadWriteMany volume): every shard
 * walks the same search, which is a pure function of the runs' results. The runs are numbered in
 * the order the search asks for them (the same on every shard); shard i runs those numbered i mod n
 * and appends them to `runs-shard-i-of-n.jsonl`, and reads the other shards' runs from their files,
 * waiting until a round's runs are all there.
 */
export const PLAN_FORMAT = 'fleetsim-plan/v1';

export interface PlanRunsHeader {
  readonly type: 'header';
  readonly format: typeof PLAN_FORMAT;
  readonly fleetsim: string;
  readonly scenario: string;
  readonly scenarioFile: string;
  /** The scenario document and its included files (a run's id does not repeat it). */
  readonly scenarioHash: string;
  readonly shard: Shard | null;
}

export interface RunRequest {
  readonly id: string;
  /** For the record: the knob values, then the failure case's key. */
  readonly values: readonly unknown[];
  /** The candidate's ordinal. */
  readonly point: number;
  readonly replication: number;
  readonly seed: number;
  /** Built only when this process runs it. */
  readonly scenario: () => Scenario;
  /** Keep the whole RunResult (the reference run, for the busy hour); default metrics only. */
  readonly keepResult?: boolean;
}

export interface PlanRunsOptions {
  readonly outDir: string;
  readonly header: PlanRunsHeader;
  /** The scheduler as runScenario takes it, and as written (the record's `scheduler`). */
  readonly schedulerSpec: string;
  readonly scheduler: string;
  readonly resume: boolean;
  readonly workers: number;
  readonly pool?: WorkerPool | null;
  /** Give up when no shard has written a run for this long (ms; default 30 min). */
  readonly waitTimeoutMs?: number;
  /** Between looks at the other shards' files (ms; default 200). */
  readonly pollMs?: number;
  readonly onRun?: (executed: number) => void;
}

/** A results file being read as it grows. */
interface Tail {
  offset: number;
  /** Null until its header is read; false when the header is of another scenario or format. */
  ours: boolean | null;
}

export class PlanRuns {
  readonly file: string;
  private readonly fd: number;
  private readonly opts: PlanRunsOptions;
  private readonly known = new Map<string, SweepRecord>();
  private readonly sequence = new Map<string, number>();
  private readonly tails = new Map<string, Tail>();
  /** Runs this process executed (the others requested were found done, by --resume or another shard). */
  executed = 0;

  private constructor(file: string, fd: number, opts: PlanRunsOptions) {
    this.file = file;
    this.fd = fd;
    this.opts = opts;
  }

  /** Open (or, with resume, continue) this process's results file. */
  static open(opts: PlanRunsOptions): PlanRuns {
    const file = join(opts.outDir, resultsFileName(opts.header.shard));
    let fd: number;
    const lines: string[] = [];
    if (opts.resume && existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      const end = text.lastIndexOf('\n') + 1;
      const own = text.slice(0, end).split('\n').filter((l) => l.trim() !== '');
      const header = parseLine(own[0] ?? '', file, 1);
      if (header?.type !== 'header' || header.format !== PLAN_FORMAT) throw new UserError(`${file}: not a fleetsim plan results file (use another --out, or run without --resume to start over)`);
      if (header.scenarioHash !== opts.header.scenarioHash || header.fleetsim !== opts.header.fleetsim) {
        throw new UserError(`${file} holds runs of a different scenario or fleetsim version (the scenario file or an included manifest changed): use another --out, or run without --resume to start over`);
      }
      lines.push(...own.slice(1));
      // Cut a partial last line (a killed plan), then append.
      const cut = openSync(file, 'r+');
      ftruncateSync(cut, Buffer.byteLength(text.slice(0, end)));
      closeSync(cut);
      fd = openSync(file, 'a');
    } else {
      fd = openSync(file, 'w');
      writeSync(fd, JSON.stringify(opts.header) + '\n');
    }
    const runs = new PlanRuns(file, fd, opts);
    lines.forEach((l, i) => runs.accept(parseLine(l, file, i + 2)));
    return runs;
  }

  /** Runs asked for so far (distinct). */
  get requested(): number {
    return this.sequence.size;
  }

  /** The records of these runs, executing this shard's share of those not done and waiting for the others'. */
  async get(requests: readonly RunRequest[]): Promise<Map<string, SweepRecord>> {
    const shard = this.opts.header.shard;
    const mine: RunRequest[] = [];
    for (const r of requests) {
      if (!this.sequence.has(r.id)) this.sequence.set(r.id, this.sequence.size);
    }
    this.readOthers();
    const seen = new Set<string>();
    for (const r of requests) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      const rec = this.known.get(r.id);
      // A failed run runs again on --resume; sharded, a failure is final, so that every shard
      // sees the same result whenever it reads the file.
      if (rec && (rec.status === 'ok' || shard !== null)) continue;
      if (shard === null || this.sequence.get(r.id)! % shard.count === shard.index) mine.push(r);
    }
    await this.execute(mine);
    await this.waitFor(requests);
    return new Map(requests.map((r) => [r.id, this.known.get(r.id)!]));
  }

  private async execute(requests: readonly RunRequest[]): Promise<void> {
    if (requests.length === 0) return;
    const tasks: SweepTask[] = requests.map((r) => ({
      scenario: r.scenario(),
      scheduler: this.opts.schedulerSpec,
      run: { id: r.id, index: this.sequence.get(r.id)!, point: r.point, values: r.values, scheduler: this.opts.scheduler, replication: r.replication, seed: r.seed },
      keep: r.keepResult ? 'all' : 'metrics',
    }));
    const onOutcome = (i: number, outcome: TaskOutcome<SweepTaskResult>): void => {
      const line = outcome.ok ? outcome.value.line : JSON.stringify({ type: 'run', ...tasks[i].run, status: 'failed', error: outcome.error } satisfies SweepRecord);
      writeSync(this.fd, line + '\n');
      const rec = JSON.parse(line) as SweepRecord;
      this.known.set(rec.id, rec);
      this.executed++;
      this.opts.onRun?.(this.executed);
    };
    const pool = this.opts.pool;
    if (pool && tasks.length > 1 && canUseThreads(SWEEP_TASK)) await pool.run<SweepTask, SweepTaskResult>(SWEEP_TASK, 'runSweepTask', tasks, { onOutcome });
    else await runPoolStreaming<SweepTask, SweepTaskResult>(SWEEP_TASK, 'runSweepTask', tasks, { workers: this.opts.workers, onOutcome });
  }

  /** Sharded: read the other shards' files until every requested run is there. */
  private async waitFor(requests: readonly RunRequest[]): Promise<void> {
    const missing = (): RunRequest[] => requests.filter((r) => !this.known.has(r.id));
    let last = Date.now();
    const timeout = this.opts.waitTimeoutMs ?? 30 * 60_000;
    for (;;) {
      const left = missing();
      if (left.length === 0) return;
      if (this.opts.header.shard === null) throw new Error(`plan: run ${left[0].id} neither ran nor is known`);
      await new Promise((r) => setTimeout(r, this.opts.pollMs ?? 200));
      if (this.readOthers() > 0) last = Date.now();
      if (Date.now() - last > timeout) {
        const shard = this.opts.header.shard;
        const owners = [...new Set(left.map((r) => this.sequence.get(r.id)! % shard.count))].sort((a, b) => a - b);
        throw new UserError(`shard ${shard.index}/${shard.count}: waited ${Math.round(timeout / 60_000)} min for ${left.length} runs of shard${owners.length > 1 ? 's' : ''} ${owners.join(', ')} in ${this.opts.outDir} (are they running, on the same folder?)`, 1);
      }
    }
  }

  /** Read what the other shards' files gained since the last look; returns the records read. */
  private readOthers(): number {
    const shard = this.opts.header.shard;
    if (shard === null) return 0;
    let read = 0;
    for (let j = 0; j < shard.count; j++) {
      if (j === shard.index) continue;
      const file = join(this.opts.outDir, resultsFileName({ index: j, count: shard.count }));
      if (!existsSync(file)) continue;
      let tail = this.tails.get(file);
      const size = statSync(file).size;
      // A shard started over (without --resume) truncates its file: read it again from the top.
      if (!tail || size < tail.offset) {
        tail = { offset: 0, ours: null };
        this.tails.set(file, tail);
      }
      if (size === tail.offset) continue;
      const fd = openSync(file, 'r');
      const buf = Buffer.alloc(size - tail.offset);
      const got = readSyncAll(fd, buf, tail.offset);
      closeSync(fd);
      const text = buf.subarray(0, got).toString('utf8');
      const end = text.lastIndexOf('\n') + 1;
      let lineNo = 0;
      for (const line of text.slice(0, end).split('\n')) {
        lineNo++;
        if (line.trim() === '') continue;
        const v = parseLine(line, file, lineNo, true);
        if (v === null) continue;
        if (v.type === 'header') {
          tail.ours = v.format === PLAN_FORMAT && v.scenarioHash === this.opts.header.scenarioHash && v.fleetsim === this.opts.header.fleetsim;
        } else if (tail.ours) {
          this.accept(v);
          read++;
        }
      }
      tail.offset += Buffer.byteLength(text.slice(0, end));
    }
    return read;
  }

  private accept(v: (SweepRecord | PlanRunsHeader) | null): void {
    if (v === null || v.type !== 'run') return;
    // The first record of a run wins (the same run's result is the same wherever it ran), except
    // that a later ok replaces a failure (a run retried by --resume).
    const prev = this.known.get(v.id);
    if (prev && (prev.status === 'ok' || v.status !== 'ok')) return;
    this.known.set(v.id, v);
  }

  close(): void {
    closeSync(this.fd);
  }
}

function readSyncAll(fd: number, buf: Buffer, position: number): number {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

function parseLine(line: string, file: string, lineNo: number, lenient = false): SweepRecord | PlanRunsHeader | null {
  try {
    const v = JSON.parse(line) as SweepRecord | PlanRunsHeader;
    if (v && (v.type === 'run' || v.type === 'header')) return v;
  } catch {
    // fall through
  }
  if (lenient) return null;
  throw new UserError(`${file}:${lineNo}: not a fleetsim plan results line`);
}
