import type { VolcanoQueueSpec } from './types.js';
import { parseCpuMillis, parseQuantity } from './units.js';

type Obj = Record<string, unknown>;

/** Queue resources in Volcano's units: cpu millicores, memory bytes, GPUs and pods as counts. */
function queueResources(r: Obj | undefined): Record<string, number> | undefined {
  if (!r) return undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'cpu') out.cpu = parseCpuMillis(v) ?? 0;
    else if (k === 'memory') out.memory = parseQuantity(v) ?? 0;
    else out[k] = parseQuantity(v) ?? 0;
  }
  return out;
}

/** A Volcano Queue from its spec fields (scenario `volcano.queues` or a Queue manifest), resources in Volcano's units. */
export function queueFromObj(q: Obj): VolcanoQueueSpec {
  return {
    name: q.name as string,
    ...(q.weight !== undefined ? { weight: q.weight as number } : {}),
    ...(q.priority !== undefined ? { priority: q.priority as number } : {}),
    ...(q.reclaimable !== undefined ? { reclaimable: q.reclaimable as boolean } : {}),
    ...(q.capability ? { capability: queueResources(q.capability as Obj) } : {}),
    ...(q.guarantee ? { guarantee: queueResources(((q.guarantee as Obj).resource as Obj | undefined) ?? (q.guarantee as Obj)) } : {}),
    ...(q.deserved ? { deserved: queueResources(q.deserved as Obj) } : {}),
  };
}
