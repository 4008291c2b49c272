import fc from 'fast-check';
import type { ClusterModel, FailureModel, PlacementModel, ScenarioModel, WorkloadModel } from './model.js';

/**
 * fast-check arbitraries for fleets, workloads, policies (placements) and failures, and for
 * whole scenarios built of them. Sizes are small on purpose: a property runs a whole simulation
 * per example, and a counterexample should shrink to a few lines. Every choice lists its
 * simplest value first (fast-check shrinks towards it): no taint, no GPUs, kube-scheduler, one
 * node, one replica, Duplicated, no affinity.
 */

export interface FleetOptions {
  readonly minClusters?: number;
  readonly maxClusters?: number;
  /** Allow GPU nodes (default true). */
  readonly gpus?: boolean;
  /** Allow Volcano members (default true). */
  readonly volcano?: boolean;
  /** Allow taints (default true). */
  readonly taints?: boolean;
}

export function arbCluster(opts: FleetOptions = {}): fc.Arbitrary<ClusterModel> {
  return fc.record({
    nodes: fc.integer({ min: 1, max: 3 }),
    cpu: fc.constantFrom(4, 8, 16),
    memoryGi: fc.constantFrom(8, 16, 32),
    gpus: opts.gpus === false ? fc.constant(0) : fc.constantFrom(0, 2, 4),
    region: fc.integer({ min: 0, max: 2 }),
    tier: fc.constantFrom<'a' | 'b'>('a', 'b'),
    taint: opts.taints === false ? fc.constant(null) : fc.constantFrom<ClusterModel['taint']>(null, 'NoSchedule', 'NoExecute', 'PreferNoSchedule'),
    volcano: opts.volcano === false ? fc.constant(null) : fc.option(fc.record({ gpuCapability: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }) }), { nil: null, freq: 4 }),
  });
}

/** A fleet: 1 to 4 member clusters (c0, c1, ...). */
export function arbFleet(opts: FleetOptions = {}): fc.Arbitrary<ClusterModel[]> {
  return fc.array(arbCluster(opts), { minLength: opts.minClusters ?? 1, maxLength: opts.maxClusters ?? 4 });
}

/** A Karmada placement: division, cluster affinity (names or tier label), taint toleration, static weights. */
export function arbPlacement(): fc.Arbitrary<PlacementModel> {
  return fc.record({
    division: fc.constantFrom<PlacementModel['division']>('Duplicated', 'StaticWeight', 'DynamicWeight', 'Aggregated'),
    clusterNames: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }), { nil: null, freq: 2 }),
    tier: fc.constantFrom<'a' | 'b' | null>(null, 'a', 'b'),
    tolerate: fc.boolean(),
    weights: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
  });
}

export interface WorkloadOptions {
  readonly maxReplicas?: number;
  /** Allow GPU requests (default true). */
  readonly gpus?: boolean;
  /** Allow Jobs (default true). */
  readonly jobs?: boolean;
  /** Allow gangs (default true). */
  readonly gangs?: boolean;
  /** Allow scale actions (default true). */
  readonly scale?: boolean;
}

export function arbWorkload(opts: WorkloadOptions = {}): fc.Arbitrary<WorkloadModel> {
  const max = opts.maxReplicas ?? 6;
  return fc.record({
    kind: opts.jobs === false ? fc.constant<'Deployment'>('Deployment') : fc.constantFrom<'Deployment' | 'Job'>('Deployment', 'Job'),
    replicas: fc.integer({ min: 1, max }),
    cpuMilli: fc.constantFrom(500, 250, 1000, 2000),
    memoryMi: fc.constantFrom(256, 1024, 4096),
    gpus: opts.gpus === false ? fc.constant(0) : fc.constantFrom(0, 0, 1, 2),
    at: fc.integer({ min: 0, max: 600 }),
    gang: opts.gangs === false ? fc.constant(false) : fc.boolean(),
    minutes: fc.integer({ min: 1, max: 30 }),
    placement: arbPlacement(),
    scaleTo: opts.scale === false ? fc.constant(null) : fc.option(fc.integer({ min: 0, max }), { nil: null, freq: 3 }),
    scaleAt: fc.integer({ min: 60, max: 1800 }),
  });
}

export function arbWorkloads(opts: WorkloadOptions & { readonly maxWorkloads?: number } = {}): fc.Arbitrary<WorkloadModel[]> {
  return fc.array(arbWorkload(opts), { minLength: 1, maxLength: opts.maxWorkloads ?? 4 });
}

/** Failures: cluster outages (down, nodes-down, api-unreachable), a node crash, a maintenance drain. */
export function arbFailure(): fc.Arbitrary<FailureModel> {
  return fc.record({
    kind: fc.constantFrom<FailureModel['kind']>('cluster-outage', 'node-crash', 'maintenance'),
    mode: fc.constantFrom<FailureModel['mode']>('down', 'nodes-down', 'api-unreachable'),
    cluster: fc.integer({ min: 0, max: 3 }),
    at: fc.integer({ min: 60, max: 2400 }),
    duration: fc.integer({ min: 60, max: 1800 }),
  });
}

export function arbFailures(maxFailures = 2): fc.Arbitrary<FailureModel[]> {
  return fc.array(arbFailure(), { maxLength: maxFailures });
}

export interface ScenarioArbOptions extends FleetOptions, WorkloadOptions {
  readonly maxWorkloads?: number;
  readonly maxFailures?: number;
}

/** A whole scenario: fleet, workloads (each with its placement), failures, the Failover gate, a seed. */
export function arbScenarioModel(opts: ScenarioArbOptions = {}): fc.Arbitrary<ScenarioModel> {
  return fc.record({
    seed: fc.integer({ min: 1, max: 1000 }),
    clusters: arbFleet(opts),
    workloads: arbWorkloads(opts),
    failures: arbFailures(opts.maxFailures ?? 2),
    failover: fc.boolean(),
  });
}
