/**
 * fleetsim's library API. The CLI is built on exactly these functions.
 *
 *   import { loadScenario, runScenario } from 'fleetsim';
 *   const scenario = loadScenario('scenarios/kurator-fleet.yaml');
 *   const result = await runScenario(scenario, { scheduler: 'karmada', seed: 1 });
 */
export { UserError } from './errors.js';
export { FLEETSIM_VERSION } from './version.js';

export { loadScenario, parseScenario, DEFAULTS as SCENARIO_DEFAULTS, type LoadOptions } from './scenario/load.js';
export { scenarioSchema } from './scenario/schema.js';
export { ScenarioError, type SourcePosition } from './scenario/errors.js';
export type * from './scenario/types.js';

export { runScenario, runAll, expandWorkloads, type RunOptions } from './runner/run.js';
export { resolveScheduler } from './placement/builtin.js';
export type { DecisionSink } from './control/state.js';
export type { RunResult, RunSummary, ClusterResult, WorkloadResult, SeriesResult, Stat } from './runner/result.js';

export {
  registerScheduler,
  getScheduler,
  schedulerNames,
  loadSchedulerModule,
  frameworkScheduler,
  type FleetScheduler,
  type SchedulerPlugins,
  type BindingRequest,
  type ClusterView,
  type ScheduleOutcome,
} from './placement/registry.js';
export { registerBuiltinSchedulers } from './placement/builtin.js';
export type { TargetCluster } from './placement/karmada/types.js';

export { Simulation, createStream, makeSampler, makeArrivals, MT19937 } from './kernel/index.js';
export type { EventHandler, RandomStream, DistributionSpec, RateSpec } from './kernel/index.js';

export { renderRunReport } from './report/run-report.js';
export { formatRunSummary, runSummaryFile, type RunSummaryFile, type RunDigest } from './report/run-summary.js';
export { computeVerdict, type Verdict } from './report/verdict.js';
export { renderHtmlReport, type ReportSection, type VegaLiteSpec } from './report/html.js';
