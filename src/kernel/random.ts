import seedrandom from 'seedrandom';

/** A source of uniform floats in [0, 1). Every random draw in fleetsim goes through one. */
export interface RandomStream {
  random(): number;
  readonly name: string;
}

/**
 * The key a stream is seeded with: `${seed}\u0000${name}`. The NUL separator cannot appear in a
 * number's text, so distinct (seed, name) pairs always give distinct keys (seed 1 + name "2x"
 * and seed 12 + name "x" do not collide).
 */
export function streamKey(seed: number | string, name: string): string {
  return `${seed}\u0000${name}`;
}

class SeedrandomStream implements RandomStream {
  readonly name: string;
  private readonly prng: seedrandom.PRNG;
  constructor(seed: number | string, name: string) {
    this.name = name;
    this.prng = seedrandom(streamKey(seed, name));
  }
  random(): number {
    return this.prng();
  }
}

/**
 * A random stream derived from (seed, name) only:
 *
 *     seedrandom(`${seed}\u0000${name}`)   // seedrandom's default ARC4 generator, 53-bit doubles
 *
 * so creating, using or removing any other stream never changes this one's sequence. Numbers are
 * formatted with JavaScript's `String(n)` (so seed 1 and seed "1" give the same stream).
 */
export function createStream(seed: number | string, name: string): RandomStream {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new RangeError(`random seed must be a finite number or a string, got ${seed}`);
  }
  return new SeedrandomStream(seed, name);
}
