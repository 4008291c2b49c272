/**
 * Node filtering and choice (util/predicate_helper.go, util/scheduler_helper.go).
 *
 * Predicate scan: nodes are scanned from the session's rotating start index and the scan stops
 * once `numFeasibleNodesToFind(n)` feasible nodes are found (all nodes when n <= 100). Volcano
 * runs the scan on 16 goroutines, so which nodes it finds above 100 nodes is racy; we scan
 * sequentially, which is one of the outcomes Volcano can produce, and deterministic.
 *
 * Tie-break (documented choice, DESIGN "Determinism"): where Volcano picks at random among the
 * nodes with the maximal score (`SelectBestNodeAndScore`), we take the first such node in scan
 * order, i.e. snapshot order starting from the rotating index (plain snapshot order below 100
 * nodes, the usual case). Sorting nodes by score (preempt) is stable in the same order.
 */
import type { NodeInfo } from './node.js';
import type { Session } from './session.js';
import type { TaskInfo } from './task.js';

const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENT = 5;
const BASELINE_PERCENT = 50;

/** Volcano `CalculateNumOfFeasibleNodesToFind` with the default options (integer arithmetic). */
export function numFeasibleNodesToFind(numAllNodes: number): number {
  if (numAllNodes <= MIN_FEASIBLE_NODES) return numAllNodes;
  let pct = BASELINE_PERCENT - Math.trunc(numAllNodes / 125);
  if (pct < MIN_FEASIBLE_PERCENT) pct = MIN_FEASIBLE_PERCENT;
  let n = Math.trunc((numAllNodes * pct) / 100);
  if (n < MIN_FEASIBLE_NODES) n = MIN_FEASIBLE_NODES;
  return n;
}

export interface PredicateScan {
  feasible: NodeInfo[];
  /** First failure reason per node name, for nodes that were checked and failed. */
  errors: Map<string, string>;
}

/** Scan `nodes` with `fn` (null = fits) from the session's rotating index; advance the index. */
export function predicateNodes(
  ssn: Session,
  task: TaskInfo,
  nodes: readonly NodeInfo[],
  fn: (task: TaskInfo, node: NodeInfo) => string | null,
): PredicateScan {
  const n = nodes.length;
  const want = numFeasibleNodesToFind(n);
  const feasible: NodeInfo[] = [];
  const errors = new Map<string, string>();
  if (n === 0) return { feasible, errors };
  const start = ((ssn.nodeScanStart % n) + n) % n;
  let processed = 0;
  for (let k = 0; k < n && feasible.length < want; k++) {
    const node = nodes[(start + k) % n];
    processed++;
    const err = fn(task, node);
    if (err === null) feasible.push(node);
    else errors.set(node.name, err);
  }
  ssn.nodeScanStart = (start + processed) % n;
  return { feasible, errors };
}

/** Sum of every enabled node-order plugin's score, aligned with `nodes`. */
export function prioritizeNodes(ssn: Session, task: TaskInfo, nodes: readonly NodeInfo[]): Float64Array {
  return ssn.nodeScores(task, nodes);
}

/** The node with the maximal score; ties go to the earliest node in `nodes` (see file comment). */
export function selectBestNode(nodes: readonly NodeInfo[], scores: Float64Array): NodeInfo | null {
  let best = -1;
  for (let i = 0; i < nodes.length; i++) if (best < 0 || scores[i] > scores[best]) best = i;
  return best < 0 ? null : nodes[best];
}

/** Nodes by descending score, ties in `nodes` order (Volcano `SortNodes`). */
export function sortNodesByScore(nodes: readonly NodeInfo[], scores: Float64Array): NodeInfo[] {
  const idx = nodes.map((_, i) => i);
  idx.sort((a, b) => (scores[b] !== scores[a] ? scores[b] - scores[a] : a - b));
  return idx.map((i) => nodes[i]);
}
