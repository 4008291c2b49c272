import { makeSampler, type EventHandler, type Sampler, type Simulation } from '../kernel/index.js';
import type { ControlPlane } from '../control/control-plane.js';
import type { MemberCluster } from '../control/member-cluster.js';
import { Kind, Prio, type RunState } from '../control/state.js';
import type { FaultSpec } from '../scenario/types.js';

/** One failure as it happens: a fault spec hitting one target (a cluster, some nodes, a link). */
export interface FaultRecord {
  spec: FaultSpec;
  /** Cluster index (-1 for a link). */
  cluster: number;
  clusterName: string;
  /** Nodes hit (node kinds), by node id. */
  nodes: number[];
  start: number;
  end: number;
  /** For restoring a degraded link. */
  saved?: { latency: number; bandwidth: number };
}

export interface FaultListener {
  faultStarted(f: FaultRecord, now: number): void;
  faultEnded(f: FaultRecord, now: number): void;
  /** Something notable inside a fault (a spot notice expiring, a drain). */
  faultEvent?(f: FaultRecord, event: string, now: number): void;
}

interface Process {
  spec: FaultSpec;
  index: number;
  cluster: number;
  node: number | null;
  mtbf: Sampler;
  mttr: Sampler | null;
}

/**
 * Injects the scenario's failures (`faults:`, `faultTrace:`) and operator actions (`actions:`).
 *
 * Kinds: `cluster-outage` (mode `down`: nodes and API gone; `nodes-down`: workloads die, the API
 * still answers; `api-unreachable`: the control plane cannot reach the member, workloads keep
 * running), `zone-outage` / `region-outage` (a `down` outage of every cluster there), `partition`
 * (control plane ↔ member: status goes stale, Works wait, workloads keep running), `edge-disconnect`
 * (the same, KubeEdge-style: the member runs on its own and the control plane sees it Unknown once
 * its lease lapses), `node-crash` (nodes down: their pods are lost and replaced), `link-degradation`
 * (a region pair's latency/bandwidth change: image pulls, Works and probes slow down),
 * `spot-reclaim` (nodes get a notice: cordoned and drained, as a node termination handler does, and
 * the fleet scheduler told; after the notice they are gone; with a duration, replacement capacity
 * returns after it), `maintenance` (nodes cordoned and,
 * by default, drained; back after the duration).
 *
 * Scheduled failures happen at `at` for `duration`; stochastic ones (`mtbf`, `mttr`) repeat for the
 * whole run, independently per target (per cluster, or per node for node kinds with `nodes: all`),
 * each target with its own random stream `faults/<index>/<target>`, so adding a fault never shifts
 * another's draws. Which nodes a count-based fault hits is drawn from the same stream.
 */
export class FaultInjector implements EventHandler {
  readonly records: FaultRecord[] = [];
  private readonly state: RunState;
  private readonly members: MemberCluster[];
  private readonly cp: ControlPlane;
  listener: FaultListener | null = null;

  constructor(state: RunState, members: MemberCluster[], cp: ControlPlane) {
    this.state = state;
    this.members = members;
    this.cp = cp;
  }

  start(): void {
    const sim = this.state.sim;
    for (const a of this.state.scenario.actions) {
      const w = this.state.workloads.find((x) => x.spec.namespace === a.scale.namespace && x.spec.name === a.scale.name)!;
      sim.schedule(a.at, this, Kind.Action, { workload: w.index, replicas: a.scale.replicas }, Prio.Fact);
    }
    this.state.scenario.faults.forEach((spec, index) => {
      const targets = spec.kind === 'link-degradation' ? [-1] : spec.clusters.map((c) => this.state.world.clusterByName.get(c)!.index);
      for (const cluster of targets) {
        if (spec.at !== null) {
          const rec = this.record(spec, cluster, index, spec.at, spec.at + spec.duration, null);
          sim.schedule(rec.start, this, Kind.FaultStart, rec, Prio.Fact);
          continue;
        }
        // Stochastic: one renewal process per cluster, or per node for node kinds hitting all nodes.
        const nodeTargets = this.isNodeKind(spec) && spec.nodes === 'all' ? this.nodeIds(cluster) : [null];
        for (const node of nodeTargets) {
          const name = node === null ? (cluster < 0 ? `${spec.link!.from}-${spec.link!.to}` : this.state.world.clusters[cluster].name) : this.state.world.nodeName(node);
          const stream = sim.stream(`faults/${index}/${name}`);
          const p: Process = { spec, index, cluster, node, mtbf: makeSampler(spec.mtbf!, stream), mttr: spec.mttr ? makeSampler(spec.mttr, stream) : null };
          sim.scheduleAfter(p.mtbf.sample(), this, Kind.FaultProcess, p, Prio.Fact);
        }
      }
    });
  }

  private isNodeKind(spec: FaultSpec): boolean {
    return spec.kind === 'node-crash' || spec.kind === 'spot-reclaim' || spec.kind === 'maintenance';
  }

  private nodeIds(cluster: number): number[] {
    const c = this.state.world.clusters[cluster];
    return Array.from({ length: c.nodeEnd - c.nodeStart }, (_, k) => c.nodeStart + k);
  }

  /** The nodes a fault hits: one by name, all, or a count drawn (without repeats) from its stream. */
  private pickNodes(spec: FaultSpec, index: number, cluster: number, only: number | null): number[] {
    if (only !== null) return [only];
    if (cluster < 0 || !this.isNodeKind(spec)) return [];
    const ids = this.nodeIds(cluster).filter((n) => this.state.world.nodeReady[n] === 1);
    if (spec.nodes === 'all') return ids;
    if (typeof spec.nodes === 'string') {
      const n = this.nodeIds(cluster).find((x) => this.state.world.nodeName(x) === spec.nodes);
      return n === undefined ? [] : [n];
    }
    const count = Math.min(spec.nodes ?? 1, ids.length);
    const rng = this.state.sim.stream(`faults/${index}/${this.state.world.clusters[cluster].name}/nodes`);
    const pool = ids.slice();
    const out: number[] = [];
    for (let k = 0; k < count; k++) out.push(pool.splice(Math.floor(rng.random() * pool.length), 1)[0]);
    return out.sort((a, b) => a - b);
  }

  private record(spec: FaultSpec, cluster: number, index: number, start: number, end: number, node: number | null): FaultRecord {
    const rec: FaultRecord = {
      spec,
      cluster,
      clusterName: cluster < 0 ? `${spec.link!.from}<->${spec.link!.to}` : this.state.world.clusters[cluster].name,
      nodes: [],
      start,
      end,
    };
    (rec as FaultRecord & { index: number; only: number | null }).index = index;
    (rec as FaultRecord & { index: number; only: number | null }).only = node;
    this.records.push(rec);
    return rec;
  }

  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    switch (kind) {
      case Kind.Action: {
        const a = data as { workload: number; replicas: number };
        this.cp.setReplicas(a.workload, a.replicas);
        return;
      }
      case Kind.FaultProcess: {
        const p = data as Process;
        const repair = p.mttr ? p.mttr.sample() : Infinity;
        const rec = this.record(p.spec, p.cluster, p.index, sim.now, sim.now + repair, p.node);
        this.begin(rec, sim.now);
        if (Number.isFinite(rec.end)) sim.schedule(rec.end, this, Kind.FaultEnd, { rec, process: p }, Prio.Fact);
        return;
      }
      case Kind.FaultStart: {
        const rec = data as FaultRecord;
        this.begin(rec, sim.now);
        if (Number.isFinite(rec.end)) sim.schedule(rec.end, this, Kind.FaultEnd, { rec, process: null }, Prio.Fact);
        return;
      }
      case Kind.FaultEnd: {
        const { rec, process } = data as { rec: FaultRecord; process: Process | null };
        this.finish(rec, sim.now);
        if (process) sim.scheduleAfter(process.mtbf.sample(), this, Kind.FaultProcess, process, Prio.Fact);
        return;
      }
      case Kind.SpotGone: {
        const rec = data as FaultRecord;
        const m = this.members[rec.cluster];
        for (const n of rec.nodes) m.setNodeDown(n, true);
        this.listener?.faultEvent?.(rec, `${rec.nodes.length} spot node(s) reclaimed`, sim.now);
        return;
      }
      default:
        throw new Error(`fault injector: unknown event kind ${kind}`);
    }
  }

  private begin(rec: FaultRecord, now: number): void {
    const spec = rec.spec;
    const extra = rec as FaultRecord & { index: number; only: number | null };
    if (spec.kind === 'link-degradation') {
      rec.saved = this.state.world.network.setLink(spec.link!.from, spec.link!.to, spec.link!.latency, spec.link!.bandwidth);
      this.listener?.faultStarted(rec, now);
      return;
    }
    const m = this.members[rec.cluster];
    switch (spec.kind) {
      case 'cluster-outage':
      case 'zone-outage':
      case 'region-outage':
      case 'partition':
      case 'edge-disconnect': {
        const mode = spec.kind === 'zone-outage' || spec.kind === 'region-outage' ? 'down' : spec.mode;
        if (mode === 'down' || mode === 'api-unreachable') m.apiReachable = false;
        if (spec.kind === 'edge-disconnect') m.edgeAutonomy = true;
        if (mode === 'down' || mode === 'nodes-down') m.setNodesDown(true);
        break;
      }
      case 'node-crash':
        rec.nodes = this.pickNodes(spec, extra.index, rec.cluster, extra.only);
        for (const n of rec.nodes) m.setNodeDown(n, true);
        break;
      case 'maintenance':
        rec.nodes = this.pickNodes(spec, extra.index, rec.cluster, extra.only);
        for (const n of rec.nodes) m.cordon(n, true);
        if (spec.drain) for (const n of rec.nodes) m.drain(n);
        break;
      case 'spot-reclaim':
        rec.nodes = this.pickNodes(spec, extra.index, rec.cluster, extra.only);
        // The notice: a node termination handler cordons and drains the nodes (its pods are
        // recreated elsewhere in the cluster, or wait); the fleet scheduler is told.
        for (const n of rec.nodes) m.cordon(n, true);
        this.cp.interruptionNotice(rec.cluster, rec.nodes, now + spec.notice);
        if (spec.drain) for (const n of rec.nodes) m.drain(n);
        this.state.sim.schedule(now + spec.notice, this, Kind.SpotGone, rec, Prio.Fact);
        break;
    }
    this.listener?.faultStarted(rec, now);
  }

  private finish(rec: FaultRecord, now: number): void {
    const spec = rec.spec;
    if (spec.kind === 'link-degradation') {
      this.state.world.network.setLink(spec.link!.from, spec.link!.to, rec.saved!.latency, rec.saved!.bandwidth);
      this.listener?.faultEnded(rec, now);
      return;
    }
    const m = this.members[rec.cluster];
    switch (spec.kind) {
      case 'cluster-outage':
      case 'zone-outage':
      case 'region-outage':
      case 'partition':
      case 'edge-disconnect': {
        const mode = spec.kind === 'zone-outage' || spec.kind === 'region-outage' ? 'down' : spec.mode;
        if (mode === 'down' || mode === 'nodes-down') m.setNodesDown(false);
        if (spec.kind === 'edge-disconnect') m.edgeAutonomy = false;
        if (mode === 'down' || mode === 'api-unreachable') {
          m.apiReachable = true;
          this.cp.memberReachable(rec.cluster);
        }
        break;
      }
      case 'node-crash':
        for (const n of rec.nodes) m.setNodeDown(n, false);
        break;
      case 'maintenance':
        for (const n of rec.nodes) m.cordon(n, false);
        break;
      case 'spot-reclaim':
        // Replacement capacity (new spot nodes) comes back.
        for (const n of rec.nodes) {
          m.setNodeDown(n, false);
          m.cordon(n, false);
        }
        break;
    }
    this.listener?.faultEnded(rec, now);
  }
}
