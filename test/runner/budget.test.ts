import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/runner/run.js';
import { loadScenario } from '../../src/scenario/load.js';
import { ROOT } from '../helpers/cli.js';

/** A run within its budgets: it stops where a budget runs out, keeping a partial result that says so. */
describe('run budgets', () => {
  const scenario = loadScenario(join(ROOT, 'test/sweep/fixtures/small.yaml'));

  it('a run under its event budget is whole and unchanged by the budget', async () => {
    const free = await runScenario(scenario);
    const bounded = await runScenario(scenario, { limits: { maxEvents: free.events, maxMemoryBytes: Infinity } });
    expect(free.partial).toBeUndefined();
    expect(JSON.stringify(bounded)).toBe(JSON.stringify(free));
  });

  it('the event budget stops a run at the same event on every run, with a partial result', async () => {
    const whole = await runScenario(scenario);
    const limits = { maxEvents: Math.floor(whole.events / 3), maxMemoryBytes: Infinity };
    const a = await runScenario(scenario, { limits });
    const b = await runScenario(scenario, { limits });
    expect(a.events).toBe(limits.maxEvents);
    expect(a.partial).toMatchObject({ reason: 'events', message: expect.stringMatching(/event budget .* ran out \(raise it with --max-events\)/) });
    expect(a.partial!.at).toBeGreaterThan(0);
    expect(a.partial!.at).toBeLessThan(scenario.duration);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    // What it kept covers [0, at]: the samples taken up to there.
    expect(a.series.t.at(-1)!).toBeLessThanOrEqual(a.partial!.at);
  });

  it('the memory budget stops a run that outgrows it', async () => {
    const r = await runScenario(scenario, { limits: { maxEvents: Infinity, maxMemoryBytes: 1 } });
    expect(r.partial).toMatchObject({ reason: 'memory', message: expect.stringMatching(/memory budget of 1 bytes ran out \(raise it with --max-memory\)/) });
  });

  it('an aborted signal stops a run at once', async () => {
    const c = new AbortController();
    c.abort();
    const r = await runScenario(scenario, { signal: c.signal });
    expect(r.partial).toMatchObject({ reason: 'interrupted' });
    expect(r.events).toBeLessThan((await runScenario(scenario)).events);
  });
});
