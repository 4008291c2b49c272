import type { Scenario } from '../scenario/types.js';
import type { RunResult } from './result.js';

/**
 * The metrics a sweep aggregates, computed from one run's RunResult (and its scenario, for the
 * capacities that weight fleet-wide utilisation). Each is a number per run, or null when the run
 * has no such value (e.g. no workload ever became ready); nulls are left out of the aggregate,
 * whose `n` says how many runs had a value.
 *
 * Scope `fleet` is the whole fleet (member clusters only: a host cluster takes no workloads);
 * a cluster name is that member cluster alone; a service's name (the traffic metrics `slo.*`)
 * is that service alone. No metric is both per cluster and per service, so a scope is never
 * ambiguous even when a cluster and a service share a name.
 */
export interface MetricDef {
  readonly name: string;
  readonly unit: 's' | 'ratio' | 'count' | 'replica-s' | 'GPU-h' | 'min' | 'ms' | 'cost';
  /** Also reported per member cluster. */
  readonly perCluster: boolean;
  /** Also reported per service (scope: the service's name). */
  readonly perService?: boolean;
  readonly description: string;
}

export const SWEEP_METRICS: readonly MetricDef[] = [
  { name: 'timeToAllReady.mean', unit: 's', perCluster: false, description: 'mean over workloads that became all ready of the seconds from creation until every desired pod was Ready' },
  { name: 'timeToAllReady.max', unit: 's', perCluster: false, description: 'the slowest of those workloads (seconds)' },
  { name: 'timeToScheduled.mean', unit: 's', perCluster: false, description: 'mean over workloads that were fully bound of the seconds from creation until every desired pod was bound' },
  { name: 'workloads.notReady', unit: 'count', perCluster: false, description: 'workloads not all ready at the end of the run' },
  { name: 'jobs.completed', unit: 'count', perCluster: false, description: 'Jobs whose completions were all done' },
  { name: 'jobs.timeToComplete.mean', unit: 's', perCluster: false, description: 'mean seconds from creation to completion of the completed Jobs' },
  { name: 'jobs.queueingDelay.mean', unit: 's', perCluster: false, description: 'mean seconds from creation until the gang started (minAvailable pods Ready together), over Jobs that started' },
  { name: 'jobs.heldGpuHours', unit: 'GPU-h', perCluster: false, description: 'GPU-hours held by bound pods of Jobs whose gang was incomplete' },
  { name: 'jobs.deadlocked', unit: 'count', perCluster: false, description: 'Jobs never started yet holding bound pods at the end' },
  { name: 'unavailableReplicaSeconds', unit: 'replica-s', perCluster: false, description: 'over Deployments, the integral of missing Ready replicas (desired − ready) over time' },
  { name: 'failover.detection.mean', unit: 's', perCluster: false, description: 'mean over cluster faults of the seconds until Karmada saw the cluster not Ready' },
  { name: 'failover.time.mean', unit: 's', perCluster: false, description: 'mean over cluster faults of the seconds until every affected Deployment was all Ready elsewhere (faults that failed over)' },
  { name: 'failover.notFailedOver', unit: 'count', perCluster: false, description: 'cluster faults whose affected Deployments were never all Ready elsewhere' },
  { name: 'replicas.ready', unit: 'count', perCluster: true, description: 'Ready pods at the end' },
  { name: 'pods.pending', unit: 'count', perCluster: true, description: 'Pending pods at the end' },
  { name: 'cpu.utilization', unit: 'ratio', perCluster: true, description: 'time-mean CPU allocation (requests of bound pods / allocatable); fleet: weighted by each cluster\'s CPU' },
  { name: 'memory.utilization', unit: 'ratio', perCluster: false, description: 'time-mean memory allocation, weighted by each cluster\'s memory' },
  { name: 'gpu.utilization', unit: 'ratio', perCluster: true, description: 'time-mean GPU allocation, weighted by each cluster\'s GPUs (clusters with GPUs only)' },
  { name: 'cost.total', unit: 'cost', perCluster: true, description: 'node cost over the run: every up node at its cluster\'s prices (fleet: member clusters)' },
  { name: 'slo.violationMinutes', unit: 'min', perCluster: false, perService: true, description: 'minutes of SLO windows that missed the service\'s SLO (fleet: summed over services with an SLO)' },
  { name: 'slo.latencyP99', unit: 'ms', perCluster: false, perService: true, description: 'p99 latency of the served requests over the run, client side (per service only)' },
  { name: 'slo.failedRatio', unit: 'ratio', perCluster: false, perService: true, description: 'share of offered requests that failed or timed out (fleet: over every service)' },
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

/** Every metric of SWEEP_METRICS for one run, fleet first, then per member cluster in the scenario's order, then per service. */
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
  const faults = run.failovers ?? [];
  // FailoverResult times are seconds after the fault began.
  const detected = faults.filter((f) => f.detection !== null).map((f) => f.detection!);
  const failedOver = faults.filter((f) => f.failover !== null).map((f) => f.failover!);
  const services = run.traffic ?? [];
  const withSlo = services.filter((s) => s.slo !== null);
  const offered = services.reduce((a, s) => a + s.offered, 0);

  const fleet: Record<string, number | null> = {
    'timeToAllReady.mean': mean(ready),
    'timeToAllReady.max': ready.length ? Math.max(...ready) : null,
    'timeToScheduled.mean': mean(scheduled),
    'workloads.notReady': run.workloads.length - ready.length,
    'jobs.completed': completed.length,
    'jobs.timeToComplete.mean': mean(completed),
    'jobs.queueingDelay.mean': mean(started),
    'jobs.heldGpuHours': jobs.reduce((a, w) => a + (w.heldGpuHours ?? 0), 0),
    'jobs.deadlocked': jobs.filter((w) => w.deadlocked === true).length,
    unavailableReplicaSeconds: run.workloads.reduce((a, w) => a + (w.kind === 'Deployment' ? (w.unavailableReplicaSeconds ?? 0) : 0), 0),
    'failover.detection.mean': mean(detected),
    'failover.time.mean': mean(failedOver),
    'failover.notFailedOver': faults.length ? faults.length - failedOver.length : null,
    'replicas.ready': sum((c) => c.replicas),
    'pods.pending': sum((c) => c.pending),
    'cpu.utilization': weighted(members.map((c) => ({ weight: cap(c.name).cpu, value: c.cpuUtilization.mean }))),
    'memory.utilization': weighted(members.map((c) => ({ weight: cap(c.name).memory, value: c.memoryUtilization.mean }))),
    'gpu.utilization': weighted(members.map((c) => ({ weight: cap(c.name).gpu, value: c.gpuUtilization.mean }))),
    'cost.total': sum((c) => c.cost),
    'slo.violationMinutes': withSlo.length ? withSlo.reduce((a, s) => a + s.sloViolationSeconds, 0) / 60 : null,
    'slo.latencyP99': null,
    'slo.failedRatio': offered > 0 ? services.reduce((a, s) => a + s.failed + s.timedOut, 0) / offered : null,
  };
  const out: MetricValue[] = SWEEP_METRICS.map((m) => ({ metric: m.name, scope: FLEET, value: fleet[m.name] ?? null }));
  for (const c of members) {
    const per: Record<string, number | null> = {
      'replicas.ready': c.replicas,
      'pods.pending': c.pending,
      'cpu.utilization': c.cpuUtilization.mean,
      'gpu.utilization': cap(c.name).gpu > 0 ? c.gpuUtilization.mean : null,
      'cost.total': c.cost,
    };
    for (const m of SWEEP_METRICS) if (m.perCluster) out.push({ metric: m.name, scope: c.name, value: per[m.name] ?? null });
  }
  for (const s of services) {
    const per: Record<string, number | null> = {
      'slo.violationMinutes': s.slo ? s.sloViolationSeconds / 60 : null,
      'slo.latencyP99': s.latencyMs.p99,
      'slo.failedRatio': s.offered > 0 ? (s.failed + s.timedOut) / s.offered : null,
    };
    for (const m of SWEEP_METRICS) if (m.perService) out.push({ metric: m.name, scope: s.service, value: per[m.name] ?? null });
  }
  return out;
}
