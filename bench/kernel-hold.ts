/**
 * Pure kernel overhead: the "hold" model through Simulation (each event reschedules itself at
 * now + Exp(1)), with `n` events pending, and the handlers spread over K distinct classes
 * (K = 1: the handleEvent call site stays monomorphic; K = 8: megamorphic, as in a simulation
 * with many kinds of actor). Compares with the bare EventQueue doing the same pops and pushes.
 *
 *   node dist/bench/kernel-hold.js [--events=2000000] [--n=10000] [--runs=3] [--k=1]
 *
 * One K per process: the call site's type feedback is shared by every run in a process, so
 * running K = 8 first would make a later K = 1 run megamorphic too.
 */
import { EventQueue, MT19937, Simulation } from '../src/kernel/index.js';
import type { EventHandler } from '../src/kernel/index.js';

function makeClasses(rng: MT19937): (new () => EventHandler)[] {
  // Eight structurally identical but distinct classes (distinct hidden classes / maps).
  const make = (tag: number) =>
    class implements EventHandler {
      readonly tag = tag;
      handleEvent(_k: number, _d: unknown, s: Simulation): void {
        s.scheduleAfter(-Math.log(1 - rng.random()), this, 0);
      }
    };
  return [make(0), make(1), make(2), make(3), make(4), make(5), make(6), make(7)];
}

function kernelHold(n: number, events: number, k: number): number {
  const rng = new MT19937(1);
  const classes = makeClasses(rng);
  const sim = new Simulation();
  for (let i = 0; i < n; i++) sim.schedule(-Math.log(1 - rng.random()), new classes[i % k](), 0);
  const t0 = performance.now();
  sim.run({ maxEvents: events });
  return events / ((performance.now() - t0) / 1000) / 1e6;
}

function queueHold(n: number, events: number): number {
  const rng = new MT19937(1);
  const q = new EventQueue(1024);
  let seq = 0;
  for (let i = 0; i < n; i++) q.push(-Math.log(1 - rng.random()), seq++, i);
  const t0 = performance.now();
  for (let i = 0; i < events; i++) {
    const t = q.peekTime();
    const v = q.pop();
    q.push(t - Math.log(1 - rng.random()), seq++, v);
  }
  return events / ((performance.now() - t0) / 1000) / 1e6;
}

function arg(name: string, def: number): number {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : def;
}

const events = arg('events', 2_000_000);
const n = arg('n', 10_000);
const runs = arg('runs', 3);
const k = arg('k', 1);
const med = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
queueHold(1000, 200_000);
kernelHold(1000, 200_000, k);
const q: number[] = [];
const s: number[] = [];
for (let i = 0; i < runs; i++) {
  q.push(queueHold(n, events));
  s.push(kernelHold(n, events, k));
}
console.log(
  `hold n=${n}, M events/s (median of ${runs}): EventQueue alone ${med(q).toFixed(2)} | ` +
    `Simulation with ${k} handler class${k === 1 ? '' : 'es'} ${med(s).toFixed(2)} | ratio ${(med(s) / med(q)).toFixed(3)}`,
);
