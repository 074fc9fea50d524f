/** Realistic pod JSON as the apiserver sends it, at each stage of its start. Shared by tests and bench/pod-tracking. */

export interface PodTimes {
  created: number; // ms since epoch
  scheduled?: number;
  readyToStart?: number;
  initialized?: number;
  started?: number;
  ready?: number;
}

const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

function condition(type: string, at: number | undefined): object {
  return at === undefined
    ? { type, status: 'False', lastProbeTime: null, lastTransitionTime: null }
    : { type, status: 'True', lastProbeTime: null, lastTransitionTime: iso(at) };
}

export function podJson(namespace: string, name: string, t: PodTimes, extra: { iteration?: number; replica?: number; node?: string } = {}): any {
  const scheduled = t.scheduled !== undefined;
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name,
      namespace,
      uid: '4f0a7c2e-9d3b-4c53-8d8a-0e5f2a7b9c11',
      resourceVersion: '123456',
      creationTimestamp: iso(t.created),
      generateName: name.slice(0, -5),
      labels: {
        app: 'burn-sample',
        'burn.dev/uuid': '0c2f3a9e-2b61-4b7e-9f0d-3d2b1c4a5e6f',
        'burn.dev/runid': 'run-1',
        'burn.dev/job': 'node-density',
        'burn.dev/iteration': String(extra.iteration ?? 1),
        'burn.dev/replica': String(extra.replica ?? 1),
        'pod-template-hash': '7b9c6d5f4',
      },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: name.slice(0, -6), uid: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e', controller: true, blockOwnerDeletion: true }],
      managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: iso(t.created), fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': {} } } }],
    },
    spec: {
      containers: [{
        name: 'sleep',
        image: 'registry.k8s.io/pause:3.10',
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
        volumeMounts: [{ name: 'kube-api-access-x7k2p', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
      }],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      nodeName: scheduled ? (extra.node ?? 'worker-017') : undefined,
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      volumes: [{ name: 'kube-api-access-x7k2p', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }] } }],
    },
    status: {
      phase: t.started !== undefined ? 'Running' : 'Pending',
      conditions: scheduled
        ? [
            condition('PodReadyToStartContainers', t.readyToStart),
            condition('Initialized', t.initialized),
            condition('Ready', t.ready),
            condition('ContainersReady', t.ready),
            condition('PodScheduled', t.scheduled),
          ]
        : [condition('PodScheduled', undefined)],
      hostIP: scheduled ? '10.0.3.17' : undefined,
      podIP: t.readyToStart !== undefined ? '10.244.17.42' : undefined,
      startTime: scheduled ? iso(t.scheduled!) : undefined,
      containerStatuses: scheduled
        ? [{
            name: 'sleep',
            state: t.started !== undefined ? { running: { startedAt: iso(t.started) } } : { waiting: { reason: 'ContainerCreating' } },
            lastState: {},
            ready: t.ready !== undefined,
            restartCount: 0,
            image: 'registry.k8s.io/pause:3.10',
            imageID: '',
            containerID: t.started !== undefined ? 'containerd://5e1f0c4b9a' : undefined,
            started: t.started !== undefined,
          }]
        : undefined,
      qosClass: 'Burstable',
    },
  };
}
