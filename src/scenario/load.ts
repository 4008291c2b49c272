import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { DistributionSpec, RateSpec } from '../kernel/index.js';
import { admitPlacement } from './admission.js';
import { readFaults } from './faults.js';
import { readOperatorBlocks } from './operator.js';
import { ScenarioError } from './errors.js';
import { validateAgainst } from './json-schema.js';
import {
  deploymentSchema, jobSchema, kuratorApplicationSchema, kuratorFleetSchema, manifestRoot, overridePolicySchema, propagationPolicySchema, volcanoJobSchema, volcanoQueueManifestSchema,
} from './manifests.js';
import { scenarioSchema } from './schema.js';
import { readYamlFile, parseYamlText, type PathElement, type YamlSource } from './source.js';
import type {
  ClusterAffinity, FailoverBehavior, KarmadaSettings, MatchCondition, OverridePolicySpec, Taint, VolcanoClusterSettings, VolcanoQueueSpec,
  ClusterSpec, DeploymentSpec, JobSpec, NodePoolSpec, Placement, PodTemplate, PolicySpec, RegistrySpec, Scenario, WorkloadSpec,
} from './types.js';
import { parseBandwidth, parseBytes, parseCpuMillis, parseDuration, parseMemoryMiB, parseQuantity } from './units.js';
import { paperModeProblem, readOpenbTraceBlock } from '../trace/openb-scenario.js';
import { readTrafficBlocks, trafficRegions } from '../traffic/scenario-blocks.js';

export interface LoadOptions {
  /** Names of the fleet schedulers that exist; when given, `schedulers:` is checked against it. */
  knownSchedulers?: readonly string[];
}

/** Defaults, documented in the README's scenario reference. */
export const DEFAULTS = {
  seed: 1,
  duration: 3600,
  metricsInterval: 30,
  schedulingLatency: 0.05,
  imageSizeBytes: 256 * 2 ** 20,
  podStartup: 2,
  maxPods: 110,
  link: { latency: 0.05, bandwidth: 1e9 / 8 },
  intraRegion: { latency: 0.001, bandwidth: 10e9 / 8 },
} as const;

type Obj = Record<string, unknown>;

/**
 * Read, validate and type a scenario file. Every user mistake is a located ScenarioError (exit 2).
 * A scenario with `variants:` gives its first variant; `loadScenarioVariants` gives all of them.
 */
export function loadScenario(file: string, opts: LoadOptions = {}): Scenario {
  return loadScenarioVariants(file, opts)[0];
}

/** Every variant of a scenario file (one, named '', when it has no `variants:`), each validated. */
export function loadScenarioVariants(file: string, opts: LoadOptions = {}): Scenario[] {
  const display = displayPath(file);
  const docs = readYamlFile(file, display);
  if (docs.length !== 1) {
    throw new ScenarioError({ file: display, line: 1, col: 1 }, '', 'exactly one YAML document (put manifests in an include: file)', `${docs.length} documents`);
  }
  return expandVariants(docs[0], resolve(file), opts);
}

/** Parse a field path like `fleet.clusters[1].nodePools[0].count` or `karmada.featureGates.Failover`. */
export function parseFieldPath(text: string): PathElement[] | null {
  const out: PathElement[] = [];
  const re = /([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["([^"]+)"\]|(\.)/g;
  let consumed = 0;
  let expectName = true;
  for (const m of text.matchAll(re)) {
    if (m.index !== consumed) return null;
    consumed += m[0].length;
    if (m[1] !== undefined) {
      if (!expectName) return null;
      out.push(m[1]);
      expectName = false;
    } else if (m[2] !== undefined) {
      out.push(Number(m[2]));
      expectName = false;
    } else if (m[3] !== undefined) {
      out.push(m[3]);
      expectName = false;
    } else {
      if (expectName) return null;
      expectName = true;
    }
  }
  return consumed === text.length && !expectName && out.length > 0 ? out : null;
}

function expandVariants(src: YamlSource, absFile: string, opts: LoadOptions): Scenario[] {
  const raw = src.value() as Obj | null;
  const variants = raw && typeof raw === 'object' && !Array.isArray(raw) ? raw.variants : undefined;
  if (variants === undefined) return [buildScenario(src, absFile, opts)];
  // Check the block itself first, then build each variant from the document with its values set.
  validateAgainst(src, variants, scenarioSchema.properties!.variants, scenarioSchema, ['variants']);
  const list = variants as { name: string; set?: Record<string, unknown> }[];
  const seen = new Set<string>();
  return list.map((v, i) => {
    if (seen.has(v.name)) src.fail(['variants', i, 'name'], 'a variant name not used before', v.name);
    seen.add(v.name);
    let doc = src;
    for (const [key, value] of Object.entries(v.set ?? {})) {
      const path = parseFieldPath(key);
      if (!path || path[0] === 'variants') src.fail(['variants', i, 'set', key], 'a field path like karmada.featureGates.Failover or fleet.clusters[0].nodePools[0].count', key, { atKey: true });
      doc = doc.withOverride(path, value, src.at(['variants', i, 'set', key]));
    }
    const s = buildScenario(doc, absFile, opts, true);
    return { ...s, variant: v.name, description: [s.description, (v as { description?: string }).description].filter(Boolean).join(' — ') };
  });
}

/**
 * Every variant of an already read scenario document, possibly edited first (a sweep point sets
 * its values with `withOverride`, so errors are located where the sweep wrote them).
 */
export function scenarioVariantsFromSource(src: YamlSource, file: string, opts: LoadOptions = {}): Scenario[] {
  return expandVariants(src, resolve(file), opts);
}

/** Parse a scenario from YAML text (for tests and the library API); includes resolve against `baseDir`. */
export function parseScenario(text: string, name = '<scenario>', baseDir = process.cwd(), opts: LoadOptions = {}): Scenario {
  const docs = parseYamlText(text, name);
  if (docs.length !== 1) {
    throw new ScenarioError({ file: name, line: 1, col: 1 }, '', 'exactly one YAML document', `${docs.length} documents`);
  }
  return expandVariants(docs[0], resolve(baseDir, name), opts)[0];
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function buildScenario(src: YamlSource, absFile: string, opts: LoadOptions, isVariant = false): Scenario {
  const raw = src.value();
  if (isVariant && raw && typeof raw === 'object') delete (raw as Obj).variants;
  validateAgainst(src, raw, scenarioSchema);
  const doc = raw as Obj;
  const baseDir = dirname(absFile);

  // Clusters.
  const fleetRaw = doc.fleet as Obj;
  const clustersRaw = fleetRaw.clusters as Obj[];
  const seenClusters = new Map<string, number>();
  const clusters: ClusterSpec[] = clustersRaw.map((c, i) => {
    const name = c.name as string;
    if (seenClusters.has(name)) src.fail(['fleet', 'clusters', i, 'name'], `a cluster name not used before (fleet.clusters[${seenClusters.get(name)}] is "${name}")`, name);
    seenClusters.set(name, i);
    const zones = (c.zones as string[] | undefined) ?? (c.zone ? [c.zone as string] : []);
    const pools = ((c.nodePools as Obj[] | undefined) ?? []).map((p, j): NodePoolSpec => {
      const gpus = (p.gpus as Obj | undefined) ?? {};
      return {
        name: (p.name as string | undefined) ?? `pool-${j}`,
        count: p.count as number,
        cpuMillis: parseCpuMillis(p.cpu)!,
        memoryMiB: parseMemoryMiB(p.memory)!,
        maxPods: (p.maxPods as number | undefined) ?? DEFAULTS.maxPods,
        labels: (p.labels as Record<string, string> | undefined) ?? {},
        gpus: {
          count: (gpus.count as number | undefined) ?? 0,
          model: (gpus.model as string | undefined) ?? (gpus.count ? 'generic' : ''),
          memoryMiB: gpus.memory === undefined ? 0 : parseMemoryMiB(gpus.memory)!,
        },
      };
    });
    // A trace: nodes from its node CSV (instead of nodePools) and/or the cluster's own pods.
    const trace = c.trace === undefined ? null : readOpenbTraceBlock(src, c.trace as Obj, ['fleet', 'clusters', i, 'trace'], baseDir);
    if (trace?.nodePools && c.nodePools !== undefined) src.fail(['fleet', 'clusters', i, 'nodePools'], 'either nodePools or trace.nodes, not both', 'both');
    if (!trace?.nodePools && c.nodePools === undefined) src.fail(['fleet', 'clusters', i], 'nodePools (or a trace with nodes)', 'neither');
    if (trace?.nodePools) pools.push(...trace.nodePools);
    const paperProblem = trace ? paperModeProblem(trace.spec, pools.reduce((s, p) => s + p.count * p.gpus.count * 1000, 0)) : null;
    if (paperProblem) src.fail(['fleet', 'clusters', i, 'trace', 'mode'], paperProblem, 'paper');
    const prices = (c.prices as Obj | undefined) ?? {};
    return {
      name,
      region: c.region as string,
      zones,
      provider: (c.provider as string | undefined) ?? '',
      labels: (c.labels as Record<string, string> | undefined) ?? {},
      taints: ((c.taints as ClusterSpec['taints'] | undefined) ?? []).map((t) => ({ ...t })),
      spot: (c.spot as boolean | undefined) ?? false,
      prices: { cpu: (prices.cpu as number) ?? 0, memory: (prices.memory as number) ?? 0, gpu: (prices.gpu as number) ?? 0 },
      nodeScoring: (c.nodeScoring as string | undefined) ?? 'LeastAllocated',
      scheduler: (c.scheduler as string | undefined) ?? 'kube-scheduler',
      syncMode: (c.syncMode as ClusterSpec['syncMode'] | undefined) ?? 'Push',
      karmadaMember: true,
      volcano: volcanoSettings(c.volcano as Obj | undefined, doc),
      role: (c.role as ClusterSpec['role'] | undefined) ?? 'member',
      nodePools: pools,
      ...(trace ? { trace: trace.spec } : {}),
    };
  });
  if (!clusters.some((c) => c.role === 'member')) src.fail(['fleet', 'clusters'], 'at least one cluster with role member', 'only host clusters');

  // Regions and network.
  const registriesRaw = (doc.registries as Obj[] | undefined) ?? [];
  const regionSet = new Set<string>(clusters.map((c) => c.region));
  for (const r of registriesRaw) regionSet.add(r.region as string);
  for (const r of trafficRegions(doc)) regionSet.add(r); // services' user regions
  // A control plane may run in a region of its own (a host cluster outside the fleet's regions).
  const cpRegionRaw = ((doc.controlPlane as Obj | undefined) ?? {}).region;
  if (typeof cpRegionRaw === 'string') regionSet.add(cpRegionRaw);
  const net = (doc.network as Obj | undefined) ?? {};
  const linkOf = (l: Obj | undefined, d: { latency: number; bandwidth: number }) => ({
    latency: l?.latency === undefined ? d.latency : parseDuration(l.latency)!,
    bandwidth: l?.bandwidth === undefined ? d.bandwidth : parseBandwidth(l.bandwidth)!,
  });
  const links = ((net.links as Obj[] | undefined) ?? []).map((l, i) => {
    for (const end of ['from', 'to'] as const) {
      if (!regionSet.has(l[end] as string)) src.fail(['network', 'links', i, end], `a region of a cluster or registry (${[...regionSet].join(', ')})`, l[end]);
    }
    const d = linkOf(l, DEFAULTS.link);
    return { from: l.from as string, to: l.to as string, latency: d.latency, bandwidth: d.bandwidth };
  });

  // Control plane.
  const cp = (doc.controlPlane as Obj | undefined) ?? {};
  let cpCluster: string | null = (cp.cluster as string | undefined) ?? clusters.find((c) => c.role === 'host')?.name ?? null;
  if (cp.cluster !== undefined && !seenClusters.has(cp.cluster as string)) src.fail(['controlPlane', 'cluster'], `the name of a cluster in fleet.clusters (${[...seenClusters.keys()].join(', ')})`, cp.cluster);
  let cpRegion = (cp.region as string | undefined) ?? (cpCluster ? clusters[seenClusters.get(cpCluster)!].region : clusters[0].region);
  if (cp.region !== undefined && !regionSet.has(cpRegion)) src.fail(['controlPlane', 'region'], `a region of a cluster or registry (${[...regionSet].join(', ')})`, cpRegion);
  if (cpCluster === null) cpCluster = null;

  // Registries, images, defaults.
  const registries: RegistrySpec[] = registriesRaw.map((r) => ({ name: (r.name as string | undefined) ?? (r.host as string), host: r.host as string, region: r.region as string }));
  const images = ((doc.images as Obj[] | undefined) ?? []).map((im) => ({ image: im.image as string, sizeBytes: parseBytes(im.size)! }));
  const defaultsRaw = (doc.defaults as Obj | undefined) ?? {};
  if (defaultsRaw.registryRegion !== undefined && !regionSet.has(defaultsRaw.registryRegion as string)) {
    src.fail(['defaults', 'registryRegion'], `a region of a cluster or registry (${[...regionSet].join(', ')})`, defaultsRaw.registryRegion);
  }
  const defaults = {
    imageSizeBytes: defaultsRaw.imageSize === undefined ? DEFAULTS.imageSizeBytes : parseBytes(defaultsRaw.imageSize)!,
    registryRegion: (defaultsRaw.registryRegion as string | undefined) ?? cpRegion,
    podStartup: defaultsRaw.podStartup === undefined ? DEFAULTS.podStartup : parseDuration(defaultsRaw.podStartup)!,
  };
  const ctx: TemplateContext = { registries, images, defaults, baseDir };

  // Policies and workloads written in the scenario itself.
  const policies: PolicySpec[] = ((doc.policies as Obj[] | undefined) ?? []).map((p, i) => {
    const pos = src.at(['policies', i]);
    const kind = (p.kind as PolicySpec['kind'] | undefined) ?? 'PropagationPolicy';
    return {
      kind,
      name: p.name as string,
      namespace: kind === 'ClusterPropagationPolicy' ? '' : ((p.namespace as string | undefined) ?? 'default'),
      priority: (p.priority as number | undefined) ?? 0,
      resourceSelectors: (p.resourceSelectors as PolicySpec['resourceSelectors'] | undefined) ?? [],
      placement: admitPlacement(p.placement as Placement),
      ...policyExtras(p),
      source: `${pos.file}:${pos.line}`,
    };
  });
  const workloads: WorkloadSpec[] = ((doc.workloads as Obj[] | undefined) ?? []).map((w, i) => workloadFromScenario(src, w, ['workloads', i], ctx));

  // Included manifests.
  const ignoredManifests: Scenario['ignoredManifests'] = [];
  const sink: ManifestSink = { workloads, policies, overrides: [], fleets: [], applications: [], queues: [], priorityClasses: {}, ignored: ignoredManifests };
  ((doc.include as string[] | undefined) ?? []).forEach((inc, i) => {
    const abs = resolve(baseDir, inc);
    let docs: YamlSource[];
    try {
      docs = readYamlFile(abs, displayPath(abs));
    } catch (e) {
      if (e instanceof ScenarioError && e.expected === 'a readable YAML file') src.fail(['include', i], 'a readable YAML file (relative to the scenario)', `${inc}: ${e.found}`, { rawFound: true });
      throw e;
    }
    for (const m of docs) readManifest(m, ctx, sink);
  });
  applyKurator(sink, clusters, ctx);
  // Karmada resolves a policy's schedulePriority from the PriorityClass of that name.
  const priorityClasses: Record<string, number> = { ...((doc.priorityClasses as Record<string, number> | undefined) ?? {}), ...sink.priorityClasses };
  for (const p of policies) {
    if (!p.schedulePriority) continue;
    const v = priorityClasses[p.schedulePriority.priorityClassName];
    if (v === undefined) {
      throw new ScenarioError(parseSource(p.source), 'schedulePriority.priorityClassName', `a PriorityClass of the scenario (priorityClasses:, or a scheduling.k8s.io/v1 PriorityClass: ${Object.keys(priorityClasses).join(', ') || 'none'})`, `"${p.schedulePriority.priorityClassName}"`);
    }
    p.schedulePriority.value = v;
  }
  // Volcano Queues are cluster-scoped objects; included ones exist in every Volcano member.
  for (const c of clusters) if (c.scheduler === 'volcano') for (const q of sink.queues) if (!c.volcano.queues.some((x) => x.name === q.name)) c.volcano.queues.push(q);

  // Cross-references.
  const seenWorkloads = new Map<string, string>();
  for (const w of workloads) {
    const key = `${w.namespace}/${w.kind}/${w.name}`;
    if (seenWorkloads.has(key)) throw new ScenarioError(parseSource(w.source), 'name', `a workload name not used before (${seenWorkloads.get(key)} defines ${w.kind} ${w.namespace}/${w.name})`, `"${w.name}" again`);
    seenWorkloads.set(key, w.source);
    if (w.policy !== null && !policies.some((p) => p.name === w.policy)) {
      throw new ScenarioError(parseSource(w.source), 'policy', `the name of a policy (${policies.map((p) => p.name).join(', ') || 'none defined'})`, `"${w.policy}"`);
    }
  }
  const seenPolicies = new Set<string>();
  for (const p of policies) {
    const key = `${p.kind}/${p.namespace}/${p.name}`;
    if (seenPolicies.has(key)) throw new ScenarioError(parseSource(p.source), 'name', 'a policy name not used before', `"${p.name}" again`);
    seenPolicies.add(key);
  }

  // A scheduler given as a module path is relative to the scenario file.
  const schedulers = ((doc.schedulers as string[] | undefined) ?? ['karmada']).map((s) => (isModulePath(s) && !isAbsolute(s) ? resolve(baseDir, s) : s));
  if (opts.knownSchedulers) {
    schedulers.forEach((s, i) => {
      if (!opts.knownSchedulers!.includes(s) && !isModulePath(s)) {
        src.fail(['schedulers', i], `a registered scheduler (${opts.knownSchedulers!.join(', ')}) or a module path like ./my-policy.js`, s);
      }
    });
  }

  return {
    name: doc.name as string,
    description: (doc.description as string | undefined) ?? '',
    file: absFile,
    seed: (doc.seed as number | undefined) ?? DEFAULTS.seed,
    duration: doc.duration === undefined ? DEFAULTS.duration : parseDuration(doc.duration)!,
    metricsInterval: parseDuration(((doc.metrics as Obj | undefined) ?? {}).interval ?? DEFAULTS.metricsInterval)!,
    controlPlane: { region: cpRegion, cluster: cpCluster, schedulingLatency: cp.schedulingLatency === undefined ? DEFAULTS.schedulingLatency : parseDuration(cp.schedulingLatency)! },
    network: { regions: [...regionSet], default: linkOf(net.default as Obj | undefined, DEFAULTS.link), intraRegion: linkOf(net.intraRegion as Obj | undefined, DEFAULTS.intraRegion), links },
    registries,
    images,
    defaults,
    fleet: { name: (fleetRaw.name as string | undefined) ?? (doc.name as string), clusters },
    workloads,
    policies,
    schedulers,
    replications: (doc.replications as number | undefined) ?? 1,
    ignoredManifests,
    karmada: karmadaSettings(doc.karmada as Obj | undefined),
    overridePolicies: sink.overrides,
    fleets: sink.fleets,
    dynamicWeight: {
      mode: (((doc.dynamicWeight as Obj | undefined) ?? {}).mode as 'available-replicas' | 'health-latency' | undefined) ?? 'available-replicas',
      referenceLatency: parseDuration(((doc.dynamicWeight as Obj | undefined) ?? {}).referenceLatency ?? 0.05)!,
    },
    costSpot: { onDemandFloor: (((doc.costSpot as Obj | undefined) ?? {}).onDemandFloor as number | undefined) ?? 0.2 },
    faults: readFaults(src, doc, clusters, regionSet, baseDir, (v, path) => durationSpec(src, v, path, baseDir)),
    actions: ((doc.actions as Obj[] | undefined) ?? []).map((a, i) => {
      const sc = a.scale as Obj;
      const ref = sc.workload as string;
      const [namespace, name] = ref.includes('/') ? ref.split('/', 2) : ['default', ref];
      if (!workloads.some((w) => w.kind === 'Deployment' && w.namespace === namespace && w.name === name)) {
        src.fail(['actions', i, 'scale', 'workload'], `a Deployment of the scenario (${workloads.filter((w) => w.kind === 'Deployment').map((w) => `${w.namespace}/${w.name}`).join(', ') || 'none'})`, ref);
      }
      return { at: parseDuration(a.at)!, scale: { namespace, name, replicas: sc.replicas as number } };
    }),
    ...readOperatorBlocks(src, doc, (v, path) => durationSpec(src, v, path, baseDir), !isVariant),
    variant: '',
    ...trafficField(readTrafficBlocks(src, doc, { workloads, clusters, regions: regionSet, registries, images, defaults, baseDir, imageHost })),
  };
}

const trafficField = (t: Scenario['traffic']): { traffic?: Scenario['traffic'] } => (t ? { traffic: t } : {});

/** Does a scheduler name look like a module path (`./my-policy.js`)? */
export function isModulePath(s: string): boolean {
  return /[/\\]|\.[cm]?js$/.test(s);
}

/** PropagationPolicy fields beside the placement, with Karmada's defaults (webhook: gracePeriodSeconds 600 under Gracefully). */
function policyExtras(p: Obj): Pick<PolicySpec, 'preemption' | 'propagateDeps' | 'failover' | 'schedulePriority'> {
  const f = p.failover as FailoverBehavior | undefined;
  let failover: FailoverBehavior | null = null;
  if (f) {
    failover = structuredClone(f);
    if (failover.application) {
      const a = failover.application;
      a.decisionConditions = { tolerationSeconds: a.decisionConditions?.tolerationSeconds ?? 300 };
      a.purgeMode ??= 'Gracefully';
      if (a.purgeMode === 'Gracefully') a.gracePeriodSeconds ??= 600;
    }
    if (failover.cluster) failover.cluster.purgeMode ??= 'Gracefully';
  }
  const sp = p.schedulePriority as { priorityClassName?: string } | undefined;
  return {
    preemption: (p.preemption as 'Always' | 'Never' | undefined) ?? 'Never',
    propagateDeps: (p.propagateDeps as boolean | undefined) ?? false,
    failover,
    // The value is resolved once every PriorityClass is known (after the include: files).
    schedulePriority: sp?.priorityClassName ? { priorityClassName: sp.priorityClassName, value: 0 } : null,
  };
}

/** Karmada v1.19 defaults (spec §10.1). */
export const DEFAULT_KARMADA: KarmadaSettings = {
  clusterStatusUpdateFrequency: 10,
  clusterFailureThreshold: 30,
  clusterSuccessThreshold: 30,
  clusterMonitorPeriod: 5,
  clusterMonitorGracePeriod: 40,
  clusterStartupGracePeriod: 60,
  featureGates: { Failover: false, GracefulEviction: true },
  enableNoExecuteTaintEviction: false,
  noExecuteTaintEvictionPurgeMode: 'Gracefully',
  gracefulEvictionTimeout: 600,
  resourceEvictionRate: 0.5,
  enableSchedulerEstimator: false,
  clusterTaintPolicies: [],
};

function karmadaSettings(k: Obj | undefined): KarmadaSettings {
  const d = DEFAULT_KARMADA;
  if (!k) return structuredClone(d);
  const dur = (key: keyof KarmadaSettings): number => (k[key] === undefined ? (d[key] as number) : parseDuration(k[key])!);
  const gates = (k.featureGates as Partial<KarmadaSettings['featureGates']> | undefined) ?? {};
  return {
    clusterStatusUpdateFrequency: dur('clusterStatusUpdateFrequency'),
    clusterFailureThreshold: dur('clusterFailureThreshold'),
    clusterSuccessThreshold: dur('clusterSuccessThreshold'),
    clusterMonitorPeriod: dur('clusterMonitorPeriod'),
    clusterMonitorGracePeriod: dur('clusterMonitorGracePeriod'),
    clusterStartupGracePeriod: dur('clusterStartupGracePeriod'),
    featureGates: { Failover: gates.Failover ?? d.featureGates.Failover, GracefulEviction: gates.GracefulEviction ?? d.featureGates.GracefulEviction },
    enableNoExecuteTaintEviction: (k.enableNoExecuteTaintEviction as boolean | undefined) ?? d.enableNoExecuteTaintEviction,
    noExecuteTaintEvictionPurgeMode: (k.noExecuteTaintEvictionPurgeMode as KarmadaSettings['noExecuteTaintEvictionPurgeMode'] | undefined) ?? d.noExecuteTaintEvictionPurgeMode,
    gracefulEvictionTimeout: dur('gracefulEvictionTimeout'),
    resourceEvictionRate: (k.resourceEvictionRate as number | undefined) ?? d.resourceEvictionRate,
    enableSchedulerEstimator: (k.enableSchedulerEstimator as boolean | undefined) ?? d.enableSchedulerEstimator,
    clusterTaintPolicies: ((k.clusterTaintPolicies as Obj[] | undefined) ?? []).map((p) => ({
      name: p.name as string,
      ...(p.targetClusters ? { targetClusters: p.targetClusters as ClusterAffinity } : {}),
      addOnConditions: (p.addOnConditions as MatchCondition[] | undefined) ?? [],
      removeOnConditions: (p.removeOnConditions as MatchCondition[] | undefined) ?? [],
      taints: p.taints as Taint[],
    })),
  };
}

function parseSource(s: string): { file: string; line: number; col: number } {
  const m = /^(.*):(\d+)$/.exec(s);
  return m ? { file: m[1], line: Number(m[2]), col: 1 } : { file: s, line: 1, col: 1 };
}

interface TemplateContext {
  registries: RegistrySpec[];
  images: { image: string; sizeBytes: number }[];
  defaults: Scenario['defaults'];
  baseDir: string;
}

/** The registry host of an image reference, as the container runtime reads it. */
export function imageHost(image: string): string {
  const first = image.split('/')[0];
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return 'docker.io';
}

function template(
  ctx: TemplateContext,
  f: { image: string; imageSize?: number | null; startup?: number | null; cpuMillis: number; memoryMiB: number; gpus: number; gpuMilli?: number; gpuModels?: string[]; priority: number },
): PodTemplate {
  const host = imageHost(f.image);
  const reg = ctx.registries.find((r) => r.host === host);
  const known = ctx.images.find((im) => im.image === f.image);
  return {
    cpuMillis: f.cpuMillis,
    memoryMiB: f.memoryMiB,
    gpus: f.gpus,
    gpuMilli: f.gpus > 0 ? (f.gpuMilli ?? 1000) : 0,
    gpuModels: f.gpuModels ?? [],
    image: f.image,
    imageSizeBytes: f.imageSize ?? known?.sizeBytes ?? ctx.defaults.imageSizeBytes,
    registryRegion: reg?.region ?? ctx.defaults.registryRegion,
    startup: f.startup ?? ctx.defaults.podStartup,
    priority: f.priority,
  };
}

function durationSpec(src: YamlSource, v: unknown, path: PathElement[], baseDir: string): DistributionSpec {
  if (typeof v === 'number' || typeof v === 'string') {
    const d = parseDuration(v);
    if (d === null) src.fail(path, 'a duration (seconds, or like "10m") or a distribution', v);
    return { kind: 'constant', value: d };
  }
  const d = v as DistributionSpec & Obj;
  if (d.kind === 'uniform' && parseDuration(d.max)! < parseDuration(d.min)!) src.fail([...path, 'max'], `a duration >= min (${d.min})`, d.max);
  if (d.kind === 'empirical') {
    const hasSamples = Array.isArray(d.samples);
    const hasCsv = typeof d.csv === 'string';
    if (hasSamples === hasCsv) src.fail(path, 'an empirical distribution with either samples or csv+column', d);
    if (hasCsv) {
      if (typeof d.column !== 'string') src.fail([...path, 'column'], 'the name of a CSV column', d.column);
      return { kind: 'empirical', csv: resolve(baseDir, d.csv as string), column: d.column as string };
    }
  }
  const out: Obj = { ...d };
  for (const k of ['value', 'min', 'max', 'mean', 'stddev', 'scale']) {
    if (k in out && d.kind !== 'lognormal') out[k] = parseDuration(out[k])!;
  }
  return out as DistributionSpec;
}

/** A rate block of the schema (constant, diurnal, piecewise) as the kernel's RateSpec. */
export function rateSpec(v: Obj): RateSpec {
  if (v.kind === 'diurnal') {
    return {
      kind: 'diurnal',
      mean: v.mean as number,
      amplitude: v.amplitude as number,
      ...(v.period !== undefined ? { period: parseDuration(v.period)! } : {}),
      ...(v.peakAt !== undefined ? { peakAt: parseDuration(v.peakAt)! } : {}),
    };
  }
  if (v.kind === 'piecewise') {
    return {
      kind: 'piecewise',
      points: (v.points as Obj[]).map((p) => ({ t: parseDuration(p.t)!, rate: p.rate as number })),
      ...(v.repeat !== undefined ? { repeat: parseDuration(v.repeat)! } : {}),
    };
  }
  return { kind: 'constant', rate: v.rate as number };
}

/** `gpu` whole GPUs, or `gpuMilli` of one shared GPU; `gpuModels` limits the models. */
function gpuRequest(src: YamlSource, res: Obj, path: PathElement[]): { gpus: number; gpuMilli?: number; gpuModels?: string[] } {
  const gpus = (res.gpu as number | undefined) ?? 0;
  const milli = res.gpuMilli as number | undefined;
  const models = res.gpuModels as string[] | undefined;
  if (milli !== undefined && milli < 1000 && gpus > 1) src.fail([...path, 'gpuMilli'], `1000 when gpu > 1 (a shared GPU is one GPU; gpu is ${gpus})`, milli);
  return {
    gpus: milli !== undefined && gpus === 0 ? 1 : gpus,
    ...(milli !== undefined ? { gpuMilli: milli } : {}),
    ...(models ? { gpuModels: models } : {}),
  };
}

function workloadFromScenario(src: YamlSource, w: Obj, path: PathElement[], ctx: TemplateContext): WorkloadSpec {
  const res = (w.resources as Obj | undefined) ?? {};
  const name = w.name as string;
  const namespace = (w.namespace as string | undefined) ?? 'default';
  const pos = src.at(path);
  const image = (w.image as string | undefined) ?? 'registry.k8s.io/pause:3.9';
  const common = {
    name,
    namespace,
    labels: (w.labels as Record<string, string> | undefined) ?? {},
    arrival: w.at === undefined ? 0 : parseDuration(w.at)!,
    template: template(ctx, {
      image,
      imageSize: w.imageSize === undefined ? null : parseBytes(w.imageSize),
      startup: w.startup === undefined ? null : parseDuration(w.startup),
      cpuMillis: res.cpu === undefined ? 0 : parseCpuMillis(res.cpu)!,
      memoryMiB: res.memory === undefined ? 0 : parseMemoryMiB(res.memory)!,
      ...gpuRequest(src, res, [...path, 'resources']),
      priority: (w.priority as number | undefined) ?? 0,
    }),
    policy: (w.policy as string | undefined) ?? null,
    placement: w.placement === undefined ? null : admitPlacement(w.placement as Placement),
    kurator: null,
    source: `${pos.file}:${pos.line}`,
  };
  if (common.policy !== null && common.placement !== null) src.fail([...path, 'placement'], 'either policy or placement, not both', 'both');
  if (w.kind === 'Deployment') {
    return { kind: 'Deployment', apiVersion: 'apps/v1', uid: `${namespace}/Deployment/${name}`, ...common, replicas: w.replicas as number };
  }
  const parallelism = (w.parallelism as number | undefined) ?? 1;
  const completions = (w.completions as number | undefined) ?? parallelism;
  const minAvailable = (w.minAvailable as number | undefined) ?? 1;
  if (minAvailable > parallelism) src.fail([...path, 'minAvailable'], `an integer <= parallelism (${parallelism})`, minAvailable);
  const arr = w.arrivals as Obj | undefined;
  if (arr && arr.count === undefined && arr.until === undefined) src.fail([...path, 'arrivals'], 'a bound: count or until (or both)', arr);
  const job: JobSpec = {
    kind: 'Job',
    apiVersion: 'batch/v1',
    uid: `${namespace}/Job/${name}`,
    ...common,
    parallelism,
    completions,
    minAvailable,
    ...(w.queue !== undefined ? { queue: w.queue as string } : {}),
    duration: durationSpec(src, w.duration, [...path, 'duration'], ctx.baseDir),
    arrivals: arr ? { rate: rateSpec(arr.rate as Obj), count: (arr.count as number | undefined) ?? Number.MAX_SAFE_INTEGER, until: arr.until === undefined ? Infinity : parseDuration(arr.until)! } : null,
  };
  return job;
}

// ---------------------------------------------------------------------------------------------
// Included manifests: Kubernetes Deployment/Job, Karmada PropagationPolicy/ClusterPropagationPolicy.

function requestsOf(src: YamlSource, containers: Obj[], path: PathElement[]): { cpuMillis: number; memoryMiB: number; gpus: number } {
  let cpu = 0;
  let mem = 0;
  let gpu = 0;
  containers.forEach((c, i) => {
    const r = (c.resources as Obj | undefined) ?? {};
    // Kubernetes defaults a container's requests to its limits when only limits are given.
    const req = { ...((r.limits as Obj | undefined) ?? {}), ...((r.requests as Obj | undefined) ?? {}) };
    const base = [...path, i, 'resources', r.requests && (r.requests as Obj).cpu !== undefined ? 'requests' : 'limits'];
    if (req.cpu !== undefined) {
      const v = parseCpuMillis(req.cpu);
      if (v === null) src.fail([...base, 'cpu'], 'a CPU quantity like "500m" or 2', req.cpu);
      cpu += v;
    }
    if (req.memory !== undefined) {
      const v = parseMemoryMiB(req.memory);
      if (v === null) src.fail([...path, i, 'resources', 'requests', 'memory'], 'a memory quantity like "512Mi"', req.memory);
      mem += v;
    }
    const g = req['nvidia.com/gpu'];
    if (g !== undefined) {
      const v = parseQuantity(g);
      if (v === null || !Number.isInteger(v)) src.fail([...path, i, 'resources', 'limits', 'nvidia.com/gpu'], 'a whole number of GPUs', g);
      gpu += v;
    }
  });
  return { cpuMillis: cpu, memoryMiB: mem, gpus: gpu };
}

function annotationDuration(src: YamlSource, ann: Record<string, string>, key: string, path: PathElement[]): number | null {
  if (ann[key] === undefined) return null;
  const d = parseDuration(ann[key]);
  if (d === null) src.fail([...path, 'metadata', 'annotations', key], 'a duration like "90s" or "10m"', ann[key]);
  return d;
}

/** What the included manifests add to the scenario. */
interface ManifestSink {
  workloads: WorkloadSpec[];
  policies: PolicySpec[];
  overrides: OverridePolicySpec[];
  fleets: Scenario['fleets'];
  applications: { name: string; manifests: string; syncPolicies: { fleet: string; matchLabels: Record<string, string> }[]; src: YamlSource }[];
  queues: VolcanoQueueSpec[];
  priorityClasses: Record<string, number>;
  ignored: Scenario['ignoredManifests'];
}

function readManifest(m: YamlSource, ctx: TemplateContext, sink: ManifestSink): void {
  const { workloads, policies, ignored } = sink;
  const v = m.value();
  if (v === null || v === undefined) return;
  if (typeof v !== 'object' || Array.isArray(v)) m.fail([], 'a Kubernetes manifest (a map with apiVersion and kind)', v);
  const o = v as Obj;
  if (typeof o.apiVersion !== 'string') m.fail(['apiVersion'], 'a string like "apps/v1"', o.apiVersion);
  if (typeof o.kind !== 'string') m.fail(['kind'], 'a string like "Deployment"', o.kind);
  const group = o.apiVersion.split('/')[0];
  const pos = m.at([]);
  const source = `${pos.file}:${pos.line}`;
  const metaName = (o.metadata as Obj | undefined)?.name;

  if (o.kind === 'Deployment' && o.apiVersion === 'apps/v1') {
    validateAgainst(m, o, deploymentSchema, manifestRoot());
    const { meta, spec, podSpec, ann } = parts(o);
    const name = meta.name as string;
    const namespace = (meta.namespace as string | undefined) ?? 'default';
    const containers = podSpec.containers as Obj[];
    const dep: DeploymentSpec = {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      uid: `${namespace}/Deployment/${name}`,
      ...manifestBase(m, meta, ann, podSpec, containers, ctx, source),
      replicas: (spec.replicas as number | undefined) ?? 1,
    };
    workloads.push(dep);
    return;
  }
  if (o.kind === 'Job' && o.apiVersion === 'batch/v1') {
    validateAgainst(m, o, jobSchema, manifestRoot());
    const { meta, spec, podSpec, ann } = parts(o);
    const name = meta.name as string;
    const namespace = (meta.namespace as string | undefined) ?? 'default';
    const containers = podSpec.containers as Obj[];
    const parallelism = (spec.parallelism as number | undefined) ?? 1;
    const completions = (spec.completions as number | undefined) ?? parallelism;
    const duration = runTimeAnnotation(m, ann, ctx);
    let minAvailable = 1;
    if (ann['fleetsim.io/min-available'] !== undefined) {
      minAvailable = Number(ann['fleetsim.io/min-available']);
      if (!Number.isInteger(minAvailable) || minAvailable < 1 || minAvailable > parallelism) {
        m.fail(['metadata', 'annotations', 'fleetsim.io/min-available'], `an integer from 1 to parallelism (${parallelism})`, ann['fleetsim.io/min-available']);
      }
    }
    workloads.push({
      kind: 'Job',
      apiVersion: 'batch/v1',
      uid: `${namespace}/Job/${name}`,
      ...manifestBase(m, meta, ann, podSpec, containers, ctx, source),
      parallelism,
      completions,
      minAvailable,
      duration,
      arrivals: null,
    });
    return;
  }
  if ((o.kind === 'PropagationPolicy' || o.kind === 'ClusterPropagationPolicy') && group === 'policy.karmada.io') {
    validateAgainst(m, o, propagationPolicySchema, manifestRoot());
    const meta = o.metadata as Obj;
    const spec = o.spec as Obj;
    policies.push({
      kind: o.kind,
      name: meta.name as string,
      namespace: o.kind === 'ClusterPropagationPolicy' ? '' : ((meta.namespace as string | undefined) ?? 'default'),
      priority: (spec.priority as number | undefined) ?? 0,
      resourceSelectors: spec.resourceSelectors as PolicySpec['resourceSelectors'],
      placement: admitPlacement((spec.placement as Placement | undefined) ?? {}),
      ...policyExtras(spec),
      source,
    });
    return;
  }
  if ((o.kind === 'OverridePolicy' || o.kind === 'ClusterOverridePolicy') && group === 'policy.karmada.io') {
    validateAgainst(m, o, overridePolicySchema, manifestRoot());
    const meta = o.metadata as Obj;
    const spec = o.spec as Obj;
    sink.overrides.push({
      kind: o.kind,
      name: meta.name as string,
      namespace: o.kind === 'ClusterOverridePolicy' ? '' : ((meta.namespace as string | undefined) ?? 'default'),
      resourceSelectors: (spec.resourceSelectors as PolicySpec['resourceSelectors'] | undefined) ?? [],
      overrideRules: ((spec.overrideRules as Obj[] | undefined) ?? []).map((r) => ({
        ...(r.targetCluster ? { targetCluster: r.targetCluster as ClusterAffinity } : {}),
        overriders: (r.overriders as OverridePolicySpec['overrideRules'][number]['overriders'] | undefined) ?? {},
      })),
      source,
    });
    return;
  }
  if (o.kind === 'Fleet' && group === 'fleet.kurator.dev') {
    validateAgainst(m, o, kuratorFleetSchema, manifestRoot());
    const meta = o.metadata as Obj;
    const ann = (meta.annotations as Record<string, string> | undefined) ?? {};
    sink.fleets.push({
      name: meta.name as string,
      clusters: (((o.spec as Obj).clusters as Obj[] | undefined) ?? []).map((c) => c.name as string),
      karmada: ann['fleet.kurator.dev/controlplane'] === 'karmada',
      source,
    });
    return;
  }
  if (o.kind === 'Application' && group === 'apps.kurator.dev') {
    validateAgainst(m, o, kuratorApplicationSchema, manifestRoot());
    const meta = o.metadata as Obj;
    const spec = o.spec as Obj;
    const ann = (meta.annotations as Record<string, string> | undefined) ?? {};
    const manifests = ann['fleetsim.io/manifests'];
    if (manifests === undefined) m.fail(['metadata', 'annotations', 'fleetsim.io/manifests'], "the file holding what the Application's source would deliver (annotation fleetsim.io/manifests: a YAML file, relative to this one)", undefined);
    const defaultDest = (spec.destination as Obj | undefined) ?? {};
    sink.applications.push({
      name: meta.name as string,
      manifests: resolve(dirname(resolve(m.file)), manifests),
      syncPolicies: ((spec.syncPolicies as Obj[] | undefined) ?? []).map((p) => {
        const d = (p.destination as Obj | undefined) ?? defaultDest;
        return { fleet: (d.fleet as string | undefined) ?? '', matchLabels: (((d.clusterSelector as Obj | undefined) ?? {}).matchLabels as Record<string, string> | undefined) ?? {} };
      }),
      src: m,
    });
    return;
  }
  if (o.kind === 'PriorityClass' && group === 'scheduling.k8s.io') {
    if (typeof o.value !== 'number' || !Number.isInteger(o.value)) m.fail(['value'], 'an integer priority value', o.value);
    const name = (o.metadata as Obj | undefined)?.name;
    if (typeof name !== 'string') m.fail(['metadata', 'name'], 'a name', name);
    sink.priorityClasses[name] = o.value;
    return;
  }
  if (o.kind === 'Queue' && group === 'scheduling.volcano.sh') {
    validateAgainst(m, o, volcanoQueueManifestSchema, manifestRoot());
    const spec = ((o.spec as Obj | undefined) ?? {}) as Obj;
    sink.queues.push(queueFromObj({ name: (o.metadata as Obj).name, ...spec }));
    return;
  }
  if (o.kind === 'Job' && group === 'batch.volcano.sh') {
    validateAgainst(m, o, volcanoJobSchema, manifestRoot());
    readVolcanoJob(m, o, ctx, sink, source);
    return;
  }
  ignored.push({ kind: `${o.apiVersion}/${o.kind}`, name: typeof metaName === 'string' ? metaName : '', file: m.file });
}

/**
 * Kurator (spec/kurator.md §2–3): a Fleet labels its clusters `fleet.kurator.dev/fleet-name`; with
 * the annotation `fleet.kurator.dev/controlplane: karmada` only its clusters are joined to Karmada
 * (the others are left out of the scenario's Karmada: their role becomes host-like, taking nothing
 * from Karmada). An Application broadcasts full copies of its workloads to every cluster of the
 * destination fleet whose labels match the sync policy's clusterSelector (readiness unchecked; no
 * division, no failover). Its Git/Helm/OCI source cannot be fetched here: the annotation
 * `fleetsim.io/manifests` names the file with what that source would deliver.
 */
function applyKurator(sink: ManifestSink, clusters: ClusterSpec[], ctx: TemplateContext): void {
  const byName = new Map(clusters.map((c) => [c.name, c]));
  for (const f of sink.fleets) {
    for (const c of f.clusters) {
      const spec = byName.get(c);
      if (!spec) throw new ScenarioError(parseSource(f.source), 'spec.clusters', `the name of a cluster in the scenario's fleet.clusters (${[...byName.keys()].join(', ')})`, `"${c}"`);
      spec.labels = { ...spec.labels, 'fleet.kurator.dev/fleet-name': f.name };
    }
  }
  const karmadaFleets = sink.fleets.filter((f) => f.karmada);
  if (karmadaFleets.length > 0) {
    const joined = new Set(karmadaFleets.flatMap((f) => f.clusters));
    for (const c of clusters) if (c.role === 'member' && !joined.has(c.name)) c.karmadaMember = false;
  }
  for (const app of sink.applications) {
    const targets = new Set<string>();
    app.syncPolicies.forEach((p, i) => {
      const fleet = sink.fleets.find((f) => f.name === p.fleet);
      if (!fleet) app.src.fail(['spec', 'syncPolicies', i, 'destination', 'fleet'], `the name of a Kurator Fleet (${sink.fleets.map((f) => f.name).join(', ') || 'none included'})`, p.fleet);
      for (const c of fleet.clusters) {
        const labels = byName.get(c)!.labels;
        if (Object.entries(p.matchLabels).every(([k, v]) => labels[k] === v)) targets.add(c);
      }
    });
    let docs: YamlSource[];
    try {
      docs = readYamlFile(app.manifests, displayPath(app.manifests));
    } catch (e) {
      if (e instanceof ScenarioError && e.expected === 'a readable YAML file') app.src.fail(['metadata', 'annotations', 'fleetsim.io/manifests'], 'a readable YAML file (relative to the Application\'s file)', `${e.found}`, { rawFound: true });
      throw e;
    }
    const own: ManifestSink = { ...sink, workloads: [], policies: [], overrides: [], applications: [] };
    for (const d of docs) readManifest(d, ctx, own);
    const clusterList = [...targets].sort();
    for (const w of own.workloads) sink.workloads.push({ ...w, kurator: { application: app.name, clusters: clusterList } });
  }
}

/** Volcano settings of a cluster; queues given in the scenario, in Kubernetes units. */
function volcanoSettings(v: Obj | undefined, doc: Obj): VolcanoClusterSettings {
  const interval = parseDuration(((doc.metrics as Obj | undefined) ?? {}).interval ?? DEFAULTS.metricsInterval)!;
  return {
    config: (v?.config as VolcanoClusterSettings['config'] | undefined) ?? 'default',
    ...(v?.actions ? { actions: v.actions as VolcanoClusterSettings['actions'] } : {}),
    schedulePeriod: v?.schedulePeriod === undefined ? 1 : parseDuration(v.schedulePeriod)!,
    queues: ((v?.queues as Obj[] | undefined) ?? []).map(queueFromObj),
    sampleInterval: interval,
  };
}

/** Queue resources in Volcano's units: cpu millicores, memory bytes, GPUs and pods as counts. */
function queueResources(r: Obj | undefined): Record<string, number> | undefined {
  if (!r) return undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'cpu') out.cpu = parseCpuMillis(v) ?? 0;
    else if (k === 'memory') out.memory = parseQuantity(v) ?? 0;
    else out[k] = parseQuantity(v) ?? 0;
  }
  return out;
}

function queueFromObj(q: Obj): VolcanoQueueSpec {
  return {
    name: q.name as string,
    ...(q.weight !== undefined ? { weight: q.weight as number } : {}),
    ...(q.priority !== undefined ? { priority: q.priority as number } : {}),
    ...(q.reclaimable !== undefined ? { reclaimable: q.reclaimable as boolean } : {}),
    ...(q.capability ? { capability: queueResources(q.capability as Obj) } : {}),
    ...(q.guarantee ? { guarantee: queueResources(((q.guarantee as Obj).resource as Obj | undefined) ?? (q.guarantee as Obj)) } : {}),
    ...(q.deserved ? { deserved: queueResources(q.deserved as Obj) } : {}),
  };
}

/**
 * A Volcano Job (`batch.volcano.sh/v1alpha1`): its tasks become one Job workload when they ask for
 * the same resources (replicas summed, gang = `minAvailable`); tasks that differ become one Job
 * workload each, with the task's `minAvailable` (or its replicas) as its own gang — fleetsim models
 * one pod template per workload, so a mixed gang (e.g. ps + workers) is approximated per task.
 * Run time: annotation `fleetsim.io/duration`, as for batch/v1 Jobs.
 */
function readVolcanoJob(m: YamlSource, o: Obj, ctx: TemplateContext, sink: ManifestSink, source: string): void {
  const meta = o.metadata as Obj;
  const spec = o.spec as Obj;
  const name = meta.name as string;
  const namespace = (meta.namespace as string | undefined) ?? 'default';
  const ann = (meta.annotations as Record<string, string> | undefined) ?? {};
  const duration = runTimeAnnotation(m, ann, ctx);
  const tasks = spec.tasks as Obj[];
  const parts = tasks.map((t, i) => {
    const tpl = t.template as Obj;
    const podSpec = tpl.spec as Obj;
    const containers = podSpec.containers as Obj[];
    const req = requestsOf(m, containers, ['spec', 'tasks', i, 'template', 'spec', 'containers']);
    return { name: (t.name as string | undefined) ?? `task${i}`, replicas: (t.replicas as number | undefined) ?? 1, minAvailable: t.minAvailable as number | undefined, image: containers[0].image as string, req, priority: (podSpec.priority as number | undefined) ?? 0 };
  });
  const total = parts.reduce((s, p) => s + p.replicas, 0);
  const minAvailable = (spec.minAvailable as number | undefined) ?? total;
  if (minAvailable > total) m.fail(['spec', 'minAvailable'], `an integer <= the tasks' replicas (${total})`, minAvailable);
  const same = parts.every((p) => JSON.stringify(p.req) === JSON.stringify(parts[0].req) && p.image === parts[0].image);
  const groups = same ? [{ ...parts[0], name, replicas: total, minAvailable }] : parts.map((p) => ({ ...p, name: `${name}-${p.name}`, minAvailable: p.minAvailable ?? p.replicas }));
  for (const g of groups) {
    sink.workloads.push({
      kind: 'Job',
      apiVersion: 'batch.volcano.sh/v1alpha1',
      name: g.name,
      namespace,
      uid: `${namespace}/vcjob/${g.name}`,
      labels: (meta.labels as Record<string, string> | undefined) ?? {},
      arrival: annotationDuration(m, ann, 'fleetsim.io/at', []) ?? 0,
      template: template(ctx, { image: g.image, imageSize: null, startup: annotationDuration(m, ann, 'fleetsim.io/startup', []), ...g.req, priority: g.priority }),
      policy: null,
      placement: null,
      kurator: null,
      source,
      parallelism: g.replicas,
      completions: g.replicas,
      minAvailable: Math.max(1, Math.min(g.minAvailable ?? g.replicas, g.replicas)),
      ...(spec.queue ? { queue: spec.queue as string } : {}),
      duration,
      arrivals: null,
    });
  }
}

/** What a Deployment or Job manifest gives every workload: names, labels, arrival and pod template. */
function manifestBase(m: YamlSource, meta: Obj, ann: Record<string, string>, podSpec: Obj, containers: Obj[], ctx: TemplateContext, source: string) {
  return {
    name: meta.name as string,
    namespace: (meta.namespace as string | undefined) ?? 'default',
    labels: (meta.labels as Record<string, string> | undefined) ?? {},
    arrival: annotationDuration(m, ann, 'fleetsim.io/at', []) ?? 0,
    template: template(ctx, {
      image: containers[0].image as string,
      imageSize: ann['fleetsim.io/image-size'] === undefined ? null : imageSizeAnnotation(m, ann),
      startup: annotationDuration(m, ann, 'fleetsim.io/startup', []),
      ...requestsOf(m, containers, ['spec', 'template', 'spec', 'containers']),
      priority: (podSpec.priority as number | undefined) ?? 0,
    }),
    policy: null,
    placement: null,
    kurator: null,
    source,
  };
}

/**
 * A Job's pod run time from the annotation `fleetsim.io/duration`: a duration ("10m") or a
 * distribution in flow YAML ("{kind: exponential, mean: 600}").
 */
function runTimeAnnotation(m: YamlSource, ann: Record<string, string>, ctx: TemplateContext): DistributionSpec {
  const path: PathElement[] = ['metadata', 'annotations', 'fleetsim.io/duration'];
  const text = ann['fleetsim.io/duration'];
  if (text === undefined) m.fail(path, 'a run time for the Job\'s pods (annotation fleetsim.io/duration, e.g. "10m" or {kind: exponential, mean: 600})', undefined);
  const d = parseDuration(text);
  if (d !== null) return { kind: 'constant', value: d };
  let parsed: unknown;
  try {
    parsed = parseYamlText(text, m.file)[0]?.value();
  } catch {
    parsed = undefined;
  }
  validateAgainst(m, parsed, scenarioSchema.$defs!.distribution, scenarioSchema, path);
  return durationSpec(m, parsed, path, ctx.baseDir);
}

function imageSizeAnnotation(m: YamlSource, ann: Record<string, string>): number {
  const b = parseBytes(ann['fleetsim.io/image-size']);
  if (b === null) m.fail(['metadata', 'annotations', 'fleetsim.io/image-size'], 'a size like "150Mi"', ann['fleetsim.io/image-size']);
  return b;
}

function parts(o: Obj): { meta: Obj; spec: Obj; podSpec: Obj; ann: Record<string, string> } {
  const meta = o.metadata as Obj;
  const spec = o.spec as Obj;
  const tpl = spec.template as Obj;
  const podSpec = tpl.spec as Obj;
  const ann = { ...((((tpl.metadata as Obj | undefined) ?? {}).annotations as Record<string, string> | undefined) ?? {}), ...((meta.annotations as Record<string, string> | undefined) ?? {}) };
  return { meta, spec, podSpec, ann };
}
