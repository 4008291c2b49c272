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

interface TaskMessage {
  readonly index: number;
  readonly task: unknown;
}

interface ResultMessage {
  readonly index: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
}

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
  const url = String(moduleUrl);
  const requested = options.workers ?? defaultWorkerCount();
  if (!Number.isInteger(requested) || requested < 1) throw new RangeError(`workers must be a positive integer, got ${requested}`);
  const workers = Math.min(requested, tasks.length);
  if (tasks.length === 0) return [];
  if (workers <= 1 || /\.(c|m)?ts$/.test(new URL(url).pathname)) return runInProcess<T, R>(url, exportName, tasks);
  return runInWorkers<T, R>(url, exportName, tasks, workers);
}

async function runInProcess<T, R>(url: string, exportName: string, tasks: readonly T[]): Promise<TaskOutcome<R>[]> {
  const fn = await loadTaskFunction(url, exportName);
  const out: TaskOutcome<R>[] = [];
  for (const task of tasks) {
    try {
      out.push({ ok: true, value: (await fn(task)) as R });
    } catch (e) {
      out.push({ ok: false, error: describeError(e) });
    }
  }
  return out;
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

function runInWorkers<T, R>(url: string, exportName: string, tasks: readonly T[], count: number): Promise<TaskOutcome<R>[]> {
  return new Promise((resolve) => {
    const outcomes: (TaskOutcome<R> | undefined)[] = new Array(tasks.length);
    let next = 0;
    let done = 0;
    let live = 0;

    const finishIfDone = (): void => {
      if (done === tasks.length && live === 0) resolve(outcomes as TaskOutcome<R>[]);
    };

    const spawn = (): void => {
      const worker = new Worker(fileURLToPath(WORKER_ENTRY), { workerData: { moduleUrl: url, exportName } });
      live++;
      let current = -1;
      let exited = false;
      const feed = (): void => {
        if (next < tasks.length) {
          current = next++;
          const msg: TaskMessage = { index: current, task: tasks[current] };
          worker.postMessage(msg);
        } else {
          current = -1;
          void worker.terminate();
        }
      };
      worker.on('message', (msg: ResultMessage) => {
        outcomes[msg.index] = msg.ok ? { ok: true, value: msg.value as R } : { ok: false, error: msg.error ?? 'unknown error' };
        done++;
        feed();
      });
      const onDeath = (err: unknown): void => {
        if (exited) return;
        exited = true;
        live--;
        if (current >= 0 && outcomes[current] === undefined) {
          outcomes[current] = { ok: false, error: `worker died while running task ${current}: ${describeError(err)}` };
          done++;
          current = -1;
          if (next < tasks.length) spawn();
        }
        finishIfDone();
      };
      worker.on('error', onDeath);
      worker.on('exit', (code) => onDeath(new Error(`worker exited with code ${code}`)));
      feed();
    };

    for (let i = 0; i < count; i++) spawn();
  });
}
