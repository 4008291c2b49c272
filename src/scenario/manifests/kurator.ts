import { dirname, resolve } from 'node:path';
import { ScenarioError, sourcePosition } from '../errors.js';
import { validateAgainst } from '../json-schema.js';
import type { TemplateContext } from '../pod-template.js';
import { displayPath, readYamlFile, type YamlSource } from '../source.js';
import type { ClusterSpec } from '../types.js';
import type { ManifestReader, ManifestSink, Obj } from './common.js';
import { kuratorApplicationSchema, kuratorFleetSchema, manifestRoot } from './schemas.js';

/** Kurator: fleet.kurator.dev Fleet, apps.kurator.dev Application (spec/kurator.md). */

/** The dispatcher (read.ts), passed in so that an Application's manifests are read like any include. */
export type ReadManifest = (m: YamlSource, ctx: TemplateContext, sink: ManifestSink) => void;

/** Fleet: its member clusters, and whether Karmada is its control plane. */
function readFleet(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, source: string): void {
  validateAgainst(m, o, kuratorFleetSchema, manifestRoot());
  const meta = o.metadata as Obj;
  const ann = (meta.annotations as Record<string, string> | undefined) ?? {};
  sink.fleets.push({
    name: meta.name as string,
    clusters: (((o.spec as Obj).clusters as Obj[] | undefined) ?? []).map((c) => c.name as string),
    karmada: ann['fleet.kurator.dev/controlplane'] === 'karmada',
    source,
  });
}

/** Application: where its source's workloads go (resolved by applyKurator once every Fleet is read). */
function readApplication(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, _source: string): void {
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
export function applyKurator(sink: ManifestSink, clusters: ClusterSpec[], ctx: TemplateContext, readManifest: ReadManifest): void {
  const byName = new Map(clusters.map((c) => [c.name, c]));
  for (const f of sink.fleets) {
    for (const c of f.clusters) {
      const spec = byName.get(c);
      if (!spec) throw new ScenarioError(sourcePosition(f.source), 'spec.clusters', `the name of a cluster in the scenario's fleet.clusters (${[...byName.keys()].join(', ')})`, `"${c}"`);
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

export const kuratorReaders: ManifestReader[] = [
  { accepts: (_v, g, k) => k === 'Fleet' && g === 'fleet.kurator.dev', read: readFleet },
  { accepts: (_v, g, k) => k === 'Application' && g === 'apps.kurator.dev', read: readApplication },
];
