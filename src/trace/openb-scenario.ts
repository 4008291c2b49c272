import { statSync } from 'node:fs';
import type { NodePoolSpec } from '../scenario/types.js';
import type { PathElement, YamlSource } from '../scenario/source.js';
import { parseDuration } from '../scenario/units.js';
import { parseOpenbNodes, parseOpenbPods, type OpenbNode, type OpenbPod } from './openb.js';

/**
 * A cluster's openb trace inside a scenario (`fleet.clusters[i].trace`): the cluster's nodes from
 * an openb node CSV and/or its own pods from an openb pod CSV, in one of the two modes of the
 * trace's README (/work/shared/traces/openb-fgd-atc23/README.md):
 *
 * - `paper`: the FGD paper's experiment. The pod list is shuffled with the run's seed and
 *   inflated by sampling to `tune` x the cluster's GPU capacity (buildPaperWorkload); pods are
 *   submitted one at a time, `interval` apart from `start` on; they never leave; a pod that fits
 *   on no node in its scheduling cycle fails and is dropped (counted), there is no waiting queue.
 * - `replay`: time-driven. Arrival = `start + (creation_time - from) x timeScale` (pods created
 *   before `from` are left out); the pod runs for `(deletion_time - scheduled_time) x timeScale`
 *   once Ready (`deletion_time - creation_time` for pods never scheduled); priority from qos
 *   (LS, Guaranteed 2 > Burstable 1 > BE 0); a pod that does not fit waits Pending.
 *
 * The trace's pods are created directly in their member cluster (a bare pod each, not propagated
 * by Karmada); see `src/control/openb-trace.ts`.
 */
export interface OpenbTraceSpec {
  kind: 'openb';
  /** Absolute path of the node CSV, or null when the cluster's nodes come from `nodePools`. */
  nodesFile: string | null;
  /** Absolute path of the pod CSV, or null for a trace of nodes only. */
  podsFile: string | null;
  mode: 'paper' | 'replay';
  /** Paper mode: target summed GPU demand as a multiple of the cluster's GPU capacity. */
  tune: number;
  /** Paper mode: seconds between two submissions. */
  interval: number;
  /** Simulated time of the first submission (paper) or of trace time `from` (replay). */
  start: number;
  /** Replay: trace time (seconds) mapped to `start`; pods created earlier are left out. */
  from: number;
  /** Replay: simulated seconds per trace second (arrival offsets and run times). */
  timeScale: number;
  /** FGD's typical pods cover this % of the trace's pods (the paper: 95). */
  typicalPct: number;
  /** Pod slots of each node read from the node CSV. */
  maxPods: number;
  /** The pod CSV's rows, in file order (empty without a pod CSV). */
  pods: OpenbPod[];
}

/** Defaults of the trace block (documented in the schema). */
export const OPENB_TRACE_DEFAULTS = { tune: 1.3, interval: 1, start: 0, from: 0, timeScale: 1, typicalPct: 95, maxPods: 110 } as const;

/**
 * Node pools for the nodes of an openb node CSV: one pool per node, named after its `sn`, in file
 * order (node ids follow the file, which the paper's node-order tie-break relies on).
 */
export function openbNodePools(nodes: readonly OpenbNode[], maxPods: number): NodePoolSpec[] {
  return nodes.map((n) => ({
    name: n.name,
    count: 1,
    cpuMillis: n.cpuMilli,
    memoryMiB: n.memoryMib,
    maxPods,
    labels: {},
    gpus: { count: n.gpuCount, model: n.gpuCount > 0 ? n.model : '', memoryMiB: 0 },
  }));
}

type Obj = Record<string, unknown>;

/** Parsed CSVs by (path, size, mtime): variants and sweeps load a scenario many times. */
const csvCache = new Map<string, OpenbNode[] | OpenbPod[]>();

/**
 * A trace CSV the scenario names at `path`, read through its read policy (inside its folder, a
 * regular file, within the size cap) and parsed, or taken from the cache when unchanged.
 */
function readTraceCsv<T extends OpenbNode[] | OpenbPod[]>(src: YamlSource, path: readonly PathElement[], ref: string, baseDir: string, expected: string, parse: (text: string, file: string) => T): T {
  const abs = src.inputPath(path, ref, baseDir, expected);
  const st = statSync(abs);
  const key = `${abs}\u0000${st.size}\u0000${st.mtimeMs}`;
  let v = csvCache.get(key) as T | undefined;
  if (!v) {
    const f = src.readInput(path, ref, baseDir, expected);
    v = parse(f.text, f.display);
    csvCache.set(key, v);
  }
  return v;
}

/**
 * Read a cluster's `trace:` block (already checked against the schema): resolve the CSV paths
 * against the scenario's folder, parse them (a bad row is a located error naming file:line:col)
 * and apply the defaults. `nodePools` is the CSV's nodes, or null when the block has no `nodes`.
 */
export function readOpenbTraceBlock(
  src: YamlSource,
  raw: Obj,
  path: readonly PathElement[],
  baseDir: string,
): { spec: OpenbTraceSpec; nodePools: NodePoolSpec[] | null } {
  const at = (k: string): PathElement[] => [...path, k];
  if (raw.nodes === undefined && raw.pods === undefined) src.fail(path, 'a trace with nodes (a node CSV), pods (a pod CSV) or both', raw);
  const expected = (k: 'nodes' | 'pods'): string => `a readable openb ${k === 'nodes' ? 'node' : 'pod'} CSV file (relative to the scenario)`;
  const file = (k: 'nodes' | 'pods'): string | null => (raw[k] === undefined ? null : src.inputPath(at(k), raw[k] as string, baseDir, expected(k)));
  const nodesFile = file('nodes');
  const podsFile = file('pods');
  if (podsFile !== null && raw.mode === undefined) src.fail(at('mode'), 'mode: paper or replay for a trace with pods', undefined);
  const d = OPENB_TRACE_DEFAULTS;
  const dur = (k: string, dflt: number): number => (raw[k] === undefined ? dflt : parseDuration(raw[k])!);
  const spec: OpenbTraceSpec = {
    kind: 'openb',
    nodesFile,
    podsFile,
    mode: (raw.mode as OpenbTraceSpec['mode'] | undefined) ?? 'paper',
    tune: (raw.tune as number | undefined) ?? d.tune,
    interval: dur('interval', d.interval),
    start: dur('start', d.start),
    from: dur('from', d.from),
    timeScale: (raw.timeScale as number | undefined) ?? d.timeScale,
    typicalPct: (raw.typicalPct as number | undefined) ?? d.typicalPct,
    maxPods: (raw.maxPods as number | undefined) ?? d.maxPods,
    pods: podsFile === null ? [] : readTraceCsv(src, at('pods'), raw.pods as string, baseDir, expected('pods'), parseOpenbPods),
  };
  if (spec.mode === 'paper' && !(spec.interval > 0)) src.fail(at('interval'), 'a duration > 0 (pods are submitted one at a time)', raw.interval);
  if (spec.mode === 'replay' && spec.pods.length > 0 && spec.pods[0].creationTime === null) {
    src.fail(at('pods'), 'a pod CSV with creation_time, deletion_time and qos columns for mode replay (the multigpu* files have none)', raw.pods);
  }
  const nodePools = nodesFile === null ? null : openbNodePools(readTraceCsv(src, at('nodes'), raw.nodes as string, baseDir, expected('nodes'), parseOpenbNodes), spec.maxPods);
  return { spec, nodePools };
}

/** Paper mode inflates to at most this many pods (a pod list with tiny GPU demand could ask for millions). */
export const PAPER_MODE_MAX_PODS = 5_000_000;

/**
 * Why a paper-mode trace cannot be built on a cluster of `capacityMilli` GPU milli, or null.
 * The workload is inflated by sampling until its GPU demand reaches tune x capacity, so it needs
 * GPU capacity, pods with GPU demand, and a reachable size.
 */
export function paperModeProblem(spec: OpenbTraceSpec, capacityMilli: number): string | null {
  if (spec.mode !== 'paper' || spec.pods.length === 0) return null;
  if (capacityMilli <= 0) return 'a cluster with GPUs for mode paper (its workload is sized by GPU capacity)';
  let demand = 0;
  for (const p of spec.pods) demand += p.numGpu * p.gpuMilli;
  if (demand === 0) return 'a pod list with GPU pods for mode paper (its workload is inflated to tune x GPU capacity)';
  const estimate = Math.ceil((spec.tune * capacityMilli * spec.pods.length) / demand);
  if (estimate > PAPER_MODE_MAX_PODS) return `a tune or pod list that paper mode can reach with at most ${PAPER_MODE_MAX_PODS} pods (about ${estimate} needed)`;
  return null;
}
