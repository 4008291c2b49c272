import type { HpaBehavior, HpaScalingRules } from '../traffic/spec.js';

/**
 * The Kubernetes HorizontalPodAutoscaler algorithm (autoscaling/v2, `pkg/controller/podautoscaler`),
 * which Karmada's FederatedHPA controller reuses on the resource template: pure functions of the
 * measured metrics and the controller's remembered recommendations and scale events.
 *
 * Per metric (replica_calculator.go): usageRatio = current / target; pods that are not ready are
 * ignored, except that when scaling up they count as using 0 (the ratio is recomputed over
 * ready + unready pods, and the proposal is dropped if that flips its direction or lands within
 * the tolerance). Within the tolerance (default 0.1) the proposal is the current replicas;
 * otherwise ceil(usageRatio × readyPods). Several metrics: the largest proposal.
 *
 * Then (horizontal.go, with behavior):
 * - outside [minReplicas, maxReplicas] the current count is clamped first and no metric is used;
 * - stabilisation: the recommendation is clamped between the lowest recommendation of the
 *   scale-up window and the highest of the scale-down window (windows strictly after
 *   now − window); the unclamped proposal is recorded;
 * - rate limits: scaling up is limited by the policies over the replicas at each policy period's
 *   start (current − added + removed in the period): Pods → start + value, Percent →
 *   ceil(start × (1 + value/100)); selectPolicy Max takes the largest limit, Min the smallest,
 *   Disabled forbids the direction; scaling down likewise with start − value and
 *   floor(start × (1 − value/100)) (Max: the lowest floor); then clamped to [min, max].
 * Defaults: scale-up no stabilisation, max(4 pods, 100 %) per 15 s; scale-down 300 s window,
 * 100 % per 15 s.
 */

export interface HpaMemory {
  /** Recommendations (time, replicas), oldest first. */
  recommendations: { t: number; replicas: number }[];
  scaleUpEvents: { t: number; change: number }[];
  scaleDownEvents: { t: number; change: number }[];
}

export function newHpaMemory(): HpaMemory {
  return { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
}

/**
 * Replicas one metric asks for (GetResourceReplicas / GetMetricReplicas with readiness).
 * @param current scale.spec.replicas
 * @param usage the metric's current value averaged over ready pods (utilisation %, or per-pod value)
 * @param target its target
 * @param ready pods with a metric (ready)
 * @param unready pods not ready yet (Pending, starting)
 */
export function replicasForMetric(current: number, usage: number, target: number, ready: number, unready: number, tolerance: number): number {
  if (ready === 0) return current;
  const usageRatio = usage / target;
  const rebalanceUnready = unready > 0 && usageRatio > 1;
  if (!rebalanceUnready) {
    if (Math.abs(1 - usageRatio) <= tolerance) return current;
    return Math.ceil(usageRatio * ready);
  }
  // Scale up with unready pods: they count as using 0.
  const newRatio = (usage * ready) / (target * (ready + unready));
  if (Math.abs(1 - newRatio) <= tolerance || (usageRatio < 1 && newRatio > 1) || (usageRatio > 1 && newRatio < 1)) return current;
  const proposal = Math.ceil(newRatio * (ready + unready));
  if ((newRatio < 1 && proposal > current) || (newRatio > 1 && proposal < current)) return current;
  return proposal;
}

function changeInPeriod(events: { t: number; change: number }[], now: number, period: number): number {
  let sum = 0;
  const cutoff = now - period;
  for (const e of events) if (e.t > cutoff) sum += e.change;
  return sum;
}

function scaleUpLimit(current: number, mem: HpaMemory, rules: HpaScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? Infinity : -Infinity;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(mem.scaleUpEvents, now, p.periodSeconds) + changeInPeriod(mem.scaleDownEvents, now, p.periodSeconds);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pickMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

function scaleDownLimit(current: number, mem: HpaMemory, rules: HpaScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? -Infinity : Infinity;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(mem.scaleUpEvents, now, p.periodSeconds) + changeInPeriod(mem.scaleDownEvents, now, p.periodSeconds);
    const proposed = p.type === 'Pods' ? start - p.value : Math.floor(start * (1 - p.value / 100));
    result = pickMin ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

export interface HpaDecision {
  desired: number;
  reason: string;
}

/**
 * The replicas to scale to, from the metrics' largest proposal (`proposal`, or null when no
 * metric could be read), updating the controller's memory (recommendations and, when the count
 * changes, scale events).
 */
export function decideReplicas(
  opts: { minReplicas: number; maxReplicas: number; behavior: HpaBehavior },
  mem: HpaMemory,
  now: number,
  current: number,
  proposal: number | null,
): HpaDecision {
  let desired: number;
  let reason: string;
  if (current === 0 && opts.minReplicas !== 0) {
    return { desired: 0, reason: 'ScalingDisabled: replicas is 0' };
  } else if (current > opts.maxReplicas) {
    desired = opts.maxReplicas;
    reason = 'TooManyReplicas: above maxReplicas';
  } else if (current < opts.minReplicas) {
    desired = opts.minReplicas;
    reason = 'TooFewReplicas: below minReplicas';
  } else if (proposal === null) {
    return { desired: current, reason: 'FailedGetMetrics: no metrics yet' };
  } else {
    const r = normalize(opts, mem, now, current, proposal);
    desired = r.desired;
    reason = r.reason;
  }
  if (desired !== current) recordScaleEvent(opts.behavior, mem, now, current, desired);
  return { desired, reason };
}

function normalize(opts: { minReplicas: number; maxReplicas: number; behavior: HpaBehavior }, mem: HpaMemory, now: number, current: number, proposal: number): HpaDecision {
  const b = opts.behavior;
  // Stabilisation.
  const upCutoff = now - b.scaleUp.stabilizationWindowSeconds;
  const downCutoff = now - b.scaleDown.stabilizationWindowSeconds;
  let up = proposal;
  let down = proposal;
  for (const rec of mem.recommendations) {
    if (rec.t > upCutoff) up = Math.min(up, rec.replicas);
    if (rec.t > downCutoff) down = Math.max(down, rec.replicas);
  }
  let rec = current;
  if (rec < up) rec = up;
  if (rec > down) rec = down;
  // Remember the unstabilised proposal; drop entries older than both windows (they can never count again).
  mem.recommendations = mem.recommendations.filter((r) => r.t > upCutoff || r.t > downCutoff);
  mem.recommendations.push({ t: now, replicas: proposal });
  const reason = rec === proposal ? 'DesiredWithinRange' : proposal >= current ? 'ScaleUpStabilized: recent recommendations were lower' : 'ScaleDownStabilized: recent recommendations were higher';
  // Rate limits.
  if (rec > current) {
    let limit = scaleUpLimit(current, mem, b.scaleUp, now);
    if (limit < current) limit = current;
    const max = Math.min(opts.maxReplicas, limit);
    if (rec > max) return { desired: max, reason: max === opts.maxReplicas ? 'TooManyReplicas: maxReplicas' : 'ScaleUpLimit: behavior policies' };
  } else if (rec < current) {
    let limit = scaleDownLimit(current, mem, b.scaleDown, now);
    if (limit > current) limit = current;
    const min = Math.max(opts.minReplicas, limit);
    if (rec < min) return { desired: min, reason: min === opts.minReplicas ? 'TooFewReplicas: minReplicas' : 'ScaleDownLimit: behavior policies' };
  }
  return { desired: rec, reason };
}

function recordScaleEvent(b: HpaBehavior, mem: HpaMemory, now: number, prev: number, next: number): void {
  const longest = (r: HpaScalingRules): number => Math.max(0, ...r.policies.map((p) => p.periodSeconds));
  mem.scaleUpEvents = mem.scaleUpEvents.filter((e) => e.t > now - longest(b.scaleUp));
  mem.scaleDownEvents = mem.scaleDownEvents.filter((e) => e.t > now - longest(b.scaleDown));
  if (next > prev) mem.scaleUpEvents.push({ t: now, change: next - prev });
  else mem.scaleDownEvents.push({ t: now, change: prev - next });
}
