import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeObject, podObject, writeList, type ExportNode, type ExportPod } from '../src/import/export.js';
import { runImport } from '../src/import/index.js';

/**
 * `fleetsim import` on a large dump: a synthetic fleet of `--nodes` nodes and `--pods` pods
 * (default 10,000 and 200,000) over `--clusters` members, written as `kubectl get nodes,pods -A
 * -o json` writes it (src/import/export.ts: real-looking objects, ~3 KB a pod), and the largest
 * real dumps of ../shared/real-state. Each import runs in a child process of its own, so its
 * peak memory (maxRSS) and CPU time are its own; the reference is a child that only reads the
 * same files' bytes in the same chunks (the floor any importer pays). Medians over `--runs`;
 * nothing is asserted. On a shared machine the wall time follows the load; the CPU time is what
 * it would be on an idle core.
 *
 *   npm run bench:import                          # 10,000 nodes, 200,000 pods, 3 runs
 *   npm run bench:import -- --nodes 2000 --pods 40000 --runs 5
 *   node dist/bench/import.js --json
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const SHARED = resolve(ROOT, '../shared/real-state');

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

interface Child {
  ms: number;
  /** CPU time of the child (user + system): what the wall time would be on an idle core. */
  cpuMs: number;
  maxRssMiB: number;
}

/** In the child: do one thing and say how long it took and the process's peak memory. */
function child(): void {
  const [, , , mode, out, ...rest] = process.argv;
  const t0 = performance.now();
  if (mode === 'read') {
    const buf = Buffer.allocUnsafe(8 << 20);
    let sum = 0;
    for (const f of rest) {
      const fd = openSync(f, 'r');
      for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) sum += buf[n - 1];
      closeSync(fd);
    }
    if (sum < 0) console.error(sum);
  } else {
    runImport({ paths: [], clusters: rest, out, history: 'none', command: 'bench' });
  }
  const ms = performance.now() - t0;
  const u = process.resourceUsage();
  process.stdout.write(JSON.stringify({ ms, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssMiB: u.maxRSS / 1024 }) + '\n');
}

function runChild(mode: 'read' | 'import', out: string, args: string[]): Child {
  // A child that hangs (it has happened once, at start-up, on this shared machine) fails the bench instead of stalling it.
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, out, ...args], { encoding: 'utf8', maxBuffer: 1 << 24, timeout: 30 * 60_000 });
  if (r.status !== 0) throw new Error(`child ${mode} failed (${r.signal ?? `exit ${r.status}`}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Child;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A fleet that looks like a real one: DaemonSets on every node, Deployments of many sizes, some Jobs, a few pending pods. */
function generate(dir: string, nodes: number, pods: number, clusters: number): { files: string[]; bytes: number } {
  const AT = '2024-06-01T08:00:00Z';
  const files: string[] = [];
  let seed = 17;
  const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let c = 0; c < clusters; c++) {
    const name = `member-${c + 1}`;
    mkdirSync(join(dir, name), { recursive: true });
    const n = Math.floor(nodes / clusters) + (c < nodes % clusters ? 1 : 0);
    const ns: ExportNode[] = Array.from({ length: n }, (_, k) => {
      const gpu = k % 10 === 0;
      return {
        name: `${name}-node-${String(k).padStart(5, '0')}`,
        cpuMillis: gpu ? 95690 : 31850,
        memoryBytes: (gpu ? 736000 : 124000) * 2 ** 20,
        pods: 110,
        gpus: gpu ? 8 : 0,
        gpuModel: gpu ? 'NVIDIA-A100-SXM4-80GB' : '',
        labels: { 'node.kubernetes.io/instance-type': gpu ? 'p4d.24xlarge' : 'm6i.8xlarge', 'eks.amazonaws.com/nodegroup': gpu ? 'gpu' : 'general' },
        taints: gpu ? [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] : [],
        zone: `zone-${(k % 3) + 1}`,
        region: `region-${c + 1}`,
        cordoned: k % 997 === 5,
        ready: k % 1499 !== 7,
      };
    });
    writeList(join(dir, name, 'nodes.json'), ns.map((x) => nodeObject(x, AT)));
    const gpuNodes = ns.filter((x) => x.gpus > 0);
    files.push(join(dir, name, 'nodes.json'));
    const want = Math.floor(pods / clusters) + (c < pods % clusters ? 1 : 0);
    const list = function* (): Generator<Record<string, unknown>> {
      let made = 0;
      // Two DaemonSets: one pod on every node.
      for (const ds of ['kube-proxy', 'node-exporter']) {
        for (const node of ns) {
          if (made >= want) return;
          yield podObject({ namespace: 'kube-system', name: `${ds}-${made}`, owner: { kind: 'DaemonSet', name: ds }, node: node.name, phase: 'Running', cpuMillis: 100, memoryBytes: 128 * 2 ** 20, gpus: 0, priority: 2000001000, image: `registry.k8s.io/${ds}:v1.30.2` }, AT);
          made++;
        }
      }
      for (let d = 0; made < want; d++) {
        const replicas = 1 + Math.floor(rnd() * 120);
        const job = d % 7 === 0;
        const gpu = d % 11 === 0;
        const owner: ExportPod['owner'] = { kind: job ? 'Job' : 'Deployment', name: `app-${d}` };
        for (let r = 0; r < replicas && made < want; r++, made++) {
          const pending = rnd() < 0.01;
          const pool = gpu ? gpuNodes : ns;
          const node = pending ? null : pool[Math.floor(rnd() * pool.length)].name;
          yield podObject({ namespace: `team-${d % 40}`, name: `app-${d}-${r}`, owner, node, phase: pending ? 'Pending' : 'Running', cpuMillis: 250 * (1 + (d % 4)), memoryBytes: 512 * (1 + (d % 8)) * 2 ** 20, gpus: gpu ? 1 : 0, priority: 0, image: `registry.example.com/team/app-${d}:1.${d % 9}` }, AT);
        }
      }
    };
    writeList(join(dir, name, 'pods.json'), list());
    files.push(join(dir, name, 'pods.json'));
  }
  return { files, bytes: files.reduce((s, f) => s + statSync(f).size, 0) };
}

function measure(label: string, clusters: string[], files: string[], runs: number, out: string) {
  const imp: Child[] = [];
  const read: Child[] = [];
  for (let r = 0; r < runs; r++) {
    // Alternate which goes first: a change of load between them cancels out in a pair.
    if (r % 2 === 0) {
      read.push(runChild('read', out, files));
      imp.push(runChild('import', out, clusters));
    } else {
      imp.push(runChild('import', out, clusters));
      read.push(runChild('read', out, files));
    }
  }
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  return {
    label,
    mb: bytes / 1e6,
    importS: median(imp.map((x) => x.ms)) / 1000,
    importCpuS: median(imp.map((x) => x.cpuMs)) / 1000,
    readS: median(read.map((x) => x.ms)) / 1000,
    ratio: median(imp.map((x, i) => x.ms / read[i].ms)),
    importMaxRssMiB: median(imp.map((x) => x.maxRssMiB)),
    readMaxRssMiB: median(read.map((x) => x.maxRssMiB)),
  };
}

function main(): void {
  const nodes = arg('nodes', 10000);
  const pods = arg('pods', 200000);
  const clusters = arg('clusters', 4);
  const runs = arg('runs', 3);
  const json = process.argv.includes('--json');
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-bench-import-'));
  try {
    const t0 = performance.now();
    const gen = generate(join(dir, 'dump'), nodes, pods, clusters);
    const genS = (performance.now() - t0) / 1000;
    const out = join(dir, 'fleet.yaml');
    const rows = [measure(`synthetic ${nodes.toLocaleString('en-US')} nodes, ${pods.toLocaleString('en-US')} pods, ${clusters} members`, Array.from({ length: clusters }, (_, c) => `member-${c + 1}=${join(dir, 'dump', `member-${c + 1}`)}`), gen.files, runs, out)];
    const aks = join(SHARED, 'converged-computing__performance-study/experiments/azure/aks/cpu/size32');
    if (existsSync(aks)) {
      const perf = join(SHARED, 'converged-computing__performance-study/experiments');
      const three = [`gke=${join(perf, 'google/gke/cpu/size32')}`, `eks=${join(perf, 'aws/eks/gpu')}`, `aks=${aks}`];
      rows.push(measure('largest real dump: AKS nodes-32.json', [`aks=${aks}`], readdirSync(aks).map((f) => join(aks, f)), runs, out));
      rows.push(measure('real GKE + EKS GPU + AKS, three members', three, three.flatMap((c) => readdirSync(c.split('=')[1]).map((f) => join(c.split('=')[1], f))), runs, out));
      // The same AKS nodes ten times over, as `kubectl get nodes -o yaml` writes a List: YAML's pace.
      const nodes = JSON.parse(readFileSync(join(aks, readdirSync(aks)[0]), 'utf8')).items as { metadata: { name: string } }[];
      const many = Array.from({ length: 10 }, (_, k) => nodes.map((n) => ({ ...n, metadata: { ...n.metadata, name: `${n.metadata.name}-${k}` } }))).flat();
      mkdirSync(join(dir, 'yaml'), { recursive: true });
      // The copies share their spec and status objects: written out in full, as kubectl writes YAML (no anchors).
      writeFileSync(join(dir, 'yaml', 'nodes.yaml'), stringify({ apiVersion: 'v1', items: many, kind: 'List', metadata: { resourceVersion: '' } }, { aliasDuplicateObjects: false }));
      rows.push(measure(`AKS nodes ×10 as a -o yaml List (${many.length} nodes)`, [`aks=${join(dir, 'yaml')}`], [join(dir, 'yaml', 'nodes.yaml')], runs, out));
    }
    const load = loadavg().map((x) => x.toFixed(2)).join(' ');
    if (json) {
      process.stdout.write(JSON.stringify({ generateS: genS, load, rows }) + '\n');
      return;
    }
    process.stdout.write(`dump generated in ${genS.toFixed(1)} s (${(gen.bytes / 1e6).toFixed(0)} MB); load average ${load}; medians of ${runs} runs, each in a child process\n\n`);
    process.stdout.write('| dump | MB | import wall s | import CPU s | read-only wall s | import ÷ read (paired) | import peak RSS MiB | read peak RSS MiB |\n|---|---:|---:|---:|---:|---:|---:|---:|\n');
    for (const r of rows) process.stdout.write(`| ${r.label} | ${r.mb.toFixed(1)} | ${r.importS.toFixed(2)} | ${r.importCpuS.toFixed(2)} | ${r.readS.toFixed(2)} | ${r.ratio.toFixed(1)} | ${r.importMaxRssMiB.toFixed(0)} | ${r.readMaxRssMiB.toFixed(0)} |\n`);
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`kept ${dir}\n`);
  }
}

if (process.argv[2] === '--child') child();
else main();
