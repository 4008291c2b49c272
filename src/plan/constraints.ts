import { UserError } from '../errors.js';
import { FLEET, SWEEP_METRICS } from '../runner/sweep-metrics.js';
import { studentTQuantile } from '../runner/student-t.js';
import type { Scenario } from '../scenario/types.js';
import { parseDuration } from '../scenario/units.js';

/**
 * A plan's constraints: bounds on the sweep metrics (src/runner/sweep-metrics.ts), each judged
 * per failure case on the confidence interval of its mean over replications, not on the mean
 * alone.
 *
 * ```
 * pods.pending<=0                          fleet-wide
 * pods.pending[serving-sh]<=0              one member cluster (the runs table's column name)
 * cluster(serving-sh).gpu.utilization>=0.5 the same, spelled as a scope
 * slo(llm-inference).violationMinutes<=5   one service's SLO (traffic.sloViolation, in minutes)
 * traffic.latency.p99[llm-inference]<800   a service metric by its name (the service, or namespace/name)
 * timeToAllReady.max<=10m                  seconds metrics take durations
 * ```
 */
export type Op = '<=' | '<' | '>=' | '>';

export interface Constraint {
  /** As people write it (`slo(llm-inference).violationMinutes<=30`). */
  readonly text: string;
  readonly metric: string;
  /** `fleet`, a member cluster or a service (`namespace/name`, as the runs record it). */
  readonly scope: string;
  readonly op: Op;
  /** In the constraint's unit. */
  readonly bound: number;
  readonly unit: string;
  /** The constraint's value is the metric's divided by this (60: seconds judged in minutes). */
  readonly divisor: number;
}

/** `slo(<service>).<name>`: a service's SLO figures in the units people bound them in. */
const SLO_ALIASES: Readonly<Record<string, { metric: string; unit: string; divisor: number }>> = {
  violationMinutes: { metric: 'traffic.sloViolation', unit: 'min', divisor: 60 },
  latencyP99: { metric: 'traffic.latency.p99', unit: 'ms', divisor: 1 },
};

/** A constraint's value in one run: its metric at its scope, in the constraint's unit. */
export function constraintValue(c: Constraint, metrics: readonly { metric: string; scope: string; value: number | null }[] | undefined): number | null {
  const v = metrics?.find((m) => m.metric === c.metric && m.scope === c.scope)?.value ?? null;
  return v === null ? null : v / c.divisor;
}

const OPS: readonly Op[] = ['<=', '>=', '<', '>'];

/** Parse `--constraint` against the scenario's clusters and services; a mistake is a UserError naming the argument. */
export function parseConstraint(text: string, scenario: Scenario): Constraint {
  const bad = (expected: string, found: string): never => {
    throw new UserError(`--constraint ${text}: expected ${expected}, found ${found}`);
  };
  const m = /^\s*(.+?)\s*(<=|>=|<|>|==|=|!=)\s*(.*?)\s*$/.exec(text);
  if (!m) return bad('METRIC<=BOUND (or <, >=, >), e.g. slo(llm-inference).violationMinutes<=5', JSON.stringify(text));
  const [, ref, opText, boundText] = m;
  if (!OPS.includes(opText as Op)) return bad('one of <=, <, >=, > (a bound is judged on a confidence interval, so there is no equality)', opText);
  const op = opText as Op;

  let metric = ref;
  let scope = FLEET;
  let kind: 'cluster' | 'service' | null = null;
  let alias: (typeof SLO_ALIASES)[string] | null = null;
  let sm: RegExpExecArray | null;
  if ((sm = /^slo\(([^()]+)\)\.(.+)$/.exec(ref))) {
    scope = sm[1].trim();
    kind = 'service';
    alias = Object.hasOwn(SLO_ALIASES, sm[2]) ? SLO_ALIASES[sm[2]] : null;
    if (!alias) return bad(`slo(<service>).${Object.keys(SLO_ALIASES).join(' or slo(<service>).')} (or a service metric: ${SWEEP_METRICS.filter((d) => d.perService).map((d) => `${d.name}[<service>]`).join(', ')})`, JSON.stringify(ref));
    metric = alias.metric;
  } else if ((sm = /^cluster\(([^()]+)\)\.(.+)$/.exec(ref))) {
    scope = sm[1].trim();
    metric = sm[2];
    kind = 'cluster';
  } else if ((sm = /^([^[\]]+)\[([^[\]]+)\]$/.exec(ref))) {
    metric = sm[1];
    scope = sm[2].trim();
  }
  const def = SWEEP_METRICS.find((d) => d.name === metric);
  if (!def) {
    const names = SWEEP_METRICS.map((d) => d.name);
    const near = names.filter((n) => n.toLowerCase() === metric.toLowerCase() || n.endsWith(`.${metric}`) || n.startsWith(`${metric}.`));
    return bad(`a metric of the sweep (${near.length ? `did you mean ${near.join(' or ')}? ` : ''}one of ${names.join(', ')}; or slo(<service>).violationMinutes)`, JSON.stringify(metric));
  }
  const members = scenario.fleet.clusters.filter((c) => c.role === 'member').map((c) => c.name);
  const services = scenario.traffic?.services ?? [];
  let label = ref;
  if (scope !== FLEET) {
    if (def.perService && kind !== 'cluster') {
      // The runs record a service as namespace/name; its name alone will do when no other namespace has it.
      const named = services.filter((x) => `${x.namespace}/${x.name}` === scope || x.name === scope);
      if (named.length !== 1) {
        const all = services.map((x) => (services.filter((y) => y.name === x.name).length > 1 ? `${x.namespace}/${x.name}` : x.name));
        return bad(`a service of the scenario (${all.join(', ') || 'it has none'})`, JSON.stringify(scope));
      }
      scope = `${named[0].namespace}/${named[0].name}`;
    } else if (def.perCluster && kind !== 'service') {
      if (!members.includes(scope)) return bad(`a member cluster of the scenario (${members.join(', ')})`, JSON.stringify(scope));
      label = `${metric}[${scope}]`;
    } else {
      return bad(`${metric} fleet-wide (it is not reported per ${kind ?? (def.perService ? 'cluster' : 'cluster or service')})`, JSON.stringify(ref));
    }
  } else if (metric === 'traffic.latency.p99') {
    return bad(`slo(<service>).latencyP99: it is reported per service only (${services.map((x) => x.name).join(', ') || 'the scenario has no services'})`, JSON.stringify(ref));
  } else if (def.perService && services.length === 0) {
    return bad(`a metric the scenario reports (${metric} needs services:, and it has none)`, JSON.stringify(ref));
  }

  const unit = alias?.unit ?? def.unit;
  let bound: number | null = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(boundText) ? Number(boundText) : null;
  if (bound === null && unit === 's') bound = parseDuration(boundText);
  if (bound === null || !Number.isFinite(bound)) return bad(`a number${unit === 's' ? ' or a duration (90s, 5m)' : ''} as the bound`, JSON.stringify(boundText));
  return { text: `${label}${op}${boundText}`, metric, scope, op, bound, unit, divisor: alias?.divisor ?? 1 };
}

export type Verdict = 'pass' | 'fail' | 'undecided';

export interface CheckResult {
  /** Replications with a value. */
  readonly n: number;
  readonly mean: number | null;
  /** The confidence interval of the mean (equal to the mean when every value is the same). */
  readonly low: number | null;
  readonly high: number | null;
  readonly verdict: Verdict;
  /** Why it failed without the interval saying so: no value in any run. */
  readonly why?: string;
}

/**
 * Judge one constraint on one failure case's replications: pass when the whole confidence
 * interval of the mean meets the bound, fail when the whole interval misses it, undecided
 * otherwise (more replications narrow it). Null values (a run without that metric) are left out;
 * no value at all fails: the candidate cannot be shown to meet it.
 */
export function judgeCheck(values: readonly (number | null)[], c: Constraint, confidence: number): CheckResult {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n, mean: null, low: null, high: null, verdict: 'fail', why: 'no run has a value' };
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= n;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : Infinity;
  // Spread below rounding noise counts as none: identical runs give an exact answer.
  const half = sd <= 1e-12 * Math.max(1, Math.abs(mean)) ? 0 : n > 1 ? (studentTQuantile(1 - (1 - confidence) / 2, n - 1) * sd) / Math.sqrt(n) : Infinity;
  const low = mean - half;
  const high = mean + half;
  const meets = (x: number): boolean => (c.op === '<=' ? x <= c.bound : c.op === '<' ? x < c.bound : c.op === '>=' ? x >= c.bound : x > c.bound);
  // Lower is better for <= and <: the interval's top must meet the bound, its bottom missing it fails.
  const [optimistic, pessimistic] = c.op === '<=' || c.op === '<' ? [low, high] : [high, low];
  const verdict: Verdict = meets(pessimistic) ? 'pass' : !meets(optimistic) ? 'fail' : 'undecided';
  return { n, mean, low: Number.isFinite(low) ? low : null, high: Number.isFinite(high) ? high : null, verdict };
}

/** The worse of two means for this constraint (the larger for <= and <). */
export function worse(c: Constraint, a: number, b: number): number {
  return c.op === '<=' || c.op === '<' ? Math.max(a, b) : Math.min(a, b);
}
