import type { RunResult } from '../runner/result.js';
import type { SweepData } from '../runner/sweep-aggregate.js';

/**
 * Every time series of every run, as one wide table: a row per run and sample time (the
 * scenario's `metrics.interval`), a column per series. Written beside summary.json as
 * series.arrow, and as OpenMetrics text (openmetrics.ts).
 *
 * Columns (`.` separates the parts; names as in the scenario):
 * - `cluster.<cluster>.{cpu_allocation, memory_allocation, gpu_allocation}`: requests of bound pods / allocatable;
 *   `.ready_pods`, `.pending_pods`, `.node_cost_per_hour`;
 * - `workload.<namespace/name>.ready.<cluster>`: a Deployment's Ready replicas in a cluster;
 * - `service.<namespace/name>.{requests_per_second, latency_p50_ms, latency_p<q>_ms, error_ratio, timeout_ratio, slo_violated}`:
 *   the SLO window that holds the sample time (windows end at their time; none: empty);
 * - `autoscaler.<name>.{desired_replicas, ready_replicas}`: as of the last sync at or before the sample time.
 */

export interface SeriesColumn {
  readonly name: string;
  /** OpenMetrics family (`fleetsim_cluster_cpu_allocation_ratio`) and this series' own labels. */
  readonly family: string;
  readonly help: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly values: (number | null)[];
}

export interface SeriesTable {
  readonly scenario: string;
  readonly rows: number;
  /** Per row: the run (index into `runs`) and the sample time (seconds). */
  readonly run: number[];
  readonly t: number[];
  readonly runs: readonly { readonly variant: string; readonly scheduler: string; readonly replication: number; readonly seed: number }[];
  readonly columns: readonly SeriesColumn[];
}

interface Family {
  readonly family: string;
  readonly help: string;
}

const CLUSTER_SERIES: readonly [keyof RunResult['series']['clusters'][string], string, Family][] = [
  ['cpu', 'cpu_allocation', { family: 'fleetsim_cluster_cpu_allocation_ratio', help: 'CPU requests of bound pods / allocatable CPU' }],
  ['memory', 'memory_allocation', { family: 'fleetsim_cluster_memory_allocation_ratio', help: 'memory requests of bound pods / allocatable memory' }],
  ['gpu', 'gpu_allocation', { family: 'fleetsim_cluster_gpu_allocation_ratio', help: 'GPUs allocated / GPUs of the cluster' }],
  ['replicas', 'ready_pods', { family: 'fleetsim_cluster_ready_pods', help: 'Ready pods' }],
  ['pending', 'pending_pods', { family: 'fleetsim_cluster_pending_pods', help: 'Pending pods' }],
  ['costRate', 'node_cost_per_hour', { family: 'fleetsim_cluster_node_cost_per_hour', help: 'what the up nodes cost per hour at the cluster prices' }],
];

/** The index of the first value >= t in ascending `ts` (ts.length when none). */
function firstAtOrAfter(ts: readonly number[], t: number, from: number): number {
  let i = from;
  while (i < ts.length && ts[i] < t) i++;
  return i;
}

export function seriesTable(data: SweepData): SeriesTable {
  const runs: SeriesTable['runs'][number][] = [];
  const results: RunResult[] = [];
  const variantAxis = data.header.axes.findIndex((a) => a.path === 'variant');
  for (const { planned, record } of data.runs) {
    if (record?.status !== 'ok' || !record.result) continue;
    results.push(record.result);
    runs.push({ variant: variantAxis >= 0 ? String(record.values[variantAxis]) : '', scheduler: planned.scheduler, replication: planned.replication, seed: record.seed });
  }
  const run: number[] = [];
  const t: number[] = [];
  results.forEach((r, k) => r.series.t.forEach((x) => (run.push(k), t.push(x))));
  const rows = t.length;
  const columns = new Map<string, SeriesColumn>();
  const col = (name: string, f: Family, labels: Record<string, string>): SeriesColumn => {
    let c = columns.get(name);
    if (!c) columns.set(name, (c = { name, family: f.family, help: f.help, labels, values: new Array<number | null>(rows).fill(null) }));
    return c;
  };
  let offset = 0;
  results.forEach((r) => {
    const n = r.series.t.length;
    for (const c of r.clusters) {
      const s = r.series.clusters[c.name];
      if (!s) continue;
      for (const [key, suffix, fam] of CLUSTER_SERIES) {
        if (key === 'gpu' && c.gpus === 0) continue;
        const dst = col(`cluster.${c.name}.${suffix}`, fam, { cluster: c.name }).values;
        const src = s[key];
        for (let i = 0; i < n; i++) dst[offset + i] = src[i];
      }
    }
    for (const [w, byCluster] of Object.entries(r.series.workloads)) {
      for (const [cluster, v] of Object.entries(byCluster)) {
        const dst = col(`workload.${w}.ready.${cluster}`, { family: 'fleetsim_workload_ready_replicas', help: "a Deployment's Ready replicas in a cluster" }, { workload: w, cluster }).values;
        for (let i = 0; i < n; i++) dst[offset + i] = v[i];
      }
    }
    for (const svc of r.traffic ?? []) {
      const key = `${svc.namespace}/${svc.service}`;
      const tl = svc.timeline;
      const q = svc.slo?.percentile ?? 99;
      const parts: [string, Family, Record<string, string>, (j: number) => number | null][] = [
        ['requests_per_second', { family: 'fleetsim_service_requests_per_second', help: 'requests offered per second' }, {}, (j) => tl.rps[j]],
        ['latency_p50_ms', { family: 'fleetsim_service_latency_milliseconds', help: 'latency of the served requests in the SLO window, by quantile' }, { quantile: '0.5' }, (j) => tl.p50[j]],
        [`latency_p${q}_ms`, { family: 'fleetsim_service_latency_milliseconds', help: 'latency of the served requests in the SLO window, by quantile' }, { quantile: String(q / 100) }, (j) => tl.pSlo[j]],
        ['error_ratio', { family: 'fleetsim_service_error_ratio', help: 'share of the outcomes answered 5xx' }, {}, (j) => tl.errorRate[j]],
        ['timeout_ratio', { family: 'fleetsim_service_timeout_ratio', help: 'share of the outcomes that timed out' }, {}, (j) => tl.timeoutRate[j]],
        ['slo_violated', { family: 'fleetsim_service_slo_violated', help: '1 when the SLO window missed the objective' }, {}, (j) => (tl.violated[j] ? 1 : 0)],
      ];
      for (const [suffix, fam, extra, get] of parts) {
        const dst = col(`service.${key}.${suffix}`, fam, { service: key, ...extra }).values;
        let j = 0;
        for (let i = 0; i < n; i++) {
          j = firstAtOrAfter(tl.t, r.series.t[i], j);
          dst[offset + i] = j < tl.t.length ? get(j) : null;
        }
      }
    }
    for (const a of r.autoscaling ?? []) {
      const parts: [string, Family, number[]][] = [
        ['desired_replicas', { family: 'fleetsim_autoscaler_desired_replicas', help: "the FederatedHPA's desired replicas (spec.replicas)" }, a.series.desired],
        ['ready_replicas', { family: 'fleetsim_autoscaler_ready_replicas', help: 'Ready pods of its target, as the FederatedHPA counted them' }, a.series.ready],
      ];
      for (const [suffix, fam, v] of parts) {
        const dst = col(`autoscaler.${a.name}.${suffix}`, fam, { autoscaler: a.name, workload: a.workload }).values;
        let j = 0;
        for (let i = 0; i < n; i++) {
          const at = r.series.t[i];
          while (j + 1 < a.series.t.length && a.series.t[j + 1] <= at) j++;
          dst[offset + i] = a.series.t.length && a.series.t[j] <= at ? v[j] : null;
        }
      }
    }
    offset += n;
  });
  return { scenario: data.header.scenario, rows, run, t, runs, columns: [...columns.values()] };
}

/** The table's columns as arquero takes them: the run's keys, the time, then every series. */
export function seriesColumns(s: SeriesTable): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {
    variant: s.run.map((k) => s.runs[k].variant),
    scheduler: s.run.map((k) => s.runs[k].scheduler),
    replication: s.run.map((k) => s.runs[k].replication),
    seed: s.run.map((k) => s.runs[k].seed),
    t: s.t,
  };
  for (const c of s.columns) out[c.name] = c.values;
  return out;
}
