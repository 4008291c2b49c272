import { describe, expect, it } from 'vitest';
import { ControlPlane } from '../../src/control/control-plane.js';
import { MemberCluster } from '../../src/control/member-cluster.js';
import { RunState } from '../../src/control/state.js';
import { Simulation } from '../../src/kernel/index.js';
import { World } from '../../src/model/world.js';
import { resolveScheduler } from '../../src/placement/builtin.js';
import { expandWorkloads, runScenario } from '../../src/runner/run.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/types.js';
import { writeScenario } from '../helpers/files.js';

/**
 * Issue 16, items 9, 8 and 6 (Volcano's side): a Volcano Job is one workload of several pod
 * templates (its tasks) with the job-level gang, task minimums and dependsOn; Karmada places it
 * whole (or, with the MultiplePodTemplatesScheduling gate, by its components); the member's
 * Volcano webhook refuses what it refuses; PriorityClasses order Volcano's jobs and drive its
 * preempt action. Before this change a job's differing tasks became separate Jobs, each its own
 * gang (a ps could run without its workers), dependsOn and the webhook were ignored (a job for a
 * missing queue sat Pending without a word), and spec.priorityClassName meant nothing: each test
 * below fails on that code.
 */

const job = (name: string, spec: string, at = '0s') => `
apiVersion: batch.volcano.sh/v1alpha1
kind: Job
metadata:
  name: ${name}
  annotations: { fleetsim.io/duration: 10m, fleetsim.io/at: "${at}" }
spec:
  schedulerName: volcano
${spec}
`;

/** A task of `replicas` pods asking for `cpu` each (`extra`: more task fields, indented as a task's). */
const task = (name: string, replicas: number, cpu: string, extra = '', image = 'tf:2.15') => `
    - name: ${name}
      replicas: ${replicas}
${extra}
      template:
        spec:
          containers: [{ name: c, image: "${image}", resources: { requests: { cpu: "${cpu}", memory: 1Gi } } }]`;

const tfJob = (minAvailable: number, workers = 2, extra = '') => job('tf', `  minAvailable: ${minAvailable}\n  tasks:${task('ps', 1, '2')}${task('worker', workers, '4', extra)}`);

const fleet = (clusters: string, include: string[], policy = 'placement: {}', extra = '') => `
name: vcjobs
duration: 1h
defaults: { imageSize: 0, podStartup: 1s }
controlPlane: { schedulingLatency: 0s }
fleet:
  clusters:
${clusters}
policies: [{ name: jobs, resourceSelectors: [{ kind: Job }], ${policy} }]
include: [${include.join(', ')}]
${extra}`;
const cluster = (name: string, cpu: number, nodes = 1) => `    - { name: ${name}, region: r1, scheduler: volcano, nodePools: [{ count: ${nodes}, cpu: ${cpu}, memory: 64Gi }] }`;

const load = (files: Record<string, string>, main: string): Scenario => loadScenario(writeScenario(files, main));
const find = async (s: Scenario, name: string) => (await runScenario(s)).workloads.find((w) => w.name === name)!;

describe('a Volcano Job of several pod templates', () => {
  it('is one workload with the job-level gang: a ps with 2 workers starts whole, or not at all', async () => {
    const s = load({ 'tf.yaml': tfJob(3) }, fleet(cluster('vc', 16), ['tf.yaml']));
    const w = s.workloads.find((x) => x.name === 'tf')!;
    expect(w.kind === 'Job' && w.tasks!.map((t) => [t.name, t.replicas, t.template.cpuMillis])).toEqual([['ps', 1, 2000], ['worker', 2, 4000]]);
    expect(w.kind === 'Job' && [w.parallelism, w.minAvailable]).toEqual([3, 3]);
    expect((await runScenario(s)).workloads.map((x) => x.name)).toEqual(['tf']);
    const whole = await find(s, 'tf');
    expect(whole.succeeded).toBe(3);
    expect(whole.queueingDelay).toBeLessThan(5);
    // 8 CPUs hold the ps and one worker (6), not the second: Volcano binds none of them.
    const small = await find(load({ 'tf.yaml': tfJob(3) }, fleet(cluster('vc', 8), ['tf.yaml'])), 'tf');
    expect([small.ready, small.succeeded, small.pending, small.queueingDelay, small.deadlocked]).toEqual([0, 0, 3, null, false]);
  });

  it("task-level minAvailable: the gang needs 1 ps and 2 of the 4 workers (Volcano's minTaskMember)", async () => {
    const s = load({ 'tf.yaml': tfJob(3, 4, '      minAvailable: 2') }, fleet(cluster('vc', 12), ['tf.yaml']));
    const w = await find(s, 'tf');
    // 12 CPUs: the ps (2) and 2 workers (8) run, the other 2 workers wait for room.
    expect(w.queueingDelay).toBeLessThan(5);
    expect(w.succeeded).toBe(5);
    expect(w.timeToComplete).toBeGreaterThan(1200); // the last two workers ran after the first two
  });

  it('dependsOn: a task waits until the tasks it depends on are ready', async () => {
    // The "ps" asks for more than any node has: it never runs, so its dependents are never created.
    const deps = (dependsOn: string) => job('dag', `  minAvailable: 1\n  tasks:${task('ps', 1, '64')}${task('worker', 2, '1', dependsOn)}`);
    const waiting = await find(load({ 'dag.yaml': deps('      dependsOn: { name: [ps] }') }, fleet(cluster('vc', 16), ['dag.yaml'])), 'dag');
    expect([waiting.ready, waiting.succeeded, waiting.pending]).toEqual([0, 0, 1]);
    const free = await find(load({ 'dag.yaml': deps('') }, fleet(cluster('vc', 16), ['dag.yaml'])), 'dag');
    expect(free.succeeded).toBe(2);
  });

  it('Karmada places it whole: every cluster of a Divided result gets all of it, not a share of its pods', async () => {
    const s = load({ 'tf.yaml': tfJob(3) }, fleet(`${cluster('a', 16)}\n${cluster('b', 16)}`, ['tf.yaml'], 'placement: { replicaScheduling: { replicaSchedulingType: Divided } }'));
    const w = await find(s, 'tf');
    expect(w.placement).toEqual({ a: 3, b: 3 });
    expect(w.succeeded).toBe(6);
  });

  it('with MultiplePodTemplatesScheduling, Karmada picks the one cluster where a whole set of its components fits', async () => {
    const spread = "placement: { spreadConstraints: [{ spreadByField: cluster, minGroups: 1, maxGroups: 1 }] }";
    const clusters = `${cluster('a-small', 8)}\n${cluster('b-big', 32)}`;
    // Components as Karmada's interpreter sees them: 1 ps + (minAvailable 2) workers = 10 CPUs a set.
    const gate = load({ 'tf.yaml': tfJob(3, 4, '      minAvailable: 2') }, fleet(clusters, ['tf.yaml'], spread, 'karmada: { featureGates: { MultiplePodTemplatesScheduling: true } }'));
    expect((await find(gate, 'tf')).placement).toEqual({ 'b-big': 5 });
    // Without the gate Karmada does not estimate a workload it cannot count: the first cluster by name.
    const plain = load({ 'tf.yaml': tfJob(3, 4, '      minAvailable: 2') }, fleet(clusters, ['tf.yaml'], spread));
    expect((await find(plain, 'tf')).placement).toEqual({ 'a-small': 5 });
  });
});

describe("Volcano's admission webhook, where Volcano runs", () => {
  const missingQueue = job('lost', `  queue: nope\n  tasks:${task('w', 2, '1')}`);

  it('refuses a job for a queue that does not exist: the Work fails to apply, in the binding status and the results', async () => {
    const s = load({ 'lost.yaml': missingQueue }, fleet(cluster('vc', 16), ['lost.yaml']));
    const w = await find(s, 'lost');
    const message = 'admission webhook "validatejob.volcano.sh" denied the request: unable to find job queue: queue.scheduling.volcano.sh "nope" not found;';
    expect(w.clusterErrors).toEqual({ vc: `the Work failed to apply: ${message}` });
    expect([w.pending, w.succeeded]).toEqual([0, 0]);
    // The binding's status, as Karmada's binding controller aggregates the Work's.
    const sim = new Simulation({ seed: s.seed });
    const world = new World(s);
    const state = new RunState(sim, s, world, expandWorkloads(s, sim), ['tf:2.15'], null);
    const members = world.clusters.map((c) => new MemberCluster(state, c));
    state.members = members;
    const cp = new ControlPlane(state, await resolveScheduler('karmada'), members);
    cp.start();
    sim.run({ until: 60 });
    expect(cp.bindings[0].status.aggregatedStatus).toEqual([{ clusterName: 'vc', applied: false, appliedMessage: `Failed to apply all manifests (0/1): ${message}` }]);
  });

  it('refuses duplicate task names, duplicate policy events and a minAvailable above the replicas, as upstream words it', async () => {
    const cases: [string, string][] = [
      [`  tasks:${task('same', 1, '1')}${task('same', 1, '1')}`, 'duplicated task name same;'],
      [`  minAvailable: 5\n  tasks:${task('a', 2, '1')}${task('b', 2, '1')}`, "job 'minAvailable' should not be greater than total replicas in tasks;"],
      [`  tasks:${task('a', 2, '1', '      minAvailable: 3')}`, "'minAvailable' is greater than 'replicas' in task: a, job: bad;"],
      [`  policies: [{ event: PodFailed, action: RestartJob }, { event: PodFailed, action: AbortJob }]\n  tasks:${task('a', 1, '1')}`, '1 error occurred: * duplicate event PodFailed  across different policy valid events are ['],
      [`  tasks:${task('a', 1, '1', '      dependsOn: { name: [b] }')}${task('b', 1, '1', '      dependsOn: { name: [a] }')}`, "job has dependencies between tasks, but doesn't form a directed acyclic graph(DAG);"],
    ];
    for (const [spec, text] of cases) {
      const w = await find(load({ 'bad.yaml': job('bad', spec) }, fleet(cluster('vc', 16), ['bad.yaml'])), 'bad');
      expect(w.clusterErrors!.vc).toContain(`denied the request: ${text}`);
      expect(w.succeeded).toBe(0);
    }
  });

  it('a member without Volcano has no Volcano Job kind (a Kurator Application reaches it without Karmada\'s filter)', async () => {
    const fleetYaml = `
apiVersion: fleet.kurator.dev/v1alpha1
kind: Fleet
metadata: { name: f }
spec: { clusters: [{ name: plain }] }
---
apiVersion: apps.kurator.dev/v1alpha1
kind: Application
metadata: { name: app, annotations: { fleetsim.io/manifests: job.yaml } }
spec:
  source: { gitRepository: { url: "https://example.com/jobs", ref: { branch: main } } }
  syncPolicies: [{ destination: { fleet: f }, kustomization: { interval: 5m0s, path: ./, prune: true } }]
`;
    const s = load({ 'fleet.yaml': fleetYaml, 'job.yaml': job('tf', `  tasks:${task('w', 1, '1')}`) }, fleet('    - { name: plain, region: r1, nodePools: [{ count: 1, cpu: 8, memory: 8Gi }] }', ['fleet.yaml']));
    expect((await find(s, 'tf')).clusterErrors).toEqual({ plain: 'the Work failed to apply: no matches for kind "Job" in version "batch.volcano.sh/v1alpha1"' });
  });
});

describe("PriorityClasses in Volcano: job order and the preempt action", () => {
  const classes = `
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: high }
value: 1000
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: low }
value: 10
`;
  const volcano = (actions: string) => `    - { name: vc, region: r1, scheduler: volcano, volcano: { actions: [${actions}] }, nodePools: [{ count: 1, cpu: 8, memory: 64Gi }] }`;

  it("a high-priority job preempts a low one's pods in the same queue (preempt action), by spec.priorityClassName", async () => {
    const files = {
      'classes.yaml': classes,
      'low.yaml': job('low', `  priorityClassName: low\n  minAvailable: 1\n  tasks:${task('w', 8, '1')}`),
      'high.yaml': job('high', `  priorityClassName: high\n  minAvailable: 4\n  tasks:${task('w', 4, '1')}`, '1m'),
    };
    const s = load(files, fleet(volcano('enqueue, allocate, preempt'), ['classes.yaml', 'low.yaml', 'high.yaml']));
    expect(s.workloads.map((w) => w.kind === 'Job' && w.podGroupPriority)).toEqual([10, 1000]);
    const r = await runScenario(s);
    const high = r.workloads.find((w) => w.name === 'high')!;
    const low = r.workloads.find((w) => w.name === 'low')!;
    expect(high.queueingDelay).toBeLessThan(120);
    expect(low.preemptedPods).toBeGreaterThanOrEqual(4);
  });

  it('jobs waiting for room start in priority order', async () => {
    const files = {
      'classes.yaml': classes,
      'first.yaml': job('first', `  minAvailable: 8\n  tasks:${task('w', 8, '1')}`),
      'low.yaml': job('low', `  priorityClassName: low\n  minAvailable: 8\n  tasks:${task('w', 8, '1')}`, '1m'),
      'high.yaml': job('high', `  priorityClassName: high\n  minAvailable: 8\n  tasks:${task('w', 8, '1')}`, '2m'),
    };
    const r = await runScenario(load(files, fleet(volcano('enqueue, allocate, backfill'), ['classes.yaml', 'first.yaml', 'low.yaml', 'high.yaml'])));
    const at = (n: string) => { const w = r.workloads.find((x) => x.name === n)!; return w.arrival + w.queueingDelay!; };
    // "first" ends at ~10 min; the later but higher job goes next.
    expect(at('high')).toBeLessThan(at('low'));
  });
});
