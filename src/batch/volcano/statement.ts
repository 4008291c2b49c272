/**
 * Volcano `Statement` (framework/statement.go): all-or-nothing changes to a session.
 * `allocate`, `pipeline` and `evict` change the session at once (task status, node accounting,
 * plugin event handlers) and record an operation. `commit` runs the operations in order: an
 * eviction is sent, an allocation is bound (task -> Binding), a pipeline sends nothing.
 * `discard` undoes them in reverse order. A statement neither committed nor discarded leaves its
 * changes in the session until it closes (allocate's "pipelined, keep the reservation" case).
 */
import type { NodeInfo } from './node.js';
import type { Session } from './session.js';
import type { TaskInfo } from './task.js';

type Operation =
  | { kind: 'allocate'; task: TaskInfo }
  | { kind: 'pipeline'; task: TaskInfo }
  | { kind: 'evict'; task: TaskInfo; reason: 'preempt' | 'reclaim'; from: 'Running' | 'Bound' };

export class Statement {
  private ops: Operation[] = [];

  constructor(private readonly ssn: Session) {}

  get size(): number {
    return this.ops.length;
  }

  allocate(task: TaskInfo, node: NodeInfo): void {
    this.ssn.allocateTask(task, node);
    this.ops.push({ kind: 'allocate', task });
  }

  pipeline(task: TaskInfo, node: NodeInfo): void {
    this.ssn.pipelineTask(task, node);
    this.ops.push({ kind: 'pipeline', task });
  }

  evict(task: TaskInfo, reason: 'preempt' | 'reclaim'): void {
    const from = task.status === 'Bound' ? 'Bound' : 'Running';
    this.ssn.evictTask(task);
    this.ops.push({ kind: 'evict', task, reason, from });
  }

  /** Append another statement's operations (its changes are already in the session). */
  merge(other: Statement): void {
    for (const op of other.ops) this.ops.push(op);
    other.ops = [];
  }

  commit(): void {
    const ssn = this.ssn;
    for (const op of this.ops) {
      switch (op.kind) {
        case 'evict':
          ssn.evictions.push({ task: op.task.key, node: op.task.nodeName as string, reason: op.reason });
          break;
        case 'pipeline':
          ssn.committedPipelines.set(op.task.uid, op.task);
          break;
        case 'allocate':
          // Volcano binds every Allocated task of the statement (it may have been un-pipelined or
          // re-placed by a later action only through another statement).
          if (op.task.status === 'Allocated') ssn.dispatch(op.task);
          break;
      }
    }
    this.ops = [];
  }

  discard(): void {
    const ssn = this.ssn;
    for (let i = this.ops.length - 1; i >= 0; i--) {
      const op = this.ops[i];
      switch (op.kind) {
        case 'evict':
          ssn.unevictTask(op.task, op.from);
          break;
        case 'pipeline':
          ssn.unpipelineTask(op.task);
          break;
        case 'allocate':
          ssn.unallocateTask(op.task);
          break;
      }
    }
    this.ops = [];
  }
}
