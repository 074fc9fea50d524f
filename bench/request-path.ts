/**
 * Creates per second of small objects at unlimited qps against a minimal HTTPS API server in a
 * separate process: burn's request path vs client-node 1.4.0's generated API (the reference).
 * Also burn's client CPU per request. Run: npx vite-node bench/request-path.main.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { connectCluster } from '../src/kube/index.js';
import { makePki } from '../test/kube/helpers/certs.js';
import { writeKubeconfig } from '../test/kube/helpers/kubeconfig.js';

export interface RequestPathFigure {
  client: 'burn' | 'burn+recording' | 'client-node';
  concurrency: number;
  requests: number;
  createsPerSecond: number;
  /** Client process CPU (user + system) per request, microseconds. */
  cpuMicrosPerRequest: number;
  errors: number;
}

/** Answers discovery and echoes creates with 201, like an apiserver that does no work. */
const SERVER_SOURCE = `
import https from 'node:https';
import { readFileSync } from 'node:fs';
const discovery = JSON.stringify({ kind: 'APIResourceList', groupVersion: 'v1', resources: [
  { name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['create', 'get', 'list'] }] });
const server = https.createServer({ key: readFileSync(process.env.KEY), cert: readFileSync(process.env.CERT), keepAliveTimeout: 60000 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'POST') {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(Buffer.concat(chunks));
    } else if (req.url === '/api/v1') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(discovery);
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"major":"1","minor":"33","gitVersion":"v1.33.0-bench"}');
    }
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function startServer(cert: string, key: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SERVER_SOURCE], {
    env: { ...process.env, CERT: cert, KEY: key },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
  });
  return { child, url: `https://127.0.0.1:${port}` };
}

const WARMUP_MS = 2500;

function configMap(i: number) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bench-${i}`, namespace: 'bench', labels: { 'burn.dev/job': 'bench' } }, data: { key: 'value' } };
}

async function drive(
  client: RequestPathFigure['client'],
  concurrency: number,
  durationMs: number,
  create: (i: number) => Promise<unknown>,
): Promise<RequestPathFigure> {
  let next = 0;
  let errors = 0;
  const run = async (until: number) =>
    Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          try {
            await create(next++);
          } catch {
            errors++;
          }
        }
      }),
    );
  // warm up connections, discovery and the JIT (of the server process too) outside the measured window
  await run(performance.now() + WARMUP_MS);
  next = 0;
  errors = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await run(start + durationMs);
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return {
    client,
    concurrency,
    requests: next,
    createsPerSecond: Math.round((next / elapsed) * 1000),
    cpuMicrosPerRequest: Math.round((used.user + used.system) / next),
    errors,
  };
}

/** Creates/s and client CPU per request, burn vs client-node 1.4.0, each for `durationMs`. */
export async function benchRequestPath(options: { durationMs?: number; concurrency?: number } = {}): Promise<RequestPathFigure[]> {
  const durationMs = options.durationMs ?? 5000;
  const concurrency = options.concurrency ?? 64;
  const pki = makePki();
  const dir = mkdtempSync(path.join(tmpdir(), 'burn-bench-'));
  const { child, url } = await startServer(path.join(pki.dir, 'server.crt'), path.join(pki.dir, 'server.key'));
  try {
    const kubeconfig = writeKubeconfig(dir, 'config', [{ name: 'bench', server: url, cluster: { 'certificate-authority': pki.caFile }, user: { token: 'bench' } }]);
    const figures: RequestPathFigure[] = [];

    const burn = (await connectCluster({ kubeconfig, env: {}, maxConcurrency: concurrency })).unlimited();
    figures.push(await drive('burn', concurrency, durationMs, (i) => burn.create(configMap(i))));
    // as the engine runs: every request recorded for the measurements
    const records: unknown[] = [];
    burn.onRequest((r) => records.push(r));
    figures.push(await drive('burn+recording', concurrency, durationMs, (i) => burn.create(configMap(i))));
    await burn.close();

    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    figures.push(await drive('client-node', concurrency, durationMs, (i) => core.createNamespacedConfigMap({ namespace: 'bench', body: configMap(i) })));
    return figures;
  } finally {
    child.kill();
    pki.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}
