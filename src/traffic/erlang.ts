/**
 * M/M/c queue formulas (Erlang C), used by the traffic model's fluid mode and by the queueing
 * selftest. Notation: arrival rate λ, service rate per server μ, c servers, offered load
 * a = λ/μ (Erlangs), utilisation ρ = a/c. Requests wait in one FCFS queue.
 *
 * - Erlang B by the recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)) (stable for any c);
 * - Erlang C, the probability that an arrival waits: C = B(c) / (1 − ρ·(1 − B(c)));
 * - waiting time W: 0 with probability 1 − C, else exponential with rate θ = cμ − λ, so
 *   P(W > t) = C·e^{−θt} and E[W] = C / θ;
 * - response (sojourn) time T = W + S, S ~ Exp(μ) independent of W:
 *   P(T > t) = (1 − C)·e^{−μt} + C·(θ·e^{−μt} − μ·e^{−θt}) / (θ − μ)     (θ ≠ μ)
 *            = (1 − C)·e^{−μt} + C·(1 + μt)·e^{−μt}                         (θ = μ).
 * With ρ ≥ 1 (or c = 0) the queue has no steady state: `mmc` returns stable = false and the
 * waiting time is taken as unbounded (every request waits for ever).
 */

/** Erlang B: the blocking probability of an M/M/c/c loss system with offered load a. */
export function erlangB(c: number, a: number): number {
  if (!Number.isInteger(c) || c < 0) throw new RangeError(`erlangB: c must be an integer >= 0, got ${c}`);
  if (!(a >= 0)) throw new RangeError(`erlangB: a must be >= 0, got ${a}`);
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C: the probability an arrival has to wait in M/M/c with offered load a < c. 1 when a >= c. */
export function erlangC(c: number, a: number): number {
  if (c === 0 || a >= c) return 1;
  if (a === 0) return 0;
  const b = erlangB(c, a);
  const rho = a / c;
  return b / (1 - rho * (1 - b));
}

/** The steady state of one M/M/c station. */
export interface MmcState {
  /** Servers. */
  c: number;
  /** Arrival rate. */
  lambda: number;
  /** Service rate per server. */
  mu: number;
  /** Utilisation λ / (cμ); Infinity with c = 0 and λ > 0. */
  rho: number;
  /** ρ < 1: a steady state exists. */
  stable: boolean;
  /** P(wait > 0) (1 when unstable). */
  pWait: number;
  /** Decay rate of the waiting time's tail, cμ − λ (0 when unstable). */
  theta: number;
  /** Mean waiting time (Infinity when unstable). */
  meanWait: number;
}

export function mmc(lambda: number, mu: number, c: number): MmcState {
  if (!(mu > 0)) throw new RangeError(`mmc: mu must be > 0, got ${mu}`);
  if (!(lambda >= 0)) throw new RangeError(`mmc: lambda must be >= 0, got ${lambda}`);
  const cap = c * mu;
  const rho = cap > 0 ? lambda / cap : lambda > 0 ? Infinity : 0;
  if (lambda === 0 && c > 0) return { c, lambda, mu, rho: 0, stable: true, pWait: 0, theta: cap, meanWait: 0 };
  if (!(rho < 1)) return { c, lambda, mu, rho, stable: false, pWait: 1, theta: 0, meanWait: Infinity };
  const pWait = erlangC(c, lambda / mu);
  const theta = cap - lambda;
  return { c, lambda, mu, rho, stable: true, pWait, theta, meanWait: pWait / theta };
}

/** P(W > t) for the waiting time in queue. */
export function waitSurvival(s: MmcState, t: number): number {
  if (!s.stable) return 1;
  if (t < 0) return 1;
  return s.pWait * Math.exp(-s.theta * t);
}

/** P(T > t) for the response time T = W + S (wait plus service). */
export function responseSurvival(s: MmcState, t: number): number {
  if (!s.stable) return 1;
  if (t <= 0) return 1;
  const mu = s.mu;
  const th = s.theta;
  const C = s.pWait;
  const em = Math.exp(-mu * t);
  if (C === 0) return em;
  // θ close to μ: use the limit form to avoid cancellation.
  if (Math.abs(th - mu) <= 1e-9 * mu) return (1 - C) * em + C * (1 + mu * t) * em;
  return (1 - C) * em + (C * (th * em - mu * Math.exp(-th * t))) / (th - mu);
}

/** E[T] = E[W] + 1/μ. */
export function meanResponse(s: MmcState): number {
  return s.meanWait + 1 / s.mu;
}
