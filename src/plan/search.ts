/**
 * The capacity search's core: the cheapest point of a grid of knob values whose candidate passes,
 * assuming the knobs are monotone (raising a knob never turns a passing candidate into a failing
 * one, and never lowers the cost). A pure function of a `judge` callback: no runs, no clock, no
 * I/O, so it is property-tested against brute force without a simulation.
 *
 * A point is one value index per knob (0 = the knob's lowest value). The answer is the point of
 * least cost; among points of equal cost, the one that is lexicographically smallest (first knob
 * first), so the answer is one well-defined point, the same one `gridSearch` finds.
 *
 * 1. Today: today's point (when the caller gives it) is judged first; if it passes, the descent
 *    starts there. Else the top: every knob at its highest value. If that fails, nothing in the
 *    ranges passes.
 * 2. Descent: coordinate descent, each knob in turn bisected down to its lowest passing value with
 *    the others fixed (knobs whose range costs most first), repeated until a pass changes nothing.
 * 3. Proof: a point cheaper than the best is still open while no judged point settles it
 *    (monotonicity: a point below a failing one fails, a point above a passing one passes). While
 *    one is open, the search judges the highest open point (the cheapest of equals). If it passes,
 *    it becomes the best and is descended from. If it fails, it is raised along each knob by
 *    bisection, as far as it keeps failing (where that would settle more open points), so that one
 *    failing point settles a whole box of cheaper ones. With none open the best is proved cheapest
 *    (under monotonicity). Grids above `proofLimit` points skip the proof and say so.
 * 4. Binding: each knob's next lower value (the best point with that knob one step down) is judged,
 *    so that the caller can say which constraint and failure case hold each knob up. A neighbour
 *    that passes contradicts monotonicity: it is recorded, becomes the best, and the search goes on.
 */

export type Point = readonly number[];

export interface SearchSpace {
  /** Number of values of each knob (indexes 0 .. sizes[i] − 1, ascending). */
  readonly sizes: readonly number[];
  /** The objective of a point: non-decreasing in every index. */
  readonly cost: (p: Point) => number;
}

/** Judges points (all at once, so that they can run in parallel): true where the candidate passes. */
export type JudgeFn = (points: readonly Point[], phase: SearchPhase) => Promise<readonly boolean[]>;

export type SearchPhase = 'today' | 'top' | 'descent' | 'proof' | 'binding' | 'grid';

export interface SearchStep {
  readonly point: number[];
  readonly pass: boolean;
  readonly phase: SearchPhase;
}

export interface Contradiction {
  /** The point judged, its verdict, and the judged point whose verdict implied the opposite. */
  readonly point: number[];
  readonly pass: boolean;
  readonly against: number[];
}

export interface SearchOutcome {
  /** The cheapest passing point, or null when none passes (the top fails). */
  readonly best: number[] | null;
  /** Every point judged, in order. */
  readonly steps: readonly SearchStep[];
  /** Judged verdicts that contradict monotonicity. */
  readonly contradictions: readonly Contradiction[];
  /** True when every cheaper point was settled (phase 3 ran to the end). */
  readonly proved: boolean;
  /** The grid's size. */
  readonly gridPoints: number;
}

export interface SearchOptions {
  /** Largest grid (points) for the proof phase (default 200 000). */
  readonly proofLimit?: number;
  /** Today's point: judged first; if it passes, the descent starts there instead of at the top. */
  readonly start?: Point;
}

const key = (p: Point): string => p.join(',');
const leq = (a: Point, b: Point): boolean => a.every((x, i) => x <= b[i]);

/** a before b: cheaper, or as cheap (relative 1e-9) and lexicographically smaller. */
export function better(a: Point, b: Point, cost: (p: Point) => number): boolean {
  const ca = cost(a);
  const cb = cost(b);
  const eps = 1e-9 * Math.max(1, Math.abs(ca), Math.abs(cb));
  if (ca < cb - eps) return true;
  if (ca > cb + eps) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

function gridSize(sizes: readonly number[]): number {
  return sizes.reduce((n, s) => n * s, 1);
}

/** Every point of the grid, the last knob varying fastest. */
export function* gridPoints(sizes: readonly number[]): Generator<number[]> {
  if (sizes.some((s) => s < 1)) return;
  const p = sizes.map(() => 0);
  for (;;) {
    yield [...p];
    let i = sizes.length - 1;
    while (i >= 0 && p[i] === sizes[i] - 1) p[i--] = 0;
    if (i < 0) return;
    p[i]++;
  }
}

/** What is known: the judged points and the monotone inference from them. */
class Knowledge {
  readonly judged = new Map<string, boolean>();
  readonly passing: Point[] = [];
  readonly failing: Point[] = [];
  readonly steps: SearchStep[] = [];
  readonly contradictions: Contradiction[] = [];

  /** The verdict of a point: judged, else inferred (below a failing point: fails; above a passing one: passes), else undefined. */
  status(p: Point): boolean | undefined {
    const j = this.judged.get(key(p));
    if (j !== undefined) return j;
    if (this.failing.some((q) => leq(p, q))) return false;
    if (this.passing.some((q) => leq(q, p))) return true;
    return undefined;
  }

  record(p: Point, pass: boolean, phase: SearchPhase): void {
    const against = pass ? this.failing.find((q) => leq(p, q)) : this.passing.find((q) => leq(q, p));
    if (against) this.contradictions.push({ point: [...p], pass, against: [...against] });
    this.judged.set(key(p), pass);
    (pass ? this.passing : this.failing).push(p);
    this.steps.push({ point: [...p], pass, phase });
  }
}

/** Find the cheapest passing point (see the module comment). */
export async function searchCheapest(space: SearchSpace, judge: JudgeFn, opts: SearchOptions = {}): Promise<SearchOutcome> {
  const { sizes, cost } = space;
  const d = sizes.length;
  const k = new Knowledge();
  const total = gridSize(sizes);
  const judgeMany = async (points: Point[], phase: SearchPhase): Promise<boolean[]> => {
    const fresh = points.filter((p, i) => k.judged.get(key(p)) === undefined && points.findIndex((q) => key(q) === key(p)) === i);
    if (fresh.length) {
      const verdicts = await judge(fresh, phase);
      fresh.forEach((p, i) => k.record(p, verdicts[i], phase));
    }
    return points.map((p) => k.judged.get(key(p))!);
  };
  const done = (best: number[] | null, proved: boolean): SearchOutcome => ({ best, steps: k.steps, contradictions: k.contradictions, proved, gridPoints: total });

  if (total === 0) return done(null, true);
  const top = sizes.map((s) => s - 1);
  // Today's fleet, when it is on the grid and passes, is a nearer place to descend from than the top.
  const today = opts.start && opts.start.length === d && opts.start.every((v, i) => Number.isInteger(v) && v >= 0 && v < sizes[i]) ? [...opts.start] : null;
  const from = today && (await judgeMany([today], 'today'))[0] ? today : top;
  if (from === top && !(await judgeMany([top], 'top'))[0]) return done(null, true);

  // Knobs whose whole range costs most are descended first: lowering them saves most.
  const order = [...Array(d).keys()].sort((a, b) => {
    const range = (i: number) => cost(top) - cost(top.map((v, j) => (j === i ? 0 : v)));
    return range(b) - range(a) || a - b;
  });

  /**
   * Bisect knob i of `at` between `lo` (fails; −1: below the range) and `hi` (passes; sizes[i]:
   * above it), using what is known before judging: the two values where it turns, [lo, hi].
   */
  const bisect = async (at: Point, i: number, lo: number, hi: number, phase: SearchPhase): Promise<[number, number]> => {
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const p = at.map((v, j) => (j === i ? mid : v));
      if (k.status(p) ?? (await judgeMany([p], phase))[0]) hi = mid;
      else lo = mid;
    }
    return [lo, hi];
  };

  /** Coordinate descent from a passing point: bisect each knob down, until a pass changes nothing. */
  const descend = async (start: number[]): Promise<number[]> => {
    const best = [...start];
    for (let changed = true; changed; ) {
      changed = false;
      for (const i of order) {
        const [, hi] = await bisect(best, i, -1, best[i], 'descent');
        if (hi !== best[i]) {
          best[i] = hi;
          changed = true;
        }
      }
    }
    return best;
  };

  const height = (p: Point): number => heightIn(sizes, p);
  let best = await descend(from);
  let proved = total <= (opts.proofLimit ?? 200_000);
  for (;;) {
    if (proved) best = await prove(best);
    // Binding: each knob one step down from the best must fail.
    const neighbours = order.filter((i) => best[i] > 0).map((i) => best.map((v, j) => (j === i ? v - 1 : v)));
    const verdicts = await judgeMany(neighbours, 'binding');
    const passing = neighbours.filter((_, i) => verdicts[i]).sort((a, b) => (better(a, b, cost) ? -1 : better(b, a, cost) ? 1 : 0));
    if (passing.length === 0) break;
    best = await descend(passing[0]);
  }
  return done(best, proved);

  /** Phase 3: settle every point cheaper than the best (see the module comment). */
  async function prove(start: number[]): Promise<number[]> {
    let best = start;
    let open: Point[] = [];
    for (const p of gridPoints(sizes)) if (better(p, best, cost) && k.status(p) === undefined) open.push(p);
    const settle = (seen: number): void => {
      // Only what was judged since `seen` can settle more open points.
      const news = k.steps.slice(seen);
      open = open.filter((p) => better(p, best, cost) && !news.some((s) => (s.pass ? leq(s.point, p) : leq(p, s.point))));
    };
    while (open.length) {
      // The highest open point (no open point above it), the cheapest of equals.
      let pick = open[0];
      for (const p of open) {
        const dh = height(p) - height(pick);
        if (dh > 1e-12 || (Math.abs(dh) <= 1e-12 && better(p, pick, cost))) pick = p;
      }
      let seen = k.steps.length;
      if ((await judgeMany([pick], 'proof'))[0]) {
        best = await descend([...pick]);
        settle(seen);
        continue;
      }
      settle(seen);
      // It fails: raise it along each knob, by bisection, as far as it keeps failing, while the
      // raised point would settle open points the current one does not.
      const q = [...pick];
      for (const i of order) {
        if (!open.some((p) => p[i] > q[i] && p.every((x, j) => j === i || x <= q[j]))) continue;
        seen = k.steps.length;
        [q[i]] = await bisect(q, i, q[i], sizes[i], 'proof');
        settle(seen);
      }
    }
    return best;
  }
}

/** How high a point sits in the grid: the sum of its indexes, each as a share of its knob's range. */
function heightIn(sizes: readonly number[], p: Point): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) if (sizes[i] > 1) h += p[i] / (sizes[i] - 1);
  return h;
}

/** Judge every point of the grid (one batch) and return the cheapest passing one: the brute force the search is checked against. */
export async function gridSearch(space: SearchSpace, judge: JudgeFn): Promise<SearchOutcome> {
  const points = [...gridPoints(space.sizes)];
  const verdicts = points.length ? await judge(points, 'grid') : [];
  const k = new Knowledge();
  points.forEach((p, i) => k.record(p, verdicts[i], 'grid'));
  // Monotonicity over the whole grid: a passing point below a failing one.
  const contradictions: Contradiction[] = [];
  for (const p of k.passing) {
    const q = k.failing.find((f) => leq(p, f));
    if (q) contradictions.push({ point: [...p], pass: true, against: [...q] });
  }
  let best: number[] | null = null;
  for (const p of k.passing) if (best === null || better(p, best, space.cost)) best = [...p];
  return { best, steps: k.steps, contradictions, proved: true, gridPoints: points.length };
}
