/**
 * kube-scheduler's DefaultPreemption, the PostFilter that runs when a pod fits on no node, as pure
 * functions over plain snapshots (pkg/scheduler/framework/plugins/defaultpreemption/
 * default_preemption.go and pkg/scheduler/framework/preemption/preemption.go):
 *
 * - `selectVictimsOnNode`: remove every lower-priority pod from the node; if the preemptor still
 *   does not fit, the node is no candidate. Otherwise give pods back, most important first
 *   (priority, then the longer running), PodDisruptionBudget-violating ones before the others, and
 *   keep each that still leaves room: the rest are the victims, a minimal set.
 * - `findCandidates` (DryRunPreemption): nodes in order from an offset, until enough candidates
 *   are found (`numCandidates`: 10 % of the nodes, at least 100) and one of them violates no PDB.
 * - `pickOneNodeForPreemption` (SelectCandidate): fewest PDB violations, then the lowest highest
 *   victim priority, the smallest sum of victim priorities, the fewest victims, the latest start of
 *   the highest-priority victims; then the first candidate.
 *
 * Kubernetes starts the dry run at a random offset, evaluates nodes in parallel and picks among
 * remaining ties in Go map order; fleetsim starts at the first node, goes in node order and takes
 * the first candidate in that order (non-violating ones first, as upstream lists them), so a run is
 * deterministic. Victims of equal importance are ordered by pod id.
 */

/** What the preemptor asks of one node: cpu millicores, memory MiB, a pod slot, GPUs. */
export interface PreemptorRequest {
  priority: number;
  cpu: number;
  memory: number;
  /** Whole GPUs (gpuMilli 1000), or 1 shared GPU of gpuMilli. */
  gpus: number;
  gpuMilli: number;
}

/** A pod bound to the node: what it holds and what makes it more or less important. */
export interface NodePod {
  id: number;
  priority: number;
  /** When it started (kubelet's StartTime; fleetsim: when it was bound). */
  startTime: number;
  cpu: number;
  memory: number;
  /** Milli-GPU it holds on each of the node's GPUs (local GPU index → milli). */
  gpus: readonly { gpu: number; milli: number }[];
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

/** A node's free room: cpu millicores, memory MiB, pod slots, free milli-GPU per GPU. */
export interface NodeRoom {
  cpu: number;
  memory: number;
  pods: number;
  gpuMilliFree: number[];
}

/** A PodDisruptionBudget as preemption sees it: whom it selects and `status.disruptionsAllowed`. */
export interface DisruptionBudget {
  namespace: string;
  matches(labels: Readonly<Record<string, string>>): boolean;
  disruptionsAllowed: number;
}

export interface Candidate<N> {
  node: N;
  /** Most important first. */
  victims: NodePod[];
  numPDBViolations: number;
}

const MILLI = 1000;

/** Does the request fit the room (NodeResourcesFit, pod count, GPUs whole or shared)? */
export function fitsRoom(r: PreemptorRequest, room: NodeRoom): boolean {
  if (room.pods < 1 || room.cpu < r.cpu || room.memory < r.memory) return false;
  if (r.gpus === 0) return true;
  if (r.gpuMilli >= MILLI) {
    let free = 0;
    for (const m of room.gpuMilliFree) if (m === MILLI) free++;
    return free >= r.gpus;
  }
  return room.gpuMilliFree.some((m) => m >= r.gpuMilli);
}

function give(room: NodeRoom, p: NodePod, sign: 1 | -1): void {
  room.cpu += sign * p.cpu;
  room.memory += sign * p.memory;
  room.pods += sign;
  for (const g of p.gpus) room.gpuMilliFree[g.gpu] += sign * g.milli;
}

/** `util.MoreImportantPod`: higher priority, then the earlier start; fleetsim then orders by id. */
export function moreImportant(a: NodePod, b: NodePod): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.startTime !== b.startTime) return a.startTime - b.startTime;
  return a.id - b.id;
}

/**
 * `filterPodsWithPDBViolation`: split pods (kept in order) into those whose eviction would take a
 * matching budget below zero and the others, spending each budget as it goes.
 */
export function filterPodsWithPDBViolation(pods: readonly NodePod[], pdbs: readonly DisruptionBudget[]): { violating: NodePod[]; nonViolating: NodePod[] } {
  const allowed = pdbs.map((p) => p.disruptionsAllowed);
  const violating: NodePod[] = [];
  const nonViolating: NodePod[] = [];
  for (const pod of pods) {
    let violated = false;
    // A pod with no labels matches no budget.
    if (Object.keys(pod.labels).length > 0) {
      pdbs.forEach((pdb, i) => {
        if (pdb.namespace !== pod.namespace || !pdb.matches(pod.labels)) return;
        allowed[i]--;
        if (allowed[i] < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(pod);
  }
  return { violating, nonViolating };
}

/**
 * `SelectVictimsOnNode`: the minimal set of lower-priority pods to evict so the preemptor fits, and
 * how many of them violate a PodDisruptionBudget; null when the node cannot be made to fit.
 */
export function selectVictimsOnNode(r: PreemptorRequest, free: NodeRoom, pods: readonly NodePod[], pdbs: readonly DisruptionBudget[]): { victims: NodePod[]; numPDBViolations: number } | null {
  const potential = pods.filter((p) => p.priority < r.priority);
  if (potential.length === 0) return null;
  const room: NodeRoom = { ...free, gpuMilliFree: [...free.gpuMilliFree] };
  for (const p of potential) give(room, p, 1);
  if (!fitsRoom(r, room)) return null;
  potential.sort(moreImportant);
  const { violating, nonViolating } = filterPodsWithPDBViolation(potential, pdbs);
  const victims: NodePod[] = [];
  let numPDBViolations = 0;
  const reprieve = (p: NodePod): boolean => {
    give(room, p, -1);
    if (fitsRoom(r, room)) return true;
    give(room, p, 1);
    victims.push(p);
    return false;
  };
  for (const p of violating) if (!reprieve(p)) numPDBViolations++;
  for (const p of nonViolating) reprieve(p);
  if (violating.length > 0 && nonViolating.length > 0) victims.sort(moreImportant);
  return { victims, numPDBViolations };
}

/** `calculateNumCandidates` with DefaultPreemptionArgs' defaults (10 %, at least 100, at most every node). */
export function numCandidates(nodes: number, minPercentage = 10, minAbsolute = 100): number {
  let n = Math.trunc((nodes * minPercentage) / 100);
  if (n < minAbsolute) n = minAbsolute;
  return n > nodes ? nodes : n;
}

/**
 * `DryRunPreemption` over the potential nodes (those that failed for reasons preemption can
 * resolve), in order: candidates that violate no budget first, then the others.
 */
export function findCandidates<N>(
  nodes: readonly N[],
  victimsOn: (node: N) => { victims: NodePod[]; numPDBViolations: number } | null,
): Candidate<N>[] {
  const want = numCandidates(nodes.length);
  const clean: Candidate<N>[] = [];
  const violating: Candidate<N>[] = [];
  for (const node of nodes) {
    const v = victimsOn(node);
    if (v && v.victims.length > 0) {
      (v.numPDBViolations === 0 ? clean : violating).push({ node, ...v });
      if (clean.length > 0 && clean.length + violating.length >= want) break;
    }
  }
  return [...clean, ...violating];
}

/** `pickOneNodeForPreemption` with the default score functions, applied in turn until one candidate is left. */
export function pickOneNodeForPreemption<N>(candidates: readonly Candidate<N>[]): Candidate<N> | null {
  if (candidates.length === 0) return null;
  const scores: ((c: Candidate<N>) => number)[] = [
    (c) => -c.numPDBViolations,
    (c) => -c.victims[0].priority,
    // Upstream adds MaxInt32 + 1 to each priority so that fewer negative-priority victims still sum lower.
    (c) => -c.victims.reduce((s, v) => s + v.priority + 2 ** 31, 0),
    (c) => -c.victims.length,
    (c) => earliestStartOfHighest(c.victims),
  ];
  let left = [...candidates];
  for (const f of scores) {
    let best = -Infinity;
    let next: Candidate<N>[] = [];
    for (const c of left) {
      const s = f(c);
      if (s > best) {
        best = s;
        next = [c];
      } else if (s === best) next.push(c);
    }
    if (next.length === 1) return next[0];
    left = next;
  }
  return left[0];
}

/** `GetEarliestPodStartTime`: the earliest start among the victims of the highest priority. */
function earliestStartOfHighest(victims: readonly NodePod[]): number {
  const top = victims[0].priority;
  let t = Infinity;
  for (const v of victims) if (v.priority === top && v.startTime < t) t = v.startTime;
  return t;
}
