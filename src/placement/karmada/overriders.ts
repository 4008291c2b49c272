/**
 * Karmada's override manager on one resource template for one cluster (karmada
 * pkg/util/overridemanager/overridemanager.go `applyPolicyOverriders`, imageoverride.go), as pure
 * functions on the template's JSON: within one rule the image overriders run first, then the
 * plaintext ones, each a JSON patch (evanphx/json-patch v5: `add` needs the parent, `remove` and
 * `replace` need the target; a failed patch fails the whole override, and the binding controller
 * does not write that cluster's Work). Command, args, label, annotation and field overriders
 * change nothing fleetsim simulates; the loader names them.
 */

type Obj = Record<string, unknown>;

export interface ImageOverrider {
  component: 'Registry' | 'Repository' | 'Tag';
  operator: 'add' | 'remove' | 'replace';
  value?: string;
  /** The image field to change (a JSON pointer); absent: every container of a known workload kind. */
  predicate?: { path: string };
}

export interface PlaintextOverrider {
  path: string;
  operator: 'add' | 'remove' | 'replace';
  value?: unknown;
}

export interface Overriders {
  imageOverrider?: ImageOverrider[];
  plaintext?: PlaintextOverrider[];
}

/** Thrown for a patch Karmada could not apply; the message is the reason. */
export class OverrideError extends Error {}

/** RFC 6901: `/spec/template/spec/containers/0/image` → its tokens (`~1` is `/`, `~0` is `~`). */
export function pointerTokens(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new OverrideError(`path ${JSON.stringify(path)} does not start with /`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arrayIndex(token: string, length: number, allowEnd: boolean): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new OverrideError(`array index ${JSON.stringify(token)} is not a number`);
  const i = Number(token);
  if (i > length || (!allowEnd && i === length)) throw new OverrideError(`index ${i} is out of bounds (${length} elements)`);
  return i;
}

/** Apply one JSON patch operation in place (the document root itself cannot be replaced here). */
export function applyPatch(doc: Obj, op: PlaintextOverrider): void {
  const tokens = pointerTokens(op.path);
  if (tokens.length === 0) throw new OverrideError('a patch of the whole object is not supported');
  let parent: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(parent)) parent = parent[arrayIndex(t, parent.length, false)];
    else if (isObj(parent) && t in parent) parent = parent[t];
    else throw new OverrideError(`${op.operator} operation does not apply: doc is missing path: ${op.path}`);
  }
  const last = tokens[tokens.length - 1];
  const value = structuredClone(op.value);
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, op.operator === 'add');
    if (op.operator === 'add') parent.splice(i, 0, value);
    else if (op.operator === 'remove') parent.splice(i, 1);
    else parent[i] = value;
    return;
  }
  if (!isObj(parent)) throw new OverrideError(`${op.operator} operation does not apply: doc is missing path: ${op.path}`);
  if (op.operator !== 'add' && !(last in parent)) throw new OverrideError(`${op.operator} operation does not apply: doc is missing key: ${op.path}`);
  if (op.operator === 'remove') delete parent[last];
  else parent[last] = value;
}

/** The value at a JSON pointer, or undefined. */
export function valueAt(doc: unknown, path: string): unknown {
  let v = doc;
  for (const t of pointerTokens(path)) {
    if (Array.isArray(v)) v = /^\d+$/.test(t) ? v[Number(t)] : undefined;
    else if (isObj(v)) v = v[t];
    else return undefined;
  }
  return v;
}

/** Where an empty-predicate image overrider looks: the pod spec of the kinds Karmada knows (imageoverride.go). */
const POD_SPEC_OF: Record<string, string> = {
  Pod: '/spec',
  ReplicaSet: '/spec/template/spec',
  Deployment: '/spec/template/spec',
  DaemonSet: '/spec/template/spec',
  StatefulSet: '/spec/template/spec',
  Job: '/spec/template/spec',
};

/** The patches of one image overrider: each regular container's image of a known kind, or the predicate's path. */
export function imagePatches(doc: Obj, kind: string, io: ImageOverrider): PlaintextOverrider[] {
  if (io.predicate) {
    const cur = valueAt(doc, io.predicate.path);
    if (typeof cur !== 'string') throw new OverrideError(`failed to obtain imageValue with predicate path(${io.predicate.path})`);
    return [{ operator: 'replace', path: io.predicate.path, value: overrideImage(cur, io) }];
  }
  const prefix = POD_SPEC_OF[kind];
  if (!prefix) return [];
  const containers = valueAt(doc, `${prefix}/containers`);
  if (!Array.isArray(containers)) return [];
  return containers.map((c, i) => ({ operator: 'replace' as const, path: `${prefix}/containers/${i}/image`, value: overrideImage(String((c as Obj)?.image ?? ''), io) }));
}

/** Apply one rule's overriders in Karmada's order (image, then plaintext); throws OverrideError. */
export function applyOverriders(doc: Obj, kind: string, o: Overriders): void {
  for (const io of o.imageOverrider ?? []) for (const p of imagePatches(doc, kind, io)) applyPatch(doc, p);
  for (const p of o.plaintext ?? []) applyPatch(doc, p);
}

/** An image reference's parts, as Karmada's imageparser splits them (`docker.io` is implied, not written). */
export function parseImage(ref: string): { registry: string; repository: string; tag: string; digest: string } {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at) : '';
  const base = at >= 0 ? ref.slice(0, at) : ref;
  const slash = base.indexOf('/');
  const first = slash >= 0 ? base.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const rest = hasRegistry ? base.slice(slash + 1) : base;
  const colon = rest.lastIndexOf(':');
  const hasTag = colon > rest.lastIndexOf('/');
  return { registry: hasRegistry ? first : '', repository: hasTag ? rest.slice(0, colon) : rest, tag: hasTag ? rest.slice(colon + 1) : '', digest };
}

/** Karmada `overrideImage`: add to, replace or remove one component of the reference. */
export function overrideImage(cur: string, io: ImageOverrider): string {
  const img = parseImage(cur);
  const key = io.component === 'Registry' ? 'registry' : io.component === 'Repository' ? 'repository' : 'tag';
  const v = io.value ?? '';
  if (io.operator === 'replace') img[key] = v;
  else if (io.operator === 'add') img[key] = img[key] + v;
  else img[key] = '';
  return `${img.registry ? img.registry + '/' : ''}${img.repository}${img.tag ? ':' + img.tag : ''}${img.digest}`;
}
