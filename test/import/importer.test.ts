import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeObject, podObject, type ExportNode, type ExportPod } from '../../src/import/export.js';
import { importFleet } from '../../src/import/fleet.js';
import { fitDiurnal } from '../../src/import/history.js';
import { clusterNameOf } from '../../src/import/layout.js';
import { scenarioErrorOf } from '../helpers/files.js';

const AT = '2024-05-01T12:00:00Z';
const root = mkdtempSync(join(tmpdir(), 'fleetsim-importer-'));
let n = 0;

function node(name: string, o: Partial<ExportNode> = {}): ExportNode {
  return { name, cpuMillis: 3920, memoryBytes: 16 * 2 ** 30, pods: 110, gpus: 0, gpuModel: '', labels: {}, taints: [], zone: 'z1', region: 'r1', cordoned: false, ready: true, ...o };
}
function pod(name: string, o: Partial<ExportPod> = {}): ExportPod {
  return { namespace: 'default', name, owner: null, node: null, phase: 'Running', cpuMillis: 100, memoryBytes: 128 * 2 ** 20, gpus: 0, priority: 0, image: 'nginx:1.27', ...o };
}
const list = (objects: unknown[]) => JSON.stringify({ apiVersion: 'v1', items: objects, kind: 'List', metadata: {} }, null, 2);

/** A dump folder: files name → objects (JSON Lists). */
function dump(files: Record<string, unknown[]>): string {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir, { recursive: true });
  for (const [f, objects] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), list(objects));
  }
  return dir;
}

const fails = scenarioErrorOf;

describe('nodes into pools, by what scheduling sees', () => {
  it('identical nodes are one pool whatever their host names; allocatable, GPUs, taints and zones split pools', () => {
    const nodes = [
      node('a1'), node('a2'), node('a3'),
      node('big', { cpuMillis: 7820 }),
      node('tainted', { taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: 'NoSchedule' }] }),
      node('gpu', { gpus: 8, gpuModel: 'NVIDIA-A100-SXM4-80GB' }),
      node('other-zone', { zone: 'z2' }),
    ];
    const dir = dump({ 'c1/nodes.json': nodes.map((x) => nodeObject(x, AT)) });
    const f = importFleet({ paths: [dir], clusters: [] });
    const c = f.clusters.find((x) => x.name === 'c1')!;
    expect(c.pools.map((p) => [p.nodes.map((x) => x.name), p.cpuMillis, p.gpus, p.gpuModel, p.zone, p.taints.length])).toEqual(
      expect.arrayContaining([
        [['a1', 'a2', 'a3'], 3920, 0, '', 'z1', 0],
        [['big'], 7820, 0, '', 'z1', 0],
        [['tainted'], 3920, 0, '', 'z1', 1],
        [['gpu'], 3920, 8, 'NVIDIA-A100-SXM4-80GB', 'z1', 0],
        [['other-zone'], 3920, 0, '', 'z2', 0],
      ]),
    );
    expect(c.pools).toHaveLength(5);
    expect(c.zones).toEqual(['z1', 'z2']);
    expect(c.region).toBe('r1');
  });

  it('a label a pod selects on splits pools; one no pod reads does not; legacy failure-domain labels give zone and region', () => {
    const nodes = [
      node('n1', { zone: '', region: '', labels: { 'failure-domain.beta.kubernetes.io/zone': 'us-west-2a', 'failure-domain.beta.kubernetes.io/region': 'us-west-2', disk: 'ssd', rack: 'r1' } }),
      node('n2', { zone: '', region: '', labels: { 'failure-domain.beta.kubernetes.io/zone': 'us-west-2a', 'failure-domain.beta.kubernetes.io/region': 'us-west-2', disk: 'hdd', rack: 'r2' } }),
    ];
    const selecting = podObject(pod('p', { node: 'n1' }), AT) as { spec: Record<string, unknown> };
    selecting.spec.nodeSelector = { disk: 'ssd' };
    const f = importFleet({ paths: [], clusters: [`west=${dump({ 'nodes.json': nodes.map((x) => nodeObject(x, AT)), 'pods.json': [selecting] })}`] });
    const c = f.clusters[0];
    expect(c.pools).toHaveLength(2);
    expect(c.pools.every((p) => !('rack' in p.labels) && 'disk' in p.labels)).toBe(true);
    expect([c.region, c.zones]).toEqual(['us-west-2', ['us-west-2a']]);
  });

  it('cordoned and NotReady nodes stay in their pool, listed; GPUs of a named extended resource', () => {
    const gpuNode = nodeObject(node('ali', { labels: { 'alibabacloud.com/gpu-card-model': 'A10' } }), AT) as { status: { allocatable: Record<string, string> } };
    gpuNode.status.allocatable['alibabacloud.com/gpu-count'] = '4';
    const dir = dump({ 'x/nodes.json': [nodeObject(node('c', { cordoned: true }), AT), nodeObject(node('d', { ready: false }), AT), gpuNode] });
    const f = importFleet({ paths: [dir], clusters: [], gpuResources: ['alibabacloud.com/gpu-count'] });
    const pools = f.clusters[0].pools;
    const plain = pools.find((p) => p.gpus === 0)!;
    expect([plain.cordoned, plain.notReady]).toEqual([['c'], ['d']]);
    const g = pools.find((p) => p.gpus > 0)!;
    expect([g.gpus, g.gpuModel]).toEqual([4, 'A10']);
  });
});

describe('pods back into their workloads', () => {
  const nodes = [node('n1'), node('n2')].map((x) => nodeObject(x, AT));

  it('ownerReferences: ReplicaSet → Deployment (with or without the ReplicaSet objects), DaemonSet, Job → CronJob, static and bare pods', () => {
    const pods = [
      pod('web-1', { owner: { kind: 'Deployment', name: 'web' }, node: 'n1' }),
      pod('web-2', { owner: { kind: 'Deployment', name: 'web' }, node: 'n2' }),
      pod('web-3', { owner: { kind: 'Deployment', name: 'web' }, node: null, phase: 'Pending' }),
      pod('proxy-a', { owner: { kind: 'DaemonSet', name: 'proxy' }, node: 'n1', namespace: 'kube-system' }),
      pod('proxy-b', { owner: { kind: 'DaemonSet', name: 'proxy' }, node: 'n2', namespace: 'kube-system' }),
      pod('nightly-28000000-x', { owner: { kind: 'Job', name: 'nightly-28000000' }, node: 'n1' }),
      pod('done', { owner: { kind: 'Job', name: 'nightly-28000000' }, node: 'n2', phase: 'Succeeded' }),
      pod('lonely', { node: 'n2' }),
    ].map((p) => podObject(p, AT));
    const mirror = podObject(pod('etcd-n1', { node: 'n1', namespace: 'kube-system' }), AT) as { metadata: Record<string, unknown> };
    mirror.metadata.annotations = { 'kubernetes.io/config.mirror': 'abc' };
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'nightly-28000000', namespace: 'default', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', controller: true }] }, spec: { parallelism: 1, completions: 1 }, status: { succeeded: 0 } };
    const f = importFleet({ paths: [dump({ 'a/nodes.json': nodes, 'a/pods.json': [...pods, mirror], 'a/jobs.json': [job] })], clusters: [] });
    const byName = Object.fromEntries(f.clusters[0].workloads.map((w) => [w.name, w]));
    expect(byName.web.kind).toBe('Deployment');
    expect([...byName.web.bound]).toEqual([['n1', 1], ['n2', 1]]);
    expect(byName.web.pending).toBe(1);
    expect([byName.proxy.kind, byName.proxy.lifecycle, byName.proxy.bound.size]).toEqual(['DaemonSet', 'per-node', 2]);
    expect([byName.nightly.kind, byName.nightly.lifecycle, byName.nightly.pods.length, byName.nightly.finished.length]).toEqual(['CronJob', 'batch', 1, 1]);
    expect([byName['etcd-n1'].kind, byName['etcd-n1'].lifecycle]).toEqual(['StaticPod', 'per-node']);
    expect([byName.lonely.kind, byName.lonely.lifecycle]).toEqual(['Pod', 'bare']);
  });

  it('pods of one controller asking for different resources are one group per shape, each keeping its requests', () => {
    const pods = [
      pod('w-1', { owner: { kind: 'Deployment', name: 'w' }, node: 'n1', cpuMillis: 500 }),
      pod('w-2', { owner: { kind: 'Deployment', name: 'w' }, node: 'n1', cpuMillis: 500 }),
      pod('w-3', { owner: { kind: 'Deployment', name: 'w' }, node: 'n2', cpuMillis: 250 }),
    ].map((p) => podObject(p, AT));
    const f = importFleet({ paths: [dump({ 'a/nodes.json': nodes, 'a/pods.json': pods })], clusters: [] });
    expect(f.clusters[0].workloads.map((w) => [w.name, w.cpuMillis, w.pods.length])).toEqual([['w', 500, 2], ['w.2', 250, 1]]);
  });

  it('a pod bound to a node not in the dump waits Pending, said in one note naming the file and item', () => {
    const f = importFleet({ paths: [dump({ 'a/nodes.json': nodes, 'a/pods.json': [podObject(pod('ghost', { node: 'gone' }), AT)] })], clusters: [] });
    expect(f.clusters[0].workloads[0].pending).toBe(1);
    expect(f.notes.find((x) => x.object === 'v1/Pod default/ghost')?.reason).toBe('bound to node gone, which is not in the dump: it waits Pending at t = 0');
    expect(f.notes.find((x) => x.object === 'v1/Pod default/ghost')?.where).toMatch(/pods\.json:\d+:\d+$/);
  });

  it('the same object twice: the second is skipped naming the first; an unknown kind is skipped with the reason', () => {
    const p = podObject(pod('twice', { node: 'n1' }), AT);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: {} };
    const f = importFleet({ paths: [dump({ 'a/nodes.json': nodes, 'a/pods.json': [p], 'a/pods2.json': [p, cm] })], clusters: [] });
    expect(f.clusters[0].workloads[0].pods).toHaveLength(1);
    const dup = f.skipped.find((s) => s.object === 'v1/Pod default/twice')!;
    expect(dup.reason).toMatch(/^the same object as .*pods\.json:\d+:\d+ \(the first is kept\)$/);
    expect(f.skipped.find((s) => s.object === 'v1/ConfigMap default/cfg')?.reason).toBe('ConfigMap is not modelled');
  });

  it('what nodes and live pods carry that is not modelled is one note per thing and cluster, with how many', () => {
    const hot = nodeObject(node('hot'), AT) as { status: { conditions: { type: string; status: string }[] } };
    hot.status.conditions.find((c) => c.type === 'DiskPressure')!.status = 'True';
    const spread = podObject(pod('s-1', { node: 'n1' }), AT) as { spec: Record<string, unknown> & { containers: { resources: { requests: Record<string, string> } }[] } };
    spread.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 's' } } }];
    spread.spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [] }, nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } };
    spread.spec.containers[0].resources.requests['example.com/fpga'] = '1';
    const twin = structuredClone(spread) as { metadata: { name: string; uid: string } };
    twin.metadata.name = 's-2';
    twin.metadata.uid = 'uid-s-2';
    const gone = structuredClone(spread) as { metadata: { name: string; uid: string }; status: { phase: string } };
    gone.metadata.name = 's-done';
    gone.metadata.uid = 'uid-s-done';
    gone.status.phase = 'Succeeded';
    const f = importFleet({ paths: [dump({ 'a/nodes.json': [...nodes, hot], 'a/pods.json': [spread, twin, gone] })], clusters: [] });
    const notes = f.notes.filter((x) => x.reason.includes('not modelled')).map((x) => `${x.object}: ${x.reason}`);
    expect(notes).toEqual([
      '3 Nodes of a: allocatable not modelled: ephemeral-storage (3) (nodes have cpu, memory, pods and GPUs only)',
      '1 Node of a: DiskPressure=True is not modelled (the node takes pods as any other)',
      '2 Pods of a: not modelled: requests of example.com/fpga (nodes have cpu, memory, pods and GPUs only)',
      '2 Pods of a: not modelled: affinity.podAntiAffinity (pods are not placed by the other pods on a node or in a zone)',
      '2 Pods of a: not modelled: affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution (preferred node affinity does not score nodes)',
      '2 Pods of a: not modelled: topologySpreadConstraints (pods are not spread over topology domains)',
    ]);
    expect(f.notes.find((x) => x.object === '2 Pods of a')?.where).toMatch(/pods\.json/);
  });

  it('a quantity Kubernetes would reject is one located error with the JSON path; so is a fractional GPU', () => {
    const bad = podObject(pod('bad', { node: 'n1' }), AT) as { spec: { containers: { resources: { requests: Record<string, string> } }[] } };
    bad.spec.containers[0].resources.requests.cpu = '1 core';
    const dir = dump({ 'a/nodes.json': nodes, 'a/pods.json': [podObject(pod('ok', { node: 'n1' }), AT), bad] });
    const e = fails(() => importFleet({ paths: [dir], clusters: [] }));
    expect(e.message).toMatch(/pods\.json:\d+:\d+: items\[1\]\.spec\.containers\[0\]\.resources\.requests\.cpu: expected a CPU quantity like "500m" or 2, found "1 core" \(a string\)$/);
    const text = readFileSync(join(dir, 'a/pods.json'), 'utf8').split('\n');
    expect(text[e.line - 1]).toContain('"cpu": "1 core"');
    const half = podObject(pod('half', { node: 'n1', gpus: 1 }), AT) as { spec: { containers: { resources: { requests: Record<string, string>; limits: Record<string, string> } }[] } };
    half.spec.containers[0].resources.requests['nvidia.com/gpu'] = '500m';
    half.spec.containers[0].resources.limits['nvidia.com/gpu'] = '500m';
    expect(fails(() => importFleet({ paths: [dump({ 'a/nodes.json': nodes, 'a/pods.json': [half] })], clusters: [] })).message).toMatch(
      /items\[0\]\.spec\.containers\[0\]\.resources\.(requests|limits)\["nvidia\.com\/gpu"\]: expected a whole number of nvidia\.com\/gpu \(Kubernetes rejects a fractional extended resource\)/,
    );
    const badNode = nodeObject(node('x'), AT) as { status: { allocatable: Record<string, string> } };
    badNode.status.allocatable.memory = '16 GB';
    expect(fails(() => importFleet({ paths: [dump({ 'a/nodes.json': [badNode] })], clusters: [] })).message).toMatch(/items\[0\]\.status\.allocatable\.memory: expected a memory quantity/);
  });
});

describe('the Karmada control plane', () => {
  it('Cluster objects give region, zones, provider, labels, taints and sync mode; a ResourceBinding its placement; policies are kept verbatim', () => {
    const nodes = (c: string) => [nodeObject(node(`${c}-n1`), AT), nodeObject(node(`${c}-n2`), AT)];
    const cluster = (name: string, region: string) => ({
      apiVersion: 'cluster.karmada.io/v1alpha1', kind: 'Cluster', metadata: { name, labels: { tier: 'gold' } },
      spec: { region, zones: [`${region}-a`], provider: 'huaweicloud', syncMode: 'Pull', taints: [{ key: 'maintenance', effect: 'NoSchedule' }] },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    const rb = {
      apiVersion: 'work.karmada.io/v1alpha2', kind: 'ResourceBinding',
      metadata: { name: 'web-deployment', namespace: 'default', annotations: { 'propagationpolicy.karmada.io/name': 'spread', 'propagationpolicy.karmada.io/namespace': 'default' } },
      spec: { resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' }, replicas: 3, replicaRequirements: { resourceRequest: { cpu: '100m', memory: '128Mi' } }, clusters: [{ name: 'east', replicas: 2 }, { name: 'west', replicas: 1 }] },
    };
    const pp = { apiVersion: 'policy.karmada.io/v1alpha1', kind: 'PropagationPolicy', metadata: { name: 'spread', namespace: 'default', uid: 'x', resourceVersion: '9' }, spec: { resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }], placement: { clusterAffinity: { clusterNames: ['east', 'west'] } } }, status: {} };
    const template = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
    const webPods = (c: string, k: number) => Array.from({ length: k }, (_, i) => podObject(pod(`web-${c}-${i}`, { owner: { kind: 'Deployment', name: 'web' }, node: `${c}-n1` }), AT));
    const dir = dump({
      'east/nodes.json': nodes('east'), 'east/pods.json': webPods('east', 2),
      'west/nodes.json': nodes('west'), 'west/pods.json': webPods('west', 1),
      'karmada/all.json': [cluster('east', 'cn-north'), cluster('west', 'cn-south'), rb, pp, template],
    });
    const f = importFleet({ paths: [dir], clusters: [] });
    const east = f.clusters.find((c) => c.name === 'east')!;
    expect([east.region, east.zones, east.provider, east.labels, east.taints, east.syncMode]).toEqual(['cn-north', ['cn-north-a'], 'huaweicloud', { tier: 'gold' }, [{ key: 'maintenance', effect: 'NoSchedule' }], 'Pull']);
    expect(f.bindings.map((b) => [b.name, b.clusters, b.policy?.name])).toEqual([['web-deployment', [{ name: 'east', replicas: 2 }, { name: 'west', replicas: 1 }], 'spread']]);
    expect(east.workloads[0].binding).toBe('default/web-deployment');
    expect(f.manifests.map((m) => m.kind)).toEqual(['PropagationPolicy']);
    expect(f.skipped.find((s) => s.object.includes('Deployment default/web'))?.reason).toMatch(/its ResourceBinding is imported/);
    expect(f.clusters.find((c) => c.role === 'host')!.name).toBe('karmada-host');
  });
});

describe('history', () => {
  it('fitDiurnal finds the mean rate, the amplitude and the hour of the peak of arrivals over days', () => {
    // λ(t) = m (1 + 0.6 cos(2π (t − 15h) / 24h)), sampled deterministically over 10 days.
    const times: number[] = [];
    const step = 60;
    let acc = 0;
    for (let t = 0; t < 10 * 86400; t += step) {
      acc += (1 + 0.6 * Math.cos((2 * Math.PI * (t - 15 * 3600)) / 86400)) * (step / 600);
      while (acc >= 1) {
        times.push(t);
        acc -= 1;
      }
    }
    const fit = fitDiurnal(times, 0);
    expect(fit.mean).toBeCloseTo(1 / 600, 5); // the true mean rate
    expect(fit.amplitude).toBeGreaterThan(0.55);
    expect(fit.amplitude).toBeLessThan(0.65);
    expect(Math.abs(fit.peakAt - 15 * 3600)).toBeLessThan(1200);
    // t = 0 of the run at 06:00: the peak comes 9 hours in.
    expect(Math.abs(fitDiurnal(times, 6 * 3600).peakAt - 9 * 3600)).toBeLessThan(1200);
    expect(fitDiurnal([0, 100, 7200], 0).amplitude).toBe(0);
  });
});

describe('layout', () => {
  it('a loose file belongs to the cluster its name starts with', () => {
    expect(['gke-nodes.json', 'gke-prod-pods.yaml', 'eks_all.json', 'aks.json', 'aks.nodes.json'].map(clusterNameOf)).toEqual(['gke', 'gke-prod', 'eks', 'aks', 'aks']);
  });
});
