import { stringify } from 'yaml';
import { FLEETSIM_VERSION } from '../version.js';

/**
 * `fleetsim sweep --emit k8s-job`: a Kubernetes Indexed Job (batch/v1, completionMode Indexed)
 * that runs a sweep as n shards, one pod per shard. Kubernetes gives each pod its index in the
 * JOB_COMPLETION_INDEX environment variable, and expands `$(JOB_COMPLETION_INDEX)` in the
 * container's command, so pod i runs `fleetsim sweep ... --shard i/n --out /results --resume`
 * and writes `/results/runs-shard-i-of-n.jsonl` (a retried pod resumes its own file). With
 * every shard done, `fleetsim merge /results --out /results/merged` combines them.
 */
export interface K8sJobOptions {
  /** Scenario name (for the Job's name and labels). */
  readonly scenario: string;
  /** The scenario path as the container sees it (relative to the image's working directory). */
  readonly scenarioPath?: string;
  readonly shards: number;
  readonly replications?: number;
  /** Worker threads per pod (also its CPU request). */
  readonly workers: number;
  readonly set?: readonly string[];
  readonly schedulers?: readonly string[];
  /**
   * Another sharded command instead of the sweep: its fleetsim arguments (`plan <scenario> --vary
   * ...`); each pod adds `--workers`, `--shard`, `--out /results` and `--resume`.
   */
  readonly command?: readonly string[];
  /** Container image holding fleetsim (built and installed) and the scenario. */
  readonly image: string;
  /** PersistentVolumeClaim mounted at /results (ReadWriteMany when pods may land on several nodes). */
  readonly pvc: string;
  /**
   * Peak memory of one run of the scenario's largest point (MiB; `runMemoryMiB`, the cost model of
   * bench/README). A pod runs `workers` runs at once, one per worker thread: it requests that many
   * times this, and may use half as much again (limit) before the kubelet kills it.
   */
  readonly runMemoryMiB: number;
  readonly namespace?: string;
}

/** A DNS-1123 label from a scenario name, short enough for `<job>-<index>-<suffix>` pod names. */
export function jobName(scenario: string, component = 'sweep'): string {
  const base = `fleetsim-${component}-${scenario.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.replace(/-+/g, '-').replace(/-$/, '');
  return base.slice(0, 48).replace(/-$/, '');
}

export function k8sJobManifest(o: K8sJobOptions): string {
  if (!Number.isInteger(o.shards) || o.shards < 1) throw new RangeError(`shards must be a positive integer, got ${o.shards}`);
  const component = o.command ? o.command[0] : 'sweep';
  const command = [
    'npx',
    'fleetsim',
    ...(o.command
      ? [...o.command, '--workers', String(o.workers)]
      : [
          'sweep',
          o.scenarioPath ?? '',
          '--replications',
          String(o.replications ?? 1),
          '--workers',
          String(o.workers),
          ...(o.set ?? []).flatMap((s) => ['--set', s]),
          ...(o.schedulers ?? []).flatMap((s) => ['--scheduler', s]),
        ]),
    '--shard',
    `$(JOB_COMPLETION_INDEX)/${o.shards}`,
    '--out',
    '/results',
    '--resume',
  ];
  const name = jobName(o.scenario, component);
  // Whole 64 MiB steps, so the request reads as a size and not as a computed figure.
  const step = (mib: number): number => Math.ceil(mib / 64) * 64;
  const request = step(o.workers * o.runMemoryMiB);
  const limit = step(1.5 * o.workers * o.runMemoryMiB);
  const labels = { 'app.kubernetes.io/name': 'fleetsim', 'app.kubernetes.io/component': component, 'fleetsim.io/scenario': o.scenario.slice(0, 63) };
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, ...(o.namespace ? { namespace: o.namespace } : {}), labels },
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: o.shards,
      backoffLimitPerIndex: 2,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: component,
              image: o.image,
              command,
              env: [{ name: 'CI', value: '1' }],
              resources: { requests: { cpu: String(o.workers), memory: `${request}Mi` }, limits: { memory: `${limit}Mi` } },
              volumeMounts: [{ name: 'results', mountPath: '/results' }],
            },
          ],
          volumes: [{ name: 'results', persistentVolumeClaim: { claimName: o.pvc } }],
        },
      },
    },
  };
  const head = [
    ...(o.command
      ? [
          `# fleetsim ${FLEETSIM_VERSION}: ${component} of ${o.scenario} as ${o.shards} shards (Indexed Job, one pod per shard).`,
          `# Every pod walks the same search; pod i runs its share of each round's runs into /results/runs-shard-i-of-${o.shards}.jsonl`,
          `# on the PVC ${o.pvc} (ReadWriteMany: the pods read each other's files) and pod 0 writes /results/plan.json and index.html.`,
        ]
      : [
          `# fleetsim ${FLEETSIM_VERSION}: sweep of ${o.scenario} as ${o.shards} shards (Indexed Job, one pod per shard).`,
          `# Pod i runs shard i/${o.shards} and writes /results/runs-shard-i-of-${o.shards}.jsonl on the PVC ${o.pvc}`,
          '# (ReadWriteMany if pods may run on several nodes). When the Job completes, merge the shards:',
          `#   fleetsim merge /results --out /results/merged   (in a pod mounting ${o.pvc}, or after copying the files out)`,
        ]),
    `# Memory: ${o.workers} worker thread(s) x ~${Math.round(o.runMemoryMiB)} MiB per run (peak RSS from the scenario's nodes and expected pods,`,
    '# bench/README "Cost model"): request ' + `${request}Mi, limit ${limit}Mi.`,
    '# The image must hold fleetsim installed (npm ci) and the scenario at the path below; see the README.',
  ];
  return `${head.join('\n')}\n${stringify(job, { lineWidth: 0 })}`;
}
