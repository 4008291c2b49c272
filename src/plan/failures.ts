import { UserError } from '../errors.js';
import type { RunResult } from '../runner/result.js';
import type { Scenario } from '../scenario/types.js';

/**
 * A plan's failure set: the scenario as written (its own `faults:` and `faultTrace:`), and the
 * generated cases, each the scenario plus k outages (`down`: nodes and API gone) that begin at
 * the busy hour and last `duration`:
 *
 * - `any-cluster`: each member cluster alone (`cluster-outage`);
 * - `any-zone`: each zone of a member cluster (`zone-outage`: every cluster in it);
 * - `any-region`: each region of a member cluster (`region-outage`);
 * - `,k=2` (or 3): every pair (triple) of them at once, instead of one.
 *
 * A candidate passes only if it passes every case.
 */
export type FailureScope = 'any-cluster' | 'any-zone' | 'any-region' | 'none';

export interface FailureSpec {
  readonly text: string;
  readonly scope: FailureScope;
  readonly k: number;
}

export interface FailureCase {
  /** Stable identity: `scenario`, or the added faults as text (part of each run's id). */
  readonly key: string;
  /** For people: `scenario`, `serving-sh down`, `zone cn-shanghai-a + serving-gz down`. */
  readonly label: string;
  /** The fault entries added to the scenario's `faults:`, as YAML would write them. */
  readonly faults: readonly Record<string, unknown>[];
}

/** Cases at most (k = 2 over many clusters grows quadratically). */
export const MAX_CASES = 200;

export function parseFailureSpec(text: string): FailureSpec {
  const m = /^\s*(any-cluster|any-zone|any-region|none)\s*(?:,\s*k\s*=\s*(\d+)\s*)?$/.exec(text);
  if (!m) throw new UserError(`--failures ${text}: expected any-cluster, any-zone, any-region or none, optionally with ,k=2 (pairs) or ,k=3, found ${JSON.stringify(text)}`);
  const k = m[2] === undefined ? 1 : Number(m[2]);
  if (k < 1 || k > 3) throw new UserError(`--failures ${text}: expected k = 1, 2 or 3 failures at once, found k=${m[2]}`);
  if (m[1] === 'none' && m[2] !== undefined) throw new UserError(`--failures ${text}: expected none without k (the scenario's own faults only), found k=${m[2]}`);
  return { text: text.trim(), scope: m[1] as FailureScope, k };
}

/** The k-subsets of `items`, in order. */
function subsets<T>(items: readonly T[], k: number): T[][] {
  const out: T[][] = [];
  const pick = (from: number, acc: T[]): void => {
    if (acc.length === k) {
      out.push([...acc]);
      return;
    }
    for (let i = from; i < items.length; i++) pick(i + 1, [...acc, items[i]]);
  };
  pick(0, []);
  return out;
}

interface Target {
  readonly label: string;
  readonly fault: Record<string, unknown>;
}

/**
 * Every failure case: the scenario as written first, then each spec's outages (duplicates of an
 * earlier case dropped). `at` and `duration` are seconds.
 */
export function failureCases(scenario: Scenario, specs: readonly FailureSpec[], at: number, duration: number): FailureCase[] {
  const members = scenario.fleet.clusters.filter((c) => c.role === 'member');
  const cases: FailureCase[] = [{ key: 'scenario', label: 'scenario', faults: [] }];
  const when = { at, duration };
  for (const spec of specs) {
    let targets: Target[] = [];
    if (spec.scope === 'any-cluster') targets = members.map((c) => ({ label: c.name, fault: { kind: 'cluster-outage', cluster: c.name, ...when, mode: 'down' } }));
    if (spec.scope === 'any-zone') targets = [...new Set(members.flatMap((c) => c.zones))].map((z) => ({ label: `zone ${z}`, fault: { kind: 'zone-outage', zone: z, ...when } }));
    if (spec.scope === 'any-region') targets = [...new Set(members.map((c) => c.region))].map((r) => ({ label: `region ${r}`, fault: { kind: 'region-outage', region: r, ...when } }));
    if (spec.scope !== 'none' && targets.length < spec.k) {
      throw new UserError(`--failures ${spec.text}: expected at least ${spec.k} ${spec.scope.slice(4)}s to fail together, found ${targets.length}`);
    }
    for (const set of spec.scope === 'none' ? [] : subsets(targets, spec.k)) {
      const faults = set.map((t) => t.fault);
      const key = JSON.stringify(faults);
      if (cases.some((c) => c.key === key)) continue;
      cases.push({ key, label: `${set.map((t) => t.label).join(' + ')} down`, faults });
    }
  }
  if (cases.length > MAX_CASES) throw new UserError(`--failures ${specs.map((s) => s.text).join(' ')}: expected at most ${MAX_CASES} failure cases, found ${cases.length}`);
  return cases;
}

export interface BusyHour {
  /** Seconds: the window's start and end. */
  readonly start: number;
  readonly end: number;
  /** What was measured, and its total over the window. */
  readonly measure: 'offered requests' | 'requested CPU core-hours';
  readonly value: number;
}

/** A piecewise-constant rate: `rate[i]` over [edges[i], edges[i + 1]). */
interface Steps {
  readonly edges: readonly number[];
  readonly rate: readonly number[];
}

/**
 * The window of length `window` lying wholly in [0, end of the steps] with the most of the rate
 * (ITU-T E.600's busy hour: "the continuous 1-hour period lying wholly in the time interval
 * concerned that has the highest traffic"), starting at a step's edge; the earliest of equals. A
 * horizon shorter than the window is the window.
 */
export function busiestWindow(steps: Steps, window: number): { start: number; end: number; value: number } {
  const { edges, rate } = steps;
  const horizon = edges[edges.length - 1] ?? 0;
  const cum = [0];
  for (let i = 0; i < rate.length; i++) cum.push(cum[i] + rate[i] * (edges[i + 1] - edges[i]));
  /** ∫ rate from 0 to x. */
  const integral = (x: number): number => {
    let lo = 0;
    let hi = rate.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= x) lo = mid;
      else hi = mid;
    }
    return cum[lo] + rate[lo] * (Math.min(x, edges[lo + 1]) - edges[lo]);
  };
  if (rate.length === 0 || horizon <= window) return { start: 0, end: horizon, value: cum[cum.length - 1] };
  let best = { start: 0, end: window, value: integral(window) };
  for (let i = 1; i < edges.length && edges[i] + window <= horizon; i++) {
    const v = integral(edges[i] + window) - cum[i];
    if (v > best.value * (1 + 1e-12) + 1e-12) best = { start: edges[i], end: edges[i] + window, value: v };
  }
  return best;
}

/**
 * The scenario's busy hour, from one run of today's fleet: with services, the hour with the most
 * offered requests (every service's traffic timeline); without, the hour with the most CPU
 * requested by bound pods (member clusters, from the sampled series).
 */
export function busyHour(run: RunResult, scenario: Scenario, window = 3600): BusyHour {
  const services = run.traffic ?? [];
  if (services.length) {
    // Every service's windows share the SLO-window grid only per service: merge on the union of edges.
    const edgeSet = new Set<number>([0]);
    for (const s of services) for (const t of s.timeline.t) edgeSet.add(t);
    const edges = [...edgeSet].sort((a, b) => a - b);
    const rate = edges.slice(0, -1).map((e) => {
      let r = 0;
      for (const s of services) {
        const i = s.timeline.t.findIndex((t) => t > e);
        if (i >= 0) r += s.timeline.rps[i];
      }
      return r;
    });
    const w = busiestWindow({ edges, rate }, window);
    return { ...w, measure: 'offered requests' };
  }
  const cores = new Map(scenario.fleet.clusters.map((c) => [c.name, c.nodePools.reduce((s, p) => s + (p.count * p.cpuMillis) / 1000, 0)]));
  const members = run.clusters.filter((c) => c.role === 'member').map((c) => c.name);
  const t = run.series.t;
  const edges = [...t, run.duration];
  const rate = t.map((_, i) => members.reduce((s, c) => s + (run.series.clusters[c]?.cpu[i] ?? 0) * (cores.get(c) ?? 0), 0) / 3600);
  const w = busiestWindow({ edges, rate }, window);
  return { ...w, measure: 'requested CPU core-hours' };
}
