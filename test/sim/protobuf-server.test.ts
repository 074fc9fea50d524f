import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { decodeObject, decodeWatchFrames, encodeObject } from '../../src/sim/protobuf/codec.js';

/** The simulator speaking protobuf over HTTPS, as client-go's typed clients do (kube-burner's namespaces, pods, nodes). */

const PB = 'application/vnd.kubernetes.protobuf';
const TYPED_ACCEPT = `${PB},application/json`; // what client-go's typed clients send
const captured = JSON.parse(readFileSync(new URL('./fixtures/kube-burner-protobuf.json', import.meta.url), 'utf8'));

let sim: RunningSim;
let agent: Agent;
beforeAll(async () => {
  sim = await startSim({ nodes: 2, seed: 3 });
  agent = new Agent({ connect: { ca: sim.caPem } });
});
afterAll(async () => {
  await agent?.close();
  await sim?.stop();
});

async function call(method: string, path: string, options: { body?: Buffer | string; contentType?: string; accept?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${sim.token}` };
  if (options.contentType) headers['content-type'] = options.contentType;
  if (options.accept) headers.accept = options.accept;
  const res = await request(sim.url + path, { method: method as 'GET', headers, body: options.body, dispatcher: agent });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body };
}

describe('sim protobuf', () => {
  it('creates the namespace kube-burner sends in protobuf and answers in protobuf', async () => {
    const res = await call('POST', '/api/v1/namespaces?timeout=1m0s', { body: Buffer.from(captured.namespaceCreate.body, 'base64'), contentType: PB, accept: TYPED_ACCEPT });
    expect(res.status).toBe(201);
    expect(res.contentType).toBe(PB);
    const ns = decodeObject(res.body) as any;
    expect(ns).toMatchObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kb-pods-0', labels: { 'kube-burner.io/job': 'pods' } }, status: { phase: 'Active' } });
    expect(ns.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(ns.metadata.creationTimestamp).toMatch(/Z$/);
    // The same object in JSON, for a JSON client: protobuf and JSON agree.
    const json = await call('GET', '/api/v1/namespaces/kb-pods-0', { accept: 'application/json' });
    expect(json.contentType).toBe('application/json');
    expect(JSON.parse(json.body.toString())).toEqual(decodeObject((await call('GET', '/api/v1/namespaces/kb-pods-0', { accept: TYPED_ACCEPT })).body));
  });

  it('lists in protobuf (NamespaceList, NodeList, PodList) and keeps JSON for JSON clients', async () => {
    const list = await call('GET', '/api/v1/namespaces?labelSelector=kube-burner.io%2Fjob%3Dpods', { accept: TYPED_ACCEPT });
    expect(list.contentType).toBe(PB);
    const decoded = decodeObject(list.body) as any;
    expect(decoded.kind).toBe('NamespaceList');
    expect(decoded.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(decoded.items.map((n: any) => n.metadata.name)).toEqual(['kb-pods-0']);
    const nodes = decodeObject((await call('GET', '/api/v1/nodes', { accept: TYPED_ACCEPT })).body) as any;
    expect(nodes.items).toHaveLength(2);
    const nodesJson = JSON.parse((await call('GET', '/api/v1/nodes', { accept: 'application/json' })).body.toString());
    expect(nodes.items).toEqual(nodesJson.items);
  });

  it('watches in protobuf frames', async () => {
    const controller = new AbortController();
    const res = await request(`${sim.url}/api/v1/namespaces/kb-pods-0/pods?watch=true&resourceVersion=0`, {
      headers: { authorization: `Bearer ${sim.token}`, accept: TYPED_ACCEPT },
      dispatcher: agent,
      signal: controller.signal,
    });
    expect(res.headers['content-type']).toBe(`${PB};stream=watch`);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'w' }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } };
    const created = await call('POST', '/api/v1/namespaces/kb-pods-0/pods', { body: encodeObject(pod), contentType: PB, accept: TYPED_ACCEPT });
    expect(created.status).toBe(201);
    let data: Buffer = Buffer.alloc(0);
    const events: Array<{ type: string; object: any }> = [];
    try {
      for await (const chunk of res.body) {
        const { events: got, rest } = decodeWatchFrames(Buffer.concat([data, chunk as Buffer]));
        events.push(...got);
        data = rest;
        if (events.some((e) => e.object.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'))) break;
      }
    } finally {
      controller.abort();
    }
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { kind: 'Pod', metadata: { name: 'w', namespace: 'kb-pods-0' } } });
    expect(events.slice(1).every((e) => e.type === 'MODIFIED')).toBe(true);
    expect(events.at(-1)!.object.status.containerStatuses[0]).toMatchObject({ name: 'c', ready: true, started: true });
  });

  it('deletes with the DeleteOptions kube-burner sends in protobuf', async () => {
    const res = await call('DELETE', '/api/v1/namespaces/kb-pods-0?timeout=1m0s', { body: Buffer.from(captured.namespaceDelete.body, 'base64'), contentType: PB, accept: TYPED_ACCEPT });
    expect(res.status).toBe(200);
    expect(decodeObject(res.body)).toMatchObject({ kind: 'Namespace', metadata: { name: 'kb-pods-0' }, status: { phase: 'Terminating' } });
  });

  it('answers errors as protobuf Status to protobuf clients', async () => {
    const res = await call('GET', '/api/v1/namespaces/none', { accept: TYPED_ACCEPT });
    expect(res.status).toBe(404);
    expect(res.contentType).toBe(PB);
    expect(decodeObject(res.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
  });

  it('refuses a protobuf body of a type it has no schema for with 415, and answers such types in JSON when JSON is accepted', async () => {
    const deployment = Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x0a, 0x15, 0x0a, 0x07]), Buffer.from('apps/v1'), Buffer.from([0x12, 0x0a]), Buffer.from('Deployment'), Buffer.from([0x12, 0x00])]);
    const res = await call('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment, contentType: PB, accept: 'application/json' });
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body.toString())).toMatchObject({ reason: 'UnsupportedMediaType', message: expect.stringContaining('apps/v1 Deployment') });
    const list = await call('GET', '/apis/apps/v1/deployments', { accept: TYPED_ACCEPT });
    expect(list.status).toBe(200);
    expect(list.contentType).toBe('application/json');
    expect((await call('GET', '/apis/apps/v1/deployments', { accept: PB })).status).toBe(406);
  });
});
