import { dirname, resolve } from 'node:path';
import { BUILTIN_METRICS, rolloutPolicyFields, strategyOf } from '../../rollout/index.js';
import type { KuratorRollout } from '../../traffic/spec.js';
import { ScenarioError, sourcePosition } from '../errors.js';
import { validateAgainst } from '../json-schema.js';
import type { TemplateContext } from '../pod-template.js';
import { displayPath, readYamlFile, type PathElement, type YamlSource } from '../source.js';
import type { ClusterSpec, WorkloadSpec } from '../types.js';
import type { ManifestReader, ManifestSink, Obj } from './common.js';
import { appSource, checkoutOf, kustomizationDocs, readRenderedChart, renderedChartOf, type AppSource, type SourceMapping } from './flux-sources.js';
import { kuratorApplicationSchema, kuratorClusterSchema, kuratorFleetSchema } from './kurator-schemas.js';
import { manifestRoot } from './schemas.js';

/**
 * Kurator (spec/kurator.md): fleet.kurator.dev Fleet, cluster.kurator.dev Cluster and
 * AttachedCluster (their labels), apps.kurator.dev Application with its sync policies' sources
 * and rollout configs.
 */

/** The dispatcher (read.ts), passed in so that an Application's manifests are read like any include. */
export type ReadManifest = (m: YamlSource, ctx: TemplateContext, sink: ManifestSink) => void;

/** Where each Fleet read was written, to locate a cluster it names that the scenario lacks. */
const fleetSources = new WeakMap<object, YamlSource>();

/** Fleet: its member clusters, and whether Karmada is its control plane. */
function readFleet(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, source: string): void {
  validateAgainst(m, o, kuratorFleetSchema, manifestRoot());
  const meta = o.metadata as Obj;
  const ann = (meta.annotations as Record<string, string> | undefined) ?? {};
  const fleet = {
    name: meta.name as string,
    clusters: (((o.spec as Obj).clusters as Obj[] | undefined) ?? []).map((c) => c.name as string),
    karmada: ann['fleet.kurator.dev/controlplane'] === 'karmada',
    source,
  };
  fleetSources.set(fleet, m);
  sink.fleets.push(fleet);
}

/** Cluster / AttachedCluster: the labels an Application's clusterSelector matches (Kurator's fetchFleetClusterList). */
function readKuratorCluster(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, source: string): void {
  validateAgainst(m, o, kuratorClusterSchema, manifestRoot());
  const meta = o.metadata as Obj;
  sink.kuratorClusters.push({ kind: o.kind as string, name: meta.name as string, labels: (meta.labels as Record<string, string> | undefined) ?? {}, source });
}

/** Application: checked now, resolved by applyKurator once every Fleet and cluster is read. */
function readApplication(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, source: string): void {
  validateAgainst(m, o, kuratorApplicationSchema, manifestRoot());
  sink.applications.push({ src: m, source });
}

export const kuratorReaders: ManifestReader[] = [
  { accepts: (_v, g, k) => k === 'Fleet' && g === 'fleet.kurator.dev', read: readFleet },
  { accepts: (_v, g, k) => (k === 'AttachedCluster' || k === 'Cluster') && g === 'cluster.kurator.dev', read: readKuratorCluster },
  { accepts: (_v, g, k) => k === 'Application' && g === 'apps.kurator.dev', read: readApplication },
];

/** Where Kurator's Applications find what they deliver, and where Kurator itself runs. */
export interface KuratorContext {
  /** The scenario's `sources:`. */
  sources: readonly SourceMapping[];
  /** The cluster Kurator runs in (the control plane's): an Application without a Fleet deploys there. */
  hostCluster: string | null;
}

/**
 * Kurator (spec/kurator.md §2–3): a Fleet labels its clusters `fleet.kurator.dev/fleet-name`; with
 * the annotation `fleet.kurator.dev/controlplane: karmada` only its clusters are joined to Karmada
 * (the others are left out of the scenario's Karmada: their role becomes host-like, taking nothing
 * from Karmada). Each sync policy of an Application delivers full copies of what its source holds
 * (a kustomization folder or a rendered chart, from the scenario's `sources:`; or the file the
 * annotation `fleetsim.io/manifests` names) to every cluster of the fleet whose labels match its
 * clusterSelector (readiness unchecked; no division, no failover), or, without a fleet, to the
 * cluster Kurator runs in. Returns the Canaries the sync policies' rollout configs set up.
 */
export function applyKurator(sink: ManifestSink, clusters: ClusterSpec[], ctx: TemplateContext, readManifest: ReadManifest, k: KuratorContext): KuratorRollout[] {
  const byName = new Map(clusters.map((c) => [c.name, c]));
  for (const f of sink.fleets) {
    f.clusters.forEach((c, i) => {
      const spec = byName.get(c);
      const expected = `the name of a cluster in the scenario's fleet.clusters (${[...byName.keys()].join(', ')}): a Fleet's clusters are the simulated ones`;
      if (!spec) fleetSources.get(f)?.fail(['spec', 'clusters', i, 'name'], expected, c);
      if (!spec) throw new ScenarioError(sourcePosition(f.source), 'spec.clusters', expected, `"${c}"`);
      spec.labels = { ...spec.labels, 'fleet.kurator.dev/fleet-name': f.name };
    });
  }
  const karmadaFleets = sink.fleets.filter((f) => f.karmada);
  if (karmadaFleets.length > 0) {
    const joined = new Set(karmadaFleets.flatMap((f) => f.clusters));
    for (const c of clusters) if (c.role === 'member' && !joined.has(c.name)) c.karmadaMember = false;
  }
  const kuratorLabels = new Map<string, Record<string, string>>();
  for (const c of sink.kuratorClusters) {
    if (!byName.has(c.name)) {
      sink.notes.push({ source: c.source, object: `${c.kind} ${c.name}`, text: 'no cluster of that name in fleet.clusters, so it stands for no simulated cluster' });
      continue;
    }
    kuratorLabels.set(c.name, { ...kuratorLabels.get(c.name), ...c.labels });
    if (c.kind === 'Cluster') sink.notes.push({ source: c.source, object: `Cluster ${c.name}`, text: "its infrastructure (cloud, instance types, workers) is not modelled; the simulated capacity is fleet.clusters' nodePools" });
  }
  const run = new Delivery(sink, byName, kuratorLabels, ctx, readManifest, k);
  for (const app of sink.applications) run.application(app.src, app.source);
  const rollouts = run.rollouts();
  k.sources.forEach((m, i) => {
    if (!run.usedSources.has(m)) sink.notes.push({ source: m.source, object: `sources[${i}]`, text: `${m.url}${m.chart ? ` (chart ${m.chart})` : ''} is used by no Kurator Application` });
  });
  return rollouts;
}

/** A sync policy with a rollout config, set up once every Application has delivered. */
interface PendingRollout {
  app: YamlSource;
  id: string;
  index: number;
  policyName: string;
  rollout: Obj;
  targets: string[];
}

/** The delivery of every Application's sync policies, and what they left in each cluster. */
class Delivery {
  readonly usedSources = new Set<SourceMapping>();
  /** `kind/namespace/name` of every object delivered, per cluster. */
  private readonly objects = new Map<string, Set<string>>();
  private readonly workloads = new Map<string, WorkloadSpec>();
  private readonly pending: PendingRollout[] = [];

  constructor(
    private readonly sink: ManifestSink,
    private readonly byName: Map<string, ClusterSpec>,
    private readonly kuratorLabels: Map<string, Record<string, string>>,
    private readonly ctx: TemplateContext,
    private readonly readManifest: ReadManifest,
    private readonly k: KuratorContext,
  ) {}

  application(app: YamlSource, where: string): void {
    const o = app.value() as Obj;
    const meta = o.metadata as Obj;
    const spec = o.spec as Obj;
    const name = meta.name as string;
    const id = `${(meta.namespace as string | undefined) ?? 'default'}/${name}`;
    const policies = spec.syncPolicies as Obj[];
    const fleetName = applicationFleet(app, spec);
    const fleet = fleetName === null ? null : this.sink.fleets.find((f) => f.name === fleetName.name);
    if (fleetName && !fleet) app.fail(fleetName.path, `the name of a Kurator Fleet (${this.sink.fleets.map((f) => f.name).join(', ') || 'none included'})`, fleetName.name);
    if (!fleet && this.k.hostCluster === null) {
      app.fail(['spec', 'syncPolicies', 0], "a destination fleet, or a cluster for Kurator itself: without a Fleet, Kurator deploys into the cluster it runs in (the scenario's controlPlane.cluster, or its cluster with role: host)", 'neither', { rawFound: true });
    }
    const targetsOf = (p: Obj): string[] => {
      if (!fleet) return [this.k.hostCluster!];
      // getPolicyDestination: the policy's destination, else the Application's.
      const d = ((p.destination as Obj | undefined) ?? (spec.destination as Obj | undefined))!;
      const sel = ((d.clusterSelector as Obj | undefined)?.matchLabels as Record<string, string> | undefined) ?? {};
      return fleet.clusters.filter((c) => {
        const labels = { ...this.byName.get(c)!.labels, ...this.kuratorLabels.get(c) };
        return Object.entries(sel).every(([key, v]) => labels[key] === v);
      });
    };
    const object = `Application ${id}`;
    if (!fleet) this.sink.notes.push({ source: where, object, text: `no Fleet destination: Kurator deploys it into the cluster it runs in, ${this.k.hostCluster}` });

    const ann = (meta.annotations as Record<string, string> | undefined) ?? {};
    const manifests = ann['fleetsim.io/manifests'];
    if (manifests !== undefined) {
      // What the whole source delivers, in one file, to every policy's clusters.
      const file = resolve(dirname(resolve(app.file)), manifests);
      let docs: YamlSource[];
      try {
        docs = readYamlFile(file, displayPath(file));
      } catch (e) {
        if (e instanceof ScenarioError && e.expected === 'a readable YAML file') app.fail(['metadata', 'annotations', 'fleetsim.io/manifests'], "a readable YAML file (relative to the Application's file)", `${e.found}`, { rawFound: true });
        throw e;
      }
      this.deliver(docs, [...new Set(policies.flatMap(targetsOf))].sort(), name, id, where);
    }
    let source: AppSource | null = null;
    policies.forEach((p, i) => {
      const pPath: PathElement[] = ['spec', 'syncPolicies', i];
      const pWhere = lineOf(app, pPath);
      const policyName = (p.name as string | undefined) || `${name}-${i}`;
      const targets = targetsOf(p);
      if (fleet && targets.length === 0) this.sink.notes.push({ source: pWhere, object, text: `${policyName}: no cluster of fleet ${fleet.name} matches its clusterSelector, so it delivers nothing` });
      if (p.rollout) this.pending.push({ app, id, index: i, policyName, rollout: p.rollout as Obj, targets });
      if (manifests !== undefined) return;
      const kind = p.kustomization ? 'kustomization' : p.helm ? 'helm' : null;
      if (p.kustomization && p.helm) this.sink.notes.push({ source: pWhere, object, text: `${policyName} gives kustomization and helm: Kurator applies the kustomization only` });
      if (kind === null) {
        this.sink.notes.push({ source: pWhere, object, text: `${policyName} has neither kustomization nor helm: Kurator syncs nothing for it` });
        return;
      }
      const body = p[kind] as Obj;
      if (body.suspend === true) {
        this.sink.notes.push({ source: pWhere, object, text: `${policyName}: its ${kind} is suspended, so Flux applies nothing` });
        return;
      }
      if (Array.isArray(body.dependsOn) && body.dependsOn.length > 0) this.sink.notes.push({ source: pWhere, object, text: `${policyName}: dependsOn is not modelled; its objects are applied at once` });
      if (targets.length === 0) return;
      source ??= appSource(app, spec, this.sink.notes, where, object);
      const docs = kind === 'kustomization' ? this.kustomization(app, source, body, [...pPath, 'kustomization'], pWhere, object) : this.helm(app, source, body, [...pPath, 'helm'], pWhere, (meta.namespace as string | undefined) ?? 'default', object, name);
      this.deliver(docs, targets, name, id, pWhere, kind === 'kustomization');
    });
  }

  private kustomization(app: YamlSource, s: AppSource, body: Obj, path: PathElement[], where: string, object: string): YamlSource[] {
    // A Flux Kustomization's sourceRef is a GitRepository, OCIRepository or Bucket.
    if (s.kind === 'helmRepository') app.fail(s.path, 'a gitRepository or ociRepository source for a kustomization sync policy (a Flux Kustomization cannot read a HelmRepository)', 'helmRepository', { rawFound: true });
    const checkout = checkoutOf(app, s, this.k.sources);
    this.usedSources.add(checkout);
    return kustomizationDocs(app, s, body, path, checkout, this.sink.notes, where, object);
  }

  private helm(app: YamlSource, s: AppSource, body: Obj, path: PathElement[], where: string, appNamespace: string, object: string, name: string): YamlSource[] {
    // A Flux HelmRelease v2beta1 chart's sourceRef is a HelmRepository, GitRepository or Bucket.
    if (s.kind === 'ociRepository') app.fail(s.path, 'a helmRepository (type oci for an OCI chart) or gitRepository source for a helm sync policy (a Flux HelmRelease v2beta1 cannot read an OCIRepository)', 'ociRepository', { rawFound: true });
    const m = renderedChartOf(app, s, body, path, this.k.sources, (body.releaseName as string | undefined) ?? name);
    this.usedSources.add(m);
    const values = Object.keys((body.values as Obj | undefined) ?? {});
    const valuesFrom = Array.isArray(body.valuesFrom) && body.valuesFrom.length > 0;
    this.sink.notes.push({
      source: where,
      object,
      text:
        `chart ${((body.chart as Obj).spec as Obj).chart} is read pre-rendered from ${displayPath(m.path)} (fleetsim does not run Helm)` +
        (values.length || valuesFrom ? `; the Application's ${[values.length ? `values (${values.join(', ')})` : '', valuesFrom ? 'valuesFrom' : ''].filter(Boolean).join(' and ')} are not applied by fleetsim: the file must have been rendered with them` : ''),
    });
    return readRenderedChart(m, (body.targetNamespace as string | undefined) || appNamespace, this.sink.notes, where, object);
  }

  /**
   * Read `docs` as the sync policy applies them to `targets`, and deliver their workloads there.
   * Flux's kustomize-controller applies a namespaced object only into the namespace it names (or
   * the targetNamespace kustomize set): a workload without one fails the apply.
   */
  private deliver(docs: YamlSource[], targets: string[], app: string, id: string, where: string, fluxApply = false): void {
    if (targets.length === 0) return;
    const own: ManifestSink = { ...this.sink, workloads: [], policies: [], overrides: [], autoscalers: [], fleets: [], applications: [], kuratorClusters: [], queues: [] };
    for (const d of docs) {
      const key = objectKey(d);
      if (key) for (const c of targets) this.objectsIn(c).add(key);
      const before = own.workloads.length;
      this.readManifest(d, this.ctx, own);
      if (fluxApply && own.workloads.length > before && ((d.value() as Obj).metadata as Obj).namespace === undefined) {
        d.fail(['metadata', 'namespace'], 'a namespace: Flux applies a namespaced object into the namespace it names, or the sync policy\'s kustomization.targetNamespace (kustomize-controller: "namespace not specified")', undefined);
      }
    }
    for (const w of own.workloads) this.deliverWorkload(w, targets, app);
    const inert = [...own.policies.map((p) => `${p.kind} ${p.name}`), ...own.overrides.map((p) => `${p.kind} ${p.name}`), ...own.autoscalers.map((a) => `${a.kind} ${(a.object.metadata as Obj).name}`)];
    if (inert.length) this.sink.notes.push({ source: where, object: `Application ${id}`, text: `${inert.join(', ')} delivered into member clusters: Karmada reads its own API server, so they have no effect` });
    const kurator = [...own.fleets.map((f) => `Fleet ${f.name}`), ...own.kuratorClusters.map((c) => `${c.kind} ${c.name}`), ...own.applications.map((a) => `Application ${(a.src.value() as { metadata: { name: string } }).metadata.name}`)];
    if (kurator.length) this.sink.notes.push({ source: where, object: `Application ${id}`, text: `${kurator.join(', ')} delivered into member clusters, where no Kurator runs: no effect` });
    // A Queue exists where it is applied: in the Volcano members among the targets.
    for (const name of targets) {
      const c = this.byName.get(name)!;
      if (c.scheduler === 'volcano') for (const q of own.queues) if (!c.volcano.queues.some((x) => x.name === q.name)) c.volcano.queues.push(q);
    }
  }

  /** The same object delivered by several sync policies from the same place goes to all their clusters. */
  private deliverWorkload(w: WorkloadSpec, targets: string[], app: string): void {
    const key = `${w.namespace}/${w.kind}/${w.name}`;
    const prev = this.workloads.get(key);
    if (prev && JSON.stringify({ ...prev, kurator: null }) === JSON.stringify({ ...w, kurator: null })) {
      prev.kurator = { application: prev.kurator!.application, clusters: [...new Set([...prev.kurator!.clusters, ...targets])].sort() };
      return;
    }
    const spec = { ...w, kurator: { application: app, clusters: [...targets].sort() } } as WorkloadSpec;
    this.sink.workloads.push(spec);
    this.workloads.set(key, spec);
  }

  private objectsIn(cluster: string): Set<string> {
    let s = this.objects.get(cluster);
    if (!s) this.objects.set(cluster, (s = new Set()));
    return s;
  }

  /**
   * The Canaries of the sync policies' rollout configs (Kurator rollout_helper.go
   * syncRolloutPolicyForCluster): checked as Kurator's webhook and renderer would, and rendered
   * only where Kurator can (the workload's Service delivered to every destination cluster).
   */
  rollouts(): KuratorRollout[] {
    const out: KuratorRollout[] = [];
    for (const r of this.pending) {
      const path: PathElement[] = ['spec', 'syncPolicies', r.index, 'rollout'];
      const where = lineOf(r.app, path);
      const ro = r.rollout;
      const rp = ro.rolloutPolicy as Obj;
      const routing = rp.trafficRouting as Obj;
      const ta = rp.trafficAnalysis as Obj;
      const object = `Application ${r.id}`;
      const label = `${r.policyName} rollout`;
      if (ro.trafficRoutingProvider === 'nginx' && !routing.host) {
        r.app.fail([...path, 'rolloutPolicy', 'trafficRouting', 'host'], `a host for the nginx provider (Kurator's webhook: "expected application.syncPolicies.Rollout.RolloutPolicy.TrafficRouting.Host in index ${r.index}")`, undefined);
      }
      const metrics = (ta.metrics as Obj[] | undefined) ?? [];
      metrics.forEach((m, j) => {
        if (m.intervalSeconds === undefined) r.app.fail([...path, 'rolloutPolicy', 'trafficAnalysis', 'metrics', j, 'intervalSeconds'], "the metric's interval in seconds (Kurator dereferences it when rendering the Canary)", undefined);
      });
      const webhooks = (ta.webhooks as Obj | undefined) ?? {};
      const commands = (webhooks.command as string[] | undefined) ?? [];
      if (commands.length > 0 && webhooks.timeoutSeconds === undefined) r.app.fail([...path, 'rolloutPolicy', 'trafficAnalysis', 'webhooks', 'timeoutSeconds'], 'a timeout in seconds for the webhook commands (Kurator dereferences it when rendering the Canary)', undefined);
      if (r.targets.length === 0) continue;
      const wl = ro.workload as Obj;
      const ns = (wl.namespace as string | undefined) ?? '';
      const name = wl.name as string;
      const kind = (wl.kind as string | undefined) ?? '';
      if (kind !== 'Deployment') {
        this.sink.notes.push({ source: where, object, text: `${label}: ${kind === 'DaemonSet' ? `a DaemonSet canary (${ns}/${name}) is not modelled; fleetsim rolls out Deployments` : `workload.kind "${kind}": Flagger's Canary targets a Deployment or DaemonSet, so the Canary is rejected`}; no rollout` });
        continue;
      }
      if (ns === '') {
        this.sink.notes.push({ source: where, object, text: `${label}: workload.namespace is empty, so Kurator finds no Service ${ro.serviceName} and renders no Canary; no rollout` });
        continue;
      }
      const svcMissing = r.targets.filter((c) => !this.objectsIn(c).has(`Service/${ns}/${ro.serviceName}`));
      if (svcMissing.length > 0) {
        this.sink.notes.push({ source: where, object, text: `${label}: no Kurator Application delivers Service ${ns}/${ro.serviceName} to ${svcMissing.join(', ')}, so Kurator renders no Canary; no rollout` });
        continue;
      }
      if (!this.sink.workloads.some((w) => w.kind === 'Deployment' && w.namespace === ns && w.name === name)) {
        this.sink.notes.push({ source: where, object, text: `${label}: there is no Deployment ${ns}/${name}, so Flagger cannot initialise the Canary; no rollout` });
        continue;
      }
      const unevaluated: string[] = [];
      metrics.forEach((m, j) => {
        const mname = m.name as string;
        if (BUILTIN_METRICS.includes(mname)) return;
        const template = m.customMetric !== undefined || r.targets.some((c) => this.objectsIn(c).has(`MetricTemplate/${ns}/${mname}`)) || this.sink.ignored.some((x) => x.kind.endsWith('/MetricTemplate') && x.name === mname);
        if (!template) {
          r.app.fail([...path, 'rolloutPolicy', 'trafficAnalysis', 'metrics', j, 'name'], `request-success-rate, request-duration, a metric with customMetric, or a Flagger MetricTemplate "${mname}" in namespace ${ns} among the manifests (Flagger fails every check of a metric whose template is missing)`, mname);
        }
        unevaluated.push(mname);
      });
      const twin = out.find((x) => x.workload.namespace === ns && x.workload.name === name);
      if (twin) r.app.fail([...path, 'workload', 'name'], `one rollout config per workload (Kurator renders one Canary named after it; ${twin.application} ${twin.syncPolicy} configures it at ${twin.source})`, name);
      const fields = rolloutPolicyFields(rp);
      const notModelled = [
        commands.length
          ? `${commands.length} load-test webhook command(s)${ro.testLoader ? ' run by a private loadtester' : ''} (the canary gets only the scenario's services: traffic${strategyOf(fields.analysis) === 'blueGreen' ? ', none during blue/green iterations, whose checks then find no data and fail' : ''})`
          : '',
        unevaluated.length ? `metric(s) ${unevaluated.join(', ')} (MetricTemplate queries: not evaluated, their checks count as passed)` : '',
        routingDetails(ro, rp),
      ].filter(Boolean);
      this.sink.notes.push({
        source: where,
        object,
        text: `${label}: a Flagger Canary (${STRATEGY[strategyOf(fields.analysis)]}) for Deployment ${ns}/${name} in ${r.targets.join(', ')}${rp.suspend ? ' (suspended)' : ''}${notModelled.length ? `; not modelled: ${notModelled.join('; ')}` : ''}`,
      });
      out.push({ application: r.id, syncPolicy: r.policyName, workload: { namespace: ns, name }, clusters: [...r.targets].sort(), fields, suspend: rp.suspend === true, source: where });
    }
    return out;
  }
}

/**
 * The Application's fleet (Kurator's generateFleetKey: the first sync policy's, else the
 * Application's), after the checks of Kurator's validating webhook (validateFleet): one fleet
 * throughout, and set either on the Application or on every policy. Null: no fleet at all.
 */
function applicationFleet(app: YamlSource, spec: Obj): { name: string; path: PathElement[] } | null {
  const policies = spec.syncPolicies as Obj[];
  const fleetOf = (p: Obj): string => ((p.destination as Obj | undefined)?.fleet as string | undefined) ?? '';
  const appFleet = ((spec.destination as Obj | undefined)?.fleet as string | undefined) ?? '';
  if (appFleet !== '') {
    policies.forEach((p, i) => {
      const f = fleetOf(p);
      if (f !== '' && f !== appFleet) app.fail(['spec', 'syncPolicies', i, 'destination', 'fleet'], `the fleet of spec.destination ("${appFleet}"): Kurator's webhook requires one fleet throughout the Application`, f);
    });
  } else {
    const first = policies.findIndex((p) => fleetOf(p) !== '');
    if (first >= 0) {
      policies.forEach((p, i) => {
        const f = fleetOf(p);
        if (f === '') app.fail(['spec', 'syncPolicies', i, 'destination'], `a destination fleet (Kurator's webhook: "must be set when application.spec.destination.fleet is not set"; syncPolicies[${first}] names "${fleetOf(policies[first])}")`, p.destination);
        else if (f !== fleetOf(policies[first])) app.fail(['spec', 'syncPolicies', i, 'destination', 'fleet'], `the fleet of syncPolicies[${first}] ("${fleetOf(policies[first])}"): Kurator's webhook requires one fleet throughout the Application`, f);
      });
    }
  }
  const first = fleetOf(policies[0]);
  if (first !== '') return { name: first, path: ['spec', 'syncPolicies', 0, 'destination', 'fleet'] };
  if (appFleet !== '') return { name: appFleet, path: ['spec', 'destination', 'fleet'] };
  return null;
}

/** The Canary's routing fields fleetsim does not model (its routes are weights over ready pods). */
function routingDetails(ro: Obj, rp: Obj): string {
  const routing = rp.trafficRouting as Obj;
  const keys = ['gateways', 'hosts', 'host', 'timeoutSeconds', 'retries', 'headers', 'corsPolicy', 'protocol'].filter((k) => routing[k] !== undefined);
  if ((rp.trafficAnalysis as Obj).sessionAffinity !== undefined) keys.push('sessionAffinity');
  if (ro.primary !== undefined) keys.push('primary');
  if (ro.preview !== undefined) keys.push('preview');
  return keys.length ? `${ro.trafficRoutingProvider} routing details (${keys.join(', ')})` : '';
}

const STRATEGY = { canary: 'canary', blueGreen: 'blue/green', abTesting: 'A/B testing' } as const;

const lineOf = (src: YamlSource, path: PathElement[]): string => `${src.at(path).file}:${src.at(path).line}`;

/** `Kind/namespace/name` of a manifest document, or null when it is not one. */
function objectKey(d: YamlSource): string | null {
  const v = d.value() as Obj | null;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const meta = v.metadata as Obj | undefined;
  if (typeof v.kind !== 'string' || !meta || typeof meta.name !== 'string') return null;
  return `${v.kind}/${(meta.namespace as string | undefined) ?? 'default'}/${meta.name}`;
}
