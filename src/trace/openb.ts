import { UserError } from '../errors.js';
import type { GpuNodeSpec, GpuPodSpec } from '../gpu/model.js';
import { createStream } from '../kernel/random.js';
import { ScenarioError } from '../scenario/errors.js';
import { DEFAULT_MAX_FILE_BYTES, readTextFile } from '../scenario/source.js';
import { CsvColumns, parseCsv, quoteCell } from './csv.js';

/**
 * The openb trace (Alibaba GPU cluster, FGD paper, USENIX ATC '23; see
 * /work/shared/traces/openb-fgd-atc23/README.md): node and pod CSVs, the paper's workload
 * construction (shuffle + inflate, "paper mode"), and a time-driven mapping of the pods.
 */

export type OpenbQos = 'LS' | 'BE' | 'Burstable' | 'Guaranteed';
export type OpenbPhase = 'Running' | 'Succeeded' | 'Failed' | 'Pending';

export interface OpenbNode extends GpuNodeSpec {
  /** 1-based line in the CSV. */
  readonly line: number;
}

export interface OpenbPod extends GpuPodSpec {
  readonly name: string;
  readonly line: number;
  /** Allowed GPU models (from `gpu_spec`, split on '|'; empty = any). */
  readonly gpuSpec: readonly string[];
  /** The remaining columns, null when the file does not have them (the multigpu* files). */
  readonly qos: OpenbQos | null;
  readonly phase: OpenbPhase | null;
  readonly creationTime: number | null;
  readonly deletionTime: number | null;
  /** Null for pods the real scheduler never bound (and for files without times). */
  readonly scheduledTime: number | null;
}

const NODE_COLUMNS = ['sn', 'cpu_milli', 'memory_mib', 'gpu', 'model'] as const;
const POD_REQUIRED = ['name', 'cpu_milli', 'memory_mib', 'num_gpu', 'gpu_milli'] as const;
const POD_OPTIONAL = ['gpu_spec', 'qos', 'pod_phase', 'creation_time', 'deletion_time', 'scheduled_time'] as const;
const QOS: readonly OpenbQos[] = ['LS', 'BE', 'Burstable', 'Guaranteed'];
const PHASES: readonly OpenbPhase[] = ['Running', 'Succeeded', 'Failed', 'Pending'];
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Parse an openb node list (`sn,cpu_milli,memory_mib,gpu,model`). */
export function parseOpenbNodes(text: string, file: string): OpenbNode[] {
  const cols = new CsvColumns(parseCsv(text, file), NODE_COLUMNS, []);
  const seen = new Set<string>();
  const nodes: OpenbNode[] = [];
  for (const row of cols.table.rows) {
    const name = cols.text(row, 'sn').trim();
    if (name === '') throw cols.fail(row, 'sn', 'a node name', 'an empty field');
    if (seen.has(name)) throw cols.fail(row, 'sn', 'a node name not used before', `${quoteCell(name)} again`);
    seen.add(name);
    const cpuMilli = cols.int(row, 'cpu_milli', 0);
    const memoryMib = cols.int(row, 'memory_mib', 0);
    const gpuCount = cols.int(row, 'gpu', 0, 64);
    const model = cols.text(row, 'model').trim();
    if (gpuCount > 0 && !MODEL_NAME.test(model)) {
      throw cols.fail(row, 'model', `a GPU model name for a node with ${gpuCount} GPUs`, quoteCell(model));
    }
    if (gpuCount === 0 && model !== '') {
      throw cols.fail(row, 'model', 'no GPU model for a node with 0 GPUs', quoteCell(model));
    }
    nodes.push({ name, cpuMilli, memoryMib, gpuCount, model, line: row.line });
  }
  if (nodes.length === 0) throw new ScenarioError({ file, line: 2, col: 1 }, '(rows)', 'at least one node', 'none');
  return nodes;
}

/**
 * Parse an openb pod list. Required columns: name,cpu_milli,memory_mib,num_gpu,gpu_milli; the
 * others (gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time) are optional, as the
 * multigpu* files show. Rules checked per row: num_gpu >= 0; gpu_milli = 0 for CPU-only pods,
 * 1..1000 for GPU pods and exactly 1000 when num_gpu > 1; deletion_time >= creation_time;
 * scheduled_time empty or within [creation_time, deletion_time].
 */
export function parseOpenbPods(text: string, file: string): OpenbPod[] {
  const cols = new CsvColumns(parseCsv(text, file), POD_REQUIRED, POD_OPTIONAL);
  const timed = cols.has('creation_time') && cols.has('deletion_time');
  const seen = new Set<string>();
  const pods: OpenbPod[] = [];
  for (const row of cols.table.rows) {
    const name = cols.text(row, 'name').trim();
    if (name === '') throw cols.fail(row, 'name', 'a pod name', 'an empty field');
    if (seen.has(name)) throw cols.fail(row, 'name', 'a pod name not used before', `${quoteCell(name)} again`);
    seen.add(name);
    const cpuMilli = cols.int(row, 'cpu_milli', 0);
    const memoryMib = cols.int(row, 'memory_mib', 0);
    const numGpu = cols.int(row, 'num_gpu', 0, 64);
    const gpuMilli = cols.int(row, 'gpu_milli', 0, 1000);
    if (numGpu === 0 && gpuMilli !== 0) throw cols.fail(row, 'gpu_milli', '0 for a pod with num_gpu 0', `${gpuMilli}`);
    if (numGpu > 0 && gpuMilli === 0) throw cols.fail(row, 'gpu_milli', `1..1000 for a pod with num_gpu ${numGpu}`, '0');
    if (numGpu > 1 && gpuMilli !== 1000) {
      throw cols.fail(row, 'gpu_milli', `1000 for a pod with num_gpu ${numGpu} (only single-GPU pods share a GPU)`, `${gpuMilli}`);
    }
    const specText = cols.text(row, 'gpu_spec').trim();
    const gpuSpec = specText === '' ? [] : specText.split('|').map((s) => s.trim()).filter((s) => s.length > 0);
    for (const m of gpuSpec) {
      if (!MODEL_NAME.test(m)) throw cols.fail(row, 'gpu_spec', "GPU model names separated by '|'", quoteCell(specText));
    }
    let qos: OpenbQos | null = null;
    if (cols.has('qos')) {
      const q = cols.text(row, 'qos').trim();
      if (!(QOS as readonly string[]).includes(q)) throw cols.fail(row, 'qos', `one of ${QOS.join(', ')}`, quoteCell(q));
      qos = q as OpenbQos;
    }
    let phase: OpenbPhase | null = null;
    if (cols.has('pod_phase')) {
      const p = cols.text(row, 'pod_phase').trim();
      if (!(PHASES as readonly string[]).includes(p)) throw cols.fail(row, 'pod_phase', `one of ${PHASES.join(', ')}`, quoteCell(p));
      phase = p as OpenbPhase;
    }
    let creationTime: number | null = null;
    let deletionTime: number | null = null;
    let scheduledTime: number | null = null;
    if (timed) {
      creationTime = cols.number(row, 'creation_time', 0);
      deletionTime = cols.number(row, 'deletion_time', 0);
      if (deletionTime < creationTime) {
        throw cols.fail(row, 'deletion_time', `a time >= creation_time ${creationTime}`, cols.quoted(row, 'deletion_time'));
      }
      if (cols.has('scheduled_time')) {
        scheduledTime = cols.number(row, 'scheduled_time', 0, true);
        if (scheduledTime !== null && (scheduledTime < creationTime || scheduledTime > deletionTime)) {
          throw cols.fail(row, 'scheduled_time', `nothing or a time in [${creationTime}, ${deletionTime}]`, cols.quoted(row, 'scheduled_time'));
        }
      }
    }
    pods.push({ name, line: row.line, cpuMilli, memoryMib, numGpu, gpuMilli, gpuSpec, qos, phase, creationTime, deletionTime, scheduledTime });
  }
  if (pods.length === 0) throw new ScenarioError({ file, line: 2, col: 1 }, '(rows)', 'at least one pod', 'none');
  return pods;
}

/** Read and parse an openb node CSV; a missing file is a UserError. */
export function readOpenbNodes(path: string): OpenbNode[] {
  return parseOpenbNodes(readTraceFile(path), path);
}

/** Read and parse an openb pod CSV; a missing file is a UserError. */
export function readOpenbPods(path: string): OpenbPod[] {
  return parseOpenbPods(readTraceFile(path), path);
}

function readTraceFile(path: string): string {
  const r = readTextFile(path, DEFAULT_MAX_FILE_BYTES);
  if ('problem' in r) throw new UserError(`${path}: cannot read trace file (${r.problem})`);
  return r.text;
}

/** Total GPU demand of a pod in milli-GPU. */
export function podGpuMilli(p: GpuPodSpec): number {
  return p.numGpu * p.gpuMilli;
}

export interface PaperWorkloadOptions {
  /** The experiment seed (the paper uses 42..51). */
  seed: number;
  /** Target summed GPU demand as a multiple of cluster GPU capacity (the paper uses 1.3). */
  tune: number;
  /** Cluster GPU capacity in milli-GPU (number of GPUs x 1000). */
  capacityMilli: number;
}

/**
 * The paper's workload: the submission order of pods for one seed.
 *
 * 1. Pods are sorted by name, then shuffled (Fisher-Yates from the last position down, as Go's
 *    rand.Shuffle) with the stream (seed, 'openb.shuffle').
 * 2. If their summed GPU demand is below `tune x capacity`, copies of pods drawn uniformly with
 *    replacement from the name-sorted list (stream (seed, 'openb.tune')) are appended, one at a
 *    time, until the next drawn copy would carry the sum beyond the target; that copy is not added
 *    and drawing stops. (The authors' tuneUpPods.) A copy is named `<name>-tuned-<i>`.
 * 3. If the sum is above the target instead, pods chosen uniformly (same 'openb.tune' stream) are
 *    removed until it is not (the authors' tuneDownPods).
 *
 * The result is submitted one pod at a time in this order; pods never leave.
 */
export function buildPaperWorkload<P extends GpuPodSpec & { readonly name: string }>(pods: readonly P[], options: PaperWorkloadOptions): P[] {
  const { seed, tune, capacityMilli } = options;
  if (!(tune > 0) || !Number.isFinite(tune)) throw new RangeError(`tune must be a positive number, got ${tune}`);
  const byName = [...pods].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const order = byName.slice();
  const shuffle = createStream(seed, 'openb.shuffle');
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(shuffle.random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const target = tune * capacityMilli;
  const draw = createStream(seed, 'openb.tune');
  let total = 0;
  for (const p of order) total += podGpuMilli(p);
  if (total < target && byName.length > 0) {
    for (let i = 0; ; i++) {
      const src = byName[Math.floor(draw.random() * byName.length)];
      const demand = podGpuMilli(src);
      if (total + demand > target) break;
      total += demand;
      order.push({ ...src, name: `${src.name}-tuned-${i}` });
    }
  } else {
    while (total > target && order.length > 0) {
      const idx = Math.floor(draw.random() * order.length);
      total -= podGpuMilli(order[idx]);
      order.splice(idx, 1);
    }
  }
  return order;
}

/** A pod of the time-driven replay (README, "Mapping to a simulator workload", mode 2). */
export interface OpenbTimedPod {
  readonly name: string;
  readonly request: GpuPodSpec;
  /** Arrival time in seconds from the trace start: creation_time. */
  readonly arrival: number;
  /**
   * Run time in seconds once placed: deletion_time - scheduled_time, or
   * deletion_time - creation_time for pods the real scheduler never bound.
   */
  readonly runTime: number;
  /** Scheduling priority from qos: LS and Guaranteed 2, Burstable 1, BE 0 (higher goes first). */
  readonly priority: number;
  readonly qos: OpenbQos;
  /** The real scheduler's delay (scheduled_time - creation_time), null if never scheduled. */
  readonly realDelay: number | null;
}

/** Priority per QoS class (the README's guess: LS and Guaranteed above Burstable above BE). */
export const OPENB_QOS_PRIORITY: Readonly<Record<OpenbQos, number>> = { LS: 2, Guaranteed: 2, Burstable: 1, BE: 0 };

/**
 * The time-driven mapping of a pod list, sorted by arrival (ties keep file order). Throws a
 * UserError for files without times and QoS (the multigpu* files), naming the file.
 */
export function toTimedPods(pods: readonly OpenbPod[], file: string): OpenbTimedPod[] {
  const out: OpenbTimedPod[] = [];
  for (const p of pods) {
    if (p.creationTime === null || p.deletionTime === null || p.qos === null) {
      throw new UserError(`${file}:${p.line}:1: the time-driven mapping needs the columns qos, creation_time and deletion_time; this file lacks them`);
    }
    const start = p.scheduledTime ?? p.creationTime;
    out.push({
      name: p.name,
      request: { name: p.name, cpuMilli: p.cpuMilli, memoryMib: p.memoryMib, numGpu: p.numGpu, gpuMilli: p.gpuMilli, gpuSpec: p.gpuSpec },
      arrival: p.creationTime,
      runTime: p.deletionTime - start,
      priority: OPENB_QOS_PRIORITY[p.qos],
      qos: p.qos,
      realDelay: p.scheduledTime === null ? null : p.scheduledTime - p.creationTime,
    });
  }
  // Stable sort by arrival; Array.prototype.sort is stable, so equal arrivals keep file order.
  return out.sort((a, b) => a.arrival - b.arrival);
}
