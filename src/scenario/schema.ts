import { CLAIM_METRICS } from './types.js';
import type { JsonSchema } from './json-schema.js';
import { trafficSchemaProperties } from '../traffic/scenario-blocks.js';

/**
 * The scenario format, as JSON Schema. `fleetsim schema` prints it (point an editor at it with
 * `# yaml-language-server: $schema=<file>`); the loader validates every scenario against this
 * same object, then checks cross-references (cluster names, regions, registries) itself.
 */

const str = (description?: string): JsonSchema => ({ type: 'string', minLength: 1, ...(description ? { description } : {}) });
const labels: JsonSchema = { type: 'object', additionalProperties: { type: 'string' }, description: 'Kubernetes-style labels' };
const cpu: JsonSchema = { type: ['number', 'string'], format: 'cpu', description: 'cores (2, 0.5) or millicores ("500m")' };
const memory: JsonSchema = { type: ['number', 'string'], format: 'memory', description: 'bytes or a quantity ("512Mi", "64Gi")' };
const bytes: JsonSchema = { type: ['number', 'string'], format: 'bytes', description: 'bytes or a quantity ("150Mi", "2G")' };
const duration: JsonSchema = { type: ['number', 'string'], format: 'duration', description: 'seconds, or "90s", "5m", "1h30m"' };
const bandwidth: JsonSchema = { type: ['number', 'string'], format: 'bandwidth', description: 'Mbit/s, or "500Mbps", "10Gbps"' };
const nonNegInt: JsonSchema = { type: 'integer', minimum: 0 };
const posNum: JsonSchema = { type: 'number', exclusiveMinimum: 0 };

const labelSelector: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    matchLabels: labels,
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'operator'],
        properties: {
          key: str(),
          operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

const fieldSelector: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'operator'],
        properties: {
          key: { enum: ['provider', 'region', 'zone'] },
          operator: { enum: ['In', 'NotIn'] },
          values: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

const clusterAffinityProps: Record<string, JsonSchema> = {
  clusterNames: { type: 'array', items: str() },
  exclude: { type: 'array', items: str() },
  labelSelector,
  fieldSelector,
};

const taint: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['key', 'effect'],
  properties: {
    key: str(),
    value: { type: 'string' },
    effect: { enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
  },
};

const toleration: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    key: { type: 'string' },
    operator: { enum: ['Exists', 'Equal'] },
    value: { type: 'string' },
    effect: { enum: ['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
    tolerationSeconds: { type: 'integer' },
  },
};

/** Karmada `policy.karmada.io/v1alpha1` Placement, field names as Karmada spells them. */
const placement: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'A Karmada Placement (PropagationPolicy spec.placement)',
  properties: {
    clusterAffinity: { type: 'object', additionalProperties: false, properties: clusterAffinityProps },
    clusterAffinities: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['affinityName'],
        properties: {
          affinityName: { type: 'string', minLength: 1, pattern: '^.{1,32}$' },
          ...clusterAffinityProps,
          overflowAffinities: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['affinityName'],
              properties: { affinityName: str(), ...clusterAffinityProps },
            },
          },
        },
      },
    },
    clusterTolerations: { type: 'array', items: toleration },
    spreadConstraints: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          spreadByField: { enum: ['cluster', 'region', 'zone', 'provider'] },
          spreadByLabel: str(),
          minGroups: nonNegInt,
          maxGroups: nonNegInt,
        },
      },
    },
    replicaScheduling: {
      type: 'object',
      additionalProperties: false,
      properties: {
        replicaSchedulingType: { enum: ['Duplicated', 'Divided'] },
        replicaDivisionPreference: { enum: ['Aggregated', 'Weighted'] },
        weightPreference: {
          type: 'object',
          additionalProperties: false,
          properties: {
            staticWeightList: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['targetCluster', 'weight'],
                properties: {
                  targetCluster: { type: 'object', additionalProperties: false, properties: clusterAffinityProps },
                  weight: { type: 'integer', minimum: 1 },
                },
              },
            },
            dynamicWeight: { enum: ['AvailableReplicas'] },
          },
        },
      },
    },
  },
};

const distribution: JsonSchema = {
  description: 'A random distribution of seconds, drawn from the run\'s seeded streams (time parameters take durations like "15m"; lognormal mu/sigma are of ln(seconds))',
  oneOf: [
    { type: 'object', additionalProperties: false, required: ['kind', 'value'], properties: { kind: { const: 'constant' }, value: duration } },
    { type: 'object', additionalProperties: false, required: ['kind', 'min', 'max'], properties: { kind: { const: 'uniform' }, min: duration, max: duration } },
    { type: 'object', additionalProperties: false, required: ['kind', 'mean'], properties: { kind: { const: 'exponential' }, mean: { ...duration, exclusiveMinimum: 0 } } },
    { type: 'object', additionalProperties: false, required: ['kind', 'mean', 'stddev'], properties: { kind: { const: 'normal' }, mean: duration, stddev: duration, min: duration } },
    { type: 'object', additionalProperties: false, required: ['kind', 'mu', 'sigma'], properties: { kind: { const: 'lognormal' }, mu: { type: 'number' }, sigma: posNum } },
    { type: 'object', additionalProperties: false, required: ['kind', 'shape', 'scale'], properties: { kind: { const: 'weibull' }, shape: posNum, scale: { ...duration, exclusiveMinimum: 0 } } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: { kind: { const: 'empirical' }, samples: { type: 'array', minItems: 1, items: { type: 'number', minimum: 0 } }, csv: str('CSV file, relative to the scenario'), column: str() },
    },
  ],
};

const rate: JsonSchema = {
  description: 'An arrival rate (per second) for a Poisson process, possibly varying over time',
  oneOf: [
    { type: 'object', additionalProperties: false, required: ['kind', 'rate'], properties: { kind: { const: 'constant' }, rate: posNum } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'mean', 'amplitude'],
      properties: { kind: { const: 'diurnal' }, mean: posNum, amplitude: { type: 'number', minimum: 0, maximum: 1 }, period: duration, peakAt: duration },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'points'],
      properties: {
        kind: { const: 'piecewise' },
        points: { type: 'array', minItems: 1, items: { type: 'object', additionalProperties: false, required: ['t', 'rate'], properties: { t: duration, rate: { type: 'number', minimum: 0 } } } },
        repeat: duration,
      },
    },
  ],
};

const resources: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Requests of one pod (replica)',
  properties: {
    cpu,
    memory,
    gpu: { ...nonNegInt, description: 'whole GPUs, all on one node' },
    gpuMilli: { type: 'integer', minimum: 1, maximum: 1000, description: 'share of ONE GPU in milli-GPU (GPU sharing); implies gpu: 1' },
    gpuModels: { type: 'array', items: str(), description: 'allowed GPU models (default any)' },
  },
};

const workloadCommon: Record<string, JsonSchema> = {
  name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', description: 'a DNS-1123 name' },
  namespace: str(),
  labels,
  at: { ...duration, description: 'when the workload is created (simulated time)' },
  image: str('container image reference, e.g. swr.cn-north-4.myhuaweicloud.com/ai/infer:1.2'),
  imageSize: bytes,
  startup: { ...duration, description: 'container start time after the image is present (default: defaults.podStartup)' },
  resources,
  priority: { type: 'integer', description: 'pod priority (higher is scheduled first when pending, and may preempt lower)' },
  priorityClassName: str('a PriorityClass (priorityClasses:): the pods get its value and preemptionPolicy'),
  policy: str('name of the PropagationPolicy to use (otherwise matched by resourceSelectors)'),
  placement: { $ref: '#/$defs/placement' },
};

const workload: JsonSchema = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'name', 'replicas'],
      properties: { kind: { const: 'Deployment' }, ...workloadCommon, replicas: nonNegInt },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'name', 'duration'],
      properties: {
        kind: { const: 'Job' },
        ...workloadCommon,
        parallelism: { type: 'integer', minimum: 1 },
        completions: { type: 'integer', minimum: 1 },
        minAvailable: { type: 'integer', minimum: 1, description: 'gang size: the pods that must run together (anywhere in the fleet) before the job makes progress' },
        queue: { ...str(), description: 'Volcano queue (member clusters running Volcano)' },
        duration: { description: 'run time of each pod: a fixed duration or a distribution (seconds)', oneOf: [duration, { $ref: '#/$defs/distribution' }] },
        arrivals: {
          type: 'object',
          additionalProperties: false,
          required: ['rate'],
          description: 'repeat this job as a Poisson stream (thinning for time-varying rates); each copy is named <name>-<n>',
          properties: { rate: { $ref: '#/$defs/rate' }, count: { type: 'integer', minimum: 1 }, until: duration },
        },
      },
    },
  ],
};

const link: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { latency: duration, bandwidth },
};

/** Queue resources as Kubernetes writes them: cpu, memory, nvidia.com/gpu (and pods). */
const resourceMap: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { cpu, memory, 'nvidia.com/gpu': nonNegInt, pods: nonNegInt },
};

const nodePool: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['count', 'cpu', 'memory'],
  properties: {
    name: str(),
    count: nonNegInt,
    cpu,
    memory,
    maxPods: { type: 'integer', minimum: 1, default: 110 },
    labels,
    gpus: {
      type: 'object',
      additionalProperties: false,
      required: ['count'],
      properties: { count: nonNegInt, model: str(), memory },
    },
    nodes: { type: 'array', items: str(), description: "the nodes' names, one per node (count of them); default <cluster>-<pool>-<k>" },
    zone: str('the zone the nodes are in (topology.kubernetes.io/zone)'),
    taints: { type: 'array', items: taint, description: "the nodes' taints" },
    cordoned: { type: 'array', items: str(), description: 'nodes (of nodes:) cordoned at the start: running pods stay, nothing new binds' },
    notReady: { type: 'array', items: str(), description: 'nodes (of nodes:) not Ready at the start' },
  },
};

/** A cluster's trace (see src/trace/openb-scenario.ts for the two modes). */
const trace: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  description: "the cluster's nodes and/or its own pods from an openb trace (CSV paths relative to the scenario)",
  properties: {
    kind: { const: 'openb' },
    nodes: str('openb node CSV (e.g. openb_node_list_gpu_node.csv): the cluster\'s nodes, instead of nodePools'),
    pods: str('openb pod CSV (e.g. openb_pod_list_default.csv): bare pods created directly in this cluster'),
    mode: {
      enum: ['paper', 'replay'],
      description: 'paper: seeded shuffle, inflated to tune x GPU capacity, one pod per interval, no departures, a pod that fits nowhere fails; replay: creation/deletion times, qos priority',
    },
    tune: { ...posNum, description: 'paper: summed GPU demand / GPU capacity (default 1.3)' },
    interval: { ...duration, description: 'paper: time between two submissions (default 1s)' },
    start: { ...duration, description: 'simulated time of the first submission (paper) or of trace time `from` (replay); default 0' },
    from: { ...duration, description: 'replay: trace time to start from (default 0); pods created earlier are left out' },
    timeScale: { ...posNum, description: 'replay: simulated seconds per trace second, for arrivals and run times (default 1)' },
    typicalPct: { type: 'number', exclusiveMinimum: 0, maximum: 100, description: "share of the trace's pods FGD's typical pods cover, in % (default 95)" },
    maxPods: { type: 'integer', minimum: 1, description: 'pod slots of each node from the node CSV (default 110)' },
  },
};

const cluster: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'region'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', description: 'a DNS-1123 label' },
    region: str(),
    zone: str(),
    zones: { type: 'array', items: str() },
    provider: str(),
    labels,
    taints: { type: 'array', items: taint },
    spot: { type: 'boolean' },
    prices: {
      type: 'object',
      additionalProperties: false,
      description: 'prices per resource-hour',
      properties: { cpu: { type: 'number', minimum: 0 }, memory: { type: 'number', minimum: 0, description: 'per GiB-hour' }, gpu: { type: 'number', minimum: 0 } },
    },
    nodeScoring: {
      enum: ['LeastAllocated', 'MostAllocated', 'random', 'dotprod', 'gpuclustering', 'gpupacking', 'bestfit', 'fgd'],
      description: "the member scheduler's node scoring (default LeastAllocated), or one of the FGD paper's GPU placement policies",
    },
    scheduler: { enum: ['kube-scheduler', 'volcano'], description: 'the member cluster\'s scheduler (default kube-scheduler)' },
    volcano: {
      type: 'object',
      additionalProperties: false,
      description: 'Volcano scheduler settings of the cluster (with scheduler: volcano)',
      properties: {
        config: { enum: ['default', 'builtin', 'kurator-v1.5.1'], description: "default: the Helm chart's volcano-scheduler.conf; builtin: Volcano's built-in conf; kurator-v1.5.1: what Kurator installs" },
        actions: { type: 'array', items: { enum: ['enqueue', 'allocate', 'backfill', 'reclaim', 'preempt'] } },
        schedulePeriod: duration,
        queues: { type: 'array', items: { $ref: '#/$defs/volcanoQueue' } },
      },
    },
    syncMode: { enum: ['Push', 'Pull'], description: 'Karmada cluster sync mode (default Push)' },
    role: { enum: ['member', 'host'], description: 'host: runs the Kurator/Karmada control plane and takes no workloads' },
    nodePools: { type: 'array', items: nodePool, description: 'the nodes (required unless trace.nodes gives them)' },
    trace,
  },
};

const policy: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'placement'],
  properties: {
    kind: { enum: ['PropagationPolicy', 'ClusterPropagationPolicy'] },
    name: str(),
    namespace: str(),
    priority: { type: 'integer' },
    resourceSelectors: { type: 'array', items: { $ref: '#/$defs/resourceSelector' } },
    placement: { $ref: '#/$defs/placement' },
    preemption: { enum: ['Always', 'Never'] },
    schedulerName: str('the Karmada scheduler that places its bindings (default default-scheduler, the one fleetsim runs)'),
    schedulePriority: {
      type: 'object',
      additionalProperties: false,
      required: ['priorityClassName'],
      description: 'orders the binding in the scheduling queue by the PriorityClass value (higher first)',
      properties: { priorityClassSource: { const: 'KubePriorityClass' }, priorityClassName: str() },
    },
    propagateDeps: { type: 'boolean' },
    failover: { $ref: '#/$defs/failover' },
  },
};

/** Karmada `FailoverBehavior` (PropagationPolicy spec.failover). */
const failover: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    application: {
      type: 'object',
      additionalProperties: false,
      properties: {
        decisionConditions: { type: 'object', additionalProperties: false, properties: { tolerationSeconds: { type: 'integer', minimum: 0 } } },
        purgeMode: { enum: ['Directly', 'Gracefully', 'Never'] },
        gracePeriodSeconds: { type: 'integer', minimum: 1 },
      },
    },
    cluster: { type: 'object', additionalProperties: false, properties: { purgeMode: { enum: ['Directly', 'Gracefully'] } } },
  },
};

/** Karmada control-plane settings; every default is Karmada v1.19's (README: "Karmada defaults"). */
const karmada: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    clusterStatusUpdateFrequency: duration,
    clusterFailureThreshold: duration,
    clusterSuccessThreshold: duration,
    clusterMonitorPeriod: duration,
    clusterMonitorGracePeriod: duration,
    clusterStartupGracePeriod: duration,
    featureGates: {
      type: 'object',
      additionalProperties: false,
      properties: {
        Failover: { type: 'boolean' },
        GracefulEviction: { type: 'boolean' },
        MultiplePodTemplatesScheduling: { type: 'boolean', description: 'alpha, default off: schedule a multi-template workload (a Volcano Job) by its components, on one cluster' },
      },
    },
    enableNoExecuteTaintEviction: { type: 'boolean' },
    noExecuteTaintEvictionPurgeMode: { enum: ['Directly', 'Gracefully'] },
    gracefulEvictionTimeout: duration,
    resourceEvictionRate: { type: 'number', minimum: 0, description: 'evictions per second per worker (3 workers)' },
    enableSchedulerEstimator: { type: 'boolean', description: 'also use the node-level estimate (karmada-scheduler-estimator)' },
    clusterTaintPolicies: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'taints'],
        properties: {
          name: str(),
          targetClusters: { type: 'object', additionalProperties: false, properties: clusterAffinityProps },
          addOnConditions: { type: 'array', items: { $ref: '#/$defs/matchCondition' } },
          removeOnConditions: { type: 'array', items: { $ref: '#/$defs/matchCondition' } },
          taints: { type: 'array', minItems: 1, items: taint },
        },
      },
    },
  },
};

/**
 * A failure: scheduled (`at`, optional `duration`) or stochastic (`mtbf`, `mttr`: time between
 * failures and time to repair, any distribution, e.g. Weibull), per target.
 */
const fault: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  description: 'a failure, scheduled (at, duration) or stochastic (mtbf, mttr)',
  properties: {
    kind: {
      enum: ['cluster-outage', 'zone-outage', 'region-outage', 'partition', 'edge-disconnect', 'node-crash', 'link-degradation', 'spot-reclaim', 'maintenance'],
    },
    cluster: str(),
    zone: str(),
    region: str(),
    from: str('link-degradation: one region'),
    to: str('link-degradation: the other region'),
    nodes: { description: 'node-crash, spot-reclaim, maintenance: how many nodes (or all)', oneOf: [{ type: 'integer', minimum: 1 }, { const: 'all' }] },
    node: str('node-crash: one node by name (<cluster>-<pool>-<k>)'),
    at: duration,
    duration: { ...duration, description: 'how long until it recovers (default: never)' },
    mtbf: { description: 'stochastic: time between failures (per target)', oneOf: [duration, { $ref: '#/$defs/distribution' }] },
    mttr: { description: 'stochastic: time to repair', oneOf: [duration, { $ref: '#/$defs/distribution' }] },
    mode: {
      enum: ['down', 'nodes-down', 'api-unreachable'],
      description: 'cluster-outage: down = nodes and API gone; nodes-down = workloads die, the API still answers; api-unreachable = the control plane cannot reach the member, workloads keep running',
    },
    latency: { ...duration, description: 'link-degradation: the one-way latency during the fault' },
    bandwidth: { ...bandwidth, description: 'link-degradation: the bandwidth during the fault' },
    notice: { ...duration, description: 'spot-reclaim: warning before the nodes go (default 2m)' },
    drain: { type: 'boolean', description: 'maintenance: evict the pods first (default true)' },
  },
};

export const scenarioSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://fleetsim.dev/schema/scenario-v1.json',
  title: 'fleetsim scenario',
  description: 'A fleet of clusters, its network, workloads and placement policies, simulated in virtual time.',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'fleet'],
  properties: {
    apiVersion: { const: 'fleetsim/v1' },
    name: { type: 'string', pattern: '^[A-Za-z0-9][-A-Za-z0-9_.]*$', description: 'names the report folder' },
    description: { type: 'string' },
    seed: { type: 'integer', minimum: 0, default: 1 },
    duration: { ...duration, description: 'simulated time to run (default 1h)' },
    start: {
      type: 'string',
      pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$',
      description: 'the wall-clock time of simulated time 0, RFC 3339 (default 2024-01-01T00:00:00Z, a Monday): CronJob schedules and CronFederatedHPA rules run against it',
    },
    metrics: {
      type: 'object',
      additionalProperties: false,
      properties: { interval: { ...duration, description: 'sampling interval of the time series (default 30s)' } },
    },
    controlPlane: {
      type: 'object',
      additionalProperties: false,
      description: 'where the Karmada control plane runs',
      properties: { cluster: str(), region: str(), schedulingLatency: duration },
    },
    network: {
      type: 'object',
      additionalProperties: false,
      properties: {
        default: link,
        intraRegion: link,
        links: {
          type: 'array',
          items: { type: 'object', additionalProperties: false, required: ['from', 'to'], properties: { from: str(), to: str(), latency: duration, bandwidth } },
        },
      },
    },
    registries: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['host', 'region'], properties: { name: str(), host: str(), region: str() } },
    },
    images: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['image', 'size'], properties: { image: str(), size: bytes } },
    },
    defaults: {
      type: 'object',
      additionalProperties: false,
      properties: {
        imageSize: bytes,
        registryRegion: str(),
        podStartup: duration,
        jobDuration: {
          description: 'run time of Job pods whose manifest has no fleetsim.io/duration annotation (default 10m): a duration, a distribution, or rules tried in order',
          oneOf: [
            duration,
            { $ref: '#/$defs/distribution' },
            {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['duration'],
                description: 'the first rule whose apiVersion, kind and label selector match the Job gives its run time',
                properties: {
                  apiVersion: str('e.g. batch/v1 or batch.volcano.sh/v1alpha1'),
                  kind: str('Job (batch/v1 and Volcano), CronJob (its Jobs) or Pod (a bare pod that runs to completion)'),
                  selector: labelSelector,
                  duration: { oneOf: [duration, { $ref: '#/$defs/distribution' }] },
                },
              },
            },
          ],
        },
      },
    },
    fleet: {
      type: 'object',
      additionalProperties: false,
      required: ['clusters'],
      properties: { name: str(), clusters: { type: 'array', minItems: 1, items: cluster } },
    },
    workloads: { type: 'array', items: workload },
    policies: { type: 'array', items: policy },
    include: { type: 'array', items: str('a multi-document YAML file of Kubernetes/Karmada manifests, relative to the scenario') },
    initialState: str("the fleet's state at t = 0 as `fleetsim import` writes it (a JSON file, relative to the scenario): running and pending pods, Karmada's placements"),
    sources: {
      type: 'array',
      description: "local copies of what Kurator Applications' sources deliver: a GitRepository or OCIRepository url mapped to a checkout, or a Helm chart mapped to its pre-rendered manifests (fleetsim does not fetch, and does not run Helm)",
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['url', 'path'],
        properties: {
          url: str("the source's url exactly as the Application gives it (spec.source.gitRepository.url, helmRepository.url or ociRepository.url)"),
          ref: { type: 'object', additionalProperties: { type: 'string' }, description: 'only for this ref (e.g. { branch: main } or { tag: v1.2.0 }), as spec.source.*.ref gives it' },
          chart: str('a Helm chart of this source (HelmRelease chart.spec.chart: a name in a Helm repository, a folder in a Git repository): path is then its rendered manifests'),
          version: str('only for this chart version (chart.spec.version)'),
          path: str('relative to the scenario: the checkout (a folder), or for a chart the `helm template` output (a file or a folder of YAML)'),
        },
      },
    },
    schedulers: { type: 'array', minItems: 1, items: str(), description: 'fleet schedulers to run (default [karmada])' },
    replications: { type: 'integer', minimum: 1, maximum: 1000, description: 'runs of each scheduler (and variant) on common seeds: fleetsim run\'s default (1 without it; --replications overrides), and fleetsim sweep\'s (5 without it)' },
    karmada,
    faults: { type: 'array', items: fault },
    priorityClasses: {
      type: 'object',
      additionalProperties: {
        oneOf: [
          { type: 'integer' },
          {
            type: 'object',
            additionalProperties: false,
            required: ['value'],
            properties: {
              value: { type: 'integer' },
              globalDefault: { type: 'boolean', description: 'the priority of pods that name no class' },
              preemptionPolicy: { enum: ['Never', 'PreemptLowerPriority'], description: 'Never: its pods wait, they never preempt' },
              description: { type: 'string' },
            },
          },
        ],
      },
      description: 'PriorityClass name → value, or { value, globalDefault, preemptionPolicy } (scheduling.k8s.io/v1 PriorityClass manifests in include: files add to it)',
    },
    dynamicWeight: {
      type: 'object',
      additionalProperties: false,
      description: 'the dynamic-weight fleet scheduler: Karmada available replicas, or weighted also by cluster health and observed latency',
      properties: { mode: { enum: ['available-replicas', 'health-latency'] }, referenceLatency: { ...duration, description: 'latency at which a cluster weighs half (default 50ms)' } },
    },
    costSpot: {
      type: 'object',
      additionalProperties: false,
      description: 'settings of the cost-spot fleet scheduler',
      properties: { onDemandFloor: { type: 'number', minimum: 0, maximum: 1, description: 'share of replicas kept on on-demand clusters (default 0.2)' } },
    },
    faultTrace: str('a CSV of failures (columns time,target,kind,duration[,mode]), relative to the scenario'),
    operator: {
      type: 'object',
      additionalProperties: false,
      description: 'people acting by hand',
      properties: {
        failover: {
          type: 'object',
          additionalProperties: false,
          required: ['reaction'],
          description:
            "manual failover: on each cluster-level fault, after a reaction time (alert, page, decide, act) the operator taints the Cluster NoExecute, as `kubectl taint clusters <c> <key>=:NoExecute` on the Karmada API, and Karmada's taint manager evicts its workloads (needs karmada.featureGates.Failover and enableNoExecuteTaintEviction); a reaction after the cluster recovers, the taint goes",
          properties: {
            reaction: { description: 'from the fault to the taint (a duration or a distribution)', oneOf: [duration, { $ref: '#/$defs/distribution' }] },
            taint: {
              type: 'object',
              additionalProperties: false,
              required: ['key'],
              description: 'the taint put on the Cluster (default fleetsim.io/manual-failover:NoExecute)',
              properties: { key: str(), value: str(), effect: { enum: ['NoExecute', 'NoSchedule'] } },
            },
          },
        },
      },
    },
    claims: {
      type: 'array',
      description: 'figures claimed elsewhere (a vendor page, a talk), printed in the report beside the simulated ones',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['claim', 'metric', 'min', 'max'],
        properties: {
          claim: str('what is claimed, in words'),
          source: str('where it is claimed'),
          metric: { enum: [...CLAIM_METRICS], description: 'the simulated figure to set beside it (a sweep metric, fleet-wide)' },
          variant: str('the variant whose runs it is about (default: every variant)'),
          min: { description: 'the claimed range: a duration for times, a ratio (0.35) or percentage ("35%") for utilisation, a number otherwise', oneOf: [{ type: 'number' }, { type: 'string' }] },
          max: { description: 'the claimed range, as min', oneOf: [{ type: 'number' }, { type: 'string' }] },
        },
      },
    },
    assumptions: { type: 'array', items: str(), description: 'assumptions behind the scenario, printed with the claims' },
    actions: {
      type: 'array',
      description: 'operator actions at given times',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['at', 'scale'],
        properties: {
          at: duration,
          scale: {
            type: 'object',
            additionalProperties: false,
            required: ['workload', 'replicas'],
            description: "scale a Deployment's resource template (Karmada reschedules the binding)",
            properties: { workload: str('name, or namespace/name'), replicas: nonNegInt },
          },
        },
      },
    },
    ...trafficSchemaProperties,
    sweep: {
      type: 'object',
      description: 'fleetsim sweep: field path → list of values, e.g. "fleet.clusters[1].nodePools[0].count": [4, 8, 16]; runs every combination',
      additionalProperties: { type: 'array', minItems: 1 },
    },
    variants: {
      type: 'array',
      minItems: 1,
      description: 'named versions of this scenario, each run and reported side by side: field paths set to values',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9][-A-Za-z0-9_.]*$' },
          description: { type: 'string' },
          set: { type: 'object', description: 'path → value, e.g. "karmada.featureGates.Failover": true' },
        },
      },
    },
  },
  $defs: {
    placement,
    distribution,
    rate,
    failover,
    volcanoQueue: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: str(),
        weight: { type: 'integer', minimum: 1 },
        priority: { type: 'integer' },
        reclaimable: { type: 'boolean' },
        capability: resourceMap,
        guarantee: resourceMap,
        deserved: resourceMap,
      },
    },
    matchCondition: {
      type: 'object',
      additionalProperties: false,
      required: ['conditionType', 'operator', 'statusValues'],
      properties: { conditionType: str(), operator: { enum: ['In', 'NotIn'] }, statusValues: { type: 'array', items: { enum: ['True', 'False', 'Unknown'] } } },
    },
    resourceSelector: {
      type: 'object',
      additionalProperties: false,
      properties: { apiVersion: str(), kind: str(), namespace: str(), name: str(), labelSelector },
    },
  },
};
