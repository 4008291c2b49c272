import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/kernel/index.js';
import type { EventHandler } from '../../src/kernel/index.js';

/** Records (now, kind, data) for every event it handles. */
class Recorder implements EventHandler {
  log: [number, number, unknown][] = [];
  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    this.log.push([sim.now, kind, data]);
  }
}

describe('Simulation ordering', () => {
  it('fires by time, then priority, then insertion order', () => {
    const sim = new Simulation();
    const r = new Recorder();
    sim.schedule(5, r, 1, 'a');
    sim.schedule(1, r, 2, 'b');
    sim.schedule(5, r, 3, 'c', -1);
    sim.schedule(5, r, 4, 'd');
    sim.schedule(5, r, 5, 'e', 1);
    sim.schedule(5, r, 6, 'f', -1);
    sim.schedule(0, r, 7, 'g', 1000);
    sim.schedule(0, r, 8, 'h', -1000);
    const res = sim.run();
    expect(res).toEqual({ reason: 'empty', events: 8, now: 5 });
    expect(r.log.map((e) => e[2]).join('')).toBe('hgbcfade');
  });

  it('keeps FIFO order for many equal-time events (beyond one heap level)', () => {
    const sim = new Simulation();
    const r = new Recorder();
    for (let i = 0; i < 500; i++) sim.schedule(3, r, i % 7, i);
    sim.run();
    expect(r.log.map((e) => e[2])).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('honours events scheduled by handlers during run, including at the current time', () => {
    const sim = new Simulation();
    const order: string[] = [];
    const h: EventHandler = {
      handleEvent(kind, data, s) {
        order.push(`${s.now}:${data as string}`);
        if (kind === 0) {
          s.scheduleAfter(0, h, 1, 'same-time');
          s.scheduleAfter(1, h, 1, 'later');
          s.schedule(s.now, h, 1, 'same-time-urgent', -5);
        }
      },
    };
    sim.schedule(2, h, 0, 'first');
    sim.schedule(2, h, 1, 'second');
    sim.run();
    expect(order).toEqual(['2:first', '2:same-time-urgent', '2:second', '2:same-time', '3:later']);
  });

  it('accepts priorities at the documented bounds and rejects others', () => {
    const sim = new Simulation();
    const r = new Recorder();
    sim.schedule(1, r, 0, 'max', 1023);
    sim.schedule(1, r, 0, 'min', -1024);
    sim.run();
    expect(r.log.map((e) => e[2])).toEqual(['min', 'max']);
    expect(() => sim.schedule(2, r, 0, null, 1024)).toThrow(RangeError);
    expect(() => sim.schedule(2, r, 0, null, -1025)).toThrow(RangeError);
    expect(() => sim.schedule(2, r, 0, null, 0.5)).toThrow(RangeError);
  });
});

describe('Simulation scheduling errors', () => {
  it('throws RangeError for the past, NaN and infinite times', () => {
    const sim = new Simulation();
    const r = new Recorder();
    sim.schedule(10, r, 0);
    sim.run();
    expect(sim.now).toBe(10);
    expect(() => sim.schedule(9.999, r, 0)).toThrow(RangeError);
    expect(() => sim.schedule(Number.NaN, r, 0)).toThrow(RangeError);
    expect(() => sim.schedule(Infinity, r, 0)).toThrow(RangeError);
    expect(() => sim.scheduleAfter(-1, r, 0)).toThrow(RangeError);
    expect(() => sim.scheduleAfter(Number.NaN, r, 0)).toThrow(RangeError);
    expect(() => sim.schedule(11, r, 1.5)).toThrow(TypeError);
    expect(sim.pending).toBe(0);
    sim.schedule(10, r, 0); // exactly now is fine
    expect(sim.pending).toBe(1);
  });

  it('is not reentrant', () => {
    const sim = new Simulation();
    let caught: unknown;
    sim.schedule(1, {
      handleEvent(_k, _d, s) {
        try {
          s.run();
        } catch (e) {
          caught = e;
        }
      },
    }, 0);
    sim.run();
    expect(caught).toBeInstanceOf(Error);
  });
});

describe('Simulation cancel', () => {
  it('cancels before firing, and reports false after firing or twice', () => {
    const sim = new Simulation();
    const r = new Recorder();
    const a = sim.schedule(1, r, 0, 'a');
    const b = sim.schedule(2, r, 0, 'b');
    const c = sim.schedule(3, r, 0, 'c');
    expect(sim.pending).toBe(3);
    expect(sim.cancel(b)).toBe(true);
    expect(sim.pending).toBe(2);
    expect(sim.cancel(b)).toBe(false);
    expect(sim.pending).toBe(2);
    sim.run({ until: 1 });
    expect(sim.cancel(a)).toBe(false); // already fired
    expect(sim.pending).toBe(1);
    sim.run();
    expect(r.log.map((e) => e[2])).toEqual(['a', 'c']);
    expect(sim.cancel(c)).toBe(false);
    expect(sim.cancel(-1)).toBe(false);
    expect(sim.cancel(1.5)).toBe(false);
    expect(sim.pending).toBe(0);
  });

  it('does not let a stale id cancel the event that reused its slot', () => {
    const sim = new Simulation();
    const r = new Recorder();
    const a = sim.schedule(1, r, 0, 'a');
    sim.run();
    const b = sim.schedule(2, r, 0, 'b'); // reuses a's record slot
    expect(sim.cancel(a)).toBe(false);
    expect(sim.pending).toBe(1);
    expect(sim.cancel(b)).toBe(true);
    expect(sim.pending).toBe(0);
  });

  it('a handler can cancel a later event, and its own id is no longer cancellable', () => {
    const sim = new Simulation();
    const r = new Recorder();
    let self = -1;
    let selfCancel: boolean | undefined;
    const later = sim.schedule(5, r, 0, 'later');
    self = sim.schedule(1, {
      handleEvent(_k, _d, s) {
        selfCancel = s.cancel(self);
        s.cancel(later);
      },
    }, 0);
    const res = sim.run();
    expect(selfCancel).toBe(false);
    expect(r.log).toEqual([]);
    expect(res).toEqual({ reason: 'empty', events: 1, now: 1 });
  });

  it('sweeps many cancelled records instead of keeping them', () => {
    const sim = new Simulation();
    const r = new Recorder();
    const ids: number[] = [];
    for (let i = 0; i < 10000; i++) ids.push(sim.schedule(i, r, 0, i));
    for (let i = 0; i < 10000; i++) if (i % 10 !== 0) sim.cancel(ids[i]);
    expect(sim.pending).toBe(1000);
    // Internal check: the heap was compacted (fewer than all 10000 entries remain).
    const q = (sim as unknown as { queue: { size: number } }).queue;
    expect(q.size).toBeLessThan(3000);
    sim.run();
    expect(r.log.map((e) => e[2])).toEqual(Array.from({ length: 1000 }, (_, i) => i * 10));
  });
});

describe('Simulation run options', () => {
  it('until: processes events AT until, leaves now = until, and can continue', () => {
    const sim = new Simulation();
    const r = new Recorder();
    for (const t of [1, 2, 3, 4]) sim.schedule(t, r, 0, t);
    expect(sim.run({ until: 2 })).toEqual({ reason: 'until', events: 2, now: 2 });
    expect(sim.run({ until: 3.5 })).toEqual({ reason: 'until', events: 1, now: 3.5 });
    expect(sim.pending).toBe(1);
    expect(sim.run({ until: 10 })).toEqual({ reason: 'empty', events: 1, now: 10 });
    expect(sim.now).toBe(10);
    expect(() => sim.run({ until: 5 })).toThrow(RangeError);
    expect(sim.run()).toEqual({ reason: 'empty', events: 0, now: 10 });
  });

  it('maxEvents counts events of this call only, and skips cancelled ones', () => {
    const sim = new Simulation();
    const r = new Recorder();
    const ids = [1, 2, 3, 4, 5, 6].map((t) => sim.schedule(t, r, 0, t));
    sim.cancel(ids[1]);
    expect(sim.run({ maxEvents: 2 })).toEqual({ reason: 'maxEvents', events: 2, now: 3 });
    expect(sim.run({ maxEvents: 2 })).toEqual({ reason: 'maxEvents', events: 2, now: 5 });
    expect(sim.run({ maxEvents: 2 })).toEqual({ reason: 'empty', events: 1, now: 6 });
    expect(sim.eventsProcessed).toBe(5);
  });

  it('stop() from a handler and the stop predicate end the run after the event', () => {
    const sim = new Simulation();
    const r = new Recorder();
    const stopper: EventHandler = {
      handleEvent(_k, _d, s) {
        s.stop();
      },
    };
    sim.schedule(1, r, 0, 1);
    sim.schedule(2, stopper, 0);
    sim.schedule(3, r, 0, 3);
    sim.schedule(4, r, 0, 4);
    expect(sim.run()).toEqual({ reason: 'stopped', events: 2, now: 2 });
    sim.stop(); // outside run: no effect
    expect(sim.run({ stop: (s) => s.now >= 3 })).toEqual({ reason: 'stopped', events: 1, now: 3 });
    expect(sim.run()).toEqual({ reason: 'empty', events: 1, now: 4 });
  });

  it('a throwing handler propagates and the run can be continued', () => {
    const sim = new Simulation();
    const r = new Recorder();
    sim.schedule(1, { handleEvent() { throw new Error('boom'); } }, 0);
    sim.schedule(2, r, 0, 2);
    expect(() => sim.run()).toThrow('boom');
    expect(sim.eventsProcessed).toBe(1);
    expect(sim.run()).toEqual({ reason: 'empty', events: 1, now: 2 });
  });
});

describe('Simulation determinism and streams', () => {
  /** A little random process: each event schedules 0..2 successors at random delays. */
  function trace(seed: number): string {
    const sim = new Simulation({ seed });
    const rng = sim.stream('proc');
    const out: string[] = [];
    const h: EventHandler = {
      handleEvent(kind, _d, s) {
        out.push(`${s.now.toFixed(12)}/${kind}`);
        const n = Math.floor(rng.random() * 3);
        for (let i = 0; i < n && s.pending < 50; i++) {
          s.scheduleAfter(Math.floor(rng.random() * 4), h, (kind + i + 1) % 5, undefined, Math.floor(rng.random() * 3) - 1);
        }
      },
    };
    for (let i = 0; i < 5; i++) sim.schedule(0, h, i);
    sim.run({ maxEvents: 2000 });
    return out.join(',');
  }

  it('same seed gives an identical trace, another seed a different one', () => {
    expect(trace(7)).toBe(trace(7));
    expect(trace(7)).not.toBe(trace(8));
  });

  it('stream(name) returns the same object; streams are derived from (seed, name) only', () => {
    const a = new Simulation({ seed: 3 });
    expect(a.stream('x')).toBe(a.stream('x'));
    const b = new Simulation({ seed: 3 });
    b.stream('other').random();
    const xa = Array.from({ length: 5 }, () => a.stream('x').random());
    const xb = Array.from({ length: 5 }, () => b.stream('x').random());
    expect(xb).toEqual(xa);
  });
});
