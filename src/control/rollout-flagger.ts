import { maxWeightOf, nextWeight, strategyOf, type FlaggerAnalysis, type RolloutPhase } from '../rollout/index.js';

/**
 * Flagger's `advanceCanary`, one analysis interval at a time, for the simulation: the same rules
 * as the pure tick model (`src/rollout/flagger-canary.ts`, spec kurator.md §4.3), which it
 * reproduces tick for tick when the canary and primary are always ready (a property test checks
 * this), plus what the tick model leaves out:
 *
 * - the primary must be ready (Flagger's IsPrimaryReady at the top of every tick): otherwise the
 *   tick does nothing ("waiting for primary"), e.g. while a promotion rolls the primary's pods;
 * - while Progressing, a canary that is not ready makes the tick wait; past the progress deadline
 *   (rolloutTimeoutSeconds) the canary is rolled back.
 *
 * The function is pure: the caller applies the returned action (scale the canary, route, promote,
 * roll back) and supplies the analysis outcome through `analyse` (called only on ticks that run
 * metric checks).
 */

export interface CanaryStatus {
  phase: RolloutPhase;
  /** `status.canaryWeight` (reset on each phase change). */
  statusWeight: number;
  /** Live weight routed to the canary (0..100). */
  route: number;
  failedChecks: number;
  iterations: number;
}

export type CanaryAction = 'none' | 'scaleUpCanary' | 'route' | 'promote' | 'promoteNow' | 'finalise' | 'rollback';

export interface TickInput {
  /** The target's spec changed since the last promotion (a new revision is waiting). */
  revisionPending: boolean;
  primaryReady: boolean;
  canaryReady: boolean;
  /** The canary has not been ready for longer than the progress deadline. */
  deadlineExceeded: boolean;
  /** Runs the metric checks of this tick; true when all pass. */
  analyse: () => boolean;
}

export interface TickResult {
  status: CanaryStatus;
  action: CanaryAction;
  event: string;
  /** This tick ran the metric checks. */
  analysed: boolean;
}

export function initialCanaryStatus(): CanaryStatus {
  return { phase: 'Initialized', statusWeight: 0, route: 0, failedChecks: 0, iterations: 0 };
}

/** One tick of Flagger's state machine. */
export function advanceCanary(a: FlaggerAnalysis, prev: CanaryStatus, input: TickInput): TickResult {
  const st: CanaryStatus = { ...prev };
  const strategy = strategyOf(a);
  const threshold = Math.max(1, a.threshold ?? 1);
  const n = a.iterations ?? 0;
  const maxWeight = maxWeightOf(a);
  const promotionStep = strategy === 'canary' ? a.stepWeightPromotion ?? 0 : 0;
  const enter = (p: RolloutPhase): void => {
    st.phase = p;
    st.statusWeight = 0;
    st.iterations = 0;
  };
  const done = (action: CanaryAction, event: string, analysed = false): TickResult => ({ status: st, action, event, analysed });

  if (!input.primaryReady && !a.skipAnalysis) return done('none', 'waiting for primary to be ready');

  if (st.phase === 'Initialized' || st.phase === 'Succeeded' || st.phase === 'Failed') {
    if (!input.revisionPending) return done('none', 'no new revision');
    st.phase = 'Progressing';
    st.statusWeight = 0;
    st.route = 0;
    st.failedChecks = 0;
    st.iterations = 0;
    return done('scaleUpCanary', 'new revision detected: canary scaled up');
  }
  if (st.phase === 'Progressing') {
    if (a.skipAnalysis) {
      st.route = 0;
      enter('Succeeded');
      return done('promoteNow', 'skipAnalysis: promote immediately');
    }
    if (!input.canaryReady) {
      if (input.deadlineExceeded) {
        st.route = 0;
        enter('Failed');
        st.failedChecks = 0;
        return done('rollback', 'rollback: canary not ready within the progress deadline');
      }
      return done('none', 'waiting for canary to be ready');
    }
    if (st.failedChecks >= threshold) {
      st.route = 0;
      enter('Failed');
      st.failedChecks = 0;
      return done('rollback', 'rollback: failedChecks reached threshold');
    }
    let analysed = false;
    if (!(st.route === 0 && st.iterations === 0)) {
      analysed = true;
      if (!input.analyse()) {
        st.failedChecks++;
        return done('none', 'analysis failed', true);
      }
    }
    if (strategy === 'canary') {
      if (st.statusWeight < maxWeight) {
        st.statusWeight = nextWeight(a, st.statusWeight);
        st.route = st.statusWeight;
        return done('route', 'weight step', analysed);
      }
      enter('Promoting');
      return done('promote', 'max weight reached: promote (primary spec updated, route unchanged)', analysed);
    }
    if (strategy === 'blueGreen') {
      if (st.iterations < n) {
        st.iterations++;
        return done('none', 'iteration (canary tested via its own service, 0% live traffic)', analysed);
      }
      if (st.iterations === n) {
        st.route = 100;
        st.iterations++;
        return done('route', 'all traffic -> canary', analysed);
      }
      enter('Promoting');
      return done('promote', 'promote', analysed);
    }
    if (st.iterations < n) {
      st.route = 100;
      st.iterations++;
      return done('route', 'matched traffic -> canary, iteration', analysed);
    }
    enter('Promoting');
    return done('promote', 'promote (copy canary spec to primary)', analysed);
  }
  if (st.phase === 'Promoting') {
    if (promotionStep <= 0) {
      st.route = 0;
      enter('Finalising');
      return done('route', 'all traffic back to (promoted) primary');
    }
    const next = st.route - promotionStep;
    if (next <= 0) {
      st.route = 0;
      enter('Finalising');
      return done('route', 'promotion traffic shift complete');
    }
    st.route = next;
    st.statusWeight = next;
    return done('route', 'promotion traffic shift');
  }
  // Finalising
  st.route = 0;
  enter('Succeeded');
  return done('finalise', 'canary scaled to zero');
}
