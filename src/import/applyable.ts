/**
 * An object as `kubectl apply` takes it back: without its status and the metadata the API server
 * sets (uid, resourceVersion, managedFields, ...) or kubectl's last-applied annotation.
 */
const SERVER_META = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'ownerReferences', 'finalizers'];

export function applyable(o: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, ...rest } = o;
  const meta = { ...((rest.metadata as Record<string, unknown> | undefined) ?? {}) };
  for (const k of SERVER_META) delete meta[k];
  const ann = { ...((meta.annotations as Record<string, string> | undefined) ?? {}) };
  delete ann['kubectl.kubernetes.io/last-applied-configuration'];
  if (Object.keys(ann).length) meta.annotations = ann;
  else delete meta.annotations;
  return { ...rest, metadata: meta };
}
