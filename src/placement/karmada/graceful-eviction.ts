/**
 * Graceful-eviction task assessment (`pkg/controllers/gracefuleviction/evictiontask.go`),
 * spec §10.5, and the eviction itself (`ResourceBindingSpec.GracefulEvictCluster`, spec §10.4).
 * Times are seconds on one common clock.
 */
import type { AggregatedHealth, GracefulEvictionTask, PurgeMode, ResourceBindingSpec, TargetCluster } from './types.js';

/** `--graceful-eviction-timeout` default: 10 minutes. */
export const DefaultGracefulEvictionTimeout = 600;

export interface AssessmentOptions {
  /** Default timeout (seconds) for tasks without gracePeriodSeconds. */
  timeout: number;
  /** The binding's current `spec.clusters`. */
  scheduleResult: ReadonlyArray<TargetCluster | string>;
  /** Aggregated health per cluster name (`status.aggregatedStatus[].health`). */
  observedHealth: Readonly<Record<string, AggregatedHealth | string>>;
  /** `schedulerObservedGeneration == generation`: the scheduler has seen the current spec. */
  hasScheduled: boolean;
  now: number;
}

function allScheduledResourceHealthy(opt: AssessmentOptions): boolean {
  for (const t of opt.scheduleResult) {
    const name = typeof t === 'string' ? t : t.name;
    if (opt.observedHealth[name] !== 'Healthy') return false;
  }
  return true;
}

/**
 * One (already stamped) task: kept, or removed (null). suppressDeletion true → kept, false →
 * removed; older than its timeout (its own gracePeriodSeconds, else the default) → removed;
 * binding scheduled and every scheduled cluster Healthy → removed; else kept.
 * A task without a creation timestamp counts as infinitely old here, as Go's zero time does
 * (`assessEvictionTasks` stamps new tasks before ever assessing them).
 */
export function assessSingleTask(task: GracefulEvictionTask, opt: AssessmentOptions): GracefulEvictionTask | null {
  if (task.suppressDeletion === true) return task;
  if (task.suppressDeletion === false) return null;
  const timeout = task.gracePeriodSeconds ?? opt.timeout;
  const created = task.creationTimestamp ?? -Infinity;
  if (opt.now > created + timeout) return null;
  if (opt.hasScheduled && allScheduledResourceHealthy(opt)) return null;
  return task;
}

/**
 * All tasks: unstamped ones are stamped `now` and kept; the rest assessed one by one (each with
 * its own timeout; a task's gracePeriodSeconds never leaks to the next).
 */
export function assessEvictionTasks(
  tasks: ReadonlyArray<GracefulEvictionTask>,
  opt: AssessmentOptions,
): { keptTasks: GracefulEvictionTask[]; evictedClusters: string[] } {
  const keptTasks: GracefulEvictionTask[] = [];
  const evictedClusters: string[] = [];
  for (const task of tasks) {
    if (task.creationTimestamp === undefined || task.creationTimestamp === null) {
      keptTasks.push({ ...task, creationTimestamp: opt.now });
      continue;
    }
    const kept = assessSingleTask(task, opt);
    if (kept) keptTasks.push(kept);
    else evictedClusters.push(task.fromCluster);
  }
  return { keptTasks, evictedClusters };
}

/**
 * When to look at the tasks again: the smallest remaining timeout over tasks not suppressed
 * (floored at 0); 0 when there is no task (or only suppressed ones).
 */
export function evictionNextRetry(tasks: ReadonlyArray<GracefulEvictionTask>, timeout: number, now: number): number {
  let next = Infinity;
  for (const t of tasks) {
    if (t.suppressDeletion === true) continue;
    const to = t.gracePeriodSeconds ?? timeout;
    const r = (t.creationTimestamp ?? now) + to - now;
    if (r < next) next = r;
  }
  if (next === Infinity) return 0;
  return next < 0 ? 0 : next;
}

export interface GracefulEvictOptions {
  purgeMode?: PurgeMode;
  reason?: string;
  producer?: string;
  gracePeriodSeconds?: number | null;
  suppressDeletion?: boolean | null;
  now?: number;
}

/**
 * `GracefulEvictCluster`: remove the cluster from `spec.clusters` and append an eviction task for
 * it (unless one exists). Returns a new spec; the input is not modified.
 */
export function gracefulEvictCluster(spec: ResourceBindingSpec, cluster: string, opts: GracefulEvictOptions = {}): ResourceBindingSpec {
  const clusters = spec.clusters ?? [];
  const evicted = clusters.find((t) => t.name === cluster);
  if (!evicted) return spec;
  const tasks = [...(spec.gracefulEvictionTasks ?? [])];
  if (!tasks.some((t) => t.fromCluster === cluster)) {
    const task: GracefulEvictionTask = { fromCluster: cluster, replicas: evicted.replicas };
    if (opts.purgeMode) task.purgeMode = opts.purgeMode;
    if (opts.reason) task.reason = opts.reason;
    if (opts.producer) task.producer = opts.producer;
    if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds !== null) task.gracePeriodSeconds = opts.gracePeriodSeconds;
    if (opts.suppressDeletion !== undefined && opts.suppressDeletion !== null) task.suppressDeletion = opts.suppressDeletion;
    if (opts.now !== undefined) task.creationTimestamp = opts.now;
    tasks.push(task);
  }
  return { ...spec, clusters: clusters.filter((t) => t.name !== cluster), gracefulEvictionTasks: tasks };
}
