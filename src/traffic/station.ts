/**
 * A first-come-first-served multi-server station, request by request (the request-level mode's
 * model of one version of a service in one cluster: c = its Ready replicas).
 *
 * Method (Kiefer–Wolfowitz): keep each server's "free at" time in a binary min-heap. Requests
 * are offered in arrival order; each takes the server that frees first, starting at
 * max(arrival, freeAt). In arrival order this is exactly FCFS with c servers, and the start time
 * is known at once, so no departure events are needed: `assign` returns the start time and the
 * caller adds the service time it drew (which the station then books on that server).
 *
 * Changing c (replicas becoming Ready or going away): a new server is free at `now`; a removed
 * server is the one that frees first, and the work already booked on it still completes (a
 * terminating replica drains the requests it accepted). Requests that queued before a scale-up
 * keep the server they were booked on; only later arrivals see the new server.
 */
export class FcfsStation {
  private heap: Float64Array;
  private n = 0;
  /** Busy time booked (sum of service times), for utilisation. */
  busyTime = 0;
  assigned = 0;

  constructor(servers = 0, now = 0) {
    this.heap = new Float64Array(Math.max(4, servers));
    this.setServers(servers, now);
  }

  get servers(): number {
    return this.n;
  }

  /** The earliest time a server is free (Infinity without servers). */
  get nextFree(): number {
    return this.n > 0 ? this.heap[0] : Infinity;
  }

  /** Set the number of servers to `c` at time `now`. */
  setServers(c: number, now: number): void {
    if (!Number.isInteger(c) || c < 0) throw new RangeError(`FcfsStation: servers must be an integer >= 0, got ${c}`);
    while (this.n > c) this.popMin();
    while (this.n < c) this.push(now);
  }

  /**
   * Book a request arriving at `t` (non-decreasing over calls) with service time `service` on the
   * server that frees first; returns its start time (>= t). Needs at least one server.
   */
  assign(t: number, service: number): number {
    if (this.n === 0) throw new Error('FcfsStation.assign: no servers');
    const h = this.heap;
    const start = h[0] > t ? h[0] : t;
    this.replaceMin(start + service);
    this.busyTime += service;
    this.assigned++;
    return start;
  }

  private push(x: number): void {
    if (this.n === this.heap.length) {
      const g = new Float64Array(this.heap.length * 2);
      g.set(this.heap);
      this.heap = g;
    }
    const h = this.heap;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p] <= x) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = x;
  }

  private popMin(): void {
    const last = this.heap[--this.n];
    if (this.n > 0) this.replaceMin(last);
  }

  /** Replace the root by x and sift down. */
  private replaceMin(x: number): void {
    const h = this.heap;
    const n = this.n;
    let i = 0;
    for (;;) {
      let k = 2 * i + 1;
      if (k >= n) break;
      if (k + 1 < n && h[k + 1] < h[k]) k++;
      if (h[k] >= x) break;
      h[i] = h[k];
      i = k;
    }
    h[i] = x;
  }
}
