/**
 * binpack (plugins/binpack/binpack.go): prefer nodes that the task fills up.
 *
 * Arguments: `binpack.weight` (default 1; 0 disables the plugin), `binpack.cpu` (1),
 * `binpack.memory` (1), `binpack.resources` (comma list of extra resources) and
 * `binpack.resources.<name>` (default 1). Negative cpu/memory/resource weights are reset to 1.
 *
 *   for each resource r the task requests (>= tolerance) that has a configured weight w_r:
 *       if allocatable_r == 0 or w_r == 0: points 0 (the weight still counts below)
 *       elif request_r + used_r > allocatable_r: the whole score is 0
 *       else points_r = (request_r + used_r) * w_r / allocatable_r
 *   score = (Σ points / Σ w) * 100 * binpack.weight       (0 when Σ w = 0)
 * `used` is the node's Used; `pods` is never weighted.
 */
import { type ResourceSchema } from '../resource.js';
import { numberArg, type Plugin, type PluginArguments } from '../plugin.js';
import type { Session } from '../session.js';
import type { NodeInfo } from '../node.js';
import type { TaskInfo } from '../task.js';

const MAX_NODE_SCORE = 100;

export interface BinpackWeights {
  /** binpack.weight */
  weight: number;
  /** Weight per resource name (cpu, memory and the configured extra resources). */
  resources: ReadonlyMap<string, number>;
}

export function binpackWeights(args: PluginArguments): BinpackWeights {
  const weight = numberArg(args, 'binpack.weight', 1);
  const resources = new Map<string, number>();
  const pos = (v: number): number => (v < 0 ? 1 : v);
  resources.set('cpu', pos(numberArg(args, 'binpack.cpu', 1)));
  resources.set('memory', pos(numberArg(args, 'binpack.memory', 1)));
  const list = args['binpack.resources'];
  if (typeof list === 'string') {
    for (const raw of list.split(',')) {
      const name = raw.trim();
      if (name === '') continue;
      resources.set(name, pos(numberArg(args, `binpack.resources.${name}`, 1)));
    }
  }
  return { weight, resources };
}

/** Weights as a dense vector over the schema (NaN = resource without a weight). */
export function binpackDimWeights(schema: ResourceSchema, w: BinpackWeights): Float64Array {
  const out = new Float64Array(schema.size).fill(NaN);
  for (const [name, weight] of w.resources) {
    const d = schema.indexOf(name);
    if (d >= 0) out[d] = weight;
  }
  return out;
}

/** The binpack score of placing a task with `request` on a node (vectors in `binpack.json`). */
export function binpackScore(
  schema: ResourceSchema,
  request: Float64Array,
  allocatable: Float64Array,
  used: Float64Array,
  w: BinpackWeights,
  dimWeights: Float64Array = binpackDimWeights(schema, w),
): number {
  let score = 0;
  let weightSum = 0;
  const eps = schema.eps;
  for (let d = 0; d < request.length; d++) {
    const req = request[d];
    if (!(req >= eps[d])) continue; // Volcano iterates requested.ResourceNames()
    const rw = dimWeights[d];
    if (rw !== rw) continue; // no weight configured (NaN)
    const cap = allocatable[d];
    if (cap !== 0 && rw !== 0) {
      const finallyUsed = req + used[d];
      if (finallyUsed > cap) return 0;
      score += (finallyUsed * rw) / cap;
    }
    weightSum += rw;
  }
  if (weightSum > 0) score /= weightSum;
  return score * (MAX_NODE_SCORE * w.weight);
}

class BinpackPlugin implements Plugin {
  readonly name = 'binpack';
  constructor(private readonly w: BinpackWeights) {}

  onSessionOpen(ssn: Session): void {
    if (this.w.weight === 0) return;
    const schema = ssn.schema;
    const dims = binpackDimWeights(schema, this.w);
    ssn.nodeOrderFns.set(this.name, (t: TaskInfo, n: NodeInfo) => binpackScore(schema, t.resreq, n.allocatable, n.used, this.w, dims));
  }
}

export function binpack(args: PluginArguments): Plugin {
  return new BinpackPlugin(binpackWeights(args));
}
