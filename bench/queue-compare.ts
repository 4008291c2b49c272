/**
 * Event-queue comparison harness (the "hold" model): keep `n` events pending; repeatedly pop the
 * earliest and push a replacement at t + Exp(1). Compares the kernel's EventQueue (binary
 * struct-of-arrays heap) with alternatives written here only for measurement:
 *
 *   soa-binary   EventQueue from src/kernel (time, key, value in three typed arrays)
 *   soa-4ary     the same layout with 4 children per node (shallower, more compares per level)
 *   soa-inter    binary, time and key interleaved in one Float64Array ([t0, k0, t1, k1, ...],
 *                both compared fields on one cache line), values in an Int32Array
 *   obj-binary   array of {time, key, value} objects, generic comparator function
 *
 *   node dist/bench/queue-compare.js [--ops=2000000] [--sizes=1000,10000,200000] [--runs=3]
 *
 * Prints Mops/s (median of runs, interleaved) per queue and size. Every queue must produce the
 * same checksum of popped values, or the harness fails.
 */
import { EventQueue, MT19937 } from '../src/kernel/index.js';

interface Queue {
  push(time: number, key: number, value: number): void;
  pop(): number;
  peekTime(): number;
  readonly size: number;
}

class Soa4 implements Queue {
  private times = new Float64Array(1024);
  private keys = new Float64Array(1024);
  private values = new Int32Array(1024);
  size = 0;
  peekTime(): number {
    return this.times[0];
  }
  push(time: number, key: number, value: number): void {
    let i = this.size++;
    if (i === this.times.length) this.grow();
    const times = this.times;
    const keys = this.keys;
    const values = this.values;
    while (i > 0) {
      const p = (i - 1) >> 2;
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
  pop(): number {
    const times = this.times;
    const keys = this.keys;
    const values = this.values;
    const top = values[0];
    const n = --this.size;
    if (n === 0) return top;
    const t = times[n];
    const k = keys[n];
    const v = values[n];
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      let c = first;
      let ct = times[c];
      let ck = keys[c];
      const last = first + 4 < n ? first + 4 : n;
      for (let x = first + 1; x < last; x++) {
        const xt = times[x];
        if (xt < ct || (xt === ct && keys[x] < ck)) {
          c = x;
          ct = xt;
          ck = keys[x];
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
    return top;
  }
  private grow(): void {
    const cap = this.times.length * 2;
    const a = new Float64Array(cap);
    a.set(this.times);
    this.times = a;
    const b = new Float64Array(cap);
    b.set(this.keys);
    this.keys = b;
    const c = new Int32Array(cap);
    c.set(this.values);
    this.values = c;
  }
}

class SoaInterleaved implements Queue {
  private tk = new Float64Array(2048);
  private values = new Int32Array(1024);
  size = 0;
  peekTime(): number {
    return this.tk[0];
  }
  push(time: number, key: number, value: number): void {
    let i = this.size++;
    if (i === this.values.length) this.grow();
    const tk = this.tk;
    const values = this.values;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = tk[2 * p];
      if (pt < time || (pt === time && tk[2 * p + 1] < key)) break;
      tk[2 * i] = pt;
      tk[2 * i + 1] = tk[2 * p + 1];
      values[i] = values[p];
      i = p;
    }
    tk[2 * i] = time;
    tk[2 * i + 1] = key;
    values[i] = value;
  }
  pop(): number {
    const tk = this.tk;
    const values = this.values;
    const top = values[0];
    const n = --this.size;
    if (n === 0) return top;
    const t = tk[2 * n];
    const k = tk[2 * n + 1];
    const v = values[n];
    let i = 0;
    const half = n >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      let ct = tk[2 * c];
      let ck = tk[2 * c + 1];
      const r = c + 1;
      if (r < n) {
        const rt = tk[2 * r];
        if (rt < ct || (rt === ct && tk[2 * r + 1] < ck)) {
          c = r;
          ct = rt;
          ck = tk[2 * r + 1];
        }
      }
      if (t < ct || (t === ct && k < ck)) break;
      tk[2 * i] = ct;
      tk[2 * i + 1] = ck;
      values[i] = values[c];
      i = c;
    }
    tk[2 * i] = t;
    tk[2 * i + 1] = k;
    values[i] = v;
    return top;
  }
  private grow(): void {
    const cap = this.values.length * 2;
    const a = new Float64Array(2 * cap);
    a.set(this.tk);
    this.tk = a;
    const c = new Int32Array(cap);
    c.set(this.values);
    this.values = c;
  }
}

interface Entry {
  time: number;
  key: number;
  value: number;
}

class ObjBinary implements Queue {
  private heap: Entry[] = [];
  constructor(private readonly less: (a: Entry, b: Entry) => boolean) {}
  get size(): number {
    return this.heap.length;
  }
  peekTime(): number {
    return this.heap[0].time;
  }
  push(time: number, key: number, value: number): void {
    const h = this.heap;
    const e = { time, key, value };
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(e, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = e;
  }
  pop(): number {
    const h = this.heap;
    const top = h[0].value;
    const last = h.pop() as Entry;
    const n = h.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(h[c + 1], h[c])) c++;
      if (!this.less(h[c], last)) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = last;
    return top;
  }
}

function hold(q: Queue, n: number, ops: number, seed: number): { mops: number; checksum: number } {
  const rng = new MT19937(seed);
  let seq = 0;
  for (let i = 0; i < n; i++) q.push(-Math.log(1 - rng.random()), seq++, i);
  let checksum = 0;
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) {
    const t = q.peekTime();
    const v = q.pop();
    checksum = (checksum * 31 + v) % 1000000007;
    q.push(t - Math.log(1 - rng.random()), seq++, v);
  }
  const dt = (performance.now() - t0) / 1000;
  return { mops: ops / dt / 1e6, checksum };
}

function arg(name: string, def: string): string {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : def;
}

const less = (a: Entry, b: Entry) => a.time < b.time || (a.time === b.time && a.key < b.key);
const makers: [string, () => Queue][] = [
  ['soa-binary', () => new EventQueue(1024)],
  ['soa-4ary', () => new Soa4()],
  ['soa-inter', () => new SoaInterleaved()],
  ['obj-binary', () => new ObjBinary(less)],
];

const ops = Number(arg('ops', '2000000'));
const sizes = arg('sizes', '1000,10000,200000').split(',').map(Number);
const runs = Number(arg('runs', '3'));
for (const [, make] of makers) hold(make(), 1000, 200_000, 1); // warm-up
for (const n of sizes) {
  const results = new Map<string, number[]>();
  let sum: number | undefined;
  for (let r = 0; r < runs; r++) {
    for (let m = 0; m < makers.length; m++) {
      const [name, make] = makers[(m + r) % makers.length];
      const { mops, checksum } = hold(make(), n, ops, 1);
      if (sum === undefined) sum = checksum;
      else if (sum !== checksum) throw new Error(`${name} popped a different sequence`);
      const list = results.get(name) ?? [];
      list.push(mops);
      results.set(name, list);
    }
  }
  const line = makers.map(([name]) => {
    const xs = (results.get(name) ?? []).slice().sort((a, b) => a - b);
    return `${name} ${xs[xs.length >> 1].toFixed(2)}`;
  });
  console.log(`n=${n}: hold Mops/s (median of ${runs}) ${line.join(' | ')}`);
}
