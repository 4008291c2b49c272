import type { ServiceTrafficResult } from '../traffic/service-model.js';
import type { ControlPlane } from './control-plane.js';
import { CronHpaController } from './cron-hpa-controller.js';
import { HpaController, METRIC_WINDOW, type AutoscalerResult } from './hpa-controller.js';
import type { MemberCluster } from './member-cluster.js';
import { RolloutController, type RolloutResult } from './rollout-controller.js';
import type { RunState } from './state.js';
import { TrafficModel } from './traffic-model.js';

/** What a run with traffic blocks adds to its RunResult. */
export interface TrafficRunResults {
  traffic?: ServiceTrafficResult[];
  autoscaling?: AutoscalerResult[];
  rollouts?: RolloutResult[];
}

export interface TrafficRun {
  /** Close the books at the end of the run. */
  results(end: number): TrafficRunResults;
}

/**
 * Create and start the traffic model, the rollout controller and the FederatedHPA controller
 * for a scenario with `services:`, `rollouts:` or `autoscalers:` (null without them). Call after
 * the control plane started and before the simulation runs: the rollouts' images are interned
 * here, before any pod binds.
 */
export function startTraffic(state: RunState, members: MemberCluster[], cp: ControlPlane): TrafficRun | null {
  const blocks = state.scenario.traffic;
  if (!blocks || (blocks.services.length === 0 && blocks.rollouts.length === 0 && blocks.autoscalers.length === 0 && blocks.cronAutoscalers.length === 0)) return null;
  // Before any pod binds: member clusters key image presence by node x image count.
  for (const img of RolloutController.images(state, blocks.rollouts)) state.internImage(img);
  const lookback = Math.max(
    120,
    ...blocks.rollouts.flatMap((r) => r.metrics.map((m) => m.interval)),
    ...blocks.autoscalers.map((a) => a.metricDelay + METRIC_WINDOW),
  ) + blocks.traffic.step;
  const traffic = new TrafficModel(state, members, blocks, lookback);
  const rollouts = new RolloutController(state, members, traffic, blocks.rollouts);
  const hpa = new HpaController(state, cp, members, traffic, blocks.autoscalers);
  const cronHpa = new CronHpaController(state, cp, hpa, blocks.cronAutoscalers);
  if (blocks.services.length) state.observedLatency = (w) => traffic.observedLatency(w);
  traffic.start();
  rollouts.start();
  hpa.start();
  cronHpa.start();
  return {
    results(end: number): TrafficRunResults {
      return {
        ...(blocks.services.length ? { traffic: traffic.results(end) } : {}),
        ...(blocks.autoscalers.length || blocks.cronAutoscalers.length ? { autoscaling: [...hpa.results(), ...cronHpa.results()] } : {}),
        ...(blocks.rollouts.length ? { rollouts: rollouts.results() } : {}),
      };
    },
  };
}
