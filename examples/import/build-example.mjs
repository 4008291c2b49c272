#!/usr/bin/env node
// The worked example of README "Model your own fleet": three real dumps of ../shared/real-state
// (GKE, EKS with GPUs, AKS with a tainted system pool) as the members of one Karmada fleet, with
// the control plane's objects of examples/import/karmada.yaml. The real dumps hold nodes only, so
// this script first writes what `kubectl get pods -A -o json` would show on those nodes for that
// fleet (the bindings' replicas, a kube-proxy on every node, CoreDNS on AKS's system pool), then
// runs `fleetsim import` and `fleetsim run` on the result.
//
//   npm run example:import                      # into reports/import-example/
//   node examples/import/build-example.mjs DIR  # elsewhere (after npm run build)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { podObject, writeList } = await import(join(ROOT, 'dist/src/import/export.js'));
const OUT = resolve(process.argv[2] ?? join(ROOT, 'reports/import-example'));
const PERF = resolve(ROOT, '../shared/real-state/converged-computing__performance-study/experiments');
const MEMBERS = { gke: join(PERF, 'google/gke/cpu/size32'), eks: join(PERF, 'aws/eks/gpu'), aks: join(PERF, 'azure/aks/cpu/size32') };
const AT = '2024-08-27T23:00:00Z';
const BINDINGS = { gke: { web: 120 }, aks: { web: 120 }, eks: { inference: 64 } };

for (const [cluster, dir] of Object.entries(MEMBERS)) {
  const nodes = JSON.parse(readFileSync(join(dir, readdirOne(dir)), 'utf8')).items;
  const user = nodes.filter((n) => !(n.spec.taints ?? []).length).map((n) => n.metadata.name);
  const system = nodes.filter((n) => (n.spec.taints ?? []).length).map((n) => n.metadata.name);
  const pods = nodes.map((n, i) => ({ namespace: 'kube-system', name: `kube-proxy-${i}`, owner: { kind: 'DaemonSet', name: 'kube-proxy' }, node: n.metadata.name, phase: 'Running', cpuMillis: 100, memoryBytes: 128 * 2 ** 20, gpus: 0, priority: 2000001000, image: 'registry.k8s.io/kube-proxy:v1.30.2' }));
  for (const [k, node] of system.entries()) pods.push({ namespace: 'kube-system', name: `coredns-${k}`, owner: { kind: 'Deployment', name: 'coredns' }, node, phase: 'Running', cpuMillis: 100, memoryBytes: 70 * 2 ** 20, gpus: 0, priority: 2000000000, image: 'mcr.microsoft.com/oss/kubernetes/coredns:v1.11.1' });
  for (const [app, replicas] of Object.entries(BINDINGS[cluster])) {
    for (let r = 0; r < replicas; r++) {
      const shape = app === 'web' ? { namespace: 'shop', cpuMillis: 4000, memoryBytes: 8 * 2 ** 30, gpus: 0, image: 'registry.example.com/shop/web:3.4' } : { namespace: 'ml', cpuMillis: 8000, memoryBytes: 64 * 2 ** 30, gpus: 1, image: 'registry.example.com/ml/inference:1.9' };
      pods.push({ ...shape, name: `${app}-7f9c6b5d8-${r}`, owner: { kind: 'Deployment', name: app }, node: user[r % user.length], phase: 'Running', priority: 0 });
    }
  }
  mkdirSync(join(OUT, 'dump', cluster), { recursive: true });
  writeList(join(OUT, 'dump', cluster, 'pods.json'), pods.map((p) => podObject(p, AT)));
}

function readdirOne(dir) {
  return execFileSync('ls', [dir], { encoding: 'utf8' }).trim().split('\n').find((f) => f.endsWith('.json'));
}

const fleetsim = (...args) => execFileSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
const clusters = Object.entries(MEMBERS).flatMap(([c, dir]) => ['--cluster', `${c}=${dir}`, '--cluster', `${c}=${join(OUT, 'dump', c)}`]);
process.stdout.write(fleetsim('import', ...clusters, '--host', join(ROOT, 'examples/import/karmada.yaml'), '--lose', 'gke', '--lose-at', '10m', '--out', join(OUT, 'fleet.yaml')));
process.stdout.write('\n' + fleetsim('run', join(OUT, 'fleet.yaml'), '--out', join(OUT, 'report')));
