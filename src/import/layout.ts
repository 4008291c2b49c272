import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';

/**
 * Which files belong to which cluster. A dump is laid out as users keep them:
 *
 * - a folder with one sub-folder per cluster, named after the cluster (`dumps/gke/`, `dumps/eks/`,
 *   and optionally a folder with the Karmada control plane's objects, recognised by what it holds);
 * - files named with the cluster as prefix (`dumps/gke-nodes.json`, `dumps/gke-pods.json`);
 * - a folder of files, or one file, for a single cluster named after it;
 * - `--cluster NAME=PATH`, PATH a folder (read recursively), a file, or a file prefix
 *   (`config/node/ci-ln-3z9y7mt` takes every file starting so); repeat it to give a cluster
 *   several paths; `--host PATH` names the Karmada control plane's objects.
 *
 * Files that are neither JSON nor YAML are listed as skipped, never read.
 */
export interface DumpSource {
  /** The cluster's name (a DNS label), or '' for the Karmada host's objects. */
  name: string;
  role: 'member' | 'host' | 'unknown';
  /** Absolute paths, sorted. */
  files: string[];
  /** The paths as given, for comments and messages. */
  given: string[];
}

export interface Layout {
  sources: DumpSource[];
  /** Files found and not read (not JSON or YAML). */
  ignoredFiles: string[];
}

const DUMP_EXT = new Set(['.json', '.yaml', '.yml', '.csv']);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A trailing resource word of a file name (`gke-nodes`, `eks_pods`, `aks.all`): what is left is the cluster. */
const RESOURCE_SUFFIX =
  /[-_.](?:all|dump|state|snapshot|objects|resources|list|k8s|kwok|nodes?|pods?|priorityclass(?:es)?|deployments?|replicasets?|statefulsets?|daemonsets?|jobs?|cronjobs?|podgroups?|queues?|workloads?|vcjobs?)$/i;

export interface LayoutOptions {
  paths: string[];
  clusters: string[];
  host?: string;
}

export function resolveLayout(opts: LayoutOptions): Layout {
  const byName = new Map<string, DumpSource>();
  const ignoredFiles: string[] = [];
  const add = (name: string, role: DumpSource['role'], files: string[], given: string): void => {
    let s = byName.get(name);
    if (!s) byName.set(name, (s = { name, role, files: [], given: [] }));
    if (role !== 'unknown') s.role = role;
    for (const f of files) {
      if (!DUMP_EXT.has(extname(f).toLowerCase())) ignoredFiles.push(f);
      else if (!s.files.includes(f)) s.files.push(f);
    }
    s.given.push(given);
  };
  for (const spec of opts.clusters) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw new UserError(`--cluster: expected NAME=PATH (e.g. gke=dumps/gke), found "${spec}"`);
    const name = spec.slice(0, eq);
    if (!DNS_LABEL.test(name)) throw new UserError(`--cluster: expected a cluster name that is a DNS label (lower-case letters, digits, '-'), found "${name}"`);
    const path = spec.slice(eq + 1);
    add(name, 'member', filesAt(path, `--cluster ${name}`), path);
  }
  if (opts.host) add('', 'host', filesAt(opts.host, '--host'), opts.host);
  for (const p of opts.paths) {
    const abs = resolve(p);
    if (!existsSync(abs)) throw new UserError(`${p}: expected a dump folder or file, found no such file or folder`);
    if (statSync(abs).isFile()) {
      add(clusterNameOf(basename(abs)), 'unknown', [abs], p);
      continue;
    }
    const entries = readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const dirs = entries.filter((e) => e.isDirectory());
    const files = entries.filter((e) => e.isFile());
    if (dirs.length === 0) {
      // Files only: prefixes name clusters when they differ, else the folder is one cluster.
      const names = new Set(files.filter((f) => DUMP_EXT.has(extname(f.name).toLowerCase())).map((f) => clusterNameOf(f.name)));
      if (names.size > 1) for (const f of files) add(clusterNameOf(f.name), 'unknown', [join(abs, f.name)], p);
      else add(sanitize(basename(abs)), 'unknown', files.map((f) => join(abs, f.name)), p);
      continue;
    }
    for (const d of dirs) add(sanitize(d.name), 'unknown', walk(join(abs, d.name)), join(p, d.name));
    for (const f of files) add(clusterNameOf(f.name), 'unknown', [join(abs, f.name)], p);
  }
  const sources = [...byName.values()];
  for (const s of sources) s.files.sort();
  return { sources, ignoredFiles: [...new Set(ignoredFiles)].sort() };
}

/** Files of a folder (recursively), a file, or a prefix. */
function filesAt(path: string, flag: string): string[] {
  const abs = resolve(path);
  if (existsSync(abs)) return statSync(abs).isDirectory() ? walk(abs) : [abs];
  const dir = dirname(abs);
  const prefix = basename(abs);
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    const hit = readdirSync(dir, { withFileTypes: true }).filter((e) => e.name.startsWith(prefix));
    const out: string[] = [];
    for (const e of hit) out.push(...(e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    if (out.length) return out.sort();
  }
  throw new UserError(`${flag}: expected a folder, a file or a file prefix, found nothing at "${path}"`);
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** The cluster a loose file belongs to: its name without extension and trailing resource words (`gke-prod-nodes.json` → gke-prod). */
export function clusterNameOf(file: string): string {
  const base = file.slice(0, file.length - extname(file).length);
  let stem = base;
  for (let m = RESOURCE_SUFFIX.exec(stem); m && stem.length > m[0].length; m = RESOURCE_SUFFIX.exec(stem)) stem = stem.slice(0, stem.length - m[0].length);
  return sanitize(stem || base);
}

/** A folder or file name as a cluster name (a DNS label). */
export function sanitize(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').replace(/-{2,}/g, '-');
  return (s || 'cluster').slice(0, 63).replace(/-+$/, '');
}
