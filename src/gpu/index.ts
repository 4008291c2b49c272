/**
 * GPU layer: the node/GPU model, the six placement policies of the FGD paper and the scheduler
 * loop that applies them. A member-cluster simulator uses it as:
 *
 *     const cluster = new GpuCluster(nodeSpecs);
 *     const policy = gpuPolicies.get('fgd')!({ cluster, typicalPods: typicalPods(workload), rng });
 *     const scheduler = new GpuScheduler(cluster, policy, { ranks: randomNodeRanks(n, stream), uniform: stream2 });
 *     const pod = cluster.compilePod(spec);
 *     const node = scheduler.schedule(pod);        // -1: fits nowhere; GPUs taken: scheduler.lastGpus
 *     cluster.release(node, pod, gpus, gpus.length); // when the pod ends
 *
 * or, to score without placing: `cluster.fits(node, pod)` then `policy.score(node, pod, cluster)`,
 * and `policy.selectGpus(node, pod, cluster, out)` + `cluster.allocate(...)` for the chosen node.
 */
export { GpuCluster, MILLI_PER_GPU, type GpuNodeSpec, type GpuPodSpec, type PodShape } from './model.js';
export { MAX_NODE_SCORE, MIN_NODE_SCORE, type GpuPolicy, type GpuPolicyFactory, type GpuPolicyOptions } from './policy.js';
export { GPU_POLICY_TITLES, gpuPolicies } from './policies/index.js';
export { GpuScheduler, randomNodeRanks, type GpuSchedulerOptions } from './scheduler.js';
export { typicalPods, type TypicalPod, type TypicalPodsOptions } from './typical-pods.js';
export { FragmentationMeasure } from './fragmentation.js';
export { bestFitGpus, exclusiveGpus, randomFitGpus } from './gpu-selection.js';
export { runPaperExperiment, type PaperRunOptions, type PaperRunResult } from './paper-experiment.js';
