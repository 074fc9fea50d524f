import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeObject,
  decodeWatchFrames,
  encodeList,
  encodeObject,
  encodeWatchFrame,
  ProtoEncodeError,
  UnknownProtoFieldError,
  UnknownProtoTypeError,
} from '../../src/sim/protobuf/codec.js';
import { messageNames, messageSpec } from '../../src/sim/protobuf/schema.js';
import { ProtoWriter } from '../../src/sim/protobuf/wire.js';

const captured = JSON.parse(readFileSync(new URL('./fixtures/kube-burner-protobuf.json', import.meta.url), 'utf8'));
const hex = (b: Buffer) => b.toString('hex');
/** Hand-built protobuf: field tag + length + payload, for byte-level expectations. */
const ld = (field: number, payload: Buffer | string) => {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([Buffer.from([(field << 3) | 2, data.length]), data]);
};

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'p-1',
    namespace: 'ns',
    uid: '5b0e4bb6-1c1a-4d4b-9a53-6c7d1c9e0f11',
    resourceVersion: '42',
    generation: 1,
    creationTimestamp: '2026-11-30T09:00:01Z',
    labels: { app: 'pause', 'kube-burner.io/job': 'pods' },
    annotations: { note: '' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
    finalizers: ['x/y'],
    managedFields: [{ manager: 'kube-burner', operation: 'Update', apiVersion: 'v1', time: '2026-11-30T09:00:01Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} } } }],
  },
  spec: {
    volumes: [
      { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'a', path: 'a.txt', mode: 0 }], defaultMode: 420 } },
      { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } },
    ],
    containers: [
      {
        name: 'pause',
        image: 'registry.k8s.io/pause:3.10',
        command: ['/pause'],
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        env: [
          { name: 'A', value: '1' },
          { name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
          { name: 'KEY', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k', optional: false } } },
        ],
        resources: { requests: { cpu: '10m', memory: '10Mi' }, limits: { memory: '20Mi' } },
        volumeMounts: [{ name: 'cfg', mountPath: '/cfg', readOnly: true }],
        readinessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 1, failureThreshold: 3 },
        livenessProbe: { tcpSocket: { port: 'http' }, initialDelaySeconds: 5 },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
        securityContext: { runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 0,
    dnsPolicy: 'ClusterFirst',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    serviceAccountName: 'default',
    nodeName: 'sim-node-1',
    securityContext: { supplementalGroups: [1000, 2000] },
    schedulerName: 'default-scheduler',
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    priority: 0,
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'pause' } }, topologyKey: 'kubernetes.io/hostname' } }] } },
  },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-11-30T09:00:01Z', lastProbeTime: '2026-11-30T09:00:01Z' },
      { type: 'Ready', status: 'True', lastTransitionTime: '2026-11-30T09:00:03Z' },
    ],
    hostIP: '10.0.0.1',
    hostIPs: [{ ip: '10.0.0.1' }],
    podIP: '10.244.1.5',
    podIPs: [{ ip: '10.244.1.5' }],
    startTime: '2026-11-30T09:00:01Z',
    containerStatuses: [
      {
        name: 'pause',
        state: { running: { startedAt: '2026-11-30T09:00:02Z' } },
        lastState: { terminated: { exitCode: -1, reason: 'Error', startedAt: '2026-11-30T08:59:00Z', finishedAt: '2026-11-30T08:59:30Z' } },
        ready: true,
        restartCount: 1,
        image: 'registry.k8s.io/pause:3.10',
        imageID: 'registry.k8s.io/pause@sha256:00',
        containerID: 'containerd://abc',
        started: true,
      },
    ],
    qosClass: 'Burstable',
  },
};

describe('protobuf codec', () => {
  it('decodes the Namespace create unmodified kube-burner sent (captured on the wire)', () => {
    const obj = decodeObject(Buffer.from(captured.namespaceCreate.body, 'base64'));
    expect(obj).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'kb-pods-0',
        labels: {
          'kube-burner.io/job': 'pods',
          'kube-burner.io/runid': 'c590d369-b7e8-46e9-b1a5-b8f3fbde1845',
          'kube-burner.io/uuid': '531d4947-fa04-4b8d-98ce-04d0c54f2563',
        },
      },
      spec: {},
      status: {},
    });
  });

  it('decodes the DeleteOptions kube-burner sends with a namespace delete', () => {
    expect(decodeObject(Buffer.from(captured.namespaceDelete.body, 'base64'))).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions' });
  });

  it('writes the envelope and field numbers of the wire format, byte for byte', () => {
    const typeMeta = Buffer.concat([ld(1, 'v1'), ld(2, 'Namespace')]);
    const raw = Buffer.concat([ld(1, Buffer.concat([ld(1, 'a'), ld(11, Buffer.concat([ld(1, 'k'), ld(2, 'v')]))])), ld(3, ld(1, 'Active'))]);
    const unknown = Buffer.concat([ld(1, typeMeta), ld(2, raw), ld(3, ''), ld(4, '')]);
    const expected = Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
    expect(hex(encodeObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { k: 'v' } }, status: { phase: 'Active' } }))).toBe(hex(expected));
  });

  it('writes Time as whole seconds and MicroTime with microseconds', () => {
    const ev = encodeObject({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, eventTime: '2026-11-30T09:00:01.123456Z', firstTimestamp: '2026-11-30T09:00:01Z' });
    const seconds = Date.UTC(2026, 10, 30, 9, 0, 1) / 1000;
    const varint = (n: number) => new ProtoWriter().varint(n).finish();
    // firstTimestamp = 6 {seconds = 1}; eventTime = 10 {seconds = 1, nanos = 2}
    expect(hex(ev)).toContain(hex(Buffer.concat([Buffer.from([0x32, 1 + varint(seconds).length, 0x08]), varint(seconds)])));
    expect(hex(ev)).toContain(hex(Buffer.concat([Buffer.from([0x52, 2 + varint(seconds).length + varint(123456000).length, 0x08]), varint(seconds), Buffer.from([0x10]), varint(123456000)])));
    expect(decodeObject(ev)).toMatchObject({ eventTime: '2026-11-30T09:00:01.123456Z', firstTimestamp: '2026-11-30T09:00:01Z' });
  });

  it('round-trips a full Pod, a Node and an Event without losing or changing a field', () => {
    expect(decodeObject(encodeObject(pod))).toEqual(pod);
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n', labels: { 'kubernetes.io/hostname': 'n' } },
      spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'k', effect: 'NoSchedule' }] },
      status: {
        capacity: { cpu: '4', memory: '16Gi', pods: '110' },
        allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-11-30T09:00:00Z', lastTransitionTime: '2026-11-30T08:00:00Z', reason: 'KubeletReady', message: 'ok' }],
        addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: { machineID: 'm', kubeletVersion: 'v1.34.0', operatingSystem: 'linux', architecture: 'amd64' },
        images: [{ names: ['registry.k8s.io/pause:3.10'], sizeBytes: 320368 }],
      },
    };
    expect(decodeObject(encodeObject(node))).toEqual(node);
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'p-1.18a2b3c4d5e6f708', namespace: 'ns', creationTimestamp: '2026-11-30T09:00:01Z' },
      involvedObject: { kind: 'Pod', namespace: 'ns', name: 'p-1', uid: 'u', apiVersion: 'v1', fieldPath: 'spec.containers{pause}' },
      reason: 'Started',
      message: 'Started container pause',
      source: { component: 'kubelet', host: 'n' },
      firstTimestamp: '2026-11-30T09:00:01Z',
      lastTimestamp: '2026-11-30T09:00:01Z',
      count: 1,
      type: 'Normal',
      eventTime: '2026-11-30T09:00:01.000001Z',
      reportingComponent: 'kubelet',
      reportingInstance: 'n',
    };
    expect(decodeObject(encodeObject(event))).toEqual(event);
  });

  it('keeps zero values of Go pointer fields and drops those of plain fields, as the JSON of the apiserver does', () => {
    const obj = decodeObject(encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', generation: 0 }, immutable: false, data: { empty: '' } }));
    expect(obj).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, immutable: false, data: { empty: '' } });
  });

  it('encodes lists and Status, and decodes lists with apiVersion and kind on each item', () => {
    const list = decodeObject(encodeList('v1', 'PodList', { resourceVersion: '7', continue: 'x' }, [pod, { ...pod, metadata: { ...pod.metadata, name: 'p-2' } }]));
    expect(list.kind).toBe('PodList');
    expect(list.metadata).toEqual({ resourceVersion: '7', continue: 'x' });
    expect((list.items as any[]).map((p) => p.metadata.name)).toEqual(['p-1', 'p-2']);
    expect((list.items as any[])[0]).toEqual(pod);
    expect(decodeObject(encodeList('v1', 'NamespaceList', { resourceVersion: '1' }, []))).toEqual({ apiVersion: 'v1', kind: 'NamespaceList', metadata: { resourceVersion: '1' }, items: [] });
    const status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'not found', reason: 'NotFound', details: { name: 'x', kind: 'pods' }, code: 404 };
    expect(decodeObject(encodeObject(status))).toEqual(status);
  });

  it('frames watch events as length + WatchEvent whose object is the enveloped object', () => {
    const frame = encodeWatchFrame('ADDED', pod);
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    // WatchEvent: type = 1 "ADDED", object = 2 RawExtension{raw = 1: k8s\0...}
    expect(hex(frame.subarray(4, 11))).toBe(hex(ld(1, 'ADDED')));
    const two = Buffer.concat([frame, encodeWatchFrame('DELETED', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gone' } })]);
    const cut = two.length - 3;
    const first = decodeWatchFrames(two.subarray(0, cut));
    expect(first.events.map((e) => e.type)).toEqual(['ADDED']);
    expect(first.events[0]!.object).toEqual(pod);
    const rest = decodeWatchFrames(Buffer.concat([first.rest, two.subarray(cut)]));
    expect(rest.events).toEqual([{ type: 'DELETED', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gone' } } }]);
  });

  it('refuses what it cannot decode faithfully: an unknown type or field number', () => {
    const deployment = Buffer.concat([Buffer.from('k8s\0', 'latin1'), ld(1, Buffer.concat([ld(1, 'apps/v1'), ld(2, 'Deployment')])), ld(2, '')]);
    expect(() => decodeObject(deployment)).toThrow(UnknownProtoTypeError);
    // A Namespace whose spec carries field 9, which no NamespaceSpec has.
    const raw = Buffer.concat([ld(1, ld(1, 'a')), ld(2, ld(9, 'x'))]);
    const ns = Buffer.concat([Buffer.from('k8s\0', 'latin1'), ld(1, Buffer.concat([ld(1, 'v1'), ld(2, 'Namespace')])), ld(2, raw)]);
    expect(() => decodeObject(ns)).toThrow(UnknownProtoFieldError);
    expect(() => decodeObject(ns)).toThrow(/field number 9 of NamespaceSpec/);
  });

  it('refuses to encode a property the schema has no field for, unless asked to be lenient', () => {
    const odd = { ...pod, spec: { ...pod.spec, futureField: { x: 1 } } };
    expect(() => encodeObject(odd)).toThrow(ProtoEncodeError);
    const skipped: string[] = [];
    const obj = decodeObject(encodeObject(odd, { lenient: true, skipped }));
    expect(skipped).toEqual(['spec.futureField']);
    expect(obj).toEqual(pod);
    expect(() => encodeObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: {} })).toThrow(UnknownProtoTypeError);
  });

  it('has a consistent table: every referenced message exists and no number is used twice', () => {
    for (const name of messageNames()) {
      const spec = messageSpec(name);
      expect(new Set(spec.fields.map((f) => f.number)).size, name).toBe(spec.fields.length);
      for (const f of spec.fields) {
        if (!['s', 'i32', 'i64', 'bool', 'bytes', 'Time', 'MicroTime', 'Quantity', 'IntOrString', 'FieldsV1', 'RawExtension'].includes(f.type)) expect(() => messageSpec(f.type), `${name}.${f.json}`).not.toThrow();
      }
    }
  });
});
