import { parentPort, workerData } from 'node:worker_threads';
import { describeError, loadTaskFunction } from './pool.js';

/**
 * Worker-thread entry of the pool (pool.ts). Each message `{ index, task, moduleUrl?, exportName? }`
 * runs the task with that module's export (default: the module named in workerData, which is
 * imported at start) and is answered `{ index, ok, value | error }`, one at a time, in order.
 * Imported task functions are kept, so a worker serves several phases of one command.
 */
interface WorkerConfig {
  readonly moduleUrl?: string;
  readonly exportName?: string;
}

if (!parentPort) throw new Error('pool-worker.js must run in a worker thread');
const port = parentPort;
const config = (workerData ?? {}) as WorkerConfig;
const functions = new Map<string, Promise<(task: unknown) => unknown>>();

function taskFunction(url: string, exportName: string): Promise<(task: unknown) => unknown> {
  const key = `${exportName}\0${url}`;
  let fn = functions.get(key);
  if (!fn) {
    fn = loadTaskFunction(url, exportName);
    // A module that fails to load is reported with each task (below), not as a crash.
    fn.catch(() => undefined);
    functions.set(key, fn);
  }
  return fn;
}

if (config.moduleUrl && config.exportName) void taskFunction(config.moduleUrl, config.exportName);

type Message = { index: number; task: unknown; moduleUrl?: string; exportName?: string };

// One message at a time, in arrival order.
let queue: Promise<void> = Promise.resolve();
port.on('message', (msg: Message) => {
  queue = queue.then(() => handle(msg));
});

async function handle(msg: Message): Promise<void> {
  try {
    const url = msg.moduleUrl ?? config.moduleUrl;
    const name = msg.exportName ?? config.exportName;
    if (!url || !name) throw new Error('pool worker: a task without a module');
    const fn = await taskFunction(url, name);
    const value = await fn(msg.task);
    port.postMessage({ index: msg.index, ok: true, value });
  } catch (e) {
    port.postMessage({ index: msg.index, ok: false, error: describeError(e) });
  }
}
