import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_SESSION_CONFIG,
  runSession,
  type JobSpec,
  type NodeSpec,
  type PluginOption,
  type QueueSpec,
  type SessionConfig,
  type SessionResult,
  type SessionSnapshot,
  type TaskSpec,
} from '../../src/batch/volcano/index.js';

const GI = 2 ** 30;
const DIMS = ['cpu', 'memory', 'nvidia.com/gpu'] as const;
const EPS: Record<string, number> = { cpu: 0.1, memory: 0.1, pods: 0.1, 'nvidia.com/gpu': 1e-4 };

/**
 * Random snapshots that are consistent on their own: running pods fit their node, queues start
 * within their capability. Sizes stay small so each property runs in well under a second.
 */
const snapshotArb: fc.Arbitrary<SessionSnapshot> = fc
  .record({
    nodes: fc.array(
      fc.record({ cpu: fc.integer({ min: 1, max: 4 }), mem: fc.integer({ min: 1, max: 8 }), gpu: fc.integer({ min: 0, max: 4 }), pods: fc.integer({ min: 1, max: 6 }) }),
      { minLength: 1, maxLength: 3 },
    ),
    queues: fc.array(
      fc.record({ weight: fc.integer({ min: 0, max: 3 }), priority: fc.integer({ min: 0, max: 2 }), cap: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }) }),
      { minLength: 1, maxLength: 3 },
    ),
    jobs: fc.array(
      fc.record({
        queue: fc.nat(),
        minMember: fc.integer({ min: 0, max: 4 }),
        priority: fc.integer({ min: 0, max: 3 }),
        pending: fc.boolean(),
        tasks: fc.array(
          fc.record({
            cpu: fc.integer({ min: 0, max: 3 }),
            mem: fc.integer({ min: 0, max: 4 }),
            gpu: fc.integer({ min: 0, max: 2 }),
            running: fc.option(fc.nat(), { nil: undefined }),
            preemptable: fc.boolean(),
            priority: fc.integer({ min: 0, max: 2 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  })
  .map(({ nodes, queues, jobs }) => {
    const nodeSpecs: NodeSpec[] = nodes.map((n, i) => ({
      name: `n${i}`,
      allocatable: { cpu: n.cpu * 1000, memory: n.mem * GI, pods: n.pods, 'nvidia.com/gpu': n.gpu },
    }));
    const free = nodeSpecs.map((n) => ({ ...n.allocatable }) as Record<string, number>);
    const queueSpecs: QueueSpec[] = queues.map((q, i) => ({
      name: `q${i}`,
      weight: q.weight,
      priority: q.priority,
      ...(q.cap !== undefined ? { capability: { cpu: q.cap * 1000 } } : {}),
    }));
    const used = queueSpecs.map(() => 0);
    const jobSpecs: JobSpec[] = jobs.map((j, ji) => {
      const qi = j.queue % queueSpecs.length;
      const tasks: TaskSpec[] = j.tasks.map((t, ti) => {
        const request: Record<string, number> = {};
        if (t.cpu) request.cpu = t.cpu * 500;
        if (t.mem) request.memory = t.mem * GI;
        if (t.gpu) request['nvidia.com/gpu'] = t.gpu;
        const spec: TaskSpec = { name: `t${ji}-${ti}`, request, preemptable: t.preemptable, priority: t.priority };
        if (t.running !== undefined && !j.pending) {
          const ni = t.running % nodeSpecs.length;
          const f = free[ni];
          const cap = queueSpecs[qi].capability?.cpu ?? Infinity;
          const fits = DIMS.every((d) => (request[d] ?? 0) <= f[d]) && f.pods >= 1 && used[qi] + (request.cpu ?? 0) <= cap;
          if (fits) {
            for (const d of DIMS) f[d] -= request[d] ?? 0;
            f.pods -= 1;
            used[qi] += request.cpu ?? 0;
            return { ...spec, status: 'Running', node: nodeSpecs[ni].name };
          }
        }
        return spec;
      });
      return {
        name: `pg${ji}`,
        namespace: 'ns',
        queue: queueSpecs[qi].name,
        minMember: j.minMember,
        priority: j.priority,
        phase: j.pending ? 'Pending' : 'Inqueue',
        tasks,
      };
    });
    return { nodes: nodeSpecs, queues: queueSpecs, jobs: jobSpecs };
  });

/**
 * Contended snapshots: full nodes running low-priority gangs, and pending higher-priority gangs
 * in the same or another queue, so that preempt and reclaim have work to do.
 */
const contendedArb: fc.Arbitrary<SessionSnapshot> = fc
  .record({
    nodes: fc.integer({ min: 1, max: 3 }),
    perNode: fc.integer({ min: 1, max: 4 }),
    lowMin: fc.integer({ min: 0, max: 2 }),
    lowJobs: fc.integer({ min: 1, max: 3 }),
    highMin: fc.integer({ min: 1, max: 3 }),
    highTasks: fc.integer({ min: 1, max: 4 }),
    highSize: fc.integer({ min: 1, max: 3 }),
    sameQueue: fc.boolean(),
    weights: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    preemptable: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  })
  .map((c) => {
    const nodes: NodeSpec[] = Array.from({ length: c.nodes }, (_, i) => ({
      name: `n${i}`,
      allocatable: { cpu: c.perNode * 1000, memory: c.perNode * GI, pods: 10 },
    }));
    const queues: QueueSpec[] = [
      { name: 'low', weight: c.weights[0] },
      { name: 'high', weight: c.weights[1] },
    ];
    const lows: TaskSpec[][] = Array.from({ length: c.lowJobs }, () => []);
    let k = 0;
    for (const n of nodes) {
      for (let i = 0; i < c.perNode; i++, k++) {
        lows[k % c.lowJobs].push({
          name: `low-${k}`,
          request: { cpu: 1000, memory: GI },
          status: 'Running',
          node: n.name,
          preemptable: c.preemptable[k % 12],
        });
      }
    }
    const jobs: JobSpec[] = lows.map((tasks, i) => ({ name: `low${i}`, namespace: 'ns', queue: 'low', minMember: c.lowMin, priority: 0, tasks }));
    jobs.push({
      name: 'high',
      namespace: 'ns',
      queue: c.sameQueue ? 'low' : 'high',
      minMember: Math.min(c.highMin, c.highTasks),
      priority: 10,
      tasks: Array.from({ length: c.highTasks }, (_, i) => {
        const size = Math.min(c.highSize, c.perNode);
        return { name: `high-${i}`, request: { cpu: size * 1000, memory: size * GI } };
      }),
    });
    return { nodes, queues, jobs };
  });

const anySnapshotArb = fc.oneof(snapshotArb, contendedArb);

const ALL_ACTIONS = ['enqueue', 'allocate', 'backfill', 'reclaim', 'preempt'] as const;
const actionsArb = fc.subarray([...ALL_ACTIONS], { minLength: 1 });

/** Every plugin and every extension point on, all victim filters in the gang's tier. */
const ONE_TIER: PluginOption[] = [
  { name: 'priority' },
  { name: 'gang' },
  { name: 'conformance' },
  { name: 'drf' },
  { name: 'predicates' },
  { name: 'proportion' },
  { name: 'nodeorder' },
  { name: 'binpack' },
];
const configArb: fc.Arbitrary<SessionConfig> = fc.tuple(actionsArb, fc.boolean()).map(([actions, helm]) =>
  helm ? { ...DEFAULT_SESSION_CONFIG, actions } : { actions, tiers: [ONE_TIER] },
);

function requestOf(t: TaskSpec): Record<string, number> {
  return { ...(t.request ?? {}), pods: 1 };
}

function tasksByKey(s: SessionSnapshot): Map<string, { job: JobSpec; task: TaskSpec }> {
  const m = new Map<string, { job: JobSpec; task: TaskSpec }>();
  for (const job of s.jobs) for (const task of job.tasks) m.set(`${job.namespace}/${task.name}`, { job, task });
  return m;
}

/** How many of `list`'s tasks each job has, by job name. */
function perJob(s: SessionSnapshot, list: readonly { task: string }[]): Map<string, number> {
  const tasks = tasksByKey(s);
  const byJob = new Map<string, number>();
  for (const x of list) {
    const { job } = tasks.get(x.task)!;
    byJob.set(job.name, (byJob.get(job.name) ?? 0) + 1);
  }
  return byJob;
}

const READY = new Set(['Running', 'Bound', 'Binding', 'Allocated', 'Succeeded']);
const isBestEffort = (t: TaskSpec) => DIMS.every((d) => !(t.request?.[d] ?? 0));

/**
 * fast-check's counterexample to the first version of the gang-eviction property (which counted
 * only the pods ready before the session): pg0 (minMember 1) runs t0-0 on n0; backfill binds its
 * best-effort t0-1 to n1, so pg0 has 2 ready pods, and the higher-priority pg1 may preempt t0-0.
 */
const BACKFILLED_GANG: SessionSnapshot = {
  nodes: [
    { name: 'n0', allocatable: { cpu: 1000, memory: GI, pods: 1, 'nvidia.com/gpu': 0 } },
    { name: 'n1', allocatable: { cpu: 1000, memory: GI, pods: 1, 'nvidia.com/gpu': 0 } },
  ],
  queues: [{ name: 'q0', weight: 1, priority: 0 }],
  jobs: [
    {
      name: 'pg0', namespace: 'ns', queue: 'q0', minMember: 1, priority: 0, phase: 'Inqueue',
      tasks: [
        { name: 't0-0', request: {}, preemptable: true, priority: 0, status: 'Running', node: 'n0' },
        { name: 't0-1', request: {}, preemptable: false, priority: 0 },
      ],
    },
    { name: 'pg1', namespace: 'ns', queue: 'q0', minMember: 1, priority: 1, phase: 'Inqueue', tasks: [{ name: 't1-0', request: { cpu: 500 }, preemptable: false, priority: 0 }] },
    { name: 'pg2', namespace: 'ns', queue: 'q0', minMember: 0, priority: 0, phase: 'Inqueue', tasks: [{ name: 't2-0', request: { memory: GI }, preemptable: false, priority: 0 }] },
  ],
};

describe('volcano session properties', () => {
  it('a job gets binds only if they bring it to minMember (gang all-or-nothing)', () => {
    fc.assert(
      fc.property(anySnapshotArb, configArb, (snap, config) => {
        const r = runSession(snap, config);
        const byJob = perJob(snap, r.binds);
        for (const job of snap.jobs) {
          const bound = byJob.get(job.name) ?? 0;
          if (bound === 0) continue;
          const ready = job.tasks.filter((t) => READY.has(t.status ?? 'Pending')).length;
          const pendingBE = job.tasks.filter((t) => (t.status ?? 'Pending') === 'Pending' && isBestEffort(t)).length;
          expect(ready + bound + pendingBE).toBeGreaterThanOrEqual(job.minMember ?? 0);
        }
      }),
      { numRuns: 150 },
    );
  });

  // The gang plugin counts a job's ready tasks as Volcano does (spec §4: Bound, Binding, Running,
  // Allocated, Succeeded), so a task an earlier action of the same session placed (backfill binds a
  // best-effort pod) counts too: with it, one of the job's running pods may go, and the job still
  // keeps minMember pods. What must hold at the end: ready before, plus bound now, minus evicted.
  it('with gang among the victim filters, evictions never take a running gang below minMember', () => {
    fc.assert(
      fc.property(anySnapshotArb, actionsArb, (snap, actions) => {
        const r = runSession(snap, { actions, tiers: [ONE_TIER] });
        const evicted = perJob(snap, r.evictions);
        const bound = perJob(snap, r.binds);
        for (const job of snap.jobs) {
          const n = evicted.get(job.name) ?? 0;
          if (n === 0) continue;
          const ready = job.tasks.filter((t) => READY.has(t.status ?? 'Pending')).length;
          expect(ready + (bound.get(job.name) ?? 0) - n).toBeGreaterThanOrEqual(job.minMember ?? 0);
        }
      }),
      { numRuns: 150, examples: [[BACKFILLED_GANG, ['backfill', 'preempt']]] },
    );
  });

  it('a pod backfilled earlier in the session counts toward its gang, so the running one may be preempted', () => {
    const r = runSession(BACKFILLED_GANG, { actions: ['backfill', 'preempt'], tiers: [ONE_TIER] });
    expect(r.binds).toEqual([{ task: 'ns/t0-1', node: 'n1' }]);
    expect(r.evictions.map((e) => e.task)).toEqual(['ns/t0-0']);
    expect(r.pipelined).toEqual([{ task: 'ns/t1-0', node: 'n0' }]);
  });

  it('never overcommits a node: running pods plus binds fit every dimension', () => {
    fc.assert(
      fc.property(anySnapshotArb, configArb, (snap, config) => {
        const r = runSession(snap, config);
        const tasks = tasksByKey(snap);
        for (const n of snap.nodes) {
          const sum: Record<string, number> = {};
          const addReq = (t: TaskSpec) => {
            for (const [k, v] of Object.entries(requestOf(t))) sum[k] = (sum[k] ?? 0) + v;
          };
          for (const job of snap.jobs) for (const t of job.tasks) if (t.node === n.name && t.status === 'Running') addReq(t);
          for (const b of r.binds) if (b.node === n.name) addReq(tasks.get(b.task)!.task);
          for (const [k, v] of Object.entries(sum)) expect(v).toBeLessThanOrEqual((n.allocatable[k] ?? 0) + EPS[k]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('never takes a queue beyond its capability', () => {
    fc.assert(
      fc.property(anySnapshotArb, configArb, (snap, config) => {
        const r = runSession(snap, config);
        const tasks = tasksByKey(snap);
        for (const q of snap.queues) {
          if (!q.capability) continue;
          let cpu = 0;
          for (const job of snap.jobs) {
            if (job.queue !== q.name) continue;
            for (const t of job.tasks) if (t.status === 'Running') cpu += t.request?.cpu ?? 0;
          }
          for (const e of r.evictions) {
            const { job, task } = tasks.get(e.task)!;
            if (job.queue === q.name) cpu -= task.request?.cpu ?? 0;
          }
          for (const b of r.binds) {
            const { job, task } = tasks.get(b.task)!;
            if (job.queue === q.name) cpu += task.request?.cpu ?? 0;
          }
          expect(cpu).toBeLessThanOrEqual(q.capability.cpu + EPS.cpu);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('without guarantees, Σ deserved never exceeds the cluster', () => {
    fc.assert(
      fc.property(anySnapshotArb, (snap) => {
        const r = runSession(snap, { actions: [], tiers: [[{ name: 'proportion' }]] });
        const total: Record<string, number> = {};
        for (const n of snap.nodes) for (const [k, v] of Object.entries(n.allocatable)) total[k] = (total[k] ?? 0) + v;
        const sum: Record<string, number> = {};
        for (const q of Object.values(r.queues)) for (const [k, v] of Object.entries(q.deserved)) sum[k] = (sum[k] ?? 0) + v;
        for (const [k, v] of Object.entries(sum)) expect(v).toBeLessThanOrEqual((total[k] ?? 0) * (1 + 1e-12) + EPS[k]);
      }),
      { numRuns: 200 },
    );
  });

  it('exercises binds, gang binds and evictions (the properties above are not vacuous)', () => {
    let binds = 0;
    let gangBinds = 0;
    let evictions = 0;
    for (const [snap, actions] of fc.sample(fc.tuple(anySnapshotArb, actionsArb), { numRuns: 300, seed: 7 })) {
      const r = runSession(snap, { actions, tiers: [ONE_TIER] });
      if (r.binds.length > 0) binds++;
      if (r.evictions.length > 0) evictions++;
      const tasks = tasksByKey(snap);
      if (r.binds.some((b) => (tasks.get(b.task)!.job.minMember ?? 0) > 1)) gangBinds++;
    }
    expect(binds).toBeGreaterThan(25);
    expect(gangBinds).toBeGreaterThan(5);
    expect(evictions).toBeGreaterThan(15);
  });

  it('is deterministic and leaves its input untouched', () => {
    fc.assert(
      fc.property(anySnapshotArb, configArb, (snap, config) => {
        const before = JSON.stringify(snap);
        const a: SessionResult = runSession(snap, config);
        const b: SessionResult = runSession(JSON.parse(before), config);
        expect(JSON.stringify(a)).toBe(JSON.stringify(b));
        expect(JSON.stringify(snap)).toBe(before);
      }),
      { numRuns: 100 },
    );
  });
});
