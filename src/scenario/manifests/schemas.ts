import type { JsonSchema } from '../json-schema.js';
import { scenarioSchema } from '../schema.js';

/**
 * What fleetsim reads from real Kubernetes and Karmada manifests (`include:` files). Real
 * manifests carry many fields fleetsim does not model, so unknown fields are allowed here;
 * the fields it does read are type-checked with positions like the scenario's own.
 *
 * Simulation-only facts that a manifest cannot express ride on annotations:
 * - `fleetsim.io/at`: when the workload is created (a duration, default 0);
 * - `fleetsim.io/duration`: a Job pod's run time (a duration, or a distribution in JSON/flow YAML);
 * - `fleetsim.io/image-size`: the image size when the scenario's `images:` table lacks it;
 * - `fleetsim.io/startup`: container start time after the pull;
 * - `fleetsim.io/min-available`: a Job's gang size.
 */

const quantity: JsonSchema = { type: ['number', 'string'] };
const resourceList: JsonSchema = { type: 'object', additionalProperties: quantity };
const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };

/** ObjectMeta: the name, namespace, labels and annotations fleetsim reads. */
export const metadata: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1 },
    namespace: { type: 'string', minLength: 1 },
    labels: stringMap,
    annotations: stringMap,
  },
};

const container: JsonSchema = {
  type: 'object',
  required: ['image'],
  properties: {
    name: { type: 'string' },
    image: { type: 'string', minLength: 1 },
    resources: { type: 'object', properties: { requests: resourceList, limits: resourceList } },
    restartPolicy: { enum: ['Always'] },
  },
};

const toleration: JsonSchema = {
  type: 'object',
  properties: {
    key: { type: 'string' },
    operator: { enum: ['Exists', 'Equal'] },
    value: { type: 'string' },
    effect: { enum: ['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
    tolerationSeconds: { type: 'integer' },
  },
};

const nodeSelectorRequirement: JsonSchema = {
  type: 'object',
  required: ['key', 'operator'],
  properties: { key: { type: 'string', minLength: 1 }, operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] }, values: { type: 'array', items: { type: 'string' } } },
};

/** core/v1 PodSpec: the fields fleetsim reads (requests, images, and node selection for DaemonSets). */
const podSpec: JsonSchema = {
  type: 'object',
  required: ['containers'],
  properties: {
    containers: { type: 'array', minItems: 1, items: container },
    initContainers: { type: 'array', items: container },
    overhead: resourceList,
    resources: { type: 'object', properties: { requests: resourceList, limits: resourceList } },
    priority: { type: 'integer' },
    priorityClassName: { type: 'string' },
    schedulerName: { type: 'string' },
    restartPolicy: { enum: ['Always', 'OnFailure', 'Never'] },
    nodeSelector: stringMap,
    tolerations: { type: 'array', items: toleration },
    affinity: {
      type: 'object',
      properties: {
        nodeAffinity: {
          type: 'object',
          properties: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              type: 'object',
              required: ['nodeSelectorTerms'],
              properties: {
                nodeSelectorTerms: {
                  type: 'array',
                  items: { type: 'object', properties: { matchExpressions: { type: 'array', items: nodeSelectorRequirement }, matchFields: { type: 'array', items: nodeSelectorRequirement } } },
                },
              },
            },
          },
        },
      },
    },
  },
};

const podTemplate: JsonSchema = {
  type: 'object',
  required: ['spec'],
  properties: {
    metadata: { type: 'object', properties: { labels: stringMap, annotations: stringMap } },
    spec: podSpec,
  },
};

/**
 * A Kubernetes object's schema: `metadata` and a `spec` object with these fields (required unless
 * `specOptional`).
 */
export function manifest(spec: JsonSchema, opts: { specOptional?: boolean } = {}): JsonSchema {
  return {
    type: 'object',
    required: opts.specOptional ? ['metadata'] : ['metadata', 'spec'],
    properties: { metadata, spec: { type: 'object', ...spec } },
  };
}

export const deploymentSchema: JsonSchema = manifest({
  required: ['template'],
  properties: { replicas: { type: 'integer', minimum: 0 }, template: podTemplate },
});

/** ReplicaSet (apps/v1) and ReplicationController (v1): a Deployment's replicas without its rollouts. */
export const replicaSetSchema = deploymentSchema;

export const statefulSetSchema: JsonSchema = manifest({
  required: ['template'],
  properties: { replicas: { type: 'integer', minimum: 0 }, podManagementPolicy: { enum: ['OrderedReady', 'Parallel'] }, template: podTemplate },
});

export const daemonSetSchema: JsonSchema = manifest({ required: ['template'], properties: { template: podTemplate } });

/** core/v1 Pod: its spec is the pod spec. */
export const podSchema: JsonSchema = { type: 'object', required: ['metadata', 'spec'], properties: { metadata, spec: podSpec } };

const jobSpec: JsonSchema = {
  type: 'object',
  required: ['template'],
  properties: {
    parallelism: { type: 'integer', minimum: 1 },
    completions: { type: 'integer', minimum: 1 },
    suspend: { type: 'boolean' },
    template: podTemplate,
  },
};

export const jobSchema: JsonSchema = manifest(jobSpec);

export const cronJobSchema: JsonSchema = manifest({
  required: ['schedule', 'jobTemplate'],
  properties: {
    schedule: { type: 'string', minLength: 1 },
    timeZone: { type: 'string', minLength: 1 },
    concurrencyPolicy: { enum: ['Allow', 'Forbid', 'Replace'] },
    suspend: { type: 'boolean' },
    startingDeadlineSeconds: { type: 'integer', minimum: 0 },
    jobTemplate: { type: 'object', required: ['spec'], properties: { metadata: { type: 'object', properties: { labels: stringMap, annotations: stringMap } }, spec: jobSpec } },
  },
});

export const priorityClassSchema: JsonSchema = {
  type: 'object',
  required: ['metadata', 'value'],
  properties: {
    metadata,
    value: { type: 'integer', minimum: -2147483648, maximum: 1000000000 },
    globalDefault: { type: 'boolean' },
    preemptionPolicy: { enum: ['Never', 'PreemptLowerPriority'] },
  },
};

export const propagationPolicySchema: JsonSchema = manifest({
  required: ['resourceSelectors'],
  properties: {
    resourceSelectors: { type: 'array', minItems: 1, items: { $ref: '#/$defs/resourceSelector' } },
    priority: { type: 'integer' },
    placement: { $ref: '#/$defs/placement' },
    schedulerName: { type: 'string' },
  },
});

const clusterAffinityRef: JsonSchema = { type: 'object' };

export const overridePolicySchema: JsonSchema = manifest({
  properties: {
    resourceSelectors: { type: 'array', items: { $ref: '#/$defs/resourceSelector' } },
    overrideRules: {
      type: 'array',
      items: {
        type: 'object',
        required: ['overriders'],
        properties: {
          targetCluster: clusterAffinityRef,
          overriders: {
            type: 'object',
            properties: {
              imageOverrider: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['component', 'operator'],
                  properties: {
                    component: { enum: ['Registry', 'Repository', 'Tag'] },
                    operator: { enum: ['add', 'remove', 'replace'] },
                    value: { type: 'string' },
                    predicate: { type: 'object', required: ['path'], properties: { path: { type: 'string', pattern: '^/' } } },
                  },
                },
              },
              plaintext: {
                type: 'array',
                items: { type: 'object', required: ['path', 'operator'], properties: { path: { type: 'string', pattern: '^/' }, operator: { enum: ['add', 'remove', 'replace'] } } },
              },
            },
          },
        },
      },
    },
  },
});

/** A Volcano Job lifecycle policy (`spec.policies[]`, `spec.tasks[].policies[]`). */
const lifecyclePolicy: JsonSchema = {
  type: 'object',
  properties: { event: { type: 'string' }, events: { type: 'array', items: { type: 'string' } }, action: { type: 'string' }, exitCode: { type: 'integer' } },
};

/** Volcano Job (`batch.volcano.sh/v1alpha1`): the fields fleetsim reads. */
export const volcanoJobSchema: JsonSchema = manifest({
  required: ['tasks'],
  properties: {
    minAvailable: { type: 'integer', minimum: 0 },
    queue: { type: 'string', minLength: 1 },
    schedulerName: { type: 'string' },
    priorityClassName: { type: 'string' },
    policies: { type: 'array', items: lifecyclePolicy },
    plugins: { type: 'object' },
    tasks: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['template'],
        properties: {
          name: { type: 'string' },
          replicas: { type: 'integer', minimum: 1 },
          minAvailable: { type: 'integer', minimum: 0 },
          policies: { type: 'array', items: lifecyclePolicy },
          dependsOn: { type: 'object', properties: { name: { type: 'array', items: { type: 'string' } }, iteration: { enum: ['any', 'all'] } } },
          template: podTemplate,
        },
      },
    },
  },
});

/** Volcano Queue (`scheduling.volcano.sh/v1beta1`). */
export const volcanoQueueManifestSchema: JsonSchema = manifest({
  properties: {
    weight: { type: 'integer', minimum: 1 },
    reclaimable: { type: 'boolean' },
    priority: { type: 'integer' },
    capability: { type: 'object', additionalProperties: quantity },
    deserved: { type: 'object', additionalProperties: quantity },
    guarantee: { type: 'object', properties: { resource: { type: 'object', additionalProperties: quantity } } },
  },
}, { specOptional: true });

/** Schemas for included manifests share the scenario schema's definitions (placement, selectors). */
let root: JsonSchema | null = null;
export function manifestRoot(): JsonSchema {
  return (root ??= { $defs: scenarioSchema.$defs });
}
