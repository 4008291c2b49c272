/**
 * The plugin contract (framework/interface.go, framework/session_plugins.go): a plugin is built
 * per session from its arguments; `onSessionOpen` registers callbacks on the session under the
 * plugin's name; the session combines them over tiers (see `Session`).
 */
import type { NodeInfo } from './node.js';
import type { QueueInfo } from './queue.js';
import type { TaskInfo } from './task.js';
import type { Session } from './session.js';
import type { PodGroupCondition, QueueReport } from './types.js';

/** Votes of JobPipelined / JobEnqueueable and abstain flags of victim filters. */
export const PERMIT = 1;
export const ABSTAIN = 0;
export const REJECT = -1;
export type Vote = typeof PERMIT | typeof ABSTAIN | typeof REJECT;

export type CompareFn<T> = (l: T, r: T) => number;
export type VictimQueueCompareFn = (l: QueueInfo, r: QueueInfo, preemptor: QueueInfo) => number;
/** Victim filter: the tasks it allows, and whether it voted (PERMIT) or abstained (ABSTAIN). */
export type EvictableFn = (evictor: TaskInfo, candidates: readonly TaskInfo[]) => [TaskInfo[], Vote];
/** A predicate returns null when the node fits, else the reason it does not. */
export type PredicateFn = (task: TaskInfo, node: NodeInfo) => string | null;
export type PrePredicateFn = (task: TaskInfo) => string | null;
export type NodeOrderFn = (task: TaskInfo, node: NodeInfo) => number;
/** Scores for many nodes at once (aligned with `nodes`), e.g. normalised k8s scores. */
export type BatchNodeOrderFn = (task: TaskInfo, nodes: readonly NodeInfo[]) => Float64Array;

export interface ValidateResult {
  pass: boolean;
  reason: string;
  message: string;
}

export interface EventHandler {
  allocate?(task: TaskInfo): void;
  deallocate?(task: TaskInfo): void;
}

export interface Plugin {
  readonly name: string;
  onSessionOpen(ssn: Session): void;
  onSessionClose?(ssn: Session): void;
  /** Queue accounting for the session result (proportion, capacity). */
  queueReports?(ssn: Session): Map<string, QueueReport>;
  /** PodGroup conditions written at close (gang). */
  conditions?(): Map<string, PodGroupCondition>;
}

export type PluginArguments = Readonly<Record<string, string | number | boolean>>;
export type PluginBuilder = (args: PluginArguments) => Plugin;

/** Read a numeric argument (Volcano `Arguments.GetInt/GetFloat64`): absent or unparsable -> fallback. */
export function numberArg(args: PluginArguments, key: string, fallback: number): number {
  const v = args[key];
  if (v === undefined) return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

export function boolArg(args: PluginArguments, key: string, fallback: boolean): boolean {
  const v = args[key];
  if (v === undefined) return fallback;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.trim().toLowerCase() === 'true';
  return fallback;
}
