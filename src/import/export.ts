import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * A fleet written as `kubectl get nodes,pods -A -o json` would dump it: the inverse of the
 * importer, for its property tests (import ∘ export is the identity on what scheduling sees) and
 * for bench/import.ts's synthetic 10,000-node dump. The objects look like a real API server's
 * (metadata with uid, labels, ownerReferences, managedFields; status with conditions), so the
 * importer reads them as it reads a real dump, at a real dump's size per object.
 */
export interface ExportNode {
  name: string;
  cpuMillis: number;
  memoryBytes: number;
  pods: number;
  gpus: number;
  gpuModel: string;
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
  zone: string;
  region: string;
  cordoned: boolean;
  ready: boolean;
}

export interface ExportPod {
  namespace: string;
  name: string;
  /** The controller: a Deployment (through a ReplicaSet), StatefulSet, DaemonSet, Job, or none. */
  owner: { kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job'; name: string } | null;
  node: string | null;
  phase: 'Running' | 'Pending' | 'Succeeded' | 'Failed';
  cpuMillis: number;
  memoryBytes: number;
  gpus: number;
  priority: number;
  image: string;
  /** Where it may run, beyond the defaults every pod has. */
  nodeSelector?: Record<string, string>;
  tolerations?: { key: string; operator?: 'Equal' | 'Exists'; value?: string; effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
}

/** A node object as the API server returns it. */
export function nodeObject(n: ExportNode, at: string): Record<string, unknown> {
  const alloc: Record<string, string> = { cpu: `${n.cpuMillis}m`, memory: `${n.memoryBytes / 1024}Ki`, pods: String(n.pods), 'ephemeral-storage': '95551679124' };
  if (n.gpus) alloc['nvidia.com/gpu'] = String(n.gpus);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      creationTimestamp: at,
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        ...(n.region ? { 'topology.kubernetes.io/region': n.region } : {}),
        ...(n.zone ? { 'topology.kubernetes.io/zone': n.zone } : {}),
        ...(n.gpus && n.gpuModel ? { 'nvidia.com/gpu.product': n.gpuModel } : {}),
        ...n.labels,
      },
      name: n.name,
      resourceVersion: '4711',
      uid: uidOf(`node/${n.name}`),
    },
    spec: { providerID: `kind://docker/fleet/${n.name}`, ...(n.taints.length ? { taints: n.taints } : {}), ...(n.cordoned ? { unschedulable: true } : {}) },
    status: {
      allocatable: alloc,
      capacity: { ...alloc, cpu: String(Math.ceil(n.cpuMillis / 1000)) },
      conditions: [
        { lastHeartbeatTime: at, lastTransitionTime: at, message: 'kubelet has sufficient memory available', reason: 'KubeletHasSufficientMemory', status: 'False', type: 'MemoryPressure' },
        { lastHeartbeatTime: at, lastTransitionTime: at, message: 'kubelet has no disk pressure', reason: 'KubeletHasNoDiskPressure', status: 'False', type: 'DiskPressure' },
        { lastHeartbeatTime: at, lastTransitionTime: at, message: n.ready ? 'kubelet is posting ready status' : 'Kubelet stopped posting node status.', reason: n.ready ? 'KubeletReady' : 'NodeStatusUnknown', status: n.ready ? 'True' : 'Unknown', type: 'Ready' },
      ],
      nodeInfo: { architecture: 'amd64', containerRuntimeVersion: 'containerd://1.7.13', kernelVersion: '6.1.0', kubeletVersion: 'v1.30.2', operatingSystem: 'linux', osImage: 'Debian GNU/Linux 12 (bookworm)' },
    },
  };
}

/** A pod object as the API server returns it (a ReplicaSet `<deployment>-<hash>` for a Deployment's). */
export function podObject(p: ExportPod, at: string): Record<string, unknown> {
  const hash = 'c8b7d9f5b';
  const ownerRef = !p.owner
    ? undefined
    : p.owner.kind === 'Deployment'
      ? { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${p.owner.name}-${hash}` }
      : { apiVersion: p.owner.kind === 'Job' ? 'batch/v1' : 'apps/v1', kind: p.owner.kind, name: p.owner.name };
  const requests: Record<string, string> = { cpu: `${p.cpuMillis}m`, memory: `${p.memoryBytes}` };
  const limits: Record<string, string> = { memory: `${p.memoryBytes}` };
  if (p.gpus) {
    requests['nvidia.com/gpu'] = String(p.gpus);
    limits['nvidia.com/gpu'] = String(p.gpus);
  }
  const running = p.phase === 'Running';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: at,
      ...(p.owner?.kind === 'Deployment' ? { generateName: `${p.owner.name}-${hash}-` } : {}),
      labels: { app: p.owner?.name ?? p.name, ...(p.owner?.kind === 'Deployment' ? { 'pod-template-hash': hash } : {}) },
      name: p.name,
      namespace: p.namespace,
      ...(ownerRef ? { ownerReferences: [{ ...ownerRef, blockOwnerDeletion: true, controller: true, uid: uidOf(`${p.namespace}/${ownerRef.kind}/${ownerRef.name}`) }] } : {}),
      resourceVersion: '4712',
      uid: uidOf(`${p.namespace}/pod/${p.name}`),
    },
    spec: {
      containers: [
        {
          env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
          image: p.image,
          imagePullPolicy: 'IfNotPresent',
          name: 'main',
          ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
          resources: { limits, requests },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          volumeMounts: [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access', readOnly: true }],
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      ...(p.node ? { nodeName: p.node } : {}),
      ...(p.nodeSelector && Object.keys(p.nodeSelector).length ? { nodeSelector: p.nodeSelector } : {}),
      preemptionPolicy: 'PreemptLowerPriority',
      priority: p.priority,
      restartPolicy: p.owner?.kind === 'Job' ? 'Never' : 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
      tolerations: [
        { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
        { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
        ...(p.tolerations ?? []),
      ],
      volumes: [{ name: 'kube-api-access', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }] } }],
    },
    status: {
      conditions: [
        { lastProbeTime: null, lastTransitionTime: at, status: p.node ? 'True' : 'False', type: 'PodScheduled', ...(p.node ? {} : { reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }) },
        ...(running ? [{ lastProbeTime: null, lastTransitionTime: at, status: 'True', type: 'Ready' }] : []),
      ],
      ...(running
        ? {
            containerStatuses: [{ containerID: 'containerd://0123456789abcdef', image: p.image, imageID: `${p.image}@sha256:0123`, lastState: {}, name: 'main', ready: true, restartCount: 0, started: true, state: { running: { startedAt: at } } }],
            hostIP: '10.0.0.1',
            podIP: '10.244.0.1',
            startTime: at,
          }
        : {}),
      phase: p.phase,
      qosClass: 'Burstable',
    },
  };
}

/** A deterministic UID-shaped string for a name. */
function uidOf(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    h1 = Math.imul(h1 ^ s.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 + s.charCodeAt(i), 2246822519) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(2);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Write objects as a `kubectl get ... -o json` List, streamed (one object at a time: a dump of
 * 200,000 pods is never one string), pretty-printed as kubectl prints it.
 */
export function writeList(path: string, objects: Iterable<Record<string, unknown>>): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, '{\n    "apiVersion": "v1",\n    "items": [');
    let first = true;
    let buf = '';
    for (const o of objects) {
      buf += `${first ? '\n' : ',\n'}        ${JSON.stringify(o, null, 4).replace(/\n/g, '\n        ')}`;
      first = false;
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = '';
      }
    }
    writeSync(fd, `${buf}\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n`);
  } finally {
    closeSync(fd);
  }
}
