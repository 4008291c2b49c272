import { analysisFromKuratorPolicy, type FlaggerAnalysis } from './flagger-canary.js';

/** A Flagger analysis metric as Kurator renders it (rollout_helper.go `renderCanaryAnalysis`). */
export interface RolloutMetric {
  name: 'request-success-rate' | 'request-duration';
  /** Window the metric is measured over (seconds). */
  interval: number;
  min: number | null;
  max: number | null;
  /** thresholdRange omitted: Flagger falls back to the deprecated `threshold` (0). */
  noRange: boolean;
}

/** Flagger's two built-in metrics; any other name is a MetricTemplate query fleetsim cannot evaluate. */
export const BUILTIN_METRICS: readonly string[] = ['request-success-rate', 'request-duration'];

/** What the simulation's Canary takes from a Kurator `rolloutPolicy`. */
export interface RolloutPolicyFields {
  analysis: FlaggerAnalysis;
  /** checkIntervalSeconds, raised to at least 10 s as Flagger does. */
  interval: number;
  /** The built-in metrics (others are left to the caller to name). */
  metrics: RolloutMetric[];
  /** rolloutTimeoutSeconds (Flagger progressDeadlineSeconds), default 600. */
  progressDeadline: number;
}

type Obj = Record<string, unknown>;

/**
 * A schema-checked Kurator `rolloutPolicy` (an Application's `syncPolicies[].rollout.rolloutPolicy`,
 * or a scenario `rollouts[].rolloutPolicy`) as the Flagger Canary Kurator renders from it
 * (spec kurator.md §4.1).
 */
export function rolloutPolicyFields(policy: Obj): RolloutPolicyFields {
  const ta = policy.trafficAnalysis as Obj;
  const metrics: RolloutMetric[] = [];
  for (const m of (ta.metrics as Obj[] | undefined) ?? []) {
    if (!BUILTIN_METRICS.includes(m.name as string)) continue;
    const range = m.thresholdRange as Obj | undefined;
    metrics.push({
      name: m.name as RolloutMetric['name'],
      interval: m.intervalSeconds as number,
      min: (range?.min as number | undefined) ?? null,
      max: (range?.max as number | undefined) ?? null,
      noRange: range === undefined,
    });
  }
  return {
    analysis: analysisFromKuratorPolicy(policy),
    interval: Math.max(10, ta.checkIntervalSeconds as number),
    metrics,
    progressDeadline: (policy.rolloutTimeoutSeconds as number | undefined) ?? 600,
  };
}
