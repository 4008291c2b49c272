/**
 * kernel/: the discrete-event core. Clock, event queue and seeded random streams; it knows
 * nothing about clusters, jobs or policies.
 */
export { Simulation, PRIORITY_MIN, PRIORITY_MAX } from './simulation.js';
export type { EventId, EventHandler, RunOptions, RunResult } from './simulation.js';
export { EventQueue } from './event-queue.js';
export { createStream, streamKey } from './random.js';
export type { RandomStream } from './random.js';
export { MT19937 } from './mt19937.js';
export { makeSampler, validateDistribution, distributionBounds, loadCsvColumn, clearEmpiricalCache, gamma, erfc } from './distributions.js';
export type { DistributionSpec, Sampler } from './distributions.js';
export { expectedArrivals, makeArrivals, rateAt, validateRate } from './arrivals.js';
export type { RateSpec, ArrivalProcess } from './arrivals.js';
