/**
 * pprof: kube-burner's options and file names, the exec protocol (WebSocket channels, as the API
 * server speaks it) against a 127.0.0.1 server standing in for an API server whose pods run curl,
 * the API server target through burn's own connection, and the simulator's honest refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectCluster, type KubeClient } from '../../src/kube/index.js';
import { positionsOf, type MeasurementContext } from '../../src/measure/index.js';
import { curlCommand, pprofPlugin } from '../../src/measure/pprof.js';
import { startSim, type RunningSim } from '../../src/sim/index.js';

const parse = (raw: Record<string, unknown>) => pprofPlugin.parseOptions(raw, positionsOf('pprof entry'));

/** A profile's bytes: every byte value, so a lossy text decoding anywhere would show. */
const PROFILE = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));

function wsFrame(payload: Buffer): Buffer {
  const header = payload.length < 126 ? Buffer.from([0x82, payload.length]) : Buffer.from([0x82, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

describe('pprof options', () => {
  it('reads kube-burner\'s keys with its defaults', () => {
    const cert = Buffer.from('-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n').toString('base64');
    const options = parse({
      pprofInterval: '30s',
      pprofTargets: [
        { name: 'apiserver-heap', namespace: 'kube-system', labelSelector: { component: 'kube-apiserver' }, bearerToken: 't0k', url: 'https://localhost:6443/debug/pprof/heap' },
        { name: 'etcd-heap', namespace: 'kube-system', labelSelector: { component: 'etcd' }, cert, key: cert, url: 'https://localhost:2379/debug/pprof/heap' },
      ],
    });
    expect(options.intervalMs).toBe(30_000);
    expect(options.directory).toBe('pprof');
    expect(curlCommand(options.targets[0]!)).toEqual(['curl', '-fsSLkH', 'Authorization: Bearer t0k', 'https://localhost:6443/debug/pprof/heap']);
    expect(curlCommand(options.targets[1]!)).toEqual(['curl', '-fsSLk', '--cert', '/tmp/pprof.crt', '--key', '/tmp/pprof.key', 'https://localhost:2379/debug/pprof/heap']);
    expect(options.targets[1]!.cert).toContain('BEGIN CERTIFICATE');
  });

  it('refuses what it cannot honour, naming the key and the fix', () => {
    const target = { name: 'a', namespace: 'ns', labelSelector: { app: 'x' }, url: 'https://localhost:1/debug/pprof/heap' };
    expect(() => parse({ pprofTargets: [{ ...target, bearerToken: 't', certFile: 'c.pem', keyFile: 'k.pem' }] })).toThrow(/bearerToken and cert auth methods cannot be specified together/);
    expect(() => parse({ pprofTargets: [{ ...target, certFile: 'c.pem' }] })).toThrow(/certFile without keyFile/);
    expect(() => parse({ pprofTargets: [{ ...target, cert: 'not base64!' , key: 'eA==' }] })).toThrow(/"cert" of pprof pprofTargets\[0\] is not base64/);
    expect(() => parse({ pprofTargets: [{ name: 'kubelet', url: 'https://localhost:10250/debug/pprof/heap' }] })).toThrow(/no labelSelector: kube-burner collects such node targets through its pprof collector DaemonSet, which burn does not deploy/);
    expect(() => parse({ nodeAffinity: { 'kubernetes.io/os': 'linux' }, pprofTargets: [target] })).toThrow(/nodeAffinity places kube-burner's pprof collector DaemonSet/);
    expect(() => parse({ pprofTargets: [] })).toThrow(/pprof has no pprofTargets/);
    expect(() => parse({ pprofTargets: [{ ...target, url: undefined }] })).toThrow(/has no url/);
  });
});

describe('pprof collection', () => {
  let dir: string;
  let server: Server;
  let client: KubeClient;
  const execs: string[][] = [];
  const upgraded = new Set<Socket>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'burn-pprof-'));
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/api/v1/namespaces/kube-system/pods') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: url.searchParams.get('labelSelector') === 'component=etcd' ? [{ metadata: { name: 'etcd-0', namespace: 'kube-system' }, spec: { containers: [{ name: 'etcd' }] } }] : [] }));
        return;
      }
      if (url.pathname === '/debug/pprof/heap') {
        res.setHeader('content-type', 'application/octet-stream');
        res.end(PROFILE);
        return;
      }
      res.statusCode = 404;
      res.end('{"kind":"Status","status":"Failure","reason":"NotFound","message":"the server could not find the requested resource","code":404}');
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
      upgraded.add(socket);
      const url = new URL(req.url!, 'http://x');
      execs.push(url.searchParams.getAll('command'));
      const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n`);
      const ok = url.pathname === '/api/v1/namespaces/kube-system/pods/etcd-0/exec' && url.searchParams.get('container') === 'etcd';
      if (ok) socket.write(wsFrame(Buffer.concat([Buffer.from([1]), PROFILE])));
      else socket.write(wsFrame(Buffer.concat([Buffer.from([2]), Buffer.from('curl: (7) Failed to connect')])));
      socket.write(wsFrame(Buffer.concat([Buffer.from([3]), Buffer.from(ok ? '{"metadata":{},"status":"Success"}' : '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: exit status 7"}')])));
      socket.end(Buffer.from([0x88, 0]));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await writeFile(join(dir, 'kubeconfig'), `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: abc}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`);
    client = await connectCluster({ kubeconfig: join(dir, 'kubeconfig') });
  });

  afterAll(async () => {
    for (const socket of upgraded) socket.destroy();
    server?.closeAllConnections();
    await client?.destroy();
    await new Promise((r) => server?.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  function context(jobName: string): MeasurementContext {
    return { client, uuid: 'u', runId: 'r', jobName, labelSelector: '', metricsEndpoints: [], runFolder: join(dir, 'run'), window: () => ({ startMs: 0 }) };
  }

  it('writes each profile under kube-burner\'s name in the run folder, byte for byte', async () => {
    const m = pprofPlugin.create(parse({
      pprofDirectory: 'profiles',
      pprofTargets: [
        { name: 'etcd-heap', namespace: 'kube-system', labelSelector: { component: 'etcd' }, bearerToken: 's3cret', url: 'https://localhost:2379/debug/pprof/heap' },
        { name: 'apiserver-heap', url: '/debug/pprof/heap' },
      ],
    }));
    await m.start(context('load'));
    await m.stop();
    const result = await m.collect();
    expect(result.errors).toEqual([]);
    const files = (await readdir(join(dir, 'run', 'profiles'))).sort();
    expect(files).toEqual(['apiserver-heap-apiserver-load-end.pprof', 'apiserver-heap-apiserver-load-start.pprof', 'etcd-heap-etcd-0-load-end.pprof', 'etcd-heap-etcd-0-load-start.pprof']);
    for (const f of files) expect(Buffer.compare(await readFile(join(dir, 'run', 'profiles', f)), PROFILE)).toBe(0);
    expect(execs[0]).toEqual(['curl', '-fsSLkH', 'Authorization: Bearer s3cret', 'https://localhost:2379/debug/pprof/heap']);
  });

  it('reports a target whose pods match nothing, and a curl that fails, as errors: no file is written', async () => {
    const m = pprofPlugin.create(parse({
      pprofDirectory: 'failing',
      pprofTargets: [{ name: 'nothing', namespace: 'kube-system', labelSelector: { component: 'none' }, url: 'https://localhost:1/debug/pprof/heap' }],
    }));
    await m.start(context('j'));
    await m.stop();
    const result = await m.collect();
    expect(result.errors).toEqual(['pprof target nothing: namespace kube-system: no profile: no pod matches component=none']);
    expect(await readdir(join(dir, 'run', 'failing'))).toEqual([]);
  });
});

describe('pprof on the simulator', () => {
  let dir: string;
  let sim: RunningSim;
  let client: KubeClient;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'burn-pprof-sim-'));
    sim = await startSim({ nodes: 1, kubeconfigOut: join(dir, 'kubeconfig') });
    client = await connectCluster({ kubeconfig: join(dir, 'kubeconfig') });
    await client.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'etcd-0', namespace: 'kube-system', labels: { component: 'etcd' } }, spec: { containers: [{ name: 'etcd', image: 'registry.k8s.io/etcd:3.5.21-0' }] } });
  });

  afterAll(async () => {
    await client?.close();
    await sim?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('says the simulator runs no containers and serves no Go profiles, and writes no file', async () => {
    const m = pprofPlugin.create(parse({
      pprofTargets: [
        { name: 'etcd-heap', namespace: 'kube-system', labelSelector: { component: 'etcd' }, url: 'https://localhost:2379/debug/pprof/heap' },
        { name: 'apiserver-heap', url: '/debug/pprof/heap' },
      ],
    }));
    await m.start({ client, uuid: 'u', runId: 'r', jobName: 'j', labelSelector: '', metricsEndpoints: [], runFolder: dir, window: () => ({ startMs: 0 }) });
    await m.stop();
    const { errors } = await m.collect();
    expect(errors).toEqual([
      'pprof target apiserver-heap: the API server: no profile: GET /debug/pprof/heap failed: 404 NotFound: the simulator is not a Go program and serves no /debug/pprof profiles',
      expect.stringMatching(/^pprof target etcd-heap: pod kube-system\/etcd-0: no profile: .*pods of the simulator and of kwok nodes run no containers to exec into$/),
    ]);
    expect(await readdir(join(dir, 'pprof'))).toEqual([]);
  });
});
