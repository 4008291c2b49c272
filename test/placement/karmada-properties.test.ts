import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fnv1a32 } from '../../src/placement/karmada/webster.js';
import {
  allocateWebsterSeats,
  assignByStrategy,
  assignReplicas,
  defaultFilterPlugins,
  runFilterPlugins,
  scheduleBinding,
  tieBreakerByUID,
  type Cluster,
  type ClusterDetailInfo,
  type Placement,
  type ResourceBindingSpec,
  type TargetCluster,
} from '../../src/placement/karmada/index.js';

const RUNS = { numRuns: 300 };

const names = (n: number) => Array.from({ length: n }, (_, i) => `member${i + 1}`);

function candidate(name: string, allocatable = 0, held = 0): ClusterDetailInfo {
  return { name, cluster: { name }, score: 0, allocatableReplicas: allocatable, availableReplicas: allocatable + held, overflowOrder: 0 };
}

function sum(ts: ReadonlyArray<TargetCluster>): number {
  return ts.reduce((s, t) => s + t.replicas, 0);
}

function byName(ts: ReadonlyArray<TargetCluster>): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of ts) m.set(t.name, (m.get(t.name) ?? 0) + t.replicas);
  return m;
}

const divided = (preference: 'Weighted' | 'Aggregated', dynamic: boolean): Placement => ({
  replicaScheduling: {
    replicaSchedulingType: 'Divided',
    replicaDivisionPreference: preference,
    ...(dynamic ? { weightPreference: { dynamicWeight: 'AvailableReplicas' } } : {}),
  },
});

const dynamicStrategy = fc.constantFrom<'Weighted' | 'Aggregated'>('Weighted', 'Aggregated');

describe('Webster', () => {
  it('is house-monotone: one more seat never takes a seat away and adds exactly one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 8 }),
        fc.integer({ min: 0, max: 60 }),
        fc.constantFrom('', 'd43fdeeb-d750-4e2b-bee3-64eb94534f4c', '4858ca61-3ff8-4095-8267-f3d059d8074c'),
        (weights, init, n, uid) => {
          const votes = Object.fromEntries(weights.map((w, i) => [`c${i}`, w]));
          const initial = Object.fromEntries(init.map((s, i) => [`c${i}`, s]));
          const tb = tieBreakerByUID(uid);
          const a = allocateWebsterSeats(n, votes, initial, tb);
          const b = allocateWebsterSeats(n + 1, votes, initial, tb);
          expect(b.map((p) => p.name)).toEqual(a.map((p) => p.name));
          let diff = 0;
          a.forEach((p, i) => {
            expect(b[i].seats).toBeGreaterThanOrEqual(p.seats);
            diff += b[i].seats - p.seats;
          });
          expect(diff).toBe(1);
        },
      ),
      RUNS,
    );
  });

  it('does not depend on the order in which votes are listed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 40 }), (weights, n) => {
        const entries = weights.map((w, i) => [`c${i}`, w] as [string, number]);
        const fwd = allocateWebsterSeats(n, new Map(entries));
        const rev = allocateWebsterSeats(n, new Map([...entries].reverse()));
        expect(rev).toEqual(fwd);
      }),
      RUNS,
    );
  });

  it('never gives a seat to a zero-vote party while another has votes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 2, maxLength: 6 }), fc.integer({ min: 0, max: 30 }), (weights, n) => {
        fc.pre(weights.some((w) => w > 0));
        const r = allocateWebsterSeats(n, Object.fromEntries(weights.map((w, i) => [`c${i}`, w])));
        for (const p of r) if (p.votes === 0) expect(p.seats).toBe(0);
      }),
      RUNS,
    );
  });
});

describe('StaticWeight', () => {
  const staticPlacement = (weights: number[]): Placement => ({
    replicaScheduling: {
      replicaSchedulingType: 'Divided',
      replicaDivisionPreference: 'Weighted',
      weightPreference: { staticWeightList: weights.map((w, i) => ({ targetCluster: { clusterNames: [`member${i + 1}`] }, weight: w })) },
    },
  });

  it('divides exactly the desired replicas', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 200 }), (weights, replicas) => {
        const candidates = names(weights.length).map((n) => candidate(n));
        const r = assignReplicas(candidates, { replicas, placement: staticPlacement(weights), clusters: [] });
        expect(sum(r)).toBe(replicas);
      }),
      RUNS,
    );
  });

  it('gives each of up to three clusters within one replica of its exact quota', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 300 }), (weights, replicas) => {
        const candidates = names(weights.length).map((n) => candidate(n));
        const r = byName(assignByStrategy({ candidates, spec: { replicas, placement: staticPlacement(weights), clusters: [] } }));
        const total = weights.reduce((a, b) => a + b, 0);
        weights.forEach((w, i) => {
          const quota = (replicas * w) / total;
          expect(Math.abs((r.get(`member${i + 1}`) ?? 0) - quota)).toBeLessThan(1);
        });
      }),
      RUNS,
    );
  });

  it('can leave quota with four or more clusters (Webster quota violation, as Karmada does)', () => {
    // Sainte-Laguë is not a quota method: 12 replicas over these 8 weights give the 922-weight
    // cluster 6 replicas although its exact quota is 4.94 (divisor 167 yields exactly 12 seats).
    const weights = [79, 32, 82, 219, 464, 922, 237, 205];
    const candidates = names(weights.length).map((n) => candidate(n));
    const r = byName(assignByStrategy({ candidates, spec: { replicas: 12, placement: staticPlacement(weights), clusters: [] } }));
    expect(r.get('member6')).toBe(6);
    expect([...r.values()].reduce((a, b) => a + b, 0)).toBe(12);
  });
});

describe('DynamicWeight / Aggregated', () => {
  const capacities = fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 8 });

  it('first placement divides exactly the desired replicas and never exceeds a cluster capacity when capacity suffices', () => {
    fc.assert(
      fc.property(capacities, fc.integer({ min: 1, max: 200 }), dynamicStrategy, (caps, replicas, pref) => {
        const total = caps.reduce((a, b) => a + b, 0);
        fc.pre(total >= replicas);
        const candidates = names(caps.length).map((n, i) => candidate(n, caps[i]));
        const r = assignReplicas(candidates, { replicas, placement: divided(pref, true), replicaRequirements: {}, clusters: [] });
        expect(sum(r)).toBe(replicas);
        for (const t of r) expect(t.replicas).toBeLessThanOrEqual(caps[Number(t.name.slice(6)) - 1]);
      }),
      RUNS,
    );
  });

  it('steady scale-down never raises a cluster and reaches the desired count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 8 }),
        capacities,
        fc.nat(),
        dynamicStrategy,
        (prev, caps, cut, pref) => {
          const n = Math.max(prev.length, caps.length);
          const previous = names(prev.length).map((name, i) => ({ name, replicas: prev[i] }));
          const assigned = sum(previous);
          fc.pre(assigned > 0);
          const replicas = cut % assigned; // strictly below `assigned`
          fc.pre(replicas > 0);
          const candidates = names(n).map((name, i) => candidate(name, caps[i] ?? 0, prev[i] ?? 0));
          const r = byName(assignByStrategy({ candidates, spec: { replicas, placement: divided(pref, true), replicaRequirements: {}, clusters: previous } }));
          for (const p of previous) expect(r.get(p.name) ?? 0).toBeLessThanOrEqual(p.replicas);
          expect([...r.values()].reduce((a, b) => a + b, 0)).toBe(replicas);
        },
      ),
      RUNS,
    );
  });

  it('steady scale-up never lowers a cluster and reaches the desired count when free capacity covers the increase', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 8 }),
        capacities,
        fc.integer({ min: 1, max: 100 }),
        dynamicStrategy,
        (prev, caps, extra, pref) => {
          const n = Math.max(prev.length, caps.length);
          const previous = names(prev.length).map((name, i) => ({ name, replicas: prev[i] }));
          const free = names(n).map((_, i) => caps[i] ?? 0);
          fc.pre(free.reduce((a, b) => a + b, 0) >= extra);
          const replicas = sum(previous) + extra;
          const candidates = names(n).map((name, i) => candidate(name, free[i], prev[i] ?? 0));
          const r = byName(assignByStrategy({ candidates, spec: { replicas, placement: divided(pref, true), replicaRequirements: {}, clusters: previous } }));
          for (const p of previous) expect(r.get(p.name) ?? 0).toBeGreaterThanOrEqual(p.replicas);
          expect([...r.values()].reduce((a, b) => a + b, 0)).toBe(replicas);
        },
      ),
      RUNS,
    );
  });
});

// ------------------------------------------------------------------------------------------
// Whole scheduling attempts over random fleets

const labelValue = fc.constantFrom('a', 'b', 'c');
const region = fc.constantFrom('', 'r1', 'r2', 'r3');
const taintArb = fc.record({
  key: fc.constantFrom('not-ready', 'gpu', 'maint'),
  value: fc.constantFrom('', 'x'),
  effect: fc.constantFrom('NoSchedule', 'NoExecute', 'PreferNoSchedule'),
});

const clusterArb = (name: string) =>
  fc.record({
    env: labelValue,
    region,
    provider: fc.constantFrom('', 'p1', 'p2'),
    zones: fc.subarray(['z1', 'z2']),
    taints: fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, { arbitrary: fc.array(taintArb, { maxLength: 2 }), weight: 1 }),
    pods: fc.integer({ min: 0, max: 80 }),
    cpu: fc.integer({ min: 0, max: 32000 }),
    deleting: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
    gv: fc.integer({ min: 0, max: 9 }).map((x) => x !== 0),
  }).map(
    (c): Cluster => ({
      name,
      labels: { env: c.env },
      region: c.region || undefined,
      provider: c.provider || undefined,
      zones: c.zones,
      taints: c.taints,
      deleting: c.deleting && name !== 'member1',
      apiEnablements: c.gv ? [{ groupVersion: 'apps/v1', resources: [{ kind: 'Deployment' }] }] : [],
      resourceSummary: { allocatable: { pods: c.pods, cpu: c.cpu }, allocated: {}, allocating: {} },
    }),
  );

const fleetArb = fc.integer({ min: 1, max: 7 }).chain((n) => fc.tuple(...names(n).map(clusterArb)));

const placementArb: fc.Arbitrary<Placement> = fc.record({
  affinity: fc.option(
    fc.record({
      labelSelector: fc.option(fc.record({ matchLabels: fc.record({ env: labelValue }) }), { nil: undefined }),
      exclude: fc.option(fc.subarray(names(7), { maxLength: 2 }), { nil: undefined }),
      fieldSelector: fc.option(
        fc.record({ matchExpressions: fc.constant([{ key: 'region', operator: 'In', values: ['r1', 'r2'] }]) }),
        { nil: undefined, freq: 2 },
      ),
    }),
    { nil: undefined, freq: 2 },
  ),
  tolerations: fc.array(fc.record({ key: fc.constantFrom('gpu', 'maint'), operator: fc.constant('Exists') }), { maxLength: 2 }),
  spread: fc.option(
    fc.constantFrom(
      [{ spreadByField: 'cluster', minGroups: 1, maxGroups: 2 }],
      [{ spreadByField: 'region', minGroups: 1, maxGroups: 2 }, { spreadByField: 'cluster', minGroups: 1, maxGroups: 3 }],
      [{ spreadByField: 'zone', minGroups: 1, maxGroups: 2 }, { spreadByField: 'cluster', minGroups: 1, maxGroups: 3 }],
    ),
    { nil: undefined },
  ),
  rs: fc.constantFrom<Placement['replicaScheduling']>(
    null,
    { replicaSchedulingType: 'Duplicated' },
    { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted' },
    { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } },
    { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' },
  ),
}).map((p) => {
  const out: Placement = { clusterTolerations: p.tolerations };
  if (p.affinity) out.clusterAffinity = p.affinity;
  if (p.spread) out.spreadConstraints = p.spread;
  if (p.rs) out.replicaScheduling = p.rs;
  return out;
});

const specArb = fc.record({
  placement: placementArb,
  replicas: fc.integer({ min: 0, max: 40 }),
  cpu: fc.constantFrom(0, 250, 1000),
  prev: fc.array(fc.record({ name: fc.constantFrom(...names(7)), replicas: fc.integer({ min: 0, max: 5 }) }), { maxLength: 3 }),
  evict: fc.oneof({ arbitrary: fc.constant([] as string[]), weight: 3 }, { arbitrary: fc.subarray(names(7), { maxLength: 1 }), weight: 1 }),
  uid: fc.constantFrom('', 'd43fdeeb-d750-4e2b-bee3-64eb94534f4c'),
}).map(
  (s): ResourceBindingSpec => ({
    resource: { apiVersion: 'apps/v1', kind: 'Deployment', uid: s.uid },
    replicas: s.replicas,
    replicaRequirements: s.cpu > 0 ? { resourceRequest: { cpu: s.cpu } } : null,
    placement: s.placement,
    clusters: [...new Map(s.prev.map((p) => [p.name, p])).values()],
    gracefulEvictionTasks: s.evict.map((fromCluster) => ({ fromCluster })),
  }),
);

describe('scheduleBinding', () => {
  it('the random fleets exercise both outcomes (guards against vacuous properties)', () => {
    let ok = 0;
    let placed = 0;
    let failed = 0;
    fc.assert(
      fc.property(fleetArb, specArb, (clusters, spec) => {
        const r = scheduleBinding({ spec, clusters });
        if (r.ok) {
          ok++;
          if (r.clusters.some((t) => t.replicas > 0)) placed++;
        } else failed++;
      }),
      { numRuns: 400, seed: 42 },
    );
    expect(ok).toBeGreaterThan(150);
    expect(placed).toBeGreaterThan(100);
    expect(failed).toBeGreaterThan(40);
  });

  it('never places anything on a cluster that fails a filter (or is being deleted)', () => {
    fc.assert(
      fc.property(fleetArb, specArb, (clusters, spec) => {
        const r = scheduleBinding({ spec, clusters });
        if (!r.ok) return;
        const byClusterName = new Map(clusters.map((c) => [c.name, c]));
        for (const t of r.clusters) {
          const c = byClusterName.get(t.name);
          expect(c, t.name).toBeDefined();
          expect(c!.deleting).toBeFalsy();
          expect(runFilterPlugins(defaultFilterPlugins, { spec, status: {} }, c!).code).toBe('Success');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('places exactly the desired replicas of a Divided workload when it succeeds', () => {
    fc.assert(
      fc.property(fleetArb, specArb, (clusters, spec) => {
        const rs = spec.placement?.replicaScheduling;
        fc.pre(!!rs && rs.replicaSchedulingType === 'Divided' && spec.replicas > 0);
        const r = scheduleBinding({ spec, clusters });
        if (r.ok) expect(sum(r.clusters)).toBe(spec.replicas);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same output for the same input (and does not mutate it)', () => {
    fc.assert(
      fc.property(fleetArb, specArb, (clusters, spec) => {
        const before = JSON.stringify({ clusters, spec });
        const a = scheduleBinding({ spec: structuredClone(spec), clusters: structuredClone(clusters) });
        const b = scheduleBinding({ spec, clusters });
        expect(JSON.stringify({ clusters, spec })).toBe(before);
        const view = (x: typeof a) => (x.ok ? { ok: true, clusters: x.clusters } : { ok: false, kind: x.error.kind, msg: x.error.message, clusters: x.clusters });
        expect(view(b)).toEqual(view(a));
      }),
      RUNS,
    );
  });
});

describe('fnv1a32 (Dispenser UID tie-break)', () => {
  const reference = (s: string): number => {
    let h = 0x811c9dc5;
    for (const b of new TextEncoder().encode(s)) h = Math.imul(h ^ b, 0x01000193);
    return h >>> 0;
  };
  it('hashes the UTF-8 bytes TextEncoder writes, lone surrogates included', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c); // Go: fnv.New32a().Write([]byte("a"))
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.array(fc.integer({ min: 0, max: 0xffff })).map((u) => String.fromCharCode(...u))), (s) => {
        expect(fnv1a32(s)).toBe(reference(s));
      }),
      { numRuns: 500 },
    );
  });
});
