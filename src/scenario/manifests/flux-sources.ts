import { join, resolve } from 'node:path';
import { displayPath, listDir, pathKind, readYamlFile, type PathElement, type YamlSource } from '../source.js';
import type { InputNote } from '../types.js';
import { imageOf, kustomizeBuild, type FluxOverlay } from './kustomize.js';

/**
 * A Kurator Application's source, read from a local copy. Kurator hands the source to FluxCD (a
 * GitRepository, HelmRepository or OCIRepository) and each sync policy to a Flux Kustomization or
 * HelmRelease (kurator pkg/fleet-manager/application/helper.go). fleetsim fetches nothing: the
 * scenario's `sources:` maps a source url to a checkout, and a Helm chart to its manifests as
 * `helm template` renders them, since fleetsim does not run Helm.
 */

/** One entry of the scenario's `sources:`. */
export interface SourceMapping {
  url: string;
  ref?: Record<string, string>;
  chart?: string;
  version?: string;
  /** Absolute path of the local copy (a folder), or of a chart's rendered manifests (a file or folder). */
  path: string;
  /** `file:line` of the entry. */
  source: string;
}

type Obj = Record<string, unknown>;

/** The scenario's `sources:` (schema-checked), with their paths checked. */
export function readSources(src: YamlSource, entries: Obj[], baseDir: string): SourceMapping[] {
  return entries.map((e, i) => {
    const path = resolve(baseDir, e.path as string);
    const kind = pathKind(path);
    if (kind === 'missing') src.fail(['sources', i, 'path'], e.chart ? "the chart's rendered manifests (a YAML file or folder, relative to the scenario)" : "a checkout of the source (a folder, relative to the scenario)", `"${e.path}": no such file or folder`, { rawFound: true });
    if (kind === 'file' && !e.chart) src.fail(['sources', i, 'path'], 'a folder (the checkout of the repository; a file maps a chart only, with chart:)', `"${e.path}", a file`, { rawFound: true });
    const pos = src.at(['sources', i]);
    return {
      url: e.url as string,
      ...(e.ref ? { ref: e.ref as Record<string, string> } : {}),
      ...(e.chart ? { chart: e.chart as string } : {}),
      ...(e.version ? { version: e.version as string } : {}),
      path,
      source: `${pos.file}:${pos.line}`,
    };
  });
}

export type SourceKind = 'gitRepository' | 'helmRepository' | 'ociRepository';

/** The Application's source: the first of gitRepository, helmRepository, ociRepository, as Kurator's findSourceKind picks. */
export interface AppSource {
  kind: SourceKind;
  url: string;
  ref: Record<string, string>;
  /** Path of the source spec in the Application. */
  path: PathElement[];
  /** The source's own `ignore` patterns (Flux leaves matching files out of the artifact). */
  ignore: boolean;
}

/** Flux defaults when a source gives no ref: a GitRepository's branch master, an OCIRepository's tag latest. */
const DEFAULT_REF: Record<SourceKind, Record<string, string>> = { gitRepository: { branch: 'master' }, helmRepository: {}, ociRepository: { tag: 'latest' } };

export function appSource(app: YamlSource, spec: Obj, notes: InputNote[], where: string, object: string): AppSource {
  const source = (spec.source as Obj | undefined) ?? {};
  const kinds = (['gitRepository', 'helmRepository', 'ociRepository'] as const).filter((k) => source[k] !== undefined && source[k] !== null);
  if (kinds.length === 0) app.fail(['spec', 'source'], 'one of gitRepository, helmRepository, ociRepository', source);
  if (kinds.length > 1) notes.push({ source: where, object, text: `spec.source gives ${kinds.join(' and ')}: Kurator uses ${kinds[0]} only (findSourceKind), and so does fleetsim` });
  const kind = kinds[0];
  const s = source[kind] as Obj;
  const ref = (s.ref as Record<string, string> | undefined) ?? DEFAULT_REF[kind];
  return { kind, url: s.url as string, ref, path: ['spec', 'source', kind], ignore: typeof s.ignore === 'string' && s.ignore.trim() !== '' };
}

const trimUrl = (u: string, git: boolean): string => {
  let out = u.trim().replace(/\/+$/, '');
  if (git) out = out.replace(/\.git$/, '');
  return out;
};

const sameUrl = (a: string, b: string, kind: SourceKind): boolean => trimUrl(a, kind === 'gitRepository') === trimUrl(b, kind === 'gitRepository');
const trimChart = (c: string): string => c.trim().replace(/^\.\//, '').replace(/\/+$/, '');
const refText = (r: Record<string, string>): string => `{ ${Object.entries(r).map(([k, v]) => `${k}: ${v}`).join(', ')} }`;

/** The checkout of the source that a kustomization sync policy reads (a `sources:` entry without chart). */
export function checkoutOf(app: YamlSource, s: AppSource, mappings: readonly SourceMapping[]): SourceMapping {
  const sameSource = mappings.filter((m) => !m.chart && sameUrl(m.url, s.url, s.kind));
  const hit = sameSource.find((m) => !m.ref || Object.entries(m.ref).every(([k, v]) => s.ref[k] === v));
  if (hit) return hit;
  const found = sameSource.length ? `entries for "${s.url}" at other refs only (${sameSource.map((m) => refText(m.ref!)).join(', ')}; this source is at ${refText(s.ref)})` : `no entry for "${s.url}"`;
  const what = s.kind === 'ociRepository' ? 'the unpacked artifact' : 'a checkout';
  return app.fail([...s.path, 'url'], `a local copy of this source in the scenario's sources: (add { url: ${s.url}, path: ./<${what} of it> }; fleetsim fetches nothing)`, found, { rawFound: true });
}

/**
 * The rendered manifests of a helm sync policy's chart (a `sources:` entry with this url and
 * chart). fleetsim does not run Helm, so the message says how to render it.
 */
export function renderedChartOf(app: YamlSource, s: AppSource, helm: Obj, helmPath: PathElement[], mappings: readonly SourceMapping[], releaseName: string): SourceMapping {
  const spec = ((helm.chart as Obj | undefined)?.spec as Obj | undefined) ?? {};
  const chart = spec.chart as string;
  const version = spec.version as string | undefined;
  const sameChart = mappings.filter((m) => m.chart !== undefined && sameUrl(m.url, s.url, s.kind) && trimChart(m.chart) === trimChart(chart));
  const hit = sameChart.find((m) => !m.version || !version || version === '*' || m.version === version);
  if (hit) return hit;
  const where = s.kind === 'helmRepository' ? `${chart} --repo ${s.url}` : `./<checkout of ${s.url}>/${trimChart(chart)}`;
  const render = `helm template ${releaseName} ${where}${version ? ` --version ${version}` : ''} -f <the Application's values>`;
  const found = sameChart.length ? `entries for chart "${chart}" at other versions only (${sameChart.map((m) => m.version).join(', ')}; this policy asks for ${version})` : `no entry for chart "${chart}" of "${s.url}"`;
  return app.fail([...helmPath, 'chart', 'spec', 'chart'], `the chart's manifests pre-rendered, in the scenario's sources: (fleetsim does not run Helm: render them with \`${render}\`, then add { url: ${s.url}, chart: ${chart}${version ? `, version: ${version}` : ''}, path: ./<rendered file or folder> })`, found, { rawFound: true });
}

/** YAML files under a folder (name order, depth first), or the file itself. */
function yamlFiles(path: string): string[] {
  if (pathKind(path) === 'file') return [path];
  return listDir(path).flatMap((e) => (e.kind === 'dir' ? yamlFiles(join(path, e.name)) : /\.ya?ml$/.test(e.name) ? [join(path, e.name)] : []));
}

/**
 * A chart's rendered manifests as the HelmRelease installs them: objects without a namespace go
 * to the release namespace; test hooks are left out (Kurator's HelmRelease has no `test`, so Flux
 * never runs `helm test`). Other hooks are kept: Helm runs them at install.
 */
export function readRenderedChart(m: SourceMapping, releaseNamespace: string, notes: InputNote[], where: string, object: string): YamlSource[] {
  const out: YamlSource[] = [];
  let tests = 0;
  for (const f of yamlFiles(m.path)) {
    for (const d of readYamlFile(f, displayPath(f))) {
      const v = d.value() as Obj | null;
      if (v === null || typeof v !== 'object' || Array.isArray(v)) {
        if (v !== null && v !== undefined) out.push(d); // the reader reports what it is
        continue;
      }
      const meta = v.metadata as Obj | undefined;
      const hook = ((meta?.annotations as Obj | undefined)?.['helm.sh/hook'] as string | undefined) ?? '';
      if (hook.split(',').some((h) => h.trim() === 'test' || h.trim() === 'test-success')) {
        tests++;
        continue;
      }
      out.push(meta && typeof meta === 'object' && meta.namespace === undefined ? d.withOverride(['metadata', 'namespace'], releaseNamespace, d.at(['metadata'])) : d);
    }
  }
  if (tests > 0) notes.push({ source: where, object, text: `${tests} Helm test hook object(s) in ${displayPath(m.path)} left out: Flux runs no helm test for a Kurator HelmRelease` });
  return out;
}

/**
 * What a kustomization sync policy applies: Flux's build of `path` in the checkout, with the
 * policy's targetNamespace, images and commonMetadata; patches and components are named.
 */
export function kustomizationDocs(app: YamlSource, s: AppSource, k: Obj, kPath: PathElement[], checkout: SourceMapping, notes: InputNote[], where: string, object: string): YamlSource[] {
  // Flux's source-controller leaves files matching .sourceignore (or the source's ignore) out of the artifact.
  const ignores = [pathKind(join(checkout.path, '.sourceignore')) === 'file' ? `${displayPath(join(checkout.path, '.sourceignore'))}` : '', s.ignore ? `spec.source.${s.kind}.ignore` : ''].filter(Boolean);
  if (ignores.length) notes.push({ source: where, object, text: `${ignores.join(' and ')} not applied: every file of the checkout is read` });
  const rel = (k.path as string | undefined) ?? '';
  const dir = resolve(checkout.path, rel.replace(/^\/+/, ''));
  if (dir !== checkout.path && !dir.startsWith(checkout.path + '/')) app.fail([...kPath, 'path'], `a folder inside the checkout (${displayPath(checkout.path)})`, `"${rel}", outside it`, { rawFound: true });
  if (pathKind(dir) !== 'dir') app.fail([...kPath, 'path'], `a folder of the source's checkout (${displayPath(checkout.path)}, mapped at ${checkout.source})`, `"${rel}": no such folder there`, { rawFound: true });
  const at = <T>(value: T, path: PathElement[]) => ({ value, pos: app.at([...kPath, ...path]) });
  const meta = (k.commonMetadata as Obj | undefined) ?? {};
  const overlay: FluxOverlay = {
    ...(k.targetNamespace ? { namespace: at(k.targetNamespace as string, ['targetNamespace']) } : {}),
    images: ((k.images as Obj[] | undefined) ?? []).map((im, i) => at(imageOf(im), ['images', i])),
    labels: meta.labels ? [at(meta.labels as Record<string, string>, ['commonMetadata', 'labels'])] : [],
    annotations: meta.annotations ? [at(meta.annotations as Record<string, string>, ['commonMetadata', 'annotations'])] : [],
  };
  const skipped = ['patches', 'components'].filter((f) => Array.isArray(k[f]) && (k[f] as unknown[]).length > 0);
  if (skipped.length) notes.push({ source: where, object, text: `Flux Kustomization ${skipped.join(' and ')} not applied: the objects are taken as ${displayPath(dir)} builds them` });
  const built = kustomizeBuild(dir, checkout.path, overlay);
  notes.push(...built.notes);
  return built.docs;
}
