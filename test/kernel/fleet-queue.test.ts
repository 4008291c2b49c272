import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, runKernel } from '../../bench/fleet-queue-model.js';
import { runRaw } from '../../bench/raw-loop.js';

/**
 * End-to-end check of the kernel against /work/shared/bench/fleet-queue.md: the model run through
 * Simulation must reproduce the page's reference integers exactly (any ordering or arithmetic
 * slip changes them), and agree bit-for-bit with the raw loop. No timing is asserted.
 */
describe('fleet-queue model through the kernel', () => {
  it('reproduces the page\'s "stable" reference outputs (seed 1, J = 1M, uniform weights)', () => {
    const out = runKernel({ ...DEFAULT_PARAMS, weights: 'uniform' });
    expect(out.events).toBe(2_001_826);
    expect(out.queued_at_end).toBe(10);
    expect(out.running_at_end).toBe(1_816);
    expect(out.mean_queue_delay.toFixed(3)).toBe('25.270');
    expect(out.mean_util.toFixed(6)).toBe('0.846980');
  });

  it('matches the raw loop exactly on small runs of both scenarios and several seeds', () => {
    for (const weights of ['linear', 'uniform'] as const) {
      for (const seed of [0, 1, 7]) {
        const p = { ...DEFAULT_PARAMS, J: 20_000, weights, seed };
        const k = runKernel(p);
        const r = runRaw(p);
        const { wall_s: _kw, ...kv } = k;
        const { wall_s: _rw, ...rv } = r;
        expect(kv).toEqual(rv);
      }
    }
  });

  it('matches the page\'s J = 100K delay for the default (overloaded) scenario', () => {
    const out = runKernel({ ...DEFAULT_PARAMS, J: 100_000 });
    expect(Math.round(out.mean_queue_delay)).toBe(16_135);
  });
});
