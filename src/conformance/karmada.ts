/**
 * Karmada conformance runner: runs every vector of `conformance/karmada/*.json` (schema in that
 * folder's README) against the pure placement core in `src/placement/karmada/`.
 *
 * This file only ADAPTS vector inputs (JSON shapes, relative times) to the core's functions and
 * compares results by the vector's match mode; every algorithm lives in the core.
 * A vector whose `entry` is unknown is a failure, never a skip.
 */
import { collectVectorFiles, readVectorFile, type ConformanceFailure, type ConformanceReport } from './common.js';
import * as K from '../placement/karmada/index.js';
import type {
  Cluster,
  ClusterDetailInfo,
  Placement,
  ResourceBindingSpec,
  ResourceBindingStatus,
  TargetCluster,
} from '../placement/karmada/index.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

/** "now" on the common clock for vectors that speak in seconds-ago. */
const NOW = 0;

// ---------------------------------------------------------------------------------------------
// Adapters: vector JSON → core types

function toCluster(c: Json): Cluster {
  const out: Cluster = { name: c?.name ?? '' };
  if (c?.labels) out.labels = c.labels;
  if (c?.provider) out.provider = c.provider;
  if (c?.region) out.region = c.region;
  if (c?.zones) out.zones = c.zones;
  if (c?.taints) out.taints = c.taints.map(toTaint);
  if (c?.apiEnablements) out.apiEnablements = c.apiEnablements;
  if (c?.completeAPIEnablements !== undefined) out.completeAPIEnablements = c.completeAPIEnablements;
  if (c && 'resourceSummary' in c) out.resourceSummary = c.resourceSummary;
  if (c?.resourceModels) out.resourceModels = c.resourceModels;
  if (c?.nodes) out.nodes = c.nodes;
  return out;
}

function toTaint(t: Json): K.Taint {
  const out: K.Taint = { key: t.key ?? '', effect: t.effect ?? '' };
  if (t.value !== undefined) out.value = t.value;
  if (typeof t.addedSecondsAgo === 'number') out.timeAdded = NOW - t.addedSecondsAgo;
  if (typeof t.timeAdded === 'number') out.timeAdded = t.timeAdded;
  return out;
}

function toTolerations(ts: Json): K.Toleration[] {
  return (ts ?? []).map((t: Json) => {
    const out: K.Toleration = { ...t };
    // Vectors write -1 for "tolerate forever" (nil tolerationSeconds).
    if (t.tolerationSeconds === -1 || t.tolerationSeconds === null) delete out.tolerationSeconds;
    return out;
  });
}

function toTargetClusters(ts: Json): TargetCluster[] {
  return (ts ?? []).map((t: Json) => {
    const out: TargetCluster = { name: t.name, replicas: t.replicas ?? 0 };
    if (t.components) out.components = t.components;
    return out;
  });
}

/** A vector cluster → a feasible-cluster record. Missing capacities: see inline rules. */
function toCandidate(c: Json, previous: TargetCluster[]): ClusterDetailInfo {
  const held = previous.filter((p) => p.name === c.name).reduce((s, p) => s + p.replicas, 0);
  let allocatable: number;
  let available: number;
  if (typeof c.allocatableReplicas === 'number') allocatable = c.allocatableReplicas;
  else if (typeof c.availableReplicas === 'number') allocatable = c.availableReplicas - held;
  else allocatable = 0;
  if (typeof c.availableReplicas === 'number') available = c.availableReplicas;
  else available = allocatable + held;
  return {
    name: c.name,
    cluster: toCluster(c),
    score: c.score ?? 0,
    availableReplicas: available,
    allocatableReplicas: allocatable,
    overflowOrder: c.overflowOrder ?? 0,
  };
}

function toStatus(s: Json): ResourceBindingStatus {
  const out: ResourceBindingStatus = {};
  if (s?.schedulerObservedAffinityName) out.schedulerObservedAffinityName = s.schedulerObservedAffinityName;
  if (typeof s?.lastScheduledTime === 'number') out.lastScheduledTime = s.lastScheduledTime;
  if (Array.isArray(s?.failoverHistory)) out.failoverHistory = s.failoverHistory;
  return out;
}

/** Binding spec for the assignment entries. */
function assignSpec(input: Json): ResourceBindingSpec {
  const spec: ResourceBindingSpec = {
    replicas: input.replicas ?? 0,
    placement: (input.placement ?? {}) as Placement,
    clusters: toTargetClusters(input.previous),
  };
  if (input.hasReplicaRequirements) spec.replicaRequirements = {};
  if (input.components) spec.components = input.components;
  if (input.uid) spec.resource = { uid: input.uid };
  if (typeof input.rescheduleTriggeredAt === 'number') spec.rescheduleTriggeredAt = input.rescheduleTriggeredAt;
  return spec;
}

/** A vector's binding object (filter/score entries) → spec. */
function bindingSpec(b: Json): ResourceBindingSpec {
  const spec: ResourceBindingSpec = {
    replicas: b?.replicas ?? 0,
    placement: (b?.placement ?? {}) as Placement,
    clusters: toTargetClusters(b?.previous),
  };
  if (b?.gracefulEvictionTasks) spec.gracefulEvictionTasks = b.gracefulEvictionTasks.map(toTask);
  if (b?.resource) spec.resource = b.resource;
  if (b?.replicaRequirements) spec.replicaRequirements = b.replicaRequirements;
  return spec;
}

function toTask(t: Json): K.GracefulEvictionTask {
  const out: K.GracefulEvictionTask = { fromCluster: t.fromCluster };
  if (typeof t.ageSeconds === 'number') out.creationTimestamp = NOW - t.ageSeconds;
  if (t.gracePeriodSeconds !== undefined && t.gracePeriodSeconds !== null) out.gracePeriodSeconds = t.gracePeriodSeconds;
  if (t.suppressDeletion !== undefined && t.suppressDeletion !== null) out.suppressDeletion = t.suppressDeletion;
  if (t.replicas !== undefined) out.replicas = t.replicas;
  return out;
}

function assessmentOptions(i: Json): K.AssessmentOptions {
  return {
    timeout: i.timeoutSeconds ?? K.DefaultGracefulEvictionTimeout,
    scheduleResult: (i.scheduleResult ?? []).map((x: Json) => (typeof x === 'string' ? x : x.name)),
    observedHealth: i.observedHealth ?? {},
    hasScheduled: !!i.hasScheduled,
    now: NOW,
  };
}

/** A cluster list given in selection order → feasible-cluster records, order kept. */
function toInfos(cs: Json): ClusterDetailInfo[] {
  return (cs ?? []).map((c: Json) => toCandidate(c, []));
}

function names(cs: ReadonlyArray<{ name: string }>): string[] {
  return cs.map((c) => c.name);
}

/** A mocked per-term Schedule outcome is a FitError when flagged so or worded like one. */
function isFitErrorOutcome(o: Json): boolean {
  if (!o) return false;
  if (o.fitError === true || o.errorType === 'FitError' || o.kind === 'FitError') return true;
  return typeof o.error === 'string' && /^0\/\d+ clusters are available/.test(o.error);
}

function tieBreakerOf(tb: Json): K.PartyTieBreaker {
  if (tb === undefined || tb === null || tb === 'default') return K.defaultTieBreaker;
  if (tb === 'nameAscOnly') return (a, b) => K.compareNames(a.name, b.name) < 0;
  if (tb === 'nameDescOnly') return (a, b) => K.compareNames(a.name, b.name) > 0;
  if (typeof tb === 'object' && typeof tb.uid === 'string') return K.tieBreakerByUID(tb.uid);
  throw new Error(`unknown tieBreak ${JSON.stringify(tb)}`);
}

function partiesAsTargets(ps: K.Party[]): TargetCluster[] {
  return ps.map((p) => ({ name: p.name, replicas: p.seats }));
}

// ---------------------------------------------------------------------------------------------
// Entries

type Entry = (input: Json) => unknown;

const entries: Record<string, Entry> = {
  // --- replica assignment
  webster: (i) => partiesAsTargets(K.allocateWebsterSeats(i.newSeats, i.votes ?? {}, i.initial ?? {}, tieBreakerOf(i.tieBreak))),
  dispenser: (i) => {
    const initial: TargetCluster[] = Object.entries((i.initial ?? {}) as Record<string, number>).map(([name, replicas]) => ({ name, replicas }));
    const weights = Object.entries((i.votes ?? {}) as Record<string, number>).map(([clusterName, weight]) => ({ clusterName, weight }));
    return new K.Dispenser(i.newSeats, initial, tieBreakerOf(i.tieBreak)).allocateByWeight(weights);
  },
  assignByStrategy: (i) => {
    const spec = assignSpec(i);
    const candidates = (i.clusters ?? []).map((c: Json) => toCandidate(c, spec.clusters ?? []));
    return K.assignByStrategy({ candidates, spec, status: toStatus(i.status) });
  },
  AssignReplicas: (i) => {
    const spec = assignSpec(i);
    const candidates = (i.clusters ?? []).map((c: Json) => toCandidate(c, spec.clusters ?? []));
    return K.assignReplicas(candidates, spec, toStatus(i.status), { featureGates: i.featureGates ?? {} });
  },
  dynamicDivideReplicas: (i) =>
    K.dynamicDivideReplicas(i.strategy, toTargetClusters(i.availableClusters), i.targetReplicas, toTargetClusters(i.scheduledClusters), i.uid),
  attachZeroReplicasCluster: (i) => K.attachZeroReplicasCluster(i.clusters ?? [], toTargetClusters(i.targetClusters)),

  // --- selection
  selectBestClusters: (i) => {
    const placement = (i.placement ?? {}) as Placement;
    const infos = toInfos(i.clusters);
    return names(K.selectBestClusters(placement, K.groupClustersByTopology(infos, placement, i.needReplicas ?? 0), i.needReplicas ?? 0));
  },
  selectBestClustersByRegion: (i) => {
    const regions: K.GroupInfo[] = (i.regions ?? []).map((r: Json) => ({ name: r.name, score: r.score ?? 0, clusters: toInfos(r.clusters) }));
    return names(K.selectBestClustersByRegion(i.spreadConstraints ?? [], regions));
  },
  selectGroups: (i) => {
    const r = K.selectGroups(i.groups ?? [], i.minGroups ?? 0, i.maxGroups ?? 0, i.target ?? 0);
    return r === null ? null : names(r);
  },
  SelectClusters: (i) => {
    const spec: ResourceBindingSpec = { replicas: i.replicas ?? 0, placement: (i.placement ?? {}) as Placement, clusters: toTargetClusters(i.previous) };
    const scores: K.ClusterScore[] = (i.clustersScore ?? []).map((c: Json) => ({ cluster: toCluster(c), score: c.score ?? 0 }));
    return names(K.selectClusters(scores, spec.placement, spec, toStatus(i.status), K.availableReplicasCalculator({ featureGates: i.featureGates })));
  },
  sortClusters: (i) => names(K.sortClusters(toInfos(i.clusters), i.compareAvailableReplicas !== false)),
  groupClusters: (i) => {
    const spec: ResourceBindingSpec = { replicas: i.replicas ?? 0, placement: (i.placement ?? {}) as Placement, clusters: toTargetClusters(i.previous) };
    const scores: K.ClusterScore[] = (i.clustersScore ?? []).map((c: Json) => ({ cluster: toCluster(c), score: c.score ?? 0 }));
    // The Go test stubs the estimator: every cluster gets the same estimate.
    const stub: K.AvailableReplicasCalculator = (clusters) => clusters.map((c) => ({ name: c.name, replicas: i.availableReplicasPerCluster }));
    const g = K.groupClustersWithScore(scores, spec.placement, spec, toStatus(i.status), stub);
    return { clusters: names(g.clusters), zoneCount: g.zones.length, regionCount: g.regions.length, providerCount: g.providers.length };
  },
  groupScoreCompare: (i) => {
    const placement = (i.placement ?? {}) as Placement;
    const s1 = K.calcGroupScore(toInfos(i.group1), placement, i.replicas ?? 0, i.minGroups ?? 0);
    const s2 = K.calcGroupScore(toInfos(i.group2), placement, i.replicas ?? 0, i.minGroups ?? 0);
    return { group1Wins: s1 >= s2 };
  },
  groupScoreDuplicate: (i) => ({ score: K.calcGroupScoreForDuplicate(toInfos(i.clusters), i.replicas ?? 0) }),

  // --- filters and scores
  clusterMatches: (i) => K.clusterMatches(toCluster(i.cluster), i.affinity ?? {}),
  filter: (i) => {
    const plugin = K.filterPluginByName(i.plugin);
    if (!plugin) throw new Error(`unknown filter plugin '${i.plugin}'`);
    const spec = bindingSpec(i.binding);
    if (i.binding?.placement?.clusterTolerations) spec.placement = { ...spec.placement, clusterTolerations: toTolerations(i.binding.placement.clusterTolerations) };
    const r = plugin.filter({ spec, status: toStatus(i.status) }, toCluster(i.cluster));
    return r.code === 'Success' ? { code: r.code } : { code: r.code, reason: r.reason };
  },
  score: (i) => {
    const plugin = K.scorePluginByName(i.plugin);
    if (!plugin) throw new Error(`unknown score plugin '${i.plugin}'`);
    return { score: plugin.score({ spec: bindingSpec(i.binding), status: toStatus(i.status) }, toCluster(i.cluster)) };
  },

  // --- estimator
  generalEstimator: (i) => ({
    replicas: K.generalMaxAvailableReplicas(toCluster(i.cluster), i.replicaRequirements ?? null, {
      featureGates: i.featureGates ?? {},
      assumedWorkloads: i.assumedWorkloads ?? [],
    }),
  }),
  allowedPodNumber: (i) => ({ pods: K.getAllowedPodNumber(i.resourceSummary ?? {}) }),
  replicasFromSummary: (i) => ({ replicas: K.getMaximumReplicasBasedOnClusterSummary(i.resourceSummary ?? {}, i.replicaRequirements ?? null) }),
  replicasFromResourceModels: (i) => ({
    replicas: K.getMaximumReplicasBasedOnResourceModels(toCluster(i.cluster), i.replicaRequirements ?? null, i.assumedWorkloads ?? []),
  }),

  // --- failover
  clusterAffinitiesFailover: (i) => {
    const outcomes = (i.outcomes ?? {}) as Record<string, Json>;
    const out = K.clusterAffinitiesFailover<Json>(
      i.clusterAffinities ?? [],
      toStatus(i.status),
      i.rescheduleTriggeredAt,
      (name) => {
        const o = outcomes[name];
        if (!o) throw { error: `no outcome for term ${name}` };
        if (o.error !== undefined) throw o;
        return toTargetClusters(o.result);
      },
      isFitErrorOutcome,
    );
    if (out.result) return { triedTerms: out.triedTerms, result: out.result, observedAffinityName: out.observedAffinityName };
    const res: Json = { triedTerms: out.triedTerms, error: out.error?.error, resultPatched: out.resultPatched, observedAffinityName: out.observedAffinityName };
    if (out.resultPatched) res.result = [];
    return res;
  },
  needEviction: (i) =>
    K.needEviction({
      enableNoExecuteTaintEviction: !!i.enableNoExecuteTaintEviction,
      clusterExists: i.clusterExists !== false,
      taints: (i.taints ?? []).map(toTaint),
      clusterTolerations: toTolerations(i.clusterTolerations),
      now: NOW,
    }),
  minTolerationTime: (i) => ({
    tolerationSeconds: K.minTolerationTime((i.noExecuteTaints ?? []).map(toTaint), toTolerations(i.usedTolerations), NOW),
  }),
  assessEvictionTask: (i) => ({ kept: K.assessSingleTask(toTask(i.task), assessmentOptions(i)) !== null }),
  assessEvictionTasks: (i) => {
    const r = K.assessEvictionTasks((i.tasks ?? []).map(toTask), assessmentOptions(i));
    return { keptTasks: r.keptTasks.map((t) => t.fromCluster), evictedClusters: r.evictedClusters };
  },
  evictionNextRetry: (i) => ({ retryAfterSeconds: K.evictionNextRetry((i.tasks ?? []).map(toTask), i.timeoutSeconds ?? K.DefaultGracefulEvictionTimeout, NOW) }),
  applicationFailureDetect: (i) => {
    const seen: Record<string, number> = {};
    for (const [c, ago] of Object.entries((i.firstSeenUnhealthySecondsAgo ?? {}) as Record<string, number>)) seen[c] = NOW - ago;
    const r = K.detectApplicationFailure(i.unhealthyClusters ?? [], i.tolerationSeconds ?? K.DefaultApplicationTolerationSeconds, seen, NOW);
    return { requeueAfterSeconds: r.requeueAfterSeconds, evictClusters: r.evictClusters };
  },

  // --- triggers
  isBindingReplicasChanged: (i) => ({ changed: K.isBindingReplicasChanged(i.replicas ?? 0, toTargetClusters(i.previous), i.replicaScheduling) }),
  rescheduleRequired: (i) => ({ required: K.rescheduleRequired(i.rescheduleTriggeredAt, i.lastScheduledTime) }),
  mergeTargetClusters: (i) => K.mergeTargetClusters(toTargetClusters(i.old), toTargetClusters(i.new)),
  affinityIndex: (i) => ({ index: K.affinityIndex(i.clusterAffinities, i.observedAffinityName) }),
};

/** Entry names the runner knows (for tests and error messages). */
export const karmadaEntries: readonly string[] = Object.keys(entries).sort();

// ---------------------------------------------------------------------------------------------
// Matching

/** Canonical JSON: sorted keys, undefined dropped. */
function canon(v: unknown): string {
  return JSON.stringify(normalise(v));
}

function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = normalise(o[k]);
    return out;
  }
  return v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return canon(a) === canon(b);
}

function unorderedEqual(expected: unknown, got: unknown): boolean {
  if (!Array.isArray(expected) || !Array.isArray(got)) return deepEqual(expected, got);
  if (expected.length !== got.length) return false;
  const a = expected.map(canon).sort();
  const b = got.map(canon).sort();
  return a.every((x, i) => x === b[i]);
}

function exactEqual(expected: unknown, got: unknown): boolean {
  if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    if (!got || typeof got !== 'object' || Array.isArray(got)) return false;
    const e = expected as Record<string, unknown>;
    const g = got as Record<string, unknown>;
    return Object.keys(e).every((k) => deepEqual(e[k], g[k]));
  }
  return deepEqual(expected, got);
}

/** Filter results: same code; the expected reason is a substring of the plugin's message. */
function filterResultMatches(expected: Json, got: Json): boolean {
  if (!got || got.code !== expected?.code) return false;
  if (expected.reason === undefined) return true;
  return typeof got.reason === 'string' && got.reason.includes(expected.reason);
}

function isErrorExpectation(v: Json): boolean {
  return !!v && typeof v === 'object' && !Array.isArray(v) && typeof v.error === 'string';
}

/** Run one vector; returns null when it passes, or the value to report as "got". */
export function runKarmadaVector(vector: Json): { pass: boolean; got: unknown } {
  const entry = entries[vector?.entry];
  if (!entry) return { pass: false, got: { error: `unknown entry '${vector?.entry}'` } };
  const expectsError = vector.match === 'error' || (vector.entry !== 'clusterAffinitiesFailover' && isErrorExpectation(vector.expected));
  let got: unknown;
  try {
    got = entry(vector.input ?? {});
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { pass: expectsError, got: { error: msg } };
  }
  if (expectsError) return { pass: false, got };
  switch (vector.match) {
    case 'ordered':
      return { pass: deepEqual(vector.expected, got), got };
    case 'unordered':
      return { pass: unorderedEqual(vector.expected, got), got };
    case 'anyOf':
      return { pass: Array.isArray(vector.expected) && vector.expected.some((alt: unknown) => unorderedEqual(alt, got)), got };
    case 'exact':
      if (vector.entry === 'filter') return { pass: filterResultMatches(vector.expected, got), got };
      return { pass: exactEqual(vector.expected, got), got };
    default:
      return { pass: false, got: { error: `unknown match mode '${vector.match}'` } };
  }
}

/** Run every vector in the given files/directories. */
export async function runKarmadaConformance(paths: string[]): Promise<ConformanceReport> {
  const failures: ConformanceFailure[] = [];
  let passed = 0;
  for (const file of collectVectorFiles(paths)) {
    const doc = readVectorFile(file);
    for (const v of doc.vectors as Json[]) {
      const r = runKarmadaVector(v);
      if (r.pass) passed++;
      else failures.push({ file, name: String(v?.name ?? '<unnamed>'), expected: v?.expected, got: r.got });
    }
  }
  return { passed, failed: failures.length, failures };
}
