import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FreeCapacityIndex, MAX_REQUEST_CLASSES } from '../../src/control/free-capacity.js';
import { KubeScheduler, numFeasibleNodesToFind } from '../../src/control/kube-scheduler.js';
import type { MemberSchedulerHost, NodeScorer } from '../../src/control/member-scheduling.js';
import { leastAllocated, mostAllocated, resourcesFitScore } from '../../src/control/node-scoring.js';
import { World } from '../../src/model/world.js';
import { parseScenario } from '../../src/scenario/load.js';
import type { PodTemplate } from '../../src/scenario/types.js';

describe('numFeasibleNodesToFind (kube-scheduler percentageOfNodesToScore)', () => {
  it('follows Kubernetes: all below 100 nodes, adaptive max(5, 50 - n/125) %, at least 100', () => {
    expect(numFeasibleNodesToFind(0, 1)).toBe(1);
    expect(numFeasibleNodesToFind(0, 99)).toBe(99);
    expect(numFeasibleNodesToFind(0, 100)).toBe(100); // 50 % of 100 = 50, raised to 100
    expect(numFeasibleNodesToFind(0, 199)).toBe(100);
    expect(numFeasibleNodesToFind(0, 250)).toBe(120); // 48 %
    expect(numFeasibleNodesToFind(0, 1000)).toBe(420); // 42 %
    expect(numFeasibleNodesToFind(0, 5000)).toBe(500); // 10 %
    expect(numFeasibleNodesToFind(0, 6000)).toBe(300); // 50 - 48 = 2 -> 5 %
    expect(numFeasibleNodesToFind(0, 15000)).toBe(750);
    expect(numFeasibleNodesToFind(100, 1000)).toBe(1000);
    expect(numFeasibleNodesToFind(30, 1000)).toBe(300);
    expect(numFeasibleNodesToFind(5, 1000)).toBe(100);
  });
});

/** A one-cluster World of `n` nodes (16 cores, 64 GiB, 8 GPUs, 110 pods), free state randomised by `state`. */
function world(n: number, state: number[][]): World {
  const s = parseScenario(`name: w\nfleet:\n  clusters:\n    - { name: a, region: r, nodePools: [{ count: ${n}, cpu: 16, memory: 64Gi, gpus: { count: 8 } }] }\n`, 'w.yaml');
  const w = new World(s);
  for (let i = 0; i < n; i++) {
    const [cpu, mem, gpu, pods, flag] = state[i % state.length];
    w.cpuFree[i] = cpu;
    w.memFree[i] = mem;
    w.gpuFree[i] = gpu;
    for (let g = w.gpuStart[i]; g < w.gpuStart[i + 1]; g++) w.gpuMilliFree[g] = g - w.gpuStart[i] < gpu ? 1000 : 0;
    w.podsFree[i] = pods;
    w.nodeReady[i] = flag === 1 ? 0 : 1;
    w.nodeCordoned[i] = flag === 2 ? 1 : 0;
  }
  return w;
}

const nodeState = fc.tuple(
  fc.integer({ min: 0, max: 16000 }),
  fc.integer({ min: 0, max: 65536 }),
  fc.integer({ min: 0, max: 8 }),
  fc.integer({ min: 0, max: 3 }),
  fc.integer({ min: 0, max: 9 }),
);

/** Give node i a random state and tell the index. */
function setNode(w: World, idx: FreeCapacityIndex, i: number, [cpu, mem, gpu, pods, flag]: [number, number, number, number, number]): void {
  w.cpuFree[i] = cpu;
  w.memFree[i] = mem;
  w.gpuFree[i] = gpu;
  w.podsFree[i] = pods;
  w.nodeReady[i] = flag === 1 ? 0 : 1;
  w.nodeCordoned[i] = flag === 2 ? 1 : 0;
  idx.update(i);
}

interface Bind {
  pod: number;
  node: number;
}

/** A host over a World: the fit rules of MemberCluster.fits for whole GPUs, binds recorded. */
function host(w: World, templates: PodTemplate[], withIndex: boolean): MemberSchedulerHost & { binds: Bind[] } {
  const info = w.clusters[0];
  const capacity = withIndex ? new FreeCapacityIndex(w, info.nodeStart, info.nodeEnd) : undefined;
  const binds: Bind[] = [];
  const h = {
    world: w,
    info,
    capacity,
    binds,
    template: (pod: number) => templates[pod],
    fits(pod: number, n: number): boolean {
      const t = templates[pod];
      return !!w.nodeReady[n] && !w.nodeCordoned[n] && w.podsFree[n] >= 1 && w.cpuFree[n] >= t.cpuMillis && w.memFree[n] >= t.memoryMiB && w.gpuFree[n] >= t.gpus;
    },
    bind(pod: number, n: number): void {
      const t = templates[pod];
      if (!h.fits(pod, n)) throw new Error('bind: does not fit');
      w.cpuFree[n] -= t.cpuMillis;
      w.memFree[n] -= t.memoryMiB;
      w.gpuFree[n] -= t.gpus;
      w.podsFree[n] -= 1;
      capacity?.update(n);
      binds.push({ pod, node: n });
    },
  };
  return h as unknown as MemberSchedulerHost & { binds: Bind[] };
}

/** kube-scheduler's filter/score/select written the plain way: a scan of every node from nextStart. */
function reference(w: World, templates: PodTemplate[], pods: number[], pct: number, most: boolean, start0: number): { binds: Bind[]; next: number } {
  const h = host(w, templates, false);
  const n = w.nodeCount;
  const toFind = numFeasibleNodesToFind(pct, n);
  let start = start0;
  for (const pod of pods) {
    const t = templates[pod];
    const feasible: number[] = [];
    let processed = n;
    for (let k = 0; k < n; k++) {
      const node = (start + k) % n;
      if (!h.fits(pod, node)) continue;
      feasible.push(node);
      if (feasible.length === toFind) {
        processed = k + 1;
        break;
      }
    }
    start = (start + processed) % n;
    let best = -1;
    let bestScore = -1;
    for (const node of feasible) {
      const s = resourcesFitScore(w.cpuAlloc[node], w.cpuFree[node], w.memAlloc[node], w.memFree[node], t.cpuMillis, t.memoryMiB, most);
      if (s > bestScore || (s === bestScore && node < best)) {
        bestScore = s;
        best = node;
      }
    }
    if (best >= 0) h.bind(pod, best);
  }
  return { binds: h.binds, next: start };
}

const podTemplate = fc.record({ cpu: fc.integer({ min: 0, max: 8000 }), mem: fc.integer({ min: 0, max: 32768 }), gpus: fc.integer({ min: 0, max: 8 }) }).map(
  (p): PodTemplate => ({ cpuMillis: p.cpu, memoryMiB: p.mem, gpus: p.gpus, gpuMilli: 1000, gpuModels: [], image: 'i', imageSizeBytes: 0, registryRegion: 'r', startup: 0, priority: 0 }),
);

describe('FreeCapacityIndex', () => {
  it('maxima and next() agree with a scan of the nodes, through random updates', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.array(nodeState, { minLength: 1, maxLength: 40 }), fc.array(fc.tuple(fc.nat(), nodeState), { maxLength: 30 }), fc.array(fc.tuple(fc.nat(), fc.nat(), podTemplate), { minLength: 1, maxLength: 20 }), (n, state, updates, queries) => {
        const w = world(n, state);
        const idx = new FreeCapacityIndex(w, 0, n);
        for (const [at, s] of updates) setNode(w, idx, at % n, s);
        const up = (i: number) => w.nodeReady[i] === 1 && w.nodeCordoned[i] === 0;
        let maxCpu = -1;
        let maxPods = -1;
        for (let i = 0; i < n; i++) {
          if (!up(i)) continue;
          maxCpu = Math.max(maxCpu, w.cpuFree[i]);
          maxPods = Math.max(maxPods, w.podsFree[i]);
        }
        expect(idx.maxCpu).toBe(maxCpu);
        expect(idx.maxPods).toBe(maxPods);
        for (const [a, b, t] of queries) {
          const from = a % (n + 1);
          const to = b % (n + 1);
          let want = -1;
          for (let i = from; i < to; i++) {
            if (up(i) && w.cpuFree[i] >= t.cpuMillis && w.memFree[i] >= t.memoryMiB && w.gpuFree[i] >= t.gpus && w.podsFree[i] >= 1) {
              want = i;
              break;
            }
          }
          expect(idx.next(from, to, t.cpuMillis, t.memoryMiB, t.gpus)).toBe(want);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('RequestClassIndex', () => {
  it("pick() finds what a visit of the nodes in kube-scheduler's rotating order finds, through random updates", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.array(nodeState, { minLength: 1, maxLength: 40 }),
        podTemplate,
        fc.boolean(),
        fc.array(fc.oneof(fc.tuple(fc.constant('update' as const), fc.nat(), nodeState), fc.tuple(fc.constant('pick' as const), fc.nat(), fc.integer({ min: 1, max: 320 }))), { maxLength: 40 }),
        (n, state, t, most, ops) => {
          const w = world(n, state);
          const idx = new FreeCapacityIndex(w, 0, n);
          const score = (node: number) => resourcesFitScore(w.cpuAlloc[node], w.cpuFree[node], w.memAlloc[node], w.memFree[node], t.cpuMillis, t.memoryMiB, most);
          const rc = idx.requestClass(t.cpuMillis, t.memoryMiB, t.gpus, score)!;
          const fits = (i: number) => w.nodeReady[i] === 1 && w.nodeCordoned[i] === 0 && w.cpuFree[i] >= t.cpuMillis && w.memFree[i] >= t.memoryMiB && w.gpuFree[i] >= t.gpus && w.podsFree[i] >= 1;
          for (const op of ops) {
            if (op[0] === 'update') {
              setNode(w, idx, op[1] % n, op[2]);
              continue;
            }
            const start = op[1] % n;
            const toFind = op[2];
            let found = 0;
            let processed = n;
            let best = -1;
            let bestScore = -1;
            for (let k = 0; k < n; k++) {
              const i = (start + k) % n;
              if (!fits(i)) continue;
              const sc = score(i);
              if (sc > bestScore || (sc === bestScore && i < best)) {
                bestScore = sc;
                best = i;
              }
              if (++found === toFind) {
                processed = k + 1;
                break;
              }
            }
            expect(rc.pick(start, toFind)).toBe(best);
            expect(rc.processed).toBe(processed);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('one per request shape, at most MAX_REQUEST_CLASSES per cluster', () => {
    const w = world(10, [[8000, 32768, 4, 50, 0]]);
    const idx = new FreeCapacityIndex(w, 0, 10);
    const zero = () => 0;
    const a = idx.requestClass(1000, 1024, 0, zero);
    expect(idx.requestClass(1000, 1024, 0, zero)).toBe(a);
    for (let k = 1; k < MAX_REQUEST_CLASSES; k++) expect(idx.requestClass(1000 + k, 1024, 0, zero)).not.toBeNull();
    expect(idx.requestClass(5000, 1024, 0, zero)).toBeNull();
    expect(idx.requestClass(1000, 1024, 0, zero)).toBe(a);
  });
});

describe('KubeScheduler: percentageOfNodesToScore sampling', () => {
  const scorers: [NodeScorer, boolean][] = [
    [leastAllocated, false],
    [mostAllocated, true],
  ];
  it('binds exactly as the plain every-node scan from nextStart does (with and without the index)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(40, 150, 260, 700),
        fc.array(nodeState, { minLength: 1, maxLength: 50 }),
        fc.array(podTemplate, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 120 }),
        fc.boolean(),
        fc.constantFrom(0, 100, 30),
        (n, state, templates, picks, most, pct) => {
          const [scorer] = scorers[most ? 1 : 0];
          const s: NodeScorer = pct === 0 ? scorer : { ...scorer, percentageOfNodesToScore: pct };
          const pods = picks.map((p) => p % templates.length);
          // Each pending entry is its own pod id; templates by pod id.
          const podTemplates = pods.map((p) => templates[p]);
          const ids = pods.map((_, i) => i);
          const ref = reference(world(n, state), podTemplates, ids, pct, most, 0);
          for (const [withIndex, classes] of [[true, true], [true, false], [false, false]]) {
            KubeScheduler.useRequestClasses = classes;
            const w = world(n, state);
            const h = host(w, podTemplates, withIndex);
            const ks = new KubeScheduler(w.clusters[0], s);
            // Two cycles, so the second starts where the first stopped.
            const half = ids.length >> 1;
            const queue = (xs: number[]) => [Int32Array.from(xs), xs.length] as const;
            ks.cycle(h, ...queue(ids.slice(0, half)));
            ks.cycle(h, ...queue(ids.slice(half)));
            KubeScheduler.useRequestClasses = true;
            expect(h.binds).toEqual(ref.binds);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('on a 1,000-node cluster it scores only the first 420 feasible nodes from where it stopped', () => {
    // Every node free and identical except node 900, the emptiest (LeastAllocated's favourite).
    const w = world(1000, [[8000, 32768, 4, 50, 0]]);
    w.cpuFree[900] = 16000;
    w.memFree[900] = 65536;
    const t: PodTemplate = { cpuMillis: 1000, memoryMiB: 1024, gpus: 0, gpuMilli: 1000, gpuModels: [], image: 'i', imageSizeBytes: 0, registryRegion: 'r', startup: 0, priority: 0 };
    const h = host(w, [t, t, t], true);
    const ks = new KubeScheduler(w.clusters[0], leastAllocated);
    ks.cycle(h, Int32Array.of(0), 1); // nodes 0..419 checked: node 900 unseen, lowest id of the tie wins
    ks.cycle(h, Int32Array.of(1), 1); // 420..839
    ks.cycle(h, Int32Array.of(2), 1); // 840..259 (wrapping): node 900 is seen and wins
    expect(h.binds.map((b) => b.node)).toEqual([0, 420, 900]);
  });
});
