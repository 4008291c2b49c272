import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/runner/run.js';
import { parseScenario } from '../../src/scenario/load.js';

/**
 * The Kubernetes kinds users have in every repository (issue 16, items 1, 3 and 10): bare Pods,
 * ReplicaSets, ReplicationControllers, StatefulSets, DaemonSets, CronJobs, and Jobs without a
 * fleetsim.io/duration, read from `include:`d manifests and run as Kubernetes runs them.
 */

/** A scenario with one member `c` (nodes of `cpu` cores, pool labels) and the manifests `m.yaml`. */
function scenario(manifests: string, opts: { nodes?: number; cpu?: number; extra?: string; pools?: string; defaults?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-kinds-'));
  const policy = `---
apiVersion: policy.karmada.io/v1alpha1
kind: ClusterPropagationPolicy
metadata: { name: everything }
spec:
  resourceSelectors:
    - { kind: Pod }
    - { kind: ReplicaSet }
    - { kind: ReplicationController }
    - { kind: StatefulSet }
    - { kind: DaemonSet }
    - { kind: Deployment }
    - { kind: Job }
    - { kind: CronJob }
  placement: { clusterAffinity: { clusterNames: [c] } }
`;
  writeFileSync(join(dir, 'm.yaml'), manifests + policy);
  const pools = opts.pools ?? `[{ count: ${opts.nodes ?? 2}, cpu: ${opts.cpu ?? 4}, memory: 16Gi }]`;
  const text = `name: kinds
duration: 2h
controlPlane: { schedulingLatency: 0s }
network: { intraRegion: { latency: 0s, bandwidth: 80Gbps } }
defaults: { podStartup: 10s, imageSize: 0${opts.defaults ? `, ${opts.defaults}` : ''} }
fleet:
  clusters:
    - { name: c, region: r, nodePools: ${pools} }
    - { name: spare, region: r, nodePools: [{ count: 1, cpu: 1, memory: 1Gi }] }
include: [m.yaml]
${opts.extra ?? ''}`;
  writeFileSync(join(dir, 'scenario.yaml'), text);
  return parseScenario(text, 'scenario.yaml', dir);
}

const pod = (name: string, spec: string, kind = 'Pod') => `---
apiVersion: v1
kind: ${kind}
metadata: { name: ${name} }
spec:
${spec}
`;

const container = (cpu: string) => `[{ name: c, image: busybox, resources: { requests: { cpu: ${cpu}, memory: 64Mi } } }]`;

describe('Kubernetes kinds from manifests', () => {
  it('reads each kind with its own kind kept for Karmada, and counts what it read', () => {
    const s = scenario(
      pod('p', `  containers: ${container('1')}`) +
        `---
apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: rs }
spec: { replicas: 2, template: { spec: { containers: ${container('1')} } } }
---
apiVersion: v1
kind: ReplicationController
metadata: { name: rc }
spec: { replicas: 3, template: { spec: { containers: ${container('1')} } } }
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: high }
value: 1000
---
apiVersion: v1
kind: Service
metadata: { name: svc }
spec: { ports: [{ port: 80 }] }
`,
    );
    expect(s.workloads.map((w) => [w.name, w.kind, w.resourceKind ?? w.kind, w.apiVersion])).toEqual([
      ['p', 'Deployment', 'Pod', 'v1'],
      ['rs', 'Deployment', 'ReplicaSet', 'apps/v1'],
      ['rc', 'Deployment', 'ReplicationController', 'v1'],
    ]);
    expect(s.inputs.kinds).toEqual({
      'v1 Pod': 1,
      'apps/v1 ReplicaSet': 1,
      'v1 ReplicationController': 1,
      'scheduling.k8s.io/v1 PriorityClass': 1,
      'policy.karmada.io/v1alpha1 ClusterPropagationPolicy': 1,
    });
    expect(s.ignoredManifests).toEqual([expect.objectContaining({ kind: 'v1/Service', name: 'svc' })]);
  });

  it('item 10: init containers, sidecars and overhead count as kube-scheduler counts them (fails on main before commit d9d436c: only containers were summed)', async () => {
    // One 4-CPU node. The pod's containers ask 1 CPU, but an init container asks 3 and a sidecar 1:
    // effective request max(3 + 1, 1 + 1) + 0.5 overhead = 4.5 CPU: it fits nowhere.
    const s = scenario(
      `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: big-init }
spec:
  template:
    spec:
      initContainers:
        - { name: sidecar, image: envoy, restartPolicy: Always, resources: { requests: { cpu: 1 } } }
        - { name: migrate, image: busybox, resources: { requests: { cpu: 3 } } }
      overhead: { cpu: 500m }
      containers: ${container('1')}
`,
      { nodes: 1 },
    );
    expect(s.workloads[0].template.cpuMillis).toBe(4500);
    // Karmada's estimate takes the init container as it is (no sidecar sum): max(1, 1, 3) + 0.5.
    expect(s.workloads[0].template.replicaRequest).toEqual({ cpuMillis: 3500, memoryMiB: 64 });
    const r = await runScenario(s);
    expect(r.workloads[0].ready).toBe(0);
    expect(r.workloads[0].pending).toBe(1);
  });

  it('a StatefulSet starts one pod at a time (OrderedReady); Parallel starts them together', async () => {
    const sts = (policy: string) => `---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  replicas: 3
  podManagementPolicy: ${policy}
  template: { spec: { containers: ${container('500m')} } }
`;
    const ordered = (await runScenario(scenario(sts('OrderedReady')))).workloads[0];
    const parallel = (await runScenario(scenario(sts('Parallel')))).workloads[0];
    // Each pod is Ready 10 s (startup) after its bind; ordered, the third binds after two are Ready.
    expect(parallel.timeToAllReady).toBeCloseTo(10, 3);
    expect(ordered.timeToAllReady).toBeCloseTo(30, 3);
    expect(ordered.timeToScheduled).toBeCloseTo(20, 3);
    expect(ordered.ready).toBe(3);
  });

  it('a bare Pod is not re-created when its node dies; a ReplicaSet pod is', async () => {
    const s = scenario(pod('lonely', `  containers: ${container('3')}`) + `---
apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: rs }
spec: { replicas: 1, template: { spec: { containers: ${container('3')} } } }
`,
      { nodes: 3, extra: 'faults:\n  - { kind: node-crash, cluster: c, nodes: all, at: 10m, duration: 1m }\n' },
    );
    const r = await runScenario(s);
    const byName = Object.fromEntries(r.workloads.map((w) => [w.name, w]));
    expect(byName.rs.ready).toBe(1);
    expect(byName.lonely.ready).toBe(0);
  });

  it('a bare Pod with restartPolicy Never runs to completion, for the default run time', async () => {
    const s = scenario(pod('once', `  restartPolicy: Never\n  containers: ${container('1')}`));
    expect(s.inputs.notes).toEqual([expect.objectContaining({ object: 'Pod default/once', text: expect.stringMatching(/no fleetsim.io\/duration annotation: its pods run 10m/) })]);
    const w = (await runScenario(s)).workloads[0];
    expect(w.kind).toBe('Job');
    expect(w.timeToComplete).toBeCloseTo(610, 3);
  });

  it('a DaemonSet runs one pod per node its selector matches, as node overhead before other pods', async () => {
    const s = scenario(
      `---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:
  template:
    spec:
      nodeSelector: { role: worker }
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms: [{ matchExpressions: [{ key: kubernetes.io/os, operator: In, values: [linux] }] }]
      containers: ${container('1')}
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, annotations: { fleetsim.io/at: 1m } }
spec: { replicas: 4, template: { spec: { containers: ${container('2')} } } }
`,
      { pools: '[{ count: 2, cpu: 4, memory: 16Gi, labels: { role: worker } }, { count: 1, cpu: 4, memory: 16Gi }]' },
    );
    const r = await runScenario(s);
    const byName = Object.fromEntries(r.workloads.map((w) => [w.name, w]));
    expect(byName.agent.resourceKind).toBe('DaemonSet');
    expect(byName.agent.desired).toBe(2);
    expect(byName.agent.ready).toBe(2);
    // The two worker nodes keep 3 CPU each for others: one 2-CPU pod each; the third node takes two.
    expect(byName.web.ready).toBe(4);
    const c = r.clusters.find((x) => x.name === 'c')!;
    expect(c.cpuUtilization.end).toBeCloseTo((2 * 1 + 4 * 2) / 12, 6);
  });

  it('a CronJob makes Jobs at its schedule in the member, Forbid skips while one runs, suspend makes none', async () => {
    const cron = (name: string, extra: string) => `---
apiVersion: batch/v1
kind: CronJob
metadata: { name: ${name} }
spec:
  schedule: "*/10 * * * *"
${extra}
  jobTemplate:
    metadata: { annotations: { fleetsim.io/duration: 15m } }
    spec:
      template: { spec: { restartPolicy: OnFailure, containers: ${container('100m')} } }
`;
    const s = scenario(cron('allow', '') + cron('forbid', '  concurrencyPolicy: Forbid') + cron('replace', '  concurrencyPolicy: Replace') + cron('off', '  suspend: true'));
    const r = await runScenario(s);
    const jobs = (stream: string) => r.workloads.filter((w) => w.stream === stream);
    // Two hours from 2024-01-01T00:00Z: runs at 00:10, 00:20, ..., 02:00 (12 times).
    expect(jobs('allow')).toHaveLength(12);
    expect(jobs('allow')[0].name).toBe(`allow-${Date.parse('2024-01-01T00:10:00Z') / 60000}@c`);
    expect(jobs('allow')[0].arrival).toBeCloseTo(600, 6);
    // Forbid: a 15-minute Job blocks the next time: 00:10, 00:30, 00:50, ... (6).
    expect(jobs('forbid')).toHaveLength(6);
    // Replace: every time, the running one deleted (it never completes).
    expect(jobs('replace')).toHaveLength(12);
    expect(jobs('replace').filter((w) => w.timeToComplete !== null)).toHaveLength(0);
    expect(jobs('replace')[0].schedulingError).toMatch(/concurrencyPolicy Replace/);
    expect(jobs('off')).toHaveLength(0);
    // The CronJob itself is reported through its Jobs.
    expect(r.workloads.some((w) => w.name === 'allow')).toBe(false);
  });

  it('a CronJob schedule is read in its time zone against the scenario start', async () => {
    const s = scenario(
      `---
apiVersion: batch/v1
kind: CronJob
metadata: { name: nine }
spec:
  schedule: "0 9 * * *"
  timeZone: Asia/Shanghai
  jobTemplate: { spec: { template: { spec: { restartPolicy: Never, containers: ${container('100m')} } } } }
`,
      { extra: 'start: "2024-06-01T00:30:00Z"\n' },
    );
    const r = await runScenario(s);
    // 09:00 in Shanghai is 01:00 UTC: 30 minutes after the start.
    expect(r.workloads.map((w) => w.arrival)).toEqual([1800]);
  });

  it('Jobs without fleetsim.io/duration take defaults.jobDuration: rules by kind and label, then a default; the annotation wins', () => {
    const job = (name: string, labels: string, ann = '') => `---
apiVersion: batch/v1
kind: Job
metadata: { name: ${name}, labels: ${labels}${ann} }
spec: { template: { spec: { restartPolicy: Never, containers: ${container('1')} } } }
`;
    const s = scenario(job('ml', '{ team: ml }') + job('etl', '{ team: data }') + job('timed', '{ team: ml }', ', annotations: { fleetsim.io/duration: 90s }'), {
      defaults: 'jobDuration: [{ kind: Job, selector: { matchLabels: { team: ml } }, duration: { kind: lognormal, mu: 6, sigma: 1 } }, { apiVersion: batch/v1, duration: 20m }]',
    });
    const by = Object.fromEntries(s.workloads.map((w) => [w.name, w.kind === 'Job' ? w.duration : null]));
    expect(by.ml).toEqual({ kind: 'lognormal', mu: 6, sigma: 1 });
    expect(by.etl).toEqual({ kind: 'constant', value: 1200 });
    expect(by.timed).toEqual({ kind: 'constant', value: 90 });
    expect(s.inputs.notes.map((n) => [n.object, n.text])).toEqual([
      ['Job default/ml', 'no fleetsim.io/duration annotation: its pods run lognormal (mu 6, sigma 1) (defaults.jobDuration[0])'],
      ['Job default/etl', 'no fleetsim.io/duration annotation: its pods run 20m (defaults.jobDuration[1])'],
    ]);
  });

  it("a Volcano PodGroup gives the Jobs whose pods name it its queue and gang; what it cannot do is named", () => {
    const s = scenario(`---
apiVersion: scheduling.volcano.sh/v1beta1
kind: PodGroup
metadata: { name: trio }
spec: { minMember: 3, queue: research, minResources: { cpu: 3 } }
---
apiVersion: scheduling.volcano.sh/v1beta1
kind: PodGroup
metadata: { name: lonely }
spec: { minMember: 2 }
---
apiVersion: batch/v1
kind: Job
metadata: { name: train }
spec:
  parallelism: 4
  template:
    metadata: { annotations: { scheduling.k8s.io/group-name: trio } }
    spec: { schedulerName: volcano, restartPolicy: Never, containers: ${container('1')} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 3
  template:
    metadata: { annotations: { scheduling.k8s.io/group-name: trio } }
    spec: { containers: ${container('1')} }
`);
    const by = Object.fromEntries(s.workloads.map((w) => [w.name, w]));
    expect(by.train).toMatchObject({ queue: 'research', minAvailable: 3 });
    expect(by.web.queue).toBe('research');
    expect(s.inputs.notes.filter((n) => n.object.startsWith('PodGroup')).map((n) => n.text)).toEqual([
      expect.stringMatching(/not modelled: spec.minResources/),
      expect.stringMatching(/the gang of 3 over Deployment default\/web's pods is not modelled/),
      expect.stringMatching(/no pod of the inputs names it/),
    ]);
  });
});
