import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { ScenarioError } from '../scenario/errors.js';
import { validateAgainst, type JsonSchema } from '../scenario/json-schema.js';
import { isModulePath } from '../scenario/load.js';
import { readYamlFile } from '../scenario/source.js';
import { sha256 } from '../runner/sweep-keys.js';
import { SWEEP_METRICS, FLEET } from '../runner/sweep-metrics.js';

/**
 * A bench suite: what `fleetsim bench` runs and how it judges the results.
 *
 * ```yaml
 * name: fleet-gate                  # names the baseline and the reports
 * alpha: 0.05                       # significance level of the tests (default 0.05)
 * replications: 5                   # seeds per scenario × scheduler (default 5, at least 2)
 * baseline: fleet-gate.baseline.json  # default: <name>.baseline.json beside the suite
 * scenarios:                        # paths relative to this file
 *   - ../../scenarios/batch-burst.yaml
 *   - { path: ../../scenarios/kurator-fleet.yaml, replications: 8 }
 * schedulers:                       # default: each scenario's own `schedulers:`
 *   - karmada
 *   - { name: my-policy, scheduler: ../../examples/policies/my-policy.mjs }   # identity `name`, runs `scheduler`
 * metrics:                          # the metrics of `fleetsim sweep` (src/runner/sweep-metrics.ts)
 *   - { metric: jobs.timeToComplete.mean, direction: lower, tolerance: 5% }
 *   - { metric: cpu.utilization, scope: big-east, direction: higher, tolerance: 0.01 }
 * ```
 *
 * A scheduler's identity in the baseline is its `name` (or the string as written), never an
 * absolute path, so a baseline recorded on one machine gates a run on another.
 */

export type Direction = 'lower' | 'higher';

export interface Tolerance {
  readonly kind: 'absolute' | 'relative';
  /** Metric units (absolute) or a fraction of the baseline mean (relative: 5% = 0.05). */
  readonly value: number;
  /** As written (`5%`, `0.01`). */
  readonly text: string;
}

export interface SuiteMetric {
  readonly metric: string;
  readonly scope: string;
  /** Which way is better. */
  readonly direction: Direction;
  readonly tolerance: Tolerance;
  /** `metric`, or `metric@scope` for a cluster: the key in baselines and reports. */
  readonly key: string;
  readonly unit: string;
}

export interface SuiteScenario {
  /** As written in the suite (the identity in the baseline). */
  readonly id: string;
  readonly absPath: string;
  readonly replications: number;
}

export interface SuiteScheduler {
  /** The identity in the baseline and the reports. */
  readonly id: string;
  /** What runScenario resolves: a registered name, or an absolute module path. */
  readonly spec: string;
}

export interface BenchSuite {
  readonly file: string;
  readonly absFile: string;
  readonly text: string;
  /** sha256 of the suite file's text. */
  readonly hash: string;
  readonly name: string;
  readonly description: string;
  readonly alpha: number;
  readonly replications: number;
  readonly baseline: string;
  readonly scenarios: readonly SuiteScenario[];
  /** null: each scenario's own list. */
  readonly schedulers: readonly SuiteScheduler[] | null;
  readonly metrics: readonly SuiteMetric[];
}

/**
 * Which way is better for each sweep metric, when the suite does not say. Times, waiting,
 * pending and failure counts: lower; utilisation, readiness and completions: higher.
 */
export const DEFAULT_DIRECTION: Readonly<Record<string, Direction>> = {
  'timeToAllReady.mean': 'lower',
  'timeToAllReady.max': 'lower',
  'timeToScheduled.mean': 'lower',
  'workloads.notReady': 'lower',
  'jobs.completed': 'higher',
  'jobs.timeToComplete.mean': 'lower',
  'jobs.queueingDelay.mean': 'lower',
  'jobs.heldGpuHours': 'lower',
  'jobs.deadlocked': 'lower',
  unavailableReplicaSeconds: 'lower',
  'failover.detection.mean': 'lower',
  'failover.time.mean': 'lower',
  'failover.notFailedOver': 'lower',
  'replicas.ready': 'higher',
  'pods.pending': 'lower',
  'cpu.utilization': 'higher',
  'memory.utilization': 'higher',
  'gpu.utilization': 'higher',
};

const TOLERANCE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*%\\s*$';

export const suiteSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'fleetsim bench suite',
  type: 'object',
  additionalProperties: false,
  required: ['scenarios', 'metrics'],
  properties: {
    name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9._-]+$', description: 'names the baseline file and the reports (default: the suite file name)' },
    description: { type: 'string' },
    alpha: { type: 'number', exclusiveMinimum: 0, maximum: 0.5, description: 'significance level (default 0.05)' },
    replications: { type: 'integer', minimum: 2, description: 'seeds per scenario × scheduler (default 5)' },
    baseline: { type: 'string', minLength: 1, description: 'baseline file, relative to the suite' },
    scenarios: {
      type: 'array',
      minItems: 1,
      items: {
        oneOf: [
          { type: 'string', minLength: 1 },
          {
            type: 'object',
            additionalProperties: false,
            required: ['path'],
            properties: { path: { type: 'string', minLength: 1 }, replications: { type: 'integer', minimum: 2 } },
          },
        ],
      },
    },
    schedulers: {
      type: 'array',
      minItems: 1,
      items: {
        oneOf: [
          { type: 'string', minLength: 1 },
          {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'scheduler'],
            properties: {
              name: { type: 'string', minLength: 1, description: 'the identity in the baseline and the reports' },
              scheduler: { type: 'string', minLength: 1, description: 'a registered scheduler or a module path relative to the suite' },
            },
          },
        ],
      },
    },
    metrics: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['metric'],
        properties: {
          metric: { enum: SWEEP_METRICS.map((m) => m.name) },
          scope: { type: 'string', minLength: 1, description: 'fleet (default) or a member cluster name' },
          direction: { enum: ['lower', 'higher'], description: 'which way is better (default: by metric)' },
          tolerance: {
            oneOf: [
              { type: 'number', minimum: 0 },
              { type: 'string', pattern: TOLERANCE_PATTERN },
            ],
            description: 'a difference within it is never a regression: metric units, or a percentage of the baseline mean ("5%"); default 0',
          },
        },
      },
    },
  },
};

function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

type Obj = Record<string, unknown>;

/** Read and check a suite file. Every mistake is a located ScenarioError (exit 2). */
export function loadSuite(file: string): BenchSuite {
  const absFile = resolve(file);
  const display = displayPath(absFile);
  const docs = readYamlFile(absFile, display);
  if (docs.length !== 1) throw new ScenarioError({ file: display, line: 1, col: 1 }, '', 'exactly one YAML document', `${docs.length} documents`);
  const src = docs[0];
  const raw = src.value();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) src.fail([], 'a map with scenarios: and metrics:', raw);
  validateAgainst(src, raw, suiteSchema);
  const doc = raw as Obj;
  const dir = dirname(absFile);
  const text = readFileSync(absFile, 'utf8');
  const name = (doc.name as string | undefined) ?? basename(absFile).replace(/\.ya?ml$/i, '');
  const replications = (doc.replications as number | undefined) ?? 5;

  const scenarios: SuiteScenario[] = (doc.scenarios as (string | Obj)[]).map((s) => {
    const path = typeof s === 'string' ? s : (s.path as string);
    return { id: path, absPath: resolve(dir, path), replications: (typeof s === 'object' ? (s.replications as number | undefined) : undefined) ?? replications };
  });
  const seenScenario = new Set<string>();
  scenarios.forEach((s, i) => {
    if (seenScenario.has(s.absPath)) src.fail(['scenarios', i], 'each scenario once', s.id);
    seenScenario.add(s.absPath);
  });

  let schedulers: SuiteScheduler[] | null = null;
  if (doc.schedulers !== undefined) {
    schedulers = (doc.schedulers as (string | Obj)[]).map((s) => {
      if (typeof s === 'string') return { id: s, spec: isModulePath(s) ? resolve(dir, s) : s };
      const spec = s.scheduler as string;
      return { id: s.name as string, spec: isModulePath(spec) ? resolve(dir, spec) : spec };
    });
    schedulers.forEach((s, i) => {
      if (schedulers!.findIndex((x) => x.id === s.id) !== i) src.fail(['schedulers', i], 'a scheduler name not listed before', s.id);
    });
  }

  const metrics: SuiteMetric[] = (doc.metrics as Obj[]).map((m, i) => {
    const metric = m.metric as string;
    const def = SWEEP_METRICS.find((d) => d.name === metric)!;
    const scope = (m.scope as string | undefined) ?? FLEET;
    if (scope !== FLEET && !def.perCluster && !def.perService && !def.perFault) {
      src.fail(['metrics', i, 'scope'], `fleet (${metric} is not reported per cluster, service or fault; per-cluster metrics: ${SWEEP_METRICS.filter((d) => d.perCluster).map((d) => d.name).join(', ')})`, scope);
    }
    const direction = (m.direction as Direction | undefined) ?? DEFAULT_DIRECTION[metric];
    if (!direction) src.fail(['metrics', i], 'a direction: lower or higher (which way is better)', m);
    const t = m.tolerance;
    const tolerance: Tolerance =
      t === undefined
        ? { kind: 'absolute', value: 0, text: '0' }
        : typeof t === 'number'
          ? { kind: 'absolute', value: t, text: String(t) }
          : { kind: 'relative', value: Number(String(t).replace('%', '').trim()) / 100, text: String(t).replace(/\s+/g, '') };
    return { metric, scope, direction, tolerance, key: scope === FLEET ? metric : `${metric}@${scope}`, unit: def.unit };
  });
  metrics.forEach((m, i) => {
    if (metrics.findIndex((x) => x.key === m.key) !== i) src.fail(['metrics', i], 'each metric and scope once', m.key);
  });

  return {
    file: display,
    absFile,
    text,
    hash: sha256(text),
    name,
    description: (doc.description as string | undefined) ?? '',
    alpha: (doc.alpha as number | undefined) ?? 0.05,
    replications,
    baseline: doc.baseline !== undefined ? resolve(dir, doc.baseline as string) : resolve(dir, `${name}.baseline.json`),
    scenarios,
    schedulers,
    metrics,
  };
}
