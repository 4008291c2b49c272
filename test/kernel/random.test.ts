import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { createStream, MT19937, streamKey } from '../../src/kernel/index.js';

/**
 * Reference values printed by CPython 3 on this machine:
 *   r = random.Random(seed); v = [r.random() for _ in range(2000)]; v[0], v[1], v[623], v[624], v[1999]
 * (index 624 is the first value after the first state twist's block is used up).
 */
const CPYTHON: [bigint, number[]][] = [
  [0n, [0.8444218515250481, 0.7579544029403025, 0.5198341022016146, 0.5739818030823766, 0.35278860284662805]],
  [1n, [0.13436424411240122, 0.8474337369372327, 0.7513763114866316, 0.2404936039137613, 0.4499663746974547]],
  [42n, [0.6394267984578837, 0.025010755222666936, 0.11955474125505283, 0.5358639653837498, 0.30176443514420326]],
  [2n ** 32n + 5n, [0.15727238718789782, 0.2824866316461999, 0.600056227061552, 0.6312655931526923, 0.32395968596091285]],
  [12345678901234567890n, [0.5120180983871961, 0.9318805526703359, 0.16153719904489516, 0.7218820213568197, 0.7826459447513442]],
];

describe('MT19937 (CPython random.Random compatible)', () => {
  for (const [seed, expected] of CPYTHON) {
    it(`matches CPython for seed ${seed}`, () => {
      const r = new MT19937(seed);
      const v = Array.from({ length: 2000 }, () => r.random());
      expect([v[0], v[1], v[623], v[624], v[1999]]).toEqual(expected);
    });
  }

  it('accepts number seeds like bigint ones', () => {
    const a = new MT19937(2 ** 32 + 5);
    const b = new MT19937(2n ** 32n + 5n);
    for (let i = 0; i < 10; i++) expect(a.random()).toBe(b.random());
  });

  it('32-bit outputs match CPython getrandbits(32) for seed 7', () => {
    // random.Random(7); [r.getrandbits(32) for _ in range(5)]
    const r = new MT19937(7);
    expect(Array.from({ length: 5 }, () => r.nextUint32())).toEqual([1390851128, 4071050724, 647892279, 1695753998, 2795742288]);
  });

  it('rejects negative and non-integer seeds', () => {
    expect(() => new MT19937(-1)).toThrow(RangeError);
    expect(() => new MT19937(1.5)).toThrow(RangeError);
    expect(() => new MT19937(-1n)).toThrow(RangeError);
  });
});

describe('createStream', () => {
  const take = (seed: number | string, name: string, n = 20) => {
    const s = createStream(seed, name);
    return Array.from({ length: n }, () => s.random());
  };

  it('is reproducible for the same (seed, name) and in [0, 1)', () => {
    const a = take(1, 'arrivals', 1000);
    expect(take(1, 'arrivals', 1000)).toEqual(a);
    for (const x of a) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    expect(createStream(1, 'arrivals').name).toBe('arrivals');
  });

  it('differs between seeds and between names', () => {
    expect(take(1, 'a')).not.toEqual(take(2, 'a'));
    expect(take(1, 'a')).not.toEqual(take(1, 'b'));
  });

  it('is independent of other streams (creating and drawing "b" does not shift "a")', () => {
    const alone = take(5, 'a');
    const a = createStream(5, 'a');
    const b = createStream(5, 'b');
    const mixed: number[] = [];
    for (let i = 0; i < 20; i++) {
      b.random();
      mixed.push(a.random());
      b.random();
    }
    expect(mixed).toEqual(alone);
  });

  it('uses an unambiguous key: (1, "2x") and (12, "x") differ', () => {
    expect(streamKey(1, '2x')).not.toBe(streamKey(12, 'x'));
    expect(take(1, '2x')).not.toEqual(take(12, 'x'));
    expect(take(1, 'x')).toEqual(take('1', 'x'));
  });
});

describe('Arc4Stream (createStream) = seedrandom', () => {
  it('gives the numbers seedrandom gives for the same key, for any seed and name', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string()), fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ minLength: 250, maxLength: 600 })), fc.integer({ min: 1, max: 40 }), (seed, name, draws) => {
        const ours = createStream(seed, name);
        const theirs = seedrandom(streamKey(seed, name));
        for (let i = 0; i < draws; i++) expect(ours.random()).toBe(theirs());
      }),
      { numRuns: 300 },
    );
  });

  it('long sequences match too (the byte state wraps many times)', () => {
    const ours = createStream(42, 'job-duration/default/train-p0-g1-x1-17/c000');
    const theirs = seedrandom(streamKey(42, 'job-duration/default/train-p0-g1-x1-17/c000'));
    for (let i = 0; i < 20000; i++) expect(ours.random()).toBe(theirs());
  });
});
