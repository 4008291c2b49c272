import type { GpuPolicyFactory } from '../policy.js';
import { createBestFitPolicy } from './best-fit.js';
import { createDotProdPolicy } from './dotprod.js';
import { createFgdPolicy } from './fgd.js';
import { createGpuClusteringPolicy } from './gpu-clustering.js';
import { createGpuPackingPolicy } from './gpu-packing.js';
import { createRandomPolicy } from './random.js';

/** The six policies of the FGD paper, by name, in the paper's order. */
export const gpuPolicies: ReadonlyMap<string, GpuPolicyFactory> = new Map<string, GpuPolicyFactory>([
  ['random', createRandomPolicy],
  ['dotprod', createDotProdPolicy],
  ['gpuclustering', createGpuClusteringPolicy],
  ['gpupacking', createGpuPackingPolicy],
  ['bestfit', createBestFitPolicy],
  ['fgd', createFgdPolicy],
]);

/** Display names as the paper writes them. */
export const GPU_POLICY_TITLES: Readonly<Record<string, string>> = {
  random: 'Random',
  dotprod: 'DotProd',
  gpuclustering: 'GpuClustering',
  gpupacking: 'GpuPacking',
  bestfit: 'BestFit',
  fgd: 'FGD',
};

export { createBestFitPolicy, createDotProdPolicy, createFgdPolicy, createGpuClusteringPolicy, createGpuPackingPolicy, createRandomPolicy };
