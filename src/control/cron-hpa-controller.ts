import { parseCronSchedule, type CronSchedule } from '../batch/cron-schedule.js';
import type { EventHandler, Simulation } from '../kernel/index.js';
import type { DeploymentSpec } from '../scenario/types.js';
import type { CronAutoscalerRule, CronAutoscalerSpec } from '../traffic/spec.js';
import type { ControlPlane } from './control-plane.js';
import type { AutoscalerResult, HpaController } from './hpa-controller.js';
import { PodPhase } from './pods.js';
import { Prio, type RunState } from './state.js';

const CRON_HPA_TICK = 75;

interface RuleState {
  spec: CronAutoscalerSpec;
  rule: CronAutoscalerRule;
  schedule: CronSchedule;
  out: AutoscalerResult;
}

/**
 * Karmada's CronFederatedHPA controller (pkg/controllers/cronfederatedhpa): each rule that is not
 * suspended runs at its cron times (cron-schedule.ts, wall clock = the scenario's `start` +
 * simulated time, in the rule's time zone): a Deployment target is scaled to `targetReplicas`
 * (its resource template: Karmada reschedules the binding), a FederatedHPA target gets
 * `targetMinReplicas`/`targetMaxReplicas` as its bounds. Each firing is recorded as a decision.
 */
export class CronHpaController implements EventHandler {
  private readonly state: RunState;
  private readonly cp: ControlPlane;
  private readonly hpa: HpaController;
  private readonly rules: RuleState[] = [];
  private readonly out: AutoscalerResult[];

  constructor(state: RunState, cp: ControlPlane, hpa: HpaController, specs: CronAutoscalerSpec[]) {
    this.state = state;
    this.cp = cp;
    this.hpa = hpa;
    this.out = specs.map((a) => ({
      name: a.name,
      kind: 'CronFederatedHPA',
      workload: `${a.namespace}/${a.target.kind === 'FederatedHPA' ? `FederatedHPA ${a.target.name}` : a.target.name}`,
      minReplicas: 0,
      maxReplicas: 0,
      series: { t: [], desired: [], ready: [], metrics: {} },
      decisions: [],
    }));
    specs.forEach((spec, i) => {
      for (const rule of spec.rules) if (!rule.suspend) this.rules.push({ spec, rule, schedule: parseCronSchedule(rule.schedule, rule.timeZone), out: this.out[i] });
    });
  }

  start(): void {
    this.rules.forEach((_, i) => this.scheduleNext(i, 0));
  }

  private scheduleNext(i: number, now: number): void {
    const start = this.state.scenario.start;
    const next = this.rules[i].schedule.next(start + now);
    if (next !== null && next - start <= this.state.scenario.duration) this.state.sim.schedule(next - start, this, CRON_HPA_TICK, i, Prio.Control);
  }

  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    if (kind !== CRON_HPA_TICK) throw new Error(`cron hpa controller: unknown event kind ${kind}`);
    const i = data as number;
    this.fire(this.rules[i], sim.now);
    this.scheduleNext(i, sim.now);
  }

  private fire(r: RuleState, now: number): void {
    const reason = `rule ${r.rule.name}`;
    if (r.spec.target.kind === 'FederatedHPA') {
      this.hpa.setBounds(r.spec.namespace, r.spec.target.name, r.rule.targetMinReplicas, r.rule.targetMaxReplicas, now, `${r.spec.name} ${reason}`);
      r.out.decisions.push({ t: now, from: 0, to: 0, reason: `${reason}: FederatedHPA ${r.spec.target.name} minReplicas ${r.rule.targetMinReplicas ?? '(kept)'}, maxReplicas ${r.rule.targetMaxReplicas ?? '(kept)'}` });
      return;
    }
    const w = this.state.workloads.find((x) => x.spec.kind === 'Deployment' && x.spec.namespace === r.spec.namespace && x.spec.name === r.spec.target.name)!;
    const from = (w.spec as DeploymentSpec).replicas;
    const to = r.rule.targetReplicas!;
    if (to !== from) this.cp.setReplicas(w.index, to);
    r.out.decisions.push({ t: now, from, to, reason });
    let ready = 0;
    for (let p = 0; p < this.state.pods.count; p++) if (this.state.pods.workload[p] === w.index && this.state.pods.phase[p] === PodPhase.Running) ready++;
    r.out.series.t.push(now);
    r.out.series.desired.push(to);
    r.out.series.ready.push(ready);
  }

  results(): AutoscalerResult[] {
    return this.out;
  }
}
