import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SESSION_CONFIG,
  Statement,
  numFeasibleNodesToFind,
  openSession,
  runSession,
  type JobSpec,
  type NodeSpec,
  type PluginOption,
  type SessionConfig,
  type SessionSnapshot,
  type TaskSpec,
} from '../../src/batch/volcano/index.js';

const GI = 2 ** 30;

function node(name: string, cpu: number, memGi: number, extra: Partial<NodeSpec> = {}): NodeSpec {
  return { name, allocatable: { cpu, memory: memGi * GI, pods: 110, ...(extra.allocatable ?? {}) }, ...extra };
}

function task(name: string, cpu: number, memGi: number, extra: Partial<TaskSpec> = {}): TaskSpec {
  return { name, request: { cpu, memory: memGi * GI }, ...extra };
}

function job(name: string, queue: string, minMember: number, tasks: TaskSpec[], extra: Partial<JobSpec> = {}): JobSpec {
  return { name, namespace: 'ns', queue, minMember, tasks, ...extra };
}

const one = (plugins: PluginOption[], actions: SessionConfig['actions']): SessionConfig => ({ actions, tiers: [plugins] });

const ALLOCATE_TIER: PluginOption[] = [
  { name: 'gang', enabled: ['jobOrder', 'jobReady', 'jobPipelined', 'jobStarving', 'preemptable', 'reclaimable'] },
  { name: 'priority', enabled: ['jobOrder', 'taskOrder', 'preemptable', 'jobStarving'] },
  { name: 'conformance', enabled: ['preemptable', 'reclaimable'] },
  { name: 'proportion', enabled: ['queueOrder', 'allocatable', 'overused', 'reclaimable', 'preemptive', 'jobEnqueued'] },
  { name: 'predicates', enabled: ['predicate'] },
  { name: 'binpack', enabled: ['nodeOrder'] },
];

describe('volcano session: gang and statements', () => {
  it('binds a gang only when minMember tasks fit, all in one session', () => {
    const snap: SessionSnapshot = {
      nodes: [node('n1', 2000, 8), node('n2', 1000, 8)],
      queues: [{ name: 'q' }],
      jobs: [job('g3', 'q', 3, [task('w-0', 1000, 1), task('w-1', 1000, 1), task('w-2', 1000, 1)])],
    };
    expect(runSession(snap, one(ALLOCATE_TIER, ['allocate'])).binds).toHaveLength(3);
    const small = { ...snap, nodes: [node('n1', 2000, 8)] };
    expect(runSession(small, one(ALLOCATE_TIER, ['allocate'])).binds).toEqual([]);
    const min2 = { ...small, jobs: [job('g2', 'q', 2, snap.jobs[0].tasks)] };
    expect(runSession(min2, one(ALLOCATE_TIER, ['allocate'])).binds.map((b) => b.task)).toEqual(['ns/w-0', 'ns/w-1']);
  });

  it('Statement.discard restores tasks, nodes and queue shares exactly', () => {
    const snap: SessionSnapshot = {
      nodes: [node('n1', 4000, 8)],
      queues: [{ name: 'q' }],
      jobs: [
        job('run', 'q', 1, [task('r-0', 1000, 1, { status: 'Running', node: 'n1' })]),
        job('new', 'q', 1, [task('p-0', 1000, 1), task('p-1', 1000, 1)]),
      ],
    };
    const ssn = openSession(snap, one(ALLOCATE_TIER, []));
    const n1 = ssn.nodeByName.get('n1')!;
    const before = { idle: [...n1.idle], used: [...n1.used], releasing: [...n1.releasing], pipelined: [...n1.pipelined] };
    const share0 = ssn.close().queues.q.share;
    const ssn2 = openSession(snap, one(ALLOCATE_TIER, []));
    const m = ssn2.nodeByName.get('n1')!;
    const [p0, p1] = ssn2.jobByUid.get('ns/new')!.tasks;
    const r0 = ssn2.jobByUid.get('ns/run')!.tasks[0];
    const st = new Statement(ssn2);
    st.allocate(p0, m);
    st.pipeline(p1, m);
    st.evict(r0, 'preempt');
    expect(p0.status).toBe('Allocated');
    expect(r0.status).toBe('Releasing');
    st.discard();
    expect([p0.status, p1.status, r0.status]).toEqual(['Pending', 'Pending', 'Running']);
    expect({ idle: [...m.idle], used: [...m.used], releasing: [...m.releasing], pipelined: [...m.pipelined] }).toEqual(before);
    const r = ssn2.close();
    expect(r.binds).toEqual([]);
    expect(r.evictions).toEqual([]);
    expect(r.queues.q.share).toBe(share0);
  });

  it('pipelines onto releasing resources without binding; a kept reservation is not reported', () => {
    const snap: SessionSnapshot = {
      nodes: [node('n1', 2000, 8)],
      queues: [{ name: 'q' }],
      jobs: [
        job('old', 'q', 1, [task('o-0', 2000, 1, { status: 'Releasing', node: 'n1' })]),
        job('new', 'q', 1, [task('p-0', 1000, 1)]),
      ],
    };
    const r = runSession(snap, one(ALLOCATE_TIER, ['allocate']));
    expect(r.binds).toEqual([]);
    expect(r.pipelined).toEqual([]);
  });

  it('keeps PodGroup phases as Volcano computes them at close', () => {
    const snap: SessionSnapshot = {
      nodes: [node('n1', 8000, 32)],
      queues: [{ name: 'q' }],
      jobs: [
        job('pend', 'q', 1, [task('a-0', 1000, 1)], { phase: 'Pending', minResources: { cpu: 1000, memory: GI } }),
        job('huge', 'q', 1, [task('b-0', 1000, 1)], { phase: 'Pending', minResources: { cpu: 100000, memory: GI } }),
        job('runs', 'q', 1, [task('c-0', 1000, 1, { status: 'Running', node: 'n1' })], { phase: 'Running' }),
        job('done', 'q', 1, [task('d-0', 1000, 1, { status: 'Succeeded' })], { phase: 'Running' }),
      ],
    };
    const r = runSession(snap, DEFAULT_SESSION_CONFIG);
    expect(r.podGroupPhases['ns/pend']).toBe('Inqueue'); // enqueued; its pod goes to Binding this cycle
    expect(r.binds.map((b) => b.task)).toEqual(['ns/a-0']);
    expect(r.podGroupPhases['ns/huge']).toBe('Pending'); // overcommit: 100 CPU > 1.2 x 8 CPU
    expect(r.podGroupPhases['ns/runs']).toBe('Running');
    expect(r.podGroupPhases['ns/done']).toBe('Completed');
    expect(r.podGroupConditions['ns/huge'].type).toBe('Unschedulable');
  });

  it("writes the gang condition as Volcano does: gang.go's count, then JobInfo.FitError's histograms and origin reason", () => {
    // Two nodes with room for one 5-CPU task each; the gang needs three at once.
    const tasks = ['g-0', 'g-1', 'g-2'].map((n) => task(n, 5000, 1));
    const r = runSession({ nodes: [node('n1', 8000, 32), node('n2', 8000, 32)], queues: [{ name: 'q' }], jobs: [job('g', 'q', 3, tasks, { phase: 'Inqueue' })] }, DEFAULT_SESSION_CONFIG);
    expect(r.binds).toEqual([]);
    expect(r.podGroupConditions['ns/g']).toEqual({
      type: 'Unschedulable',
      message: '3/3 tasks in gang unschedulable: pod group is not ready, 3 Pending, 3 minAvailable; Pending: 3 Unschedulable. Origin reason is g-2: 0/2 nodes are unavailable: 2 Insufficient cpu.',
    });
  });
});

describe('volcano session: node choice', () => {
  it('breaks equal node scores by snapshot order (documented tie-break)', () => {
    const jobs = [job('j', 'q', 1, [task('t-0', 1000, 1)])];
    const a = runSession({ nodes: [node('a', 4000, 8), node('b', 4000, 8)], queues: [{ name: 'q' }], jobs }, DEFAULT_SESSION_CONFIG);
    const b = runSession({ nodes: [node('b', 4000, 8), node('a', 4000, 8)], queues: [{ name: 'q' }], jobs }, DEFAULT_SESSION_CONFIG);
    expect(a.binds).toEqual([{ task: 'ns/t-0', node: 'a' }]);
    expect(b.binds).toEqual([{ task: 'ns/t-0', node: 'b' }]);
  });

  it('filters on node selector, untolerated taints and cordoned nodes', () => {
    const nodes = [
      node('tainted', 4000, 8, { taints: [{ key: 'gpu', effect: 'NoSchedule' }] }),
      node('cordoned', 4000, 8, { unschedulable: true }),
      node('other', 4000, 8, { labels: { zone: 'b' } }),
      node('ok', 4000, 8, { labels: { zone: 'a' } }),
    ];
    const jobs = [
      job('sel', 'q', 1, [task('s-0', 1000, 1, { nodeSelector: { zone: 'a' } })]),
      job('tol', 'q', 1, [task('t-0', 1000, 1, { nodeSelector: { zone: 'x' }, tolerations: [{ key: 'gpu', operator: 'Exists' }] })]),
    ];
    const r = runSession({ nodes, queues: [{ name: 'q' }], jobs }, one(ALLOCATE_TIER, ['allocate']));
    expect(r.binds).toEqual([{ task: 'ns/s-0', node: 'ok' }]);
    const r2 = runSession({ nodes, queues: [{ name: 'q' }], jobs: [job('tol', 'q', 1, [task('t-0', 1000, 1, { tolerations: [{ key: 'gpu', operator: 'Exists' }] })])] }, one(ALLOCATE_TIER, ['allocate']));
    expect(r2.binds[0].node).not.toBe('cordoned');
  });

  it('filters on required node affinity: terms ORed, matchExpressions on labels, matchFields on the node name, an empty term matching nothing', () => {
    const nodes = [node('n1', 4000, 8, { labels: { zone: 'a' } }), node('n2', 4000, 8, { labels: { zone: 'b' } }), node('n3', 4000, 8, { labels: { zone: 'c' } })];
    const term = (zones: string[], name?: string) => ({
      matchExpressions: zones.length ? [{ key: 'zone', operator: 'In', values: zones }] : [],
      matchFields: name ? [{ key: 'metadata.name', operator: 'In', values: [name] }] : [],
    });
    const placed = (terms: ReturnType<typeof term>[]) =>
      runSession({ nodes, queues: [{ name: 'q' }], jobs: [job('j', 'q', 3, [0, 1, 2].map((i) => task(`t-${i}`, 3000, 1, { nodeSelectorTerms: terms })))] }, one(ALLOCATE_TIER, ['allocate']))
        .binds.map((b) => b.node)
        .sort();
    // min 3 tasks: the gang binds only when each task has its own allowed node.
    expect(placed([term(['b', 'c']), term([], 'n1')])).toEqual(['n1', 'n2', 'n3']);
    expect(placed([term(['b', 'c'])])).toEqual([]);
    expect(placed([term([]), term(['a', 'b', 'c'])])).toEqual(['n1', 'n2', 'n3']);
    expect(placed([term([])])).toEqual([]);
  });

  it('treats nvidia.com/gpu as a counted whole-unit resource', () => {
    const nodes = [node('g1', 16000, 64, { allocatable: { cpu: 16000, memory: 64 * GI, pods: 110, 'nvidia.com/gpu': 1 } })];
    const tasks = [0, 1].map((i) => task(`w-${i}`, 1000, 1, { request: { cpu: 1000, memory: GI, 'nvidia.com/gpu': 1 } }));
    const r = runSession({ nodes, queues: [{ name: 'q' }], jobs: [job('j', 'q', 1, tasks)] }, one(ALLOCATE_TIER, ['allocate']));
    expect(r.binds).toEqual([{ task: 'ns/w-0', node: 'g1' }]);
  });

  it('sizes the predicate scan like Volcano and rotates its start', () => {
    expect(numFeasibleNodesToFind(50)).toBe(50);
    expect(numFeasibleNodesToFind(100)).toBe(100);
    expect(numFeasibleNodesToFind(1000)).toBe(420);
    expect(numFeasibleNodesToFind(5000)).toBe(500);
    const nodes = Array.from({ length: 300 }, (_, i) => node(`n${String(i).padStart(3, '0')}`, 4000, 8));
    const r = runSession({ nodes, queues: [{ name: 'q' }], jobs: [job('j', 'q', 1, [task('t-0', 1000, 1)])] }, one(ALLOCATE_TIER, ['allocate']));
    // 300 nodes: 50 - 2 = 48% -> 144 feasible nodes are enough; the scan stops there.
    expect(r.nextNodeScanStart).toBe(144);
  });
});

describe('volcano session: reclaim and preempt', () => {
  const RECLAIM_TIER: PluginOption[] = [
    { name: 'conformance', enabled: ['reclaimable'] },
    { name: 'gang', enabled: ['reclaimable', 'jobStarving'] },
    { name: 'proportion', enabled: ['reclaimable', 'queueOrder', 'preemptive'] },
  ];

  it('takes victims from the queue that sorts last (lower queue priority first)', () => {
    const snap: SessionSnapshot = {
      nodes: [node('n1', 4000, 4, { allocatable: { cpu: 4000, memory: 4 * GI, pods: 10 } })],
      queues: [
        { name: 'q1', priority: 5 },
        { name: 'q2', priority: 10 },
        { name: 'q3', priority: 1 },
      ],
      jobs: [
        job('pg1', 'q1', 1, [task('a-1', 1000, 0.9, { status: 'Running', node: 'n1' }), task('a-2', 1000, 0.9, { status: 'Running', node: 'n1', preemptable: false })]),
        job('pg2', 'q2', 1, [task('b-1', 1000, 0.9, { status: 'Running', node: 'n1' }), task('b-2', 1000, 0.9, { status: 'Running', node: 'n1', preemptable: false })]),
        job('pg3', 'q3', 1, [task('c-1', 1000, 0.9)]),
      ],
    };
    const r = runSession(snap, one(RECLAIM_TIER, ['reclaim']));
    expect(r.evictions.map((e) => e.task)).toEqual(['ns/a-1']);
    expect(r.pipelined).toEqual([{ task: 'ns/c-1', node: 'n1' }]);
  });

  it('only evicts on the node where the reclaimer then fits', () => {
    const snap: SessionSnapshot = {
      nodes: [node('n1', 1000, 1), node('n2', 3000, 3)],
      queues: [{ name: 'q1' }, { name: 'q2' }],
      jobs: [
        job('victims', 'q1', 0, [task('v-n1', 1000, 1, { status: 'Running', node: 'n1' }), task('v-n2', 2000, 2, { status: 'Running', node: 'n2' })]),
        job('pre', 'q2', 1, [task('p', 2000, 2)]),
      ],
    };
    const r = runSession(snap, one(RECLAIM_TIER, ['reclaim']));
    expect(r.evictions.map((e) => e.task)).toEqual(['ns/v-n2']);
  });

  it('capacity: a closed queue cannot reclaim; an open one borrows up to its capability', () => {
    const tier: PluginOption[] = [
      { name: 'conformance', enabled: ['reclaimable'] },
      { name: 'gang', enabled: ['reclaimable', 'jobStarving', 'jobReady'] },
      { name: 'capacity', enabled: ['reclaimable', 'queueOrder', 'preemptive', 'allocatable'] },
    ];
    const snap: SessionSnapshot = {
      nodes: [node('n1', 3000, 3)],
      queues: [{ name: 'q1', deserved: { cpu: 1000, memory: GI } }, { name: 'q2', state: 'Closed', deserved: { cpu: 2000, memory: 2 * GI } }],
      jobs: [
        job('pg1', 'q1', 1, [0, 1, 2].map((i) => task(`r-${i}`, 1000, 0.5, { status: 'Running', node: 'n1' }))),
        job('pg2', 'q2', 1, [task('p', 1000, 0.5)]),
      ],
    };
    expect(runSession(snap, one(tier, ['reclaim'])).evictions).toEqual([]);
    const open = { ...snap, queues: [snap.queues[0], { ...snap.queues[1], state: 'Open' as const }] };
    expect(runSession(open, one(tier, ['reclaim'])).evictions).toHaveLength(1);
    const borrow: SessionSnapshot = {
      nodes: [node('n1', 8000, 8)],
      queues: [{ name: 'q1', deserved: { cpu: 1000, memory: GI }, capability: { cpu: 3000, memory: 8 * GI } }],
      jobs: [job('pg1', 'q1', 1, [0, 1, 2, 3].map((i) => task(`t-${i}`, 1000, 0.5)))],
    };
    expect(runSession(borrow, one(tier, ['allocate'])).binds).toHaveLength(3);
  });

  it('a BestEffort preemptor never evicts a pod with requests', () => {
    const tier: PluginOption[] = [
      { name: 'conformance', enabled: ['preemptable'] },
      { name: 'gang', enabled: ['preemptable', 'jobPipelined', 'jobStarving'] },
      { name: 'priority', enabled: ['taskOrder', 'jobOrder', 'preemptable', 'jobStarving'] },
    ];
    const snap: SessionSnapshot = {
      nodes: [node('n1', 4000, 8, { allocatable: { cpu: 4000, memory: 8 * GI, pods: 1 } })],
      queues: [{ name: 'q' }],
      jobs: [
        job('low', 'q', 0, [task('v', 1000, 1, { status: 'Running', node: 'n1' })], { priority: 1 }),
        job('high', 'q', 1, [{ name: 'be', request: {} }], { priority: 100 }),
      ],
    };
    expect(runSession(snap, one(tier, ['preempt'])).evictions).toEqual([]);
  });
});

describe('volcano session: proportion', () => {
  it('reproduces that guarantees can push Σ deserved above the cluster (8 + 2 + 2 of 10 CPU)', () => {
    const many = (p: string) => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => task(`${p}-${i}`, 1000, 0.1));
    const snap: SessionSnapshot = {
      nodes: [node('n1', 10000, 100)],
      queues: [{ name: 'a', guarantee: { cpu: 8000 } }, { name: 'b' }, { name: 'c' }],
      jobs: [job('ja', 'a', 1, many('a')), job('jb', 'b', 1, many('b')), job('jc', 'c', 1, many('c'))],
    };
    const r = runSession(snap, one([{ name: 'proportion' }], []));
    expect([r.queues.a.deserved.cpu, r.queues.b.deserved.cpu, r.queues.c.deserved.cpu]).toEqual([8000, 2000, 2000]);
  });

  it('backfill places BestEffort pods and binds them once the job is ready', () => {
    const snap: SessionSnapshot = {
      nodes: [node('n1', 1000, 1)],
      queues: [{ name: 'q' }],
      jobs: [job('be', 'q', 2, [{ name: 'x-0', request: {} }, { name: 'x-1', request: {} }])],
    };
    const r = runSession(snap, DEFAULT_SESSION_CONFIG);
    expect(r.binds.map((b) => b.task).sort()).toEqual(['ns/x-0', 'ns/x-1']);
  });
});

describe('volcano session: GPU sharing (deviceshare)', () => {
  const share: PluginOption[] = [
    { name: 'gang', enabled: ['jobReady', 'jobPipelined'] },
    { name: 'predicates', enabled: ['predicate'] },
    { name: 'deviceshare', enabled: ['predicate'], arguments: { 'deviceshare.GPUSharingEnable': true, 'deviceshare.GPUNumberEnable': true } },
  ];
  const gpuNode = (name: string) =>
    node(name, 32000, 64, { allocatable: { cpu: 32000, memory: 64 * GI, pods: 110, 'volcano.sh/gpu-number': 2, 'volcano.sh/gpu-memory': 32000 } });
  const mem = (name: string, mib: number, extra: Partial<TaskSpec> = {}): TaskSpec => ({ name, request: { cpu: 100, 'volcano.sh/gpu-memory': mib }, ...extra });

  it('packs memory slices first-fit on one card and refuses a slice no single card can hold', () => {
    const snap: SessionSnapshot = {
      nodes: [gpuNode('g')],
      queues: [{ name: 'q' }],
      jobs: [job('j', 'q', 1, [mem('a-0', 10000), mem('a-1', 10000), mem('a-2', 10000), mem('a-3', 10000)])],
    };
    const r = runSession(snap, one(share, ['allocate']));
    // 2 cards x 16000 MiB: a-0 and a-1 land on card 0 and 1 (a-1 no longer fits card 0), a-2 and a-3 fit nowhere.
    expect(r.binds).toEqual([
      { task: 'ns/a-0', node: 'g', gpuIndex: [0] },
      { task: 'ns/a-1', node: 'g', gpuIndex: [1] },
    ]);
    const big = { ...snap, jobs: [job('j', 'q', 1, [mem('b-0', 20000)])] };
    expect(runSession(big, one(share, ['allocate'])).binds).toEqual([]);
    const off = one([share[0], share[1], { name: 'deviceshare', enabled: ['predicate'] }], ['allocate']);
    expect(runSession(big, off).binds).toHaveLength(1); // modes are off by default, as in Volcano
  });

  it('gives whole idle cards by number, honouring cards already held by running pods', () => {
    const snap: SessionSnapshot = {
      nodes: [gpuNode('g')],
      queues: [{ name: 'q' }],
      jobs: [
        job('old', 'q', 1, [mem('o-0', 1000, { status: 'Running', node: 'g', gpuIndex: [1] })]),
        job('new', 'q', 1, [{ name: 'w-0', request: { cpu: 100, 'volcano.sh/gpu-number': 1 } }, { name: 'w-1', request: { cpu: 100, 'volcano.sh/gpu-number': 1 } }]),
      ],
    };
    const r = runSession(snap, one(share, ['allocate']));
    expect(r.binds).toEqual([{ task: 'ns/w-0', node: 'g', gpuIndex: [0] }]);
  });
});

describe('volcano session: v1.5.1 compatibility (what Kurator installs)', () => {
  it('allocate stops a job at its first predicate failure (no NeedContinueAllocating)', () => {
    const snap: SessionSnapshot = {
      nodes: [node('m', 1000, 2, { labels: { role: 'master' } }), node('w', 1000, 2, { labels: { role: 'worker' } })],
      queues: [{ name: 'q' }],
      jobs: [
        job('pg', 'q', 2, [
          task('p0', 1000, 0.5, { role: 'master', nodeSelector: { role: 'master' } }),
          task('p1', 1000, 0.5, { role: 'master', nodeSelector: { role: 'master' } }),
          task('p2', 1000, 0.5, { role: 'worker', nodeSelector: { role: 'worker' } }),
        ], { minTaskMember: { master: 1, worker: 1 } }),
      ],
    };
    const master = runSession(snap, one(ALLOCATE_TIER, ['allocate']));
    expect(master.binds.map((b) => b.task)).toEqual(['ns/p0', 'ns/p2']);
    const v151 = runSession(snap, { ...one(ALLOCATE_TIER, ['allocate']), version: 'v1.5.1' });
    expect(v151.binds).toEqual([]);
  });

  it('proportion floors the guarantee after the met check and lets remaining go negative', () => {
    const many = (p: string) => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => task(`${p}-${i}`, 1000, 0.1));
    const snap: SessionSnapshot = {
      nodes: [node('n1', 10000, 100)],
      queues: [{ name: 'a', guarantee: { cpu: 8000 } }, { name: 'b' }, { name: 'c' }],
      jobs: [job('ja', 'a', 1, many('a')), job('jb', 'b', 1, many('b')), job('jc', 'c', 1, many('c'))],
    };
    const r = runSession(snap, { actions: [], tiers: [[{ name: 'proportion' }]], version: 'v1.5.1' });
    expect(r.queues.a.deserved.cpu).toBe(8000);
    expect(r.queues.b.deserved.cpu).toBeCloseTo(1000, 6);
    expect(r.queues.c.deserved.cpu).toBeCloseTo(1000, 6);
  });

  it('skips Pending PodGroups in allocate even without enqueue', () => {
    const snap: SessionSnapshot = {
      nodes: [node('n1', 4000, 8)],
      queues: [{ name: 'q' }],
      jobs: [job('p', 'q', 1, [task('t-0', 1000, 1)], { phase: 'Pending' })],
    };
    expect(runSession(snap, one(ALLOCATE_TIER, ['allocate'])).binds).toHaveLength(1);
    expect(runSession(snap, { ...one(ALLOCATE_TIER, ['allocate']), version: 'v1.5.1' }).binds).toHaveLength(0);
  });
});

describe('volcano session: configuration', () => {
  const snap: SessionSnapshot = { nodes: [node('n1', 4000, 8)], queues: [{ name: 'q' }], jobs: [job('j', 'q', 1, [task('t-0', 1000, 1)])] };

  it('accepts Volcano flags it does not model, rejects typos and unknown plugins or actions', () => {
    expect(runSession(snap, one([{ name: 'drf', enabled: ['jobOrder', 'namespaceOrder'] }], ['allocate'])).binds).toHaveLength(1);
    expect(() => runSession(snap, one([{ name: 'drf', enabled: ['jobOrdr'] }], ['allocate']))).toThrow(/unknown extension point 'jobOrdr'/);
    expect(() => runSession(snap, one([{ name: 'nope' }], ['allocate']))).toThrow(/unknown plugin 'nope'/);
    expect(() => runSession(snap, { actions: ['shuffle' as never], tiers: [] })).toThrow(/unknown action 'shuffle'/);
    expect(() => runSession(snap, { actions: [], tiers: [[{ name: 'proportion' }, { name: 'capacity' }]] })).toThrow(/cannot be enabled together/);
  });

  it('disables only the listed extension points when `disabled` is given', () => {
    // gang's jobReady off: a 2-member gang with one placeable task still binds it.
    const two = { ...snap, jobs: [job('j', 'q', 2, [task('t-0', 1000, 1), task('t-1', 9000, 1)])] };
    expect(runSession(two, one([{ name: 'gang' }], ['allocate'])).binds).toEqual([]);
    expect(runSession(two, one([{ name: 'gang', disabled: ['jobReady'] }], ['allocate'])).binds).toHaveLength(1);
  });
});
