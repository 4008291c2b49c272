import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * A small pool of worker threads for independent runs (seeds x policies x sweep points).
 *
 * - A task module is an ES module exporting a function `(task) => result | Promise<result>`;
 *   tasks and results are plain structured-cloneable data.
 * - Results come back in task order, whatever the number of workers or the order runs finish
 *   in, so output built from them is identical for any worker count.
 * - A task that throws is reported as `{ ok: false, error }` (message and stack) and the other
 *   tasks still run; a worker that dies takes only its current task with it and is replaced.
 * - Workers load the task module by URL, so it must be JavaScript: the CLI runs from `dist/`.
 *   With one worker, or when the module is TypeScript source (vitest runs `src/` directly), the
 *   tasks run in this thread instead, one after another, with the same results.
 */
export interface PoolOptions {
  /** Worker threads to use (default: one per core, never more than the tasks). */
  readonly workers?: number;
}

export type TaskOutcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: string };

const WORKER_ENTRY = new URL('./pool-worker.js', import.meta.url);

/** Default worker count: one per core the OS reports. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Run `tasks` through `exportName` of the module at `moduleUrl` and return one outcome per task,
 * in task order.
 */
export async function runPool<T, R>(moduleUrl: string | URL, exportName: string, tasks: readonly T[], options: PoolOptions = {}): Promise<TaskOutcome<R>[]> {
  const out: TaskOutcome<R>[] = new Array(tasks.length);
  await runPoolStreaming<T, R>(moduleUrl, exportName, tasks, { ...options, onOutcome: (i, o) => (out[i] = o) });
  return out;
}

/**
 * The pool, streaming: each task's outcome is handed to `onOutcome` as soon as it is known (a
 * sweep appends it to its results file at once, and moves its progress bar). Outcomes arrive in
 * completion order (with several workers that is not task order); callers that need a
 * deterministic order must use the index they are given.
 */
export interface StreamPoolOptions<R> extends PoolOptions {
  /** Called once per task, in completion order. If it throws, the pool stops and rejects. */
  readonly onOutcome: (index: number, outcome: TaskOutcome<R>) => void;
  /** Aborted (Ctrl-C): no more tasks start, running ones are abandoned (no outcome), and the run resolves. */
  readonly signal?: AbortSignal;
  /** A task's own progress (0..1), when it runs in this thread (a lone run's progress bar). */
  readonly onTaskProgress?: (index: number, fraction: number) => void;
}

export async function runPoolStreaming<T, R>(moduleUrl: string | URL, exportName: string, tasks: readonly T[], options: StreamPoolOptions<R>): Promise<void> {
  const url = String(moduleUrl);
  const requested = options.workers ?? defaultWorkerCount();
  if (!Number.isInteger(requested) || requested < 1) throw new RangeError(`workers must be a positive integer, got ${requested}`);
  if (tasks.length === 0) return;
  const workers = Math.min(requested, tasks.length);
  if (workers <= 1 || !canUseThreads(url)) return runInThisThread(url, exportName, tasks, options.onOutcome, options.signal, options.onTaskProgress);
  const pool = new WorkerPool(workers);
  try {
    await pool.run(url, exportName, tasks, { onOutcome: options.onOutcome, ...(options.signal ? { signal: options.signal } : {}) });
  } finally {
    await pool.close();
  }
}

/**
 * The tasks one after another in this thread, outcomes in task order. The task function is given
 * `{ signal, onProgress }` as its second argument (in this thread only), so an abort can stop the
 * running task (which then has no outcome unless it returns one) and it can report its progress.
 */
export async function runInThisThread<T, R>(
  url: string,
  exportName: string,
  tasks: readonly T[],
  onOutcome: (index: number, o: TaskOutcome<R>) => void,
  signal?: AbortSignal,
  onTaskProgress?: (index: number, fraction: number) => void,
): Promise<void> {
  const fn = (await loadTaskFunction(url, exportName)) as (task: unknown, ctx: { signal?: AbortSignal; onProgress?: (f: number) => void }) => unknown;
  for (let i = 0; i < tasks.length; i++) {
    if (signal?.aborted) return;
    let outcome: TaskOutcome<R>;
    try {
      const ctx = { ...(signal ? { signal } : {}), ...(onTaskProgress ? { onProgress: (f: number) => onTaskProgress(i, f) } : {}) };
      outcome = { ok: true, value: (await fn(tasks[i], ctx)) as R };
    } catch (e) {
      outcome = { ok: false, error: describeError(e) };
    }
    // Stopped by the abort: no outcome, unless the task returned what it had (a partial run kept).
    if (signal?.aborted) {
      if (outcome.ok) onOutcome(i, outcome);
      return;
    }
    onOutcome(i, outcome);
  }
}

/** Import a task module and return its task function (exported for the worker entry). */
export async function loadTaskFunction(url: string, exportName: string): Promise<(task: unknown) => unknown> {
  const mod = (await import(url)) as Record<string, unknown>;
  const fn = mod[exportName];
  if (typeof fn !== 'function') throw new Error(`task module ${url} has no exported function '${exportName}'`);
  return fn as (task: unknown) => unknown;
}

/** Message and stack of a thrown value, as one string. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  return String(e);
}

export interface PoolRunOptions<R> {
  /** Called once per task, in completion order. If it throws, the pool closes and the run rejects. */
  readonly onOutcome: (index: number, outcome: TaskOutcome<R>) => void;
  /** Aborted (Ctrl-C): no more tasks start, the threads are stopped (their tasks have no outcome), and the run resolves. */
  readonly signal?: AbortSignal;
}

/** `true` when tasks of this module can run in worker threads (compiled JavaScript, not TypeScript source). */
export function canUseThreads(moduleUrl: string | URL): boolean {
  return !/\.(c|m)?ts$/.test(new URL(String(moduleUrl)).pathname);
}

interface Slot {
  worker: Worker;
  /** Task index it is running, or -1. */
  current: number;
  exited: boolean;
}

/** A worker's answer to one task (pool-worker.ts). */
interface ResultMessage {
  index: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** What the threads' messages and deaths go to while a `run` is going. */
interface ActiveRun {
  readonly message: (slot: Slot, msg: ResultMessage) => void;
  readonly death: (slot: Slot, err: unknown) => void;
}

/**
 * Up to `size` worker threads, started on first use (or by `prestart`) and kept until `close()`,
 * so one command can run several phases of tasks on the same, already warm, threads. One `run`
 * (or `map`) at a time.
 */
export class WorkerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private active: ActiveRun | null = null;
  private closed = false;
  /** What new threads import at start (see `prestart`). */
  private preload: { moduleUrl: string; exportName: string } | null = null;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`workers must be a positive integer, got ${size}`);
    this.size = size;
  }

  /** Threads started so far (and alive). */
  get started(): number {
    return this.slots.length;
  }

  /**
   * Start every thread now, each importing `exportName` of `moduleUrl` at once, so that the import
   * overlaps whatever this thread does before the first `run` (a sweep: reading and planning the
   * scenario). Threads already started are kept.
   */
  prestart(moduleUrl: string | URL, exportName: string): void {
    if (this.closed || !canUseThreads(moduleUrl)) return;
    this.preload = { moduleUrl: String(moduleUrl), exportName };
    while (this.slots.length < this.size) this.spawn();
  }

  private spawn(): Slot {
    const worker = new Worker(fileURLToPath(WORKER_ENTRY), this.preload ? { workerData: this.preload } : {});
    const slot: Slot = { worker, current: -1, exited: false };
    this.slots.push(slot);
    slot.worker.on('message', (msg: ResultMessage) => this.active?.message(slot, msg));
    const onDeath = (err: unknown): void => {
      if (slot.exited) return;
      slot.exited = true;
      const k = this.slots.indexOf(slot);
      if (k >= 0) this.slots.splice(k, 1);
      this.active?.death(slot, err);
    };
    slot.worker.on('error', onDeath);
    slot.worker.on('exit', (code) => onDeath(new Error(`worker exited with code ${code}`)));
    return slot;
  }

  /**
   * Stream `tasks` through `exportName` of the module at `moduleUrl` (compiled JavaScript), using
   * up to `size` threads (never more than the tasks). Resolves when every task has an outcome.
   */
  async run<T, R>(moduleUrl: string | URL, exportName: string, tasks: readonly T[], options: PoolRunOptions<R>): Promise<void> {
    if (this.closed) throw new Error('WorkerPool: closed');
    if (this.active) throw new Error('WorkerPool: one run at a time');
    if (tasks.length === 0) return;
    const url = String(moduleUrl);
    // Fail early (in this thread, with a clear message) if the module or export is missing.
    await loadTaskFunction(url, exportName);
    return new Promise<void>((resolve, reject) => {
      const finished = new Uint8Array(tasks.length);
      let next = 0;
      let done = 0;
      let failure: unknown = null;
      let aborted = false;
      const busy = (): boolean => this.slots.some((s) => s.current >= 0);
      const settle = (): void => {
        if (busy()) return;
        if (failure !== null) {
          this.active = null;
          reject(failure);
        } else if (done === tasks.length || aborted) {
          this.active = null;
          options.signal?.removeEventListener('abort', onAbort);
          resolve();
        }
      };
      const onAbort = (): void => {
        aborted = true;
        next = tasks.length;
        void this.close();
        settle();
      };
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const deliver = (index: number, o: TaskOutcome<R>): void => {
        if (finished[index] || failure !== null || aborted) return;
        finished[index] = 1;
        done++;
        try {
          options.onOutcome(index, o);
        } catch (e) {
          failure = e;
          next = tasks.length; // hand out nothing more
          void this.close();
        }
      };
      const send = (slot: Slot): void => {
        if (next < tasks.length && failure === null) {
          slot.current = next++;
          slot.worker.postMessage({ index: slot.current, task: tasks[slot.current], moduleUrl: url, exportName });
        } else {
          slot.current = -1;
        }
      };
      this.active = {
        message: (slot, msg) => {
          if (msg.index !== slot.current) return;
          slot.current = -1;
          deliver(msg.index, msg.ok ? { ok: true, value: msg.value as R } : { ok: false, error: msg.error ?? 'unknown error' });
          send(slot);
          settle();
        },
        death: (slot, err) => {
          const lost = slot.current;
          slot.current = -1;
          if (lost >= 0 && !finished[lost]) {
            deliver(lost, { ok: false, error: `worker died while running task ${lost}: ${describeError(err)}` });
            if (next < tasks.length && failure === null && !this.closed) send(this.spawn());
          }
          settle();
        },
      };
      const want = Math.min(this.size, tasks.length);
      while (this.slots.length < want) this.spawn();
      for (const slot of this.slots.slice(0, want)) send(slot);
      settle();
    });
  }

  /** Run `tasks` and return their outcomes in task order. */
  async map<T, R>(moduleUrl: string | URL, exportName: string, tasks: readonly T[]): Promise<TaskOutcome<R>[]> {
    const out: TaskOutcome<R>[] = new Array(tasks.length);
    await this.run<T, R>(moduleUrl, exportName, tasks, { onOutcome: (i, o) => (out[i] = o) });
    return out;
  }

  /** Stop every thread (running tasks are abandoned). */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
