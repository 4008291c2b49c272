import type { FailoverBehavior, PolicySpec } from './types.js';

type Obj = Record<string, unknown>;

/** PropagationPolicy fields beside the placement, with Karmada's defaults (webhook: gracePeriodSeconds 600 under Gracefully). */
export function policyExtras(p: Obj): Pick<PolicySpec, 'preemption' | 'propagateDeps' | 'failover' | 'schedulePriority' | 'schedulerName'> {
  const f = p.failover as FailoverBehavior | undefined;
  let failover: FailoverBehavior | null = null;
  if (f) {
    failover = structuredClone(f);
    if (failover.application) {
      const a = failover.application;
      a.decisionConditions = { tolerationSeconds: a.decisionConditions?.tolerationSeconds ?? 300 };
      a.purgeMode ??= 'Gracefully';
      if (a.purgeMode === 'Gracefully') a.gracePeriodSeconds ??= 600;
    }
    if (failover.cluster) failover.cluster.purgeMode ??= 'Gracefully';
  }
  const sp = p.schedulePriority as { priorityClassName?: string } | undefined;
  return {
    preemption: (p.preemption as 'Always' | 'Never' | undefined) ?? 'Never',
    propagateDeps: (p.propagateDeps as boolean | undefined) ?? false,
    failover,
    // The value is resolved once every PriorityClass is known (after the include: files).
    schedulePriority: sp?.priorityClassName ? { priorityClassName: sp.priorityClassName, value: 0 } : null,
    // The CRD default; karmada-scheduler only takes bindings for its own name (pkg/scheduler/event_handler.go).
    schedulerName: (p.schedulerName as string | undefined) || 'default-scheduler',
  };
}

