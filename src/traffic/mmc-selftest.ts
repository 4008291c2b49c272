import { makeArrivals, makeSampler } from '../kernel/index.js';
import { mmc } from './erlang.js';
import { FastStream } from './fast-random.js';
import { FcfsStation } from './station.js';

/**
 * The queueing selftest: the request-level mode's FCFS station (`FcfsStation`, fed by the
 * kernel's Poisson arrival process and exponential service draws) against the Erlang C formula,
 * for c ∈ {1, 4, 16} servers and utilisation ρ ∈ {0.5, 0.8, 0.95}; μ = 1 per second.
 *
 * Warm-up: the queue starts empty and the first customers are dropped (at least 20 000, and 50
 * relaxation times 1 / (μc(1 − √ρ)²)).
 * Estimator (mean wait in queue): by PASTA, the customers' mean wait equals the time average of
 * the virtual waiting time V(t) (the wait a request arriving at t would have), which the station
 * gives exactly between arrivals; the time average removes the noise of where the arrivals fall.
 * It is regression-adjusted with two control variates whose expectations are known inputs, the
 * batch means of the service times (1/μ) and of the inter-arrival gaps (1/λ), over 32 batch
 * means; the 95 % confidence interval uses the residuals (Student t, 29 dof). The plain average
 * of the customers' waits is reported beside it.
 * Streams: each case draws from its own two streams, `selftest/c=<c>/rho=<rho>/arrivals` and
 * `/service`, of the seed (fast xoshiro128** generators seeded from the kernel's named streams).
 * Customers per case: chosen for a relative standard error of 0.5 % (2 % is four standard
 * errors), from the estimator's variance measured on pilot runs; the variance grows like
 * 1/(1 − ρ)² (long busy periods) and, at light load with many servers, like 1/P(wait).
 */

export interface QueueingCase {
  c: number;
  rho: number;
}

export interface QueueingCaseResult {
  c: number;
  rho: number;
  customers: number;
  /** Simulated mean wait in queue (s): the estimator below. */
  simulated: number;
  /** Erlang C mean wait (s). */
  analytic: number;
  /** |simulated − analytic| / analytic. */
  relativeError: number;
  /** Half-width of the 95 % confidence interval of `simulated`, relative to `analytic`. */
  ciRelative: number;
  /** The plain average of the customers' waits (no control variates), and its relative error. */
  customerAverage: number;
  customerAverageError: number;
  /** Simulated fraction of customers that waited, and Erlang C. */
  simulatedPWait: number;
  analyticPWait: number;
  pass: boolean;
}

export interface QueueingSelftestResult {
  tolerance: number;
  seed: number;
  cases: QueueingCaseResult[];
  pass: boolean;
}

export const DEFAULT_CASES: QueueingCase[] = [1, 4, 16].flatMap((c) => [0.5, 0.8, 0.95].map((rho) => ({ c, rho })));

const BATCHES = 32;
/** Student t 0.975 quantile with BATCHES − 3 = 29 degrees of freedom (two control variates and the mean). */
const T_975_29 = 2.0452;

/**
 * Relative variance of the estimator per customer (Var × n / mean²), measured on pilot runs of
 * 16 × 10⁶ customers per case (seeds 0–15). Other cases use a conservative bound.
 */
const PILOT_RELVAR: Record<string, number> = {
  '1/0.5': 12, '1/0.8': 71, '1/0.95': 1154,
  '4/0.5': 78, '4/0.8': 119, '4/0.95': 1321,
  '16/0.5': 1944, '16/0.8': 325, '16/0.95': 1688,
};

/** Customers for a relative standard error of `target` (default 0.5 %: 2 % is four standard errors). */
export function customersFor(k: QueueingCase, target = 0.005): number {
  const pWait = Math.max(1e-6, mmc(k.rho * k.c, 1, k.c).pWait);
  const relvar = PILOT_RELVAR[`${k.c}/${k.rho}`] ?? 4 / (1 - k.rho) ** 2 + (20 * k.c) / pWait;
  return Math.ceil(Math.min(3e8, Math.max(1e5, relvar / (target * target))) / BATCHES) * BATCHES;
}

export interface SelftestOptions {
  seed?: number;
  tolerance?: number;
  cases?: QueueingCase[];
  /** Customers per case (default: customersFor(case)). */
  customers?: (k: QueueingCase) => number;
  /** The analytic mean wait to compare with (default: Erlang C). Tests pass a wrong one to see a failure. */
  analytic?: (k: QueueingCase) => number;
}

export interface MmcEstimate {
  /** Control-variate estimate of the mean wait (see the module comment). */
  mean: number;
  /** 95 % CI half-width of `mean`. */
  ciHalfWidth: number;
  /** Plain average wait of the customers. */
  customerAverage: number;
  pWait: number;
  customers: number;
}

/**
 * Simulate one case with `customers` customers after the warm-up. Each customer: an arrival
 * from the kernel's Poisson process (constant rate λ = ρc), an exponential service draw (mean 1),
 * and the FCFS station's start time. Per batch it accumulates the customers' waits, the integral
 * of the virtual waiting time (the wait an arrival at time t would have: max(0, nextFree − t),
 * which falls with slope −1 between arrivals), and the sums of service times and gaps.
 */
export function simulateMmc(k: QueueingCase, customers: number, seed: number): MmcEstimate {
  const lambda = k.rho * k.c;
  const tag = `selftest/c=${k.c}/rho=${k.rho}`;
  const arrivals = makeArrivals({ kind: 'constant', rate: lambda }, new FastStream(seed, `${tag}/arrivals`));
  const service = makeSampler({ kind: 'exponential', mean: 1 }, new FastStream(seed, `${tag}/service`));
  const station = new FcfsStation(k.c, 0);
  const warmup = Math.max(20_000, Math.ceil(50 / (k.c * (1 - Math.sqrt(k.rho)) ** 2)));
  let t = 0;
  for (let i = 0; i < warmup; i++) {
    t = arrivals.next(t);
    station.assign(t, service.sample());
  }
  const perBatch = Math.max(1, Math.floor(customers / BATCHES));
  const Y = new Float64Array(BATCHES); // customer-average wait
  const V = new Float64Array(BATCHES); // time-average virtual wait
  const X1 = new Float64Array(BATCHES); // mean service time − 1/μ
  const X2 = new Float64Array(BATCHES); // mean gap − 1/λ
  let waited = 0;
  for (let b = 0; b < BATCHES; b++) {
    let wSum = 0;
    let vInt = 0;
    let sSum = 0;
    const t0 = t;
    for (let i = 0; i < perBatch; i++) {
      const next = arrivals.next(t);
      const m = station.nextFree;
      if (m > t) {
        const e = m < next ? m : next;
        vInt += ((m - t) * (m - t) - (m - e) * (m - e)) / 2;
      }
      t = next;
      const s = service.sample();
      sSum += s;
      const w = station.assign(t, s) - t;
      if (w > 0) {
        wSum += w;
        waited++;
      }
    }
    Y[b] = wSum / perBatch;
    V[b] = vInt / (t - t0);
    X1[b] = sSum / perBatch - 1;
    X2[b] = (t - t0) / perBatch - 1 / lambda;
  }
  const fit = controlVariates(V, X1, X2);
  let y = 0;
  for (const v of Y) y += v;
  return { mean: fit.mean, ciHalfWidth: T_975_29 * fit.se, customerAverage: y / BATCHES, pWait: waited / (perBatch * BATCHES), customers: perBatch * BATCHES };
}

/**
 * Regression-adjusted batch means: Ȳ − β₁X̄₁ − β₂X̄₂ with β from least squares over the batches
 * (the controls have expectation 0), and its standard error from the residuals (B − 3 dof).
 */
export function controlVariates(Y: Float64Array, X1: Float64Array, X2: Float64Array): { mean: number; se: number } {
  const B = Y.length;
  let my = 0;
  let m1 = 0;
  let m2 = 0;
  for (let b = 0; b < B; b++) {
    my += Y[b];
    m1 += X1[b];
    m2 += X2[b];
  }
  my /= B;
  m1 /= B;
  m2 /= B;
  let s11 = 0;
  let s22 = 0;
  let s12 = 0;
  let s1y = 0;
  let s2y = 0;
  for (let b = 0; b < B; b++) {
    const d1 = X1[b] - m1;
    const d2 = X2[b] - m2;
    const dy = Y[b] - my;
    s11 += d1 * d1;
    s22 += d2 * d2;
    s12 += d1 * d2;
    s1y += d1 * dy;
    s2y += d2 * dy;
  }
  const det = s11 * s22 - s12 * s12;
  const b1 = det > 0 ? (s22 * s1y - s12 * s2y) / det : 0;
  const b2 = det > 0 ? (s11 * s2y - s12 * s1y) / det : 0;
  let ss = 0;
  for (let b = 0; b < B; b++) {
    const r = Y[b] - my - b1 * (X1[b] - m1) - b2 * (X2[b] - m2);
    ss += r * r;
  }
  return { mean: my - b1 * m1 - b2 * m2, se: Math.sqrt(ss / (B - 3) / B) };
}

export function runQueueingSelftest(opts: SelftestOptions = {}): QueueingSelftestResult {
  const seed = opts.seed ?? 1;
  const tolerance = opts.tolerance ?? 0.02;
  const cases = opts.cases ?? DEFAULT_CASES;
  const out: QueueingCaseResult[] = [];
  for (const k of cases) {
    const n = opts.customers ? opts.customers(k) : customersFor(k);
    const sim = simulateMmc(k, n, seed);
    const exact = mmc(k.rho * k.c, 1, k.c);
    const analytic = opts.analytic ? opts.analytic(k) : exact.meanWait;
    const relativeError = Math.abs(sim.mean - analytic) / analytic;
    out.push({
      c: k.c,
      rho: k.rho,
      customers: sim.customers,
      simulated: sim.mean,
      analytic,
      relativeError,
      ciRelative: sim.ciHalfWidth / analytic,
      customerAverage: sim.customerAverage,
      customerAverageError: Math.abs(sim.customerAverage - analytic) / analytic,
      simulatedPWait: sim.pWait,
      analyticPWait: exact.pWait,
      pass: relativeError <= tolerance,
    });
  }
  return { tolerance, seed, cases: out, pass: out.every((r) => r.pass) };
}

/** The table `fleetsim selftest queueing` prints. */
export function formatQueueingSelftest(r: QueueingSelftestResult): string {
  const rows = [['c', 'rho', 'customers', 'simulated Wq (s)', 'Erlang C Wq (s)', 'rel. error', '95% CI', 'plain avg error', 'P(wait) sim/analytic', '']];
  for (const k of r.cases) {
    rows.push([
      String(k.c),
      k.rho.toFixed(2),
      k.customers.toExponential(2),
      k.simulated.toPrecision(6),
      k.analytic.toPrecision(6),
      `${(k.relativeError * 100).toFixed(2)}%`,
      `±${(k.ciRelative * 100).toFixed(2)}%`,
      `${(k.customerAverageError * 100).toFixed(2)}%`,
      `${k.simulatedPWait.toFixed(4)}/${k.analyticPWait.toFixed(4)}`,
      k.pass ? 'ok' : 'FAIL',
    ]);
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((x) => x[i].length)));
  const lines = rows.map((x) => x.map((c, i) => (i >= 3 && i <= 8 ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd());
  const failed = r.cases.filter((k) => !k.pass).length;
  lines.push('', `M/M/c request-level simulation vs Erlang C (mu = 1/s, seed ${r.seed}, tolerance ${(r.tolerance * 100).toFixed(1)}%): ${r.cases.length - failed} passed, ${failed} failed`);
  return lines.join('\n') + '\n';
}
