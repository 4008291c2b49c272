import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/runner/run.js';
import type { Scenario } from '../../src/scenario/types.js';
import { KURATOR_APPS as DIR, kuratorAppsScenario, loadError, loadIn, noteLines } from '../helpers/kurator-apps.js';

/**
 * A Kurator Application's `syncPolicies[].rollout` (shaped like kurator-dev/kurator
 * examples/rollout/canary.yaml) sets up the Flagger Canary of the workload it delivers; a
 * `rollouts:` entry of the scenario applies the new revision, and fleetsim's Flagger engine
 * runs the Canary in each destination cluster.
 */
const CANARY = readFileSync(join(DIR, 'apps/canary.yaml'), 'utf8');
const TMP = mkdtempSync(join(tmpdir(), 'fleetsim-kurator-rollout-'));
let n = 0;

/** The canary Application edited by `edit`, written beside the others' fixtures, and a scenario that includes it. */
function scenario(edit: (app: string) => string = (a) => a, rollouts = '  - { workload: webapp/backend, at: 2m, image: ghcr.io/example/webapp:1.1.0 }\n'): string {
  const file = join(TMP, `app-${n++}.yaml`);
  writeFileSync(file, edit(CANARY));
  return kuratorAppsScenario(
    'kurator-rollout',
    '20m',
    `sources:
  - { url: https://git.example.com/shop/gitops, path: ./gitops }
include: [fleet.yaml, ${file}]
services:
  - { name: backend, namespace: webapp, workload: backend, serviceTime: 20ms, users: [{ region: r1, rate: { kind: constant, rate: 40 } }] }
${rollouts ? `rollouts:\n${rollouts}` : ''}`,
  );
}

const load = (text: string): Scenario => loadIn(DIR, text);
const error = (text: string): string => loadError(DIR, text).message;

describe('Kurator Application rollout config drives the Flagger engine', () => {
  it("maps the Application's rolloutPolicy and destination clusters onto the scenario's rollout", () => {
    const r = load(scenario()).traffic!.rollouts[0];
    expect(r.application).toBe('default/rollout-demo');
    expect(r.clusters).toEqual(['kurator-member1', 'kurator-member2']);
    expect(r.analysis).toEqual({ maxWeight: 50, stepWeight: 10, threshold: 2 });
    expect(r.interval).toBe(60);
    expect(r.progressDeadline).toBe(600);
    // The two built-in metrics; the customMetric query is not evaluated (and named).
    expect(r.metrics.map((m) => m.name)).toEqual(['request-success-rate', 'request-duration']);
  });

  it('runs the canary in each destination cluster on its own, 10 % steps to 50 %, then promotes', async () => {
    const res = await runScenario(load(scenario()));
    const ro = res.rollouts![0];
    expect(ro.strategy).toBe('canary');
    expect(ro.clusters.map((c) => [c.cluster, c.outcome])).toEqual([['kurator-member1', 'promoted'], ['kurator-member2', 'promoted']]);
    for (const c of ro.clusters) {
      const weights = c.ticks.filter((t) => t.event === 'weight step').map((t) => t.canaryRouteWeight);
      expect(weights).toEqual([10, 20, 30, 40, 50]);
    }
  });

  it('same scenario and seed: byte-identical results (the checkout is read in name order)', async () => {
    const a = await runScenario(load(scenario()));
    const b = await runScenario(load(scenario()));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it("names what the rollout config asks that fleetsim does not model: load-test webhooks, custom metrics, the provider's routing details", () => {
    const notes = noteLines(load(scenario())).join('\n');
    expect(notes).toMatch(
      /app-\d+\.yaml:\d+: Application default\/rollout-demo: rollout-demo-0 rollout: a Flagger Canary \(canary\) for Deployment webapp\/backend in kurator-member1, kurator-member2; not modelled: 1 load-test webhook command\(s\) run by a private loadtester \(the canary gets only the scenario's services: traffic\); metric\(s\) istio-requests-total \(MetricTemplate queries: not evaluated, their checks count as passed\); istio routing details \(gateways, hosts, timeoutSeconds\)/,
    );
  });

  it('blue/green (analysisTimes): without the load tester the iterations see no traffic, fail, and Flagger rolls back; the note says why', async () => {
    const s = load(scenario((a) => a.replace(/            canaryStrategy:\n              maxWeight: 50\n              stepWeight: 10\n/, '            analysisTimes: 3\n')));
    expect(noteLines(s).join('\n')).toMatch(/a Flagger Canary \(blue\/green\).*none during blue\/green iterations, whose checks then find no data and fail/);
    const ro = (await runScenario(s)).rollouts![0];
    expect(ro.strategy).toBe('blueGreen');
    expect(ro.clusters.map((c) => c.outcome)).toEqual(['rolled back', 'rolled back']);
  });

  it('A/B testing (analysisTimes with match) routes the matching requests to the canary and promotes', async () => {
    const ab = (a: string) => a.replace(/            canaryStrategy:\n              maxWeight: 50\n              stepWeight: 10\n/, '            analysisTimes: 2\n            match:\n              - headers:\n                  cookie:\n                    regex: "^(.*?;)?(type=insider)(;.*)?$"\n');
    const ro = (await runScenario(load(scenario(ab, '  - { workload: webapp/backend, at: 2m, image: ghcr.io/example/webapp:1.1.0, matchShare: 0.3 }\n')))).rollouts![0];
    expect(ro.strategy).toBe('abTesting');
    expect(ro.clusters.map((c) => c.outcome)).toEqual(['promoted', 'promoted']);
  });

  it('suspend: Flagger skips the Canary, the revision is neither analysed nor promoted', async () => {
    const ro = (await runScenario(load(scenario((a) => a.replace('          rolloutTimeoutSeconds: 600', '          rolloutTimeoutSeconds: 600\n          suspend: true'))))).rollouts![0];
    expect(ro.clusters.map((c) => [c.outcome, c.ticks.map((t) => t.event)])).toEqual([
      ['not started', ['suspended (rolloutPolicy.suspend): Flagger skips this Canary']],
      ['not started', ['suspended (rolloutPolicy.suspend): Flagger skips this Canary']],
    ]);
  });

  it("without a new revision in the scenario, the Canary analyses nothing, and validate says how to apply one", () => {
    const s = load(scenario(undefined, ''));
    expect(s.traffic!.rollouts).toEqual([]);
    expect(noteLines(s)).toContainEqual(expect.stringMatching(/the Canary for webapp\/backend analyses nothing in this run: no new revision is applied \(add rollouts: \[\{ workload: webapp\/backend, at: <time>, image: <new image> \}\] to roll one out\)/));
  });

  it("the scenario's own rolloutPolicy replaces the Application's, with a note", () => {
    const own = '  - { workload: webapp/backend, at: 2m, image: ghcr.io/example/webapp:1.1.0, rolloutPolicy: { trafficRouting: { canaryStrategy: { stepWeight: 25 } }, trafficAnalysis: { checkIntervalSeconds: 30, checkFailedTimes: 1 } } }\n';
    const s = load(scenario(undefined, own));
    expect(s.traffic!.rollouts[0].analysis).toEqual({ stepWeight: 25, threshold: 1 });
    expect(s.traffic!.rollouts[0].clusters).toEqual(['kurator-member1', 'kurator-member2']);
    expect(noteLines(s)).toContainEqual(expect.stringMatching(/scenario\.yaml:\d+: rollouts\[0\]: this rolloutPolicy replaces the one Kurator Application default\/rollout-demo configures for webapp\/backend/));
  });

  it('where Kurator renders no Canary (its Service is not delivered), nothing drives it, and a rollout needs its own policy', () => {
    const noSvc = (a: string) => a.replace('serviceName: backend', 'serviceName: backend-svc');
    expect(noteLines(load(scenario(noSvc, ''))).join('\n')).toMatch(/no Kurator Application delivers Service webapp\/backend-svc to kurator-member1, kurator-member2, so Kurator renders no Canary; no rollout/);
    expect(error(scenario(noSvc))).toMatch(/scenario\.yaml:\d+:\d+: rollouts\[0\]\.rolloutPolicy: expected a rolloutPolicy \(or a Kurator Application whose syncPolicies\[\]\.rollout names Deployment webapp\/backend\), found nothing$/);
  });

  it("is checked as Kurator's webhook and renderer check it", () => {
    expect(error(scenario((a) => a.replace('trafficRoutingProvider: istio', 'trafficRoutingProvider: nginx')))).toMatch(
      /app-\d+\.yaml:\d+:\d+: spec\.syncPolicies\[0\]\.rollout\.rolloutPolicy\.trafficRouting\.host: expected a host for the nginx provider \(Kurator's webhook: "expected application\.syncPolicies\.Rollout\.RolloutPolicy\.TrafficRouting\.Host in index 0"\), found nothing$/,
    );
    expect(error(scenario((a) => a.replace(/              customMetric:\n(.*\n){4}/, '')))).toMatch(
      /spec\.syncPolicies\[0\]\.rollout\.rolloutPolicy\.trafficAnalysis\.metrics\[2\]\.name: expected request-success-rate, request-duration, a metric with customMetric, or a Flagger MetricTemplate "istio-requests-total" in namespace webapp among the manifests \(Flagger fails every check of a metric whose template is missing\), found "istio-requests-total"/,
    );
    expect(error(scenario((a) => a.replace('            - name: request-duration\n              intervalSeconds: 60\n', '            - name: request-duration\n')))).toMatch(
      /metrics\[1\]\.intervalSeconds: expected the metric's interval in seconds \(Kurator dereferences it when rendering the Canary\), found nothing$/,
    );
  });
});
