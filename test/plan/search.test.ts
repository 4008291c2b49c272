import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { better, gridSearch, searchCheapest, type Point, type SearchSpace } from '../../src/plan/search.js';

/** A monotone pass/fail over a grid: a point passes when it is at or above one of the generators. */
const arbProblem = fc
  .integer({ min: 1, max: 3 })
  .chain((d) =>
    fc.record({
      sizes: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: d, maxLength: d }),
      // Per knob, the cost of each step up (0 allowed: a free knob).
      steps: fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 7, maxLength: 7 }), { minLength: d, maxLength: d }),
      generators: fc.array(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: d, maxLength: d }), { minLength: 0, maxLength: 4 }),
    }),
  );

function spaceOf(p: { sizes: number[]; steps: number[][] }): SearchSpace {
  return { sizes: p.sizes, cost: (x: Point) => x.reduce((s, v, i) => s + p.steps[i].slice(0, v).reduce((a, b) => a + b, 0), 0) };
}

function oracle(pass: (p: Point) => boolean) {
  const judged: string[] = [];
  return {
    judged,
    judge: async (points: readonly Point[]) => {
      for (const p of points) judged.push(p.join(','));
      return points.map(pass);
    },
  };
}

describe('capacity search core', () => {
  it('finds the cheapest passing point (ties: lexicographically smallest), as brute force does, judging each point at most once', async () => {
    await fc.assert(
      fc.asyncProperty(arbProblem, async (prob) => {
        const space = spaceOf(prob);
        const pass = (p: Point) => prob.generators.some((g) => g.every((v, i) => p[i] >= v));
        const s = oracle(pass);
        const g = oracle(pass);
        const found = await searchCheapest(space, s.judge);
        const brute = await gridSearch(space, g.judge);
        expect(found.best).toEqual(brute.best);
        // Starting from any point of the grid (today's fleet) gives the same answer.
        const start = prob.sizes.map((n, i) => prob.generators[0]?.[i] ?? 0).map((v, i) => Math.min(v, prob.sizes[i] - 1));
        expect((await searchCheapest(space, oracle(pass).judge, { start })).best).toEqual(brute.best);
        expect(found.proved).toBe(true);
        expect(found.contradictions).toEqual([]);
        expect(new Set(s.judged).size).toBe(s.judged.length);
        expect(s.judged.length).toBeLessThanOrEqual(g.judged.length);
      }),
      { numRuns: 400, seed: 21 },
    );
  });

  it('judges far fewer points than the grid on a large two-knob fleet (N+1: each cluster must carry the load alone)', async () => {
    // Two serving clusters, 4..32 nodes each; either must carry 20 nodes' worth when the other fails.
    const sizes = [29, 29];
    const space: SearchSpace = { sizes, cost: (p) => 3 * p[0] + 2 * p[1] };
    const s = oracle((p) => p[0] + 4 >= 20 && p[1] + 4 >= 20);
    const found = await searchCheapest(space, s.judge);
    expect(found.best).toEqual([16, 16]);
    expect(s.judged.length).toBeLessThan(20);
    const g = oracle((p) => p[0] + 4 >= 20 && p[1] + 4 >= 20);
    expect((await gridSearch(space, g.judge)).best).toEqual([16, 16]);
    expect(g.judged.length).toBe(29 * 29);
  });

  it('reports no answer when even the top fails, after one judgement', async () => {
    const s = oracle(() => false);
    const r = await searchCheapest({ sizes: [5, 5], cost: (p) => p[0] + p[1] }, s.judge);
    expect(r.best).toBeNull();
    expect(s.judged).toEqual(['4,4']);
  });

  it('records contradictions of monotonicity and still ends on a judged passing point', async () => {
    await fc.assert(
      fc.asyncProperty(arbProblem, fc.array(fc.boolean(), { minLength: 343, maxLength: 343 }), async (prob, noise) => {
        const space = spaceOf(prob);
        // Any pass/fail at all, monotone or not (the top always passes, so there is an answer).
        const pass = (p: Point) => p.every((v, i) => v === prob.sizes[i] - 1) || noise[p.reduce((a, v) => a * 7 + v, 0)];
        const s = oracle(pass);
        const r = await searchCheapest(space, s.judge);
        expect(r.best).not.toBeNull();
        expect(pass(r.best!)).toBe(true);
        for (const c of r.contradictions) expect(pass(c.point)).toBe(c.pass);
        // Every knob's next lower value was judged and fails.
        r.best!.forEach((v, i) => {
          if (v > 0) expect(pass(r.best!.map((x, j) => (j === i ? x - 1 : x)))).toBe(false);
        });
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('orders ties lexicographically', () => {
    const cost = (p: Point) => p[0] + p[1];
    expect(better([1, 2], [2, 1], cost)).toBe(true);
    expect(better([2, 1], [1, 2], cost)).toBe(false);
    expect(better([0, 4], [2, 1], cost)).toBe(false);
  });
});
