/**
 * Volcano `NodeInfo` (api/node_info.go) accounting:
 *   Idle = allocatable - Σ tasks that are not Pipelined - others;  Used = Σ tasks that are not Pipelined + others
 *   (others: the requests of pods on the node that no job of the session owns, `NodeSpec.used`);
 *   Releasing = Σ Releasing tasks (also in Used);  Pipelined = Σ Pipelined tasks;
 *   FutureIdle = Idle + Releasing - Pipelined.
 * A snapshot that overcommits a node simply drives Idle negative (Volcano would mark the node
 * NotReady instead); nothing then fits there.
 */
import { add, sub, type ResourceSchema } from './resource.js';
import type { NodeSpec, Taint } from './types.js';
import type { TaskInfo } from './task.js';

export class NodeInfo {
  readonly name: string;
  readonly allocatable: Float64Array;
  readonly idle: Float64Array;
  readonly used: Float64Array;
  readonly releasing: Float64Array;
  readonly pipelined: Float64Array;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  /** Tasks on the node, in insertion order (snapshot order, then session order). */
  readonly tasks = new Map<string, TaskInfo>();

  constructor(spec: NodeSpec, allocatable: Float64Array, others: Float64Array | null = null) {
    this.name = spec.name;
    this.allocatable = allocatable;
    this.idle = new Float64Array(allocatable);
    this.used = new Float64Array(allocatable.length);
    // Pods outside the session (other schedulers') hold their room, as Volcano's cache counts them.
    if (others) {
      sub(this.idle, others);
      add(this.used, others);
    }
    this.releasing = new Float64Array(allocatable.length);
    this.pipelined = new Float64Array(allocatable.length);
    this.labels = spec.labels ?? {};
    this.taints = spec.taints ?? [];
    this.unschedulable = spec.unschedulable ?? false;
  }

  addTask(t: TaskInfo): void {
    switch (t.status) {
      case 'Releasing':
        sub(this.idle, t.resreq);
        add(this.releasing, t.resreq);
        add(this.used, t.resreq);
        break;
      case 'Pipelined':
        add(this.pipelined, t.resreq);
        break;
      default:
        sub(this.idle, t.resreq);
        add(this.used, t.resreq);
    }
    this.tasks.set(t.uid, t);
  }

  removeTask(t: TaskInfo): void {
    switch (t.status) {
      case 'Releasing':
        add(this.idle, t.resreq);
        sub(this.releasing, t.resreq);
        sub(this.used, t.resreq);
        break;
      case 'Pipelined':
        sub(this.pipelined, t.resreq);
        break;
      default:
        add(this.idle, t.resreq);
        sub(this.used, t.resreq);
    }
    this.tasks.delete(t.uid);
  }

  futureIdle(): Float64Array {
    const r = new Float64Array(this.idle);
    for (let i = 0; i < r.length; i++) r[i] += this.releasing[i] - this.pipelined[i];
    return r;
  }

  /** `req <= Idle` (Volcano LessEqual, every dimension, tolerance). */
  fitsIdle(schema: ResourceSchema, req: Float64Array): boolean {
    return schema.lessEqual(req, this.idle);
  }

  /** `req <= FutureIdle` without allocating. */
  fitsFutureIdle(schema: ResourceSchema, req: Float64Array): boolean {
    return this.shortOfFutureIdle(schema, req) < 0;
  }

  /**
   * The first dimension in which `req` exceeds FutureIdle, -1 if none: allocate's resource
   * predicate names it (`LessEqualWithResourcesName`, then `WrapInsufficientResourceReason`:
   * "Insufficient " + the first name; cpu, memory, then the scalars, in Go's map order upstream
   * and in the schema's here).
   */
  shortOfFutureIdle(schema: ResourceSchema, req: Float64Array): number {
    const eps = schema.eps;
    for (let i = 0; i < req.length; i++) {
      const r = this.idle[i] + this.releasing[i] - this.pipelined[i];
      const l = req[i];
      if (!(l <= r || Math.abs(l - r) < eps[i])) return i;
    }
    return -1;
  }
}
