import type { RateSpec } from '../kernel/index.js';
import type { FlaggerAnalysis, RolloutMetric, RolloutPolicyFields } from '../rollout/index.js';

export type { RolloutMetric };

/**
 * The typed scenario blocks for traffic (`traffic:`, `services:`), progressive delivery
 * (`rollouts:`) and autoscaling (`autoscalers:`). Times in seconds, rates per second.
 */

/** `traffic:` settings shared by every service. */
export interface TrafficSettings {
  /** fluid: M/M/c per cluster between state changes (default); request: every request simulated. */
  mode: 'fluid' | 'request';
  /** The fluid step and the poll of ready replicas (seconds, default 10). */
  step: number;
}

/** What a try's failure class is retried on (Envoy `retryOn` conditions fleetsim models). */
export interface RetryPolicy {
  /** Retries after the first try (Istio `attempts`). */
  attempts: number;
  /** Per-try timeout (Istio `perTryTimeout`); Infinity: none (the overall timeout bounds each try). */
  perTryTimeout: number;
  /** Retry application 5xx responses (`5xx` in retryOn). */
  on5xx: boolean;
  /** Retry per-try timeouts (`5xx` or `gateway-error` in retryOn). */
  onTimeout: boolean;
  /** The retryOn text as written. */
  retryOn: string;
}

/** A request version's behaviour (the service's own, or a rollout's new version). */
export interface VersionTraits {
  /** Requests per second one ready replica serves (μ; exponential service times). */
  serviceRate: number;
  /** Probability a try is answered with a 5xx by the application. */
  errorRate: number;
}

export interface ServiceSpec {
  name: string;
  namespace: string;
  /** The Deployment it fronts (same namespace). */
  workload: string;
  traits: VersionTraits;
  /** Where requests come from: user region → arrival rate (per second). */
  users: { region: string; rate: RateSpec }[];
  /**
   * locality: each try goes to the nearest region (network latency from the user region) with
   * ready replicas, split over that region's clusters by ready replicas. weighted: Istio
   * VirtualService route weights over clusters; a cluster without ready replicas answers 503.
   */
  routing: { mode: 'locality' | 'weighted' | 'endpoints'; weights: { cluster: string; weight: number }[] };
  retries: RetryPolicy;
  /** Overall request timeout (VirtualService `timeout`), seconds. */
  timeout: number;
  slo: SloSpec | null;
  source: string;
}

export interface SloSpec {
  /** Latency objective (seconds) for the given percentile of served requests. */
  latency: number | null;
  percentile: number;
  /** Availability objective: served / offered >= this fraction (e.g. 0.999). */
  availability: number | null;
  /** Evaluation window (seconds, default 60): a window that misses either objective is violation time. */
  window: number;
}

export interface RolloutSpec {
  name: string;
  namespace: string;
  /** The Deployment whose spec changes (Flagger's target; its pods are the primary). */
  workload: string;
  /** When the new revision is applied. */
  at: number;
  image: string;
  /** Size of the new image and the region of its registry (resolved like a workload's). */
  imageSizeBytes: number;
  registryRegion: string;
  /** The new version's behaviour (defaults: the service's). */
  traits: Partial<VersionTraits>;
  /** Clusters that run a Canary (default: every cluster running the workload at `at`). */
  clusters: string[] | null;
  analysis: FlaggerAnalysis;
  /** checkIntervalSeconds, raised to at least 10 s as Flagger does. */
  interval: number;
  metrics: RolloutMetric[];
  /** rolloutTimeoutSeconds (Flagger progressDeadlineSeconds), default 600. */
  progressDeadline: number;
  /** A/B testing: share of user requests matching `match` (default 1). */
  matchShare: number;
  /** rolloutPolicy.suspend: Flagger skips the Canary, so the revision is never analysed or promoted. */
  suspend: boolean;
  /** The Kurator Application whose sync policy configures this Canary (`namespace/name`), if one does. */
  application?: string;
  source: string;
}

/**
 * A Canary a Kurator Application configures (`syncPolicies[].rollout`, spec kurator.md §4):
 * Flagger runs it in each destination cluster of that sync policy. It analyses a new revision
 * when the scenario applies one (a `rollouts:` entry naming the workload).
 */
export interface KuratorRollout {
  /** `namespace/name` of the Application. */
  application: string;
  /** The sync policy's name (`<application>-<index>` unless named). */
  syncPolicy: string;
  workload: { namespace: string; name: string };
  /** Its destination clusters, where Kurator renders the Canary. */
  clusters: string[];
  fields: RolloutPolicyFields;
  suspend: boolean;
  /** `file:line` of the rollout block. */
  source: string;
}

/** One autoscaling/v2 metric target the simulator can measure. */
export type HpaMetric =
  | { type: 'cpu'; averageUtilization: number }
  | { type: 'rps'; averageValue: number };

export interface HpaScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface HpaScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: HpaScalingPolicy[];
}

export interface HpaBehavior {
  scaleUp: HpaScalingRules;
  scaleDown: HpaScalingRules;
}

export interface AutoscalerSpec {
  kind: 'FederatedHPA';
  name: string;
  namespace: string;
  workload: string;
  minReplicas: number;
  maxReplicas: number;
  metrics: HpaMetric[];
  behavior: HpaBehavior;
  /** Sync period (seconds, default 15). */
  syncPeriod: number;
  /** Age of the metrics the controller sees (metrics pipeline lag), seconds. */
  metricDelay: number;
  /** HPA tolerance (default 0.1). */
  tolerance: number;
  source: string;
}

/**
 * A Karmada CronFederatedHPA (autoscaling.karmada.io/v1alpha1): at each rule's cron times it sets
 * the target Deployment's replicas (`targetReplicas`), or the target FederatedHPA's
 * `minReplicas`/`maxReplicas` (`targetMinReplicas`, `targetMaxReplicas`).
 */
export interface CronAutoscalerSpec {
  kind: 'CronFederatedHPA';
  name: string;
  namespace: string;
  /** What it scales: a Deployment (by name), or a FederatedHPA (by name). */
  target: { kind: 'Deployment' | 'FederatedHPA'; name: string };
  rules: CronAutoscalerRule[];
  source: string;
}

export interface CronAutoscalerRule {
  name: string;
  schedule: string;
  /** IANA time zone (default: the controller's, UTC here). */
  timeZone: string | null;
  suspend: boolean;
  targetReplicas: number | null;
  targetMinReplicas: number | null;
  targetMaxReplicas: number | null;
}

/** Kubernetes autoscaling/v2 defaults (HPAScalingRules). */
export function defaultScaleUp(): HpaScalingRules {
  return { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] };
}
export function defaultScaleDown(): HpaScalingRules {
  return { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

/** The traffic blocks of a scenario (empty when it has none). */
export interface TrafficScenario {
  traffic: TrafficSettings;
  services: ServiceSpec[];
  rollouts: RolloutSpec[];
  autoscalers: AutoscalerSpec[];
  /** CronFederatedHPAs (from included manifests). */
  cronAutoscalers: CronAutoscalerSpec[];
}
