import { admitPlacement } from '../admission.js';
import { validateAgainst } from '../json-schema.js';
import { policyExtras } from '../policies.js';
import type { TemplateContext } from '../pod-template.js';
import type { YamlSource } from '../source.js';
import { applyPatch, imagePatches, OverrideError, pointerTokens, valueAt } from '../../placement/karmada/overriders.js';
import { applicableOverrides } from '../../placement/policy-match.js';
import { manifestOf, podShape } from '../pod-template.js';
import type { PathElement } from '../source.js';
import type { ClusterAffinity, ImageOverrider, OverridePolicySpec, Placement, PlaintextOverrider, PolicySpec, WorkloadSpec } from '../types.js';
import { note, objectName, type ManifestReader, type ManifestSink, type Obj } from './common.js';
import { manifestRoot, overridePolicySchema, propagationPolicySchema } from './schemas.js';

/** Karmada policies (policy.karmada.io/v1alpha1): (Cluster)PropagationPolicy, (Cluster)OverridePolicy. */

/** PropagationPolicy / ClusterPropagationPolicy, through Karmada's admission defaults. */
function readPropagationPolicy(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, source: string): void {
  validateAgainst(m, o, propagationPolicySchema, manifestRoot());
  const meta = o.metadata as Obj;
  const spec = o.spec as Obj;
  sink.policies.push({
    kind: o.kind as PolicySpec['kind'],
    name: meta.name as string,
    namespace: o.kind === 'ClusterPropagationPolicy' ? '' : ((meta.namespace as string | undefined) ?? 'default'),
    priority: (spec.priority as number | undefined) ?? 0,
    resourceSelectors: spec.resourceSelectors as PolicySpec['resourceSelectors'],
    placement: admitPlacement((spec.placement as Placement | undefined) ?? {}),
    ...policyExtras(spec),
    source,
  });
}

/** Overriders fleetsim reads (image, plaintext); the others change nothing it simulates and are named. */
const OTHER_OVERRIDERS = ['commandOverrider', 'argsOverrider', 'labelsOverrider', 'annotationsOverrider', 'fieldOverrider'];

/**
 * OverridePolicy / ClusterOverridePolicy: applied per cluster when Works are rendered
 * (control/override.ts). Once every file is read, each rule is tried on each workload the
 * policy selects: a value fleetsim would read (a request, an image, replicas) that Kubernetes
 * would reject is a located error; a patch that cannot apply (Karmada then writes no Work for
 * those clusters) and a path fleetsim does not model are notes.
 */
function readOverridePolicy(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, source: string): void {
  validateAgainst(m, o, overridePolicySchema, manifestRoot());
  const meta = o.metadata as Obj;
  const spec = o.spec as Obj;
  const kind = o.kind as OverridePolicySpec['kind'];
  const rules = (spec.overrideRules as Obj[] | undefined) ?? (spec.overriders ? [{ targetCluster: spec.targetCluster, overriders: spec.overriders }] : []);
  const rulesPath: PathElement[] = spec.overrideRules ? ['spec', 'overrideRules'] : ['spec'];
  const policy: OverridePolicySpec = {
    kind,
    name: meta.name as string,
    namespace: kind === 'ClusterOverridePolicy' ? '' : ((meta.namespace as string | undefined) ?? 'default'),
    resourceSelectors: (spec.resourceSelectors as PolicySpec['resourceSelectors'] | undefined) ?? [],
    overrideRules: rules.map((r) => {
      const ov = (r.overriders as Obj | undefined) ?? {};
      return {
        ...(r.targetCluster ? { targetCluster: r.targetCluster as ClusterAffinity } : {}),
        overriders: {
          ...(ov.imageOverrider ? { imageOverrider: ov.imageOverrider as ImageOverrider[] } : {}),
          ...(ov.plaintext ? { plaintext: ov.plaintext as PlaintextOverrider[] } : {}),
        },
      };
    }),
    source,
  };
  sink.overrides.push(policy);
  const name = objectName(kind, policy.namespace || null, policy.name);
  const other = new Set<string>();
  rules.forEach((r) => {
    for (const k of OTHER_OVERRIDERS) if (((r.overriders as Obj | undefined) ?? {})[k] !== undefined) other.add(k);
  });
  if (other.size) note(sink, m, rulesPath, name, `not modelled: ${[...other].join(', ')} (they change nothing fleetsim simulates; applied by Karmada, ignored here)`);
  sink.afterRead.push(() => checkOverrides(m, policy, rules.length, rulesPath, sink, name));
}

/** Try each rule of a policy on each workload it selects (see readOverridePolicy). */
function checkOverrides(m: YamlSource, policy: OverridePolicySpec, rules: number, rulesPath: PathElement[], sink: ManifestSink, name: string): void {
  const unmodelled = new Map<string, string>();
  for (const w of sink.workloads) {
    if (applicableOverrides([policy], w).length === 0) continue;
    const manifest = manifestOf(w);
    const kind = w.resourceKind ?? w.kind;
    policy.overrideRules.forEach(({ overriders: ov }, i) => {
      const doc = structuredClone(manifest.object);
      const rulePath = rules === 1 && rulesPath.length === 1 ? rulesPath : [...rulesPath, i];
      try {
        for (const io of ov.imageOverrider ?? []) for (const p of imagePatches(doc, kind, io)) applyPatch(doc, p);
        (ov.plaintext ?? []).forEach((p, k) => {
          applyPatch(doc, p);
          const why = plaintextNotModelled(p.path, manifest.podPath, w);
          if (why) unmodelled.set(p.path, why);
          // A value fleetsim reads must be one Kubernetes would take: located at the overrider.
          const podSpec = valueAt(doc, '/' + manifest.podPath.join('/'));
          if (podSpec && typeof podSpec === 'object') {
            podShape(podSpec as Obj, [], (_path, expected, found) => m.fail([...rulePath, 'overriders', 'plaintext', k, 'value'], `${expected} (in ${objectName(kind, w.namespace, w.name)})`, found));
          }
        });
      } catch (e) {
        if (!(e instanceof OverrideError)) throw e;
        note(sink, m, rulePath, name, `cannot be applied to ${objectName(kind, w.namespace, w.name)} (${e.message}): Karmada writes no Work for the clusters the rule targets`);
      }
    });
  }
  for (const [path, why] of unmodelled) note(sink, m, rulesPath, name, `plaintext ${path} is applied but not modelled (${why})`);
}

/**
 * Why a plaintext path changes nothing fleetsim simulates, or null when fleetsim reads what it
 * changes: the replicas (parallelism, completions), the pod spec's containers and init
 * containers (requests, limits, the first container's image), overhead and pod-level resources,
 * its nodeSelector, tolerations and required node affinity.
 */
function plaintextNotModelled(path: string, podPath: PathElement[], w: WorkloadSpec): string | null {
  const t = pointerTokens(path);
  const pod = podPath.map(String);
  if (t.length <= pod.length && t.every((x, i) => x === pod[i])) return null; // the pod spec, or what holds it, replaced whole
  const jobPath = pod.slice(0, -2);
  const counts = w.kind === 'Deployment' ? ['replicas'] : ['parallelism', 'completions'];
  if (t.length === jobPath.length + 1 && jobPath.every((x, i) => x === t[i]) && counts.includes(t[jobPath.length])) return null;
  if (!pod.every((x, i) => x === t[i])) return 'fleetsim reads the replicas and the pod spec only';
  const rest = t.slice(pod.length);
  if (['overhead', 'resources', 'priority', 'nodeSelector', 'tolerations'].includes(rest[0])) return null;
  if (rest[0] === 'affinity' && (rest.length === 1 || (rest[1] === 'nodeAffinity' && (rest.length === 2 || rest[2] === 'requiredDuringSchedulingIgnoredDuringExecution')))) return null;
  if (rest[0] === 'containers' || rest[0] === 'initContainers') {
    if (rest.length <= 2 || rest[2] === 'resources' || (rest[0] === 'initContainers' && rest[2] === 'restartPolicy')) return null;
    if (rest[2] === 'image') return rest[0] === 'containers' && rest[1] === '0' ? null : "fleetsim pulls the first container's image only";
  }
  return 'member schedulers and kubelets read requests, node selection and the first image only';
}

export const karmadaReaders: ManifestReader[] = [
  { accepts: (_v, g, k) => (k === 'PropagationPolicy' || k === 'ClusterPropagationPolicy') && g === 'policy.karmada.io', read: readPropagationPolicy },
  { accepts: (_v, g, k) => (k === 'OverridePolicy' || k === 'ClusterOverridePolicy') && g === 'policy.karmada.io', read: readOverridePolicy },
];
