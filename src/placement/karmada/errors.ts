/**
 * Typed scheduling errors, mirroring how Karmada's scheduler classifies a failed attempt
 * (`pkg/scheduler/scheduler.go` fn `getConditionByError`, `handleErr`):
 *
 * - `FitError`: no cluster passed the filters. The binding's `spec.clusters` is patched to empty.
 * - `UnschedulableError`: not enough available replicas (dynamic division / overflow tiers).
 *   The previous result is kept; the binding waits in the unschedulable queue.
 * - `SchedulerError`: anything else (spread-constraint selection, unsupported strategy, ...).
 *   The previous result is kept; the binding is retried with backoff.
 *
 * These are not user errors (see `src/errors.ts`): they are outcomes a simulator reacts to.
 */
export type SchedulingErrorKind = 'FitError' | 'Unschedulable' | 'SchedulerError';

export class SchedulingError extends Error {
  readonly kind: SchedulingErrorKind;
  constructor(kind: SchedulingErrorKind, message: string) {
    super(message);
    this.name = kind;
    this.kind = kind;
  }
}

/** "0/N clusters are available: ..." */
export class FitError extends SchedulingError {
  readonly numAllClusters: number;
  /** Failure reason per cluster name (first failing filter), in cluster order. */
  readonly reasons: ReadonlyArray<{ cluster: string; plugin: string; reason: string }>;
  constructor(numAllClusters: number, reasons: ReadonlyArray<{ cluster: string; plugin: string; reason: string }>) {
    super('FitError', fitErrorMessage(numAllClusters, reasons));
    this.numAllClusters = numAllClusters;
    this.reasons = reasons;
  }
}

export class UnschedulableError extends SchedulingError {
  constructor(message: string) {
    super('Unschedulable', `Unschedulable: ${message}`);
  }
}

export class SchedulerError extends SchedulingError {
  constructor(message: string) {
    super('SchedulerError', message);
  }
}

function fitErrorMessage(n: number, reasons: ReadonlyArray<{ reason: string }>): string {
  // Karmada aggregates identical reasons with their counts, sorted by reason text.
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
  const parts = [...counts.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([reason, c]) => `${c} ${reason}`);
  return `0/${n} clusters are available${parts.length ? ': ' + parts.join(', ') : ''}.`;
}
