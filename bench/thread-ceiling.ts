/**
 * What this machine gives two simulation threads at all (issue 9, sweeps): the runs of
 * `fleetsim sweep <file> --replications R`, done by bare worker threads with nothing else (no
 * CLI, no results file, no tables, no report, no chart warm-up), on 1 thread and on 2.
 *
 *   node dist/bench/thread-ceiling.js <scenario file> [--replications=8] [--threads=2] [--json]
 *
 * The threads start and import the simulator first; the clock runs from then until the last run
 * ends. Tasks go to whichever thread is free, in the plan's order, as the sweep's pool does. A
 * sweep with 2 workers cannot beat `ceiling = wall(1 thread) / wall(2 threads)` measured at the
 * same time: the gap between the sweep's speed-up and this one is the sweep's own cost; the gap
 * between this one and 2 is the machine's (shared caches and memory, the other vCPU's load, V8's
 * helper threads taking a share of the two cores). `sweep-speed.js --ceiling` measures both in
 * each round.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { Scenario } from '../src/scenario/types.js';

interface Task {
  scenario: Scenario;
  scheduler: string;
  seed: number;
}

export interface CeilingResult {
  threads: number;
  runs: number;
  /** Seconds from all threads ready to the last run's end. */
  wall_s: number;
  /** Each run's own seconds, in completion order. */
  run_s: number[];
}

/** Run the plan's runs on `threads` worker threads; resolves when all are done. */
export async function measureCeiling(file: string, replications: number, threads: number): Promise<CeilingResult> {
  const { planSweep } = await import('../src/runner/sweep-plan.js');
  const { registerBuiltinSchedulers } = await import('../src/placement/builtin.js');
  const { schedulerNames } = await import('../src/placement/registry.js');
  registerBuiltinSchedulers();
  const plan = planSweep(file, { replications, knownSchedulers: schedulerNames() });
  const tasks: Task[] = plan.runs.map((r) => ({ scenario: plan.points[r.point].scenario, scheduler: r.schedulerSpec, seed: r.seed }));
  const workers = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url), { workerData: { child: true } }));
  try {
    await Promise.all(workers.map((w) => new Promise<void>((res, rej) => {
      w.once('message', () => res());
      w.once('error', rej);
    })));
    const runS: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((res, rej) => {
            const feed = (): void => {
              if (next >= tasks.length) return res();
              w.postMessage(tasks[next++]);
            };
            w.on('message', (s: number) => {
              runS.push(s);
              feed();
            });
            w.on('error', rej);
            feed();
          }),
      ),
    );
    return { threads, runs: tasks.length, wall_s: (performance.now() - t0) / 1000, run_s: runS };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function child(): Promise<void> {
  const { runScenario } = await import('../src/runner/run.js');
  // A run that throws rejects this listener: an unhandled rejection, i.e. the worker's 'error'.
  parentPort!.on('message', async (t: Task) => {
    const t0 = performance.now();
    await runScenario(t.scenario, { scheduler: t.scheduler, seed: t.seed });
    parentPort!.postMessage((performance.now() - t0) / 1000);
  });
  parentPort!.postMessage('ready');
}

async function main(): Promise<void> {
  let file: string | undefined;
  let replications = 8;
  let threads = 2;
  let json = false;
  for (const a of process.argv.slice(2)) {
    const m = /^--(replications|threads)=(\d+)$/.exec(a);
    if (m) {
      if (m[1] === 'replications') replications = Number(m[2]);
      else threads = Number(m[2]);
    } else if (a === '--json') json = true;
    else if (!a.startsWith('--') && file === undefined) file = a;
    else throw new Error(`thread-ceiling: bad argument '${a}'`);
  }
  if (!file) throw new Error('usage: thread-ceiling.js <scenario file> [--replications=8] [--threads=2] [--json]');
  const r = await measureCeiling(file, replications, threads);
  console.log(json ? JSON.stringify(r) : `${r.runs} runs on ${r.threads} thread(s): ${r.wall_s.toFixed(2)} s wall; runs ${r.run_s.map((s) => s.toFixed(2)).join(' ')}`);
}

if (!isMainThread && (workerData as { child?: boolean } | null)?.child) void child();
else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
