import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { defaultWorkerCount, describeError, loadTaskFunction, type TaskOutcome } from './pool.js';

/**
 * The worker pool of pool.ts, streaming: each task's outcome is handed to `onOutcome` as soon as
 * it is known (a sweep appends it to its results file at once, and moves its progress bar),
 * instead of all outcomes at the end. Same worker entry (pool-worker.js), same rules: tasks and
 * results are structured-cloneable data; a task that throws is `{ ok: false, error }` and the
 * others go on; a worker that dies takes only its current task with it and is replaced; one
 * worker, or a TypeScript task module (vitest runs `src/` directly), runs the tasks in this
 * thread, in task order.
 *
 * Outcomes arrive in completion order (with several workers that is not task order); callers
 * that need a deterministic order must sort by the index they are given.
 */
export interface StreamPoolOptions<R> {
  /** Worker threads (default: one per core, never more than the tasks). */
  readonly workers?: number;
  /** Called once per task, in completion order. If it throws, the pool stops and rejects. */
  readonly onOutcome: (index: number, outcome: TaskOutcome<R>) => void;
}

const WORKER_ENTRY = new URL('./pool-worker.js', import.meta.url);

export async function runPoolStreaming<T, R>(moduleUrl: string | URL, exportName: string, tasks: readonly T[], options: StreamPoolOptions<R>): Promise<void> {
  const url = String(moduleUrl);
  const requested = options.workers ?? defaultWorkerCount();
  if (!Number.isInteger(requested) || requested < 1) throw new RangeError(`workers must be a positive integer, got ${requested}`);
  if (tasks.length === 0) return;
  const workers = Math.min(requested, tasks.length);
  if (workers <= 1 || /\.(c|m)?ts$/.test(new URL(url).pathname)) {
    const fn = await loadTaskFunction(url, exportName);
    for (let i = 0; i < tasks.length; i++) {
      let outcome: TaskOutcome<R>;
      try {
        outcome = { ok: true, value: (await fn(tasks[i])) as R };
      } catch (e) {
        outcome = { ok: false, error: describeError(e) };
      }
      options.onOutcome(i, outcome);
    }
    return;
  }
  // Fail early (in this thread, with a clear message) if the module or export is missing.
  await loadTaskFunction(url, exportName);
  return streamInWorkers(url, exportName, tasks, workers, options.onOutcome);
}

function streamInWorkers<T, R>(url: string, exportName: string, tasks: readonly T[], count: number, onOutcome: (index: number, o: TaskOutcome<R>) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const finished = new Uint8Array(tasks.length);
    const all = new Set<Worker>();
    let next = 0;
    let done = 0;
    let live = 0;
    let failure: unknown = null;

    const deliver = (index: number, o: TaskOutcome<R>): void => {
      if (finished[index] || failure !== null) return;
      finished[index] = 1;
      done++;
      try {
        onOutcome(index, o);
      } catch (e) {
        failure = e;
        next = tasks.length; // hand out nothing more
        for (const w of all) void w.terminate();
      }
    };

    const settle = (): void => {
      if (live > 0) return;
      if (failure !== null) reject(failure);
      else if (done === tasks.length) resolve();
    };

    const spawn = (): void => {
      const worker = new Worker(fileURLToPath(WORKER_ENTRY), { workerData: { moduleUrl: url, exportName } });
      all.add(worker);
      live++;
      let current = -1;
      let exited = false;
      const feed = (): void => {
        if (next < tasks.length) {
          current = next++;
          worker.postMessage({ index: current, task: tasks[current] });
        } else {
          current = -1;
          void worker.terminate();
        }
      };
      worker.on('message', (msg: { index: number; ok: boolean; value?: unknown; error?: string }) => {
        deliver(msg.index, msg.ok ? { ok: true, value: msg.value as R } : { ok: false, error: msg.error ?? 'unknown error' });
        feed();
      });
      const onDeath = (err: unknown): void => {
        if (exited) return;
        exited = true;
        live--;
        all.delete(worker);
        if (current >= 0 && !finished[current]) {
          deliver(current, { ok: false, error: `worker died while running task ${current}: ${describeError(err)}` });
          current = -1;
          if (next < tasks.length && failure === null) spawn();
        }
        settle();
      };
      worker.on('error', onDeath);
      worker.on('exit', (code) => onDeath(new Error(`worker exited with code ${code}`)));
      feed();
    };

    for (let i = 0; i < count; i++) spawn();
  });
}
