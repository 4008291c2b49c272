import type { TemplateContext } from '../pod-template.js';
import type { YamlSource } from '../source.js';
import { type ManifestReader, type ManifestSink, type Obj } from './common.js';
import { federatedHpaReaders } from './federated-hpa.js';
import { karmadaReaders } from './karmada.js';
import { kubernetesReaders } from './kubernetes.js';
import { kuratorReaders } from './kurator.js';
import { addPodScheduling, podSchedulingReaders } from './pod-scheduling.js';
import { podGroupReaders } from './volcano-podgroup.js';
import { volcanoReaders } from './volcano.js';

/**
 * Included manifests (`include:` files), read as `kubectl apply` would take them: each object goes
 * to the reader of its kind (kubernetes.ts, karmada.ts, kurator.ts, volcano.ts), which validates it
 * against the kind's schema and adds what it means to the sink. Kinds fleetsim does not model are
 * listed in `sink.ignored`.
 */

export { newSink, type ManifestSink } from './common.js';
export { applyKurator } from './kurator.js';

const READERS: readonly ManifestReader[] = [...kubernetesReaders, ...podSchedulingReaders, ...karmadaReaders, ...federatedHpaReaders, ...kuratorReaders, ...volcanoReaders, ...podGroupReaders];

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
    checkName(m, o);
    const before = sink.workloads.length;
    const policiesBefore = sink.policies.length;
    reader.read(m, o, ctx, sink, source);
    for (const x of [...sink.workloads.slice(before), ...sink.policies.slice(policiesBefore)]) sink.located.set(x, { m, name: ['metadata', 'name'], spec: ['spec'] });
    // Who schedules the new workloads' pods and how they rank, read the same way for every kind.
    addPodScheduling(m, o, sink.workloads.slice(before), sink);
    const key = `${o.apiVersion} ${o.kind}`;
    sink.kinds[key] = (sink.kinds[key] ?? 0) + 1;
    return;
  }
  const metaName = (o.metadata as Obj | undefined)?.name;
  const reason = retiredApi(o.apiVersion as string, o.kind as string);
  sink.ignored.push({ kind: `${o.apiVersion}/${o.kind}`, name: typeof metaName === 'string' ? metaName : '', file: m.file, ...(reason ? { reason } : {}) });
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `metadata.name` as the API server requires it of the kinds fleetsim reads (a DNS-1123 subdomain). */
function checkName(m: YamlSource, o: Obj): void {
  const meta = (o.metadata as Obj | undefined) ?? {};
  const name = meta.name;
  if (name === undefined && meta.generateName !== undefined) {
    m.fail(['metadata', 'name'], 'a name (kubectl apply needs metadata.name; metadata.generateName works with kubectl create only)', undefined);
  }
  if (typeof name !== 'string' || (DNS1123_SUBDOMAIN.test(name) && name.length <= 253)) return;
  const template = name.includes('{{') ? '; {{ ... }} is a template placeholder: render the template first (helm template, kustomize build)' : '';
  m.fail(['metadata', 'name'], `a DNS-1123 name (lower-case letters, digits, "-" and ".", at most 253 characters), as the API server requires${template}`, name);
}

/**
 * Workload kinds under API versions Kubernetes no longer serves: `kubectl apply` fails on them
 * ("no matches for kind ... in version ..."), so they are skipped with that said.
 */
function retiredApi(apiVersion: string, kind: string): string | null {
  const workloads = ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet'];
  if (['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'].includes(apiVersion) && workloads.includes(kind)) {
    return `${apiVersion} ${kind} is not served since Kubernetes 1.16 (kubectl apply fails: no matches for kind "${kind}" in version "${apiVersion}"); apps/v1 is`;
  }
  if (apiVersion === 'batch/v1beta1' && kind === 'CronJob') return 'batch/v1beta1 CronJob is not served since Kubernetes 1.25; batch/v1 is';
  if (apiVersion.startsWith('scheduling.incubator.k8s.io/')) return "kube-batch's API, which Volcano does not serve (scheduling.volcano.sh/v1beta1 is)";
  return null;
}
