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

/** seedrandom's constants: doubles from 6 ARC4 bytes (2^48), topped up to 52 significant bits. */
const START_DENOM = 2 ** 48;
const SIGNIFICANCE = 2 ** 52;
const OVERFLOW = 2 ** 53;

/**
 * seedrandom's default generator, bit for bit: ARC4 keyed with seedrandom's `mixkey` of the seed
 * string, the first 256 bytes dropped, doubles built exactly as its `prng()` builds them (the same
 * integer-valued float operations in the same order). Its state is one 256-byte array instead of
 * seedrandom's array of 256 numbers and closures (a run makes one stream per Job and cluster: half
 * a million at Karmada's scale), and it skips seedrandom's mixing of each new state into its global
 * entropy pool, which only unseeded generators read. `test/kernel/random.test.ts` checks it against
 * seedrandom itself.
 */
export class Arc4Stream implements RandomStream {
  readonly name: string;
  private readonly s = new Uint8Array(256);
  private i = 0;
  private j = 0;

  constructor(seed: number | string, name: string) {
    this.name = name;
    this.key(streamKey(seed, name));
  }

  private key(text: string): void {
    // mixkey(seed, []): key[j & 255] = 255 & ((smear ^= key[j & 255] * 19) + charCode(j)).
    const key = keyScratch;
    const n = text.length < 256 ? text.length : 256;
    key.fill(0, 0, n);
    let smear = 0;
    for (let j = 0; j < text.length; j++) {
      const k = j & 255;
      smear ^= key[k] * 19;
      key[k] = 255 & (smear + text.charCodeAt(j));
    }
    const keylen = n === 0 ? 1 : n;
    if (n === 0) key[0] = 0;
    const s = this.s;
    for (let i = 0; i < 256; i++) s[i] = i;
    let j = 0;
    for (let i = 0, k = 0; i < 256; i++, k = k + 1 === keylen ? 0 : k + 1) {
      const t = s[i];
      j = 255 & (j + key[k] + t);
      s[i] = s[j];
      s[j] = t;
    }
    // The key schedule's j is not carried over: the generator starts at i = j = 0.
    this.i = 0;
    this.j = 0;
    this.drop(256);
  }

  /** Advance `count` bytes, discarding them. */
  private drop(count: number): void {
    const s = this.s;
    let i = this.i;
    let j = this.j;
    while (count-- > 0) {
      i = (i + 1) & 255;
      const t = s[i];
      j = (j + t) & 255;
      s[i] = s[j];
      s[j] = t;
    }
    this.i = i;
    this.j = j;
  }

  /** The next `count` bytes as a big-endian number (count <= 6: exact in a double), as ARC4.g. */
  private g(count: number): number {
    const s = this.s;
    let i = this.i;
    let j = this.j;
    let r = 0;
    while (count-- > 0) {
      i = (i + 1) & 255;
      const t = s[i];
      j = (j + t) & 255;
      const u = s[j];
      s[i] = u;
      s[j] = t;
      r = r * 256 + s[(u + t) & 255];
    }
    this.i = i;
    this.j = j;
    return r;
  }

  random(): number {
    let n = this.g(6);
    let d = START_DENOM;
    let x = 0;
    while (n < SIGNIFICANCE) {
      n = (n + x) * 256;
      d *= 256;
      x = this.g(1);
    }
    while (n >= OVERFLOW) {
      n /= 2;
      d /= 2;
      x >>>= 1;
    }
    return (n + x) / d;
  }
}

/** mixkey's key bytes for the stream being made (streams are made one at a time). */
const keyScratch = new Int32Array(256);

/**
 * A random stream derived from (seed, name) only:
 *
 *     seedrandom(`${seed}\u0000${name}`)   // seedrandom's default ARC4 generator, 53-bit doubles
 *
 * (computed by Arc4Stream, the same numbers)
 * so creating, using or removing any other stream never changes this one's sequence. Numbers are
 * formatted with JavaScript's `String(n)` (so seed 1 and seed "1" give the same stream).
 */
export function createStream(seed: number | string, name: string): RandomStream {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new RangeError(`random seed must be a finite number or a string, got ${seed}`);
  }
  return new Arc4Stream(seed, name);
}
