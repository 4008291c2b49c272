import { parentPort, workerData } from 'node:worker_threads';
import { describeError, loadTaskFunction } from './pool.js';

/**
 * Worker-thread entry of the pool (see pool.ts): loads the task module named in workerData, then
 * answers each `{ index, task }` message with `{ index, ok, value | error }`, one task at a time.
 */
interface WorkerConfig {
  readonly moduleUrl: string;
  readonly exportName: string;
}

const port = parentPort;
if (!port) throw new Error('pool-worker.js must run in a worker thread');
const config = workerData as WorkerConfig;
const fnPromise = loadTaskFunction(config.moduleUrl, config.exportName);
// A module that fails to load is reported with each task (below), not as a crash.
fnPromise.catch(() => undefined);

port.on('message', async (msg: { index: number; task: unknown }) => {
  try {
    const fn = await fnPromise;
    const value = await fn(msg.task);
    port.postMessage({ index: msg.index, ok: true, value });
  } catch (e) {
    port.postMessage({ index: msg.index, ok: false, error: describeError(e) });
  }
});
