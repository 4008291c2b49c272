import { ScenarioError, type SourcePosition } from './errors.js';
import type { PriorityClassSpec } from './types.js';

/**
 * Pod priority as the API server's Priority admission plugin computes it
 * (plugin/pkg/admission/priority/admission.go): a pod naming a PriorityClass gets its value and
 * its `preemptionPolicy`; a pod naming none gets the globalDefault class's (the lowest value if
 * several claim it), or 0. A class that does not exist, or a `priority` that disagrees with the
 * computed one, gets the pod forbidden, so fleetsim reports both where they are written: a
 * workload whose pods can never be created would otherwise run as nothing, without a word.
 */

/** The classes every cluster has (pkg/apis/scheduling/v1/helpers.go `systemPriorityClasses`). */
export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, PriorityClassSpec>> = Object.freeze({
  'system-node-critical': { value: 2000001000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority' },
  'system-cluster-critical': { value: 2000000000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority' },
});

/** A pod template's priority fields as written, waiting for every PriorityClass to be known. */
export interface PriorityRef {
  /** `priorityClassName` ('' when unset). */
  className: string;
  /** `priority` as written (null when unset). */
  priority: number | null;
  /** `preemptionPolicy` as written (null when unset). */
  preemptionPolicy: string | null;
  /** Where a field of these is written (for the admission's refusal): its position and field path. */
  where(field: 'priorityClassName' | 'priority' | 'preemptionPolicy'): { pos: SourcePosition; path: string };
  /** Receives the computed priority and preemption policy. */
  apply(priority: number, preemptionPolicy: PriorityClassSpec['preemptionPolicy']): void;
}

/** The globalDefault class: the lowest value among those that claim it (upstream's tie-break), or none. */
export function globalDefaultClass(classes: Readonly<Record<string, PriorityClassSpec>>): PriorityClassSpec | null {
  let best: PriorityClassSpec | null = null;
  for (const name of Object.keys(classes).sort()) {
    const c = classes[name];
    if (c.globalDefault && (best === null || c.value < best.value)) best = c;
  }
  return best;
}

/** Compute each pod template's priority from the classes, or throw the admission's refusal as a located error. */
export function resolvePriorities(refs: readonly PriorityRef[], classes: Readonly<Record<string, PriorityClassSpec>>): void {
  const fallback = globalDefaultClass(classes);
  const names = Object.keys(classes).sort();
  for (const r of refs) {
    let value = fallback?.value ?? 0;
    let policy: PriorityClassSpec['preemptionPolicy'] = fallback?.preemptionPolicy ?? 'PreemptLowerPriority';
    if (r.className !== '') {
      const c = classes[r.className];
      if (!c) {
        const w = r.where('priorityClassName');
        throw new ScenarioError(
          w.pos,
          w.path,
          `the name of a PriorityClass (scenario priorityClasses:, an included scheduling.k8s.io/v1 PriorityClass, or a system class: ${names.join(', ')})`,
          `"${r.className}": no PriorityClass with name ${r.className} was found, so the API server's Priority admission forbids its pods`,
        );
      }
      value = c.value;
      policy = c.preemptionPolicy;
    }
    if (r.priority !== null && r.priority !== value) {
      const w = r.where('priority');
      throw new ScenarioError(
        w.pos,
        w.path,
        `no priority, or the one its PriorityClass gives (${value})`,
        `${r.priority}: the integer value of priority (${r.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`,
      );
    }
    if (r.preemptionPolicy !== null && r.preemptionPolicy !== policy) {
      const w = r.where('preemptionPolicy');
      throw new ScenarioError(
        w.pos,
        w.path,
        `no preemptionPolicy, or the one its PriorityClass gives (${policy})`,
        `${r.preemptionPolicy}: the string value of PreemptionPolicy (${r.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`,
      );
    }
    r.apply(value, policy);
  }
}
