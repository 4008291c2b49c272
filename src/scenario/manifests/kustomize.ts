import { join, relative, resolve, sep } from 'node:path';
import { ScenarioError, type SourcePosition } from '../errors.js';
import { validateAgainst, type JsonSchema } from '../json-schema.js';
import { displayPath, listDir, pathKind, readYamlFile, type PathElement, type YamlSource } from '../source.js';
import type { InputNote } from '../types.js';

/**
 * The part of kustomize that decides what runs, as Flux's kustomize-controller builds a Kurator
 * Application's `kustomization.path` (fluxcd/pkg kustomize/kustomize_generator.go, then kustomize's
 * krusty with remote bases off and every path kept inside the source):
 *
 * - a folder without a kustomization file gets one listing every .yaml/.yml file below it, in
 *   name order, a sub-folder that has a kustomization file being listed as a folder instead;
 * - `resources:` (and the older `bases:`): files, and folders that are kustomizations of their own,
 *   built first with their own transformations;
 * - then, in kustomize's order (api/internal/target/kusttarget_configplugin.go): `namespace`,
 *   `namePrefix`/`nameSuffix`, `commonLabels`/`labels` and `commonAnnotations` (on metadata; not
 *   on selectors, which fleetsim does not read), `replicas`, `images`.
 *
 * Every other kustomization field (patches, generators, components, replacements, helmCharts...)
 * is not applied, and named in a note. Values set by a transformation report, in an error, the
 * line of the kustomization that set them.
 */

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** A value and where it is written. */
interface At<T> {
  value: T;
  pos: SourcePosition;
}

export interface KustomizeImage {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** What fleetsim applies of one kustomization. */
export interface KustomizeTransforms {
  namespace?: At<string>;
  namePrefix?: At<string>;
  nameSuffix?: At<string>;
  labels: At<Record<string, string>>[];
  annotations: At<Record<string, string>>[];
  replicas: At<{ name: string; count: number }>[];
  images: At<KustomizeImage>[];
}

/**
 * The fields of a Flux Kustomization (as Kurator passes them) that change the build: Flux writes
 * targetNamespace and images into the top kustomization; commonMetadata goes on every object.
 */
export interface FluxOverlay {
  namespace?: At<string>;
  images: At<KustomizeImage>[];
  labels: At<Record<string, string>>[];
  annotations: At<Record<string, string>>[];
}

export interface KustomizeBuild {
  /** The built objects, one YAML document each, transformations applied. */
  docs: YamlSource[];
  /** Kustomize features present but not applied. */
  notes: InputNote[];
}

const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };
const image: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 }, newName: { type: 'string' }, newTag: { type: ['string', 'number'] }, digest: { type: 'string' } },
};

/** The kustomization fields fleetsim reads (kustomize's types.Kustomization). */
const kustomizationSchema: JsonSchema = {
  type: 'object',
  properties: {
    resources: { type: 'array', items: { type: 'string', minLength: 1 } },
    bases: { type: 'array', items: { type: 'string', minLength: 1 } },
    namespace: { type: 'string' },
    namePrefix: { type: 'string' },
    nameSuffix: { type: 'string' },
    commonLabels: stringMap,
    labels: { type: 'array', items: { type: 'object', properties: { pairs: stringMap } } },
    commonAnnotations: stringMap,
    replicas: { type: 'array', items: { type: 'object', required: ['name', 'count'], properties: { name: { type: 'string', minLength: 1 }, count: { type: 'integer', minimum: 0 } } } },
    images: { type: 'array', items: image },
  },
};

/** Kustomization fields that are applied, or that do not change what runs. */
const APPLIED = new Set(['apiVersion', 'kind', 'metadata', 'resources', 'bases', 'namespace', 'namePrefix', 'nameSuffix', 'commonLabels', 'labels', 'commonAnnotations', 'replicas', 'images']);

/** The kustomization file of a folder, if it has one. */
export function kustomizationFile(dir: string): string | null {
  for (const f of KUSTOMIZATION_FILES) if (pathKind(join(dir, f)) === 'file') return join(dir, f);
  return null;
}

/**
 * Build the kustomization at `dir` (a folder inside `root`, the source's local copy) with the
 * Flux overlay on top, as kustomize-controller does.
 */
export function kustomizeBuild(dir: string, root: string, overlay: FluxOverlay): KustomizeBuild {
  const notes: InputNote[] = [];
  let docs = build(dir, root, [], notes, overlay);
  for (const l of overlay.labels) docs = docs.map((d) => setMetadataMap(d, 'labels', l));
  for (const a of overlay.annotations) docs = docs.map((d) => setMetadataMap(d, 'annotations', a));
  return { docs, notes };
}

function build(dir: string, root: string, stack: string[], notes: InputNote[], overlay: FluxOverlay | null): YamlSource[] {
  const kfile = kustomizationFile(dir);
  let entries: { path: string; at: (expected: string, found: string) => never }[];
  let t: KustomizeTransforms = { labels: [], annotations: [], replicas: [], images: [] };
  if (kfile) {
    const k = readKustomization(kfile);
    const v = k.value() as Record<string, unknown>;
    const lists = ['resources', 'bases'] as const;
    entries = lists.flatMap((key) =>
      ((v[key] as string[] | undefined) ?? []).map((p, i) => ({ path: p, at: (expected: string, found: string) => k.fail([key, i], expected, found, { rawFound: true }) })),
    );
    t = transformsOf(k, v);
    const skipped = Object.keys(v).filter((key) => !APPLIED.has(key));
    if (skipped.length) notes.push({ source: `${k.file}:${k.at([skipped[0]]).line}`, object: 'Kustomization', text: `${skipped.join(', ')} not applied (fleetsim applies resources, namespace, namePrefix/nameSuffix, labels, annotations, replicas and images): the objects are taken as the resources list them` });
  } else {
    // Flux generates the kustomization of a folder that has none.
    const at = (expected: string, found: string): never => {
      throw new ScenarioError({ file: displayPath(dir), line: 1, col: 1 }, '', expected, found);
    };
    entries = scanManifests(dir).map((p) => ({ path: p, at }));
  }
  if (overlay) t = withOverlay(t, overlay);

  let out: YamlSource[] = [];
  for (const e of entries) {
    if (!isLocalRelativePath(e.path)) e.at('a file or folder of the source (Flux builds with remote bases off)', `"${e.path}"`);
    const abs = resolve(dir, e.path);
    const rel = relative(root, abs);
    if (rel === '..' || rel.startsWith(`..${sep}`)) e.at(`a path inside the source's local copy (${displayPath(root)}), as Flux's secure build requires`, `"${e.path}", outside it`);
    const kind = pathKind(abs);
    if (kind === 'missing') e.at('a file or folder (relative to the kustomization)', `"${e.path}": no such file or folder`);
    if (kind === 'file') {
      out.push(...readYamlFile(abs, displayPath(abs)).filter((d) => d.doc.contents !== null));
      continue;
    }
    if (!kustomizationFile(abs)) e.at(`a folder with a ${KUSTOMIZATION_FILES.join(' or ')} (kustomize builds a listed folder as a kustomization)`, `"${e.path}", a folder without one`);
    if (stack.includes(abs) || abs === dir) e.at('a kustomization that does not include itself', `a cycle through "${e.path}"`);
    out.push(...build(abs, root, [...stack, dir], notes, null));
  }
  return applyTransforms(out, t);
}

function readKustomization(file: string): YamlSource {
  const docs = readYamlFile(file, displayPath(file));
  if (docs.length !== 1) throw new ScenarioError({ file: displayPath(file), line: 1, col: 1 }, '', 'one YAML document (a kustomization)', `${docs.length} documents`);
  const k = docs[0];
  const v = k.value();
  if (v === null || typeof v !== 'object' || Array.isArray(v)) k.fail([], 'a kustomization (a map with resources:)', v);
  validateAgainst(k, v, kustomizationSchema);
  return k;
}

function transformsOf(k: YamlSource, v: Record<string, unknown>): KustomizeTransforms {
  const at = <T>(value: T, path: PathElement[]): At<T> => ({ value, pos: k.at(path) });
  const str = (key: string): At<string> | undefined => (typeof v[key] === 'string' && v[key] !== '' ? at(v[key] as string, [key]) : undefined);
  const namespace = str('namespace');
  const namePrefix = str('namePrefix');
  const nameSuffix = str('nameSuffix');
  return {
    ...(namespace ? { namespace } : {}),
    ...(namePrefix ? { namePrefix } : {}),
    ...(nameSuffix ? { nameSuffix } : {}),
    labels: [
      ...(v.commonLabels ? [at(v.commonLabels as Record<string, string>, ['commonLabels'])] : []),
      ...((v.labels as { pairs?: Record<string, string> }[] | undefined) ?? []).flatMap((l, i) => (l.pairs ? [at(l.pairs, ['labels', i, 'pairs'])] : [])),
    ],
    annotations: v.commonAnnotations ? [at(v.commonAnnotations as Record<string, string>, ['commonAnnotations'])] : [],
    replicas: ((v.replicas as { name: string; count: number }[] | undefined) ?? []).map((r, i) => at(r, ['replicas', i])),
    images: ((v.images as Record<string, unknown>[] | undefined) ?? []).map((im, i) => at(imageOf(im), ['images', i])),
  };
}

export function imageOf(im: Record<string, unknown>): KustomizeImage {
  return {
    name: im.name as string,
    ...(im.newName ? { newName: im.newName as string } : {}),
    ...(im.newTag !== undefined && im.newTag !== '' ? { newTag: String(im.newTag) } : {}),
    ...(im.digest ? { digest: im.digest as string } : {}),
  };
}

/**
 * Flux's fields over the top kustomization (kustomize_generator.go): targetNamespace replaces
 * `namespace`; an image entry of the same name is merged field by field (a new tag or digest
 * replaces both), others are added.
 */
function withOverlay(t: KustomizeTransforms, o: FluxOverlay): KustomizeTransforms {
  const images = [...t.images];
  for (const im of o.images) {
    const i = images.findIndex((x) => x.value.name === im.value.name);
    if (i < 0) {
      images.push(im);
      continue;
    }
    const merged: KustomizeImage = { ...images[i].value };
    if (im.value.newName) merged.newName = im.value.newName;
    if (im.value.newTag || im.value.digest) {
      delete merged.newTag;
      delete merged.digest;
      if (im.value.newTag) merged.newTag = im.value.newTag;
      if (im.value.digest) merged.digest = im.value.digest;
    }
    images[i] = { value: merged, pos: im.pos };
  }
  return { ...t, ...(o.namespace ? { namespace: o.namespace } : {}), images };
}

/**
 * Flux's generated kustomization: every .yaml/.yml file below `dir` (name order, depth first),
 * except that a sub-folder with a kustomization file is listed itself and not descended into.
 */
function scanManifests(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of listDir(d)) {
      const abs = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.kind === 'dir') {
        if (kustomizationFile(abs)) out.push(`./${r}`);
        else walk(abs, r);
      } else if (/\.ya?ml$/.test(e.name)) {
        out.push(`./${r}`);
      }
    }
  };
  walk(dir, '');
  return out;
}

/** fluxcd/pkg kustomize IsLocalRelativePath: not a remote (git, ssh, http) or absolute path. */
function isLocalRelativePath(p: string): boolean {
  const lower = p.toLowerCase();
  for (const prefix of ['git::', 'gh:', 'ssh://', 'https://', 'http://', 'git@', 'github.com:', 'github.com/']) {
    if (prefix.length < p.length && lower.startsWith(prefix)) return false;
  }
  return !p.startsWith('/') && !lower.replace(/^file:\/\//, '').startsWith('/');
}

type Obj = Record<string, unknown>;

const metadataOf = (d: YamlSource): Obj | null => {
  const v = d.value() as Obj | null;
  const m = v && typeof v === 'object' && !Array.isArray(v) ? v.metadata : undefined;
  return m && typeof m === 'object' && !Array.isArray(m) ? (m as Obj) : null;
};

function applyTransforms(docs: YamlSource[], t: KustomizeTransforms): YamlSource[] {
  return docs.map((d) => {
    const v = d.value() as Obj | null;
    // A document that is not an object with metadata is left for the manifest reader to report.
    if (!metadataOf(d)) return d;
    const kind = v!.kind;
    const originalName = metadataOf(d)!.name;
    if (t.namespace) {
      // kustomize renames a Namespace object and sets every other object's namespace; the
      // cluster-scoped kinds fleetsim reads ignore a namespace.
      d = d.withOverride(['metadata', kind === 'Namespace' ? 'name' : 'namespace'], t.namespace.value, t.namespace.pos);
    }
    if ((t.namePrefix || t.nameSuffix) && typeof originalName === 'string' && kind !== 'Namespace' && kind !== 'CustomResourceDefinition' && kind !== 'APIService') {
      const pos = (t.namePrefix ?? t.nameSuffix)!.pos;
      d = d.withOverride(['metadata', 'name'], `${t.namePrefix?.value ?? ''}${originalName}${t.nameSuffix?.value ?? ''}`, pos);
    }
    for (const l of t.labels) d = setMetadataMap(d, 'labels', l);
    for (const a of t.annotations) d = setMetadataMap(d, 'annotations', a);
    const name = metadataOf(d)!.name;
    // The replica count transformer matches a resource by any of its names (original or current).
    for (const r of t.replicas) {
      const spec = (d.value() as Obj).spec;
      const specIsMap = spec === undefined || (spec !== null && typeof spec === 'object' && !Array.isArray(spec));
      if (specIsMap && ['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController'].includes(kind as string) && (r.value.name === name || r.value.name === originalName)) {
        d = d.withOverride(['spec', 'replicas'], r.value.count, r.pos);
      }
    }
    for (const im of t.images) d = setImages(d, im);
    return d;
  });
}

function setMetadataMap(d: YamlSource, key: 'labels' | 'annotations', m: At<Record<string, string>>): YamlSource {
  const meta = metadataOf(d);
  if (!meta || (meta[key] !== undefined && (typeof meta[key] !== 'object' || meta[key] === null || Array.isArray(meta[key])))) return d;
  for (const [k, v] of Object.entries(m.value)) d = d.withOverride(['metadata', key, k], v, m.pos);
  return d;
}

/**
 * kustomize's image transformer (api/filters/imagetag): every `image` of a list under a
 * `containers` or `initContainers` key, anywhere in the object, whose name matches.
 */
function setImages(d: YamlSource, im: At<KustomizeImage>): YamlSource {
  const hits: PathElement[][] = [];
  const walk = (node: unknown, path: PathElement[]): void => {
    if (Array.isArray(node)) {
      node.forEach((x, i) => walk(x, [...path, i]));
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node as Obj)) {
        walk(v, [...path, k]);
        if ((k === 'containers' || k === 'initContainers') && Array.isArray(v)) {
          v.forEach((c, i) => {
            if (c && typeof c === 'object' && typeof (c as Obj).image === 'string') hits.push([...path, k, i, 'image']);
          });
        }
      }
    }
  };
  walk(d.value(), []);
  for (const p of hits) {
    const current = p.reduce<unknown>((o, k) => (o as Obj)[k as string], d.value()) as string;
    const next = retag(current, im.value);
    if (next !== null) d = d.withOverride(p, next, im.pos);
  }
  return d;
}

/** kustomize api/internal/image: the new reference, or null when `ref` is not this image. */
export function retag(ref: string, im: KustomizeImage): string | null {
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^${im.name}(:[a-zA-Z0-9_.{}-]*)?(@[a-zA-Z0-9]+([.+_-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{}-]*)?$`);
  } catch {
    return null; // kustomize treats a name that is not a valid pattern as matching nothing
  }
  if (!pattern.test(ref)) return null;
  let [name, tag, digest] = splitImage(ref);
  if (im.newName) name = im.newName;
  if (im.newTag && im.digest) [tag, digest] = [im.newTag, im.digest];
  else if (im.newTag) [tag, digest] = [im.newTag, ''];
  else if (im.digest) [tag, digest] = ['', im.digest];
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

/** kustomize image.Split: name, tag, digest (a registry port before the first `/` is part of the name). */
export function splitImage(ref: string): [string, string, string] {
  const slash = ref.indexOf('/');
  const offset = slash > 0 ? slash : 0;
  const search = ref.slice(offset);
  let id = search.indexOf('@');
  let ic = search.indexOf(':');
  if (ic < 0 && id < 0) return [ref, '', ''];
  if (id >= 0 && (id < ic || ic < 0)) {
    id += offset;
    return [ref.slice(0, id), '', ref.slice(id + 1)];
  }
  if (id >= 0 && ic >= 0) {
    id += offset;
    ic += offset;
    return [ref.slice(0, ic), ref.slice(ic + 1, id), ref.slice(id + 1)];
  }
  ic += offset;
  return [ref.slice(0, ic), ref.slice(ic + 1), ''];
}
