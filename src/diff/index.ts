/** Decision-level diffs of two schedulers on one scenario and seed (`fleetsim diff`). */
export { DecisionRecorder, type Decision, type PlacementDecision, type BindDecision } from './record.js';
export { diffSchedulers, formatDiff, type DiffResult, type PlacementDiff, type ReplicaDiff, type FirstDivergence, type ClusterDecision, type BindSide } from './diff.js';
export { placementFacts, effectivePlacement, bindingSpecOf, pluginsOf, type PlacementFacts, type ClusterFacts, type Family } from '../placement/explain.js';
export { decidingTerm } from './explain.js';
