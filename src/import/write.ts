import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { UserError } from '../errors.js';
import { basename, dirname, join, relative } from 'node:path';
import { stringify } from 'yaml';
import type { ImportedCluster, ImportedFleet } from './fleet.js';
import type { ImportedPool } from './pools.js';
import { applyable } from './applyable.js';
import { stateItems } from './state.js';

/**
 * The files `fleetsim import` writes, next to `--out`:
 *
 * - `<name>.yaml`, the scenario, for people: the clusters and their node pools grouped and
 *   commented (each pool names its nodes and the files they came from), `initialState:` and
 *   `include:` pointing at the two files below, and whatever the options add (history);
 * - `<name>.state.json`, the fleet at t = 0 (scenario/initial-state.ts);
 * - `<name>.manifests.yaml`, the Karmada, Volcano and Kurator objects and PriorityClasses, verbatim
 *   as `kubectl apply` takes them (status and server-set metadata left out).
 *
 * All are written to temporary files first and renamed into place at the end: an import that fails
 * leaves nothing half-written.
 */
export interface WrittenFiles {
  scenario: string;
  state: string;
  manifests: string | null;
  extra: string[];
}

export interface ScenarioExtras {
  /** Top-level blocks to add (workloads, actions, traces per cluster, variants), as plain values. */
  workloads?: Record<string, unknown>[];
  actions?: Record<string, unknown>[];
  policies?: Record<string, unknown>[];
  variants?: Record<string, unknown>[];
  /** Per cluster name: a `trace:` block. */
  traces?: Map<string, Record<string, unknown>>;
  /** Extra manifests (a replayed trace's objects), appended to the manifests file. */
  manifests?: { value: Record<string, unknown>; source: string }[];
  /** Further files (name relative to the scenario → content). */
  files?: Map<string, string>;
  /** Lines for the header comment. */
  header?: string[];
  duration?: string;
}

export function writeImport(fleet: ImportedFleet, out: string, command: string, extras: ScenarioExtras = {}): WrittenFiles {
  const dir = dirname(out);
  const stem = basename(out).replace(/\.ya?ml$/i, '');
  const files = {
    scenario: out,
    state: join(dir, `${stem}.state.json`),
    manifests: fleet.manifests.length || extras.manifests?.length ? join(dir, `${stem}.manifests.yaml`) : null,
  };
  const policies = new Set(fleet.manifests.filter((m) => m.kind.endsWith('PropagationPolicy')).map((m) => `${m.kind}/${m.kind === 'PropagationPolicy' ? m.namespace || 'default' : ''}/${m.name}`));
  const { items, notes } = stateItems(fleet, policies);
  const noteItems = [...notes, ...[...fleet.skipped, ...fleet.notes].map((n) => ({ kind: 'Note', object: n.object, where: n.where, reason: n.reason }))];
  const texts: [string, string][] = [];
  texts.push([files.state, stateText([...items, ...noteItems])]);
  if (files.manifests) texts.push([files.manifests, manifestsText(fleet, extras.manifests ?? [], dir)]);
  const extra: string[] = [];
  for (const [name, text] of extras.files ?? []) {
    const p = join(dir, name);
    extra.push(p);
    texts.push([p, text]);
  }
  texts.push([files.scenario, scenarioText(fleet, { ...files, dir, stem, command, extras, pods: items })]);
  writeAtomically(texts);
  return { ...files, extra };
}

/** Write every file to a temporary name first, then rename them all; on failure remove the temporaries. */
function writeAtomically(texts: [string, string][]): void {
  const tmp = texts.map(([p]) => `${p}.tmp-${process.pid}`);
  try {
    for (const [p] of texts) mkdirSync(dirname(p), { recursive: true });
    texts.forEach(([, text], i) => {
      const fd = openSync(tmp[i], 'w');
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
    });
    texts.forEach(([p], i) => renameSync(tmp[i], p));
  } catch (e) {
    for (const t of tmp) {
      try {
        rmSync(t, { force: true });
      } catch {
        // Never made (its folder could not be): nothing to remove.
      }
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code && err.path) throw new UserError(`--out: expected a folder fleetsim can write to, found ${err.code} (${err.message.split(':')[1]?.trim() ?? err.code}) at ${err.path}`);
    throw e;
  }
}

function stateText(items: Record<string, unknown>[]): string {
  // One item a line: a diff of two imports reads workload by workload.
  return `{"apiVersion": "fleetsim/v1", "kind": "InitialState", "items": [\n${items.map((i) => JSON.stringify(i)).join(',\n')}\n]}\n`;
}

function manifestsText(fleet: ImportedFleet, extra: { value: Record<string, unknown>; source: string }[], dir: string): string {
  const docs = [...fleet.manifests.map((m) => ({ value: m.value, source: m.source })), ...extra];
  const parts = docs.map((d) => `# from ${relativeWhere(d.source, dir)}\n${stringify(applyable(d.value), { lineWidth: 0 })}`);
  return `# Written by fleetsim import: the Karmada, Volcano and Kurator objects of the dump, as kubectl apply takes them.\n${parts.join('---\n')}`;
}

function relativeWhere(where: string, dir: string): string {
  const m = /^(.*?)(:\d+:\d+)?$/.exec(where)!;
  const rel = relative(dir, m[1]);
  return (rel.startsWith('..') || rel === '' ? m[1] : rel) + (m[2] ?? '');
}

// ------------------------------------------------------------------------------------------------
// The scenario text

const PLAIN = /^[A-Za-z0-9_/][A-Za-z0-9._/-]*$/;
/** What YAML would read as something other than a string (YAML 1.1's booleans too, for other readers). */
const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|~|[-+]?(?:\.inf|\.nan|0x[0-9a-f]+|0o[0-7]+|[0-9][0-9_]*(?:\.[0-9]*)?(?:e[-+]?[0-9]+)?|\.[0-9]+(?:e[-+]?[0-9]+)?))$/i;

/** A scalar or collection in YAML flow style (plain where that is safe, else JSON-quoted). */
export function flow(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return PLAIN.test(v) && !RESERVED.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  return entries.length ? `{ ${entries.map(([k, x]) => `${flow(k)}: ${flow(x)}`).join(', ')} }` : '{}';
}

/** A flow list broken over lines of about `width` characters, each indented by `indent`. */
function wrappedList(values: string[], indent: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const v of values.map(flow)) {
    if (line && line.length + v.length + 2 > width) {
      lines.push(line + ',');
      line = '';
    }
    line += line ? `, ${v}` : v;
  }
  if (line) lines.push(line);
  return lines.length <= 1 ? `[${lines[0] ?? ''}]` : `[\n${lines.map((l) => `${indent}  ${l}`).join('\n')}\n${indent}]`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function scenarioText(
  fleet: ImportedFleet,
  o: { scenario: string; state: string; manifests: string | null; dir: string; stem: string; command: string; extras: ScenarioExtras; pods: Record<string, unknown>[] },
): string {
  const rel = (p: string): string => relative(o.dir, p) || p;
  const members = fleet.clusters.filter((c) => c.role === 'member');
  const nodes = members.reduce((s, c) => s + c.pools.reduce((m, p) => m + p.nodes.length, 0), 0);
  const bound = members.reduce((s, c) => s + c.workloads.reduce((m, w) => m + [...w.bound.values()].reduce((a, b) => a + b, 0), 0), 0);
  const pending = members.reduce((s, c) => s + c.workloads.reduce((m, w) => m + w.pending + w.pendingOn.length, 0), 0);
  const L: string[] = [];
  L.push(`# A fleet imported by fleetsim import from kubectl dumps${Number.isNaN(fleet.takenAt) ? '' : ` taken at ${new Date(fleet.takenAt * 1000).toISOString()}`}:`);
  L.push(`#   ${plural(members.length, 'member cluster')}, ${plural(nodes, 'node')}, ${plural(bound, 'running pod')}, ${plural(pending, 'pending pod')}, ${plural(fleet.bindings.length, 'ResourceBinding')}.`);
  L.push(`# t = 0 is the moment of the dump: ${rel(o.state)} holds every workload as it then ran (fleetsim validate checks it);`);
  if (o.manifests) L.push(`# ${rel(o.manifests)} the Karmada, Volcano and Kurator objects, verbatim.`);
  L.push(`# ${plural(fleet.skipped.length, 'object')} of the dump left out and ${plural(fleet.notes.length, 'decision')} taken: listed in ${rel(o.state)} (Note items) and by fleetsim validate.`);
  L.push(`# Written by: ${o.command}`);
  for (const h of o.extras.header ?? []) L.push(`# ${h}`);
  L.push('apiVersion: fleetsim/v1');
  L.push(`name: ${flow(o.stem.replace(/[^-A-Za-z0-9_.]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'imported-fleet')}`);
  L.push(`description: ${flow(`imported fleet: ${members.map((c) => c.name).join(', ')}`)}`);
  L.push(`duration: ${o.extras.duration ?? '1h'}`);
  L.push(`initialState: ${flow(rel(o.state))}`);
  if (o.manifests) L.push(`include: [${flow(rel(o.manifests))}]`);
  L.push('');
  L.push('fleet:');
  L.push('  clusters:');
  for (const c of fleet.clusters) L.push(...clusterText(c, o.dir, o.extras.traces?.get(c.name)));
  for (const [key, list] of [['policies', o.extras.policies], ['workloads', o.extras.workloads], ['actions', o.extras.actions], ['variants', o.extras.variants]] as const) {
    if (!list?.length) continue;
    L.push('');
    L.push(`${key}:`);
    for (const x of list) L.push(`  - ${flow(x)}`);
  }
  return L.join('\n') + '\n';
}

function clusterText(c: ImportedCluster, dir: string, trace: Record<string, unknown> | undefined): string[] {
  const L: string[] = [];
  const nodes = c.pools.reduce((s, p) => s + p.nodes.length, 0);
  const pods = c.workloads.reduce((s, w) => s + w.pods.length, 0);
  const from = c.files.length ? ` from ${c.files.map((f) => relative(dir, f)).slice(0, 4).join(', ')}${c.files.length > 4 ? `, and ${c.files.length - 4} more files` : ''}` : '';
  L.push('');
  L.push(`    # ${c.name}: ${c.role === 'host' ? 'the Karmada control plane\'s cluster' : 'a member'}, ${plural(nodes, 'node')}, ${plural(pods, 'live pod')}${from}`);
  if (c.unmodelled.size) L.push(`    # allocatable not modelled: ${[...c.unmodelled].map(([r, n]) => `${r} (${plural(n, 'node')})`).join(', ')}`);
  L.push(`    - name: ${flow(c.name)}`);
  if (c.role === 'host') L.push('      role: host');
  L.push(`      region: ${flow(c.region)}`);
  if (c.zones.length) L.push(`      zones: ${flow(c.zones)}`);
  if (c.provider) L.push(`      provider: ${flow(c.provider)}`);
  if (Object.keys(c.labels).length) L.push(`      labels: ${flow(c.labels)}`);
  if (c.taints.length) L.push(`      taints: ${flow(c.taints)}`);
  if (c.syncMode !== 'Push') L.push(`      syncMode: ${c.syncMode}`);
  if (c.scheduler !== 'kube-scheduler') L.push(`      scheduler: ${c.scheduler}`);
  if (trace) L.push(`      trace: ${flow(trace)}`);
  L.push(`      nodePools:${c.pools.length ? '' : ' []'}`);
  for (const p of c.pools) L.push(...poolText(p, dir));
  return L;
}

function poolText(p: ImportedPool, dir: string): string[] {
  const L: string[] = [];
  const files = [...new Set(p.nodes.map((n) => relative(dir, n.file)))];
  const mem = [...new Set(p.nodes.map((n) => n.memoryBytes))];
  const memText = mem.length === 1 ? `${mem[0] / 1024}Ki` : `${Math.min(...mem) / 1024}Ki to ${Math.max(...mem) / 1024}Ki`;
  L.push(`        # ${plural(p.nodes.length, 'node')} from ${files.slice(0, 3).join(', ')}${files.length > 3 ? ` and ${files.length - 3} more` : ''}; allocatable memory ${memText} (in whole MiB, rounded down)`);
  L.push(`        - name: ${flow(p.name)}`);
  L.push(`          count: ${p.nodes.length}`);
  L.push(`          cpu: ${p.cpuMillis % 1000 === 0 ? p.cpuMillis / 1000 : `${p.cpuMillis}m`}`);
  L.push(`          memory: ${p.memoryMiB}Mi`);
  L.push(`          maxPods: ${p.pods}`);
  if (p.gpus) L.push(`          gpus: ${flow({ count: p.gpus, ...(p.gpuModel ? { model: p.gpuModel } : {}), ...(p.gpuMemoryMiB ? { memory: `${p.gpuMemoryMiB}Mi` } : {}) })}`);
  if (p.zone) L.push(`          zone: ${flow(p.zone)}`);
  if (Object.keys(p.labels).length) {
    L.push('          labels:');
    for (const [k, v] of Object.entries(p.labels)) L.push(`            ${flow(k)}: ${flow(v)}`);
  }
  if (p.taints.length) L.push(`          taints: ${flow(p.taints)}`);
  L.push(`          nodes: ${wrappedList(p.nodes.map((n) => n.name), '          ')}`);
  if (p.cordoned.length) L.push(`          cordoned: ${wrappedList(p.cordoned, '          ')}`);
  if (p.notReady.length) L.push(`          notReady: ${wrappedList(p.notReady, '          ')}`);
  return L;
}
