import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  filterPodsWithPDBViolation, findCandidates, fitsRoom, numCandidates, pickOneNodeForPreemption, selectVictimsOnNode,
  type DisruptionBudget, type NodePod, type NodeRoom, type PreemptorRequest,
} from '../../src/kube-scheduler/default-preemption.js';
import { disruptionsAllowed } from '../../src/kube-scheduler/disruption-budget.js';

/**
 * kube-scheduler's DefaultPreemption as pure functions, against the behaviour of upstream's
 * default_preemption.go / preemption.go (the cases mirror TestSelectNodesForPreemption,
 * TestPickOneNodeForPreemption and filterPodsWithPDBViolation in default_preemption_test.go).
 */

const pod = (id: number, priority: number, cpu: number, over: Partial<NodePod> = {}): NodePod => ({
  id, priority, startTime: id, cpu, memory: 0, gpus: [], namespace: 'default', labels: { app: `a${id}` }, ...over,
});
const room = (cpu: number, over: Partial<NodeRoom> = {}): NodeRoom => ({ cpu, memory: 1e9, pods: 110, gpuMilliFree: [], ...over });
const req = (priority: number, cpu: number, over: Partial<PreemptorRequest> = {}): PreemptorRequest => ({ priority, cpu, memory: 0, gpus: 0, gpuMilli: 0, ...over });

describe('selectVictimsOnNode', () => {
  it('evicts only lower-priority pods, the least important first, and no more than needed', () => {
    // 4 CPUs, all taken by pods of priority 1, 2, 3 and 10; the preemptor (priority 5) needs 2.
    const pods = [pod(1, 1, 1000), pod(2, 2, 1000), pod(3, 3, 1000), pod(4, 10, 1000)];
    const r = selectVictimsOnNode(req(5, 2000), room(0), pods, []);
    // Reprieve from the most important: 3 stays, 2 and 1 go.
    expect(r!.victims.map((v) => v.id)).toEqual([2, 1]);
    expect(r!.numPDBViolations).toBe(0);
  });

  it('is no candidate when even removing every lower-priority pod leaves no room', () => {
    expect(selectVictimsOnNode(req(5, 3000), room(0), [pod(1, 1, 1000), pod(2, 10, 3000)], [])).toBeNull();
    // Nothing of lower priority at all: "No preemption victims found for incoming pod".
    expect(selectVictimsOnNode(req(5, 1000), room(0), [pod(1, 5, 1000)], [])).toBeNull();
  });

  it('reprieves PDB-violating pods first, so it evicts a budget-free pod where it can', () => {
    const guarded: DisruptionBudget = { namespace: 'default', matches: (l) => l.app === 'db', disruptionsAllowed: 0 };
    const pods = [pod(1, 1, 1000, { labels: { app: 'db' } }), pod(2, 1, 1000, { labels: { app: 'web' } })];
    const r = selectVictimsOnNode(req(5, 1000), room(0), pods, [guarded]);
    expect(r!.victims.map((v) => v.id)).toEqual([2]);
    expect(r!.numPDBViolations).toBe(0);
    // When only the guarded pod can make room, it goes, and the violation is counted.
    const r2 = selectVictimsOnNode(req(5, 1000), room(0), [pod(1, 1, 1000, { labels: { app: 'db' } })], [guarded]);
    expect(r2!.numPDBViolations).toBe(1);
  });

  it('frees whole GPUs and shares of one GPU by the GPUs the victims hold', () => {
    const gpuPods = [pod(1, 1, 0, { gpus: [{ gpu: 0, milli: 1000 }] }), pod(2, 1, 0, { gpus: [{ gpu: 1, milli: 500 }] }), pod(3, 9, 0, { gpus: [{ gpu: 1, milli: 500 }] })];
    const free = room(8000, { gpuMilliFree: [0, 0] });
    expect(selectVictimsOnNode(req(5, 0, { gpus: 1, gpuMilli: 1000 }), free, gpuPods, [])!.victims.map((v) => v.id)).toEqual([1]);
    // A 500-milli share fits on GPU 0 after evicting pod 1, or on GPU 1 after evicting pod 2:
    // reprieve goes from the most important (pod 1 is older), so pod 2 is the victim.
    expect(selectVictimsOnNode(req(5, 0, { gpus: 1, gpuMilli: 500 }), free, gpuPods, [])!.victims.map((v) => v.id)).toEqual([2]);
  });

  it('property: the victims are of lower priority, make room, and none of them could be spared', () => {
    const arbPod = fc.record({ priority: fc.integer({ min: 0, max: 4 }), cpu: fc.integer({ min: 0, max: 4 }), mem: fc.integer({ min: 0, max: 4 }) });
    fc.assert(
      fc.property(fc.array(arbPod, { maxLength: 8 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }), (ps, freeCpu, needCpu, prio) => {
        const pods = ps.map((p, i) => pod(i + 1, p.priority, p.cpu, { memory: p.mem }));
        const free = room(freeCpu, { memory: 2 });
        const r = req(prio, needCpu, { memory: 2 });
        const out = selectVictimsOnNode(r, free, pods, []);
        const lower = pods.filter((p) => p.priority < prio);
        const withAll = { ...free, cpu: free.cpu + lower.reduce((s, p) => s + p.cpu, 0), memory: free.memory + lower.reduce((s, p) => s + p.memory, 0) };
        if (lower.length === 0 || !fitsRoom(r, withAll)) return out === null;
        if (out === null) return false;
        const after = (vs: NodePod[]) => ({ ...free, cpu: free.cpu + vs.reduce((s, p) => s + p.cpu, 0), memory: free.memory + vs.reduce((s, p) => s + p.memory, 0), pods: free.pods + vs.length });
        if (!out.victims.every((v) => v.priority < prio)) return false;
        if (!fitsRoom(r, after(out.victims))) return false;
        // Minimal: sparing any single victim leaves no room.
        return out.victims.every((v) => !fitsRoom(r, after(out.victims.filter((x) => x !== v))));
      }),
    );
  });
});

describe('candidates and pickOneNodeForPreemption', () => {
  const cand = (node: string, victims: NodePod[], numPDBViolations = 0) => ({ node, victims, numPDBViolations });

  it('prefers fewer PDB violations, then the lowest highest victim priority, then the sum, then fewer victims, then the latest start', () => {
    expect(pickOneNodeForPreemption([cand('a', [pod(1, 1, 1)], 1), cand('b', [pod(2, 9, 1)])])!.node).toBe('b');
    expect(pickOneNodeForPreemption([cand('a', [pod(1, 5, 1)]), cand('b', [pod(2, 3, 1), pod(3, 3, 1)])])!.node).toBe('b');
    expect(pickOneNodeForPreemption([cand('a', [pod(1, 3, 1), pod(2, 2, 1)]), cand('b', [pod(3, 3, 1), pod(4, 1, 1)])])!.node).toBe('b');
    expect(pickOneNodeForPreemption([cand('a', [pod(1, 3, 1), pod(2, -5, 1)]), cand('b', [pod(3, 3, 1)])])!.node).toBe('b');
    // Same victims' priorities and count: the node whose highest-priority victims started last.
    expect(pickOneNodeForPreemption([cand('a', [pod(1, 3, 1, { startTime: 10 })]), cand('b', [pod(2, 3, 1, { startTime: 20 })])])!.node).toBe('b');
    // A full tie: the first candidate.
    expect(pickOneNodeForPreemption([cand('a', [pod(1, 3, 1, { startTime: 0 })]), cand('b', [pod(2, 3, 1, { startTime: 0 })])])!.node).toBe('a');
    expect(pickOneNodeForPreemption([])).toBeNull();
  });

  it('a dry run stops once it has enough candidates, one of them violating no budget', () => {
    expect(numCandidates(50)).toBe(50);
    expect(numCandidates(5000)).toBe(500);
    expect(numCandidates(500)).toBe(100);
    let asked = 0;
    const nodes = Array.from({ length: 300 }, (_, i) => i);
    const c = findCandidates(nodes, (n) => {
      asked++;
      return { victims: [pod(n, 0, 1)], numPDBViolations: 0 };
    });
    expect(c.length).toBe(100);
    expect(asked).toBe(100);
    // Candidates that violate a budget are listed after those that do not.
    const mixed = findCandidates([0, 1, 2], (n) => ({ victims: [pod(n, 0, 1)], numPDBViolations: n === 0 ? 1 : 0 }));
    expect(mixed.map((x) => x.node)).toEqual([1, 2, 0]);
  });
});

describe('PodDisruptionBudget disruptionsAllowed (disruption controller)', () => {
  it('minAvailable as an integer or a percentage, maxUnavailable as an integer or a percentage', () => {
    expect(disruptionsAllowed({ minAvailable: 2 }, 3, 5)).toBe(1);
    expect(disruptionsAllowed({ minAvailable: '50%' }, 3, 5)).toBe(0); // ceil(2.5) = 3
    expect(disruptionsAllowed({ maxUnavailable: 1 }, 5, 5)).toBe(1);
    expect(disruptionsAllowed({ maxUnavailable: '30%' }, 5, 5)).toBe(2); // 5 - ceil(1.5) = 3 desired
    expect(disruptionsAllowed({ minAvailable: 4 }, 3, 5)).toBe(0);
  });

  it('spends each budget as pods are walked, in order', () => {
    const b: DisruptionBudget = { namespace: 'default', matches: () => true, disruptionsAllowed: 1 };
    const { violating, nonViolating } = filterPodsWithPDBViolation([pod(1, 0, 1), pod(2, 0, 1), pod(3, 0, 1, { labels: {} })], [b]);
    expect(nonViolating.map((p) => p.id)).toEqual([1, 3]);
    expect(violating.map((p) => p.id)).toEqual([2]);
  });
});
