import { createStream, type RandomStream } from '../kernel/index.js';

/**
 * xoshiro128** (Blackman & Vigna), 53-bit doubles from two 32-bit outputs: a fast generator for
 * loops that draw hundreds of millions of numbers (the queueing selftest). It is seeded from the
 * kernel's named stream for (seed, name), so it keeps the rule that every random stream derives
 * from (scenario seed, stream name) alone. About 4x faster than seedrandom's ARC4 here.
 */
export class FastStream implements RandomStream {
  readonly name: string;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string, name: string) {
    this.name = name;
    const s = createStream(seed, name);
    const word = (): number => Math.floor(s.random() * 4294967296) | 0;
    this.a = word();
    this.b = word();
    this.c = word();
    this.d = word();
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1; // the all-zero state is a fixed point
  }

  private next32(): number {
    const m = Math.imul(this.b, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9);
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = (this.d << 11) | (this.d >>> 21);
    return r >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  random(): number {
    return ((this.next32() >>> 5) * 67108864 + (this.next32() >>> 6)) / 9007199254740992;
  }
}
