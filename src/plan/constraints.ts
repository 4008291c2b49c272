import { UserError } from '../errors.js';
import { FLEET, SWEEP_METRICS, type MetricDef } from '../runner/sweep-metrics.js';
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
 * slo(llm-inference).violationMinutes<=5   one service: the slo.* metrics
 * timeToAllReady.max<=10m                  seconds metrics take durations
 * ```
 */
export type Op = '<=' | '<' | '>=' | '>';

export interface Constraint {
  /** As given. */
  readonly text: string;
  readonly metric: string;
  /** `fleet`, a member cluster or a service. */
  readonly scope: string;
  readonly op: Op;
  readonly bound: number;
  readonly unit: MetricDef['unit'];
}

/** A constraint's metric as people write it (`slo(llm-inference).violationMinutes`, `pods.pending[serving-sh]`). */
export function metricLabel(metric: string, scope: string): string {
  if (scope === FLEET) return metric;
  if (metric.startsWith('slo.')) return `slo(${scope}).${metric.slice(4)}`;
  return `${metric}[${scope}]`;
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
  let sm: RegExpExecArray | null;
  if ((sm = /^slo\(([^()]+)\)\.(.+)$/.exec(ref))) {
    scope = sm[1].trim();
    metric = `slo.${sm[2]}`;
    kind = 'service';
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
    return bad(`a metric of the sweep (${near.length ? `did you mean ${near.join(' or ')}? ` : ''}one of ${names.join(', ')})`, JSON.stringify(metric));
  }
  const members = scenario.fleet.clusters.filter((c) => c.role === 'member').map((c) => c.name);
  const services = scenario.traffic?.services.map((s) => s.name) ?? [];
  if (scope !== FLEET) {
    if (def.perService && kind !== 'cluster') {
      if (!services.includes(scope)) return bad(`a service of the scenario (${services.join(', ') || 'it has none'})`, JSON.stringify(scope));
    } else if (def.perCluster && kind !== 'service') {
      if (!members.includes(scope)) return bad(`a member cluster of the scenario (${members.join(', ')})`, JSON.stringify(scope));
    } else {
      return bad(`${metric} fleet-wide (it is not reported per ${kind ?? (def.perService ? 'cluster' : 'cluster or service')})`, JSON.stringify(ref));
    }
  } else if (metric === 'slo.latencyP99') {
    return bad(`slo(<service>).latencyP99: it is reported per service only (${services.join(', ') || 'the scenario has no services'})`, JSON.stringify(ref));
  } else if (def.perService && services.length === 0) {
    return bad(`a metric the scenario reports (${metric} needs services:, and it has none)`, JSON.stringify(ref));
  }

  let bound: number | null = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(boundText) ? Number(boundText) : null;
  if (bound === null && def.unit === 's') bound = parseDuration(boundText);
  if (bound === null || !Number.isFinite(bound)) return bad(`a number${def.unit === 's' ? ' or a duration (90s, 5m)' : ''} as the bound`, JSON.stringify(boundText));
  return { text: `${metricLabel(metric, scope)}${op}${boundText}`, metric, scope, op, bound, unit: def.unit };
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
