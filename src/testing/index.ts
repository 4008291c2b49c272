/**
 * `fleetsim/testing`: a property-testing kit for fleet schedulers and policies.
 *
 *   import fc from 'fast-check';
 *   import { policyProperty, checkPolicy, arbScenarioModel, checkRun, scenarioOf } from 'fleetsim/testing';
 *   await fc.assert(policyProperty('./my-policy.mjs'), { numRuns: 50, seed: 1 });
 *
 * - arbitraries (fast-check) for fleets, workloads, placements (policies) and failures, and
 *   whole scenarios of them, rendered as scenario YAML or a typed Scenario;
 * - invariant checkers over a run and every decision it made (no overcommit, replica
 *   conservation, gang all-or-nothing, nothing on down or tainted clusters, Volcano queue
 *   capability, determinism; gang-unsplit on request);
 * - `checkPolicy`: search, shrink, and a minimal counterexample scenario (`fleetsim check`).
 */
export * from './arbitraries.js';
export { scenarioYaml, scenarioOf, type ScenarioModel, type ClusterModel, type WorkloadModel, type PlacementModel, type FailureModel, type DivisionModel, type TaintEffect, type RenderOptions } from './model.js';
export {
  INVARIANTS,
  selectInvariants,
  observeRun,
  checkRun,
  runCompletes,
  replicaConservation,
  noOvercommit,
  gangAllOrNothing,
  gangUnsplit,
  nothingOnDownOrTainted,
  queueCapability,
  determinism,
  type Invariant,
  type RunObservation,
  type Violation,
} from './invariants.js';
export { checkPolicy, policyProperty, counterexampleYaml, writeCounterexample, type CheckPolicyOptions, type CheckPolicyResult } from './check.js';
export { DecisionRecorder, type Decision, type PlacementDecision, type BindDecision } from '../diff/record.js';
