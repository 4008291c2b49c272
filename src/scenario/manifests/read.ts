import type { TemplateContext } from '../pod-template.js';
import type { YamlSource } from '../source.js';
import { type ManifestReader, type ManifestSink, type Obj } from './common.js';
import { karmadaReaders } from './karmada.js';
import { kubernetesReaders } from './kubernetes.js';
import { kuratorReaders } from './kurator.js';
import { volcanoReaders } from './volcano.js';

/**
 * Included manifests (`include:` files), read as `kubectl apply` would take them: each object goes
 * to the reader of its kind (kubernetes.ts, karmada.ts, kurator.ts, volcano.ts), which validates it
 * against the kind's schema and adds what it means to the sink. Kinds fleetsim does not model are
 * listed in `sink.ignored`.
 */

export type { ManifestSink } from './common.js';
export { applyKurator } from './kurator.js';

const READERS: readonly ManifestReader[] = [...kubernetesReaders, ...karmadaReaders, ...kuratorReaders, ...volcanoReaders];

export function readManifest(m: YamlSource, ctx: TemplateContext, sink: ManifestSink): void {
  const v = m.value();
  if (v === null || v === undefined) return;
  if (typeof v !== 'object' || Array.isArray(v)) m.fail([], 'a Kubernetes manifest (a map with apiVersion and kind)', v);
  const o = v as Obj;
  if (typeof o.apiVersion !== 'string') m.fail(['apiVersion'], 'a string like "apps/v1"', o.apiVersion);
  if (typeof o.kind !== 'string') m.fail(['kind'], 'a string like "Deployment"', o.kind);
  const group = o.apiVersion.split('/')[0];
  const pos = m.at([]);
  const source = `${pos.file}:${pos.line}`;
  const reader = READERS.find((r) => r.accepts(o.apiVersion as string, group, o.kind as string));
  if (reader) {
    reader.read(m, o, ctx, sink, source);
    return;
  }
  const metaName = (o.metadata as Obj | undefined)?.name;
  sink.ignored.push({ kind: `${o.apiVersion}/${o.kind}`, name: typeof metaName === 'string' ? metaName : '', file: m.file });
}
