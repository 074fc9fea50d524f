import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster, KubeClient, loadClusterTarget } from '../../src/kube/index.js';
import { UserError } from '../../src/shared/errors.js';
import { makePki, type TestPki } from './helpers/certs.js';
import { FakeApiServer } from './helpers/fake-apiserver.js';
import { writeKubeconfig } from './helpers/kubeconfig.js';

const fastRetry = { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20 };

let pki: TestPki;
let server: FakeApiServer;
let url: string;
let dir: string;
const clients: KubeClient[] = [];

async function connect(options: Parameters<typeof connectCluster>[0]): Promise<KubeClient> {
  const client = await connectCluster({ env: {}, retry: fastRetry, ...options });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  pki = makePki();
  server = new FakeApiServer(pki);
  url = await server.start();
  dir = mkdtempSync(path.join(tmpdir(), 'burn-kubeconfig-'));
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
  server.tokens.clear();
  server.acceptClientCert = false;
  server.requests.length = 0;
});

afterAll(async () => {
  await server.stop();
  pki.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('credentials from the kubeconfig', () => {
  it('sends a bearer token and verifies the server with certificate-authority', async () => {
    server.tokens.add('s3cret');
    const file = writeKubeconfig(dir, 'token.yaml', [{ name: 'kind', server: url, cluster: { 'certificate-authority': pki.caFile }, user: { token: 's3cret' } }]);
    const client = await connect({ kubeconfig: file });
    expect((await client.serverVersion()).gitVersion).toBe('v1.33.0-fake');
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer s3cret');
  });

  it('reports rejected credentials after one refresh, with a hint', async () => {
    server.tokens.add('right');
    const file = writeKubeconfig(dir, 'wrong.yaml', [{ name: 'kind', server: url, cluster: { 'certificate-authority': pki.caFile }, user: { token: 'wrong' } }]);
    const client = await connect({ kubeconfig: file });
    const err = (await client.request({ method: 'GET', path: '/api/v1/namespaces/x/pods' }).catch((e: unknown) => e)) as UserError;
    expect(err).toMatchObject({ code: 401, reason: 'Unauthorized' });
    expect(err.hint).toMatch(/credentials in the kubeconfig were rejected/);
    expect(server.requests).toHaveLength(2);
  });

  it('presents a client certificate, with the CA given inline', async () => {
    server.acceptClientCert = true;
    const file = writeKubeconfig(dir, 'cert.yaml', [
      {
        name: 'certs',
        server: url,
        cluster: { 'certificate-authority-data': pki.ca.toString('base64') },
        user: { 'client-certificate': pki.clientCertFile, 'client-key-data': pki.clientKey.toString('base64') },
      },
    ]);
    const client = await connect({ kubeconfig: file });
    await client.serverVersion();
    expect(server.requests.at(-1)!.clientCertCN).toBe('burn-tester');
    expect(server.requests.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('refuses an unverifiable server unless TLS verification is skipped on request', async () => {
    const file = writeKubeconfig(dir, 'noca.yaml', [{ name: 'noca', server: url, user: {} }]);
    const strict = await connect({ kubeconfig: file });
    const err = await strict.serverVersion().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/TLS handshake with the API server .* failed/);
    expect((err as UserError).hint).toMatch(/--skip-tls-verify/);

    const insecure = await connect({ kubeconfig: file, skipTlsVerify: true });
    await expect(insecure.serverVersion()).resolves.toMatchObject({ major: '1' });

    const inFile = writeKubeconfig(dir, 'insecure.yaml', [{ name: 'i', server: url, cluster: { 'insecure-skip-tls-verify': true }, user: {} }]);
    await expect((await connect({ kubeconfig: inFile })).serverVersion()).resolves.toMatchObject({ major: '1' });
  });

  describe('exec credential plugins', () => {
    /** A plugin that counts its runs in a file and prints token-<run>, expiring after `ttlMs` (or never). */
    function plugin(name: string, ttlMs?: number): { user: Record<string, unknown>; runs: () => number } {
      const counter = path.join(dir, `${name}.count`);
      writeFileSync(counter, '0');
      const script = path.join(dir, `${name}.mjs`);
      writeFileSync(
        script,
        `import { readFileSync, writeFileSync } from 'node:fs';
const n = Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1;
writeFileSync(${JSON.stringify(counter)}, String(n));
const status = { token: 'token-' + n };
${ttlMs === undefined ? '' : `status.expirationTimestamp = new Date(Date.now() + ${ttlMs}).toISOString();`}
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status }));
`,
      );
      return {
        user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [script], interactiveMode: 'Never' } },
        runs: () => Number(readFileSync(counter, 'utf8')),
      };
    }

    it('runs the plugin once while its token is valid', async () => {
      const p = plugin('long', 3_600_000);
      server.tokens.add('token-1');
      const file = writeKubeconfig(dir, 'exec-long.yaml', [{ name: 'eks', server: url, cluster: { 'certificate-authority': pki.caFile }, user: p.user }]);
      const client = await connect({ kubeconfig: file });
      for (let i = 0; i < 5; i++) await client.serverVersion();
      expect(p.runs()).toBe(1);
      expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer token-1');
    });

    it('runs it again once the token is due for refresh (expirationTimestamp)', async () => {
      const p = plugin('short', 500);
      server.tokens.add('token-1').add('token-2');
      const file = writeKubeconfig(dir, 'exec-short.yaml', [{ name: 'eks', server: url, cluster: { 'certificate-authority': pki.caFile }, user: p.user }]);
      const client = await connect({ kubeconfig: file });
      await client.serverVersion();
      await new Promise((r) => setTimeout(r, 600));
      await client.serverVersion();
      expect(p.runs()).toBe(2);
      expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer token-2');
    });

    it('runs it again after a 401 and retries once', async () => {
      const p = plugin('rotated');
      server.tokens.add('token-2'); // the first token was revoked
      const file = writeKubeconfig(dir, 'exec-401.yaml', [{ name: 'eks', server: url, cluster: { 'certificate-authority': pki.caFile }, user: p.user }]);
      const client = await connect({ kubeconfig: file });
      await expect(client.serverVersion()).resolves.toMatchObject({ major: '1' });
      expect(p.runs()).toBe(2);
    });

    it('reports a failing plugin as a user error naming the command', async () => {
      const script = path.join(dir, 'fail.mjs');
      writeFileSync(script, `process.stderr.write('aws: the SSO session has expired'); process.exit(1);`);
      const file = writeKubeconfig(dir, 'exec-fail.yaml', [
        { name: 'eks', server: url, cluster: { 'certificate-authority': pki.caFile }, user: { exec: { command: process.execPath, args: [script] } } },
      ]);
      const client = await connect({ kubeconfig: file });
      const err = (await client.serverVersion().catch((e: unknown) => e)) as UserError;
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toContain('SSO session has expired');
      expect(err.message).toContain(process.execPath);
    });
  });
});

describe('finding the kubeconfig and context', () => {
  it('uses --kube-context over current-context', async () => {
    server.tokens.add('second');
    const file = writeKubeconfig(
      dir,
      'two.yaml',
      [
        { name: 'first', server: 'https://127.0.0.1:1', user: { token: 'first' } },
        { name: 'second', server: url, cluster: { 'certificate-authority': pki.caFile }, user: { token: 'second' }, namespace: 'team-a' },
      ],
      'first',
    );
    const client = await connect({ kubeconfig: file, context: 'second' });
    expect(client.context).toBe('second');
    expect(client.defaultNamespace).toBe('team-a');
    await client.serverVersion();
  });

  it('names the contexts there when the asked one is unknown', async () => {
    const file = writeKubeconfig(dir, 'ctx.yaml', [
      { name: 'alpha', server: url, user: {} },
      { name: 'beta', server: url, user: {} },
    ]);
    await expect(loadClusterTarget({ kubeconfig: file, context: 'gamma' })).rejects.toThrow(/context "gamma" \(from --kube-context\) is not in .*ctx\.yaml; contexts there: alpha, beta/);
  });

  it('names a kubeconfig that is not YAML', async () => {
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(file, 'clusters: [\n  - name: x\n   bad');
    await expect(loadClusterTarget({ kubeconfig: file })).rejects.toThrow(/kubeconfig .*broken\.yaml could not be read/);
  });

  it('names the missing --kubeconfig file', async () => {
    await expect(loadClusterTarget({ kubeconfig: path.join(dir, 'nope.yaml') })).rejects.toThrow(/kubeconfig .*nope\.yaml \(from --kubeconfig\) does not exist/);
  });

  it('merges a KUBECONFIG list, first file winning, and skips missing entries', async () => {
    const a = writeKubeconfig(dir, 'a.yaml', [{ name: 'a', server: 'https://a.example:6443', user: { token: 'a' } }]);
    const b = writeKubeconfig(dir, 'b.yaml', [{ name: 'b', server: 'https://b.example:6443', user: { token: 'b' } }]);
    const env = { KUBECONFIG: [path.join(dir, 'missing.yaml'), a, b].join(path.delimiter) };
    expect((await loadClusterTarget({ env })).contextName).toBe('a');
    expect((await loadClusterTarget({ env, context: 'b' })).origin).toBe('https://b.example:6443');
  });

  it('falls back to ~/.kube/config, then in-cluster, and otherwise lists what it tried', async () => {
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, '.kube'), { recursive: true });
    const noSa = path.join(dir, 'no-sa');
    const err = (await loadClusterTarget({ env: { KUBECONFIG: path.join(dir, 'gone.yaml') }, home, serviceAccountDir: noSa }).catch((e: unknown) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain('gone.yaml (KUBECONFIG)');
    expect(err.message).toContain(path.join(home, '.kube', 'config'));
    expect(err.message).toContain('in-cluster service account');
    expect(err.hint).toContain('--kubeconfig');

    writeKubeconfig(path.join(home, '.kube'), 'config', [{ name: 'home', server: url, user: {} }]);
    expect((await loadClusterTarget({ env: {}, home })).contextName).toBe('home');

    // in-cluster: projected service account token, CA and namespace
    const sa = path.join(dir, 'sa');
    mkdirSync(sa, { recursive: true });
    writeFileSync(path.join(sa, 'token'), 'sa-token');
    writeFileSync(path.join(sa, 'ca.crt'), pki.ca);
    writeFileSync(path.join(sa, 'namespace'), 'burn-system');
    const port = new URL(url).port;
    const target = await loadClusterTarget({ env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port }, home: noSa, serviceAccountDir: sa });
    expect(target.source).toBe('in-cluster service account');
    expect(target.namespace).toBe('burn-system');
    server.tokens.add('sa-token');
    const client = new KubeClient(target, { qps: 0, burst: 0 }, { requestTimeoutMs: 5000, maxConcurrency: 4, retry: fastRetry });
    clients.push(client);
    await client.serverVersion();
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer sa-token');
    // BURN_SERVICE_ACCOUNT_DIR: the same folder named by the environment (a test's, or a token made with the TokenRequest API).
    const fromEnv = await loadClusterTarget({ env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port, BURN_SERVICE_ACCOUNT_DIR: sa }, home: noSa });
    expect(fromEnv.source).toBe('in-cluster service account');
    expect(fromEnv.server).toBe(`https://127.0.0.1:${port}`);
    const missing = (await loadClusterTarget({ env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', BURN_SERVICE_ACCOUNT_DIR: noSa }, home: noSa }).catch((e: unknown) => e)) as UserError;
    expect(missing.message).toContain(`${noSa}/token`);
  });

  it('says the server is unreachable, naming it and the context', async () => {
    const file = writeKubeconfig(dir, 'down.yaml', [{ name: 'down', server: 'https://127.0.0.1:1', user: {} }]);
    const client = await connect({ kubeconfig: file });
    await expect(client.serverVersion()).rejects.toThrow(/cannot reach the Kubernetes API server https:\/\/127\.0\.0\.1:1 \(kubeconfig context "down"\): ECONNREFUSED/);
  });
});
