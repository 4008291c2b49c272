import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/runner/run.js';
import { loadScenario, parseScenario } from '../../src/scenario/load.js';
import { writeScenario as scenario } from '../helpers/files.js';

/**
 * Issue 16, item 6: `priorityClassName` on pod templates sets the pods' priority from the
 * PriorityClass (the Priority admission plugin: globalDefault, preemptionPolicy, a missing class
 * forbids the pods), and pod priority drives kube-scheduler's DefaultPreemption (PostFilter) and
 * Volcano's job order and preempt action. Before this change a manifest's priorityClassName was
 * read by nobody: the pods ran at priority 0, nothing was ever preempted, and a misspelt class
 * ran silently; each test below fails on that code.
 */

const classes = `
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: high }
value: 1000000
description: serving
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: batch-low }
value: 100
globalDefault: true
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: high-nonpreempting }
value: 1000000
preemptionPolicy: Never
`;

const deployment = (name: string, replicas: number, cpu: string, podSpec = '', at = '0s') => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, annotations: { fleetsim.io/at: "${at}" } }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
${podSpec.split('\n').filter(Boolean).map((l) => `      ${l}`).join('\n')}
      containers: [{ name: c, image: nginx, resources: { requests: { cpu: "${cpu}" } } }]
`;

const main = (include: string[]) => `
name: prio
duration: 10m
defaults: { imageSize: 0, podStartup: 1s }
controlPlane: { schedulingLatency: 0s }
fleet:
  clusters:
    - { name: a, region: r1, nodePools: [{ count: 2, cpu: 4, memory: 16Gi }] }
policies: [{ name: all, resourceSelectors: [{ kind: Deployment }], placement: {} }]
include: [${include.join(', ')}]
`;

/** A Deployment created at 1 min (the cluster is full of batch pods by then). */
const later = (name: string, replicas: number, cpu: string, cls: string) => deployment(name, replicas, cpu, `priorityClassName: ${cls}`, '1m');

describe('pod priority from PriorityClasses, and kube-scheduler preemption', () => {
  it('a Deployment of a high class preempts the lowest-priority pods (globalDefault for those naming none)', async () => {
    const file = scenario({ 'classes.yaml': classes, 'batch.yaml': deployment('batch', 8, '1'), 'web.yaml': later('web', 3, '1', 'high') }, main(['classes.yaml', 'batch.yaml', 'web.yaml']));
    const s = loadScenario(file);
    expect(s.workloads.find((w) => w.name === 'web')!.template.priority).toBe(1000000);
    expect(s.workloads.find((w) => w.name === 'batch')!.template.priority).toBe(100); // globalDefault
    const r = await runScenario(s);
    const web = r.workloads.find((w) => w.name === 'web')!;
    const batch = r.workloads.find((w) => w.name === 'batch')!;
    expect(web.ready).toBe(3);
    expect(web.timeToAllReady).toBeLessThan(5);
    expect(batch.preemptedPods).toBe(3);
    expect(batch.ready).toBe(5);
    expect(batch.pending).toBe(3); // replaced by the ReplicaSet controller, waiting
  });

  it('a PodDisruptionBudget steers preemption to pods it does not guard', async () => {
    const pdb = `
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: db }
spec:
  minAvailable: 4
  selector: { matchLabels: { app: db } }
`;
    // cache (older) and db (newer, guarded: none of its 4 pods may go) share both nodes.
    const files = { 'classes.yaml': classes, 'pdb.yaml': pdb, 'cache.yaml': deployment('cache', 4, '1'), 'db.yaml': deployment('db', 4, '1', '', '30s'), 'web.yaml': later('web', 2, '1', 'high') };
    const r = await runScenario(loadScenario(scenario(files, main(['classes.yaml', 'pdb.yaml', 'db.yaml', 'cache.yaml', 'web.yaml']))));
    expect(r.workloads.find((w) => w.name === 'web')!.ready).toBe(2);
    expect(r.workloads.find((w) => w.name === 'db')!.preemptedPods).toBeUndefined();
    expect(r.workloads.find((w) => w.name === 'cache')!.preemptedPods).toBe(2);
    // Without the budget the newest pods, db's, are the least important: they go.
    const bare = await runScenario(loadScenario(scenario(files, main(['classes.yaml', 'db.yaml', 'cache.yaml', 'web.yaml']))));
    expect(bare.workloads.find((w) => w.name === 'db')!.preemptedPods).toBe(2);
  });

  it('preemptionPolicy Never: the pods wait at the head of the queue but never preempt', async () => {
    const r = await runScenario(loadScenario(scenario({ 'classes.yaml': classes, 'batch.yaml': deployment('batch', 8, '1'), 'web.yaml': later('web', 3, '1', 'high-nonpreempting') }, main(['classes.yaml', 'batch.yaml', 'web.yaml']))));
    expect(r.workloads.find((w) => w.name === 'web')!.ready).toBe(0);
    expect(r.workloads.find((w) => w.name === 'batch')!.preemptedPods).toBeUndefined();
  });

  it('the Priority admission refuses a missing class, and a priority that disagrees with its class, where they are written', () => {
    const bad = scenario({ 'classes.yaml': classes, 'web.yaml': later('web', 1, '1', 'urgent') }, main(['classes.yaml', 'web.yaml']));
    expect(() => loadScenario(bad)).toThrow(/web\.yaml:\d+:\d+: spec\.template\.spec\.priorityClassName: expected the name of a PriorityClass .* found "urgent": no PriorityClass with name urgent was found/);
    const clash = scenario({ 'classes.yaml': classes, 'web.yaml': deployment('web', 1, '1', 'priorityClassName: high\npriority: 5') }, main(['classes.yaml', 'web.yaml']));
    expect(() => loadScenario(clash)).toThrow(/spec\.template\.spec\.priority: .*the integer value of priority \(5\) must not be provided in pod spec; priority admission controller computed 1000000/);
    // Kubernetes' own classes always exist.
    const sys = scenario({ 'web.yaml': later('web', 1, '1', 'system-cluster-critical') }, main(['web.yaml']));
    expect(loadScenario(sys).workloads[0].template.priority).toBe(2000000000);
  });

  it("the scenario's own workloads take priorityClassName too, and the queue is ordered by priority", async () => {
    const y = `
name: q
duration: 30m
defaults: { imageSize: 0, podStartup: 1s }
controlPlane: { schedulingLatency: 0s }
priorityClasses: { urgent: { value: 50, preemptionPolicy: Never } }
fleet:
  clusters:
    - { name: a, region: r1, nodePools: [{ count: 1, cpu: 2, memory: 8Gi }] }
policies: [{ name: all, resourceSelectors: [{ kind: Job }], placement: {} }]
workloads:
  - { kind: Job, name: first, parallelism: 2, duration: 10m, resources: { cpu: 1 } }
  - { kind: Job, name: plain, at: 1m, parallelism: 2, duration: 10m, resources: { cpu: 1 } }
  - { kind: Job, name: urgent, at: 2m, priorityClassName: urgent, parallelism: 2, duration: 10m, resources: { cpu: 1 } }
`;
    const r = await runScenario(parseScenario(y, 'q.yaml'));
    const at = (n: string) => r.workloads.find((w) => w.name === n)!;
    // When "first" ends at ~10 min, the urgent job (created later) goes before the plain one.
    expect(at('urgent').timeToAllReady! + 120).toBeLessThan(at('plain').timeToAllReady! + 60);
    expect(at('first').preemptedPods).toBeUndefined(); // Never: no preemption
  });
});
