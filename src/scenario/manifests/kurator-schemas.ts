import type { JsonSchema } from '../json-schema.js';
import { manifest } from './schemas.js';

/**
 * What fleetsim reads of Kurator's objects, typed as Kurator's CRDs declare them
 * (kurator-dev/kurator manifests/charts/fleet-manager/crds/, pkg/apis/apps/v1alpha1/types.go).
 * Fields fleetsim does not read are allowed, as on the API server.
 */

const str: JsonSchema = { type: 'string', minLength: 1 };
const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };

export const kuratorFleetSchema: JsonSchema = manifest({
  properties: { clusters: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: str, kind: { type: 'string' } } } } },
});

/** Cluster / AttachedCluster (cluster.kurator.dev): their labels are what an Application's clusterSelector matches. */
export const kuratorClusterSchema: JsonSchema = manifest({}, { specOptional: true });

/** ApplicationDestination: `fleet` is required by the CRD. */
const destination: JsonSchema = {
  type: 'object',
  required: ['fleet'],
  properties: { fleet: str, clusterSelector: { type: 'object', properties: { matchLabels: stringMap } } },
};

const sourceSpec = (urlPattern: string): JsonSchema => ({
  type: 'object',
  required: ['url'],
  properties: { url: { type: 'string', minLength: 1, pattern: urlPattern }, ref: stringMap },
});

const image: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: { name: str, newName: { type: 'string' }, newTag: { type: ['string', 'number'] }, digest: { type: 'string' } },
};

/** Kurator's Kustomization (a Flux Kustomization's fields): interval and prune are required. */
const kustomization: JsonSchema = {
  type: 'object',
  required: ['interval', 'prune'],
  properties: {
    path: { type: 'string' },
    prune: { type: 'boolean' },
    targetNamespace: { type: 'string' },
    suspend: { type: 'boolean' },
    images: { type: 'array', items: image },
    patches: { type: 'array' },
    components: { type: 'array', items: { type: 'string' } },
    dependsOn: { type: 'array' },
    commonMetadata: { type: 'object', properties: { labels: stringMap, annotations: stringMap } },
  },
};

/** Kurator's HelmRelease (a Flux HelmRelease v2beta1's fields): chart and interval are required. */
const helm: JsonSchema = {
  type: 'object',
  required: ['chart', 'interval'],
  properties: {
    chart: { type: 'object', required: ['spec'], properties: { spec: { type: 'object', required: ['chart'], properties: { chart: str, version: { type: 'string' } } } } },
    releaseName: { type: 'string' },
    targetNamespace: { type: 'string' },
    suspend: { type: 'boolean' },
    values: { type: 'object' },
    valuesFrom: { type: 'array' },
    dependsOn: { type: 'array' },
  },
};

const metric: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: str,
    intervalSeconds: { type: 'integer', minimum: 1 },
    thresholdRange: { type: 'object', properties: { min: { type: 'number' }, max: { type: 'number' } } },
    customMetric: { type: 'object' },
  },
};

/** RolloutConfig (apps.kurator.dev/v1alpha1): rendered into a Flagger Canary in each destination cluster. */
const rollout: JsonSchema = {
  type: 'object',
  required: ['trafficRoutingProvider', 'workload', 'serviceName', 'port', 'rolloutPolicy'],
  properties: {
    testLoader: { type: 'boolean' },
    trafficRoutingProvider: { enum: ['istio', 'kuma', 'nginx'] },
    workload: { type: 'object', required: ['name'], properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, name: str, namespace: { type: 'string' } } },
    serviceName: str,
    port: { type: 'integer' },
    // Optional in the CRD, but Kurator's renderCanaryAnalysis dereferences both: without them no Canary is rendered.
    rolloutPolicy: {
      type: 'object',
      required: ['trafficRouting', 'trafficAnalysis'],
      properties: {
        trafficRouting: {
          type: 'object',
          properties: {
            timeoutSeconds: { type: 'integer' },
            canaryStrategy: {
              type: 'object',
              properties: {
                maxWeight: { type: 'integer', minimum: 0, maximum: 100 },
                stepWeight: { type: 'integer', minimum: 0, maximum: 100 },
                stepWeights: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 100 } },
                stepWeightPromotion: { type: 'integer', minimum: 0, maximum: 100 },
              },
            },
            analysisTimes: { type: 'integer', minimum: 0 },
            match: { type: 'array', items: { type: 'object' } },
            host: { type: 'string' },
            protocol: { type: 'string' },
          },
        },
        trafficAnalysis: {
          type: 'object',
          required: ['checkIntervalSeconds', 'checkFailedTimes'],
          properties: {
            checkIntervalSeconds: { type: 'integer', minimum: 1 },
            checkFailedTimes: { type: 'integer', minimum: 0 },
            metrics: { type: 'array', items: metric },
            webhooks: { type: 'object', properties: { timeoutSeconds: { type: 'integer', minimum: 1 }, command: { type: 'array', items: { type: 'string' } } } },
            sessionAffinity: { type: 'object' },
          },
        },
        rolloutTimeoutSeconds: { type: 'integer', minimum: 1 },
        skipTrafficAnalysis: { type: 'boolean' },
        revertOnDeletion: { type: 'boolean' },
        suspend: { type: 'boolean' },
      },
    },
  },
};

export const kuratorApplicationSchema: JsonSchema = manifest({
  required: ['source', 'syncPolicies'],
  properties: {
    source: {
      type: 'object',
      properties: {
        gitRepository: sourceSpec('^(http|https|ssh)://'),
        helmRepository: sourceSpec('^(http|https|oci)://'),
        ociRepository: sourceSpec('^oci://'),
      },
    },
    destination,
    syncPolicies: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', properties: { name: { type: 'string' }, destination, kustomization, helm, rollout } },
    },
  },
});
