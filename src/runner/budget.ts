import type { RunLimits } from '../scenario/size.js';
import { formatCount } from '../scenario/size.js';
import { formatBytes } from '../scenario/source.js';
import type { Simulation } from '../kernel/index.js';
import type { PartialRun } from './result.js';

/**
 * Running a simulation within its budgets. The kernel runs in slices of at most SLICE_EVENTS
 * events; between slices the run checks its event budget (deterministic: the same scenario stops
 * at the same event on any machine), its memory budget (the process's resident set), and whether
 * it was asked to stop (Ctrl-C), and yields to the event loop now and then so that a signal is
 * noticed. A run that must stop keeps everything up to the time it reached (a partial result).
 */

/** Events per slice: checking between slices costs nothing measurable, and a slice is a few ms. */
const SLICE_EVENTS = 20_000;
/** Yield to the event loop at least this often (ms of wall time), so that Ctrl-C is handled promptly. */
const YIELD_MS = 50;

export interface BudgetOptions {
  readonly limits?: RunLimits;
  /** Aborted on Ctrl-C / SIGTERM: the run stops at the next slice, keeping what it has. */
  readonly signal?: AbortSignal;
  /** Called with the fraction of simulated time done (0..1). */
  readonly onProgress?: (fraction: number) => void;
}

/** Run `sim` to `end` within the budgets; returns null when it got there, else why it stopped. */
export async function runWithinBudget(sim: Simulation, end: number, opts: BudgetOptions): Promise<PartialRun | null> {
  const maxEvents = opts.limits?.maxEvents ?? Infinity;
  const maxMemory = opts.limits?.maxMemoryBytes ?? Infinity;
  const chunks = opts.onProgress ? 100 : 1;
  let lastYield = performance.now();
  for (let k = 1; k <= chunks; k++) {
    const until = (end * k) / chunks;
    for (;;) {
      if (opts.signal?.aborted) return { reason: 'interrupted', at: sim.now, message: 'interrupted' };
      // With no room left, a slice of 0 events still tells whether an event before `until` remains.
      const r = sim.run({ until, maxEvents: Math.max(0, Math.min(SLICE_EVENTS, maxEvents - sim.eventsProcessed)) });
      if (r.reason === 'maxEvents' && sim.eventsProcessed >= maxEvents) {
        return { reason: 'events', at: sim.now, message: `the event budget of ${formatCount(maxEvents)} events ran out (raise it with --max-events)` };
      }
      if (maxMemory !== Infinity && process.memoryUsage.rss() > maxMemory) {
        return { reason: 'memory', at: sim.now, message: `the memory budget of ${formatBytes(maxMemory)} ran out (raise it with --max-memory)` };
      }
      if (performance.now() - lastYield > YIELD_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      if (r.reason !== 'maxEvents') break;
    }
    opts.onProgress?.(k / chunks);
  }
  return null;
}
