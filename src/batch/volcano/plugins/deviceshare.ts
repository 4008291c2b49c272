/**
 * deviceshare (plugins/deviceshare, GPU sharing of the Volcano device plugin; spec §12).
 * Disabled unless its arguments turn a mode on, as in Volcano:
 *
 * - `deviceshare.GPUSharingEnable`: a pod requesting `volcano.sh/gpu-memory` (MiB) must fit on
 *   ONE card; it takes the lowest-index card whose idle memory is at least the request.
 * - `deviceshare.GPUNumberEnable`: a pod requesting `volcano.sh/gpu-number` = k takes the first
 *   k cards that hold no pod at all.
 *
 * A node exposes `volcano.sh/gpu-number` cards and `volcano.sh/gpu-memory` MiB in total, split
 * evenly across its cards (what the device plugin advertises). Per-card bookkeeping is rebuilt
 * every session from the pods on the node; a running pod's cards come from its `gpuIndex`
 * (Volcano's `volcano.sh/gpu-index` annotation), else first-fit in snapshot order. The aggregate
 * dimensions are still checked by the ordinary `request <= FutureIdle` fit. The two modes are not
 * meant to be mixed on one node (Volcano's card memory does not count whole-card pods either).
 * Binds carry the chosen card indices (`Placement.gpuIndex`).
 */
import { boolArg, type Plugin, type PluginArguments } from '../plugin.js';
import type { NodeInfo } from '../node.js';
import type { Session } from '../session.js';
import type { TaskInfo } from '../task.js';

export const GPU_MEMORY = 'volcano.sh/gpu-memory';
export const GPU_NUMBER = 'volcano.sh/gpu-number';

interface Cards {
  memory: number; // per card
  used: Float64Array; // memory used per card
  pods: Int32Array; // pods per card
}

/** Lowest-index card with enough idle memory, or -1. */
export function pickCardByMemory(cards: Cards, request: number): number {
  for (let i = 0; i < cards.used.length; i++) if (cards.memory - cards.used[i] >= request) return i;
  return -1;
}

/** The first `k` cards holding no pod, or null when there are fewer. */
export function pickCardsByNumber(cards: Cards, k: number): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < cards.pods.length && out.length < k; i++) if (cards.pods[i] === 0) out.push(i);
  return out.length === k ? out : null;
}

class DeviceSharePlugin implements Plugin {
  readonly name = 'deviceshare';
  private readonly cards = new Map<NodeInfo, Cards>();

  constructor(private readonly sharing: boolean, private readonly number: boolean) {}

  onSessionOpen(ssn: Session): void {
    if (!this.sharing && !this.number) return;
    const memDim = ssn.schema.indexOf(GPU_MEMORY);
    const numDim = ssn.schema.indexOf(GPU_NUMBER);
    if (numDim < 0) return; // no node advertises cards
    const memOf = (t: TaskInfo): number => (memDim >= 0 && this.sharing ? t.resreq[memDim] : 0);
    const numOf = (t: TaskInfo): number => (this.number ? t.resreq[numDim] : 0);
    const wants = (t: TaskInfo): boolean => memOf(t) > 0 || numOf(t) > 0;

    const take = (t: TaskInfo, c: Cards, ids: readonly number[]): void => {
      for (const i of ids) {
        c.used[i] += memOf(t);
        c.pods[i] += 1;
      }
      ssn.taskDevices.set(t.uid, ids.slice());
    };
    const choose = (t: TaskInfo, c: Cards): number[] | null => {
      if (numOf(t) > 0) return pickCardsByNumber(c, numOf(t));
      const i = pickCardByMemory(c, memOf(t));
      return i < 0 ? null : [i];
    };

    for (const node of ssn.nodes) {
      const count = Math.trunc(node.allocatable[numDim]);
      if (count <= 0) continue;
      const total = memDim >= 0 ? node.allocatable[memDim] : 0;
      const c: Cards = { memory: total / count, used: new Float64Array(count), pods: new Int32Array(count) };
      this.cards.set(node, c);
      for (const t of node.tasks.values()) {
        if (!wants(t)) continue;
        const given = t.gpuIndex?.filter((i) => Number.isInteger(i) && i >= 0 && i < count);
        const ids = given && given.length > 0 ? given : choose(t, c);
        if (ids) take(t, c, ids);
      }
    }

    ssn.predicateFns.set(this.name, (t, n) => {
      if (!wants(t)) return null;
      const c = this.cards.get(n);
      if (!c) return `no GPU cards on node ${n.name}`;
      if (numOf(t) > 0 && pickCardsByNumber(c, numOf(t)) === null) return `no enough gpu number on node ${n.name}`;
      if (memOf(t) > 0 && pickCardByMemory(c, memOf(t)) < 0) return `no enough gpu memory on node ${n.name}`;
      return null;
    });

    ssn.addEventHandler({
      allocate: (t) => {
        if (!wants(t)) return;
        const c = this.cards.get(ssn.nodeByName.get(t.nodeName ?? '') as NodeInfo);
        if (!c) return;
        const ids = choose(t, c);
        if (ids) take(t, c, ids);
      },
      deallocate: (t) => {
        const ids = ssn.taskDevices.get(t.uid);
        if (!ids) return;
        const c = this.cards.get(ssn.nodeByName.get(t.nodeName ?? '') as NodeInfo);
        if (c) {
          for (const i of ids) {
            c.used[i] -= memOf(t);
            c.pods[i] -= 1;
          }
        }
        ssn.taskDevices.delete(t.uid);
      },
    });
  }
}

export function deviceshare(args: PluginArguments): Plugin {
  return new DeviceSharePlugin(boolArg(args, 'deviceshare.GPUSharingEnable', false), boolArg(args, 'deviceshare.GPUNumberEnable', false));
}
