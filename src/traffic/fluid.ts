import { mmc, responseSurvival, type MmcState } from './erlang.js';
import { bucketEdges, bucketLow, bucketOf, HIST_BUCKETS, type LogHistogram } from './histogram.js';
import type { TryRoute } from './routing.js';
import type { RetryPolicy } from './spec.js';

/**
 * The fluid mode: over an interval during which the ready replicas, routes and rates are taken
 * as constant, each station (one version of a service in one cluster, c = its ready pods) is an
 * M/M/c queue in steady state, and the outcomes of the interval's requests are computed, not
 * drawn: expected counts and latency masses.
 *
 * A try routed to station j from user region r takes D = RTT(r, j) + T_j, T_j the M/M/c response
 * time (Erlang C wait + exponential service; `erlang.ts`). It succeeds if D <= the try's bound
 * τ₁ = min(perTryTimeout, timeout) and the application does not answer 5xx (probability e_j);
 * a 5xx comes back after D as well. A try still running at the per-try timeout is abandoned
 * then (the server still does the work); one still running at the overall timeout ends the
 * request as timed out. A station with ρ >= 1 has no steady state: its tries never finish in
 * time. A destination without ready pods answers 503 at once (not retried, as Envoy does not
 * retry a local "no healthy upstream").
 *
 * Retries (Istio `attempts`): a 5xx is retried when retryOn has `5xx`; a per-try timeout when it
 * has `5xx` or `gateway-error`; each retry is routed afresh and starts when the failed try ends,
 * until the overall timeout.
 *
 * Load: the arrival rate at station j counts retries: λ_j = Σ_r rate_r · m_r · p_rj, where m_r,
 * the expected tries per request, is found by fixed-point iteration with
 * m_r = Σ_{k=0..A} q_r^k (q_r the probability a try fails retriably), i.e. ignoring the overall
 * timeout's cut of late retries (they count as load).
 *
 * Latency masses: the first try's outcomes are exact: each log bucket of the histogram gets
 * rate·dt·p_j·(1−e_j)·[F_j(hi − RTT) − F_j(lo − RTT)]. Requests that retry are followed on a
 * uniform grid of GRID cells over [0, timeout]: the density of the next try's start is convolved
 * with the try's duration distribution (computed only when retries carry mass).
 */

export interface StationParams {
  c: number;
  mu: number;
  errorRate: number;
}

export interface RegionDemand {
  /** Requests per second (mean over the interval). */
  rate: number;
  routes: TryRoute[];
}

export interface FluidInput {
  stations: StationParams[];
  regions: RegionDemand[];
  retries: RetryPolicy;
  timeout: number;
  dt: number;
}

export interface FluidOutput {
  offered: number;
  served: number;
  failed: number;
  timedOut: number;
  /** Expected tries per station in dt, and the 5xx among them. */
  tries: Float64Array;
  errors: Float64Array;
  /** Mean busy servers per station. */
  busy: Float64Array;
  states: MmcState[];
  /** Expected tries (all stations and immediate 503s) in dt. */
  totalTries: number;
}

const GRID = 512;
const TINY = 1e-13;

function cdf(s: MmcState, x: number): number {
  return x <= 0 ? 0 : 1 - responseSurvival(s, x);
}

/**
 * Compute one interval. Served latencies go into `latency` (client-side, seconds); each station
 * with a histogram in `serverLatency` gets its tries' server-side response times (T_j).
 */
export function fluidStep(input: FluidInput, latency: LogHistogram | null, serverLatency: (LogHistogram | null)[] = []): FluidOutput {
  const { stations, regions, retries, timeout, dt } = input;
  const ns = stations.length;
  const tauTry = Math.min(retries.perTryTimeout, timeout);
  const perTryBinding = retries.perTryTimeout < timeout;
  const A = retries.attempts;
  const lambda = new Float64Array(ns);
  const states: MmcState[] = new Array(ns);
  const m = new Float64Array(regions.length).fill(1);

  // Fixed point of the load with retries.
  for (let iter = 0; iter < 60; iter++) {
    lambda.fill(0);
    regions.forEach((rg, r) => {
      for (const rt of rg.routes) if (rt.station >= 0) lambda[rt.station] += rg.rate * m[r] * rt.p;
    });
    for (let j = 0; j < ns; j++) states[j] = mmc(lambda[j], stations[j].mu, stations[j].c);
    if (A === 0) break;
    let delta = 0;
    regions.forEach((rg, r) => {
      let q = 0;
      for (const rt of rg.routes) {
        if (rt.station < 0) continue;
        const f = cdf(states[rt.station], tauTry - rt.rtt);
        const e = stations[rt.station].errorRate;
        if (retries.on5xx) q += rt.p * e * f;
        if (retries.onTimeout && perTryBinding) q += rt.p * (1 - f);
      }
      let mm = 0;
      let qk = 1;
      for (let k = 0; k <= A; k++) {
        mm += qk;
        qk *= q;
      }
      delta = Math.max(delta, Math.abs(mm - m[r]) / mm);
      m[r] = mm;
    });
    if (delta < 1e-10) break;
  }

  const out: FluidOutput = {
    offered: 0,
    served: 0,
    failed: 0,
    timedOut: 0,
    tries: new Float64Array(ns),
    errors: new Float64Array(ns),
    busy: new Float64Array(ns),
    states,
    totalTries: 0,
  };
  for (let j = 0; j < ns; j++) {
    const s = states[j];
    out.busy[j] = s.stable ? s.lambda / s.mu : s.c;
  }

  const h = timeout / GRID;
  const tryCell = Math.round(tauTry / h);
  for (const rg of regions) {
    const n = rg.rate * dt;
    if (!(n > 0)) continue;
    out.offered += n;
    // ---- First try (exact).
    let pS = 0;
    let pE = 0;
    let pT = 0;
    let p503 = 0;
    for (const rt of rg.routes) {
      if (rt.station < 0) {
        p503 += rt.p;
        continue;
      }
      const s = states[rt.station];
      const f = cdf(s, tauTry - rt.rtt);
      const e = stations[rt.station].errorRate;
      pS += rt.p * (1 - e) * f;
      pE += rt.p * e * f;
      pT += rt.p * (1 - f);
      if (latency && (1 - e) * f > 0) fillShifted(latency, s, rt.rtt, tauTry, n * rt.p * (1 - e));
    }
    let served = pS;
    let failed = p503;
    let timedOut = 0;
    let tries = 1;
    // Start densities of the next try, on the grid.
    let next: Float64Array | null = null;
    const retry5xx = retries.on5xx && A >= 1;
    const retryTo = retries.onTimeout && perTryBinding && A >= 1;
    if (retry5xx && pE > TINY) {
      next = new Float64Array(GRID);
      const dur = durationCells(rg.routes, states, stations, h, tauTry, 'error');
      for (let d = 0; d < dur.length; d++) next[d] += dur[d];
    } else failed += pE;
    if (perTryBinding) {
      if (retryTo && pT > TINY && tryCell < GRID) {
        next ??= new Float64Array(GRID);
        next[tryCell] += pT;
      } else timedOut += pT;
    } else timedOut += pT;

    // ---- Retries on the grid.
    let servedGrid: Float64Array | null = null;
    let succ: Float64Array | null = null;
    let err: Float64Array | null = null;
    for (let k = 2; k <= A + 1 && next; k++) {
      let mass = 0;
      for (let i = 0; i < GRID; i++) mass += next[i];
      if (mass <= TINY) {
        // Negligible: count it as served at no latency cost would bias; count where it most likely ends.
        served += mass;
        next = null;
        break;
      }
      tries += mass;
      succ ??= durationCells(rg.routes, states, stations, h, tauTry, 'success');
      err ??= durationCells(rg.routes, states, stations, h, tauTry, 'error');
      servedGrid ??= new Float64Array(GRID);
      const last = k === A + 1;
      const following: Float64Array | null = last ? null : new Float64Array(GRID);
      let pS2 = 0;
      let pE2 = 0;
      for (let d = 0; d < succ.length; d++) pS2 += succ[d];
      for (let d = 0; d < err.length; d++) pE2 += err[d];
      const pT2 = 1 - pS2 - pE2 - p503; // tries not done within their bound (per-try or overall)
      for (let i = 0; i < GRID; i++) {
        const a = next[i];
        if (a === 0) continue;
        failed += a * p503;
        for (let d = 0; d < succ.length; d++) {
          const e = i + d;
          if (e >= GRID) {
            timedOut += a * (succ[d] + err[d]);
            continue;
          }
          servedGrid[e] += a * succ[d];
          served += a * succ[d];
          if (retries.on5xx && following) following[e] += a * err[d];
          else failed += a * err[d];
        }
        // Tries that hit their bound.
        if (perTryBinding && i + tryCell < GRID) {
          if (retryTo && following) following[i + tryCell] += a * pT2;
          else timedOut += a * pT2;
        } else timedOut += a * pT2;
      }
      next = following;
    }
    if (latency && servedGrid) {
      for (let e = 0; e < GRID; e++) if (servedGrid[e] > 0) latency.add((e + 0.5) * h, n * servedGrid[e]);
    }
    out.served += n * served;
    out.failed += n * failed;
    out.timedOut += n * timedOut;
    out.totalTries += n * tries;
  }
  // Tries per station (with the fixed point's m_r) and server-side latencies.
  regions.forEach((rg, r) => {
    for (const rt of rg.routes) if (rt.station >= 0) out.tries[rt.station] += rg.rate * dt * m[r] * rt.p;
  });
  for (let j = 0; j < ns; j++) {
    out.errors[j] = out.tries[j] * stations[j].errorRate;
    const hist = serverLatency[j];
    if (hist && out.tries[j] > 0) fillShifted(hist, states[j], 0, Infinity, out.tries[j]);
  }
  return out;
}

/**
 * exp(−μ·x) at each bucket's upper end x = min(high, bound) − rtt, for one (μ, rtt, bound): a
 * station's service rate and a route's RTT do not change from step to step, only the waiting
 * time's θ and C do, so fillShifted computes this half of its exponentials once per route
 * instead of once per step (same arguments, so the same doubles). Filled lazily up to the
 * furthest bucket asked for (NaN = not yet).
 */
class ServiceExp {
  readonly values = new Float64Array(HIST_BUCKETS).fill(NaN);
}

/** ServiceExp tables by (μ, rtt, bound); cleared when it grows past SERVICE_EXP_MAX (any run with more routes still gets the same numbers). */
const serviceExp = new Map<string, ServiceExp>();
const SERVICE_EXP_MAX = 4096;

function serviceExpOf(mu: number, rtt: number, bound: number): Float64Array {
  const key = `${mu}/${rtt}/${bound}`;
  let t = serviceExp.get(key);
  if (t === undefined) {
    if (serviceExp.size >= SERVICE_EXP_MAX) serviceExp.clear();
    t = new ServiceExp();
    serviceExp.set(key, t);
  }
  return t.values;
}

/** sqrt(max(low, 1e-9) · high) of each bucket: a whole bucket's representative latency (fillShifted). */
const BUCKET_MID = (() => {
  const { low, high } = bucketEdges();
  const mid = new Float64Array(HIST_BUCKETS);
  for (let b = 0; b < HIST_BUCKETS; b++) mid[b] = Math.sqrt(Math.max(low[b], 1e-9) * (high[b] === Infinity ? low[b] : high[b]));
  return mid;
})();

/**
 * Add weight × P(RTT + T ∈ bucket, RTT + T <= bound) to each bucket. Unstable: all in the last bucket (if unbounded).
 *
 * The hot loop of the fluid mode (hundreds of buckets per route per step): `cdf` and
 * `addToBucket` are written out here, same arithmetic in the same order, because a call that
 * passes or returns a double boxes it on the heap when V8 does not inline the callee, and these
 * boxes were half a gigabyte of garbage per simulated day. The exponentials of the service time
 * come from a table per route (ServiceExp) and a whole bucket's mean value from BUCKET_MID: the
 * same values as computed in place, so the histograms are bit for bit the same.
 */
function fillShifted(hist: LogHistogram, s: MmcState, rtt: number, bound: number, weight: number): void {
  if (!s.stable) {
    if (bound === Infinity) hist.addToBucket(HIST_BUCKETS - 1, weight, bucketLow(HIST_BUCKETS - 1));
    return;
  }
  const mu = s.mu;
  const th = s.theta;
  const C = s.pWait;
  const nearMu = Math.abs(th - mu) <= 1e-9 * mu;
  const edges = bucketEdges();
  const low = edges.low;
  const high = edges.high;
  const w = hist.w;
  const emAt = serviceExpOf(mu, rtt, bound);
  let b = bucketOf(rtt);
  let prevF = 0;
  for (; b < HIST_BUCKETS; b++) {
    const bl = low[b];
    const bh = high[b];
    const lo = Math.max(bl, rtt);
    const hi = Math.min(bh, bound);
    if (hi <= lo) {
      if (bh >= bound) break;
      continue;
    }
    // F = cdf(s, hi - rtt), as `responseSurvival` computes it.
    const x = hi - rtt;
    let F = 0;
    if (x > 0) {
      let em = emAt[b];
      if (em !== em) emAt[b] = em = Math.exp(-mu * x);
      let survival: number;
      if (C === 0) survival = em;
      else if (nearMu) survival = (1 - C) * em + C * (1 + mu * x) * em;
      else survival = (1 - C) * em + (C * (th * em - mu * Math.exp(-th * x))) / (th - mu);
      F = 1 - survival;
    }
    const mass = F - prevF;
    if (mass > 0) {
      const wm = weight * mass;
      w[b] += wm;
      hist.total += wm;
      hist.sum += (lo === bl && hi === bh ? BUCKET_MID[b] : Math.sqrt(Math.max(lo, 1e-9) * (hi === Infinity ? lo : hi))) * wm;
    }
    prevF = F;
    if (hi >= bound || 1 - F < 1e-13) break;
  }
}

/**
 * Per grid cell d (duration in [d·h, (d+1)·h)), the probability a try ends in it with a success
 * (or a 5xx), within the try's bound.
 */
function durationCells(routes: TryRoute[], states: MmcState[], stations: StationParams[], h: number, bound: number, kind: 'success' | 'error'): Float64Array {
  const cells = Math.min(GRID, Math.ceil(bound / h - 1e-9));
  const out = new Float64Array(cells);
  for (const rt of routes) {
    if (rt.station < 0) continue;
    const s = states[rt.station];
    if (!s.stable) continue;
    const e = stations[rt.station].errorRate;
    const w = rt.p * (kind === 'success' ? 1 - e : e);
    if (w === 0) continue;
    let prev = 0;
    for (let d = 0; d < cells; d++) {
      const hi = Math.min((d + 1) * h, bound);
      const F = cdf(s, hi - rt.rtt);
      out[d] += w * (F - prev);
      prev = F;
    }
  }
  return out;
}
