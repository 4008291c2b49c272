import { admitPlacement } from '../admission.js';
import { validateAgainst } from '../json-schema.js';
import { policyExtras } from '../policies.js';
import type { TemplateContext } from '../pod-template.js';
import type { YamlSource } from '../source.js';
import type { ClusterAffinity, OverridePolicySpec, Placement, PolicySpec } from '../types.js';
import type { ManifestReader, ManifestSink, Obj } from './common.js';
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

/** OverridePolicy / ClusterOverridePolicy: applied per cluster when Works are rendered. */
function readOverridePolicy(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, source: string): void {
  validateAgainst(m, o, overridePolicySchema, manifestRoot());
  const meta = o.metadata as Obj;
  const spec = o.spec as Obj;
  sink.overrides.push({
    kind: o.kind as OverridePolicySpec['kind'],
    name: meta.name as string,
    namespace: o.kind === 'ClusterOverridePolicy' ? '' : ((meta.namespace as string | undefined) ?? 'default'),
    resourceSelectors: (spec.resourceSelectors as PolicySpec['resourceSelectors'] | undefined) ?? [],
    overrideRules: ((spec.overrideRules as Obj[] | undefined) ?? []).map((r) => ({
      ...(r.targetCluster ? { targetCluster: r.targetCluster as ClusterAffinity } : {}),
      overriders: (r.overriders as OverridePolicySpec['overrideRules'][number]['overriders'] | undefined) ?? {},
    })),
    source,
  });
}

export const karmadaReaders: ManifestReader[] = [
  { accepts: (_v, g, k) => (k === 'PropagationPolicy' || k === 'ClusterPropagationPolicy') && g === 'policy.karmada.io', read: readPropagationPolicy },
  { accepts: (_v, g, k) => (k === 'OverridePolicy' || k === 'ClusterOverridePolicy') && g === 'policy.karmada.io', read: readOverridePolicy },
];
