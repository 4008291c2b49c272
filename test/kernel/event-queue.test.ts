import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue, Simulation } from '../../src/kernel/index.js';
import type { EventHandler } from '../../src/kernel/index.js';

describe('EventQueue', () => {
  it('pops in (time, key) order and grows past its initial capacity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 1e6 })), { maxLength: 300 }),
        (items) => {
          const q = new EventQueue(16);
          items.forEach(([t, k], i) => q.push(t / 4, k * 1000 + i, i)); // unique keys
          const popped: number[] = [];
          while (q.size > 0) popped.push(q.pop());
          const expected = items
            .map(([t, k], i) => ({ t: t / 4, key: k * 1000 + i, i }))
            .sort((a, b) => a.t - b.t || a.key - b.key)
            .map((e) => e.i);
          expect(popped).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('retain() drops elements and keeps the heap order', () => {
    const q = new EventQueue(16);
    for (let i = 0; i < 100; i++) q.push((i * 37) % 101, i, i);
    q.retain((v) => v % 3 !== 0);
    const out: number[] = [];
    let prev = -1;
    while (q.size > 0) {
      const t = q.peekTime();
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
      out.push(q.pop());
    }
    expect(out.length).toBe(66);
    expect(out.every((v) => v % 3 !== 0)).toBe(true);
  });
});

type Op =
  | { op: 'schedule'; dt: number; prio: number }
  | { op: 'cancel'; pick: number }
  | { op: 'step'; n: number };

describe('Simulation property: any interleaving of schedule/cancel/run', () => {
  it('fires exactly the non-cancelled events, in (time, priority, seq) order', () => {
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ op: fc.constant('schedule' as const), dt: fc.integer({ min: 0, max: 5 }), prio: fc.integer({ min: -2, max: 2 }) }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('step' as const), n: fc.integer({ min: 1, max: 4 }) }) },
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const sim = new Simulation();
        const fired: number[] = [];
        const h: EventHandler = { handleEvent: (_k, data) => void fired.push(data as number) };
        // Model: every scheduled event with its (time, prio, seq) and state.
        const model: { t: number; prio: number; seq: number; id: number; state: 'pending' | 'fired' | 'cancelled' }[] = [];
        const modelFired: number[] = [];
        const fireModel = (n: number) => {
          for (let i = 0; i < n; i++) {
            const live = model.filter((e) => e.state === 'pending');
            if (live.length === 0) return;
            live.sort((a, b) => a.t - b.t || a.prio - b.prio || a.seq - b.seq);
            live[0].state = 'fired';
            modelFired.push(live[0].seq);
          }
        };
        for (const o of ops) {
          if (o.op === 'schedule') {
            const seq = model.length;
            const t = sim.now + o.dt / 2;
            model.push({ t, prio: o.prio, seq, id: sim.schedule(t, h, 0, seq, o.prio), state: 'pending' });
          } else if (o.op === 'cancel') {
            if (model.length === 0) continue;
            const e = model[o.pick % model.length];
            expect(sim.cancel(e.id)).toBe(e.state === 'pending');
            if (e.state === 'pending') e.state = 'cancelled';
          } else {
            sim.run({ maxEvents: o.n });
            fireModel(o.n);
          }
          expect(sim.pending).toBe(model.filter((e) => e.state === 'pending').length);
        }
        sim.run();
        fireModel(Infinity);
        // The model fires, at each step, the least pending (time, priority, seq); the kernel
        // must fire the same events in the same order.
        expect(fired).toEqual(modelFired);
        expect(model.filter((e) => e.state === 'fired').length).toBe(fired.length);
      }),
      { numRuns: 300 },
    );
  });
});
