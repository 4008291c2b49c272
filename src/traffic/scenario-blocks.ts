import { rateSpec } from '../scenario/distributions.js';
import { resolve } from 'node:path';
import { loadCsvColumn, validateRate, type RateSpec } from '../kernel/index.js';
import { rolloutPolicyFields } from '../rollout/index.js';
import type { JsonSchema } from '../scenario/json-schema.js';
import type { PathElement, YamlSource } from '../scenario/source.js';
import type { ClusterSpec, InputNote, RegistrySpec, WorkloadSpec } from '../scenario/types.js';
import { parseDuration, parseQuantity } from '../scenario/units.js';
import {
  defaultScaleDown, defaultScaleUp, type AutoscalerSpec, type HpaMetric, type HpaScalingRules, type RetryPolicy, type RolloutSpec,
  type KuratorRollout, type ServiceSpec, type TrafficScenario,
} from './spec.js';

/**
 * The scenario blocks `traffic:`, `services:`, `rollouts:` and `autoscalers:`: their JSON Schema
 * (merged into the scenario schema) and the reader that turns them into typed specs after the
 * schema check, with cross-references (workloads, clusters, regions) checked and located.
 */

const duration: JsonSchema = { type: ['number', 'string'], format: 'duration', description: 'seconds, or "90s", "5m", "1h30m"' };
const str = (description?: string): JsonSchema => ({ type: 'string', minLength: 1, ...(description ? { description } : {}) });
const posNum: JsonSchema = { type: 'number', exclusiveMinimum: 0 };
const fraction: JsonSchema = { type: 'number', minimum: 0, maximum: 1 };
const percent: JsonSchema = { type: 'number', minimum: 0, maximum: 100 };

const csvRate: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'csv', 'column'],
  description: 'a rate series from a CSV file: requests per second per row, rows every `step` (or at `timeColumn` seconds); a step function',
  properties: {
    kind: { const: 'csv' },
    csv: str('CSV file, relative to the scenario'),
    column: str('column of requests per second'),
    timeColumn: str('column of times (seconds from the start); default: rows every `step`'),
    step: { ...duration, description: 'time between rows without timeColumn (default 60s)' },
    repeat: { ...duration, description: 'repeat the series with this period (e.g. 24h)' },
  },
};

const userRate: JsonSchema = { description: 'requests per second: constant, diurnal, piecewise, or a CSV series', oneOf: [{ $ref: '#/$defs/rate' }, csvRate] };

const service: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'workload', 'users'],
  properties: {
    name: str(),
    namespace: str(),
    workload: str('the Deployment this service fronts (same namespace)'),
    serviceRate: { ...posNum, description: 'requests per second one ready replica serves (exponential service times)' },
    serviceTime: { ...duration, exclusiveMinimum: 0, description: 'mean service time of one request (instead of serviceRate)' },
    errorRate: { ...fraction, description: 'probability the application answers a try with a 5xx (default 0)' },
    users: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', additionalProperties: false, required: ['region', 'rate'], properties: { region: str('where the users are (a region of the network)'), rate: userRate } },
    },
    routing: {
      type: 'object',
      additionalProperties: false,
      properties: {
        mode: { enum: ['locality', 'weighted', 'endpoints'], description: 'locality (default): nearest region with ready replicas; weighted: VirtualService route weights over clusters; endpoints: a Karmada MultiClusterService (CrossCluster), every ready replica of every cluster equally likely' },
        weights: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['cluster', 'weight'], properties: { cluster: str(), weight: { type: 'number', minimum: 0 } } } },
      },
    },
    retries: {
      type: 'object',
      additionalProperties: false,
      description: 'Istio HTTPRetry (default: attempts 2, retryOn as Istio, which retries none of the failures modelled here)',
      properties: {
        attempts: { type: 'integer', minimum: 0 },
        perTryTimeout: { ...duration, exclusiveMinimum: 0 },
        retryOn: { type: 'string', description: 'Envoy retry conditions, comma-separated; 5xx (5xx answers and per-try timeouts) and gateway-error (per-try timeouts) are modelled' },
      },
    },
    timeout: { ...duration, exclusiveMinimum: 0, description: 'overall request timeout (VirtualService timeout; default 15s, Envoy\'s route default)' },
    slo: {
      type: 'object',
      additionalProperties: false,
      properties: {
        latency: { ...duration, exclusiveMinimum: 0, description: 'latency objective for `percentile` of served requests' },
        percentile: { type: 'number', exclusiveMinimum: 0, maximum: 100, description: 'default 99' },
        availability: { ...percent, description: 'served / offered, in % (e.g. 99.9)' },
        window: { ...duration, exclusiveMinimum: 0, description: 'evaluation window (default 60s)' },
      },
    },
  },
};

const thresholdRange: JsonSchema = { type: 'object', additionalProperties: false, properties: { min: { type: 'number' }, max: { type: 'number' } } };

/** A Kurator rollout: the new revision and Kurator's rolloutPolicy, fields as Kurator spells them. */
const rollout: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['workload', 'at', 'image'],
  properties: {
    name: str(),
    workload: str('the Deployment (name, or namespace/name) whose spec changes'),
    at: { ...duration, description: 'when the new revision is applied' },
    image: str('the new image'),
    imageSize: { type: ['number', 'string'], format: 'bytes' },
    version: {
      type: 'object',
      additionalProperties: false,
      description: "the new version's behaviour (default: the service's)",
      properties: { serviceRate: posNum, serviceTime: { ...duration, exclusiveMinimum: 0 }, errorRate: fraction },
    },
    clusters: { type: 'array', items: str(), description: "clusters running a Canary (default: the destination clusters of the Kurator Application configuring it, else every cluster running the workload)" },
    matchShare: { ...fraction, description: 'A/B testing: share of requests matching `match` (default 1)' },
    rolloutPolicy: {
      type: 'object',
      additionalProperties: false,
      required: ['trafficAnalysis'],
      description: "Kurator's rolloutPolicy; may be left out when a Kurator Application's syncPolicies[].rollout configures the workload's Canary (given here, it replaces the Application's)",
      properties: {
        trafficRouting: {
          type: 'object',
          additionalProperties: false,
          properties: {
            canaryStrategy: {
              type: 'object',
              additionalProperties: false,
              properties: {
                maxWeight: { type: 'integer', minimum: 0, maximum: 100 },
                stepWeight: { type: 'integer', minimum: 0, maximum: 100 },
                stepWeights: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 100 } },
                stepWeightPromotion: { type: 'integer', minimum: 0, maximum: 100 },
              },
            },
            analysisTimes: { type: 'integer', minimum: 0, description: 'blue/green (or A/B with match) iterations' },
            match: { type: 'array', items: { type: 'object' } },
            timeoutSeconds: { type: 'integer', minimum: 0 },
          },
        },
        trafficAnalysis: {
          type: 'object',
          additionalProperties: false,
          required: ['checkIntervalSeconds', 'checkFailedTimes'],
          properties: {
            checkIntervalSeconds: { type: 'integer', minimum: 1, description: 'Flagger analysis.interval (raised to 10 s at least)' },
            checkFailedTimes: { type: 'integer', minimum: 0, description: 'Flagger analysis.threshold (0 counts as 1)' },
            metrics: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['name', 'intervalSeconds'],
                properties: { name: { enum: ['request-success-rate', 'request-duration'] }, intervalSeconds: { type: 'integer', minimum: 1 }, thresholdRange },
              },
            },
          },
        },
        rolloutTimeoutSeconds: { type: 'integer', minimum: 1, description: 'Flagger progressDeadlineSeconds (default 600)' },
        skipTrafficAnalysis: { type: 'boolean' },
      },
    },
  },
};

const scalingRules: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    stabilizationWindowSeconds: { type: 'integer', minimum: 0, maximum: 3600 },
    selectPolicy: { enum: ['Max', 'Min', 'Disabled'] },
    policies: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'value', 'periodSeconds'],
        properties: { type: { enum: ['Pods', 'Percent'] }, value: { type: 'integer', minimum: 1 }, periodSeconds: { type: 'integer', minimum: 1, maximum: 1800 } },
      },
    },
  },
};

/** A Karmada FederatedHPA (autoscaling.karmada.io/v1alpha1), spec fields as Karmada spells them. */
const autoscaler: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'scaleTargetRef', 'maxReplicas', 'metrics'],
  properties: {
    kind: { const: 'FederatedHPA' },
    name: str(),
    namespace: str(),
    scaleTargetRef: { type: 'object', additionalProperties: false, required: ['name'], properties: { apiVersion: str(), kind: { const: 'Deployment' }, name: str() } },
    minReplicas: { type: 'integer', minimum: 1, description: 'default 1' },
    maxReplicas: { type: 'integer', minimum: 1 },
    metrics: {
      type: 'array',
      minItems: 1,
      items: {
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['type', 'resource'],
            properties: {
              type: { const: 'Resource' },
              resource: {
                type: 'object',
                additionalProperties: false,
                required: ['name', 'target'],
                properties: {
                  name: { const: 'cpu' },
                  target: { type: 'object', additionalProperties: false, required: ['type', 'averageUtilization'], properties: { type: { const: 'Utilization' }, averageUtilization: { type: 'integer', minimum: 1 } } },
                },
              },
            },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['type', 'pods'],
            properties: {
              type: { const: 'Pods' },
              pods: {
                type: 'object',
                additionalProperties: false,
                required: ['metric', 'target'],
                properties: {
                  metric: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { const: 'requests_per_second' } } },
                  target: { type: 'object', additionalProperties: false, required: ['type', 'averageValue'], properties: { type: { const: 'AverageValue' }, averageValue: { type: ['number', 'string'] } } },
                },
              },
            },
          },
        ],
      },
    },
    behavior: { type: 'object', additionalProperties: false, properties: { scaleUp: scalingRules, scaleDown: scalingRules } },
    syncPeriod: { ...duration, exclusiveMinimum: 0, description: 'default 15s' },
    metricDelay: { ...duration, description: 'age of the metrics the controller sees (default 30s)' },
    tolerance: { type: 'number', minimum: 0, maximum: 1, description: 'default 0.1' },
  },
};

/** Top-level properties merged into the scenario schema. */
export const trafficSchemaProperties: Record<string, JsonSchema> = {
  traffic: {
    type: 'object',
    additionalProperties: false,
    description: 'how service traffic is computed',
    properties: {
      mode: { enum: ['fluid', 'request'], description: 'fluid (default): M/M/c per cluster between state changes; request: every request simulated' },
      step: { ...duration, exclusiveMinimum: 0, description: 'fluid step and readiness poll (default 10s)' },
    },
  },
  services: { type: 'array', items: service, description: 'services fronting Deployments, with their users, routing, retries and SLO' },
  rollouts: { type: 'array', items: rollout, description: 'Kurator/Flagger progressive rollouts of a new revision' },
  autoscalers: { type: 'array', items: autoscaler, description: 'Karmada FederatedHPAs' },
};

type Obj = Record<string, unknown>;

/**
 * User regions of services that are named in `network.links`: they join the network's regions
 * (users may live where no cluster runs, with their latency given by a link). A user region
 * that is neither a cluster's or registry's region nor in a link is reported as a mistake.
 */
export function trafficRegions(doc: unknown): string[] {
  const out: string[] = [];
  const d = doc as Obj | null;
  const links = ((d?.network as Obj | undefined)?.links as Obj[] | undefined) ?? [];
  const linked = new Set<unknown>(Array.isArray(links) ? links.flatMap((l) => [l?.from, l?.to]) : []);
  const services = d?.services;
  if (!Array.isArray(services)) return out;
  for (const s of services) {
    const users = (s as Obj | null)?.users;
    if (!Array.isArray(users)) continue;
    for (const u of users) {
      const r = (u as Obj | null)?.region;
      if (typeof r === 'string' && r && linked.has(r) && !out.includes(r)) out.push(r);
    }
  }
  return out;
}

export interface TrafficBlockContext {
  workloads: WorkloadSpec[];
  clusters: ClusterSpec[];
  regions: ReadonlySet<string>;
  registries: RegistrySpec[];
  images: { image: string; sizeBytes: number }[];
  defaults: { registryRegion: string };
  baseDir: string;
  imageHost: (image: string) => string;
  /** Canaries configured by Kurator Applications (a rollout of their workload may leave out rolloutPolicy). */
  kuratorRollouts?: readonly KuratorRollout[];
  /** Where the reader leaves notes (a rollout entry replacing what an Application configures). */
  notes?: InputNote[];
}

const sourceOf = (src: YamlSource, path: PathElement[]): string => `${src.at(path).file}:${src.at(path).line}`;

/** Read the four blocks (already schema-checked); undefined when the scenario has none. */
export function readTrafficBlocks(src: YamlSource, doc: Obj, ctx: TrafficBlockContext): TrafficScenario | undefined {
  if (doc.services === undefined && doc.rollouts === undefined && doc.autoscalers === undefined && doc.traffic === undefined) return undefined;
  const t = (doc.traffic as Obj | undefined) ?? {};
  const traffic = { mode: (t.mode as 'fluid' | 'request' | undefined) ?? 'fluid', step: t.step === undefined ? 10 : parseDuration(t.step)! };
  const clusterNames = ctx.clusters.filter((c) => c.role === 'member').map((c) => c.name);
  const deployment = (ref: string, namespace: string, path: PathElement[]): { namespace: string; name: string; spec: WorkloadSpec } => {
    const [ns, name] = ref.includes('/') ? ref.split('/', 2) : [namespace, ref];
    const w = ctx.workloads.find((x) => x.kind === 'Deployment' && x.namespace === ns && x.name === name);
    if (!w) src.fail(path, `a Deployment of the scenario (${ctx.workloads.filter((x) => x.kind === 'Deployment').map((x) => `${x.namespace}/${x.name}`).join(', ') || 'none'})`, ref);
    return { namespace: ns, name, spec: w };
  };
  const cluster = (name: unknown, path: PathElement[]): string => {
    if (!clusterNames.includes(name as string)) src.fail(path, `a member cluster (${clusterNames.join(', ')})`, name);
    return name as string;
  };
  const rateOf = (r: Obj, path: PathElement[]): RateSpec => (r.kind === 'csv' ? csvRateSpec(src, r, path, ctx.baseDir) : rateSpec(r));

  const services: ServiceSpec[] = ((doc.services as Obj[] | undefined) ?? []).map((s, i) => {
    const path: PathElement[] = ['services', i];
    const namespace = (s.namespace as string | undefined) ?? 'default';
    const w = deployment(s.workload as string, namespace, [...path, 'workload']);
    if (s.serviceRate !== undefined && s.serviceTime !== undefined) src.fail([...path, 'serviceTime'], 'either serviceRate or serviceTime, not both', 'both');
    const mu = s.serviceRate !== undefined ? (s.serviceRate as number) : s.serviceTime !== undefined ? 1 / parseDuration(s.serviceTime)! : 10;
    const users = (s.users as Obj[]).map((u, k) => {
      const region = u.region as string;
      if (!ctx.regions.has(region)) src.fail([...path, 'users', k, 'region'], `a region of a cluster or registry, or one named in network.links (${[...ctx.regions].join(', ')})`, region);
      return { region, rate: rateOf(u.rate as Obj, [...path, 'users', k, 'rate']) };
    });
    const routing = (s.routing as Obj | undefined) ?? {};
    const mode = (routing.mode as 'locality' | 'weighted' | 'endpoints' | undefined) ?? 'locality';
    const weights = ((routing.weights as Obj[] | undefined) ?? []).map((x, k) => ({ cluster: cluster(x.cluster, [...path, 'routing', 'weights', k, 'cluster']), weight: x.weight as number }));
    if (mode === 'weighted' && !weights.some((x) => x.weight > 0)) src.fail([...path, 'routing', 'weights'], 'at least one cluster with a weight > 0 (mode weighted)', routing.weights ?? []);
    const timeout = s.timeout === undefined ? 15 : parseDuration(s.timeout)!;
    const slo = s.slo as Obj | undefined;
    const step = traffic.step;
    const window = slo?.window === undefined ? 60 : parseDuration(slo.window)!;
    if (slo && Math.abs(window / step - Math.round(window / step)) > 1e-9) src.fail([...path, 'slo', 'window'], `a multiple of traffic.step (${step} s)`, slo.window);
    return {
      name: s.name as string,
      namespace,
      workload: w.name,
      traits: { serviceRate: mu, errorRate: (s.errorRate as number | undefined) ?? 0 },
      users,
      routing: { mode, weights },
      retries: retryPolicy((s.retries as Obj | undefined) ?? {}, timeout),
      timeout,
      slo: slo
        ? {
            latency: slo.latency === undefined ? null : parseDuration(slo.latency)!,
            percentile: (slo.percentile as number | undefined) ?? 99,
            availability: slo.availability === undefined ? null : (slo.availability as number) / 100,
            window,
          }
        : null,
      source: `${src.at(path).file}:${src.at(path).line}`,
    };
  });
  const seen = new Set<string>();
  services.forEach((s, i) => {
    const key = `${s.namespace}/${s.name}`;
    if (seen.has(key)) src.fail(['services', i, 'name'], 'a service name not used before', s.name);
    seen.add(key);
  });

  const rollouts: RolloutSpec[] = ((doc.rollouts as Obj[] | undefined) ?? []).map((r, i) => {
    const path: PathElement[] = ['rollouts', i];
    const w = deployment(r.workload as string, 'default', [...path, 'workload']);
    // A Kurator Application's rollout config sets up the Canary; the entry here applies the revision.
    const kurator = (ctx.kuratorRollouts ?? []).find((k) => k.workload.namespace === w.namespace && k.workload.name === w.name);
    if (r.rolloutPolicy === undefined && !kurator) {
      src.fail([...path, 'rolloutPolicy'], `a rolloutPolicy (or a Kurator Application whose syncPolicies[].rollout names Deployment ${w.namespace}/${w.name})`, undefined);
    }
    const fields = r.rolloutPolicy !== undefined ? rolloutPolicyFields(r.rolloutPolicy as Obj) : kurator!.fields;
    if (kurator && r.rolloutPolicy !== undefined) ctx.notes?.push({ source: sourceOf(src, [...path, 'rolloutPolicy']), object: `rollouts[${i}]`, text: `this rolloutPolicy replaces the one Kurator Application ${kurator.application} configures for ${w.namespace}/${w.name} (${kurator.source})` });
    if (kurator && r.clusters !== undefined) ctx.notes?.push({ source: sourceOf(src, [...path, 'clusters']), object: `rollouts[${i}]`, text: `these clusters replace the destination clusters of Kurator Application ${kurator.application} (${kurator.clusters.join(', ') || 'none'}) for ${w.namespace}/${w.name}'s Canary` });
    const v = (r.version as Obj | undefined) ?? {};
    if (v.serviceRate !== undefined && v.serviceTime !== undefined) src.fail([...path, 'version', 'serviceTime'], 'either serviceRate or serviceTime, not both', 'both');
    const traits: RolloutSpec['traits'] = {};
    if (v.serviceRate !== undefined) traits.serviceRate = v.serviceRate as number;
    if (v.serviceTime !== undefined) traits.serviceRate = 1 / parseDuration(v.serviceTime)!;
    if (v.errorRate !== undefined) traits.errorRate = v.errorRate as number;
    const image = r.image as string;
    const host = ctx.imageHost(image);
    const known = ctx.images.find((x) => x.image === image);
    return {
      name: (r.name as string | undefined) ?? `${w.name}-${i + 1}`,
      namespace: w.namespace,
      workload: w.name,
      at: parseDuration(r.at)!,
      image,
      imageSizeBytes: r.imageSize !== undefined ? parseQuantity(r.imageSize)! : (known?.sizeBytes ?? w.spec.template.imageSizeBytes),
      registryRegion: ctx.registries.find((x) => x.host === host)?.region ?? ctx.defaults.registryRegion,
      traits,
      clusters: r.clusters !== undefined ? (r.clusters as string[]).map((c, k) => cluster(c, [...path, 'clusters', k])) : (kurator?.clusters ?? null),
      ...fields,
      matchShare: (r.matchShare as number | undefined) ?? 1,
      suspend: r.rolloutPolicy === undefined && kurator!.suspend,
      ...(kurator ? { application: kurator.application } : {}),
      source: sourceOf(src, path),
    };
  });

  const autoscalers: AutoscalerSpec[] = ((doc.autoscalers as Obj[] | undefined) ?? []).map((a, i) => {
    const path: PathElement[] = ['autoscalers', i];
    const namespace = (a.namespace as string | undefined) ?? 'default';
    const ref = a.scaleTargetRef as Obj;
    const w = deployment(ref.name as string, namespace, [...path, 'scaleTargetRef', 'name']);
    const minReplicas = (a.minReplicas as number | undefined) ?? 1;
    const maxReplicas = a.maxReplicas as number;
    if (maxReplicas < minReplicas) src.fail([...path, 'maxReplicas'], `an integer >= minReplicas (${minReplicas})`, maxReplicas);
    const metrics: HpaMetric[] = (a.metrics as Obj[]).map((m, k) => {
      if (m.type === 'Resource') return { type: 'cpu', averageUtilization: (((m.resource as Obj).target as Obj).averageUtilization as number) };
      const raw = ((m.pods as Obj).target as Obj).averageValue;
      const v = parseQuantity(raw);
      if (v === null || !(v > 0)) src.fail([...path, 'metrics', k, 'pods', 'target', 'averageValue'], 'a quantity > 0 (like 40 or "500m")', raw);
      return { type: 'rps', averageValue: v };
    });
    return federatedHpa({
      name: a.name as string,
      namespace,
      workload: w.name,
      minReplicas,
      maxReplicas,
      metrics,
      behavior: a.behavior as Obj | undefined,
      syncPeriod: a.syncPeriod === undefined ? 15 : parseDuration(a.syncPeriod)!,
      metricDelay: a.metricDelay === undefined ? 30 : parseDuration(a.metricDelay)!,
      tolerance: (a.tolerance as number | undefined) ?? 0.1,
      source: `${src.at(path).file}:${src.at(path).line}`,
    });
  });
  const targets = new Map<string, number>();
  autoscalers.forEach((a, i) => {
    const key = `${a.namespace}/${a.workload}`;
    if (targets.has(key)) src.fail(['autoscalers', i, 'scaleTargetRef', 'name'], `a Deployment no other autoscaler targets (autoscalers[${targets.get(key)}] does)`, a.workload);
    targets.set(key, i);
  });
  return { traffic, services, rollouts, autoscalers, cronAutoscalers: [] };
}

/**
 * A FederatedHPA of the model (an `autoscalers:` entry, or a manifest's): `behavior` as written,
 * its rules completed from Kubernetes' defaults; Karmada's sync period 15 s, a metrics pipeline
 * 30 s behind, the HPA tolerance 0.1 unless given.
 */
export function federatedHpa(
  a: Omit<AutoscalerSpec, 'kind' | 'behavior' | 'syncPeriod' | 'metricDelay' | 'tolerance'> & { behavior: Obj | undefined; syncPeriod?: number; metricDelay?: number; tolerance?: number },
): AutoscalerSpec {
  const b = a.behavior ?? {};
  return {
    ...a,
    kind: 'FederatedHPA',
    behavior: { scaleUp: rules(b.scaleUp as Obj | undefined, defaultScaleUp()), scaleDown: rules(b.scaleDown as Obj | undefined, defaultScaleDown()) },
    syncPeriod: a.syncPeriod ?? 15,
    metricDelay: a.metricDelay ?? 30,
    tolerance: a.tolerance ?? 0.1,
  };
}

/** Kubernetes fills a rule's unset fields from the defaults of its direction. */
function rules(r: Obj | undefined, d: HpaScalingRules): HpaScalingRules {
  if (!r) return d;
  return {
    stabilizationWindowSeconds: (r.stabilizationWindowSeconds as number | undefined) ?? d.stabilizationWindowSeconds,
    selectPolicy: (r.selectPolicy as HpaScalingRules['selectPolicy'] | undefined) ?? d.selectPolicy,
    policies: (r.policies as HpaScalingRules['policies'] | undefined) ?? d.policies,
  };
}

/**
 * Istio HTTPRetry: `attempts` retries (default 2), `perTryTimeout` (default: none), `retryOn`
 * (Istio's default: connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes,
 * none of which match an application 5xx or a per-try timeout here).
 */
function retryPolicy(r: Obj, timeout: number): RetryPolicy {
  const retryOn = (r.retryOn as string | undefined) ?? 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';
  const conds = retryOn.split(',').map((x) => x.trim());
  const perTry = r.perTryTimeout === undefined ? Infinity : parseDuration(r.perTryTimeout)!;
  return {
    attempts: (r.attempts as number | undefined) ?? 2,
    perTryTimeout: perTry >= timeout ? Infinity : perTry,
    on5xx: conds.includes('5xx'),
    onTimeout: conds.includes('5xx') || conds.includes('gateway-error'),
    retryOn,
  };
}

/** A CSV rate series → a piecewise rate (a step per row). */
function csvRateSpec(src: YamlSource, v: Obj, path: PathElement[], baseDir: string): RateSpec {
  const file = resolve(baseDir, v.csv as string);
  let rates: Float64Array;
  let times: Float64Array | null = null;
  try {
    rates = loadCsvColumn(file, v.column as string);
    if (v.timeColumn !== undefined) times = loadCsvColumn(file, v.timeColumn as string);
  } catch (e) {
    src.fail([...path, 'csv'], 'a readable CSV file with the named numeric columns', (e as Error).message.replace(/^empirical distribution: /, ''), { rawFound: true });
  }
  const step = v.step === undefined ? 60 : parseDuration(v.step)!;
  const points = Array.from(rates, (rate, i) => ({ t: times ? times[i] : i * step, rate }));
  const spec: RateSpec = { kind: 'piecewise', points, ...(v.repeat !== undefined ? { repeat: parseDuration(v.repeat)! } : {}) };
  const err = validateRate(spec);
  if (err) src.fail(path, 'a rate series with times increasing from 0 and rates >= 0', err, { rawFound: true });
  return spec;
}
