/**
 * conformance (plugins/conformance/conformance.go): never evict pods of `kube-system` or with the
 * PriorityClass `system-cluster-critical` / `system-node-critical`.
 */
import { PERMIT, type Plugin, type PluginArguments } from '../plugin.js';
import type { Session } from '../session.js';
import type { TaskInfo } from '../task.js';

export function conformanceVictims(candidates: readonly TaskInfo[]): TaskInfo[] {
  return candidates.filter(
    (t) =>
      t.namespace !== 'kube-system' &&
      t.priorityClassName !== 'system-cluster-critical' &&
      t.priorityClassName !== 'system-node-critical',
  );
}

class ConformancePlugin implements Plugin {
  readonly name = 'conformance';

  onSessionOpen(ssn: Session): void {
    const fn = (_e: TaskInfo, c: readonly TaskInfo[]): [TaskInfo[], typeof PERMIT] => [conformanceVictims(c), PERMIT];
    ssn.preemptableFns.set(this.name, fn);
    ssn.reclaimableFns.set(this.name, fn);
  }
}

export function conformance(_args: PluginArguments): Plugin {
  return new ConformancePlugin();
}
