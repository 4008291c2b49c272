/** The built-in actions by name. */
import type { Session } from '../session.js';
import type { ActionName } from '../types.js';
import { allocate } from './allocate.js';
import { backfill } from './backfill.js';
import { enqueue } from './enqueue.js';
import { preempt } from './preempt.js';
import { reclaim } from './reclaim.js';

export const ACTIONS: Readonly<Record<ActionName, (ssn: Session) => void>> = {
  enqueue,
  allocate,
  backfill,
  reclaim,
  preempt,
};
