/**
 * The fleet-queue model (/work/shared/bench/fleet-queue.md, v1): parameters, derived values, the
 * outcome record, and the model run through the project's kernel (a Simulation driving one
 * EventHandler actor with two event kinds). The specialised raw loop lives in raw-loop.ts.
 *
 * Both implementations perform the same floating-point operations in the same order, so all
 * their outputs (not only the integers) are bit-identical; the benchmark asserts it.
 */
import { MT19937, Simulation } from '../src/kernel/index.js';
import type { EventHandler } from '../src/kernel/index.js';

export interface FleetQueueParams {
  C: number;
  N: number;
  G: number;
  J: number;
  rho: number;
  lambda: number;
  mean: number;
  seed: number;
  weights: 'linear' | 'uniform';
}

export const DEFAULT_PARAMS: FleetQueueParams = {
  C: 10,
  N: 100,
  G: 8,
  J: 1_000_000,
  rho: 0.85,
  lambda: 0,
  mean: 3600,
  seed: 1,
  weights: 'linear',
};

export interface FleetQueueOutcome {
  events: number;
  sim_time: number;
  mean_queue_delay: number;
  mean_util: number;
  queued_at_end: number;
  running_at_end: number;
  /** Model setup + event loop up to the stop, seconds. */
  wall_s: number;
}

export interface Derived {
  /** Job sizes: powers of two <= G. */
  sizes: Int32Array;
  /** Cumulative weights cw[i] = sum_{k<=i} w_k, and total = cw[C-1]. */
  cw: Float64Array;
  total: number;
  lambda: number;
}

export function derive(p: FleetQueueParams): Derived {
  const s: number[] = [];
  for (let v = 1; v <= p.G; v *= 2) s.push(v);
  const sizes = Int32Array.from(s);
  let sum = 0;
  for (const v of s) sum += v;
  const meanSize = sum / s.length;
  const lambda = p.lambda > 0 ? p.lambda : (p.rho * p.C * p.N * p.G) / (meanSize * p.mean);
  const cw = new Float64Array(p.C);
  let acc = 0;
  for (let i = 0; i < p.C; i++) {
    acc += p.weights === 'linear' ? i + 1 : 1;
    cw[i] = acc;
  }
  return { sizes, cw, total: cw[p.C - 1], lambda };
}

/** bisect_right(cw, x, 0, hi): the first index in [0, hi) whose value is > x, or hi. */
export function bisectRight(cw: Float64Array, x: number, hi: number): number {
  let lo = 0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < cw[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const ARRIVAL = 0;
const COMPLETION = 1;

/**
 * The model as a kernel actor. Event kinds: ARRIVAL (no data) and COMPLETION (data = job id, a
 * small integer, so no allocation). Jobs live in typed arrays indexed by a recycled job id; each
 * cluster's FIFO is an intrusive linked list through `jobNext`.
 *
 * Within one arrival the completion of a job that starts at once is scheduled before the next
 * arrival (only matters for exactly equal times, which continuous draws do not produce).
 */
class FleetQueueActor implements EventHandler {
  private readonly C: number;
  private readonly N: number;
  private readonly J: number;
  private readonly mean: number;
  private readonly lambda: number;
  private readonly sizes: Int32Array;
  private readonly nSizes: number;
  private readonly cw: Float64Array;
  private readonly total: number;
  private readonly rng: MT19937;

  private readonly free: Int32Array;
  private readonly qHead: Int32Array;
  private readonly qTail: Int32Array;
  private readonly qLen: Int32Array;

  private jArrival = new Float64Array(1 << 16);
  private jStart = new Float64Array(1 << 16);
  private jDur = new Float64Array(1 << 16);
  private jSize = new Int32Array(1 << 16);
  private jNode = new Int32Array(1 << 16);
  private jNext = new Int32Array(1 << 16);
  private jCount = 0;
  private jFree = new Int32Array(1 << 16);
  private jFreeTop = 0;

  events = 0;
  completed = 0;
  running = 0;
  queued = 0;
  busy = 0;
  busyIntegral = 0;
  lastT = 0;
  delaySum = 0;
  endTime = 0;

  constructor(p: FleetQueueParams, d: Derived) {
    this.C = p.C;
    this.N = p.N;
    this.J = p.J;
    this.mean = p.mean;
    this.lambda = d.lambda;
    this.sizes = d.sizes;
    this.nSizes = d.sizes.length;
    this.cw = d.cw;
    this.total = d.total;
    this.rng = new MT19937(p.seed);
    this.free = new Int32Array(p.C * p.N).fill(p.G);
    this.qHead = new Int32Array(p.C).fill(-1);
    this.qTail = new Int32Array(p.C).fill(-1);
    this.qLen = new Int32Array(p.C);
  }

  begin(sim: Simulation): void {
    const gap = -Math.log(1.0 - this.rng.random()) / this.lambda;
    sim.schedule(gap, this, ARRIVAL);
  }

  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    if (kind === ARRIVAL) this.arrival(sim);
    else this.completion(data as number, sim);
  }

  private arrival(sim: Simulation): void {
    const t = sim.now;
    this.events++;
    const rng = this.rng;
    const c = bisectRight(this.cw, rng.random() * this.total, this.C - 1);
    const g = this.sizes[Math.floor(rng.random() * this.nSizes)];
    const d = -Math.log(1.0 - rng.random()) / (1.0 / this.mean);
    const gap = -Math.log(1.0 - rng.random()) / this.lambda;
    const j = this.allocJob();
    this.jArrival[j] = t;
    this.jSize[j] = g;
    this.jDur[j] = d;
    let node = -1;
    if (this.qLen[c] === 0) node = this.firstFit(c, g);
    if (node >= 0) this.start(j, node, t, sim);
    else this.enqueue(c, j);
    sim.schedule(t + gap, this, ARRIVAL);
  }

  private completion(j: number, sim: Simulation): void {
    const t = sim.now;
    this.events++;
    const node = this.jNode[j];
    const g = this.jSize[j];
    this.busyIntegral += this.busy * (t - this.lastT);
    this.lastT = t;
    this.busy -= g;
    this.free[node] += g;
    this.running--;
    this.delaySum += this.jStart[j] - this.jArrival[j];
    this.completed++;
    this.jFree[this.jFreeTop++] = j;
    const c = (node / this.N) | 0;
    while (this.qLen[c] > 0) {
      const h = this.qHead[c];
      const n = this.firstFit(c, this.jSize[h]);
      if (n < 0) break;
      this.qHead[c] = this.jNext[h];
      this.qLen[c]--;
      this.queued--;
      this.start(h, n, t, sim);
    }
    if (this.completed === this.J) {
      this.endTime = t;
      sim.stop();
    }
  }

  private firstFit(c: number, g: number): number {
    const free = this.free;
    const end = (c + 1) * this.N;
    for (let n = c * this.N; n < end; n++) if (free[n] >= g) return n;
    return -1;
  }

  private start(j: number, node: number, t: number, sim: Simulation): void {
    const g = this.jSize[j];
    this.busyIntegral += this.busy * (t - this.lastT);
    this.lastT = t;
    this.busy += g;
    this.free[node] -= g;
    this.jStart[j] = t;
    this.jNode[j] = node;
    this.running++;
    sim.schedule(t + this.jDur[j], this, COMPLETION, j);
  }

  private enqueue(c: number, j: number): void {
    this.jNext[j] = -1;
    if (this.qLen[c] === 0) this.qHead[c] = j;
    else this.jNext[this.qTail[c]] = j;
    this.qTail[c] = j;
    this.qLen[c]++;
    this.queued++;
  }

  private allocJob(): number {
    if (this.jFreeTop > 0) return this.jFree[--this.jFreeTop];
    const j = this.jCount++;
    if (j === this.jArrival.length) this.growJobs();
    return j;
  }

  private growJobs(): void {
    const cap = this.jArrival.length * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.jArrival = f64(this.jArrival);
    this.jStart = f64(this.jStart);
    this.jDur = f64(this.jDur);
    this.jSize = i32(this.jSize);
    this.jNode = i32(this.jNode);
    this.jNext = i32(this.jNext);
    this.jFree = i32(this.jFree);
  }
}

/** Runs the model through the kernel and returns its outputs. */
export function runKernel(p: FleetQueueParams): FleetQueueOutcome {
  const t0 = performance.now();
  const d = derive(p);
  const sim = new Simulation({ seed: p.seed });
  const actor = new FleetQueueActor(p, d);
  actor.begin(sim);
  sim.run();
  const wall = (performance.now() - t0) / 1000;
  if (actor.completed !== p.J) throw new Error(`kernel run ended after ${actor.completed} completions, expected ${p.J}`);
  return {
    events: actor.events,
    sim_time: actor.endTime,
    mean_queue_delay: actor.delaySum / p.J,
    mean_util: actor.busyIntegral / (p.C * p.N * p.G * actor.endTime),
    queued_at_end: actor.queued,
    running_at_end: actor.running,
    wall_s: wall,
  };
}
