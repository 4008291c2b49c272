import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advanceCanary, initialCanaryStatus, type CanaryStatus, type TickInput } from '../../src/control/rollout-flagger.js';
import { simulateRollout, type FlaggerAnalysis } from '../../src/rollout/index.js';

function drive(a: FlaggerAnalysis, outcomes: boolean[], input: Partial<TickInput> = {}, maxTicks = 500) {
  let st: CanaryStatus = initialCanaryStatus();
  let k = 0;
  const ticks = [];
  for (let i = 0; i < maxTicks; i++) {
    const r = advanceCanary(a, st, {
      revisionPending: i === 0,
      primaryReady: true,
      canaryReady: true,
      deadlineExceeded: false,
      analyse: () => (k < outcomes.length ? outcomes[k++] : (k++, true)),
      ...input,
    });
    st = r.status;
    ticks.push({ phase: st.phase, statusWeight: st.statusWeight, canaryRouteWeight: st.route, failedChecks: st.failedChecks, iterations: st.iterations, event: r.event, action: r.action });
    if (st.phase === 'Succeeded' || st.phase === 'Failed') break;
  }
  return ticks;
}

const analysis = fc.record(
  {
    maxWeight: fc.integer({ min: 0, max: 100 }),
    stepWeight: fc.integer({ min: 0, max: 60 }),
    stepWeights: fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 5 }).map((xs) => [...new Set(xs)].sort((x, y) => x - y)),
    stepWeightPromotion: fc.integer({ min: 0, max: 60 }),
    iterations: fc.integer({ min: 0, max: 5 }),
    match: fc.boolean(),
    threshold: fc.integer({ min: 0, max: 4 }),
    skipAnalysis: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe("Flagger's advanceCanary in the simulation", () => {
  it('reproduces the pure tick model tick for tick when canary and primary are ready', () => {
    fc.assert(
      fc.property(analysis, fc.array(fc.boolean(), { maxLength: 30 }), (a, outcomes) => {
        // A canary that can never gain weight (stepWeight 0 without stepWeights) never ends; both models cap it.
        const expected = simulateRollout(a, outcomes, 200);
        const got = drive(a, outcomes, {}, expected.length);
        expect(got.map(({ action: _a, ...t }) => t)).toEqual(expected.map(({ tick: _t, ...t }) => t));
      }),
      { numRuns: 300 },
    );
  });

  it('the documented example: stepWeight 10, maxWeight 50 → 10, 20, 30, 40, 50, promote', () => {
    const t = drive({ stepWeight: 10, maxWeight: 50, threshold: 2 }, []);
    expect(t.filter((x) => x.event === 'weight step').map((x) => x.canaryRouteWeight)).toEqual([10, 20, 30, 40, 50]);
    expect(t.map((x) => x.action)).toContain('promote');
    expect(t[t.length - 1].phase).toBe('Succeeded');
  });

  it('waits while the canary is not ready, and rolls back past the progress deadline', () => {
    const a: FlaggerAnalysis = { stepWeight: 20, maxWeight: 60, threshold: 1 };
    let st = advanceCanary(a, initialCanaryStatus(), { revisionPending: true, primaryReady: true, canaryReady: false, deadlineExceeded: false, analyse: () => true }).status;
    const wait = advanceCanary(a, st, { revisionPending: false, primaryReady: true, canaryReady: false, deadlineExceeded: false, analyse: () => true });
    expect(wait.event).toMatch(/waiting for canary/);
    expect(wait.status).toEqual(st);
    st = wait.status;
    const rb = advanceCanary(a, st, { revisionPending: false, primaryReady: true, canaryReady: false, deadlineExceeded: true, analyse: () => true });
    expect(rb.action).toBe('rollback');
    expect(rb.status.phase).toBe('Failed');
  });

  it('does nothing while the primary is not ready (e.g. during the promotion roll)', () => {
    const a: FlaggerAnalysis = { stepWeight: 50, maxWeight: 50, threshold: 1 };
    const t = drive(a, []);
    const promoting = t.findIndex((x) => x.phase === 'Promoting');
    expect(promoting).toBeGreaterThan(0);
    let st: CanaryStatus = { phase: 'Promoting', statusWeight: 0, route: 50, failedChecks: 0, iterations: 0 };
    const r = advanceCanary(a, st, { revisionPending: false, primaryReady: false, canaryReady: true, deadlineExceeded: false, analyse: () => true });
    expect(r.action).toBe('none');
    expect(r.status).toEqual(st);
    st = advanceCanary(a, st, { revisionPending: false, primaryReady: true, canaryReady: true, deadlineExceeded: false, analyse: () => true }).status;
    expect(st.phase).toBe('Finalising');
  });

  it('failed checks are cumulative and roll back one tick after the threshold-th failure', () => {
    const t = drive({ stepWeight: 10, maxWeight: 50, threshold: 2 }, [true, false, true, false]);
    const failIdx = t.map((x, i) => (x.event === 'analysis failed' ? i : -1)).filter((i) => i >= 0);
    expect(failIdx.length).toBe(2);
    expect(t[failIdx[1] + 1].action).toBe('rollback');
  });
});
