import { describe, expect, it } from 'vitest';
import { inputsReport, runScenario } from '../../src/runner/run.js';
import { loadScenario } from '../../src/scenario/load.js';
import { writeScenario } from '../helpers/files.js';

/**
 * A manifest's nodeSelector, required node affinity and tolerations against the node pools'
 * labels and taints: kube-scheduler's NodeAffinity and TaintToleration filters, DefaultPreemption's
 * candidate nodes, the DaemonSet controller, Volcano's predicates, a Karmada override of them.
 * Before this change manifests' node selection was read for DaemonSets only, and the DaemonSet
 * controller saw no taints: each test below fails on that code.
 */

const CLUSTER = `{ name: a, region: r1, nodePools: [
      { name: plain, count: 1, cpu: 4, memory: 16Gi, labels: { tier: plain } },
      { name: reserved, count: 1, cpu: 4, memory: 16Gi, labels: { tier: reserved }, taints: [{ key: dedicated, value: infra, effect: NoSchedule }] } ] }`;

const main = (files: string[], extra = '') => `
name: selection
duration: 10m
defaults: { imageSize: 0, podStartup: 1s, jobDuration: 1h }
controlPlane: { schedulingLatency: 0s }
fleet:
  clusters:
    - ${CLUSTER}
${extra}
policies: [{ name: all, resourceSelectors: [{ kind: Deployment }, { kind: DaemonSet }, { kind: Job, apiVersion: batch.volcano.sh/v1alpha1 }], placement: { clusterAffinity: { clusterNames: [a] } } }]
include: [${files.join(', ')}]
`;

const TOLERATE = 'tolerations: [{ key: dedicated, operator: Equal, value: infra, effect: NoSchedule }]';

const deployment = (name: string, replicas: number, podSpec = '', extra = '') => `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: ${replicas}
  template:
    spec:
${podSpec.split('\n').filter(Boolean).map((l) => `      ${l}`).join('\n')}
      containers: [{ name: c, image: nginx, resources: { requests: { cpu: "1" } } }]
${extra}`;

async function run(manifests: string, extra = '') {
  const s = loadScenario(writeScenario({ 'm.yaml': manifests }, main(['m.yaml'], extra)));
  const r = await runScenario(s, { waits: true });
  return { s, r, ready: (name: string) => r.workloads.find((w) => w.name === name)!.ready };
}

describe('node selection from manifests', () => {
  it('a pod without the toleration stays off a tainted pool; a selection no node matches leaves it Pending', async () => {
    const plain = await run(deployment('plain', 6));
    expect(plain.ready('plain')).toBe(4);
    // In kube-scheduler's words: TaintToleration rejects the reserved node, NodeResourcesFit the full one.
    const why = (r: typeof plain.r, name: string) => r.waits!.find((w) => w.workload === `default/${name}`)!.reasons.filter((x) => x.where === 'a').map((x) => x.reason);
    expect(why(plain.r, 'plain')).toEqual([
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: infra}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
    ]);
    const { ready, s, r } = await run(
      deployment('nowhere', 1, 'nodeSelector: { tier: gold }') +
        deployment(
          'untolerated',
          1,
          'affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: tier, operator: In, values: [reserved] }] }] } } }',
        ) +
        deployment('anywhere', 1),
    );
    expect([ready('nowhere'), ready('untolerated'), ready('anywhere')]).toEqual([0, 0, 1]);
    // Sorted as kube-scheduler sorts the histogram (Go's sort.Strings over "<count> <reason>").
    expect(why(r, 'nowhere')).toEqual([
      "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: infra}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    ]);
    // The fields a member scheduler reads are not named as unmodelled ...
    expect(s.inputs.notes.filter((n) => /nodeSelector|tolerations|affinity/.test(n.text))).toEqual([]);
    // ... but validate, run and the report say which workloads no node can take.
    expect(inputsReport(s)!.notes.filter((n) => n.text.includes('matches no node')).map((n) => n.object)).toEqual(['Deployment default/nowhere', 'Deployment default/untolerated']);
  });

  it('with the toleration it may go there; a nodeSelector or required node affinity confines it', async () => {
    const alone = async (name: string, spec: string) => (await run(deployment(name, 6, spec))).ready(name);
    expect(await alone('tolerant', TOLERATE)).toBe(6);
    expect(await alone('pinned', `nodeSelector: { tier: reserved }\n${TOLERATE}`)).toBe(4);
    expect(
      await alone('not-reserved', `${TOLERATE}\naffinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: tier, operator: NotIn, values: [reserved] }] }] } } }`),
    ).toBe(4);
  });

  it('pod (anti-)affinity, preferred node affinity and spread constraints are named as not modelled; node selection is not', async () => {
    const { s } = await run(
      deployment(
        'spread',
        1,
        `nodeSelector: { tier: plain }\naffinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: kubernetes.io/hostname, labelSelector: { matchLabels: { app: spread } } }] }, nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: tier, operator: In, values: [plain] }] } }] } }\ntopologySpreadConstraints: [{ maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule }]`,
      ),
    );
    expect(s.inputs.notes.map((n) => n.text)).toEqual([
      'not modelled: spec.template.spec.affinity.podAntiAffinity, spec.template.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution, spec.template.spec.topologySpreadConstraints ' +
        '(pods are not placed by the other pods on a node or in a zone; preferred node affinity does not score nodes; pods are not spread over topology domains)',
    ]);
  });

  it("the DaemonSet controller honours the pools' taints: a daemon that does not tolerate one skips its nodes", async () => {
    const ds = (name: string, podSpec: string) => `---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: ${name} }
spec:
  template:
    spec:
${podSpec ? `      ${podSpec}\n` : ''}      containers: [{ name: c, image: agent, resources: { requests: { cpu: 100m } } }]
`;
    const { r, s } = await run(ds('intolerant', '') + ds('everywhere', TOLERATE) + ds('any-taint', 'tolerations: [{ operator: Exists }]') + ds('gold-only', 'nodeSelector: { tier: gold }'));
    expect(inputsReport(s)!.notes.filter((n) => n.text.includes('matches no node'))).toEqual([
      { source: expect.stringContaining('m.yaml'), object: 'DaemonSet default/gold-only', text: 'its node selection (nodeSelector, required node affinity, tolerations) matches no node of any member cluster: it runs no pod' },
    ]);
    const w = (n: string) => r.workloads.find((x) => x.name === n)!;
    expect([w('intolerant').desired, w('intolerant').ready]).toEqual([1, 1]);
    expect([w('everywhere').desired, w('everywhere').ready]).toEqual([2, 2]);
    expect([w('any-taint').desired, w('any-taint').ready]).toEqual([2, 2]);
  });

  it('preemption looks only at nodes the preemptor may use: a cheaper victim on a tainted node is left alone', async () => {
    const classes = `---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: low }
value: 100
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: mid }
value: 500
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: high }
value: 100000
`;
    const { r, ready } = await run(
      classes +
        deployment('cheap', 4, `priorityClassName: low\nnodeSelector: { tier: reserved }\n${TOLERATE}`) +
        deployment('dearer', 4, 'priorityClassName: mid\nnodeSelector: { tier: plain }') +
        deployment('urgent', 1, 'priorityClassName: high', '').replace('metadata: { name: urgent }', 'metadata: { name: urgent, annotations: { fleetsim.io/at: 1m } }'),
    );
    const w = (n: string) => r.workloads.find((x) => x.name === n)!;
    expect(ready('urgent')).toBe(1);
    expect(w('cheap').preemptedPods).toBeUndefined();
    expect(w('dearer').preemptedPods).toBe(1);
  });

  it('a Karmada override that adds a nodeSelector for one member confines the pods there only', async () => {
    const two = `
    - { name: b, region: r1, nodePools: [{ name: plain, count: 1, cpu: 4, memory: 16Gi, labels: { tier: plain } }] }`;
    const override = `---
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: { name: gold-on-b }
spec:
  resourceSelectors: [{ apiVersion: apps/v1, kind: Deployment, name: web }]
  overrideRules:
    - targetCluster: { clusterNames: [b] }
      overriders:
        plaintext: [{ path: /spec/template/spec/nodeSelector, operator: add, value: { tier: gold } }]
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: { name: web }
spec:
  resourceSelectors: [{ apiVersion: apps/v1, kind: Deployment, name: web }]
  placement: { clusterAffinity: { clusterNames: [a, b] }, replicaScheduling: { replicaSchedulingType: Duplicated } }
`;
    const text = main(['m.yaml']).replace(`    - ${CLUSTER}`, `    - ${CLUSTER}${two}`).replace(/policies: .*\n/, '');
    const s = loadScenario(writeScenario({ 'm.yaml': deployment('web', 2) + override }, text));
    const r = await runScenario(s);
    const web = r.workloads.find((x) => x.name === 'web')!;
    expect(web.ready).toBe(2); // member a's two; member b's wait for a gold node
    expect(s.inputs.notes.filter((n) => n.text.includes('nodeSelector'))).toEqual([]);
    const [a, b] = ['a', 'b'].map((n) => r.clusters.find((c) => c.name === n)!);
    expect(a.cpuUtilization.end * 8).toBeCloseTo(2, 6);
    expect(b.cpuUtilization.end).toBe(0);
  });
});
