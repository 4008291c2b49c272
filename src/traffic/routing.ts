/**
 * Where one try of a request goes: a pure function of the user region, the network and the
 * ready endpoints. Each try is routed afresh (Envoy picks a host per attempt; its default
 * `previous_hosts` retry predicate steers a retry away from the host just tried, which fleetsim
 * approximates by an independent pick).
 *
 * Two levels:
 * 1. the cluster. `locality` (Istio locality load balancing with failover by proximity): the
 *    clusters, among those with at least one ready endpoint, whose region is nearest to the user
 *    region (lowest one-way latency; equal latencies form one tier), split in proportion to their
 *    ready endpoints; with no ready endpoint anywhere the local gateway answers 503 at once.
 *    `weighted` (VirtualService route weights over clusters): each listed cluster gets its weight's
 *    share whatever its state; a cluster with no ready endpoint answers 503 ("no healthy
 *    upstream") after the round trip to it.
 *    `endpoints` (a Karmada MultiClusterService exposing the service CrossCluster: the member
 *    clusters' EndpointSlices are merged and kube-proxy picks one endpoint at random): every
 *    cluster with ready endpoints, in proportion to them, wherever it is; with none anywhere, 503.
 * 2. inside the cluster, the Canary's route: the canary gets `canaryShare` of the cluster's
 *    requests and the primary the rest (Flagger's VirtualService weights); the primary's share is
 *    split over its versions in proportion to their ready pods (during a promotion's rolling
 *    update). A destination without ready pods answers 503.
 */

export interface PoolEndpoints {
  /** Index of the station (cluster × pool) serving this pool. */
  station: number;
  /** Ready pods. */
  ready: number;
}

export interface ClusterEndpoints {
  cluster: number;
  /** Index of the cluster's region in the network. */
  region: number;
  /** The primary's pods, by version. */
  primary: PoolEndpoints[];
  /** The canary's pods, or null when no canary runs here. */
  canary: PoolEndpoints | null;
  /** Share of this cluster's requests routed to the canary (0..1). */
  canaryShare: number;
}

export interface TryRoute {
  /** Station index, or -1 for an immediate 503 (no ready endpoint). */
  station: number;
  p: number;
  /** Round trip between the user region and the cluster (seconds). */
  rtt: number;
}

export interface RoutingPolicy {
  mode: 'locality' | 'weighted' | 'endpoints';
  /** weighted: weight per cluster index (clusters not listed: 0). */
  weights: Map<number, number>;
}

export type Latency = (fromRegion: number, toRegion: number) => number;

function readyOf(c: ClusterEndpoints): number {
  let n = c.canary ? c.canary.ready : 0;
  for (const p of c.primary) n += p.ready;
  return n;
}

/** Split a cluster's share `p` over its pools (level 2), appending to `out`. */
function splitInCluster(c: ClusterEndpoints, p: number, rtt: number, out: TryRoute[]): void {
  const f = c.canary ? Math.min(1, Math.max(0, c.canaryShare)) : 0;
  if (f > 0) {
    if (c.canary!.ready > 0) out.push({ station: c.canary!.station, p: p * f, rtt });
    else out.push({ station: -1, p: p * f, rtt });
  }
  const rest = p * (1 - f);
  if (rest <= 0) return;
  let primaryReady = 0;
  for (const q of c.primary) primaryReady += q.ready;
  if (primaryReady === 0) {
    out.push({ station: -1, p: rest, rtt });
    return;
  }
  for (const q of c.primary) if (q.ready > 0) out.push({ station: q.station, p: (rest * q.ready) / primaryReady, rtt });
}

/**
 * The destinations of one try from `userRegion`, with probabilities summing to 1. Order: by
 * cluster index, then canary before primary versions (deterministic).
 */
export function routeTry(userRegion: number, clusters: readonly ClusterEndpoints[], policy: RoutingPolicy, latency: Latency): TryRoute[] {
  const out: TryRoute[] = [];
  if (policy.mode === 'weighted') {
    let total = 0;
    for (const c of clusters) total += policy.weights.get(c.cluster) ?? 0;
    if (total <= 0) return [{ station: -1, p: 1, rtt: 0 }];
    for (const c of clusters) {
      const w = policy.weights.get(c.cluster) ?? 0;
      if (w <= 0) continue;
      const rtt = 2 * latency(userRegion, c.region);
      if (readyOf(c) === 0) out.push({ station: -1, p: w / total, rtt });
      else splitInCluster(c, w / total, rtt, out);
    }
    return out;
  }
  if (policy.mode === 'endpoints') {
    let total = 0;
    for (const c of clusters) total += readyOf(c);
    if (total === 0) return [{ station: -1, p: 1, rtt: 0 }];
    for (const c of clusters) {
      const r = readyOf(c);
      if (r > 0) splitInCluster(c, r / total, 2 * latency(userRegion, c.region), out);
    }
    return out;
  }
  // Locality: the nearest tier of clusters with ready endpoints.
  let best = Infinity;
  for (const c of clusters) {
    if (readyOf(c) === 0) continue;
    const l = latency(userRegion, c.region);
    if (l < best) best = l;
  }
  if (best === Infinity) return [{ station: -1, p: 1, rtt: 0 }];
  let tierReady = 0;
  for (const c of clusters) if (readyOf(c) > 0 && latency(userRegion, c.region) === best) tierReady += readyOf(c);
  for (const c of clusters) {
    const r = readyOf(c);
    if (r === 0 || latency(userRegion, c.region) !== best) continue;
    splitInCluster(c, r / tierReady, 2 * best, out);
  }
  return out;
}
