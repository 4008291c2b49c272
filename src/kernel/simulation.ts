import { EventQueue } from './event-queue.js';
import { createStream } from './random.js';
import type { RandomStream } from './random.js';

/**
 * An event's handle, valid for `cancel()` until the event fires or is cancelled.
 *
 * Encoding (opaque to callers): `check * 2^26 + slot`, where `slot` is the index of the event
 * record and `check` is the low 27 bits of the event's insertion sequence number. A stale id (its
 * event already fired or was cancelled) is recognised because its slot is free or holds an event
 * with another check. The one blind spot: a stale id held across >= 2^27 (134 million) later
 * schedulings, whose slot has since been reused by an event whose sequence number is congruent
 * to the stale one mod 2^27, would cancel that event. Do not keep ids that long.
 */
export type EventId = number;

/** Actors implement this; the kernel calls it with the event's kind and data. No closure per event. */
export interface EventHandler {
  handleEvent(kind: number, data: unknown, sim: Simulation): void;
}

export interface RunOptions {
  /** Process events with time <= until, then leave `now === until`. */
  until?: number;
  /** Process at most this many events in this call (cancelled events do not count). */
  maxEvents?: number;
  /** Called after each event; returning true ends the run with reason 'stopped'. */
  stop?: (sim: Simulation) => boolean;
}

export interface RunResult {
  reason: 'empty' | 'until' | 'maxEvents' | 'stopped';
  /** Events handled by this call of run(). */
  events: number;
  now: number;
}

/** Priorities are integers in [PRIORITY_MIN, PRIORITY_MAX]; lower runs first at equal times. */
export const PRIORITY_MIN = -1024;
export const PRIORITY_MAX = 1023;
/** Insertion sequence numbers are < 2^42 (4.4e12 events per Simulation). */
const SEQ_SPAN = 2 ** 42;
/**
 * Tie key, exact in a float64: (priority - PRIORITY_MIN) * 2^42 + seq.  The first factor is
 * < 2^11, so the key is < 2^53 and every (priority, seq) pair maps to a distinct integer whose
 * numeric order is the lexicographic order of (priority, seq).
 */
const PRIORITY_OFFSET = -PRIORITY_MIN;

const SLOT_BITS = 26;
const SLOT_SPAN = 2 ** SLOT_BITS; // max event records alive at once (pending + lazily cancelled)
const CHECK_MASK = 2 ** 27 - 1;

/** Cancelled records are dropped from the heap once they exceed this count and half of it. */
const COMPACT_MIN = 1024;

/**
 * The discrete-event kernel: a virtual clock, an event queue and named random streams.
 * It owns time and nothing else.
 *
 * Ordering: events fire in ascending (time, priority, insertion sequence). The sequence number is
 * assigned by schedule()/scheduleAfter() in call order, so two events at the same time and
 * priority fire in the order they were scheduled (FIFO), including events scheduled by handlers
 * while run() is going.
 *
 * Hot path: scheduling writes one event record (a slot in parallel arrays: handler, kind, data,
 * check) taken from a free-list, and pushes (time, key, slot) onto a struct-of-arrays binary
 * heap. Firing pops the heap, frees the slot before calling the handler (so the handler's own
 * schedule() reuses it) and calls `handler.handleEvent(kind, data, sim)`. Nothing else is
 * allocated per event.
 *
 * Cancellation is lazy: the record is marked dead (handler = null) and `pending` drops at once;
 * the heap entry is discarded when it reaches the top, or all dead entries are swept out at once
 * when they outnumber the live ones (and exceed COMPACT_MIN), so they cannot accumulate.
 */
export class Simulation {
  readonly seed: number | string;

  // Virtual time starts as a double (set to 0 in the constructor): a field first given a small
  // integer and fractions later changes the class's hidden class during the first run, and V8
  // then throws away code optimized for Simulation objects when the next run makes one.
  private _now = 0.5;
  private _processed = 0;
  private readonly queue = new EventQueue(1024);
  private cancelledInQueue = 0;
  private seq = 0;

  // Event records, indexed by slot.
  private handlers: (EventHandler | null)[] = [];
  private kinds = new Int32Array(1024);
  private datas: unknown[] = [];
  private checks = new Int32Array(1024);
  private slotCount = 0;
  private freeSlots = new Int32Array(1024);
  private freeTop = 0;

  private running = false;
  private stopRequested = false;
  /** Wall milliseconds by event kind (see timeEventKinds); null when not timing. */
  private kindMs: Float64Array | null = null;
  private readonly streams = new Map<string, RandomStream>();

  /** `seed` defaults to 0. It only feeds stream(); the event order never depends on it. */
  constructor(opts?: { seed?: number | string }) {
    this._now = 0;
    const seed = opts?.seed ?? 0;
    if (typeof seed === 'number' && !Number.isFinite(seed)) {
      throw new RangeError(`seed must be a finite number or a string, got ${seed}`);
    }
    this.seed = seed;
    for (let i = 0; i < 1024; i++) {
      this.handlers.push(null);
      this.datas.push(undefined);
    }
  }

  /** Current virtual time in seconds (float64). */
  get now(): number {
    return this._now;
  }

  /** Total events handled over all run() calls. */
  get eventsProcessed(): number {
    return this._processed;
  }

  /**
   * Start timing events by kind (for a benchmark's per-phase split): from now on run() adds the
   * wall time from the start of each event to the start of the next one (the handler plus the
   * kernel's own pop) to `eventKindMs[kind]` (kinds at or above `kinds` share the last slot). It
   * costs one clock read per event and changes nothing else.
   */
  timeEventKinds(kinds = 64): void {
    this.kindMs ??= new Float64Array(kinds);
  }

  /** Milliseconds per event kind since timeEventKinds(), or null. */
  get eventKindMs(): Float64Array | null {
    return this.kindMs;
  }

  /** Events scheduled and neither fired nor cancelled. */
  get pending(): number {
    return this.queue.size - this.cancelledInQueue;
  }

  /**
   * Schedules `handler.handleEvent(kind, data, sim)` at absolute time `at`.
   * @param kind an int32 the handler switches on.
   * @param priority integer in [-1024, 1023], default 0; lower fires first among equal times.
   * @throws RangeError if `at` is NaN, infinite or earlier than `now`, or priority is invalid.
   */
  schedule(at: number, handler: EventHandler, kind: number, data?: unknown, priority?: number): EventId {
    if (!(at >= this._now && at < Infinity)) throw this.badTime(at, 'time');
    if ((kind | 0) !== kind) throw new TypeError(`event kind must be an int32, got ${kind}`);
    let p = 0;
    if (priority !== undefined && priority !== 0) p = checkPriority(priority);
    const seq = this.seq;
    if (seq >= SEQ_SPAN) throw new RangeError('event sequence space exhausted (2^42 events)');
    this.seq = seq + 1;

    let slot: number;
    if (this.freeTop > 0) {
      slot = this.freeSlots[--this.freeTop];
    } else {
      slot = this.slotCount;
      if (slot === this.kinds.length) this.growSlots();
      this.slotCount = slot + 1;
    }
    const check = seq & CHECK_MASK; // seq < 2^42; `&` sees its low 32 bits, enough for 27
    this.handlers[slot] = handler;
    this.kinds[slot] = kind;
    this.datas[slot] = data;
    this.checks[slot] = check;
    this.queue.push(at, (p + PRIORITY_OFFSET) * SEQ_SPAN + seq, slot);
    return check * SLOT_SPAN + slot;
  }

  /** schedule(now + delay, ...). `delay` must be >= 0 and finite. */
  scheduleAfter(delay: number, handler: EventHandler, kind: number, data?: unknown, priority?: number): EventId {
    if (!(delay >= 0 && delay < Infinity)) throw this.badTime(delay, 'delay');
    return this.schedule(this._now + delay, handler, kind, data, priority);
  }

  /**
   * Cancels a pending event. Returns true if it was pending (it will not fire); false if it has
   * already fired, was already cancelled, or the id is not one of this simulation's.
   */
  cancel(id: EventId): boolean {
    if (!Number.isSafeInteger(id) || id < 0) return false;
    const slot = id % SLOT_SPAN;
    const check = (id - slot) / SLOT_SPAN;
    if (slot >= this.slotCount || this.handlers[slot] === null || this.checks[slot] !== check) return false;
    this.handlers[slot] = null;
    this.datas[slot] = undefined;
    this.cancelledInQueue++;
    if (this.cancelledInQueue > COMPACT_MIN && this.cancelledInQueue * 2 > this.queue.size) this.compact();
    return true;
  }

  /**
   * Processes events in order until one of:
   * - 'empty': no events left. If `until` was given, `now` is then set to `until` (the clock runs
   *   on to the horizon even though nothing happened); otherwise it stays at the last event's time.
   * - 'until': the next event is later than `until`; `now === until`. Events AT `until` are processed.
   * - 'maxEvents': this call has handled `maxEvents` events and more remain.
   * - 'stopped': a handler called stop(), or `opts.stop(sim)` returned true after an event.
   * Conditions are checked in that order before each event ('stopped' right after each event).
   * run() may be called again to continue. It is not reentrant (a handler must not call it).
   * An exception thrown by a handler propagates; that event counts as processed and the
   * simulation can be continued with another run().
   */
  run(opts?: RunOptions): RunResult {
    if (this.running) throw new Error('Simulation.run() is not reentrant');
    const until = opts?.until ?? Infinity;
    if (Number.isNaN(until) || until < this._now) {
      throw new RangeError(`run({until}) needs until >= now (${this._now}), got ${until}`);
    }
    const maxEvents = opts?.maxEvents ?? Infinity;
    if (!(maxEvents >= 0)) throw new RangeError(`run({maxEvents}) needs a number >= 0, got ${maxEvents}`);
    const stopFn = opts?.stop;

    this.running = true;
    this.stopRequested = false;
    let count = 0;
    let reason: RunResult['reason'];
    const queue = this.queue;
    const handlers = this.handlers;
    const datas = this.datas;
    const kindMs = this.kindMs;
    let timedKind = -1;
    let timedFrom = 0;
    try {
      for (;;) {
        if (queue.size === 0) {
          reason = 'empty';
          if (until !== Infinity) this._now = until;
          break;
        }
        const t = queue.peekTime();
        if (t > until) {
          reason = 'until';
          this._now = until;
          break;
        }
        const slot = queue.peekValue();
        const handler = handlers[slot];
        if (handler === null) {
          // A cancelled record: drop it and free its slot.
          queue.pop();
          this.cancelledInQueue--;
          this.freeSlots[this.freeTop++] = slot;
          continue;
        }
        if (count >= maxEvents) {
          reason = 'maxEvents';
          break;
        }
        queue.pop();
        const kind = this.kinds[slot];
        const data = datas[slot];
        handlers[slot] = null;
        datas[slot] = undefined;
        this.freeSlots[this.freeTop++] = slot;
        this._now = t;
        count++;
        this._processed++;
        if (kindMs !== null) {
          const at = performance.now();
          if (timedKind >= 0) kindMs[timedKind] += at - timedFrom;
          timedKind = kind < kindMs.length && kind >= 0 ? kind : kindMs.length - 1;
          timedFrom = at;
        }
        handler.handleEvent(kind, data, this);
        if (this.stopRequested || (stopFn !== undefined && stopFn(this))) {
          reason = 'stopped';
          break;
        }
      }
    } finally {
      this.running = false;
      this.stopRequested = false;
      if (kindMs !== null && timedKind >= 0) kindMs[timedKind] += performance.now() - timedFrom;
    }
    return { reason, events: count, now: this._now };
  }

  /** From inside a handler: run() returns right after the current event. No effect outside run(). */
  stop(): void {
    if (this.running) this.stopRequested = true;
  }

  /**
   * The random stream for `name`, derived from (this.seed, name) only (see createStream), so
   * adding a stream never shifts another. The same name always returns the same object.
   */
  stream(name: string): RandomStream {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = createStream(this.seed, name);
      this.streams.set(name, s);
    }
    return s;
  }

  /**
   * Forget a stream: a later `stream(name)` would start its sequence afresh. For a stream whose
   * user is done with it for good (a finished Job's run-time stream), so that a long run does not
   * keep one generator per finished job alive.
   */
  releaseStream(name: string): void {
    this.streams.delete(name);
  }

  private badTime(x: number, what: 'time' | 'delay'): RangeError {
    if (Number.isNaN(x)) return new RangeError(`event ${what} is NaN`);
    if (what === 'delay') return new RangeError(`event delay must be finite and >= 0, got ${x}`);
    if (x === Infinity) return new RangeError('event time must be finite, got Infinity');
    return new RangeError(`cannot schedule in the past: time ${x} < now ${this._now}`);
  }

  private growSlots(): void {
    const cap = this.kinds.length * 2;
    if (cap > SLOT_SPAN) throw new RangeError(`too many events pending at once (max ${SLOT_SPAN})`);
    const kinds = new Int32Array(cap);
    kinds.set(this.kinds);
    this.kinds = kinds;
    const checks = new Int32Array(cap);
    checks.set(this.checks);
    this.checks = checks;
    const free = new Int32Array(cap);
    free.set(this.freeSlots);
    this.freeSlots = free;
    // Keep the object arrays dense (PACKED elements) by filling them up front.
    for (let i = this.handlers.length; i < cap; i++) {
      this.handlers.push(null);
      this.datas.push(undefined);
    }
  }

  /** Removes every cancelled record from the heap and frees their slots. */
  private compact(): void {
    const handlers = this.handlers;
    this.queue.retain((slot) => {
      if (handlers[slot] !== null) return true;
      this.freeSlots[this.freeTop++] = slot;
      return false;
    });
    this.cancelledInQueue = 0;
  }
}

function checkPriority(p: number): number {
  if (!Number.isInteger(p) || p < PRIORITY_MIN || p > PRIORITY_MAX) {
    throw new RangeError(`event priority must be an integer in [${PRIORITY_MIN}, ${PRIORITY_MAX}], got ${p}`);
  }
  return p;
}
