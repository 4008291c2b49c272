import { dirname, isAbsolute, resolve } from 'node:path';
import { admitPlacement } from './admission.js';
import { durationSpec, rateSpec } from './distributions.js';
import { readFaults } from './faults.js';
import { readOperatorBlocks } from './operator.js';
import { describeValue, formatPath, ScenarioError, sourcePosition } from './errors.js';
import { validateAgainst } from './json-schema.js';
import { readSources } from './manifests/flux-sources.js';
import { DEFAULT_JOB_DURATION, type Located } from './manifests/common.js';
import { withManifestAutoscalers } from './manifests/federated-hpa.js';
import { applyKurator, newSink, readManifest } from './manifests/read.js';
import { policyExtras } from './policies.js';
import { resolvePriorities, SYSTEM_PRIORITY_CLASSES, type PriorityRef } from './priority-classes.js';
import { imageHost, template, type TemplateContext } from './pod-template.js';
import { scenarioSchema } from './schema.js';
import { displayPath, readYamlFile, parseYamlText, type PathElement, type YamlSource } from './source.js';
import type {
  ClusterAffinity, JobDurationRule, KarmadaSettings, LabelSelector, MatchCondition, Taint, VolcanoClusterSettings,
  ClusterSpec, JobSpec, NodePoolSpec, Placement, PolicySpec, PriorityClassSpec, RegistrySpec, Scenario, WorkloadSpec,
} from './types.js';
import { parseBandwidth, parseBytes, parseCpuMillis, parseDuration, parseMemoryMiB } from './units.js';
import { initialStateNotes, readInitialState } from './initial-state.js';
import { queueFromObj } from './volcano-queues.js';
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
  /** 2024-01-01T00:00:00Z, a Monday at midnight UTC. */
  start: 1704067200,
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
    const nodeNames = new Map<string, number>();
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
        ...namedNodes(src, p, ['fleet', 'clusters', i, 'nodePools', j], nodeNames),
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
    jobDuration: jobDurationRules(src, defaultsRaw.jobDuration, baseDir),
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
  const priorityRefs: PriorityRef[] = [];
  const workloads: WorkloadSpec[] = ((doc.workloads as Obj[] | undefined) ?? []).map((w, i) => workloadFromScenario(src, w, ['workloads', i], ctx, priorityRefs));

  // Included manifests.
  const sink = newSink({ workloads, policies, priorityRefs });
  policies.forEach((p, i) => sink.located.set(p, { m: src, name: ['policies', i, 'name'], spec: ['policies', i] }));
  workloads.forEach((w, i) => sink.located.set(w, { m: src, name: ['workloads', i, 'name'], spec: ['workloads', i] }));
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
  const sources = readSources(src, (doc.sources as Obj[] | undefined) ?? [], baseDir);
  const kuratorRollouts = applyKurator(sink, clusters, ctx, readManifest, { sources, hostCluster: cpCluster });
  for (const check of sink.afterRead) check();
  const priorityClasses: Record<string, PriorityClassSpec> = { ...SYSTEM_PRIORITY_CLASSES, ...scenarioPriorityClasses(doc), ...sink.priorityClasses };
  // Every pod template's priority, as the Priority admission plugin computes it.
  resolvePriorities(priorityRefs, priorityClasses);
  // The imported state: workloads already running at t = 0 (their priorities are numbers already).
  let initialState: Scenario['initialState'];
  if (doc.initialState !== undefined) {
    const abs = resolve(baseDir, doc.initialState as string);
    const read = readInitialState(abs, displayPath(abs), clusters, ctx);
    workloads.push(...read.workloads);
    initialState = { file: abs, workloads: read.workloads.length, pods: read.pods, notes: read.notes };
    // What the importer left out or decided is named by validate, run and the report, as the manifests' notes are.
    sink.kinds['fleetsim/v1 InitialState workload'] = read.workloads.length;
    sink.notes.push(...initialStateNotes(read.notes, displayPath(abs)));
  }
  // Karmada resolves a policy's schedulePriority from the PriorityClass of that name.
  for (const p of policies) {
    if (!p.schedulePriority) continue;
    const v = priorityClasses[p.schedulePriority.priorityClassName]?.value;
    if (v === undefined) {
      const expected = `a PriorityClass of the scenario (priorityClasses:, or a scheduling.k8s.io/v1 PriorityClass: ${Object.keys(priorityClasses).join(', ') || 'none'})`;
      failAt(sink.located.get(p), 'spec', ['schedulePriority', 'priorityClassName'], p.source, expected, p.schedulePriority.priorityClassName);
    }
    p.schedulePriority.value = v;
  }
  for (const p of policies) {
    if (p.schedulerName === 'default-scheduler') continue;
    const object = `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}`;
    sink.notes.push({ source: p.source, object, text: `schedulerName "${p.schedulerName}": only karmada-scheduler ("default-scheduler") runs, so the workloads it claims are not placed` });
  }
  // Volcano Queues are cluster-scoped objects; included ones exist in every Volcano member.
  for (const c of clusters) if (c.scheduler === 'volcano') for (const q of sink.queues) if (!c.volcano.queues.some((x) => x.name === q.name)) c.volcano.queues.push(q);
  // Pods naming a scheduler that runs in no member (kube-scheduler is default-scheduler, Volcano volcano) stay Pending.
  const running = new Set(['default-scheduler', ...(clusters.some((c) => c.scheduler === 'volcano') ? ['volcano'] : [])]);
  for (const w of workloads) {
    const names = new Set([w.template.schedulerName, ...(w.kind === 'Job' ? (w.tasks ?? []).map((t) => t.template.schedulerName) : [])]);
    for (const n of names) {
      if (n === undefined || running.has(n)) continue;
      sink.notes.push({ source: w.source, object: `${w.resourceKind ?? w.kind} ${w.namespace}/${w.name}`, text: `its pods name scheduler "${n}", which no member cluster runs (they run ${[...running].join(' and ')}): they stay Pending` });
    }
  }

  // Cross-references.
  const seenWorkloads = new Map<string, string>();
  for (const w of workloads) {
    const kind = w.resourceKind ?? w.kind;
    // A member's own workload of an initial state is keyed by its cluster too (its uid).
    const key = w.initial && !w.initial.binding ? w.uid : `${w.namespace}/${kind}/${w.name}`;
    if (seenWorkloads.has(key)) failAt(sink.located.get(w), 'name', [], w.source, `a workload name not used before (${seenWorkloads.get(key)} defines ${kind} ${w.namespace}/${w.name})`, w.name);
    seenWorkloads.set(key, w.source);
    if (w.policy !== null && !policies.some((p) => p.name === w.policy)) {
      failAt(sink.located.get(w), 'spec', ['policy'], w.source, `the name of a policy (${policies.map((p) => p.name).join(', ') || 'none defined'})`, w.policy);
    }
  }
  const seenPolicies = new Set<string>();
  for (const p of policies) {
    const key = `${p.kind}/${p.namespace}/${p.name}`;
    if (seenPolicies.has(key)) failAt(sink.located.get(p), 'name', [], p.source, `a ${p.kind} name not used before in its namespace`, p.name);
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

  const traffic = withManifestAutoscalers(readTrafficBlocks(src, doc, { workloads, clusters, regions: regionSet, registries, images, defaults, baseDir, imageHost, kuratorRollouts, notes: sink.notes }), sink);
  for (const k of kuratorRollouts) {
    const ref = `${k.workload.namespace}/${k.workload.name}`;
    if (!traffic?.rollouts.some((r) => `${r.namespace}/${r.workload}` === ref)) {
      sink.notes.push({ source: k.source, object: `Application ${k.application}`, text: `the Canary for ${ref} analyses nothing in this run: no new revision is applied (add rollouts: [{ workload: ${ref}, at: <time>, image: <new image> }] to roll one out)` });
    } else if (!traffic.services.some((s) => `${s.namespace}/${s.workload}` === ref)) {
      sink.notes.push({ source: k.source, object: `Application ${k.application}`, text: `no services: entry fronts ${ref}, so its canary gets no requests and every analysis fails for lack of data` });
    }
  }

  return {
    name: doc.name as string,
    description: (doc.description as string | undefined) ?? '',
    file: absFile,
    seed: (doc.seed as number | undefined) ?? DEFAULTS.seed,
    duration: doc.duration === undefined ? DEFAULTS.duration : parseDuration(doc.duration)!,
    start: startTime(src, doc.start),
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
    ignoredManifests: sink.ignored,
    inputs: { kinds: sink.kinds, notes: sink.notes },
    priorityClasses,
    podDisruptionBudgets: sink.pdbs,
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
    ...(initialState ? { initialState } : {}),
    ...trafficField(traffic),
  };
}

/**
 * A mistake found once everything is read, at the node it concerns: the object's name, or a field
 * under its spec (`located`); at the object's first line when it was made in code.
 */
function failAt(at: Located | undefined, base: 'name' | 'spec', path: PathElement[], source: string, expected: string, found: unknown): never {
  if (at) at.m.fail([...at[base], ...path], expected, found);
  throw new ScenarioError(sourcePosition(source), formatPath(path), expected, describeValue(found));
}

/** `start:` as seconds since the Unix epoch (the schema checked its RFC 3339 shape). */
function startTime(src: YamlSource, v: unknown): number {
  if (v === undefined) return DEFAULTS.start;
  const ms = Date.parse(v as string);
  if (!Number.isFinite(ms)) src.fail(['start'], 'an RFC 3339 time like "2024-01-01T00:00:00Z"', v);
  return ms / 1000;
}

/**
 * `defaults.jobDuration`: one duration or distribution for every Job, or rules tried in order;
 * the built-in default (10m) comes last, so every Job finds one.
 */
function jobDurationRules(src: YamlSource, v: unknown, baseDir: string): JobDurationRule[] {
  const builtIn: JobDurationRule = { duration: DEFAULT_JOB_DURATION, origin: '' };
  if (v === undefined) return [builtIn];
  const path: PathElement[] = ['defaults', 'jobDuration'];
  if (!Array.isArray(v)) return [{ duration: durationSpec(src, v, path, baseDir), origin: 'defaults.jobDuration' }, builtIn];
  return [
    ...(v as Obj[]).map((r, i): JobDurationRule => ({
      ...(r.apiVersion !== undefined ? { apiVersion: r.apiVersion as string } : {}),
      ...(r.kind !== undefined ? { kind: r.kind as string } : {}),
      ...(r.selector !== undefined ? { selector: r.selector as LabelSelector } : {}),
      duration: durationSpec(src, r.duration, [...path, i, 'duration'], baseDir),
      origin: `defaults.jobDuration[${i}]`,
    })),
    builtIn,
  ];
}

const trafficField = (t: Scenario['traffic']): { traffic?: Scenario['traffic'] } => (t ? { traffic: t } : {});

/** Does a scheduler name look like a module path (`./my-policy.js`)? */
export function isModulePath(s: string): boolean {
  return /[/\\]|\.[cm]?js$/.test(s);
}

/** Karmada v1.19 defaults (spec §10.1). */
export const DEFAULT_KARMADA: KarmadaSettings = {
  clusterStatusUpdateFrequency: 10,
  clusterFailureThreshold: 30,
  clusterSuccessThreshold: 30,
  clusterMonitorPeriod: 5,
  clusterMonitorGracePeriod: 40,
  clusterStartupGracePeriod: 60,
  featureGates: { Failover: false, GracefulEviction: true, MultiplePodTemplatesScheduling: false },
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
    featureGates: {
      Failover: gates.Failover ?? d.featureGates.Failover,
      GracefulEviction: gates.GracefulEviction ?? d.featureGates.GracefulEviction,
      MultiplePodTemplatesScheduling: gates.MultiplePodTemplatesScheduling ?? d.featureGates.MultiplePodTemplatesScheduling,
    },
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

function workloadFromScenario(src: YamlSource, w: Obj, path: PathElement[], ctx: TemplateContext, priorityRefs: PriorityRef[]): WorkloadSpec {
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
  // `priority` is fleetsim's shorthand for the computed value; `priorityClassName` goes through admission.
  if (w.priorityClassName !== undefined || w.priority === undefined) {
    if (w.priorityClassName !== undefined && w.priority !== undefined) src.fail([...path, 'priority'], 'either priority or priorityClassName, not both', w.priority);
    const t = common.template;
    priorityRefs.push({
      className: (w.priorityClassName as string | undefined) ?? '',
      priority: null,
      preemptionPolicy: null,
      where: (field) => ({ pos: src.at([...path, field]), path: formatPath([...path, field]) }),
      apply: (value, policy) => {
        t.priority = value;
        if (policy === 'Never') t.preemptionPolicy = 'Never';
      },
    });
  }
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


/**
 * A pool's own node names (`nodes:`, one per node), its zone and taints, and the nodes cordoned or
 * not Ready at the start (each one of `nodes:`). Node names are unique within the cluster.
 */
function namedNodes(src: YamlSource, p: Obj, path: PathElement[], seen: Map<string, number>): Partial<NodePoolSpec> {
  const out: Partial<NodePoolSpec> = {};
  if (p.zone !== undefined) out.zone = p.zone as string;
  if (p.taints !== undefined) out.taints = (p.taints as Taint[]).map((t) => ({ ...t }));
  const nodes = p.nodes as string[] | undefined;
  if (nodes !== undefined) {
    if (nodes.length !== p.count) src.fail([...path, 'nodes'], `one name per node (count is ${p.count as number})`, nodes);
    nodes.forEach((n, k) => {
      if (seen.has(n)) src.fail([...path, 'nodes', k], 'a node name not used before in this cluster', n);
      seen.set(n, k);
    });
    out.nodes = [...nodes];
  }
  for (const key of ['cordoned', 'notReady'] as const) {
    const list = p[key] as string[] | undefined;
    if (list === undefined) continue;
    list.forEach((n, k) => {
      if (!nodes?.includes(n)) src.fail([...path, key, k], `a node of this pool's nodes: list`, n);
    });
    out[key] = [...list];
  }
  return out;
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


/** The scenario's `priorityClasses:`: name → value, or name → { value, globalDefault, preemptionPolicy }. */
function scenarioPriorityClasses(doc: Obj): Record<string, PriorityClassSpec> {
  const out: Record<string, PriorityClassSpec> = {};
  for (const [name, v] of Object.entries((doc.priorityClasses as Record<string, unknown> | undefined) ?? {})) {
    const o = typeof v === 'number' ? { value: v } : (v as Obj);
    out[name] = {
      value: o.value as number,
      globalDefault: (o.globalDefault as boolean | undefined) ?? false,
      preemptionPolicy: (o.preemptionPolicy as PriorityClassSpec['preemptionPolicy'] | undefined) ?? 'PreemptLowerPriority',
    };
  }
  return out;
}
