import { isAbsolute, relative, dirname } from 'node:path';
import { isModulePath, parseScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/types.js';

/**
 * A scenario as a small structured value: what the fast-check arbitraries generate and shrink
 * (arbitraries.ts), rendered as scenario YAML by `scenarioYaml`, so a counterexample is a file
 * `fleetsim validate` accepts and `fleetsim run` reproduces. References between parts are
 * indexes taken modulo the list length when rendered (a failure's cluster, a placement's
 * clusters), so removing a cluster while shrinking never makes a dangling reference. Fields at
 * their default values are left out of the YAML, so a shrunk counterexample is a few lines.
 */

export type TaintEffect = 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule';

export interface ClusterModel {
  /** Nodes in the cluster's one node pool. */
  readonly nodes: number;
  /** Cores and GiB per node. */
  readonly cpu: number;
  readonly memoryGi: number;
  /** GPUs per node. */
  readonly gpus: number;
  /** Region index: r0, r1, ... */
  readonly region: number;
  /** Label `tier`. */
  readonly tier: 'a' | 'b';
  /** A `dedicated=x` taint with this effect, or none. */
  readonly taint: TaintEffect | null;
  /** Volcano as the member scheduler, with a queue `research` capped at this many GPUs (null: no cap). */
  readonly volcano: { readonly gpuCapability: number | null } | null;
}

export type DivisionModel = 'Duplicated' | 'StaticWeight' | 'DynamicWeight' | 'Aggregated';

/** A Karmada placement (a workload's inline policy). */
export interface PlacementModel {
  readonly division: DivisionModel;
  /** clusterAffinity.clusterNames by cluster index (null: any cluster). */
  readonly clusterNames: readonly number[] | null;
  /** clusterAffinity.labelSelector tier (null: none). */
  readonly tier: 'a' | 'b' | null;
  /** Tolerate the `dedicated` taint. */
  readonly tolerate: boolean;
  /** StaticWeight: weight per cluster index (missing entries: no rule). */
  readonly weights: readonly number[];
}

export interface WorkloadModel {
  readonly kind: 'Deployment' | 'Job';
  /** Deployment replicas, or Job parallelism (= completions). */
  readonly replicas: number;
  readonly cpuMilli: number;
  readonly memoryMi: number;
  readonly gpus: number;
  /** Creation time, seconds. */
  readonly at: number;
  /** Job: minAvailable = all its pods (a gang); else 1. */
  readonly gang: boolean;
  /** Job pods' run time, minutes. */
  readonly minutes: number;
  readonly placement: PlacementModel;
  /** Deployment: scale to this many replicas at `scaleAt` seconds (null: never). */
  readonly scaleTo: number | null;
  readonly scaleAt: number;
}

export interface FailureModel {
  readonly kind: 'cluster-outage' | 'node-crash' | 'maintenance';
  readonly mode: 'down' | 'nodes-down' | 'api-unreachable';
  /** Cluster index (mod the number of clusters). */
  readonly cluster: number;
  readonly at: number;
  readonly duration: number;
}

export interface ScenarioModel {
  readonly seed: number;
  readonly clusters: readonly ClusterModel[];
  readonly workloads: readonly WorkloadModel[];
  readonly failures: readonly FailureModel[];
  /** Karmada's Failover gate with NoExecute taint eviction (so NoExecute taints evict). */
  readonly failover: boolean;
}

export interface RenderOptions {
  /** The schedulers to list (names, or module paths: written relative to `file` when given). */
  readonly schedulers?: readonly string[];
  /** Where the YAML will be written (for relative module paths). */
  readonly file?: string;
  readonly name?: string;
  /** Simulated time (default 1h). */
  readonly duration?: string;
  /** Comment lines put first (without '#'). */
  readonly comments?: readonly string[];
}

const cname = (i: number): string => `c${i}`;

function seconds(s: number): string {
  if (s % 3600 === 0 && s > 0) return `${s / 3600}h`;
  if (s % 60 === 0 && s > 0) return `${s / 60}m`;
  return `${s}s`;
}

function placementYaml(p: PlacementModel, clusters: number): string {
  const parts: string[] = [];
  const names = p.clusterNames === null ? null : [...new Set(p.clusterNames.map((i) => i % clusters))].sort((a, b) => a - b).map(cname);
  const affinity: string[] = [];
  if (names) affinity.push(`clusterNames: [${names.join(', ')}]`);
  if (p.tier) affinity.push(`labelSelector: { matchLabels: { tier: ${p.tier} } }`);
  if (affinity.length) parts.push(`clusterAffinity: { ${affinity.join(', ')} }`);
  if (p.tolerate) parts.push('clusterTolerations: [{ key: dedicated, operator: Exists }]');
  switch (p.division) {
    case 'Duplicated':
      parts.push('replicaScheduling: { replicaSchedulingType: Duplicated }');
      break;
    case 'Aggregated':
      parts.push('replicaScheduling: { replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated }');
      break;
    case 'DynamicWeight':
      parts.push('replicaScheduling: { replicaSchedulingType: Divided, weightPreference: { dynamicWeight: AvailableReplicas } }');
      break;
    case 'StaticWeight': {
      const rules = p.weights.slice(0, clusters).map((w, i) => ({ w, i })).filter(({ w }) => w > 0);
      parts.push(
        rules.length
          ? `replicaScheduling: { replicaSchedulingType: Divided, weightPreference: { staticWeightList: [${rules.map(({ w, i }) => `{ targetCluster: { clusterNames: [${cname(i)}] }, weight: ${w} }`).join(', ')}] } }`
          : 'replicaScheduling: { replicaSchedulingType: Divided }',
      );
      break;
    }
  }
  return `{ ${parts.join(', ')} }`;
}

function memory(mi: number): string {
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

/** The scenario YAML of a model. */
export function scenarioYaml(m: ScenarioModel, opts: RenderOptions = {}): string {
  const n = m.clusters.length;
  const out: string[] = [];
  for (const c of opts.comments ?? []) out.push(`# ${c}`.trimEnd());
  out.push(`name: ${opts.name ?? 'check'}`);
  if (m.seed !== 1) out.push(`seed: ${m.seed}`);
  if (opts.duration && opts.duration !== '1h') out.push(`duration: ${opts.duration}`);
  if (m.failover) out.push('karmada: { featureGates: { Failover: true }, enableNoExecuteTaintEviction: true }');
  out.push('fleet:', '  clusters:');
  m.clusters.forEach((c, i) => {
    const f: string[] = [`name: ${cname(i)}`, `region: r${c.region}`];
    if (c.tier !== 'a') f.push(`labels: { tier: ${c.tier} }`);
    if (c.taint) f.push(`taints: [{ key: dedicated, value: x, effect: ${c.taint} }]`);
    if (c.volcano) {
      f.push('scheduler: volcano');
      const cap = c.volcano.gpuCapability !== null && c.gpus > 0 ? `, capability: { nvidia.com/gpu: ${c.volcano.gpuCapability} }` : '';
      f.push(`volcano: { queues: [{ name: research, weight: 1${cap} }] }`);
    }
    const gpus = c.gpus > 0 ? `, gpus: { count: ${c.gpus} }` : '';
    f.push(`nodePools: [{ count: ${c.nodes}, cpu: ${c.cpu}, memory: ${c.memoryGi}Gi${gpus} }]`);
    out.push(`    - { ${f.join(', ')} }`);
  });
  const anyVolcano = m.clusters.some((c) => c.volcano);
  out.push('workloads:');
  m.workloads.forEach((w, i) => {
    const f: string[] = [`kind: ${w.kind}`, `name: w${i}`];
    if (w.kind === 'Deployment') f.push(`replicas: ${w.replicas}`);
    else {
      f.push(`parallelism: ${w.replicas}`, `completions: ${w.replicas}`);
      if (w.gang && w.replicas > 1) f.push(`minAvailable: ${w.replicas}`);
      f.push(`duration: ${w.minutes}m`);
      if (anyVolcano) f.push('queue: research');
    }
    if (w.at > 0) f.push(`at: ${seconds(w.at)}`);
    const res = [`cpu: ${w.cpuMilli % 1000 === 0 ? w.cpuMilli / 1000 : `${w.cpuMilli}m`}`, `memory: ${memory(w.memoryMi)}`];
    if (w.gpus > 0) res.push(`gpu: ${w.gpus}`);
    f.push(`resources: { ${res.join(', ')} }`);
    f.push(`placement: ${placementYaml(w.placement, n)}`);
    out.push(`  - { ${f.join(', ')} }`);
  });
  const scales = m.workloads.map((w, i) => ({ w, i })).filter(({ w }) => w.kind === 'Deployment' && w.scaleTo !== null);
  if (scales.length) {
    out.push('actions:');
    for (const { w, i } of scales) out.push(`  - { at: ${seconds(w.scaleAt)}, scale: { workload: w${i}, replicas: ${w.scaleTo} } }`);
  }
  if (m.failures.length) {
    out.push('faults:');
    for (const f of m.failures) {
      const parts = [`kind: ${f.kind}`, `cluster: ${cname(f.cluster % n)}`, `at: ${seconds(f.at)}`, `duration: ${seconds(f.duration)}`];
      if (f.kind === 'cluster-outage') parts.push(`mode: ${f.mode}`);
      out.push(`  - { ${parts.join(', ')} }`);
    }
  }
  const schedulers = (opts.schedulers ?? []).map((s) => {
    if (!isModulePath(s) || !opts.file) return s;
    const rel = relative(dirname(opts.file), s);
    return isAbsolute(rel) ? rel : rel.startsWith('.') ? rel : `./${rel}`;
  });
  if (schedulers.length && !(schedulers.length === 1 && schedulers[0] === 'karmada')) out.push(`schedulers: [${schedulers.join(', ')}]`);
  return out.join('\n') + '\n';
}

/** The typed Scenario of a model (parsed from its YAML: the very text a counterexample file holds). */
export function scenarioOf(m: ScenarioModel, opts: RenderOptions = {}): Scenario {
  return parseScenario(scenarioYaml(m, opts), opts.file ?? `${opts.name ?? 'check'}.yaml`, opts.file ? dirname(opts.file) : process.cwd());
}
