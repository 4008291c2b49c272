/**
 * The fleet-queue model as a specialised raw loop: one function, no kernel, no handler calls,
 * its own inlined struct-of-arrays binary heap on (time, seq) with an int32 payload (-1 = the
 * arrival, otherwise the job id whose completion it is). It is the reference the kernel's
 * events/s are divided by. Same floating-point operations, in the same order, as
 * fleet-queue-model.ts, so every output is bit-identical.
 */
import { MT19937 } from '../src/kernel/index.js';
import { bisectRight, derive } from './fleet-queue-model.js';
import type { FleetQueueOutcome, FleetQueueParams } from './fleet-queue-model.js';

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

  // Heap.
  let hCap = 1 << 14;
  let hTime = new Float64Array(hCap);
  let hSeq = new Float64Array(hCap);
  let hVal = new Int32Array(hCap);
  let hSize = 0;
  let seq = 0;

  // Nodes, FIFOs, jobs.
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

  // Small local helpers: V8 inlines them into the hot loop (they are created once per run).
  const push = (time: number, value: number): void => {
    let i = hSize;
    if (i === hCap) {
      hCap *= 2;
      const a = new Float64Array(hCap);
      a.set(hTime);
      hTime = a;
      const b = new Float64Array(hCap);
      b.set(hSeq);
      hSeq = b;
      const c = new Int32Array(hCap);
      c.set(hVal);
      hVal = c;
    }
    hSize = i + 1;
    const key = seq++;
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
  };

  const startJob = (j: number, node: number, t: number): void => {
    const g = jSize[j];
    busyIntegral += busy * (t - lastT);
    lastT = t;
    busy += g;
    free[node] -= g;
    jStart[j] = t;
    jNode[j] = node;
    running++;
    push(t + jDur[j], j);
  };

  const firstFit = (c: number, g: number): number => {
    const end = (c + 1) * N;
    for (let n = c * N; n < end; n++) if (free[n] >= g) return n;
    return -1;
  };

  push(-Math.log(1.0 - rng.random()) / lambda, -1);

  while (hSize > 0) {
    // Pop the minimum.
    const t = hTime[0];
    const v = hVal[0];
    const n = --hSize;
    if (n > 0) {
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

    events++;
    if (v < 0) {
      // Arrival.
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
          const f = (a: Float64Array) => {
            const b = new Float64Array(jCap);
            b.set(a);
            return b;
          };
          const k = (a: Int32Array) => {
            const b = new Int32Array(jCap);
            b.set(a);
            return b;
          };
          jArrival = f(jArrival);
          jStart = f(jStart);
          jDur = f(jDur);
          jSize = k(jSize);
          jNode = k(jNode);
          jNext = k(jNext);
          jFree = k(jFree);
        }
      }
      jArrival[j] = t;
      jSize[j] = g;
      jDur[j] = d;
      let node = -1;
      if (qLen[c] === 0) node = firstFit(c, g);
      if (node >= 0) startJob(j, node, t);
      else {
        jNext[j] = -1;
        if (qLen[c] === 0) qHead[c] = j;
        else jNext[qTail[c]] = j;
        qTail[c] = j;
        qLen[c]++;
        queued++;
      }
      push(t + gap, -1);
    } else {
      // Completion of job v.
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
        const fit = firstFit(c, jSize[h]);
        if (fit < 0) break;
        qHead[c] = jNext[h];
        qLen[c]--;
        queued--;
        startJob(h, fit, t);
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
