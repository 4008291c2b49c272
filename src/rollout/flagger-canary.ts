/**
 * Flagger's rollout state machine as Kurator drives it (spec `kurator.md` §4), one step per
 * analysis interval (`checkIntervalSeconds`, raised by Flagger to at least 10 s). Pure: the
 * analysis outcomes of the ticks that run metric checks are an input.
 *
 * Tick 1 detects the new revision (Progressing, weight 0). Then, while Progressing:
 *   skipAnalysis -> promote at once (Succeeded);
 *   failedChecks >= threshold (0 counts as 1) -> rollback (Failed, route 100% primary);
 *   route weight 0 and iterations 0 -> pre-rollout webhooks only (no metric check);
 *   otherwise the metric checks run; a failure -> failedChecks++ (cumulative) and the tick ends.
 *   canary:     weight < maxWeight -> weight = next step (capped at 100, not at maxWeight), else promote
 *   blue/green: iterations < N -> iterations++; == N -> all traffic to canary, iterations++; else promote
 *   A/B:        iterations < N -> matching traffic to canary, iterations++; else promote
 * Promoting: without stepWeightPromotion (or not canary) -> route 100% primary, Finalising; with it,
 * the canary route shrinks by that step per tick until the primary has 100%.
 * Finalising -> canary scaled to zero, Succeeded.
 * `status.canaryWeight` (statusWeight) and iterations reset on each phase change; failedChecks
 * survives until rollback. The model assumes the canary is ready at once and webhooks succeed.
 */

export type RolloutPhase = 'Initialized' | 'Progressing' | 'Promoting' | 'Finalising' | 'Succeeded' | 'Failed';
export type RolloutStrategy = 'canary' | 'blueGreen' | 'abTesting';

/** The Flagger `Canary.spec.analysis` fields the model uses. */
export interface FlaggerAnalysis {
  maxWeight?: number;
  stepWeight?: number;
  stepWeights?: readonly number[];
  stepWeightPromotion?: number;
  /** analysisTimes (blue/green, A/B). */
  iterations?: number;
  /** Whether `match` conditions are set (A/B testing when iterations > 0). */
  match?: boolean;
  /** checkFailedTimes. */
  threshold?: number;
  skipAnalysis?: boolean;
}

export interface RolloutTick {
  tick: number;
  phase: RolloutPhase;
  /** `status.canaryWeight` (reset to 0 on each phase change). */
  statusWeight: number;
  /** Live share of traffic routed to the canary. */
  canaryRouteWeight: number;
  failedChecks: number;
  iterations: number;
  event: string;
}

export function strategyOf(a: FlaggerAnalysis): RolloutStrategy {
  const n = a.iterations ?? 0;
  if (a.match && n > 0) return 'abTesting';
  if (n > 0) return 'blueGreen';
  return 'canary';
}

/** maxWeight: min(100, last stepWeights element) with stepWeights, else maxWeight, else 100. */
export function maxWeightOf(a: FlaggerAnalysis): number {
  const sw = a.stepWeights ?? [];
  if (sw.length > 0) return Math.min(100, sw[sw.length - 1]);
  return a.maxWeight && a.maxWeight > 0 ? a.maxWeight : 100;
}

/** The canary weight after one step from `w`. */
export function nextWeight(a: FlaggerAnalysis, w: number): number {
  const sw = a.stepWeights ?? [];
  if ((a.stepWeight ?? 0) > 0 || sw.length === 0) return Math.min(100, w + (a.stepWeight ?? 0));
  for (const s of sw) if (s > w) return Math.min(100, s);
  return maxWeightOf(a);
}

/**
 * Simulate a rollout from the tick that detects the new revision until Succeeded or Failed (or
 * `maxTicks`). `outcomes[i]` is the result of the i-th tick that runs metric analysis; a missing
 * entry is a pass.
 */
export function simulateRollout(a: FlaggerAnalysis, outcomes: readonly boolean[] = [], maxTicks = 10_000): RolloutTick[] {
  const strategy = strategyOf(a);
  const threshold = Math.max(1, a.threshold ?? 1);
  const n = a.iterations ?? 0;
  const maxWeight = maxWeightOf(a);
  const promotionStep = strategy === 'canary' ? a.stepWeightPromotion ?? 0 : 0;
  let phase = 'Progressing' as RolloutPhase;
  let weight = 0;
  let route = 0;
  let failed = 0;
  let iterations = 0;
  let analysed = 0;
  const ticks: RolloutTick[] = [];
  const emit = (event: string): void => {
    ticks.push({ tick: ticks.length + 1, phase, statusWeight: weight, canaryRouteWeight: route, failedChecks: failed, iterations, event });
  };
  const enter = (p: RolloutPhase): void => {
    phase = p;
    weight = 0;
    iterations = 0;
  };

  emit('new revision detected: canary scaled up');
  while (ticks.length < maxTicks && phase !== 'Succeeded' && phase !== 'Failed') {
    if (phase === 'Progressing') {
      if (a.skipAnalysis) {
        route = 0;
        enter('Succeeded');
        emit('skipAnalysis: promote immediately');
        continue;
      }
      if (failed >= threshold) {
        route = 0;
        enter('Failed');
        failed = 0;
        emit('rollback: failedChecks reached threshold');
        continue;
      }
      if (!(route === 0 && iterations === 0)) {
        const ok = analysed < outcomes.length ? outcomes[analysed] : true;
        analysed++;
        if (!ok) {
          failed++;
          emit('analysis failed');
          continue;
        }
      }
      if (strategy === 'canary') {
        if (weight < maxWeight) {
          weight = nextWeight(a, weight);
          route = weight;
          emit('weight step');
        } else {
          enter('Promoting');
          emit('max weight reached: promote (primary spec updated, route unchanged)');
        }
      } else if (strategy === 'blueGreen') {
        if (iterations < n) {
          iterations++;
          emit('iteration (canary tested via its own service, 0% live traffic)');
        } else if (iterations === n) {
          route = 100;
          iterations++;
          emit('all traffic -> canary');
        } else {
          enter('Promoting');
          emit('promote');
        }
      } else if (iterations < n) {
        route = 100;
        iterations++;
        emit('matched traffic -> canary, iteration');
      } else {
        enter('Promoting');
        emit('promote (copy canary spec to primary)');
      }
    } else if (phase === 'Promoting') {
      if (promotionStep <= 0) {
        route = 0;
        enter('Finalising');
        emit('all traffic back to (promoted) primary');
      } else {
        const next = route - promotionStep;
        if (next <= 0) {
          route = 0;
          enter('Finalising');
          emit('promotion traffic shift complete');
        } else {
          route = next;
          weight = next;
          emit('promotion traffic shift');
        }
      }
    } else if (phase === 'Finalising') {
      route = 0;
      enter('Succeeded');
      emit('canary scaled to zero');
    } else {
      phase = 'Progressing';
    }
  }
  return ticks;
}

/**
 * Kurator `rolloutPolicy` -> Flagger analysis (rollout_helper.go `renderCanaryAnalysis`):
 * canaryStrategy weights, analysisTimes -> iterations, match, checkFailedTimes -> threshold,
 * skipTrafficAnalysis -> skipAnalysis.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function analysisFromKuratorPolicy(policy: any): FlaggerAnalysis {
  const routing = policy?.trafficRouting ?? {};
  const cs = routing.canaryStrategy ?? {};
  const out: FlaggerAnalysis = {};
  if (cs.maxWeight !== undefined) out.maxWeight = cs.maxWeight;
  if (cs.stepWeight !== undefined) out.stepWeight = cs.stepWeight;
  if (cs.stepWeights !== undefined) out.stepWeights = cs.stepWeights;
  if (cs.stepWeightPromotion !== undefined) out.stepWeightPromotion = cs.stepWeightPromotion;
  if (routing.analysisTimes !== undefined) out.iterations = routing.analysisTimes;
  if (Array.isArray(routing.match) && routing.match.length > 0) out.match = true;
  const th = policy?.trafficAnalysis?.checkFailedTimes;
  if (th !== undefined) out.threshold = th;
  if (policy?.skipTrafficAnalysis) out.skipAnalysis = true;
  return out;
}
