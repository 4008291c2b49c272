import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DistributionSpec } from '../kernel/index.js';
import { CsvColumns, parseCsv } from '../trace/csv.js';
import { UserError } from '../errors.js';
import type { PathElement, YamlSource } from './source.js';
import type { ClusterSpec, FaultKind, FaultSpec } from './types.js';
import { parseBandwidth, parseDuration } from './units.js';

type Obj = Record<string, unknown>;

const CLUSTER_KINDS: FaultKind[] = ['cluster-outage', 'partition', 'edge-disconnect'];
const NODE_KINDS: FaultKind[] = ['node-crash', 'spot-reclaim', 'maintenance'];

/** A duration or a distribution (the schema has checked which) as a distribution of seconds. */
function distOf(v: unknown, toDist: (v: unknown, path: PathElement[]) => DistributionSpec, path: PathElement[]): DistributionSpec | null {
  if (v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return { kind: 'constant', value: parseDuration(v)! };
  return toDist(v, path);
}

/** The scenario's `faults:` and `faultTrace:`, checked against the fleet (clusters, zones, regions, nodes). */
export function readFaults(
  src: YamlSource,
  doc: Obj,
  clusters: ClusterSpec[],
  regions: Set<string>,
  baseDir: string,
  toDist: (v: unknown, path: PathElement[]) => DistributionSpec,
): FaultSpec[] {
  const names = clusters.map((c) => c.name);
  const out: FaultSpec[] = [];
  ((doc.faults as Obj[] | undefined) ?? []).forEach((f, i) => {
    const path: PathElement[] = ['faults', i];
    const kind = f.kind as FaultKind;
    const at = f.at === undefined ? null : parseDuration(f.at)!;
    const mtbf = distOf(f.mtbf, toDist, [...path, 'mtbf']);
    const mttr = distOf(f.mttr, toDist, [...path, 'mttr']);
    if (at === null && mtbf === null) src.fail(path, 'a time (at) or a time between failures (mtbf)', f);
    if (at !== null && mtbf !== null) src.fail([...path, 'mtbf'], 'either at (scheduled) or mtbf (stochastic), not both', f.mtbf);
    if (mtbf !== null && mttr === null && kind !== 'spot-reclaim') src.fail(path, 'mttr (time to repair) with mtbf', undefined);
    const pos = src.at(path);
    let targets: string[] = [];
    if (CLUSTER_KINDS.includes(kind) || NODE_KINDS.includes(kind)) {
      if (typeof f.cluster !== 'string') src.fail([...path, 'cluster'], `the name of a cluster (${names.join(', ')})`, f.cluster);
      if (!names.includes(f.cluster)) src.fail([...path, 'cluster'], `the name of a cluster in fleet.clusters (${names.join(', ')})`, f.cluster);
      targets = [f.cluster];
    } else if (kind === 'zone-outage') {
      const zones = [...new Set(clusters.flatMap((c) => c.zones))];
      if (typeof f.zone !== 'string' || !zones.includes(f.zone)) src.fail([...path, 'zone'], `a zone of a cluster (${zones.join(', ') || 'no cluster names a zone'})`, f.zone);
      targets = clusters.filter((c) => c.zones.includes(f.zone as string)).map((c) => c.name);
    } else if (kind === 'region-outage') {
      const rs = [...new Set(clusters.map((c) => c.region))];
      if (typeof f.region !== 'string' || !rs.includes(f.region)) src.fail([...path, 'region'], `a region of a cluster (${rs.join(', ')})`, f.region);
      targets = clusters.filter((c) => c.region === f.region).map((c) => c.name);
    } else if (kind === 'link-degradation') {
      for (const end of ['from', 'to'] as const) {
        if (typeof f[end] !== 'string' || !regions.has(f[end] as string)) src.fail([...path, end], `a region of a cluster or registry (${[...regions].join(', ')})`, f[end]);
      }
      if (f.latency === undefined && f.bandwidth === undefined) src.fail(path, 'latency and/or bandwidth for the degraded link', undefined);
    }
    let nodes: FaultSpec['nodes'] = null;
    if (NODE_KINDS.includes(kind)) {
      if (f.node !== undefined) {
        const c = clusters.find((x) => x.name === f.cluster)!;
        const all = c.nodePools.flatMap((p) => p.nodes ?? Array.from({ length: p.count }, (_, k) => `${c.name}-${p.name}-${k}`));
        if (!all.includes(f.node as string)) src.fail([...path, 'node'], `a node of ${c.name} (${all.slice(0, 4).join(', ')}${all.length > 4 ? ', ...' : ''})`, f.node);
        nodes = f.node as string;
      } else {
        nodes = (f.nodes as number | 'all' | undefined) ?? (kind === 'node-crash' ? 1 : 'all');
      }
    }
    if (kind === 'cluster-outage' && f.mode === undefined) void 0;
    out.push({
      kind,
      clusters: targets,
      nodes,
      at,
      duration: f.duration === undefined ? Infinity : parseDuration(f.duration)!,
      mtbf,
      mttr,
      mode: kind === 'partition' || kind === 'edge-disconnect' ? 'api-unreachable' : ((f.mode as FaultSpec['mode'] | undefined) ?? 'down'),
      link: kind === 'link-degradation' ? { from: f.from as string, to: f.to as string, latency: f.latency === undefined ? null : parseDuration(f.latency), bandwidth: f.bandwidth === undefined ? null : parseBandwidth(f.bandwidth) } : null,
      notice: f.notice === undefined ? 120 : parseDuration(f.notice)!,
      drain: (f.drain as boolean | undefined) ?? true,
      source: `${pos.file}:${pos.line}`,
    });
  });
  if (typeof doc.faultTrace === 'string') out.push(...readFaultTrace(resolve(baseDir, doc.faultTrace), clusters, src, ['faultTrace']));
  return out;
}

/**
 * A failure trace: CSV with columns `time,target,kind,duration` and optionally `mode`. Times and
 * durations are seconds or durations like "5m"; an empty duration never recovers. `target` is a
 * cluster, a zone, a region, `<cluster>/<node>` (node-crash), or `<region>-><region>` (not supported
 * in traces: link degradation needs latency/bandwidth, so use `faults:`).
 */
export function readFaultTrace(file: string, clusters: ClusterSpec[], src: YamlSource, path: PathElement[]): FaultSpec[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    src.fail(path, 'a readable CSV file (relative to the scenario)', `${(e as NodeJS.ErrnoException).code ?? 'an unreadable file'}`, { rawFound: true });
  }
  const table = parseCsv(text, file);
  const cols = new CsvColumns(table, ['time', 'target', 'kind', 'duration'], ['mode']);
  const out: FaultSpec[] = [];
  const kinds: FaultKind[] = ['cluster-outage', 'zone-outage', 'region-outage', 'partition', 'edge-disconnect', 'node-crash', 'spot-reclaim', 'maintenance'];
  for (const row of table.rows) {
    const time = parseDuration(cols.text(row, 'time').trim());
    if (time === null) throw cols.error(row, 'time', `expected seconds or a duration like "5m", found '${cols.text(row, 'time')}'`);
    const kind = cols.text(row, 'kind').trim() as FaultKind;
    if (!kinds.includes(kind)) throw cols.error(row, 'kind', `expected one of ${kinds.join(', ')}, found '${kind}'`);
    const dText = cols.text(row, 'duration').trim();
    const duration = dText === '' ? Infinity : parseDuration(dText);
    if (duration === null) throw cols.error(row, 'duration', `expected seconds, a duration like "5m", or nothing (never recovers), found '${dText}'`);
    const target = cols.text(row, 'target').trim();
    let targets: string[] = [];
    let nodes: FaultSpec['nodes'] = null;
    if (kind === 'zone-outage') targets = clusters.filter((c) => c.zones.includes(target)).map((c) => c.name);
    else if (kind === 'region-outage') targets = clusters.filter((c) => c.region === target).map((c) => c.name);
    else if (NODE_KINDS.includes(kind)) {
      const [cluster, node] = target.split('/');
      targets = clusters.some((c) => c.name === cluster) ? [cluster] : [];
      nodes = node ? (/^\d+$/.test(node) ? Number(node) : node === 'all' ? 'all' : `${node}`) : kind === 'node-crash' ? 1 : 'all';
    } else targets = clusters.some((c) => c.name === target) ? [target] : [];
    if (targets.length === 0) throw cols.error(row, 'target', `expected a ${kind === 'zone-outage' ? 'zone' : kind === 'region-outage' ? 'region' : 'cluster'} of the scenario, found '${target}'`);
    const mode = (cols.text(row, 'mode').trim() || 'down') as FaultSpec['mode'];
    if (!['down', 'nodes-down', 'api-unreachable'].includes(mode)) throw cols.error(row, 'mode', `expected down, nodes-down or api-unreachable, found '${mode}'`);
    out.push({
      kind,
      clusters: targets,
      nodes,
      at: time,
      duration,
      mtbf: null,
      mttr: null,
      mode: kind === 'partition' || kind === 'edge-disconnect' ? 'api-unreachable' : mode,
      link: null,
      notice: 120,
      drain: true,
      source: `${file}:${row.line}`,
    });
  }
  if (out.length === 0) throw new UserError(`${file}: a failure trace with no rows`);
  return out;
}
