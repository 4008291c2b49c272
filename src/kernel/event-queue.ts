/**
 * EventQueue: a specialised min-heap of (time, key) -> value, stored as struct-of-arrays in typed
 * arrays so that pushing and popping allocate nothing (the arrays grow by doubling, amortised).
 *
 * - `time` is a float64 (virtual seconds).
 * - `key` is a float64 tie-breaker compared only when times are equal. The Simulation packs
 *   (priority, insertion sequence) into it exactly (see simulation.ts); used directly, any unique
 *   float works, e.g. an insertion counter. Keys should be unique among equal times: with unique
 *   keys the pop order is a total order and does not depend on the heap's internal layout.
 * - `value` is an int32 payload (the Simulation stores an event-record slot id).
 *
 * Order: ascending by time, then ascending by key.
 *
 * Shape: a binary heap (arity 2). A 4-ary heap was measured on the fleet-queue benchmark and
 * was not faster there; see bench/README.md. Sifting uses the "hole" technique: the moving
 * element is written once, at its final position.
 */
export class EventQueue {
  /** Heap-ordered arrays; index 0 is the minimum. Only [0, size) is meaningful. */
  times: Float64Array;
  keys: Float64Array;
  values: Int32Array;
  private _size = 0;

  constructor(initialCapacity = 1024) {
    const cap = Math.max(16, initialCapacity | 0);
    this.times = new Float64Array(cap);
    this.keys = new Float64Array(cap);
    this.values = new Int32Array(cap);
  }

  get size(): number {
    return this._size;
  }

  /** Time of the minimum element; undefined behaviour (a stale number) when empty. */
  peekTime(): number {
    return this.times[0];
  }

  peekKey(): number {
    return this.keys[0];
  }

  peekValue(): number {
    return this.values[0];
  }

  push(time: number, key: number, value: number): void {
    let i = this._size;
    if (i === this.times.length) this.grow();
    this._size = i + 1;
    const times = this.times;
    const keys = this.keys;
    const values = this.values;
    // Sift up: move parents down while the new element is smaller.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && keys[p] < key)) break;
      times[i] = pt;
      keys[i] = keys[p];
      values[i] = values[p];
      i = p;
    }
    times[i] = time;
    keys[i] = key;
    values[i] = value;
  }

  /** Removes the minimum and returns its value. The caller must check `size > 0` first. */
  pop(): number {
    const times = this.times;
    const keys = this.keys;
    const values = this.values;
    const top = values[0];
    const n = --this._size;
    if (n > 0) this.siftDownFrom(0, times[n], keys[n], values[n], n);
    return top;
  }

  /** Places (t, k, v) starting at hole `i` of a heap of `n` elements, moving children up. */
  private siftDownFrom(i: number, t: number, k: number, v: number, n: number): void {
    const times = this.times;
    const keys = this.keys;
    const values = this.values;
    const half = n >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      let ct = times[c];
      let ck = keys[c];
      const r = c + 1;
      if (r < n) {
        const rt = times[r];
        if (rt < ct || (rt === ct && keys[r] < ck)) {
          c = r;
          ct = rt;
          ck = keys[r];
        }
      }
      if (t < ct || (t === ct && k < ck)) break;
      times[i] = ct;
      keys[i] = ck;
      values[i] = values[c];
      i = c;
    }
    times[i] = t;
    keys[i] = k;
    values[i] = v;
  }

  /**
   * Keeps only the elements whose value satisfies `keep`, then restores the heap property
   * (Floyd's O(n) heapify). Cold path: used to drop lazily-cancelled events.
   */
  retain(keep: (value: number) => boolean): void {
    const times = this.times;
    const keys = this.keys;
    const values = this.values;
    let w = 0;
    for (let r = 0; r < this._size; r++) {
      if (keep(values[r])) {
        times[w] = times[r];
        keys[w] = keys[r];
        values[w] = values[r];
        w++;
      }
    }
    this._size = w;
    for (let i = (w >> 1) - 1; i >= 0; i--) this.siftDownFrom(i, times[i], keys[i], values[i], w);
  }

  clear(): void {
    this._size = 0;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const t = new Float64Array(cap);
    t.set(this.times);
    const k = new Float64Array(cap);
    k.set(this.keys);
    const v = new Int32Array(cap);
    v.set(this.values);
    this.times = t;
    this.keys = k;
    this.values = v;
  }
}
