import type { ImportedFleet } from './fleet.js';

/**
 * What `fleetsim import` prints: per cluster its pools, nodes, GPUs, requested ÷ allocatable cpu,
 * memory and GPUs (the dump's own figures, exact: bytes and millicores, before any rounding), bound
 * and pending pods; then every object skipped and every decision taken, with the reason.
 */
export interface ClusterFigures {
  name: string;
  role: 'member' | 'host';
  pools: number;
  nodes: number;
  cordoned: number;
  notReady: number;
  gpus: number;
  cpuRequested: number;
  cpuAllocatable: number;
  memoryRequested: number;
  memoryAllocatable: number;
  gpuRequested: number;
  bound: number;
  pending: number;
  workloads: number;
}

/** The figures of each cluster (requests of bound pods over allocatable, in millicores, bytes and GPUs). */
export function clusterFigures(fleet: ImportedFleet): ClusterFigures[] {
  return fleet.clusters.map((c) => {
    const nodes = c.pools.flatMap((p) => p.nodes);
    const names = new Set(nodes.map((n) => n.name));
    let cpu = 0;
    let mem = 0;
    let gpu = 0;
    let bound = 0;
    let pending = 0;
    for (const w of c.workloads) {
      for (const p of w.pods) {
        if (p.node === null || !names.has(p.node)) continue; // waiting: it holds nothing yet
        cpu += p.cpuMillis;
        mem += p.memoryBytes;
        gpu += p.gpus;
      }
      for (const n of w.bound.values()) bound += n;
      pending += w.pending + w.pendingOn.length;
    }
    return {
      name: c.name,
      role: c.role,
      pools: c.pools.length,
      nodes: nodes.length,
      cordoned: nodes.filter((n) => n.cordoned).length,
      notReady: nodes.filter((n) => !n.ready).length,
      gpus: nodes.reduce((s, n) => s + n.gpus, 0),
      cpuRequested: cpu,
      cpuAllocatable: nodes.reduce((s, n) => s + n.cpuMillis, 0),
      memoryRequested: mem,
      memoryAllocatable: nodes.reduce((s, n) => s + n.memoryBytes, 0),
      gpuRequested: gpu,
      bound,
      pending,
      workloads: c.workloads.length,
    };
  });
}

const pct = (a: number, b: number): string => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : '-');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ').trimEnd()).join('\n');
}

/** The summary, for a terminal. `limit`: skipped objects and notes listed one by one up to this many each. */
export function formatImportTable(fleet: ImportedFleet, limit = 50): string {
  const figs = clusterFigures(fleet);
  const rows = [['cluster', 'pools', 'nodes', 'GPUs', 'cpu req/alloc', 'memory req/alloc', 'GPU req/alloc', 'bound pods', 'pending pods', 'workloads']];
  for (const f of figs) {
    const extra = [f.cordoned ? `${f.cordoned} cordoned` : '', f.notReady ? `${f.notReady} NotReady` : ''].filter(Boolean).join(', ');
    rows.push([
      f.role === 'host' ? `${f.name} (host)` : f.name,
      String(f.pools),
      `${f.nodes}${extra ? ` (${extra})` : ''}`,
      String(f.gpus),
      pct(f.cpuRequested, f.cpuAllocatable),
      pct(f.memoryRequested, f.memoryAllocatable),
      f.gpus ? pct(f.gpuRequested, f.gpus) : '-',
      String(f.bound),
      String(f.pending),
      String(f.workloads),
    ]);
  }
  const out = [table(rows)];
  const list = (title: string, items: { object: string; where: string; reason: string }[]): void => {
    if (!items.length) return;
    out.push('', `${title} (${items.length}):`);
    if (items.length <= limit) {
      for (const s of items) out.push(`  ${s.where}: ${s.object}: ${s.reason}`);
      return;
    }
    // Many: one line per reason and kind, with the count and the first few.
    const groups = new Map<string, typeof items>();
    for (const s of items) {
      const key = `${s.object.split(' ')[0]}|${s.reason}`;
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    for (const [key, g] of groups) {
      const [kind, reason] = key.split('|');
      out.push(`  ${g.length} × ${kind}: ${reason} (${g.slice(0, 3).map((s) => `${s.object.split(' ').slice(1).join(' ')} at ${s.where}`).join('; ')}${g.length > 3 ? '; ...' : ''})`);
    }
  };
  list('skipped', fleet.skipped);
  list('decided', fleet.notes);
  if (fleet.ignoredFiles.length) out.push('', `not read (${fleet.ignoredFiles.length}, not JSON or YAML): ${fleet.ignoredFiles.slice(0, 5).join(', ')}${fleet.ignoredFiles.length > 5 ? ', ...' : ''}`);
  return out.join('\n') + '\n';
}
