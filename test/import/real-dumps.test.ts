import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runImport } from '../../src/import/index.js';
import { registerBuiltinSchedulers } from '../../src/placement/builtin.js';
import { runScenario } from '../../src/runner/run.js';
import { loadScenario } from '../../src/scenario/load.js';
import { SHARED } from '../helpers/cli.js';

/**
 * The importer on the real dumps of ../shared/real-state: what the files say is computed here,
 * independently (plain JSON reading, a small quantity parser, Σ requests ÷ Σ allocatable), and the
 * imported scenario must say the same: node, GPU and pool counts, zones and regions, taints, and
 * the t = 0 utilisation of a run continuing from the imported state, to 0.1 %.
 */

const REAL = join(SHARED, 'real-state');
const PERF = join(REAL, 'converged-computing__performance-study/experiments');
const OCP = join(REAL, 'openshift__insights-operator/docs/insights-archive-sample/config');
const SONO = join(REAL, 'vmware-tanzu__sonobuoy/pkg/client/results/testdata/results-0.9.tar.gz.extracted/resources');
const KWOK = join(REAL, 'kubernetes-sigs__kwok/site/content/en/docs/examples/injectfailure/virtual-gpu-node.yaml');
const have = existsSync(REAL);

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Kubernetes quantities, as resource.Quantity reads them (enough for these files). */
function q(v: string | number | undefined): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(v)!;
  const mult: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return Number(m[1]) * mult[m[2]];
}

function objects(file: string): Obj[] {
  const v = JSON.parse(readFileSync(file, 'utf8'));
  return Array.isArray(v) ? v : Array.isArray(v.items) ? v.items : [v];
}

function files(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p, prefix));
    else if (e.startsWith(prefix) && e.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

/** A pod's requests: Σ containers (limits fill in requests), at least the largest init container. */
function podRequests(p: Obj): { cpu: number; memory: number } {
  const one = (c: Obj) => {
    const r = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
    return { cpu: q(r.cpu), memory: q(r.memory) };
  };
  const sum = (p.spec.containers as Obj[]).map(one).reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 });
  for (const i of (p.spec.initContainers ?? []) as Obj[]) {
    const r = one(i);
    sum.cpu = Math.max(sum.cpu, r.cpu);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  return sum;
}

interface Expected {
  nodes: number;
  gpus: number;
  zones: string[];
  region: string;
  taints: string[];
  cpu: number;
  memory: number;
}

/** What the dump itself says about a cluster. */
function expected(nodeFiles: string[], podFiles: string[]): Expected {
  const nodes = nodeFiles.flatMap(objects);
  const names = new Set(nodes.map((n) => n.metadata.name as string));
  const label = (n: Obj, k: string) => n.metadata.labels?.[`topology.kubernetes.io/${k}`] ?? n.metadata.labels?.[`failure-domain.beta.kubernetes.io/${k}`];
  let cpu = 0;
  let memory = 0;
  for (const p of podFiles.flatMap(objects)) {
    if (!names.has(p.spec.nodeName) || p.status.phase === 'Succeeded' || p.status.phase === 'Failed') continue;
    const r = podRequests(p);
    cpu += r.cpu;
    memory += r.memory;
  }
  return {
    nodes: nodes.length,
    gpus: nodes.reduce((s, n) => s + q(n.status.allocatable['nvidia.com/gpu']), 0),
    zones: [...new Set(nodes.map((n) => label(n, 'zone')).filter(Boolean))].sort(),
    region: nodes.map((n) => label(n, 'region')).find(Boolean),
    taints: nodes.flatMap((n) => (n.spec.taints ?? []).map((t: Obj) => `${n.metadata.name}:${t.key}=${t.value ?? ''}:${t.effect}`)).sort(),
    cpu: cpu / nodes.reduce((s, n) => s + q(n.status.allocatable.cpu), 0),
    memory: memory / nodes.reduce((s, n) => s + q(n.status.allocatable.memory), 0),
  };
}

registerBuiltinSchedulers();

async function importAndRun(clusters: string[]) {
  const out = join(mkdtempSync(join(tmpdir(), 'fleetsim-real-')), 'fleet.yaml');
  runImport({ paths: [], clusters, out, history: 'none', command: 'test' });
  const scenario = loadScenario(out);
  const run = await runScenario({ ...scenario, duration: 60 });
  return { scenario, run };
}

function check(name: string, exp: Expected, got: Awaited<ReturnType<typeof importAndRun>>): void {
  const c = got.scenario.fleet.clusters.find((x) => x.name === name)!;
  const pools = c.nodePools;
  expect(pools.reduce((s, p) => s + p.count, 0)).toBe(exp.nodes);
  expect(pools.reduce((s, p) => s + p.count * p.gpus.count, 0)).toBe(exp.gpus);
  expect([...c.zones].sort()).toEqual(exp.zones);
  expect([...new Set(pools.map((p) => p.zone).filter(Boolean))].sort()).toEqual(exp.zones);
  expect(c.region).toBe(exp.region ?? 'unknown'); // no region label anywhere: said in a note
  const taints = pools.flatMap((p) => p.nodes!.flatMap((n) => (p.taints ?? []).map((t) => `${n}:${t.key}=${t.value ?? ''}:${t.effect}`))).sort();
  expect(taints).toEqual(exp.taints);
  const at0 = got.run.initialState!.clusters.find((x) => x.name === name)!;
  expect(Math.abs(at0.cpu - exp.cpu)).toBeLessThanOrEqual(0.001 * Math.max(exp.cpu, 1e-9) + 1e-12);
  expect(Math.abs(at0.memory - exp.memory)).toBeLessThanOrEqual(0.001 * Math.max(exp.memory, 1e-9) + 1e-12);
  // The run's own first sample agrees, unless pods that were pending bound in the first cycle.
  if (at0.pending === 0) expect(got.run.series.clusters[name].cpu[0]).toBeCloseTo(at0.cpu, 12);
}

describe.skipIf(!have)('import of the real dumps in ../shared/real-state', () => {
  it('GKE, EKS with GPUs and AKS with a tainted system pool, as three members of one fleet', async () => {
    const gke = join(PERF, 'google/gke/cpu/size32');
    const eks = join(PERF, 'aws/eks/gpu');
    const aks = join(PERF, 'azure/aks/cpu/size32');
    const got = await importAndRun([`gke=${gke}`, `eks=${eks}`, `aks=${aks}`]);
    check('gke', expected(files(gke), []), got);
    check('eks', expected(files(eks), []), got);
    const aksExp = expected(files(aks), []);
    check('aks', aksExp, got);
    expect(aksExp.taints).toHaveLength(1);
    const aksPools = got.scenario.fleet.clusters.find((c) => c.name === 'aks')!.nodePools;
    expect(aksPools.map((p) => [p.count, p.taints?.length ?? 0])).toEqual(expect.arrayContaining([[1, 1], [aksExp.nodes - 1, 0]]));
    expect(got.scenario.fleet.clusters.find((c) => c.role === 'host')).toBeTruthy();
    expect(got.scenario.fleet.clusters.find((c) => c.name === 'eks')!.nodePools[0].gpus.model).toBe('p3dn.24xlarge');
  });

  it('OpenShift: two clusters in three zones with tainted masters, and a lab cluster with its pods', async () => {
    const node = join(OCP, 'node');
    const a = files(node, 'ci-ln-3z9y7mt');
    const b = files(node, 'ci-ln-ywdpkbt');
    const lab = [...files(node, 'master-0.imeixner'), ...files(node, 'worker-0.imeixner')];
    const pods = files(join(OCP, 'pod'));
    const got = await importAndRun([`ocp-a=${join(node, 'ci-ln-3z9y7mt')}`, `ocp-b=${join(node, 'ci-ln-ywdpkbt')}`, `lab=${join(node, 'master-0.imeixner')}`, `lab=${join(node, 'worker-0.imeixner')}`, `lab=${join(OCP, 'pod')}`]);
    const ea = expected(a, []);
    expect(ea.zones).toHaveLength(3);
    expect(ea.taints).toHaveLength(3);
    check('ocp-a', ea, got);
    check('ocp-b', expected(b, []), got);
    const el = expected(lab, pods);
    expect(el.cpu).toBeGreaterThan(0);
    check('lab', el, got);
    // The pod bound to a node outside the dump waits, said so; the static etcd pod keeps its master.
    const notes = got.scenario.inputs.notes.map((n) => `${n.object}: ${n.text}`);
    expect(notes.some((n) => /vsystem-867f4b77cc-pqcns: bound to node pvx510\.wdf\.sap\.corp, which is not in the dump/.test(n))).toBe(true);
    expect(got.run.initialState!.clusters.find((c) => c.name === 'lab')!.pending).toBe(2);
  });

  it('the 2017 Sonobuoy archive: a bare array of nodes with legacy zone labels and a tainted master, pods in ns/*/Pods.json', async () => {
    const got = await importAndRun([`aws=${SONO}`]);
    const exp = expected(files(join(SONO, 'cluster')), files(join(SONO, 'ns')));
    expect(exp.taints).toHaveLength(1);
    check('aws', exp, got);
    const live = files(join(SONO, 'ns')).flatMap(objects).filter((p) => p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed');
    expect(got.run.initialState!.clusters.find((c) => c.name === 'aws')!.bound).toBe(live.length);
  });

  it("kwok's virtual GPU node (one YAML object): its GPUs, its taint, and the allocatable it has that fleetsim does not model, named", async () => {
    const node = parse(readFileSync(KWOK, 'utf8')) as Obj;
    const got = await importAndRun([`kwok=${KWOK}`]);
    const pools = got.scenario.fleet.clusters.find((c) => c.name === 'kwok')!.nodePools;
    expect(pools.map((p) => [p.count, p.gpus.count, p.cpuMillis, p.taints])).toEqual([[1, q(node.status.allocatable['nvidia.com/gpu']), q(node.status.allocatable.cpu) * 1000, node.spec.taints]]);
    const other = Object.entries(node.status.allocatable as Record<string, string>).filter(([k, v]) => !['cpu', 'memory', 'pods', 'nvidia.com/gpu'].includes(k) && q(v) > 0);
    expect(other.length).toBeGreaterThan(0);
    const note = got.scenario.inputs.notes.find((n) => n.object === '1 Node of kwok')!.text;
    for (const [k] of other) expect(note).toContain(`${k} (1)`);
  });
});
