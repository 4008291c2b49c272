import { makeArrivals, rateAt, Simulation, type ArrivalProcess, type EventHandler, type RandomStream, type RateSpec } from '../kernel/index.js';
import { meanResponse, mmc } from './erlang.js';
import { fluidStep, type StationParams } from './fluid.js';
import { LogHistogram } from './histogram.js';
import { routeTry, type ClusterEndpoints, type Latency, type RoutingPolicy, type TryRoute } from './routing.js';
import type { ServiceSpec } from './spec.js';
import { FcfsStation } from './station.js';

/**
 * One service's traffic over a run: its stations (one per cluster × pool × version, c = ready
 * pods), the routes of each user region, and the recorders; advanced in time by the traffic
 * actor, in one of two modes:
 *
 * - fluid (default): between two calls of `advanceTo` the topology is constant; the interval is
 *   cut at SLO-window and step boundaries and each piece is computed by `fluidStep` with the
 *   rates at its midpoint (expected counts and latency masses; see fluid.ts);
 * - request: every request is simulated in a private event loop (its own Simulation, streams
 *   `traffic/<namespace>/<service>/...` of the run's seed): Poisson arrivals per user region
 *   (the kernel's arrival processes, thinning for diurnal rates), routing per try, the one-way
 *   latency to the cluster, an FCFS station (`FcfsStation`), the latency back, per-try and
 *   overall deadlines and retries. Arrivals stop at the end of the run; `finish` drains the
 *   requests still in flight (stations frozen), so every offered request has an outcome.
 *
 * Recorders: totals and a latency histogram of served requests; per SLO window (default 60 s)
 * a timeline point; per station and traffic step (ring buffer over the look-back the rollout
 * analysis and the autoscalers need): tries, 5xx, busy-server and ready-pod integrals and,
 * for analysed stations (canaries), a histogram of server-side response times.
 */

export interface StationDef {
  cluster: number;
  region: number;
  pool: 'primary' | 'canary';
  version: number;
  /** The workload whose pods serve here (primary: the service's Deployment; canary: its canary). */
  workload: number;
  mu: number;
  errorRate: number;
  /** Keep server-side latency histograms (canary analysis). */
  analysed: boolean;
}

export interface TrafficTimeline {
  /** End of each window (seconds). */
  t: number[];
  /** Offered requests per second. */
  rps: number[];
  /** Latency of served requests (ms): median and the SLO's percentile (p99 without an SLO); null: none served. */
  p50: (number | null)[];
  pSlo: (number | null)[];
  /** Failed (5xx) and timed-out shares of the window's outcomes. */
  errorRate: number[];
  timeoutRate: number[];
  violated: boolean[];
}

export interface ServiceTrafficResult {
  service: string;
  namespace: string;
  workload: string;
  mode: 'fluid' | 'request';
  /** Requests (fluid: expected counts, so possibly fractional). served + failed + timedOut = offered. */
  offered: number;
  served: number;
  failed: number;
  timedOut: number;
  /** Tries including retries (and immediate 503s). */
  tries: number;
  errorRate: number;
  timeoutRate: number;
  /** Latency of served requests, client side (network round trips included), milliseconds. */
  latencyMs: { mean: number | null; p50: number | null; p95: number | null; p99: number | null };
  slo: { latencyMs: number | null; percentile: number; availability: number | null; window: number } | null;
  sloViolationSeconds: number;
  /** CDF of served latencies: points (ms, P(latency <= ms)). */
  cdf: { ms: number; p: number }[];
  timeline: TrafficTimeline;
}

export interface ServiceModelOptions {
  mode: 'fluid' | 'request';
  step: number;
  seed: number;
  /** Arrivals stop here (the run's duration). */
  end: number;
  /** User regions as network region indices, with their rates. */
  users: { region: number; rate: RateSpec }[];
  latency: Latency;
  routing: RoutingPolicy;
  /** Seconds of per-station history to keep (metric windows, autoscaler delay + window). */
  lookback: number;
}

const enum Ev {
  Arrival = 1,
  AtStation = 2,
  TryEnd = 3,
}

const enum Outcome {
  Ok = 0,
  Error = 1,
  TryTimeout = 2,
  Timeout = 3,
  NoEndpoint = 4,
}

interface Req {
  start: number;
  triesLeft: number;
  region: number;
}

interface Try {
  req: Req;
  station: number;
  rtt: number;
  sentAt: number;
  outcome: Outcome;
}

class Counts {
  offered = 0;
  served = 0;
  failed = 0;
  timedOut = 0;
  tries = 0;
  clear(): void {
    this.offered = this.served = this.failed = this.timedOut = this.tries = 0;
  }
}

/** Per-station history by traffic step, in a ring buffer. */
class StationHistory {
  readonly index: Float64Array;
  readonly tries: Float64Array;
  readonly errors: Float64Array;
  readonly busy: Float64Array;
  readonly ready: Float64Array;
  readonly hist: (LogHistogram | null)[];
  constructor(
    readonly slots: number,
    readonly analysed: boolean,
  ) {
    this.index = new Float64Array(slots).fill(-1);
    this.tries = new Float64Array(slots);
    this.errors = new Float64Array(slots);
    this.busy = new Float64Array(slots);
    this.ready = new Float64Array(slots);
    this.hist = new Array<LogHistogram | null>(slots).fill(null);
  }
  /** The slot of step bucket `b`, cleared when it last held an older bucket. */
  slot(b: number): number {
    const s = b % this.slots;
    if (this.index[s] !== b) {
      this.index[s] = b;
      this.tries[s] = this.errors[s] = this.busy[s] = this.ready[s] = 0;
      if (this.analysed) {
        if (this.hist[s]) this.hist[s]!.clear();
        else this.hist[s] = new LogHistogram();
      }
    }
    return s;
  }
}

export class ServiceModel implements EventHandler {
  readonly spec: ServiceSpec;
  readonly stations: StationDef[] = [];
  private readonly history: StationHistory[] = [];
  private ready: number[] = [];
  private endpoints: ClusterEndpoints[] = [];
  private routes: TryRoute[][] = [];
  private readonly opts: ServiceModelOptions;
  private readonly slots: number;
  private now = 0;
  private readonly total = new Counts();
  private readonly win = new Counts();
  private readonly totalHist = new LogHistogram();
  private readonly winHist = new LogHistogram();
  private readonly windowLen: number;
  private winStart = 0;
  private violationSeconds = 0;
  private readonly timeline: TrafficTimeline = { t: [], rps: [], p50: [], pSlo: [], errorRate: [], timeoutRate: [], violated: [] };
  // Request mode.
  private sim: Simulation | null = null;
  private queues: FcfsStation[] = [];
  private arrivals: ArrivalProcess[] = [];
  private routeStream: RandomStream | null = null;
  private serviceStream: RandomStream | null = null;
  private errorStream: RandomStream | null = null;

  constructor(spec: ServiceSpec, opts: ServiceModelOptions) {
    this.spec = spec;
    this.opts = opts;
    this.windowLen = spec.slo?.window ?? 60;
    this.slots = Math.max(4, Math.ceil(opts.lookback / opts.step) + 3);
    if (opts.mode === 'request') {
      const sim = new Simulation({ seed: opts.seed });
      this.sim = sim;
      const tag = `traffic/${spec.namespace}/${spec.name}`;
      this.routeStream = sim.stream(`${tag}/route`);
      this.serviceStream = sim.stream(`${tag}/service`);
      this.errorStream = sim.stream(`${tag}/errors`);
      opts.users.forEach((u, i) => {
        const proc = makeArrivals(u.rate, sim.stream(`${tag}/arrivals/${i}`));
        this.arrivals.push(proc);
        const t = proc.next(0);
        if (t < opts.end) sim.schedule(t, this, Ev.Arrival, i);
      });
    }
    this.routes = opts.users.map(() => []);
  }

  /** Add a station; returns its index. */
  addStation(def: StationDef): number {
    this.stations.push(def);
    this.history.push(new StationHistory(this.slots, def.analysed));
    this.ready.push(0);
    if (this.sim) this.queues.push(new FcfsStation(0, this.now));
    return this.stations.length - 1;
  }

  /** Ready pods per station and the endpoints for routing (call after advanceTo(now)). */
  setTopology(endpoints: ClusterEndpoints[], ready: readonly number[]): void {
    this.endpoints = endpoints;
    for (let j = 0; j < this.stations.length; j++) {
      const c = ready[j] ?? 0;
      this.ready[j] = c;
      if (this.sim) this.queues[j].setServers(c, this.now);
    }
    this.routes = this.opts.users.map((u) => routeTry(u.region, this.endpoints, this.opts.routing, this.opts.latency));
  }

  /** Bring the recorders up to time t. */
  advanceTo(t: number): void {
    if (t <= this.now) return;
    while (this.winStart + this.windowLen <= t) {
      const we = this.winStart + this.windowLen;
      this.advanceSegment(we);
      this.closeWindow(we);
    }
    this.advanceSegment(t);
  }

  /** Requests in flight get their outcome (request mode); the last partial window is closed. */
  finish(end: number): ServiceTrafficResult {
    // Up to the end, leaving the last window open (also when the end is a window boundary).
    while (this.winStart + this.windowLen < end) {
      const we = this.winStart + this.windowLen;
      this.advanceSegment(we);
      this.closeWindow(we);
    }
    this.advanceSegment(end);
    // Drain (request mode): no arrivals after `end`; stations keep their last size; the outcomes
    // count in the last window.
    if (this.sim) this.sim.run();
    if (end > this.winStart) this.closeWindow(end);
    else {
      // The last window was already closed (the run's last step fell on its boundary): the
      // drained requests count in the totals, not in the timeline.
      this.totalHist.merge(this.winHist);
      this.winHist.clear();
      this.win.clear();
    }
    const tot = this.total;
    const h = this.totalHist;
    const ms = (x: number): number | null => (Number.isNaN(x) ? null : x * 1000);
    const slo = this.spec.slo;
    return {
      service: this.spec.name,
      namespace: this.spec.namespace,
      workload: this.spec.workload,
      mode: this.opts.mode,
      offered: tot.offered,
      served: tot.served,
      failed: tot.failed,
      timedOut: tot.timedOut,
      tries: tot.tries,
      errorRate: tot.offered > 0 ? tot.failed / tot.offered : 0,
      timeoutRate: tot.offered > 0 ? tot.timedOut / tot.offered : 0,
      latencyMs: { mean: ms(h.mean), p50: ms(h.quantile(0.5)), p95: ms(h.quantile(0.95)), p99: ms(h.quantile(0.99)) },
      slo: slo ? { latencyMs: slo.latency === null ? null : slo.latency * 1000, percentile: slo.percentile, availability: slo.availability, window: slo.window } : null,
      sloViolationSeconds: this.violationSeconds,
      cdf: h.cdfPoints(150).map((p) => ({ ms: p.x * 1000, p: p.p })),
      timeline: this.timeline,
    };
  }

  /** Station statistics over the steps in [from, to): tries, 5xx, and the server-side latency histogram. */
  stationWindow(station: number, from: number, to: number): { tries: number; errors: number; hist: LogHistogram | null } {
    const h = this.history[station];
    const step = this.opts.step;
    const b0 = Math.max(0, Math.floor(from / step + 1e-9));
    const b1 = Math.ceil(to / step - 1e-9);
    let tries = 0;
    let errors = 0;
    const hist = h.analysed ? new LogHistogram() : null;
    for (let b = b0; b < b1; b++) {
      const s = b % h.slots;
      if (h.index[s] !== b) continue;
      tries += h.tries[s];
      errors += h.errors[s];
      if (hist && h.hist[s]) hist.merge(h.hist[s]!);
    }
    return { tries, errors, hist };
  }

  /** Integrals over the steps in [from, to) of the stations of `workload`: busy servers, ready pods (× seconds), tries. */
  workloadUsage(workload: number, from: number, to: number): { busy: number; ready: number; tries: number; seconds: number } {
    const step = this.opts.step;
    const b0 = Math.max(0, Math.floor(from / step + 1e-9));
    const b1 = Math.ceil(to / step - 1e-9);
    let busy = 0;
    let ready = 0;
    let tries = 0;
    let seconds = 0;
    for (let j = 0; j < this.stations.length; j++) {
      if (this.stations[j].workload !== workload) continue;
      const h = this.history[j];
      for (let b = b0; b < b1; b++) {
        const s = b % h.slots;
        if (h.index[s] !== b) continue;
        busy += h.busy[s];
        ready += h.ready[s];
        tries += h.tries[s];
      }
    }
    seconds = Math.max(0, (b1 - b0) * step);
    return { busy, ready, tries, seconds };
  }

  /**
   * The mean latency (seconds) users see now from each of `clusters`: the round trip from the
   * user regions (weighted by their current rates) plus the cluster's M/M/c mean response time,
   * with c its ready pods serving this service, λ its tries over the last `window` seconds and μ
   * their versions' rate (weighted by ready pods); the overall timeout when that queue is
   * overloaded; 1/μ of the service's own version when no pod is ready there.
   */
  clusterLatency(clusters: readonly { cluster: number; region: number }[], now: number, window: number): Map<number, number> {
    const out = new Map<number, number>();
    const rates = this.opts.users.map((u) => (now < this.opts.end ? rateAt(u.rate, now) : 0));
    const total = rates.reduce((a, b) => a + b, 0);
    for (const c of clusters) {
      let rtt = 0;
      this.opts.users.forEach((u, i) => {
        rtt += (total > 0 ? rates[i] / total : 1 / this.opts.users.length) * 2 * this.opts.latency(u.region, c.region);
      });
      let servers = 0;
      let muSum = 0;
      let tries = 0;
      this.stations.forEach((s, j) => {
        if (s.cluster !== c.cluster) return;
        servers += this.ready[j];
        muSum += s.mu * this.ready[j];
        tries += this.stationWindow(j, now - window, now).tries;
      });
      let response: number;
      if (servers === 0) response = 1 / this.spec.traits.serviceRate;
      else {
        const st = mmc(tries / window, muSum / servers, servers);
        response = st.stable ? meanResponse(st) : this.spec.timeout;
      }
      out.set(c.cluster, rtt + response);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------

  /** Advance to t (no window boundary inside), cutting at step boundaries. */
  private advanceSegment(t: number): void {
    const step = this.opts.step;
    while (this.now < t) {
      const b = Math.floor(this.now / step + 1e-9);
      const stepEnd = Math.min(t, (b + 1) * step);
      const a = this.now;
      if (this.sim) {
        this.sim.run({ until: stepEnd });
        this.now = stepEnd;
      } else {
        this.fluid(a, stepEnd);
        this.now = stepEnd;
      }
      // Ready-pod integrals (both modes).
      const dt = stepEnd - a;
      for (let j = 0; j < this.stations.length; j++) {
        if (this.ready[j] === 0) continue;
        const h = this.history[j];
        h.ready[h.slot(b)] += this.ready[j] * dt;
      }
    }
  }

  private fluid(a: number, b: number): void {
    const dt = b - a;
    if (!(dt > 0)) return;
    const mid = (a + b) / 2;
    const stations: StationParams[] = this.stations.map((s, j) => ({ c: this.ready[j], mu: s.mu, errorRate: s.errorRate }));
    const regions = this.opts.users.map((u, i) => ({ rate: mid < this.opts.end ? rateAt(u.rate, mid) : 0, routes: this.routes[i] }));
    const bucket = Math.floor(a / this.opts.step + 1e-9);
    const server: (LogHistogram | null)[] = this.stations.map((s, j) => (s.analysed ? this.history[j].hist[this.history[j].slot(bucket)] : null));
    const out = fluidStep({ stations, regions, retries: this.spec.retries, timeout: this.spec.timeout, dt }, this.winHist, server);
    for (const c of [this.win, this.total]) {
      c.offered += out.offered;
      c.served += out.served;
      c.failed += out.failed;
      c.timedOut += out.timedOut;
      c.tries += out.totalTries;
    }
    for (let j = 0; j < this.stations.length; j++) {
      if (out.tries[j] === 0 && out.busy[j] === 0) continue;
      const h = this.history[j];
      const s = h.slot(bucket);
      h.tries[s] += out.tries[j];
      h.errors[s] += out.errors[j];
      h.busy[s] += out.busy[j] * dt;
    }
  }

  private closeWindow(t: number): void {
    const len = t - this.winStart;
    const w = this.win;
    const hist = this.winHist;
    const slo = this.spec.slo;
    const pct = slo ? slo.percentile / 100 : 0.99;
    const outcomes = w.served + w.failed + w.timedOut;
    const p50 = hist.quantile(0.5);
    const pS = hist.quantile(pct);
    let violated = false;
    if (slo && outcomes > 0) {
      if (slo.latency !== null && pS > slo.latency) violated = true;
      if (slo.availability !== null && w.served / outcomes < slo.availability) violated = true;
    }
    if (violated) this.violationSeconds += len;
    const tl = this.timeline;
    tl.t.push(t);
    tl.rps.push(len > 0 ? w.offered / len : 0);
    tl.p50.push(Number.isNaN(p50) ? null : p50 * 1000);
    tl.pSlo.push(Number.isNaN(pS) ? null : pS * 1000);
    tl.errorRate.push(outcomes > 0 ? w.failed / outcomes : 0);
    tl.timeoutRate.push(outcomes > 0 ? w.timedOut / outcomes : 0);
    tl.violated.push(violated);
    this.totalHist.merge(hist);
    hist.clear();
    w.clear();
    this.winStart = t;
  }

  // ------------------------------------------------------------------------------------------
  // Request mode

  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    const now = sim.now;
    if (kind === Ev.Arrival) {
      const i = data as number;
      this.win.offered++;
      this.total.offered++;
      const req: Req = { start: now, triesLeft: this.spec.retries.attempts, region: i };
      this.startTry(req, now);
      const t = this.arrivals[i].next(now);
      if (t < this.opts.end) sim.schedule(t, this, Ev.Arrival, i);
    } else if (kind === Ev.AtStation) {
      this.atStation(data as Try, now);
    } else if (kind === Ev.TryEnd) {
      this.tryEnd(data as Try, now);
    } else {
      throw new Error(`service model: unknown event kind ${kind}`);
    }
  }

  private startTry(req: Req, now: number): void {
    this.win.tries++;
    this.total.tries++;
    const routes = this.routes[req.region];
    const u = this.routeStream!.random();
    let acc = 0;
    let pick = routes.length - 1;
    for (let k = 0; k < routes.length; k++) {
      acc += routes[k].p;
      if (u < acc) {
        pick = k;
        break;
      }
    }
    const r = routes[pick] ?? { station: -1, p: 1, rtt: 0 };
    const tr: Try = { req, station: r.station, rtt: r.rtt, sentAt: now, outcome: Outcome.NoEndpoint };
    if (r.station < 0) this.sim!.schedule(now + r.rtt, this, Ev.TryEnd, tr);
    else this.sim!.schedule(now + r.rtt / 2, this, Ev.AtStation, tr);
  }

  private atStation(tr: Try, now: number): void {
    const j = tr.station;
    const q = this.queues[j];
    const sim = this.sim!;
    if (q.servers === 0) {
      tr.outcome = Outcome.NoEndpoint;
      sim.schedule(now + tr.rtt / 2, this, Ev.TryEnd, tr);
      return;
    }
    const def = this.stations[j];
    const s = -Math.log(1 - this.serviceStream!.random()) / def.mu;
    const error = this.errorStream!.random() < def.errorRate;
    const start = q.assign(now, s);
    const done = start + s;
    const h = this.history[j];
    const slot = h.slot(Math.floor(now / this.opts.step + 1e-9));
    h.tries[slot]++;
    if (error) h.errors[slot]++;
    h.busy[slot] += s;
    if (h.analysed) h.hist[slot]!.add(done - now);
    const response = done + tr.rtt / 2;
    const spec = this.spec;
    const tryDeadline = tr.sentAt + Math.min(spec.retries.perTryTimeout, spec.timeout);
    const overall = tr.req.start + spec.timeout;
    let at: number;
    if (response <= Math.min(tryDeadline, overall)) {
      tr.outcome = error ? Outcome.Error : Outcome.Ok;
      at = response;
    } else if (tryDeadline < overall) {
      tr.outcome = Outcome.TryTimeout;
      at = tryDeadline;
    } else {
      tr.outcome = Outcome.Timeout;
      at = overall;
    }
    sim.schedule(Math.max(now, at), this, Ev.TryEnd, tr);
  }

  private tryEnd(tr: Try, now: number): void {
    const req = tr.req;
    const spec = this.spec;
    const overall = req.start + spec.timeout;
    switch (tr.outcome) {
      case Outcome.Ok:
        this.win.served++;
        this.total.served++;
        this.winHist.add(now - req.start);
        return;
      case Outcome.Error:
        if (spec.retries.on5xx && req.triesLeft > 0 && now < overall) return this.retry(req, now);
        this.win.failed++;
        this.total.failed++;
        return;
      case Outcome.TryTimeout:
        if (spec.retries.onTimeout && req.triesLeft > 0 && now < overall) return this.retry(req, now);
        this.win.timedOut++;
        this.total.timedOut++;
        return;
      case Outcome.Timeout:
        this.win.timedOut++;
        this.total.timedOut++;
        return;
      case Outcome.NoEndpoint:
        this.win.failed++;
        this.total.failed++;
        return;
    }
  }

  private retry(req: Req, now: number): void {
    req.triesLeft--;
    this.startTry(req, now);
  }
}
