import { createStream } from '../kernel/random.js';
import { GpuCluster, type GpuNodeSpec, type GpuPodSpec } from './model.js';
import { gpuPolicies } from './policies/index.js';
import { GpuScheduler, randomNodeRanks } from './scheduler.js';
import type { TypicalPod } from './typical-pods.js';

/**
 * One run of the FGD paper's experiment: submit pods one at a time in the given order onto an
 * empty cluster with one policy; pods never leave and are never preempted; a pod that fits
 * nowhere fails and is counted (no waiting queue). No clock is involved.
 *
 * Metric (the openb README): GPU allocation ratio = allocated milli-GPU / GPU capacity, recorded
 * when the arrived GPU demand (summed numGpu x gpuMilli of every pod submitted so far, failed ones
 * included) first reaches k % of capacity, k = 0, 1, ..., maxPct. "Reaches" means arrived >=
 * k x capacity / 100 after a pod's placement (or failure); k = 0 is the empty cluster before the
 * first pod. Thresholds the workload never crosses but that lie within its target demand
 * (`targetMilli`; the paper's inflation stops a fraction of one pod short of 130 %) take the
 * state after the last pod; thresholds beyond the target are null.
 *
 * Random streams, all derived from the run's seed: 'gpu.node-order' (the node priority order that
 * breaks ties between equal scores, drawn once per run), 'gpu.tiebreak' (uniform tie-breaks, for
 * the Random policy) and 'gpu.select' (policies that pick GPUs at random).
 */
export interface PaperRunOptions {
  readonly nodes: readonly GpuNodeSpec[];
  /** Pods in submission order. */
  readonly workload: readonly GpuPodSpec[];
  /** FGD's typical pods, computed from the original (un-inflated) pod list. */
  readonly typicalPods: readonly TypicalPod[];
  readonly policy: string;
  readonly seed: number;
  /** Last threshold recorded, in % of capacity (default 130). */
  readonly maxPct?: number;
  /** Demand the workload was built to reach, in milli-GPU (default: its summed demand). */
  readonly targetMilli?: number;
}

export interface PaperRunResult {
  readonly policy: string;
  readonly seed: number;
  readonly pods: number;
  readonly failedPods: number;
  /** GPU demand (milli) of the failed pods. */
  readonly failedGpuMilli: number;
  readonly arrivedGpuMilli: number;
  readonly allocatedGpuMilli: number;
  readonly capacityGpuMilli: number;
  /** curve[k] = allocation ratio (%) when arrived demand reaches k % of capacity; null if never. */
  readonly curve: (number | null)[];
  /** Node scores computed (cache misses), for benchmarking. */
  readonly scoreCalls: number;
}

export function runPaperExperiment(options: PaperRunOptions): PaperRunResult {
  const factory = gpuPolicies.get(options.policy);
  if (!factory) throw new RangeError(`unknown GPU policy '${options.policy}' (known: ${[...gpuPolicies.keys()].join(', ')})`);
  const maxPct = options.maxPct ?? 130;
  const cluster = new GpuCluster(options.nodes);
  const capacity = cluster.gpuCapacityMilli;
  if (capacity === 0) throw new RangeError('the cluster has no GPUs');
  const policy = factory({ cluster, typicalPods: options.typicalPods, rng: createStream(options.seed, 'gpu.select') });
  const scheduler = new GpuScheduler(cluster, policy, {
    ranks: randomNodeRanks(cluster.nodeCount, createStream(options.seed, 'gpu.node-order')),
    uniform: createStream(options.seed, 'gpu.tiebreak'),
  });
  const shapes = options.workload.map((p) => cluster.compilePod(p));
  let target = 0;
  for (const s of shapes) target += s.totalMilli;
  if (options.targetMilli !== undefined) target = options.targetMilli;

  const curve: (number | null)[] = new Array(maxPct + 1).fill(null);
  const threshold = (k: number): number => (k * capacity) / 100;
  let k = 0;
  let arrived = 0;
  let failed = 0;
  let failedMilli = 0;
  const record = (): void => {
    while (k <= maxPct && arrived >= threshold(k)) {
      curve[k] = (cluster.allocatedGpuMilli / capacity) * 100;
      k++;
    }
  };
  record();
  for (const pod of shapes) {
    arrived += pod.totalMilli;
    if (scheduler.schedule(pod) < 0) {
      failed++;
      failedMilli += pod.totalMilli;
    }
    record();
  }
  // Thresholds within the workload's target that it stopped just short of.
  while (k <= maxPct && threshold(k) <= target + 0.5) {
    curve[k] = (cluster.allocatedGpuMilli / capacity) * 100;
    k++;
  }
  return {
    policy: options.policy,
    seed: options.seed,
    pods: shapes.length,
    failedPods: failed,
    failedGpuMilli: failedMilli,
    arrivedGpuMilli: arrived,
    allocatedGpuMilli: cluster.allocatedGpuMilli,
    capacityGpuMilli: capacity,
    curve,
    scoreCalls: scheduler.scoreCalls,
  };
}
