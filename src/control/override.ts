import { clusterMatches } from '../placement/karmada/index.js';
import { applyOverriders, OverrideError, pointerTokens, valueAt, type Overriders } from '../placement/karmada/overriders.js';
import { applicableOverrides } from '../placement/policy-match.js';
import { manifestOf, rederiveTemplate } from '../scenario/pod-template.js';
import type { ClusterSpec, PodTemplate, Scenario, WorkloadSpec } from '../scenario/types.js';

/**
 * What the binding controller writes into one cluster's Work (karmada
 * pkg/controllers/binding/common.go `ensureWork`): the resource template with its replicas
 * revised to the cluster's share, then Karmada's OverridePolicies and ClusterOverridePolicies
 * applied last, so "override rules have the highest priority". An override never changes the
 * ResourceBinding (the scheduler divided the template's replicas; `spec.clusters` keeps that
 * result): a plaintext `replace /spec/replicas` changes only the replicas that cluster's Work
 * asks for. Order (overridemanager.go): ClusterOverridePolicies, then OverridePolicies of the
 * workload's namespace, each group from the least to the most precise selector (none: match
 * all; kind; label selector; name), then by name; within a rule, image overriders before
 * plaintext (placement/karmada/overriders.ts). fleetsim reads the patched template again: the
 * replicas (parallelism, completions), every container's requests and limits, init containers,
 * overhead (scenario/pod-requests.ts) and the first container's image (its pull source and so its
 * pull time). A patch that fails fails the override, and that cluster gets no Work.
 */
export interface RenderedWork {
  template: PodTemplate;
  /** Replicas (a Job's parallelism) the overrides set for this cluster, or null: the binding's share. */
  replicas: number | null;
  /** A Job's completions the overrides set, or null. */
  completions: number | null;
  /** Why Karmada could not apply the overrides (no Work for this cluster), or null. */
  error: string | null;
}

/** Rendered Works per workload spec and cluster: the policies never change during a run. */
const rendered = new WeakMap<WorkloadSpec, Map<string, RenderedWork>>();

export function renderWork(w: WorkloadSpec, cluster: ClusterSpec, scenario: Scenario): RenderedWork {
  // No OverridePolicy in the scenario (most runs): every Work is the template itself. One result
  // per template (a Job family's arrivals share theirs), not a Map and a result kept per workload.
  if (scenario.overridePolicies.length === 0) return plainWork(w.template);
  let byCluster = rendered.get(w);
  const hit = byCluster?.get(cluster.name);
  if (hit) return hit;
  const r = render(w, cluster, scenario);
  if (!byCluster) rendered.set(w, (byCluster = new Map()));
  byCluster.set(cluster.name, r);
  return r;
}

const plainWorks = new WeakMap<PodTemplate, RenderedWork>();

/** The Work of a template no override touches (what `render` gives when no rule applies). */
function plainWork(template: PodTemplate): RenderedWork {
  let r = plainWorks.get(template);
  if (r === undefined) plainWorks.set(template, (r = { template, replicas: null, completions: null, error: null }));
  return r;
}

/** The pod template a cluster's Work runs (overrides applied); the workload's own when none apply. */
export function renderTemplate(w: WorkloadSpec, cluster: ClusterSpec, scenario: Scenario): PodTemplate {
  return renderWork(w, cluster, scenario).template;
}

function render(w: WorkloadSpec, cluster: ClusterSpec, scenario: Scenario): RenderedWork {
  const rules = applicableOverrides(scenario.overridePolicies, w).flatMap((p) =>
    p.overrideRules.filter((r) => !r.targetCluster || clusterMatches(cluster, r.targetCluster)).map((r) => ({ policy: p, overriders: r.overriders as Overriders })),
  );
  if (rules.length === 0) return { template: w.template, replicas: null, completions: null, error: null };
  const manifest = manifestOf(w);
  const doc = structuredClone(manifest.object);
  const kind = w.resourceKind ?? w.kind;
  const touched: string[] = [];
  for (const r of rules) {
    try {
      applyOverriders(doc, kind, r.overriders);
    } catch (e) {
      if (!(e instanceof OverrideError)) throw e;
      return { template: w.template, replicas: null, completions: null, error: `${r.policy.kind} ${r.policy.name} could not be applied for cluster ${cluster.name} (${e.message}); Karmada writes no Work there` };
    }
    for (const p of r.overriders.plaintext ?? []) touched.push(p.path);
  }
  const podSpec = valueAt(doc, '/' + manifest.podPath.join('/'));
  const template = podSpec && typeof podSpec === 'object' ? rederiveTemplate(w.template, podSpec as Record<string, unknown>, scenario) : w.template;
  // The count fields a plaintext patch wrote (or removed: the API server's default, 1).
  const jobPath = '/' + manifest.podPath.slice(0, -2).join('/');
  const counted = (path: string, dflt: () => number): number | null => {
    const tokens = pointerTokens(path);
    if (!touched.some((t) => pointerTokens(t).every((x, i) => tokens[i] === x))) return null;
    const v = valueAt(doc, path);
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : dflt();
  };
  if (w.kind === 'Deployment') return { template, replicas: kind === 'Pod' || kind === 'DaemonSet' ? null : counted(`${jobPath}/replicas`, () => 1), completions: null, error: null };
  const replicas = counted(`${jobPath}/parallelism`, () => 1);
  return { template, replicas, completions: counted(`${jobPath}/completions`, () => replicas ?? w.parallelism), error: null };
}
