import { describe, expect, it } from 'vitest';
import {
  accurateMaxAvailableReplicas,
  calAvailableReplicas,
  gracefulEvictCluster,
  MAX_INT32,
  scheduleBinding,
  scheduleTrigger,
  type Cluster,
  type Placement,
  type ResourceBindingSpec,
} from '../../src/placement/karmada/index.js';

const deployment = { apiVersion: 'apps/v1', kind: 'Deployment' };

function cluster(name: string, podsFree: number, extra: Partial<Cluster> = {}): Cluster {
  return {
    name,
    apiEnablements: [{ groupVersion: 'apps/v1', resources: [{ kind: 'Deployment' }] }],
    resourceSummary: { allocatable: { pods: podsFree } },
    ...extra,
  };
}

const dynamic: Placement = {
  replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } },
};
const aggregated: Placement = { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' } };

describe('scheduleBinding', () => {
  // Spec §7.5: previous m1:4 m2:8; free m1:4 m2:6 m3:8; 12 -> 24 replicas, Aggregated.
  const fleet = [cluster('member1', 4), cluster('member2', 6), cluster('member3', 8)];
  const previous = [
    { name: 'member1', replicas: 4 },
    { name: 'member2', replicas: 8 },
  ];

  it('reproduces the worked steady scale-up of spec §7.5', () => {
    const r = scheduleBinding({ spec: { resource: deployment, replicas: 24, placement: aggregated, clusters: previous }, clusters: fleet });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const m = Object.fromEntries(r.clusters.map((t) => [t.name, t.replicas]));
    expect(m).toEqual({ member1: 7, member2: 12, member3: 5 });
  });

  it('recomputes from scratch in Fresh mode (explicit reschedule), dividing by free + held capacity', () => {
    const spec: ResourceBindingSpec = { resource: deployment, replicas: 24, placement: dynamic, clusters: previous, rescheduleTriggeredAt: 10 };
    const r = scheduleBinding({ spec, status: { lastScheduledTime: 5 }, clusters: fleet });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // weights 8:14:8 -> Webster(24) = 7:11:6 (the member1/member3 tie goes to the smaller name)
    expect(Object.fromEntries(r.clusters.map((t) => [t.name, t.replicas]))).toEqual({ member1: 7, member2: 11, member3: 6 });
    // Without the trigger (or with an older one) the same binding scales up steadily.
    const steady = scheduleBinding({ spec, status: { lastScheduledTime: 10 }, clusters: fleet });
    expect(steady.ok && Object.fromEntries(steady.clusters.map((t) => [t.name, t.replicas]))).toEqual({ member1: 7, member2: 12, member3: 5 });
  });

  it('patches the result to empty on a FitError and keeps it on an Unschedulable error', () => {
    const tainted = fleet.map((c) => ({ ...c, taints: [{ key: 'cluster.karmada.io/not-ready', effect: 'NoSchedule' }] }));
    const fit = scheduleBinding({ spec: { resource: deployment, replicas: 3, placement: dynamic, clusters: [] }, clusters: tainted });
    expect(fit.ok).toBe(false);
    if (!fit.ok) {
      expect(fit.error.kind).toBe('FitError');
      expect(fit.clusters).toEqual([]);
      expect(fit.error.message).toContain('0/3 clusters are available');
    }
    const short = scheduleBinding({ spec: { resource: deployment, replicas: 100, placement: dynamic, clusters: [] }, clusters: fleet });
    expect(short.ok).toBe(false);
    if (!short.ok) {
      expect(short.error.kind).toBe('Unschedulable');
      expect(short.clusters).toBeNull();
    }
  });

  it('keeps a tainted cluster that already hosts the binding (taints only filter new clusters)', () => {
    const tainted = fleet.map((c) => (c.name === 'member1' ? { ...c, taints: [{ key: 'k', effect: 'NoSchedule' }] } : c));
    const r = scheduleBinding({ spec: { resource: deployment, replicas: 24, placement: aggregated, clusters: previous }, clusters: tainted });
    expect(r.ok && r.clusters.find((t) => t.name === 'member1')?.replicas).toBe(7);
  });

  it('skips deleting clusters and clusters under graceful eviction', () => {
    const r = scheduleBinding({
      spec: { resource: deployment, replicas: 2, placement: {}, clusters: [], gracefulEvictionTasks: [{ fromCluster: 'member2' }] },
      clusters: [fleet[0], fleet[1], { ...fleet[2], deleting: true }],
    });
    expect(r.ok && r.clusters).toEqual([{ name: 'member1', replicas: 2 }]);
  });

  it('falls through clusterAffinities terms and then stays on the observed one', () => {
    const placement: Placement = {
      ...dynamic,
      clusterAffinities: [
        { affinityName: 'primary', clusterNames: ['member1'] },
        { affinityName: 'backup', clusterNames: ['member3'] },
      ],
    };
    const spec: ResourceBindingSpec = { resource: deployment, replicas: 6, placement, clusters: [] };
    const r = scheduleBinding({ spec, clusters: fleet });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.triedAffinityTerms).toEqual(['primary', 'backup']);
    expect(r.schedulerObservedAffinityName).toBe('backup');
    expect(r.clusters).toEqual([{ name: 'member3', replicas: 6 }]);
    // Next time the primary could fit 4 replicas, but scheduling starts at the observed term.
    const again = scheduleBinding({ spec: { ...spec, replicas: 4, clusters: r.clusters }, status: { schedulerObservedAffinityName: 'backup' }, clusters: fleet });
    expect(again.ok && again.triedAffinityTerms).toEqual(['backup']);
  });

  it('uses overflow tiers in order when the primary group lacks capacity', () => {
    const placement: Placement = {
      ...dynamic,
      clusterAffinities: [{ affinityName: 'a', clusterNames: ['member1'], overflowAffinities: [{ affinityName: 'o', clusterNames: ['member3'] }] }],
    };
    const r = scheduleBinding({ spec: { resource: deployment, replicas: 10, placement, clusters: [], replicaRequirements: {} }, clusters: fleet });
    expect(r.ok && r.clusters).toEqual([
      { name: 'member1', replicas: 4 },
      { name: 'member3', replicas: 6 },
    ]);
  });
});

describe('estimators', () => {
  const nodes = [
    { name: 'n1', allocatable: { cpu: 4000, pods: 10 }, requested: { cpu: 1000 }, pods: 2 },
    { name: 'n2', allocatable: { cpu: 2000, pods: 1 }, requested: {}, pods: 0 },
    { name: 'n3', allocatable: { cpu: 8000, pods: 10 }, taints: [{ key: 'gpu', effect: 'NoSchedule' }] },
    { name: 'n4', allocatable: { cpu: 8000, pods: 10 }, unschedulable: true },
  ];

  it('sums per-node fits over schedulable, tolerated nodes', () => {
    const c: Cluster = { name: 'c', nodes };
    expect(accurateMaxAvailableReplicas(c, { resourceRequest: { cpu: 1000 } })).toBe(3 + 1);
    expect(accurateMaxAvailableReplicas(c, { resourceRequest: { cpu: 1000 }, nodeClaim: { tolerations: [{ key: 'gpu', operator: 'Exists' }] } })).toBe(3 + 1 + 8);
    expect(accurateMaxAvailableReplicas({ name: 'x' }, null)).toBe(-1);
  });

  it('takes the minimum of the general and accurate estimates only when the scheduler-estimator is enabled', () => {
    const c: Cluster = { name: 'c', nodes, resourceSummary: { allocatable: { cpu: 22000, pods: 31 }, allocated: { cpu: 1000, pods: 2 } } };
    const spec: ResourceBindingSpec = { replicas: 5, replicaRequirements: { resourceRequest: { cpu: 1000 } } };
    expect(calAvailableReplicas([c], spec)[0].replicas).toBe(21);
    expect(calAvailableReplicas([c], spec, { enableSchedulerEstimator: true })[0].replicas).toBe(4);
    expect(calAvailableReplicas([c], { replicas: 0 })[0].replicas).toBe(MAX_INT32);
  });
});

describe('reschedule triggers and eviction', () => {
  const base: ResourceBindingSpec = { resource: deployment, replicas: 6, placement: dynamic, clusters: [{ name: 'member1', replicas: 6 }] };

  it('leaves a Divided binding alone unless replicas, placement or an explicit reschedule change', () => {
    expect(scheduleTrigger({ spec: base, appliedPlacement: dynamic })).toBeNull();
    expect(scheduleTrigger({ spec: base })).toBe('PlacementChanged');
    expect(scheduleTrigger({ spec: { ...base, replicas: 7 }, appliedPlacement: dynamic })).toBe('ReplicasChanged');
    expect(scheduleTrigger({ spec: { ...base, rescheduleTriggeredAt: 9 }, status: { lastScheduledTime: 3 }, appliedPlacement: dynamic })).toBe('RescheduleTriggered');
    expect(scheduleTrigger({ spec: base, appliedPlacement: dynamic, terminatingClusters: ['member1'] })).toBe('TerminatingTargetCluster');
    const dup: Placement = { replicaScheduling: { replicaSchedulingType: 'Duplicated' } };
    expect(scheduleTrigger({ spec: { ...base, placement: dup }, appliedPlacement: dup })).toBe('DuplicatedOrNonWorkload');
  });

  it('ignores edits to clusterAffinities terms other than the observed one', () => {
    const p1: Placement = { ...dynamic, clusterAffinities: [{ affinityName: 'a', clusterNames: ['member1'] }] };
    const p2: Placement = { ...dynamic, clusterAffinities: [{ affinityName: 'a', clusterNames: ['member1'] }, { affinityName: 'b', clusterNames: ['member2'] }] };
    expect(scheduleTrigger({ spec: { ...base, placement: p2 }, status: { schedulerObservedAffinityName: 'a' }, appliedPlacement: p1 })).toBeNull();
    expect(scheduleTrigger({ spec: { ...base, placement: p2 }, status: {}, appliedPlacement: p1 })).toBe('PlacementChanged');
  });

  it('evicts a cluster into a graceful eviction task, which makes the replica sum differ', () => {
    const spec = gracefulEvictCluster(base, 'member1', { purgeMode: 'Gracefully', reason: 'TaintUntolerated', now: 100 });
    expect(spec.clusters).toEqual([]);
    expect(spec.gracefulEvictionTasks).toEqual([{ fromCluster: 'member1', replicas: 6, purgeMode: 'Gracefully', reason: 'TaintUntolerated', creationTimestamp: 100 }]);
    expect(base.clusters).toHaveLength(1);
    expect(scheduleTrigger({ spec, appliedPlacement: dynamic })).toBe('ReplicasChanged');
  });
});

describe('failover defaults', () => {
  it('derives purge modes and task options as Karmada defaults them', async () => {
    const K = await import('../../src/placement/karmada/index.js');
    expect(K.taintEvictionPurgeMode(undefined)).toBe('Gracefully');
    expect(K.taintEvictionPurgeMode(undefined, 'Directly')).toBe('Directly');
    expect(K.taintEvictionPurgeMode({ cluster: {} }, 'Directly')).toBe('Gracefully');
    expect(K.taintEvictionPurgeMode({ cluster: { purgeMode: 'Directly' } })).toBe('Directly');
    expect(K.applicationTolerationSeconds({})).toBe(300);
    expect(K.applicationEvictOptions({}).gracePeriodSeconds).toBe(600);
    expect(K.applicationEvictOptions({ purgeMode: 'Never' }).suppressDeletion).toBe(true);
    expect(K.conditionTaints('True')).toEqual([]);
    expect(K.conditionTaints('Unknown')[0].key).toBe('cluster.karmada.io/unreachable');
    expect(K.conditionTaints(undefined)[0].key).toBe('cluster.karmada.io/not-ready');
  });
});
