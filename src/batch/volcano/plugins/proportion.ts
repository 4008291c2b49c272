/**
 * proportion (plugins/proportion/proportion.go): weighted, capped, water-filling queue shares
 * (spec §8). Only queues with at least one job in the session take part.
 *
 *   total          = Σ node allocatable (incl. pods)
 *   totalGuarantee = Σ guarantee over all queues in the session
 *   realCapability = min((total - totalGuarantee) + guarantee, capability)   (missing cap dim = ∞;
 *                    a capability cpu/memory <= 0 also means unlimited)
 *   allocated      = Σ Allocated-class requests;  request = allocated + Σ Pending requests
 *
 * deserved by water-filling: each round every unmet queue gets remaining × w/W (same `remaining`
 * snapshot for all), clipped by realCapability and request, floored by guarantee; a queue is met
 * when request <= deserved (tolerance) or its deserved did not change; remaining -= increases,
 * += decreases (clamped at 0); stop when remaining is empty or did not change. Floating-point
 * operations are done in Volcano's order so the geometric case (vector proportion-deserved-006)
 * stops at the same value.
 *
 * Callbacks: share = max over deserved's dims of allocated/deserved; QueueOrder (priority desc,
 * then share asc); Overused (deserved <= allocated); Allocatable and Preemptive (Open, and
 * allocated + request <= deserved on the requested dims); Reclaimable (a victim's queue must be
 * strictly over deserved, tally decreasing); JobEnqueueable (Open, and minResources + allocated +
 * inqueue - elastic <= realCapability on the requested dims); JobEnqueued (inqueue += minResources).
 */
import { add, clone, exceededPart, shareOf, sub, type ResourceSchema } from '../resource.js';
import type { JobInfo } from '../job.js';
import { PERMIT, REJECT, type Plugin, type PluginArguments } from '../plugin.js';
import type { QueueInfo } from '../queue.js';
import type { Session } from '../session.js';
import { isAllocatedStatus, type TaskInfo } from '../task.js';
import type { QueueReport } from '../types.js';

export interface QueueAttr {
  queue: QueueInfo;
  weight: number;
  share: number;
  deserved: Float64Array;
  allocated: Float64Array;
  request: Float64Array;
  elastic: Float64Array;
  inqueue: Float64Array;
  guarantee: Float64Array;
  realCapability: Float64Array;
}

/** Per-dimension positive part of minResources - allocated (Volcano `GetInqueueResource`). */
export function inqueueResource(job: JobInfo): Float64Array {
  const min = job.minResources;
  const out = new Float64Array(job.allocated.length);
  if (!min) return out;
  for (let i = 0; i < out.length; i++) out[i] = min[i] > job.allocated[i] ? min[i] - job.allocated[i] : 0;
  return out;
}

/**
 * A capability vector: dims not given are unlimited, and so are cpu/memory given as <= 0
 * (Volcano resets them to MaxFloat64).
 */
export function capabilityVector(schema: ResourceSchema, q: QueueInfo): Float64Array | null {
  const cap = q.spec.capability;
  if (!cap || Object.keys(cap).length === 0) return null;
  const v = schema.fromList(cap, Infinity);
  if (!(v[0] > 0)) v[0] = Infinity;
  if (!(v[1] > 0)) v[1] = Infinity;
  return v;
}

/** Queue attributes built from the session's jobs (shared by proportion and capacity). */
export function buildQueueAttrs(ssn: Session, deservedOf: (q: QueueInfo) => Float64Array): Map<QueueInfo, QueueAttr> {
  const schema = ssn.schema;
  const totalGuarantee = schema.zero();
  for (const q of ssn.queues) if (q.spec.guarantee) add(totalGuarantee, schema.fromList(q.spec.guarantee));
  const attrs = new Map<QueueInfo, QueueAttr>();
  for (const job of ssn.jobs) {
    let attr = attrs.get(job.queue);
    if (!attr) {
      const q = job.queue;
      const guarantee = schema.fromList(q.spec.guarantee);
      const realCapability = add(exceededPart(ssn.totalResource, totalGuarantee), guarantee);
      const cap = capabilityVector(schema, q);
      if (cap) for (let i = 0; i < realCapability.length; i++) realCapability[i] = Math.min(realCapability[i], cap[i]);
      attr = {
        queue: q,
        weight: q.weight,
        share: 0,
        deserved: deservedOf(q),
        allocated: schema.zero(),
        request: schema.zero(),
        elastic: schema.zero(),
        inqueue: schema.zero(),
        guarantee,
        realCapability,
      };
      attrs.set(q, attr);
    }
    for (const t of job.tasks) {
      if (isAllocatedStatus(t.status)) {
        add(attr.allocated, t.resreq);
        add(attr.request, t.resreq);
      } else if (t.status === 'Pending') {
        add(attr.request, t.resreq);
      }
    }
    if (job.phase === 'Inqueue' && job.minResources) add(attr.inqueue, job.minResources);
    if (job.phase === 'Running' && job.minResources && job.allocatedTaskNum() >= job.minAvailable) {
      add(attr.inqueue, inqueueResource(job));
    }
    // Volcano GetElasticResources: allocated beyond minResources (all of it when minResources is unset).
    add(attr.elastic, exceededPart(job.allocated, job.minResources ?? schema.zero()));
  }
  return attrs;
}

/** share = max over dims of deserved (>= tolerance) of allocated/deserved. */
export function proportionShare(schema: ResourceSchema, allocated: Float64Array, deserved: Float64Array): number {
  let res = 0;
  for (const d of schema.presentDims(deserved)) {
    const s = shareOf(allocated[d], deserved[d]);
    if (s > res) res = s;
  }
  return res;
}

/**
 * The water-filling loop (mutates each attr.deserved). Queues are visited in `order`. `legacy`
 * reproduces v1.5.1: guarantee floor after the met check, `remaining` not clamped at 0.
 */
export function waterFill(schema: ResourceSchema, total: Float64Array, order: readonly QueueAttr[], legacy = false): void {
  const size = schema.size;
  const remaining = clone(total);
  const met = new Set<QueueAttr>();
  const touched = new Set<QueueAttr>();
  for (;;) {
    let totalWeight = 0;
    for (const a of order) if (!met.has(a)) totalWeight += a.weight;
    if (totalWeight === 0) break;
    const oldRemaining = clone(remaining);
    const increased = new Float64Array(size);
    const decreased = new Float64Array(size);
    for (const a of order) {
      if (met.has(a)) continue;
      const old = clone(a.deserved);
      const ratio = a.weight / totalWeight;
      const d = a.deserved;
      for (let i = 0; i < size; i++) d[i] += remaining[i] * ratio;
      for (let i = 0; i < size; i++) if (a.realCapability[i] < d[i]) d[i] = a.realCapability[i];
      for (let i = 0; i < size; i++) if (a.request[i] < d[i]) d[i] = a.request[i];
      if (!legacy) for (let i = 0; i < size; i++) if (a.guarantee[i] > d[i]) d[i] = a.guarantee[i];
      if (schema.lessEqual(a.request, d)) {
        met.add(a);
      } else if (touched.has(a) && sameVector(d, old)) {
        // First round: Volcano compares against an empty Resource, which is never DeepEqual.
        met.add(a);
      }
      touched.add(a);
      if (legacy) for (let i = 0; i < size; i++) if (a.guarantee[i] > d[i]) d[i] = a.guarantee[i];
      for (let i = 0; i < size; i++) {
        if (d[i] > old[i]) increased[i] += d[i] - old[i];
        else if (d[i] < old[i]) decreased[i] += old[i] - d[i];
      }
    }
    for (let i = 0; i < size; i++) {
      const v = remaining[i] - increased[i] + decreased[i];
      remaining[i] = legacy || v > 0 ? v : 0;
    }
    if (schema.isEmpty(remaining) || sameVector(remaining, oldRemaining)) break;
  }
}

function sameVector(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function queueReport(schema: ResourceSchema, a: QueueAttr, overused: boolean): QueueReport {
  return {
    deserved: schema.toList(a.deserved),
    allocated: schema.toList(a.allocated),
    request: schema.toList(a.request),
    realCapability: schema.toList(a.realCapability),
    share: a.share,
    overused,
  };
}

class ProportionPlugin implements Plugin {
  readonly name = 'proportion';
  private attrs = new Map<QueueInfo, QueueAttr>();

  onSessionOpen(ssn: Session): void {
    const schema = ssn.schema;
    this.attrs = buildQueueAttrs(ssn, () => schema.zero());
    const order = [...this.attrs.values()];
    waterFill(schema, ssn.totalResource, order, ssn.version === 'v1.5.1');
    for (const a of order) a.share = proportionShare(schema, a.allocated, a.deserved);

    const attrOf = (q: QueueInfo): QueueAttr | undefined => this.attrs.get(q);
    const fitsDeserved = (a: QueueAttr, req: Float64Array): boolean => {
      const future = add(clone(a.allocated), req);
      return schema.lessEqualOnRequested(future, a.deserved, req);
    };

    ssn.queueOrderFns.set(this.name, (l, r) => {
      if (l.priority !== r.priority) return r.priority - l.priority;
      const ls = attrOf(l)?.share ?? 0;
      const rs = attrOf(r)?.share ?? 0;
      return ls === rs ? 0 : ls < rs ? -1 : 1;
    });

    ssn.overusedFns.set(this.name, (q) => {
      const a = attrOf(q);
      return a ? schema.lessEqual(a.deserved, a.allocated) : false;
    });

    ssn.allocatableFns.set(this.name, (q, t) => {
      const a = attrOf(q);
      if (!a) return true;
      return q.isOpen() && fitsDeserved(a, t.resreq);
    });

    ssn.preemptiveFns.set(this.name, (q, t) => {
      const a = attrOf(q);
      if (!a) return true;
      return q.isOpen() && fitsDeserved(a, t.resreq);
    });

    ssn.reclaimableFns.set(this.name, (_reclaimer: TaskInfo, reclaimees: readonly TaskInfo[]) => {
      const tallies = new Map<QueueAttr, Float64Array>();
      const victims: TaskInfo[] = [];
      for (const t of reclaimees) {
        const a = attrOf(t.job.queue);
        if (!a) continue;
        let alloc = tallies.get(a);
        if (!alloc) {
          alloc = clone(a.allocated);
          tallies.set(a, alloc);
        }
        if (!schema.lessEqual(alloc, a.deserved)) {
          sub(alloc, t.resreq);
          victims.push(t);
        }
      }
      return [victims, PERMIT];
    });

    ssn.jobEnqueueableFns.set(this.name, (job) => {
      const a = attrOf(job.queue);
      if (!job.queue.isOpen()) return REJECT;
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
        a.share = proportionShare(schema, a.allocated, a.deserved);
      },
      deallocate: (t) => {
        const a = attrOf(t.job.queue);
        if (!a) return;
        sub(a.allocated, t.resreq);
        a.share = proportionShare(schema, a.allocated, a.deserved);
      },
    });
  }

  queueReports(ssn: Session): Map<string, QueueReport> {
    const out = new Map<string, QueueReport>();
    for (const [q, a] of this.attrs) out.set(q.name, queueReport(ssn.schema, a, ssn.schema.lessEqual(a.deserved, a.allocated)));
    return out;
  }
}

export function proportion(_args: PluginArguments): Plugin {
  return new ProportionPlugin();
}
