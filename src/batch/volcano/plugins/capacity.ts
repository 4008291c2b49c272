/**
 * capacity (plugins/capacity/capacity.go), flat queues only (no `spec.parent` hierarchy; spec
 * §9, §16). Differences from proportion:
 *
 * - deserved is configured (`queue.deserved`), capped by realCapability, floored by guarantee;
 *   no weights, no water-filling.
 * - share: a queue whose deserved is empty is best-effort, share 1; otherwise max over deserved's
 *   dims of allocated/deserved. QueueOrder: priority desc, share asc, then a queue with a
 *   deserved before a best-effort one.
 * - Allocatable: Open and allocated + request <= realCapability on the requested dims (a queue
 *   may borrow idle capacity beyond its deserved, up to its capability).
 * - Preemptive: Open, futureUsed <= realCapability on the requested dims, and at least one
 *   requested dimension (with a deserved) still <= deserved.
 * - Reclaimable (candidates walked in victim order): skip a victim that shares no requested
 *   dimension with the reclaimer, or whose removal would break its queue's guarantee; it is a
 *   victim if it uses no dimension present in deserved, or if its queue's (running) allocated is
 *   above deserved on a dimension it uses.
 * - No Overused callback. JobEnqueueable as proportion's.
 */
import { add, clone, shareOf, sub, PODS, type ResourceSchema } from '../resource.js';
import { PERMIT, REJECT, type Plugin, type PluginArguments } from '../plugin.js';
import { PriorityQueue } from '../priority-queue.js';
import type { QueueInfo } from '../queue.js';
import type { Session } from '../session.js';
import type { TaskInfo } from '../task.js';
import type { QueueReport } from '../types.js';
import { buildQueueAttrs, queueReport, type QueueAttr } from './proportion.js';

/** capacity's share: best-effort (empty deserved) -> 1, else the max allocated/deserved ratio. */
export function capacityShare(schema: ResourceSchema, allocated: Float64Array, deserved: Float64Array): number {
  if (schema.isEmpty(deserved)) return 1;
  let res = 0;
  for (const d of schema.presentDims(deserved)) {
    const s = shareOf(allocated[d], deserved[d]);
    if (s > res) res = s;
  }
  return res;
}

class CapacityPlugin implements Plugin {
  readonly name = 'capacity';
  private attrs = new Map<QueueInfo, QueueAttr>();

  onSessionOpen(ssn: Session): void {
    const schema = ssn.schema;
    this.attrs = buildQueueAttrs(ssn, (q) => schema.fromList(q.spec.deserved));
    for (const a of this.attrs.values()) {
      const d = a.deserved;
      for (let i = 0; i < d.length; i++) {
        if (a.realCapability[i] < d[i]) d[i] = a.realCapability[i];
        if (a.guarantee[i] > d[i]) d[i] = a.guarantee[i];
      }
      a.share = capacityShare(schema, a.allocated, d);
    }
    const attrOf = (q: QueueInfo): QueueAttr | undefined => this.attrs.get(q);

    ssn.queueOrderFns.set(this.name, (l, r) => {
      if (l.priority !== r.priority) return r.priority - l.priority;
      const la = attrOf(l);
      const ra = attrOf(r);
      const ls = la?.share ?? 1;
      const rs = ra?.share ?? 1;
      if (ls !== rs) return ls < rs ? -1 : 1;
      const lHas = la !== undefined && !schema.isEmpty(la.deserved);
      const rHas = ra !== undefined && !schema.isEmpty(ra.deserved);
      if (lHas !== rHas) return lHas ? -1 : 1;
      return 0;
    });

    ssn.allocatableFns.set(this.name, (q, t) => {
      if (!q.isOpen()) return false;
      const a = attrOf(q);
      if (!a) return true;
      return schema.lessEqualOnRequested(add(clone(a.allocated), t.resreq), a.realCapability, t.resreq);
    });

    ssn.preemptiveFns.set(this.name, (q, t) => {
      if (!q.isOpen()) return false;
      const a = attrOf(q);
      if (!a) return true;
      const req = t.resreq;
      const future = add(clone(a.allocated), req);
      if (!schema.lessEqualOnRequested(future, a.realCapability, req)) return false;
      for (let i = 0; i < req.length; i++) {
        if (i === PODS || !(req[i] > 0) || !(a.deserved[i] > 0)) continue;
        if (future[i] <= a.deserved[i]) return true;
      }
      return false;
    });

    ssn.reclaimableFns.set(this.name, (reclaimer: TaskInfo, reclaimees: readonly TaskInfo[]) => {
      const pq = new PriorityQueue<TaskInfo>((l, r) => ssn.victimLess(l, r, reclaimer));
      for (const t of reclaimees) pq.push(t);
      const tallies = new Map<QueueAttr, Float64Array>();
      const victims: TaskInfo[] = [];
      while (!pq.empty()) {
        const t = pq.pop();
        const a = attrOf(t.job.queue);
        if (!a) continue;
        if (!sharesDimension(t.resreq, reclaimer.resreq)) continue;
        let alloc = tallies.get(a);
        if (!alloc) {
          alloc = clone(a.allocated);
          tallies.set(a, alloc);
        }
        if (!keepsGuarantee(schema, alloc, t.resreq, a.guarantee)) continue;
        const uses = usedDims(t.resreq);
        const immediate = uses.every((d) => !(a.deserved[d] >= schema.eps[d]));
        const exceeds = uses.some((d) => alloc[d] > a.deserved[d] && !(Math.abs(alloc[d] - a.deserved[d]) < schema.eps[d]));
        if (!immediate && !exceeds) continue;
        sub(alloc, t.resreq);
        victims.push(t);
      }
      return [victims, PERMIT];
    });

    ssn.jobEnqueueableFns.set(this.name, (job) => {
      if (!job.queue.isOpen()) return REJECT;
      const a = attrOf(job.queue);
      if (!a || !job.minResources) return PERMIT;
      const min = job.minResources;
      const r = sub(add(add(clone(min), a.allocated), a.inqueue), a.elastic);
      return schema.lessEqualOnRequested(r, a.realCapability, min) ? PERMIT : REJECT;
    });

    ssn.jobEnqueuedFns.set(this.name, (job) => {
      const a = attrOf(job.queue);
      if (a && job.minResources) add(a.inqueue, job.minResources);
    });

    ssn.addEventHandler({
      allocate: (t) => {
        const a = attrOf(t.job.queue);
        if (!a) return;
        add(a.allocated, t.resreq);
        a.share = capacityShare(schema, a.allocated, a.deserved);
      },
      deallocate: (t) => {
        const a = attrOf(t.job.queue);
        if (!a) return;
        sub(a.allocated, t.resreq);
        a.share = capacityShare(schema, a.allocated, a.deserved);
      },
    });
  }

  queueReports(ssn: Session): Map<string, QueueReport> {
    const out = new Map<string, QueueReport>();
    // capacity has no Overused callback; report whether allocated has reached deserved.
    for (const [q, a] of this.attrs) out.set(q.name, queueReport(ssn.schema, a, ssn.schema.lessEqual(a.deserved, a.allocated)));
    return out;
  }
}

/** Requested dimensions other than pods. */
function usedDims(req: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < req.length; i++) if (i !== PODS && req[i] > 0) out.push(i);
  return out;
}

function sharesDimension(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (i !== PODS && a[i] > 0 && b[i] > 0) return true;
  return false;
}

/** After removing `req` from `alloc`, every guaranteed dimension still holds its guarantee. */
function keepsGuarantee(schema: ResourceSchema, alloc: Float64Array, req: Float64Array, guarantee: Float64Array): boolean {
  for (let i = 0; i < alloc.length; i++) {
    if (!(guarantee[i] > 0)) continue;
    const left = alloc[i] - req[i];
    if (!(guarantee[i] <= left || Math.abs(guarantee[i] - left) < schema.eps[i])) return false;
  }
  return true;
}

export function capacity(_args: PluginArguments): Plugin {
  return new CapacityPlugin();
}
