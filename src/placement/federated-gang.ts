import { eligible, freeNodes } from './eligibility.js';
import { karmadaScheduler } from './builtin.js';
import type { BindingRequest, ClusterView, FleetScheduler, ScheduleOutcome } from './registry.js';

/**
 * `federated-gang`: a gang (all the pods of a Job with minAvailable > 1) goes to ONE
 * member cluster, and only to one where it fits entirely, node by node, at that moment (Free(c) ≥
 * Request(job) computed from the nodes, not from summaries); never a partial gang. Among the
 * clusters where it fits, the one left least fragmented for this pod shape wins:
 *
 *   1. the fewest stranded GPUs after placing it (free GPUs on nodes that could not host another pod
 *      of this shape; for CPU-only pods, stranded millicores likewise);
 *   2. then the least free GPUs (cpu) left in the cluster (the tightest fit);
 *   3. then the cluster name.
 *
 * Within a cluster the pods are placed best-fit (each on the feasible node with the fewest free
 * GPUs, then least free cpu, then lowest index), which is how the fit is checked; the member's own
 * scheduler does the real binding. Clusters must pass the placement's cluster affinity, tolerate
 * the cluster's NoSchedule/NoExecute taints and be Ready. If no cluster fits, the binding waits in
 * the fleet-level queue (see `fleetQueue`). Everything that is not a gang is placed by `karmada`,
 * its policy as written.
 */
function fits(b: BindingRequest, c: ClusterView): { ok: boolean; stranded: number; free: number } {
  const nodes = freeNodes(c);
  const shapes = podShapes(b);
  const ok = (n: (typeof nodes)[number], s: Shape) => n.cpu >= s.cpu && n.mem >= s.mem && n.pods >= 1 && n.gpu >= s.gpu;
  for (const s of shapes) {
    for (let r = 0; r < s.count; r++) {
      let best = -1;
      for (let i = 0; i < nodes.length; i++) {
        if (!ok(nodes[i], s)) continue;
        if (best < 0 || nodes[i].gpu < nodes[best].gpu || (nodes[i].gpu === nodes[best].gpu && nodes[i].cpu < nodes[best].cpu)) best = i;
      }
      if (best < 0) return { ok: false, stranded: 0, free: 0 };
      const n = nodes[best];
      n.cpu -= s.cpu;
      n.mem -= s.mem;
      n.pods -= 1;
      n.gpu -= s.gpu;
    }
  }
  // Stranded room is judged against the first (for a multi-template job: the first task's) pod shape.
  const first = shapes[0];
  let stranded = 0;
  let free = 0;
  for (const n of nodes) {
    const spare = first.gpu > 0 ? n.gpu : n.cpu;
    free += spare;
    if (!ok(n, first)) stranded += spare;
  }
  return { ok: true, stranded, free };
}

interface Shape {
  cpu: number;
  mem: number;
  gpu: number;
  count: number;
}

/** The pods a gang needs: its replicas of one shape, or every task's replicas of its own shape. */
function podShapes(b: BindingRequest): Shape[] {
  const w = b.workload;
  if (w.kind === 'Job' && w.tasks) {
    return w.tasks.map((t) => ({ cpu: t.template.cpuMillis, mem: t.template.memoryMiB * 2 ** 20, gpu: t.template.gpus ? (t.template.gpus * t.template.gpuMilli) / 1000 : 0, count: t.replicas }));
  }
  const req = b.replicaRequirements;
  return [{ cpu: req.cpu ?? 0, mem: req.memory ?? 0, gpu: req['nvidia.com/gpu'] ?? 0, count: b.replicas }];
}

/** A Job whose pods must run together (minAvailable > 1). */
export function isGang(b: BindingRequest): boolean {
  return b.workload.kind === 'Job' && b.workload.minAvailable > 1;
}


function federatedGang(name: string, fleetQueue: { backfill: boolean; maxHeadWait: number }, description: string): FleetScheduler {
  return {
    name,
    description,
    liveNodeView: true,
    fleetQueue,
    schedule(b: BindingRequest, clusters: readonly ClusterView[]): ScheduleOutcome {
      // Only gangs are this scheduler's: anything else is placed as its policy says, by Karmada.
      if (!isGang(b)) return karmadaScheduler.schedule(b, clusters);
      const candidates = clusters.filter((c) => eligible(b, c));
      if (candidates.length === 0) return { ok: false, kind: 'FitError', message: `0/${clusters.length} clusters are available: none is Ready, matches the affinity and tolerated` };
      let best: { c: ClusterView; stranded: number; free: number } | null = null;
      for (const c of candidates) {
        const f = fits(b, c);
        if (!f.ok) continue;
        if (!best || f.stranded < best.stranded || (f.stranded === best.stranded && (f.free < best.free || (f.free === best.free && c.name < best.c.name)))) best = { c, ...f };
      }
      if (!best) return { ok: false, kind: 'Unschedulable', message: `the gang of ${podShapes(b).reduce((n, s) => n + s.count, 0)} fits entirely in no cluster now`, fleetQueue: true };
      // A multi-template job goes whole to the cluster (replicas 0, as Karmada writes it).
      return { ok: true, clusters: [{ name: best.c.name, replicas: b.replicas }] };
    },
  };
}

export const federatedGangScheduler = federatedGang(
  'federated-gang',
  { backfill: true, maxHeadWait: 1800 },
  'whole gangs to one cluster where they fit node by node now, least fragmentation first; FIFO fleet queue with backfill (head protected after 30 min)',
);

export const federatedGangFifoScheduler = federatedGang(
  'federated-gang-fifo',
  { backfill: false, maxHeadWait: 0 },
  'federated-gang with a strict FIFO fleet queue (no backfill)',
);
