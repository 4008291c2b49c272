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

const metadata: JsonSchema = {
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
  },
};

const podTemplate: JsonSchema = {
  type: 'object',
  required: ['spec'],
  properties: {
    metadata: { type: 'object', properties: { labels: stringMap, annotations: stringMap } },
    spec: {
      type: 'object',
      required: ['containers'],
      properties: {
        containers: { type: 'array', minItems: 1, items: container },
        initContainers: { type: 'array', items: container },
        priority: { type: 'integer' },
      },
    },
  },
};

/**
 * A Kubernetes object's schema: `metadata` and a `spec` object with these fields (required unless
 * `specOptional`).
 */
function manifest(spec: JsonSchema, opts: { specOptional?: boolean } = {}): JsonSchema {
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

export const jobSchema: JsonSchema = manifest({
  required: ['template'],
  properties: {
    parallelism: { type: 'integer', minimum: 1 },
    completions: { type: 'integer', minimum: 1 },
    template: podTemplate,
  },
});

export const propagationPolicySchema: JsonSchema = manifest({
  required: ['resourceSelectors'],
  properties: {
    resourceSelectors: { type: 'array', minItems: 1, items: { $ref: '#/$defs/resourceSelector' } },
    priority: { type: 'integer' },
    placement: { $ref: '#/$defs/placement' },
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
                  properties: { component: { enum: ['Registry', 'Repository', 'Tag'] }, operator: { enum: ['add', 'remove', 'replace'] }, value: { type: 'string' } },
                },
              },
              plaintext: {
                type: 'array',
                items: { type: 'object', required: ['path', 'operator'], properties: { path: { type: 'string', minLength: 1 }, operator: { enum: ['add', 'remove', 'replace'] } } },
              },
            },
          },
        },
      },
    },
  },
});

export const kuratorFleetSchema: JsonSchema = manifest({
  properties: { clusters: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, kind: { type: 'string' } } } } },
});

const destination: JsonSchema = {
  type: 'object',
  properties: { fleet: { type: 'string', minLength: 1 }, clusterSelector: { type: 'object', properties: { matchLabels: stringMap } } },
};

export const kuratorApplicationSchema: JsonSchema = manifest({
  required: ['syncPolicies'],
  properties: {
    destination,
    syncPolicies: { type: 'array', minItems: 1, items: { type: 'object', properties: { name: { type: 'string' }, destination } } },
  },
});

/** Volcano Job (`batch.volcano.sh/v1alpha1`): the fields fleetsim reads. */
export const volcanoJobSchema: JsonSchema = manifest({
  required: ['tasks'],
  properties: {
    minAvailable: { type: 'integer', minimum: 0 },
    queue: { type: 'string', minLength: 1 },
    schedulerName: { type: 'string' },
    priorityClassName: { type: 'string' },
    tasks: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['template'],
        properties: { name: { type: 'string' }, replicas: { type: 'integer', minimum: 1 }, minAvailable: { type: 'integer', minimum: 1 }, template: podTemplate },
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
