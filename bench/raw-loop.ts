/**
 * The fleet-queue model as a specialised raw loop: one function, no kernel, no handler calls,
 * its own struct-of-arrays binary heap on (time, seq) with an int32 payload (-1 = the arrival,
 * otherwise the job id whose completion it is). It is the reference the kernel's events/s are
 * divided by. Same floating-point operations, in the same order, as fleet-queue-model.ts, so
 * every output is bit-identical.
 *
 * Written for speed: all mutable state is in locals of runRaw that no closure captures (so V8
 * keeps them in registers, not in a heap-allocated context); helpers are top-level functions of
 * their arguments only (V8 inlines them); the heap never grows (capacity C*N*G + 2: every pending
 * completion holds at least one GPU, plus the one pending arrival).
 */
import { MT19937 } from '../src/kernel/index.js';
import { bisectRight, derive } from './fleet-queue-model.js';
import type { FleetQueueOutcome, FleetQueueParams } from './fleet-queue-model.js';

/** Sift-up insert into a heap of `size` elements (the caller bumps its size). */
function heapPush(hTime: Float64Array, hSeq: Float64Array, hVal: Int32Array, size: number, time: number, key: number, value: number): void {
  let i = size;
  while (i > 0) {
    const par = (i - 1) >> 1;
    const pt = hTime[par];
    if (pt < time || (pt === time && hSeq[par] < key)) break;
    hTime[i] = pt;
    hSeq[i] = hSeq[par];
    hVal[i] = hVal[par];
    i = par;
  }
  hTime[i] = time;
  hSeq[i] = key;
  hVal[i] = value;
}

/** Removes the root of a heap whose new size is n (element n is the one to re-place). */
function heapPopFix(hTime: Float64Array, hSeq: Float64Array, hVal: Int32Array, n: number): void {
  const mt = hTime[n];
  const mk = hSeq[n];
  const mv = hVal[n];
  let i = 0;
  const half = n >> 1;
  while (i < half) {
    let c = 2 * i + 1;
    let ct = hTime[c];
    let ck = hSeq[c];
    const r = c + 1;
    if (r < n) {
      const rt = hTime[r];
      if (rt < ct || (rt === ct && hSeq[r] < ck)) {
        c = r;
        ct = rt;
        ck = hSeq[r];
      }
    }
    if (mt < ct || (mt === ct && mk < ck)) break;
    hTime[i] = ct;
    hSeq[i] = ck;
    hVal[i] = hVal[c];
    i = c;
  }
  hTime[i] = mt;
  hSeq[i] = mk;
  hVal[i] = mv;
}

/** First node in [start, end) with free >= g, or -1. */
function firstFit(free: Int32Array, start: number, end: number, g: number): number {
  for (let n = start; n < end; n++) if (free[n] >= g) return n;
  return -1;
}

function growF64(a: Float64Array, cap: number) {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

function growI32(a: Int32Array, cap: number) {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

export function runRaw(p: FleetQueueParams): FleetQueueOutcome {
  const t0 = performance.now();
  const { sizes, cw, total, lambda } = derive(p);
  const C = p.C;
  const N = p.N;
  const G = p.G;
  const J = p.J;
  const mean = p.mean;
  const nSizes = sizes.length;
  const rng = new MT19937(p.seed);

  const hCap = C * N * G + 2;
  const hTime = new Float64Array(hCap);
  const hSeq = new Float64Array(hCap);
  const hVal = new Int32Array(hCap);
  let hSize = 0;
  let seq = 0;

  const free = new Int32Array(C * N).fill(G);
  const qHead = new Int32Array(C).fill(-1);
  const qTail = new Int32Array(C).fill(-1);
  const qLen = new Int32Array(C);
  let jCap = 1 << 16;
  let jArrival = new Float64Array(jCap);
  let jStart = new Float64Array(jCap);
  let jDur = new Float64Array(jCap);
  let jSize = new Int32Array(jCap);
  let jNode = new Int32Array(jCap);
  let jNext = new Int32Array(jCap);
  let jFree = new Int32Array(jCap);
  let jFreeTop = 0;
  let jCount = 0;

  let events = 0;
  let completed = 0;
  let running = 0;
  let queued = 0;
  let busy = 0;
  let busyIntegral = 0;
  let lastT = 0;
  let delaySum = 0;
  let endTime = 0;

  heapPush(hTime, hSeq, hVal, hSize++, -Math.log(1.0 - rng.random()) / lambda, seq++, -1);

  while (hSize > 0) {
    const t = hTime[0];
    const v = hVal[0];
    const n = --hSize;
    if (n > 0) heapPopFix(hTime, hSeq, hVal, n);

    events++;
    if (v < 0) {
      // Arrival: draw cluster, size, duration, next gap (in this order).
      const c = bisectRight(cw, rng.random() * total, C - 1);
      const g = sizes[Math.floor(rng.random() * nSizes)];
      const d = -Math.log(1.0 - rng.random()) / (1.0 / mean);
      const gap = -Math.log(1.0 - rng.random()) / lambda;
      let j: number;
      if (jFreeTop > 0) j = jFree[--jFreeTop];
      else {
        j = jCount++;
        if (j === jCap) {
          jCap *= 2;
          jArrival = growF64(jArrival, jCap);
          jStart = growF64(jStart, jCap);
          jDur = growF64(jDur, jCap);
          jSize = growI32(jSize, jCap);
          jNode = growI32(jNode, jCap);
          jNext = growI32(jNext, jCap);
          jFree = growI32(jFree, jCap);
        }
      }
      jArrival[j] = t;
      jSize[j] = g;
      jDur[j] = d;
      let node = -1;
      if (qLen[c] === 0) node = firstFit(free, c * N, c * N + N, g);
      if (node >= 0) {
        // Start now.
        busyIntegral += busy * (t - lastT);
        lastT = t;
        busy += g;
        free[node] -= g;
        jStart[j] = t;
        jNode[j] = node;
        running++;
        heapPush(hTime, hSeq, hVal, hSize++, t + d, seq++, j);
      } else {
        jNext[j] = -1;
        if (qLen[c] === 0) qHead[c] = j;
        else jNext[qTail[c]] = j;
        qTail[c] = j;
        qLen[c]++;
        queued++;
      }
      heapPush(hTime, hSeq, hVal, hSize++, t + gap, seq++, -1);
    } else {
      // Completion of job v, then retry the cluster's FIFO head.
      const j = v;
      const node = jNode[j];
      const g = jSize[j];
      busyIntegral += busy * (t - lastT);
      lastT = t;
      busy -= g;
      free[node] += g;
      running--;
      delaySum += jStart[j] - jArrival[j];
      completed++;
      jFree[jFreeTop++] = j;
      const c = (node / N) | 0;
      while (qLen[c] > 0) {
        const h = qHead[c];
        const hg = jSize[h];
        const fit = firstFit(free, c * N, c * N + N, hg);
        if (fit < 0) break;
        qHead[c] = jNext[h];
        qLen[c]--;
        queued--;
        busyIntegral += busy * (t - lastT);
        lastT = t;
        busy += hg;
        free[fit] -= hg;
        jStart[h] = t;
        jNode[h] = fit;
        running++;
        heapPush(hTime, hSeq, hVal, hSize++, t + jDur[h], seq++, h);
      }
      if (completed === J) {
        endTime = t;
        break;
      }
    }
  }
  const wall = (performance.now() - t0) / 1000;
  if (completed !== J) throw new Error(`raw loop ended after ${completed} completions, expected ${J}`);
  return {
    events,
    sim_time: endTime,
    mean_queue_delay: delaySum / J,
    mean_util: busyIntegral / (C * N * G * endTime),
    queued_at_end: queued,
    running_at_end: running,
    wall_s: wall,
  };
}
