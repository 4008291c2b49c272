/** The regression gate behind `fleetsim bench`: suites, runs, baselines, tests and reports. */
export { loadSuite, suiteSchema, DEFAULT_DIRECTION, type BenchSuite, type SuiteMetric, type SuiteScenario, type SuiteScheduler, type Direction, type Tolerance } from './suite.js';
export { runSuite, type CaseSamples, type RunSuiteOptions } from './run.js';
export { baselineOf, readBaseline, writeBaseline, stableJson, type BaselineFile } from './baseline.js';
export { gate, caseLabel, type GateCheck, type GateResult, type Verdict } from './compare.js';
export { pairedComparison, welchComparison, compareSamples, type Comparison, type TestMethod } from './stats.js';
export { renderMarkdown, renderJUnit, type ReportContext } from './report.js';
