import type { EventHandler, Simulation } from '../kernel/index.js';
import type { LogHistogram } from '../traffic/histogram.js';
import type { ClusterEndpoints, PoolEndpoints } from '../traffic/routing.js';
import { ServiceModel, type ServiceTrafficResult, type StationDef } from '../traffic/service-model.js';
import type { ServiceSpec, TrafficScenario, VersionTraits } from '../traffic/spec.js';
import type { MemberCluster } from './member-cluster.js';
import { PodPhase } from './pods.js';
import { Prio, type RunState } from './state.js';

/** Event kind of the traffic actor's step (each actor receives only its own events; 70+ is kept apart from the shared `Kind` numbers). */
const TRAFFIC_STEP = 70;

interface ServiceRuntime {
  model: ServiceModel;
  spec: ServiceSpec;
  /** The Deployment the service fronts (its pods are the primary). */
  workload: number;
  /** Station index by `${cluster}/${workload}/${version}`. */
  stationIndex: Map<string, number>;
}

/** A Canary in one cluster, as the rollout controller tells the traffic model. */
interface CanaryRoute {
  canaryWorkload: number;
  version: number;
  /** Share of the cluster's requests routed to the canary (0..1). */
  share: number;
}

/**
 * The traffic actor: it owns one ServiceModel per service, polls the ready pods of each
 * service's Deployment (and of its canaries) per cluster every `traffic.step` seconds and
 * whenever a rollout or autoscaler changes something, and advances the models in between.
 *
 * Versions: version 0 is the service's own behaviour; a rollout brings a new version (its image
 * and traits). A primary pod serves the version promoted in its cluster when it was created
 * (pods created before a promotion keep the old one until the rolling update replaces them);
 * a canary pod serves its rollout's version. Each (cluster, workload, version) with ready pods
 * is one station: c = its ready pods, μ and the 5xx rate from the version.
 *
 * Not yet hooked to pod events (member-cluster.ts has no readiness listener): a change of ready
 * pods is seen at the next step; rollout and autoscaler actions are seen at once.
 */
export class TrafficModel implements EventHandler {
  private readonly state: RunState;
  private readonly members: MemberCluster[];
  private readonly services: ServiceRuntime[] = [];
  private readonly step: number;
  /** Version traits: index = version id. */
  private readonly versions: VersionTraits[][] = [];
  /** Promotions per `${workload}/${cluster}`: (time, version) in time order. */
  private readonly promotions = new Map<string, { at: number; version: number }[]>();
  private readonly canaries = new Map<string, CanaryRoute>();
  private readonly analysedVersions = new Set<string>();

  constructor(state: RunState, members: MemberCluster[], blocks: TrafficScenario, lookback: number) {
    this.state = state;
    this.members = members;
    this.step = blocks.traffic.step;
    const world = state.world;
    const net = world.network;
    for (const spec of blocks.services) {
      const w = state.workloads.find((x) => x.spec.kind === 'Deployment' && x.spec.namespace === spec.namespace && x.spec.name === spec.workload);
      if (!w) throw new Error(`service ${spec.name}: no Deployment ${spec.namespace}/${spec.workload}`);
      const weights = new Map<number, number>();
      for (const x of spec.routing.weights) weights.set(world.clusterByName.get(x.cluster)!.index, x.weight);
      const model = new ServiceModel(spec, {
        mode: blocks.traffic.mode,
        step: this.step,
        seed: state.sim.seed as number,
        end: state.scenario.duration,
        users: spec.users.map((u) => ({ region: net.regionIndex(u.region), rate: u.rate })),
        latency: (a, b) => net.latency(a, b),
        routing: { mode: spec.routing.mode, weights },
        lookback,
      });
      this.services.push({ model, spec, workload: w.index, stationIndex: new Map() });
      this.versions.push([spec.traits]);
    }
  }

  /** The services fronting a workload. */
  servicesOf(workload: number): number[] {
    const out: number[] = [];
    this.services.forEach((s, i) => {
      if (s.workload === workload) out.push(i);
    });
    return out;
  }

  start(): void {
    this.refresh();
    this.state.sim.schedule(Math.min(this.step, this.state.scenario.duration), this, TRAFFIC_STEP, null, Prio.Sample - 1);
  }

  handleEvent(kind: number, _data: unknown, sim: Simulation): void {
    if (kind !== TRAFFIC_STEP) throw new Error(`traffic model: unknown event kind ${kind}`);
    this.advance(sim.now);
    this.refresh();
    const next = sim.now + this.step;
    if (next <= this.state.scenario.duration + 1e-9) sim.schedule(Math.min(next, this.state.scenario.duration), this, TRAFFIC_STEP, null, Prio.Sample - 1);
  }

  /** Bring every service up to `t` with the topology current until now. */
  advance(t: number): void {
    for (const s of this.services) s.model.advanceTo(t);
  }

  /** Register a rollout's version for the services of `workload`; returns its version id (same for all). */
  addVersion(workload: number, traits: Partial<VersionTraits>): number {
    let id = -1;
    for (const i of this.servicesOf(workload)) {
      const list = this.versions[i];
      list.push({ ...list[0], ...traits });
      id = list.length - 1;
    }
    // A workload without a service still gets an id (no traffic to serve it).
    return id < 0 ? 1 : id;
  }

  /** Primary pods of `workload` created in `cluster` from `at` on serve `version`. */
  promote(workload: number, cluster: number, version: number, at: number): void {
    this.advance(this.state.sim.now);
    const key = `${workload}/${cluster}`;
    const list = this.promotions.get(key) ?? [];
    list.push({ at, version });
    this.promotions.set(key, list);
    this.refresh();
  }

  /** Route `share` of the cluster's requests for `workload` to its canary (null: no canary). */
  setCanary(workload: number, cluster: number, canary: CanaryRoute | null): void {
    this.advance(this.state.sim.now);
    const key = `${workload}/${cluster}`;
    if (canary) {
      this.canaries.set(key, { ...canary });
      this.analysedVersions.add(`${canary.canaryWorkload}/${cluster}`);
    } else this.canaries.delete(key);
    this.refresh();
  }

  /**
   * The canary's server-side metrics in `cluster` over [now − interval, now): requests, 5xx and
   * the response-time histogram (seconds), over every service fronting `workload`.
   */
  canaryMetrics(workload: number, canaryWorkload: number, cluster: number, interval: number): { tries: number; errors: number; hist: LogHistogram | null } {
    const now = this.state.sim.now;
    this.advance(now);
    let tries = 0;
    let errors = 0;
    let hist: LogHistogram | null = null;
    for (const i of this.servicesOf(workload)) {
      const s = this.services[i];
      s.model.stations.forEach((d, j) => {
        if (d.cluster !== cluster || d.workload !== canaryWorkload) return;
        const m = s.model.stationWindow(j, now - interval, now);
        tries += m.tries;
        errors += m.errors;
        if (m.hist) {
          if (hist) hist.merge(m.hist);
          else hist = m.hist;
        }
      });
    }
    return { tries, errors, hist };
  }

  /**
   * What the metrics pipeline reports for `workload` over [to − window, to): mean busy servers
   * (replica CPU: a busy replica uses its whole request), mean ready pods and tries per second.
   */
  usage(workload: number, from: number, to: number): { busy: number; ready: number; rps: number } | null {
    this.advance(this.state.sim.now);
    let busy = 0;
    let ready = 0;
    let tries = 0;
    let seconds = 0;
    for (const i of this.servicesOf(workload)) {
      const u = this.services[i].model.workloadUsage(workload, from, to);
      busy += u.busy;
      ready += u.ready;
      tries += u.tries;
      seconds = Math.max(seconds, u.seconds);
    }
    if (!(seconds > 0)) return null;
    return { busy: busy / seconds, ready: ready / seconds, rps: tries / seconds };
  }

  /**
   * What `workload`'s users see from each member cluster (seconds; `RunState.observedLatency`, read
   * by the dynamic-weight scheduler's health-latency mode): the first service fronting it, its
   * clusters' round trips from the users plus their M/M/c mean response over the last minute.
   * Null when no service fronts the workload.
   */
  observedLatency(workload: number): Record<string, number> | null {
    const i = this.servicesOf(workload)[0];
    if (i === undefined) return null;
    const now = this.state.sim.now;
    this.advance(now);
    const members = this.state.world.clusters.filter((c) => c.spec.role === 'member');
    const lat = this.services[i].model.clusterLatency(members.map((c) => ({ cluster: c.index, region: c.regionIndex })), now, 60);
    const out: Record<string, number> = {};
    for (const c of members) out[c.name] = lat.get(c.index)!;
    return out;
  }

  /** Re-read ready pods per station and the routes. */
  refresh(): void {
    const world = this.state.world;
    const pods = this.state.pods;
    for (let si = 0; si < this.services.length; si++) {
      const s = this.services[si];
      const counts = new Map<number, number>();
      const endpoints: ClusterEndpoints[] = [];
      for (const c of world.clusters) {
        if (c.spec.role !== 'member') continue;
        const member = this.members[c.index];
        const primary: PoolEndpoints[] = [];
        const byVersion = new Map<number, number>();
        const owner = member.owners.find((o) => o.workload === s.workload);
        const promos = this.promotions.get(`${s.workload}/${c.index}`);
        if (owner) {
          for (const p of owner.pods) {
            if (pods.phase[p] !== PodPhase.Running) continue;
            let v = 0;
            if (promos) for (const pr of promos) if (pods.created[p] >= pr.at) v = pr.version;
            byVersion.set(v, (byVersion.get(v) ?? 0) + 1);
          }
        }
        // Deterministic order: versions ascending.
        for (const v of [...byVersion.keys()].sort((a, b) => a - b)) {
          const j = this.station(si, c.index, c.regionIndex, s.workload, v, 'primary');
          counts.set(j, byVersion.get(v)!);
          primary.push({ station: j, ready: byVersion.get(v)! });
        }
        let canary: PoolEndpoints | null = null;
        let share = 0;
        const cr = this.canaries.get(`${s.workload}/${c.index}`);
        if (cr) {
          const j = this.station(si, c.index, c.regionIndex, cr.canaryWorkload, cr.version, 'canary');
          let ready = 0;
          const co = member.owners.find((o) => o.workload === cr.canaryWorkload);
          if (co) for (const p of co.pods) if (pods.phase[p] === PodPhase.Running) ready++;
          counts.set(j, ready);
          canary = { station: j, ready };
          share = cr.share;
        }
        if (primary.length || canary) endpoints.push({ cluster: c.index, region: c.regionIndex, primary, canary, canaryShare: share });
      }
      const ready = s.model.stations.map((_, j) => counts.get(j) ?? 0);
      s.model.setTopology(endpoints, ready);
    }
  }

  private station(si: number, cluster: number, region: number, workload: number, version: number, pool: 'primary' | 'canary'): number {
    const s = this.services[si];
    const key = `${cluster}/${workload}/${version}`;
    let j = s.stationIndex.get(key);
    if (j === undefined) {
      const traits = this.versions[si][version] ?? this.versions[si][0];
      const def: StationDef = { cluster, region, pool, version, workload, mu: traits.serviceRate, errorRate: traits.errorRate, analysed: this.analysedVersions.has(`${workload}/${cluster}`) };
      j = s.model.addStation(def);
      s.stationIndex.set(key, j);
    }
    return j;
  }

  /** Close the books at the end of the run (request mode drains the requests in flight). */
  results(end: number): ServiceTrafficResult[] {
    return this.services.map((s) => s.model.finish(end));
  }
}
