import type { EventHandler, Simulation } from '../kernel/index.js';
import type { RolloutTick } from '../rollout/index.js';
import type { DeploymentSpec, PodTemplate } from '../scenario/types.js';
import type { RolloutSpec } from '../traffic/spec.js';
import type { MemberCluster } from './member-cluster.js';
import { renderTemplate } from './override.js';
import { PodPhase } from './pods.js';
import { advanceCanary, initialCanaryStatus, type CanaryStatus } from './rollout-flagger.js';
import { newRuntimeWorkload, Prio, type RunState } from './state.js';
import type { TrafficModel } from './traffic-model.js';

const ROLLOUT_START = 71;
const ROLLOUT_TICK = 72;
const ROLL_CHECK = 73;
/** How often a promotion's rolling update of the primary looks at its pods. */
const ROLL_PERIOD = 2;
/** Kubernetes RollingUpdate default maxUnavailable (25 %, rounded down, at least 1; maxSurge is not modelled). */
const MAX_UNAVAILABLE = 0.25;

/** One tick of a cluster's Canary, with what the analysis measured (when it ran). */
export interface RolloutTickRecord extends Omit<RolloutTick, 'tick'> {
  t: number;
  /** request-success-rate (%) and request-duration p99 (ms) measured this tick, null when not measured or no data. */
  successRate: number | null;
  durationP99Ms: number | null;
}

export interface RolloutClusterResult {
  cluster: string;
  outcome: 'promoted' | 'rolled back' | 'superseded' | 'in progress' | 'not started';
  /** When the Canary reached Succeeded or Failed (null: not in the run). */
  finishedAt: number | null;
  /** Replicas the canary ran with. */
  canaryReplicas: number;
  ticks: RolloutTickRecord[];
}

export interface RolloutResult {
  name: string;
  workload: string;
  image: string;
  at: number;
  strategy: 'canary' | 'blueGreen' | 'abTesting';
  interval: number;
  /** The Kurator Application whose rollout config set up the Canary (`namespace/name`), if one did. */
  application?: string;
  clusters: RolloutClusterResult[];
}

interface ClusterRollout {
  cluster: number;
  status: CanaryStatus;
  canaryReplicas: number;
  canaryTemplate: PodTemplate;
  primaryTemplate: PodTemplate;
  /** Since when the canary has been scaled up and not ready. */
  notReadySince: number;
  /** Primary pods of the old version still to replace (rolling update after a promotion). */
  oldPods: Set<number> | null;
  revisionPending: boolean;
  finished: boolean;
  result: RolloutClusterResult;
}

interface ActiveRollout {
  spec: RolloutSpec;
  /** The primary Deployment (Karmada's). */
  workload: number;
  /** The canary Deployment, created at the rollout's start. */
  canary: number;
  version: number;
  clusters: ClusterRollout[];
  result: RolloutResult;
}

/**
 * Kurator rollouts in the simulation: Flagger, in each destination cluster independently
 * (kurator.md §4.3: no cross-cluster gate), drives a Canary through `advanceCanary` once per
 * analysis interval, starting when the rollout applies the new revision.
 *
 * - The Deployment propagated by Karmada plays Flagger's primary; the canary is a Deployment
 *   `<workload>-canary` (one per rollout) that Flagger scales in each member directly (a Work
 *   applied to that member, bypassing Karmada, as Flagger acts inside the member): to the
 *   primary's replicas there when the revision is detected, to 0 on finalising or rollback.
 * - Routing: the canary gets `route`% of the cluster's requests (A/B: of the matching share).
 * - Analysis: `request-success-rate` (non-5xx share of the canary's requests, %, server side as
 *   Istio's destination reporter sees it) and `request-duration` (their p99, ms) over each
 *   metric's interval, from the traffic model; no requests in the window fails the check, as
 *   Flagger halts on "no values found". Without thresholdRange, Flagger's fallback to the
 *   deprecated `threshold` (0) is kept: success rate never fails, any duration > 0 ms fails.
 * - Promotion copies the canary's spec to the primary: the primary's pods in that cluster are
 *   replaced by a rolling update (maxUnavailable 25 %, evicting old pods as new ones become
 *   ready); pods created from then on serve the new version. Ticks wait while the primary is not
 *   ready (Flagger's IsPrimaryReady).
 * - A later rollout of the same workload supersedes an unfinished one in a cluster (its canary
 *   goes to 0, as Flagger restarts the analysis on a new revision).
 * Not modelled: webhooks/load testers (blue/green iterations see no live traffic, so their
 * checks find no data and fail), session affinity, the canary's own HPA.
 */
export class RolloutController implements EventHandler {
  private readonly state: RunState;
  private readonly members: MemberCluster[];
  private readonly traffic: TrafficModel;
  private readonly rollouts: ActiveRollout[] = [];
  private readonly specs: RolloutSpec[];
  /** The rollout active per `${workload}/${cluster}`. */
  private readonly active = new Map<string, { r: ActiveRollout; c: ClusterRollout }>();

  constructor(state: RunState, members: MemberCluster[], traffic: TrafficModel, specs: RolloutSpec[]) {
    this.state = state;
    this.members = members;
    this.traffic = traffic;
    this.specs = specs;
  }

  /** Images the rollouts will pull, as rendered per member cluster (to intern before the run). */
  static images(state: RunState, specs: RolloutSpec[]): string[] {
    const out: string[] = [];
    for (const r of specs) {
      const w = state.workloads.find((x) => x.spec.kind === 'Deployment' && x.spec.namespace === r.namespace && x.spec.name === r.workload);
      if (!w) continue;
      const spec = withImage(w.spec as DeploymentSpec, r);
      for (const c of state.world.clusters) out.push(renderTemplate(spec, c.spec, state.scenario).image);
    }
    return out;
  }

  start(): void {
    this.specs.forEach((r, i) => this.state.sim.schedule(r.at, this, ROLLOUT_START, i, Prio.Control));
  }

  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    switch (kind) {
      case ROLLOUT_START:
        this.begin(this.specs[data as number], sim.now);
        break;
      case ROLLOUT_TICK: {
        const d = data as { r: ActiveRollout; c: ClusterRollout };
        this.tick(d.r, d.c, sim.now);
        break;
      }
      case ROLL_CHECK: {
        const d = data as { r: ActiveRollout; c: ClusterRollout };
        this.rollPrimary(d.r, d.c, sim.now);
        break;
      }
      default:
        throw new Error(`rollout controller: unknown event kind ${kind}`);
    }
  }

  results(): RolloutResult[] {
    return this.rollouts.map((r) => r.result);
  }

  // ------------------------------------------------------------------------------------------

  private begin(spec: RolloutSpec, now: number): void {
    const s = this.state;
    const w = s.workloads.find((x) => x.spec.kind === 'Deployment' && x.spec.namespace === spec.namespace && x.spec.name === spec.workload)!;
    const primarySpec = w.spec as DeploymentSpec;
    const canaryName = `${spec.workload}-canary${this.rollouts.some((r) => r.workload === w.index) ? `-${this.rollouts.filter((r) => r.workload === w.index).length + 1}` : ''}`;
    const canarySpec: DeploymentSpec = {
      ...withImage(primarySpec, spec),
      name: canaryName,
      uid: `${spec.namespace}/Deployment/${canaryName}`,
      replicas: 0,
      arrival: now,
      policy: null,
      placement: null,
      kurator: null,
      source: spec.source,
    };
    const canary = newRuntimeWorkload(s.workloads.length, canarySpec);
    canary.desired = 0;
    s.workloads.push(canary);
    const version = this.traffic.addVersion(w.index, spec.traits);
    const names = spec.clusters ?? s.world.clusters.filter((c) => c.spec.role === 'member' && (this.members[c.index].owners.find((o) => o.workload === w.index)?.replicas ?? 0) > 0).map((c) => c.name);
    const r: ActiveRollout = {
      spec,
      workload: w.index,
      canary: canary.index,
      version,
      clusters: [],
      result: { name: spec.name, workload: `${spec.namespace}/${spec.workload}`, image: spec.image, at: spec.at, strategy: strategyName(spec), interval: spec.interval, ...(spec.application ? { application: spec.application } : {}), clusters: [] },
    };
    this.rollouts.push(r);
    for (const name of names) {
      const info = s.world.clusterByName.get(name)!;
      const c: ClusterRollout = {
        cluster: info.index,
        status: initialCanaryStatus(),
        canaryReplicas: 0,
        canaryTemplate: renderTemplate(withImage(primarySpec, spec), info.spec, s.scenario),
        primaryTemplate: renderTemplate(withImage(primarySpec, spec), info.spec, s.scenario),
        notReadySince: NaN,
        oldPods: null,
        revisionPending: true,
        finished: false,
        result: { cluster: name, outcome: 'not started', finishedAt: null, canaryReplicas: 0, ticks: [] },
      };
      r.clusters.push(c);
      r.result.clusters.push(c.result);
      // A newer revision supersedes an unfinished rollout here.
      const key = `${w.index}/${info.index}`;
      const prev = this.active.get(key);
      if (prev && !prev.c.finished) this.stop(prev.r, prev.c, now, 'superseded');
      this.active.set(key, { r, c });
      if (spec.suspend) {
        // Flagger skips a suspended Canary on every run: the revision is neither analysed nor promoted.
        c.finished = true;
        c.result.ticks.push({ t: now, phase: 'Initialized', statusWeight: 0, canaryRouteWeight: 0, failedChecks: 0, iterations: 0, event: 'suspended (rolloutPolicy.suspend): Flagger skips this Canary', successRate: null, durationP99Ms: null });
        continue;
      }
      this.tick(r, c, now);
    }
  }

  private tick(r: ActiveRollout, c: ClusterRollout, now: number): void {
    if (c.finished) return;
    const spec = r.spec;
    let successRate: number | null = null;
    let p99: number | null = null;
    const canaryReady = this.canaryReady(r, c);
    if (canaryReady) c.notReadySince = NaN;
    else if (Number.isNaN(c.notReadySince) && c.status.phase === 'Progressing') c.notReadySince = now;
    const res = advanceCanary(spec.analysis, c.status, {
      revisionPending: c.revisionPending,
      primaryReady: this.primaryReady(r, c),
      canaryReady,
      deadlineExceeded: !Number.isNaN(c.notReadySince) && now - c.notReadySince >= spec.progressDeadline,
      analyse: () => {
        let ok = true;
        for (const m of spec.metrics) {
          const got = this.traffic.canaryMetrics(r.workload, r.canary, c.cluster, m.interval);
          if (!(got.tries > 0)) {
            ok = false; // Flagger: no values found, halt advancement
            continue;
          }
          if (m.name === 'request-success-rate') {
            const v = (100 * (got.tries - got.errors)) / got.tries;
            successRate = v;
            if (m.noRange) continue; // deprecated threshold 0: never below
            if ((m.min !== null && v < m.min) || (m.max !== null && v > m.max)) ok = false;
          } else {
            const q = got.hist ? got.hist.quantile(0.99) : NaN;
            const v = Number.isNaN(q) ? NaN : q * 1000;
            p99 = Number.isNaN(v) ? null : v;
            if (Number.isNaN(v)) ok = false;
            else if (m.noRange) {
              if (v > 0) ok = false; // deprecated threshold 0: any latency fails
            } else if ((m.min !== null && v < m.min) || (m.max !== null && v > m.max)) ok = false;
          }
        }
        return ok;
      },
    });
    c.status = res.status;
    c.result.ticks.push({
      t: now,
      phase: res.status.phase,
      statusWeight: res.status.statusWeight,
      canaryRouteWeight: res.status.route,
      failedChecks: res.status.failedChecks,
      iterations: res.status.iterations,
      event: res.event,
      successRate,
      durationP99Ms: p99,
    });
    const share = (route: number): number => (route / 100) * (r.result.strategy === 'abTesting' ? spec.matchShare : 1);
    switch (res.action) {
      case 'scaleUpCanary': {
        c.revisionPending = false;
        c.result.outcome = 'in progress';
        const owner = this.members[c.cluster].owners.find((o) => o.workload === r.workload);
        c.canaryReplicas = owner ? owner.replicas : 0;
        c.result.canaryReplicas = c.canaryReplicas;
        this.scaleCanary(r, c, c.canaryReplicas);
        c.notReadySince = now;
        this.traffic.setCanary(r.workload, c.cluster, { canaryWorkload: r.canary, version: r.version, share: 0 });
        break;
      }
      case 'route':
        this.traffic.setCanary(r.workload, c.cluster, { canaryWorkload: r.canary, version: r.version, share: share(res.status.route) });
        break;
      case 'promote':
        this.promote(r, c, now);
        break;
      case 'promoteNow':
        this.promote(r, c, now);
        this.stop(r, c, now, 'promoted');
        break;
      case 'finalise':
        this.stop(r, c, now, 'promoted');
        break;
      case 'rollback':
        this.stop(r, c, now, 'rolled back');
        break;
      case 'none':
        break;
    }
    if (!c.finished) this.state.sim.scheduleAfter(spec.interval, this, ROLLOUT_TICK, { r, c }, Prio.Control);
  }

  /** Canary to 0 replicas and out of the routes; the cluster's rollout ends with `outcome`. */
  private stop(r: ActiveRollout, c: ClusterRollout, now: number, outcome: RolloutClusterResult['outcome']): void {
    this.scaleCanary(r, c, 0);
    this.traffic.setCanary(r.workload, c.cluster, null);
    c.finished = true;
    c.result.outcome = outcome;
    c.result.finishedAt = now;
    if (outcome === 'superseded') c.result.ticks.push({ t: now, phase: c.status.phase, statusWeight: 0, canaryRouteWeight: 0, failedChecks: c.status.failedChecks, iterations: 0, event: 'superseded by a newer revision', successRate: null, durationP99Ms: null });
  }

  private scaleCanary(r: ActiveRollout, c: ClusterRollout, replicas: number): void {
    const w = this.state.workloads[r.canary];
    const owner = this.members[c.cluster].owners.find((o) => o.workload === r.canary);
    const before = owner ? owner.replicas : 0;
    w.desired += replicas - before;
    (w.spec as DeploymentSpec).replicas = w.desired;
    if (replicas === before && owner) return;
    this.members[c.cluster].applyWork(r.canary, replicas, 0, c.canaryTemplate);
  }

  /** Copy the canary's spec to the primary in this cluster: new pods serve the new version; old ones are rolled. */
  private promote(r: ActiveRollout, c: ClusterRollout, now: number): void {
    const member = this.members[c.cluster];
    const owner = member.owners.find((o) => o.workload === r.workload);
    this.traffic.promote(r.workload, c.cluster, r.version, now);
    if (!owner) return;
    c.oldPods = new Set(owner.pods);
    member.applyWork(r.workload, owner.replicas, 0, c.primaryTemplate);
    this.rollPrimary(r, c, now);
  }

  /** One round of the primary's rolling update: evict old pods within the maxUnavailable budget. */
  private rollPrimary(r: ActiveRollout, c: ClusterRollout, now: number): void {
    const old = c.oldPods;
    if (!old) return;
    const member = this.members[c.cluster];
    const owner = member.owners.find((o) => o.workload === r.workload);
    const phase = this.state.pods.phase;
    if (!owner) {
      c.oldPods = null;
      return;
    }
    for (const p of [...old]) if (!owner.pods.includes(p)) old.delete(p);
    if (old.size === 0) {
      c.oldPods = null;
      this.traffic.advance(now);
      this.traffic.refresh();
      return;
    }
    let running = 0;
    for (const p of owner.pods) if (phase[p] === PodPhase.Running) running++;
    const maxUnavailable = Math.max(1, Math.floor(MAX_UNAVAILABLE * owner.replicas));
    let budget = maxUnavailable - (owner.replicas - running);
    // Oldest first (pod ids are in creation order); only bound pods can be evicted.
    for (const p of [...old].sort((a, b) => a - b)) {
      if (budget <= 0) break;
      if (phase[p] !== PodPhase.Running && phase[p] !== PodPhase.Starting) continue;
      old.delete(p);
      if (phase[p] === PodPhase.Running) budget--;
      member.evict(p, 'rolling update');
    }
    this.traffic.advance(now);
    this.traffic.refresh();
    this.state.sim.scheduleAfter(ROLL_PERIOD, this, ROLL_CHECK, { r, c }, Prio.Control);
  }

  private canaryReady(r: ActiveRollout, c: ClusterRollout): boolean {
    const owner = this.members[c.cluster].owners.find((o) => o.workload === r.canary);
    if (!owner) return c.canaryReplicas === 0;
    let ready = 0;
    for (const p of owner.pods) if (this.state.pods.phase[p] === PodPhase.Running) ready++;
    return ready >= owner.replicas;
  }

  /** Flagger's IsPrimaryReady: every replica updated and available. */
  private primaryReady(r: ActiveRollout, c: ClusterRollout): boolean {
    if (c.oldPods && c.oldPods.size > 0) return false;
    const owner = this.members[c.cluster].owners.find((o) => o.workload === r.workload);
    if (!owner) return true;
    let ready = 0;
    for (const p of owner.pods) if (this.state.pods.phase[p] === PodPhase.Running) ready++;
    return ready >= owner.replicas;
  }
}

/** The Deployment with the rollout's image: its template and, for a manifest, the first container of the manifest (overrides render from it). */
function withImage(spec: DeploymentSpec, r: RolloutSpec): DeploymentSpec {
  const out: DeploymentSpec = { ...spec, template: { ...spec.template, image: r.image, imageSizeBytes: r.imageSizeBytes, registryRegion: r.registryRegion } };
  if (spec.manifest) {
    const object = structuredClone(spec.manifest.object);
    let pod: unknown = object;
    for (const k of spec.manifest.podPath) pod = (pod as Record<string | number, unknown>)[k];
    const first = ((pod as { containers?: { image?: string }[] }).containers ?? [])[0];
    if (first) first.image = r.image;
    out.manifest = { object, podPath: spec.manifest.podPath };
  }
  return out;
}

function strategyName(spec: RolloutSpec): RolloutResult['strategy'] {
  const n = spec.analysis.iterations ?? 0;
  if (spec.analysis.match && n > 0) return 'abTesting';
  if (n > 0) return 'blueGreen';
  return 'canary';
}
