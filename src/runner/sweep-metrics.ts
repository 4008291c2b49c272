import type { Scenario } from '../scenario/types.js';
import type { RunResult } from './result.js';

/**
 * The metrics a sweep aggregates, computed from one run's RunResult (and its scenario, for the
 * capacities that weight fleet-wide utilisation). Each is a number per run, or null when the run
 * has no such value (e.g. no workload ever became ready); nulls are left out of the aggregate,
 * whose `n` says how many runs had a value.
 *
 * Scope `fleet` is the whole fleet (member clusters only: a host cluster takes no workloads);
 * a cluster name is that member cluster alone.
 */
export interface MetricDef {
  readonly name: string;
  readonly unit: 's' | 'ratio' | 'count' | 'replica-s' | 'GPU-h' | 'ms' | 'per-h';
  /** Also reported per member cluster (scope: the cluster's name). */
  readonly perCluster: boolean;
  /** Also reported per service (scope `namespace/name`). */
  readonly perService?: boolean;
  /** Also reported per scheduled cluster fault (scope: faultScope(), e.g. `serving-sh down at 19h 30m`). */
  readonly perFault?: boolean;
  /** Which way is better (the report's verdict marks the best); absent: neither. */
  readonly better?: 'lower' | 'higher';
  readonly description: string;
}

export const SWEEP_METRICS: readonly MetricDef[] = [
  { name: 'timeToAllReady.mean', unit: 's', perCluster: false, better: 'lower', description: 'mean over workloads that became all ready of the seconds from creation until every desired pod was Ready' },
  { name: 'timeToAllReady.p95', unit: 's', perCluster: false, better: 'lower', description: 'the 95th percentile (nearest rank) of those seconds over the workloads that became all ready' },
  { name: 'timeToAllReady.max', unit: 's', perCluster: false, better: 'lower', description: 'the slowest of those workloads (seconds)' },
  { name: 'timeToScheduled.mean', unit: 's', perCluster: false, better: 'lower', description: 'mean over workloads that were fully bound of the seconds from creation until every desired pod was bound' },
  { name: 'workloads.notReady', unit: 'count', perCluster: false, better: 'lower', description: 'workloads not all ready at the end of the run' },
  { name: 'jobs.completed', unit: 'count', perCluster: false, better: 'higher', description: 'Jobs whose completions were all done' },
  { name: 'jobs.timeToComplete.mean', unit: 's', perCluster: false, better: 'lower', description: 'mean seconds from creation to completion of the completed Jobs' },
  { name: 'jobs.queueingDelay.mean', unit: 's', perCluster: false, better: 'lower', description: 'mean seconds from creation until the gang started (minAvailable pods Ready together), over Jobs that started' },
  { name: 'gangs.queueingDelay.mean', unit: 's', perCluster: false, better: 'lower', description: 'the same over gang Jobs only (minAvailable > 1)' },
  { name: 'jobs.heldGpuHours', unit: 'GPU-h', perCluster: false, better: 'lower', description: 'GPU-hours held by bound pods of Jobs whose gang was incomplete' },
  { name: 'jobs.deadlocked', unit: 'count', perCluster: false, better: 'lower', description: 'Jobs never started yet holding bound pods at the end' },
  { name: 'unavailableReplicaSeconds', unit: 'replica-s', perCluster: false, better: 'lower', description: 'over Deployments, the integral of missing Ready replicas (desired − ready) over time' },
  { name: 'failover.detection.mean', unit: 's', perCluster: false, better: 'lower', description: 'mean over cluster faults of the seconds until Karmada saw the cluster not Ready' },
  { name: 'failover.time.mean', unit: 's', perCluster: false, better: 'lower', description: 'mean over cluster faults of the seconds until every affected Deployment was all Ready elsewhere (faults that failed over)' },
  { name: 'failover.notFailedOver', unit: 'count', perCluster: false, better: 'lower', description: 'cluster faults whose affected Deployments were never all Ready elsewhere' },
  {
    name: 'failover.afterDetection',
    unit: 's',
    perCluster: false,
    perFault: true,
    better: 'lower',
    description: 'seconds from detection (Ready left True) until every affected Deployment was all Ready elsewhere: mean over the faults that failed over, and per scheduled fault (no value when it never failed over)',
  },
  { name: 'replicas.ready', unit: 'count', perCluster: true, description: 'Ready pods at the end' },
  { name: 'pods.pending', unit: 'count', perCluster: true, better: 'lower', description: 'Pending pods at the end' },
  { name: 'cpu.utilization', unit: 'ratio', perCluster: true, better: 'higher', description: 'time-mean CPU allocation (requests of bound pods / allocatable); fleet: weighted by each cluster\'s CPU' },
  { name: 'memory.utilization', unit: 'ratio', perCluster: false, better: 'higher', description: 'time-mean memory allocation, weighted by each cluster\'s memory' },
  { name: 'gpu.utilization', unit: 'ratio', perCluster: true, better: 'higher', description: 'time-mean GPU allocation, weighted by each cluster\'s GPUs (clusters with GPUs only)' },
  { name: 'cost.nodes.perHour', unit: 'per-h', perCluster: true, better: 'lower', description: 'what the up nodes cost per hour of the run at their clusters\' prices (no value without prices)' },
  { name: 'cost.workloads.perHour', unit: 'per-h', perCluster: false, better: 'lower', description: 'showback per hour: the workloads\' bound pods\' requests at their clusters\' prices (no value without prices)' },
  { name: 'traffic.sloViolation', unit: 's', perCluster: false, perService: true, better: 'lower', description: 'seconds of SLO windows that missed the objective: summed over services, and per service' },
  { name: 'traffic.latency.p99', unit: 'ms', perCluster: false, perService: true, better: 'lower', description: 'p99 latency of the served requests, per service (client side)' },
];

export const FLEET = 'fleet';

export interface MetricValue {
  readonly metric: string;
  readonly scope: string;
  readonly value: number | null;
}

function mean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Capacity-weighted mean of per-cluster ratios (null when the total capacity is 0). */
function weighted(parts: readonly { weight: number; value: number }[]): number | null {
  let w = 0;
  let s = 0;
  for (const p of parts) {
    w += p.weight;
    s += p.weight * p.value;
  }
  return w > 0 ? s / w : null;
}

/** The scope of a scheduled cluster fault: `<cluster> <mode> at <time>` (stochastic faults differ from run to run: none). */
export function faultScope(f: { cluster: string; mode: string; at: number }): string {
  const h = Math.floor(f.at / 3600);
  const m = Math.floor((f.at % 3600) / 60);
  const sec = Math.round(f.at % 60);
  return `${f.cluster} ${f.mode} at ${h}h${String(m).padStart(2, '0')}m${sec ? `${String(sec).padStart(2, '0')}s` : ''}`;
}

/** The p-quantile of ascending values by the nearest rank. */
function nearestRank(sorted: readonly number[], p: number): number | null {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : null;
}

/**
 * Every metric of SWEEP_METRICS for one run: fleet first, then per member cluster in the
 * scenario's order, then per service, then per scheduled fault.
 */
export function runMetrics(run: RunResult, scenario: Scenario): MetricValue[] {
  const capacity = new Map<string, { cpu: number; memory: number; gpu: number }>();
  for (const c of scenario.fleet.clusters) {
    let cpu = 0;
    let memory = 0;
    let gpu = 0;
    for (const p of c.nodePools) {
      cpu += p.count * p.cpuMillis;
      memory += p.count * p.memoryMiB;
      gpu += p.count * p.gpus.count;
    }
    capacity.set(c.name, { cpu, memory, gpu });
  }
  const members = run.clusters.filter((c) => c.role === 'member');
  const cap = (name: string) => capacity.get(name) ?? { cpu: 0, memory: 0, gpu: 0 };
  const ready = run.workloads.filter((w) => w.timeToAllReady !== null).map((w) => w.timeToAllReady!);
  const scheduled = run.workloads.filter((w) => w.timeToScheduled !== null).map((w) => w.timeToScheduled!);
  const jobs = run.workloads.filter((w) => w.kind === 'Job');
  const completed = jobs.filter((w) => w.timeToComplete !== null).map((w) => w.timeToComplete!);
  const sum = (f: (c: (typeof members)[number]) => number) => members.reduce((s, c) => s + f(c), 0);
  const started = jobs.filter((w) => typeof w.queueingDelay === 'number').map((w) => w.queueingDelay as number);
  const gangsStarted = jobs.filter((w) => (w.minAvailable ?? 1) > 1 && typeof w.queueingDelay === 'number').map((w) => w.queueingDelay as number);
  const priced = run.clusters.some((c) => c.cost > 0);
  const hours = run.duration / 3600;
  const services = run.traffic ?? [];
  // Detection → all Ready elsewhere, per fault (null: never failed over, or never detected).
  const afterDetection = (f: (typeof faults)[number]) => (f.failover !== null && f.detection !== null ? Math.max(0, f.failover - f.detection) : null);
  const scheduledFaults = new Set(scenario.faults.filter((s) => s.at !== null).flatMap((s) => s.clusters.map((c) => `${c}@${s.at}`)));
  const faults = run.failovers ?? [];
  // FailoverResult times are seconds after the fault began.
  const detected = faults.filter((f) => f.detection !== null).map((f) => f.detection!);
  const failedOver = faults.filter((f) => f.failover !== null).map((f) => f.failover!);

  const fleet: Record<string, number | null> = {
    'timeToAllReady.mean': mean(ready),
    'timeToAllReady.p95': nearestRank([...ready].sort((a, b) => a - b), 0.95),
    'timeToAllReady.max': ready.length ? Math.max(...ready) : null,
    'timeToScheduled.mean': mean(scheduled),
    'workloads.notReady': run.workloads.length - ready.length,
    'jobs.completed': completed.length,
    'jobs.timeToComplete.mean': mean(completed),
    'jobs.queueingDelay.mean': mean(started),
    'gangs.queueingDelay.mean': mean(gangsStarted),
    'jobs.heldGpuHours': jobs.reduce((a, w) => a + (w.heldGpuHours ?? 0), 0),
    'jobs.deadlocked': jobs.filter((w) => w.deadlocked === true).length,
    unavailableReplicaSeconds: run.workloads.reduce((a, w) => a + (w.kind === 'Deployment' ? (w.unavailableReplicaSeconds ?? 0) : 0), 0),
    'failover.detection.mean': mean(detected),
    'failover.time.mean': mean(failedOver),
    'failover.notFailedOver': faults.length ? faults.length - failedOver.length : null,
    'failover.afterDetection': mean(faults.map(afterDetection).filter((x): x is number => x !== null)),
    'replicas.ready': sum((c) => c.replicas),
    'pods.pending': sum((c) => c.pending),
    'cpu.utilization': weighted(members.map((c) => ({ weight: cap(c.name).cpu, value: c.cpuUtilization.mean }))),
    'memory.utilization': weighted(members.map((c) => ({ weight: cap(c.name).memory, value: c.memoryUtilization.mean }))),
    'gpu.utilization': weighted(members.map((c) => ({ weight: cap(c.name).gpu, value: c.gpuUtilization.mean }))),
    'cost.nodes.perHour': priced && hours > 0 ? run.clusters.reduce((a, c) => a + c.cost, 0) / hours : null,
    'cost.workloads.perHour': priced && hours > 0 ? run.workloads.reduce((a, w) => a + w.cost, 0) / hours : null,
    'traffic.sloViolation': services.some((x) => x.slo) ? services.reduce((a, x) => a + (x.slo ? x.sloViolationSeconds : 0), 0) : null,
    'traffic.latency.p99': null,
  };
  const out: MetricValue[] = SWEEP_METRICS.map((m) => ({ metric: m.name, scope: FLEET, value: fleet[m.name] ?? null }));
  for (const c of members) {
    const per: Record<string, number | null> = {
      'replicas.ready': c.replicas,
      'pods.pending': c.pending,
      'cpu.utilization': c.cpuUtilization.mean,
      'gpu.utilization': cap(c.name).gpu > 0 ? c.gpuUtilization.mean : null,
      'cost.nodes.perHour': priced && hours > 0 ? c.cost / hours : null,
    };
    for (const m of SWEEP_METRICS) if (m.perCluster) out.push({ metric: m.name, scope: c.name, value: per[m.name] ?? null });
  }
  for (const x of services) {
    const per: Record<string, number | null> = { 'traffic.sloViolation': x.slo ? x.sloViolationSeconds : null, 'traffic.latency.p99': x.latencyMs.p99 };
    for (const m of SWEEP_METRICS) if (m.perService) out.push({ metric: m.name, scope: `${x.namespace}/${x.service}`, value: per[m.name] ?? null });
  }
  for (const f of faults) {
    if (!scheduledFaults.has(`${f.cluster}@${f.at}`)) continue;
    for (const m of SWEEP_METRICS) if (m.perFault) out.push({ metric: m.name, scope: faultScope(f), value: afterDetection(f) });
  }
  return out;
}
