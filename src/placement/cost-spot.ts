import { karmadaScheduler } from './builtin.js';
import { eligible, replicasThatFit } from './eligibility.js';
import { placedWhole, type BindingRequest, type ClusterView, type FleetScheduler, type ScheduleOutcome, type TargetClusterLike } from './registry.js';

/** Default share of a Divided workload's replicas kept on on-demand capacity (the seed material's 80/20). */
export const DEFAULT_ON_DEMAND_FLOOR = 0.2;

/** Price of one replica per hour on a cluster: its requests at the cluster's prices. */
export function replicaPrice(b: BindingRequest, c: ClusterView): number {
  const r = b.replicaRequirements;
  return ((r.cpu ?? 0) / 1000) * c.prices.cpu + ((r.memory ?? 0) / 2 ** 30) * c.prices.memory + (r['nvidia.com/gpu'] ?? 0) * c.prices.gpu;
}

const byPrice = (b: BindingRequest) => (x: ClusterView, y: ClusterView) => replicaPrice(b, x) - replicaPrice(b, y) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);

/**
 * After a spot notice: keep the previous assignment, take the displaced replicas off their cluster
 * and place them on the cheapest clusters with room now (spot within the share), the rest on the
 * cheapest on-demand cluster.
 */
function moveDisplaced(b: BindingRequest, candidates: ClusterView[], floor: number): ScheduleOutcome {
  const n = b.replicas;
  const out = new Map(b.previous.map((t) => [t.name, t.replicas]));
  const { cluster, replicas } = b.displaced!;
  const moving = Math.min(replicas, out.get(cluster) ?? 0);
  out.set(cluster, (out.get(cluster) ?? 0) - moving);
  const spotCap = n - Math.min(n, Math.ceil(floor * n - 1e-9));
  const isSpot = new Map(candidates.map((c) => [c.name, c.spot]));
  let spotNow = [...out].reduce((s, [name, k]) => s + (isSpot.get(name) ? k : 0), 0);
  let left = moving;
  for (const c of [...candidates].sort(byPrice(b))) {
    if (left === 0) break;
    if (c.name === cluster) continue;
    let k = Math.min(left, replicasThatFit(b, c, left));
    if (c.spot) k = Math.min(k, Math.max(0, spotCap - spotNow));
    if (k <= 0) continue;
    out.set(c.name, (out.get(c.name) ?? 0) + k);
    if (c.spot) spotNow += k;
    left -= k;
  }
  if (left > 0) {
    const home = [...candidates].filter((c) => !c.spot).sort(byPrice(b))[0];
    const back = home ? home.name : cluster;
    out.set(back, (out.get(back) ?? 0) + left);
  }
  const result = [...out].filter(([, k]) => k > 0).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([name, replicas]) => ({ name, replicas }));
  return { ok: true, clusters: result };
}

/**
 * `cost-spot`: cheapest capacity first under an on-demand floor. For a Divided workload of N
 * replicas, ceil(floor × N) go to on-demand clusters (cheapest first, as far as they have room now,
 * node by node), and the rest to the cheapest capacity, spot or on-demand; spot never gets more than
 * N − ceil(floor × N). What fits nowhere goes to the cheapest eligible on-demand cluster (it waits
 * there) — never past the spot share. On a spot interruption notice every binding with replicas on
 * that cluster is rescheduled from scratch with the reclaimed (cordoned) nodes gone, so replicas
 * move before the nodes do: only the displaced replicas move (to the cheapest room elsewhere). Duplicated and other non-Divided workloads, and those placed whole: `karmada`, as written.
 * The floor: the scenario's `costSpot.onDemandFloor` (default 0.2).
 */
export const costSpotScheduler: FleetScheduler = {
  name: 'cost-spot',
  description: 'cheapest capacity first under an on-demand floor (default 20 %); moves replicas off spot capacity on an interruption notice',
  liveNodeView: true,
  reschedulesOnInterruption: true,
  schedule(b: BindingRequest, clusters: readonly ClusterView[]): ScheduleOutcome {
    if (b.placement.replicaScheduling?.replicaSchedulingType !== 'Divided' || placedWhole(b)) return karmadaScheduler.schedule(b, clusters);
    const candidates = clusters.filter((c) => eligible(b, c));
    if (candidates.length === 0) return { ok: false, kind: 'FitError', message: `0/${clusters.length} clusters are available: none is Ready, matches the affinity and tolerated` };
    const n = b.replicas;
    const floor = b.options?.onDemandFloor ?? DEFAULT_ON_DEMAND_FLOOR;
    if (b.displaced && b.previous.length > 0) return moveDisplaced(b, candidates, floor);
    const minOnDemand = Math.min(n, Math.ceil(floor * n - 1e-9));
    const onDemand = candidates.filter((c) => !c.spot).sort(byPrice(b));
    const all = [...candidates].sort(byPrice(b));
    const room = new Map(candidates.map((c) => [c.name, replicasThatFit(b, c, n)]));
    const out = new Map<string, number>();
    const take = (c: ClusterView, want: number): number => {
      const k = Math.min(want, room.get(c.name)!);
      if (k > 0) {
        room.set(c.name, room.get(c.name)! - k);
        out.set(c.name, (out.get(c.name) ?? 0) + k);
      }
      return k;
    };
    let left = n;
    let odLeft = minOnDemand;
    for (const c of onDemand) if (odLeft > 0) odLeft -= take(c, odLeft);
    left -= minOnDemand - odLeft;
    let spotLeft = n - minOnDemand;
    for (const c of all) {
      if (left - odLeft <= 0) break;
      const want = c.spot ? Math.min(left - odLeft, spotLeft) : left - odLeft;
      const k = take(c, want);
      if (c.spot) spotLeft -= k;
      left -= k;
    }
    if (left > 0) {
      const home = onDemand[0] ?? all.find((c) => !c.spot);
      if (!home) {
        if (out.size === 0) return { ok: false, kind: 'Unschedulable', message: `no capacity for ${n} replicas and no on-demand cluster to wait on` };
      } else out.set(home.name, (out.get(home.name) ?? 0) + left);
    }
    const result: TargetClusterLike[] = [...out].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([name, replicas]) => ({ name, replicas }));
    return { ok: true, clusters: result };
  },
};
