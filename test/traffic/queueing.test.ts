import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, meanResponse, mmc, responseSurvival, waitSurvival } from '../../src/traffic/erlang.js';
import { runQueueingSelftest, simulateMmc } from '../../src/traffic/mmc-selftest.js';
import { FcfsStation } from '../../src/traffic/station.js';

describe('Erlang formulas', () => {
  it('match hand-computed values', () => {
    // c = 1: P(wait) = ρ; E[W] = ρ / (μ − λ).
    expect(erlangC(1, 0.8)).toBeCloseTo(0.8, 12);
    expect(mmc(0.8, 1, 1).meanWait).toBeCloseTo(4, 12);
    // c = 2, a = 1: B = (1/2) / (1 + 1 + 1/2) = 0.2, C = 0.2 / (1 − 0.5 · 0.8) = 1/3.
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 12);
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(mmc(1, 1, 2).meanWait).toBeCloseTo(1 / 3, 12);
    // Unstable or empty.
    expect(mmc(4, 1, 4).stable).toBe(false);
    expect(mmc(1, 1, 0).stable).toBe(false);
    expect(mmc(0, 1, 3).meanWait).toBe(0);
  });

  it('the response-time distribution integrates to E[W] + 1/μ (θ ≠ μ and θ = μ)', () => {
    for (const [lambda, mu, c] of [
      [3, 1, 4],
      [1, 2, 1],
      [7.5, 1, 8],
      [12, 1, 16],
    ]) {
      const s = mmc(lambda, mu, c);
      let integral = 0;
      const h = 1e-3 / mu;
      for (let t = h / 2; t < 200 / mu; t += h) integral += responseSurvival(s, t) * h;
      expect(integral).toBeCloseTo(meanResponse(s), 3);
      expect(waitSurvival(s, 0)).toBeCloseTo(s.pWait, 12);
    }
  });
});

describe('FcfsStation (request-level M/M/c)', () => {
  it('with one server it is the Lindley recursion', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 5, noNaN: true }), fc.double({ min: 0.01, max: 5, noNaN: true })), { minLength: 1, maxLength: 200 }), (xs) => {
        const st = new FcfsStation(1, 0);
        let t = 0;
        let w = 0;
        let prevS = 0;
        let prevT = 0;
        xs.forEach(([gap, s], i) => {
          t += gap;
          if (i > 0) w = Math.max(0, w + prevS - (t - prevT));
          const start = st.assign(t, s);
          expect(start - t).toBeCloseTo(w, 9);
          prevS = s;
          prevT = t;
        });
      }),
    );
  });

  it('with c servers it serves in arrival order on the earliest free server (brute force check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 2, noNaN: true }), fc.double({ min: 0.01, max: 5, noNaN: true })), { minLength: 1, maxLength: 120 }),
        (c, xs) => {
          const st = new FcfsStation(c, 0);
          const free = new Array<number>(c).fill(0);
          let t = 0;
          for (const [gap, s] of xs) {
            t += gap;
            let k = 0;
            for (let j = 1; j < c; j++) if (free[j] < free[k]) k = j;
            const expected = Math.max(t, free[k]);
            free[k] = expected + s;
            expect(st.assign(t, s)).toBeCloseTo(expected, 9);
          }
        },
      ),
    );
  });

  it('adds servers free now and removes the one that frees first', () => {
    const st = new FcfsStation(2, 0);
    st.assign(0, 10); // server A busy until 10
    st.assign(0, 4); // server B busy until 4
    st.setServers(1, 1); // B (frees first) goes away after its request
    expect(st.assign(1, 1)).toBe(10);
    st.setServers(2, 2);
    expect(st.assign(2, 1)).toBe(2);
    st.setServers(0, 3);
    expect(() => st.assign(3, 1)).toThrow(/no servers/);
  });
});

describe('queueing selftest', () => {
  // The cheap cases only (the CLI runs all nine, ~10-30 s): ρ = 0.5 with 1 and 4 servers.
  const cases = [
    { c: 1, rho: 0.5 },
    { c: 4, rho: 0.5 },
  ];
  it('request-level mean waits are within 2 % of Erlang C at ρ = 0.5', () => {
    const r = runQueueingSelftest({ cases, customers: (k) => (k.c === 1 ? 1_000_000 : 2_000_000) });
    for (const k of r.cases) {
      expect(k.relativeError, `c=${k.c}`).toBeLessThan(0.02);
      expect(k.pass).toBe(true);
      expect(Math.abs(k.simulatedPWait - k.analyticPWait)).toBeLessThan(0.01);
    }
    expect(r.pass).toBe(true);
  });

  it('a wrong analytic value (5 % off) fails the check', () => {
    const r = runQueueingSelftest({ cases, customers: (k) => (k.c === 1 ? 1_000_000 : 2_000_000), analytic: (k) => mmc(k.rho * k.c, 1, k.c).meanWait * 1.05 });
    expect(r.pass).toBe(false);
    expect(r.cases.every((k) => !k.pass)).toBe(true);
  });

  it('is deterministic for a seed and changes with it', () => {
    const a = simulateMmc({ c: 4, rho: 0.8 }, 64_000, 3);
    const b = simulateMmc({ c: 4, rho: 0.8 }, 64_000, 3);
    const c = simulateMmc({ c: 4, rho: 0.8 }, 64_000, 4);
    expect(a).toEqual(b);
    expect(c.mean).not.toBe(a.mean);
  });
});
