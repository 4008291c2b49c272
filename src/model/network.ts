import type { NetworkSpec } from '../scenario/types.js';

/**
 * The latency/bandwidth matrix between regions. Links are symmetric; a pair with no link of
 * its own uses the scenario's default, and a region with itself uses the intra-region link.
 */
export class Network {
  readonly regions: readonly string[];
  private readonly index = new Map<string, number>();
  private readonly latencyS: Float64Array;
  private readonly bandwidthBps: Float64Array;

  constructor(spec: NetworkSpec) {
    this.regions = spec.regions;
    spec.regions.forEach((r, i) => this.index.set(r, i));
    const n = spec.regions.length;
    this.latencyS = new Float64Array(n * n);
    this.bandwidthBps = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        const l = a === b ? spec.intraRegion : spec.default;
        this.latencyS[a * n + b] = l.latency;
        this.bandwidthBps[a * n + b] = l.bandwidth;
      }
    }
    for (const l of spec.links) {
      const a = this.regionIndex(l.from);
      const b = this.regionIndex(l.to);
      for (const [x, y] of [[a, b], [b, a]]) {
        this.latencyS[x * n + y] = l.latency;
        this.bandwidthBps[x * n + y] = l.bandwidth;
      }
    }
  }

  regionIndex(region: string): number {
    const i = this.index.get(region);
    if (i === undefined) throw new Error(`network: unknown region ${region}`);
    return i;
  }

  /** One-way latency in seconds between two region indices. */
  latency(from: number, to: number): number {
    return this.latencyS[from * this.regions.length + to];
  }

  /** Bandwidth in bytes per second between two region indices. */
  bandwidth(from: number, to: number): number {
    return this.bandwidthBps[from * this.regions.length + to];
  }

  /**
   * Change the link between two regions (both directions), e.g. a degradation; returns what it was,
   * to restore later. `null` keeps that figure.
   */
  setLink(from: string, to: string, latency: number | null, bandwidth: number | null): { latency: number; bandwidth: number } {
    const a = this.regionIndex(from);
    const b = this.regionIndex(to);
    const n = this.regions.length;
    const was = { latency: this.latencyS[a * n + b], bandwidth: this.bandwidthBps[a * n + b] };
    for (const [x, y] of [[a, b], [b, a]]) {
      if (latency !== null) this.latencyS[x * n + y] = latency;
      if (bandwidth !== null) this.bandwidthBps[x * n + y] = bandwidth;
    }
    return was;
  }

  /** Time to move `bytes` from one region to another: one round trip to set up, then the transfer. */
  transferTime(from: number, to: number, bytes: number): number {
    return 2 * this.latency(from, to) + bytes / this.bandwidth(from, to);
  }
}
