/** Volcano `QueueInfo` (api/queue_info.go). */
import type { QueueSpec, QueueState } from './types.js';

export class QueueInfo {
  /** The queue name is its UID (vectors' convention). */
  readonly uid: string;
  readonly name: string;
  readonly weight: number;
  readonly priority: number;
  readonly state: QueueState;
  readonly reclaimable: boolean;
  readonly creationTime: number;
  readonly spec: QueueSpec;

  constructor(spec: QueueSpec) {
    this.spec = spec;
    this.name = spec.name;
    this.uid = spec.name;
    this.weight = spec.weight ?? 1;
    this.priority = spec.priority ?? 0;
    this.state = spec.state ?? 'Open';
    this.reclaimable = spec.reclaimable ?? true;
    this.creationTime = spec.creationTime ?? 0;
  }

  isOpen(): boolean {
    return this.state === 'Open';
  }
}
