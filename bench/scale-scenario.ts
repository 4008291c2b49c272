/**
 * The scale benchmark's fleet and workload (issue 9), generated in code from a seed: a planner's
 * real fleet rather than a toy one. Everything below is a plain scenario document (the same one a
 * user would write in YAML), so the run goes through the loader and `runScenario` like any other.
 *
 * Fleet: `clusters` member clusters of `nodes` nodes each, ten clusters per region
 * (`region-<r>`, one zone per cluster), and one placement pool (`pool` label) per region. A
 * cluster's nodes are a GPU pool of at most `gpuNodes` nodes (128 cores, 1 TiB, 110 pods, 8 H100)
 * and, beyond it, a CPU-only pool (96 cores, 384 GiB, 110 pods): large clusters are mostly CPU
 * nodes, as in Karmada's own scale test (100 clusters x 5,000 nodes: 2,000 GPU + 3,000 CPU-only
 * nodes each here). Up to `gpuNodes` nodes per cluster the fleet is all GPU nodes, as it always was. Member scheduling: kube-scheduler, NodeResourcesFit LeastAllocated on even
 * clusters and MostAllocated (bin packing, common on GPU fleets) on odd ones.
 *
 * Workload, `pods` pods over `hours` simulated hours (the expected count: Job arrivals are
 * Poisson):
 * - 30 % Deployment replicas: Deployments of 10-500 replicas created uniformly over the first 80 %
 *   of the run, 40 % of them GPU inference (1 GPU, 8 cores, 64 GiB) and the rest CPU services
 *   (2 cores, 8 GiB); they stay up. Placed by Karmada, Divided with dynamic weights
 *   (AvailableReplicas) over the clusters of their pool.
 * - 70 % Job pods: per pool, 16 Job families (1, 2, 4 or 8 GPUs per pod x parallelism 1, 4, 16
 *   or 32, completions = parallelism), each a Poisson stream with a diurnal rate (period 24 h,
 *   amplitude 0.5, peak at 14:00 local time, each region an hour later than the previous) until
 *   90 % of the run; pods run for an exponential time of mean 90 min. Placed Divided/Aggregated
 *   (as few clusters as fit) over their pool.
 *
 * At the default size (100 x 1,000 nodes, 1,000,000 pods, 24 h) this asks for roughly 30-45 % of
 * the fleet's 800,000 GPUs at the daily peak: a busy fleet, not an overloaded one. At Karmada's size
 * (100 x 5,000 nodes, 2,000,000 pods) the GPU pools hold 1,600,000 GPUs: the same load per GPU.
 */
import seedrandom from 'seedrandom';

export interface ScaleParams {
  clusters: number;
  /** Nodes per cluster. */
  nodes: number;
  gpusPerNode: number;
  /** GPU nodes per cluster at most; the rest of a cluster's nodes are CPU-only. */
  gpuNodes: number;
  /** Pods to create over the run (expected value). */
  pods: number;
  hours: number;
  seed: number;
}

export const DEFAULT_SCALE: ScaleParams = { clusters: 100, nodes: 1000, gpusPerNode: 8, gpuNodes: 2000, pods: 1_000_000, hours: 24, seed: 1 };

/** Share of the pods that are Deployment replicas (the rest are Job pods). */
export const DEPLOYMENT_SHARE = 0.3;
const REPLICA_CHOICES = [10, 20, 50, 100, 200, 500];
const JOB_GPUS = [1, 2, 4, 8];
const JOB_PARALLELISM = [1, 4, 16, 32];
const CLUSTERS_PER_REGION = 10;

export interface ScaleDocument {
  /** The scenario document (JSON, which is YAML). */
  doc: Record<string, unknown>;
  /** Deployment replicas in the document, and the expected number of Job pods. */
  deploymentPods: number;
  deployments: number;
  expectedJobPods: number;
  jobFamilies: number;
}

/** Build the scenario document for `p` (deterministic in p). */
export function scaleDocument(p: ScaleParams): ScaleDocument {
  const rng = seedrandom(`fleetsim-scale/${p.seed}`);
  const duration = p.hours * 3600;
  const regions = Math.max(1, Math.ceil(p.clusters / CLUSTERS_PER_REGION));
  const clusters = [];
  const gpuNodes = Math.min(p.nodes, p.gpuNodes);
  const nodePools: Record<string, unknown>[] = [{ name: 'h100', count: gpuNodes, cpu: 128, memory: '1024Gi', maxPods: 110, gpus: { count: p.gpusPerNode, model: 'H100', memory: '80Gi' } }];
  if (p.nodes > gpuNodes) nodePools.push({ name: 'cpu', count: p.nodes - gpuNodes, cpu: 96, memory: '384Gi', maxPods: 110 });
  for (let c = 0; c < p.clusters; c++) {
    const r = c % regions;
    clusters.push({
      name: `c${String(c).padStart(3, '0')}`,
      region: `region-${r}`,
      zone: `region-${r}-${String.fromCharCode(97 + (Math.floor(c / regions) % 26))}`,
      provider: 'example-cloud',
      labels: { pool: `p${r}` },
      nodeScoring: c % 2 === 0 ? 'LeastAllocated' : 'MostAllocated',
      nodePools,
    });
  }
  const policies = [];
  for (let r = 0; r < regions; r++) {
    const affinity = { labelSelector: { matchLabels: { pool: `p${r}` } } };
    policies.push({
      name: `serving-p${r}`,
      kind: 'ClusterPropagationPolicy',
      resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', labelSelector: { matchLabels: { pool: `p${r}` } } }],
      placement: { clusterAffinity: affinity, replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } } },
    });
    policies.push({
      name: `batch-p${r}`,
      kind: 'ClusterPropagationPolicy',
      resourceSelectors: [{ apiVersion: 'batch/v1', kind: 'Job', labelSelector: { matchLabels: { pool: `p${r}` } } }],
      placement: { clusterAffinity: affinity, replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' } },
    });
  }

  const workloads: Record<string, unknown>[] = [];
  // Deployments, until their replicas reach the target (the last one trimmed).
  const deploymentTarget = Math.round(p.pods * DEPLOYMENT_SHARE);
  let deploymentPods = 0;
  let deployments = 0;
  while (deploymentPods < deploymentTarget) {
    const replicas = Math.min(REPLICA_CHOICES[Math.floor(rng() * REPLICA_CHOICES.length)], deploymentTarget - deploymentPods);
    const gpu = rng() < 0.4;
    const r = Math.floor(rng() * regions);
    const at = Math.round(rng() * 0.8 * duration);
    workloads.push({
      kind: 'Deployment',
      name: `${gpu ? 'infer' : 'svc'}-${deployments}`,
      labels: { pool: `p${r}` },
      replicas,
      at,
      image: gpu ? `registry.example.com/serving/llm-infer:${deployments % 8}` : `registry.example.com/web/svc:${deployments % 16}`,
      imageSize: gpu ? '6Gi' : '300Mi',
      startup: gpu ? 60 : 5,
      resources: gpu ? { cpu: 8, memory: '64Gi', gpu: 1 } : { cpu: 2, memory: '8Gi' },
    });
    deploymentPods += replicas;
    deployments++;
  }

  // Job families: expected pods spread evenly over (region, gpus, parallelism).
  const jobPods = p.pods - deploymentPods;
  const families = regions * JOB_GPUS.length * JOB_PARALLELISM.length;
  const until = 0.9 * duration;
  const podsPerFamily = jobPods / families;
  for (let r = 0; r < regions; r++) {
    const peakAt = ((14 + r) % 24) * 3600;
    for (const g of JOB_GPUS) {
      for (const par of JOB_PARALLELISM) {
        // Expected arrivals = mean rate x window (the diurnal wave's mean over whole periods; over a
        // window that is not a whole period the realised count differs a little).
        const jobs = podsPerFamily / par;
        workloads.push({
          kind: 'Job',
          name: `train-p${r}-g${g}-x${par}`,
          labels: { pool: `p${r}` },
          parallelism: par,
          completions: par,
          image: `registry.example.com/batch/train-g${g}:1`,
          imageSize: '4Gi',
          startup: 20,
          resources: { cpu: 12 * g, memory: `${96 * g}Gi`, gpu: g },
          duration: { kind: 'exponential', mean: 5400 },
          arrivals: { rate: { kind: 'diurnal', mean: jobs / until, amplitude: 0.5, period: 86400, peakAt }, until },
        });
      }
    }
  }

  const doc = {
    apiVersion: 'fleetsim/v1',
    name: `scale-${p.clusters}x${p.nodes}`,
    description: `scale benchmark: ${p.clusters} clusters x ${p.nodes} nodes x ${p.gpusPerNode} GPUs, ~${p.pods} pods over ${p.hours} h`,
    seed: p.seed,
    duration,
    metrics: { interval: 60 },
    controlPlane: { region: 'region-0', schedulingLatency: 0.02 },
    network: { default: { latency: 0.03, bandwidth: '5Gbps' }, intraRegion: { latency: 0.001, bandwidth: '25Gbps' } },
    registries: [{ name: 'central', host: 'registry.example.com', region: 'region-0' }],
    fleet: { clusters },
    policies,
    workloads,
    schedulers: ['karmada'],
  };
  return { doc, deploymentPods, deployments, expectedJobPods: jobPods, jobFamilies: families };
}
