import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { examples, mutate, mutation } from '../fuzz/mutate.js';

/**
 * A corpus of hostile scenarios, of the kinds issue 18 lists: wrong types, out-of-range values,
 * huge counts, bad CSVs, odd paths, YAML oddities, broken scheduler modules, and fuzzed variants
 * of the example scenarios. Each case is a folder: the scenario (`s.yaml`) and the files it needs;
 * files it points at outside that folder are made beside it (`../outside/...`).
 */

export type FileBody = string | Buffer | { symlink: string } | { fifo: true } | { sparse: number };

export interface HostileCase {
  readonly name: string;
  /** Files of the case's folder; `s.yaml` is the scenario. Paths may go up one level (`../x`). */
  readonly files: Record<string, FileBody>;
  /** A scheduler module that fails only while running: the run fails with exit 1, naming the module. */
  readonly failsAtRun?: boolean;
  /** Extra arguments for `run` (e.g. an --out to refuse). */
  readonly runArgs?: readonly string[];
}

type Obj = Record<string, unknown>;

const base = (): Obj => ({
  name: 'hostile',
  duration: '30m',
  metrics: { interval: '1m' },
  fleet: {
    clusters: [
      { name: 'a', region: 'r1', nodePools: [{ name: 'gpu', count: 3, cpu: 8, memory: '32Gi', gpus: { count: 2, model: 'T4' } }] },
      { name: 'b', region: 'r2', nodePools: [{ name: 'cpu', count: 2, cpu: 8, memory: '32Gi' }] },
    ],
  },
  policies: [{ name: 'spread', resourceSelectors: [{ kind: 'Deployment' }, { kind: 'Job' }], placement: { replicaScheduling: { replicaSchedulingType: 'Divided' } } }],
  workloads: [
    { kind: 'Deployment', name: 'web', replicas: 4, resources: { cpu: 1, memory: '1Gi' } },
    { kind: 'Job', name: 'batch', parallelism: 2, resources: { cpu: 1, memory: '1Gi', gpu: 1 }, duration: { kind: 'exponential', mean: '5m' }, arrivals: { rate: { kind: 'constant', rate: 0.01 }, until: '20m' } },
  ],
  faults: [{ kind: 'cluster-outage', cluster: 'b', at: '10m', duration: '5m' }],
});

/** The base scenario with `path` set to `value` (path as a list of keys and indexes). */
function setting(path: (string | number)[], value: unknown): Obj {
  const doc = base();
  let cur = doc as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) {
    if (cur[p] === undefined) cur[p] = typeof p === 'number' ? [] : {};
    cur = cur[p] as Record<string | number, unknown>;
  }
  cur[path[path.length - 1]] = value;
  return doc;
}

const scenario = (doc: unknown, files: Record<string, FileBody> = {}): Record<string, FileBody> => ({ 's.yaml': stringify(doc), ...files });
const text = (t: string, files: Record<string, FileBody> = {}): Record<string, FileBody> => ({ 's.yaml': t, ...files });

const W = ['workloads', 0];
const J = ['workloads', 1];
const P = ['fleet', 'clusters', 0, 'nodePools', 0];

/** Wrong types: a value of another type at a field of each block. */
const wrongTypes: [string, (string | number)[], unknown][] = [
  ['name-number', ['name'], 3],
  ['fleet-list', ['fleet'], []],
  ['clusters-map', ['fleet', 'clusters'], { a: 1 }],
  ['count-word', [...P, 'count'], 'many'],
  ['cpu-bool', [...P, 'cpu'], true],
  ['memory-list', [...P, 'memory'], [1]],
  ['gpus-string', [...P, 'gpus'], 'two'],
  ['duration-map', ['duration'], { h: 1 }],
  ['seed-string', ['seed'], 'lucky'],
  ['metrics-number', ['metrics'], 5],
  ['workloads-string', ['workloads'], 'web'],
  ['replicas-float', [...W, 'replicas'], 1.5],
  ['resources-cpu-map', [...W, 'resources', 'cpu'], {}],
  ['placement-list', ['policies', 0, 'placement'], []],
  ['schedulers-string', ['schedulers'], 'karmada'],
  ['include-string', ['include'], 'x.yaml'],
  ['fault-at-list', ['faults', 0, 'at'], []],
  ['job-duration-bool', [...J, 'duration'], false],
  ['arrivals-rate-number', [...J, 'arrivals', 'rate'], 3],
  ['network-links-map', ['network', 'links'], { x: 1 }],
  ['region-number', ['fleet', 'clusters', 0, 'region'], 7],
  ['taints-string', ['fleet', 'clusters', 0, 'taints'], 'NoSchedule'],
  ['labels-list', ['fleet', 'clusters', 0, 'labels'], ['a']],
  ['variants-map', ['variants'], { name: 'v' }],
  ['karmada-gates-string', ['karmada', 'featureGates'], 'Failover'],
  ['services-map', ['services'], { name: 's' }],
  ['autoscalers-number', ['autoscalers'], 1],
  ['prices-string', ['fleet', 'clusters', 0, 'prices'], 'cheap'],
  ['queue-number', [...J, 'queue'], 5],
  ['null-fleet', ['fleet'], null],
];

/** Out-of-range values: zero periods, negatives, values whose consequences overflow. */
const outOfRange: [string, (string | number)[], unknown][] = [
  ['interval-zero', ['metrics', 'interval'], 0],
  ['interval-negative', ['metrics', 'interval'], '-5m'],
  ['duration-negative', ['duration'], -1],
  ['duration-1e6-days', ['duration'], '1000000d'],
  ['duration-1e400', ['duration'], '1e400'],
  ['seed-negative', ['seed'], -1],
  ['seed-2e60', ['seed'], 2 ** 60],
  ['count-negative', [...P, 'count'], -1],
  ['gpus-65', [...P, 'gpus', 'count'], 65],
  ['gpus-1e9', [...P, 'gpus', 'count'], 1e9],
  ['maxpods-zero', [...P, 'maxPods'], 0],
  ['replicas-2e31', [...W, 'replicas'], 2 ** 31],
  ['cpu-2e6-cores', [...P, 'cpu'], 2e6],
  ['memory-2Pi', [...P, 'memory'], '2Pi'],
  ['bandwidth-zero', ['network', 'default', 'bandwidth'], 0],
  ['bandwidth-tiny', ['network', 'default', 'bandwidth'], 8.4e-323],
  ['bandwidth-1bps', ['network', 'default', 'bandwidth'], '1bps'],
  ['latency-negative', ['network', 'default', 'latency'], '-1s'],
  ['lognormal-sigma-1e6', [...J, 'duration'], { kind: 'lognormal', mu: 1, sigma: 1e6 }],
  ['lognormal-mu-800', [...J, 'duration'], { kind: 'lognormal', mu: 800, sigma: 1 }],
  ['weibull-shape-tiny', [...J, 'duration'], { kind: 'weibull', shape: 1e-6, scale: '1m' }],
  ['normal-stddev-negative', [...J, 'duration'], { kind: 'normal', mean: '1m', stddev: -1 }],
  ['uniform-min-over-max', [...J, 'duration'], { kind: 'uniform', min: '10m', max: '1m' }],
  ['exponential-mean-zero', [...J, 'duration'], { kind: 'exponential', mean: 0 }],
  ['piecewise-out-of-order', [...J, 'arrivals', 'rate'], { kind: 'piecewise', points: [{ t: 600, rate: 0.1 }, { t: 60, rate: 0.2 }] }],
  ['piecewise-repeat-short', [...J, 'arrivals', 'rate'], { kind: 'piecewise', points: [{ t: 0, rate: 0.1 }, { t: 600, rate: 0.2 }], repeat: 300 }],
  ['diurnal-period-zero', [...J, 'arrivals', 'rate'], { kind: 'diurnal', mean: 0.01, amplitude: 0.5, period: '0ms' }],
  ['diurnal-amplitude-2', [...J, 'arrivals', 'rate'], { kind: 'diurnal', mean: 0.01, amplitude: 2 }],
  ['rate-negative', [...J, 'arrivals', 'rate', 'rate'], -1],
  ['mtbf-zero', ['faults', 0], { kind: 'cluster-outage', cluster: 'a', mtbf: 0, mttr: '1m' }],
  ['mtbf-1ms', ['faults', 0], { kind: 'cluster-outage', cluster: 'a', mtbf: '1ms', mttr: '1ms' }],
  ['prices-negative', ['fleet', 'clusters', 0, 'prices', 'cpu'], -1],
  ['ondemand-floor-2', ['costSpot', 'onDemandFloor'], 2],
  ['priority-1e12', [...W, 'priority'], 1e12],
  ['eviction-rate-negative', ['karmada', 'resourceEvictionRate'], -1],
  ['status-frequency-zero', ['karmada', 'clusterStatusUpdateFrequency'], 0],
  ['volcano-period-zero', ['fleet', 'clusters', 0, 'volcano'], { schedulePeriod: 0 }],
  ['gpumilli-1001', [...J, 'resources', 'gpuMilli'], 1001],
  ['arrivals-count-zero', [...J, 'arrivals', 'count'], 0],
  ['weight-zero', ['policies', 0, 'placement', 'replicaScheduling'], { replicaSchedulingType: 'Divided', weightPreference: { staticWeightList: [{ targetCluster: { clusterNames: ['a'] }, weight: 0 }] } }],
];

/** Huge counts: more than this machine can simulate, or a run that would never end. */
const huge: [string, (string | number)[], unknown][] = [
  ['three-million-nodes', ['fleet', 'clusters', 0, 'nodePools'], [1, 2, 3].map((i) => ({ name: `p${i}`, count: 1_000_000, cpu: 8, memory: '32Gi' }))],
  ['billion-replicas', [...W, 'replicas'], 1_000_000_000],
  ['billion-completions', [...J, 'completions'], 1_000_000_000],
  ['billion-arrivals-per-second', [...J, 'arrivals', 'rate', 'rate'], 1e9],
  ['century-at-1ms', ['metrics'], { interval: '1ms' }],
  ['century-run', ['duration'], '36500d'],
  ['million-nodes-million-pods', ['fleet', 'clusters'], [{ name: 'a', region: 'r1', nodePools: [{ count: 1_000_000, cpu: 8, memory: '32Gi' }] }, { name: 'b', region: 'r2', nodePools: [{ count: 2, cpu: 8, memory: '32Gi' }] }]],
  ['fault-every-ms-on-all', ['faults'], [{ kind: 'region-outage', region: 'r1', mtbf: '1ms', mttr: '1ms' }]],
  ['request-mode-billion-rps', ['services'], [{ name: 's', workload: 'web', users: [{ region: 'r1', rate: { kind: 'constant', rate: 1e9 } }] }]],
  ['hpa-sync-1ms', ['autoscalers'], [{ name: 'h', scaleTargetRef: { name: 'web' }, maxReplicas: 1_000_000, syncPeriod: '1ms', metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 1 } } }] }]],
];

function cases(): HostileCase[] {
  const out: HostileCase[] = [];
  for (const [name, path, value] of [...wrongTypes, ...outOfRange, ...huge]) out.push({ name, files: scenario(setting(path, value)) });
  out.push({ name: 'request-mode-traffic-huge', files: scenario({ ...setting(['services'], [{ name: 's', workload: 'web', users: [{ region: 'r1', rate: { kind: 'constant', rate: 1e6 } }] }]), traffic: { mode: 'request' } }) });
  out.push({ name: 'thousand-variants', files: scenario({ ...base(), variants: Array.from({ length: 1000 }, (_, i) => ({ name: `v${i}`, set: { 'workloads[0].replicas': i } })) }) });
  out.push({ name: 'fifty-thousand-workloads', files: scenario({ ...base(), workloads: Array.from({ length: 50_000 }, (_, i) => ({ kind: 'Deployment', name: `w${i}`, replicas: 1 })) }) });
  out.push({ name: 'forty-thousand-keys', files: scenario({ ...base(), priorityClasses: Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`pc-${i}`, i])) }) });

  // Bad CSVs.
  const emp = (csv: string, column = 'seconds'): Obj => setting([...J, 'duration'], { kind: 'empirical', csv, column });
  const csvCases: [string, Obj, Record<string, FileBody>][] = [
    ['csv-missing', emp('nope.csv'), {}],
    ['csv-no-column', emp('d.csv'), { 'd.csv': 'id,other\n1,2\n' }],
    ['csv-empty', emp('d.csv'), { 'd.csv': '' }],
    ['csv-header-only', emp('d.csv'), { 'd.csv': 'seconds\n' }],
    ['csv-word', emp('d.csv'), { 'd.csv': 'seconds\n10\nten\n' }],
    ['csv-negative', emp('d.csv'), { 'd.csv': 'seconds\n-5\n' }],
    ['csv-nul-bytes', emp('d.csv'), { 'd.csv': Buffer.from('seconds\n1\0\0\n') }],
    ['csv-binary', emp('d.csv'), { 'd.csv': Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x90, 0xc3, 0x28]) }],
    ['csv-unterminated-quote', emp('d.csv'), { 'd.csv': 'seconds\n"10\n' }],
    ['csv-long-line', emp('d.csv'), { 'd.csv': `seconds\n${'9'.repeat(200_000)}\n` }],
    ['csv-shadow-header', emp('d.csv'), { 'd.csv': 'root:$y$j9T$abcdefghijklmnopqrstuv:19000:0:99999:7:::\n' }],
    ['csv-crlf-bom-ok', emp('d.csv'), { 'd.csv': '\ufeffseconds\r\n60\r\n120\r\n' }],
    ['csv-huge-value', emp('d.csv'), { 'd.csv': 'seconds\n1e300\n' }],
    ['faulttrace-wrong-columns', { ...base(), faultTrace: 'f.csv' }, { 'f.csv': 'when,what\n10m,a\n' }],
    ['faulttrace-bad-kind', { ...base(), faultTrace: 'f.csv' }, { 'f.csv': 'time,target,kind,duration\n10m,a,meltdown,5m\n' }],
    ['faulttrace-bad-time', { ...base(), faultTrace: 'f.csv' }, { 'f.csv': 'time,target,kind,duration\nsoon,a,cluster-outage,5m\n' }],
    ['faulttrace-unknown-target', { ...base(), faultTrace: 'f.csv' }, { 'f.csv': 'time,target,kind,duration\n10m,zz,cluster-outage,5m\n' }],
    ['faulttrace-extra-column', { ...base(), faultTrace: 'f.csv' }, { 'f.csv': 'time,target,kind,duration,secret\n10m,a,cluster-outage,5m,x\n' }],
    ['faulttrace-ok', { ...base(), faultTrace: 'f.csv' }, { 'f.csv': 'time,target,kind,duration\n10m,a,cluster-outage,5m\n' }],
    ['faulttrace-empty', { ...base(), faultTrace: 'f.csv' }, { 'f.csv': 'time,target,kind,duration\n' }],
    ['openb-nodes-wrong', setting(['fleet', 'clusters', 0], { name: 'a', region: 'r1', trace: { kind: 'openb', nodes: 'n.csv' } }), { 'n.csv': 'name,cpu\nx,1\n' }],
    ['openb-pods-bad-row', setting(['fleet', 'clusters', 0], { name: 'a', region: 'r1', nodePools: [{ count: 2, cpu: 8, memory: '32Gi', gpus: { count: 2 } }], trace: { kind: 'openb', pods: 'p.csv', mode: 'paper' } }), { 'p.csv': 'name,cpu_milli,memory_mib,num_gpu,gpu_milli\np0,1000,100,2,500\n' }],
    ['traffic-csv-missing-column', setting(['services'], [{ name: 's', workload: 'web', users: [{ region: 'r1', rate: { kind: 'csv', csv: 'r.csv', column: 'rps' } }] }]), { 'r.csv': 'time,other\n0,1\n' }],
  ];
  for (const [name, doc, files] of csvCases) out.push({ name, files: scenario(doc, files) });

  // Odd paths.
  const inc = (p: string, files: Record<string, FileBody> = {}): Record<string, FileBody> => scenario({ ...base(), include: [p] }, files);
  const secret = { '../outside/secret.txt': 'API_TOKEN=ghp_this_must_not_leak\n' };
  out.push({ name: 'include-parent', files: inc('../outside/secret.txt', secret) });
  out.push({ name: 'include-etc-passwd', files: inc('/etc/passwd') });
  out.push({ name: 'include-etc-shadow', files: inc('/etc/shadow') });
  out.push({ name: 'include-dev-zero', files: inc('/dev/zero') });
  out.push({ name: 'include-proc-environ', files: inc('/proc/self/environ') });
  out.push({ name: 'include-symlink-out', files: inc('link.yaml', { ...secret, 'link.yaml': { symlink: '../outside/secret.txt' } }) });
  out.push({ name: 'include-folder', files: inc('sub', { 'sub/x.yaml': 'a: 1\n' }) });
  out.push({ name: 'include-fifo', files: inc('pipe.yaml', { 'pipe.yaml': { fifo: true } }) });
  out.push({ name: 'include-missing', files: inc('nope.yaml') });
  out.push({ name: 'include-not-utf8', files: inc('x.yaml', { 'x.yaml': Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]) }) });
  out.push({ name: 'include-empty', files: inc('x.yaml', { 'x.yaml': '' }) });
  out.push({ name: 'include-sparse-huge', files: inc('big.yaml', { 'big.yaml': { sparse: 200 * 2 ** 20 } }) });
  out.push({ name: 'include-secret-scalar', files: inc('x.yaml', { 'x.yaml': 'ghp_this_must_not_leak_either\n' }) });
  out.push({ name: 'include-self', files: inc('s.yaml') });
  out.push({ name: 'faulttrace-shadow', files: scenario({ ...base(), faultTrace: '/etc/shadow' }) });
  out.push({ name: 'csv-proc-environ', files: scenario(emp('/proc/self/environ')) });
  out.push({ name: 'csv-dotdot', files: scenario(emp('../outside/secret.txt'), secret) });
  out.push({ name: 'scheduler-outside', files: scenario({ ...base(), schedulers: ['../outside/s.mjs'] }, { '../outside/s.mjs': 'export default { name: "x", schedule: () => ({ ok: false, kind: "FitError", message: "" }) };\n' }) });
  out.push({ name: 'scenario-is-folder', files: { 's.yaml/x': 'a' } });

  // YAML oddities.
  const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
  const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n') + '\n';
  const yamlCases: [string, string][] = [
    ['yaml-deep-nesting', deep],
    ['yaml-deep-maps', `${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`],
    ['yaml-alias-bomb', bomb],
    ['yaml-duplicate-key', stringify(base()).replace('name: hostile', 'name: hostile\nname: again')],
    ['yaml-tabs', stringify(base()).replace(/\n {2}/g, '\n\t')],
    ['yaml-bom-ok', `\ufeff${stringify(base())}`],
    ['yaml-crlf-ok', stringify(base()).replace(/\n/g, '\r\n')],
    ['yaml-empty', ''],
    ['yaml-comments-only', '# nothing\n# here\n'],
    ['yaml-two-documents', `${stringify(base())}---\n${stringify(base())}`],
    ['yaml-binary', '\u0000\u0001\u0002\u00ff garbage \u0000'],
    ['yaml-unterminated-quote', 'name: "hostile\nfleet: {}\n'],
    ['yaml-long-line', `name: ${'x'.repeat(1_000_000)}\n`],
    ['yaml-binary-tag', 'name: !!binary aGVsbG8=\n'],
    ['yaml-unknown-tag', 'name: !secret-token-value hostile\n'],
    ['yaml-template', `${stringify(base())}extra: {{ .Values.x }}\n`],
    ['yaml-huge-key', `${'k'.repeat(5000)}: 1\n`],
    ['yaml-scalar-document', 'just a line of text\n'],
    ['yaml-list-document', '- a\n- b\n'],
    ['yaml-anchor-merge', `${stringify(base())}x: &x { a: 1 }\ny: *x\n`],
  ];
  for (const [name, t] of yamlCases) out.push({ name, files: text(t) });

  // Scheduler modules.
  const mod = (body: string, failsAtRun = false): HostileCase => ({ name: '', files: scenario({ ...base(), schedulers: ['./s.mjs'] }, { 's.mjs': body }), failsAtRun });
  const mods: [string, HostileCase][] = [
    ['module-missing', { name: '', files: scenario({ ...base(), schedulers: ['./nope.mjs'] }) }],
    ['module-syntax-error', mod('export default { name: "x", schedule( => }\n')],
    ['module-no-export', mod('const x = 1;\n')],
    ['module-wrong-shape', mod('export default { name: "x" };\n')],
    ['module-no-name', mod('export default { schedule: () => ({ ok: true, clusters: [] }) };\n')],
    ['module-throws-on-load', mod('throw new Error("boom at load");\n')],
    ['module-schedule-not-function', mod('export default { name: "x", schedule: 5 };\n')],
    ['module-register-nothing', mod('export function register(api) {}\n')],
    ['module-throws-while-running', mod('export default { name: "thrower", schedule() { throw new Error("boom while scheduling"); } };\n', true)],
    ['module-secret-text', mod('ghp_secret_token_value_in_a_module\n')],
  ];
  for (const [name, c] of mods) out.push({ ...c, name });

  // Output folders a careless flag names.
  out.push({ name: 'out-is-a-file', files: { ...scenario(base()), 'out.txt': 'keep' }, runArgs: ['--out', 'out.txt'] });
  out.push({ name: 'out-in-proc', files: scenario(base()), runArgs: ['--out', '/proc/x'] });
  out.push({ name: 'out-under-a-file', files: { ...scenario(base()), 'out.txt': 'keep' }, runArgs: ['--out', 'out.txt/sub'] });
  out.push({ name: 'openmetrics-in-proc', files: scenario(base()), runArgs: ['--out', 'rep', '--openmetrics', '/proc/x/m.om'] });
  out.push({ name: 'openmetrics-is-a-folder', files: { ...scenario(base()), 'd/keep': 'keep' }, runArgs: ['--out', 'rep', '--openmetrics', 'd'] });

  // Fuzzed variants of the example scenarios (a fixed seed: the same corpus every time).
  const ex = examples();
  const fuzzed = fc.sample(fc.tuple(fc.constantFrom(...ex.names.filter((n) => !n.includes('openb'))), fc.array(mutation, { minLength: 1, maxLength: 3 })), { numRuns: 45, seed: 18 });
  fuzzed.forEach(([name, muts], i) => {
    const files: Record<string, FileBody> = { 's.yaml': stringify(mutate(ex.docs.get(name), muts)) };
    // Their includes, beside them.
    for (const inc of ['recommender', 'nginx']) files[`manifests/${inc}.yaml`] = readFileSync(join(ex.dir, 'manifests', `${inc}.yaml`), 'utf8');
    out.push({ name: `fuzzed-${i}-${name.replace('.yaml', '')}`, files });
  });
  return out;
}

export const HOSTILE_CASES: readonly HostileCase[] = cases();
