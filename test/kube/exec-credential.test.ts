import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CredentialSource } from '../../src/kube/credentials.js';
import { runExecPlugin, type ExecConfig } from '../../src/kube/exec-credential.js';
import { loadClusterTarget } from '../../src/kube/index.js';
import { UserError } from '../../src/shared/errors.js';
import { writeKubeconfig } from './helpers/kubeconfig.js';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'exec-plugin.sh');
const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';
const dir = mkdtempSync(path.join(tmpdir(), 'burn-exec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** The fixture plugin as a kubeconfig exec entry, and the KUBERNETES_EXEC_INFO of each of its runs. */
function plugin(answer: { apiVersion?: string; kind?: 'token' | 'cert'; ttlSeconds?: number }, exec: Partial<ExecConfig> = {}) {
  const runsFile = path.join(dir, `runs-${++n}`);
  writeFileSync(runsFile, '');
  const config: ExecConfig = {
    apiVersion: V1,
    command: script,
    args: [runsFile, answer.apiVersion ?? exec.apiVersion ?? V1, answer.kind ?? 'token', answer.ttlSeconds === undefined ? '' : String(answer.ttlSeconds)],
    env: [{ name: 'PLUGIN_TOKEN', value: 'tok' }],
    interactiveMode: 'Never',
    ...exec,
  };
  const runs = () => readFileSync(runsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
  return { config, runs };
}

const call = { userName: 'eks-admin', stdinIsTerminal: false };

describe('exec credential plugins (a real plugin script)', () => {
  it('passes args, env and KUBERNETES_EXEC_INFO, and reads the token and its expiry', async () => {
    const p = plugin({ ttlSeconds: 3600 });
    const status = await runExecPlugin(p.config, call);
    expect(status.token).toBe('tok-1');
    expect(Date.parse(status.expirationTimestamp!)).toBeGreaterThan(Date.now() + 3_000_000);
    expect(p.runs()).toEqual([{ apiVersion: V1, kind: 'ExecCredential', spec: { interactive: false } }]);
  });

  it('speaks v1beta1, returns client certificates, and gives cluster info when asked', async () => {
    const p = plugin({ kind: 'cert' }, { apiVersion: V1BETA1, provideClusterInfo: true });
    const status = await runExecPlugin(p.config, { ...call, cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority-data': 'Q0E=' } });
    expect(status).toEqual({ clientCertificateData: 'CERT-1', clientKeyData: 'KEY-1' });
    expect(p.runs()[0]).toEqual({
      apiVersion: V1BETA1,
      kind: 'ExecCredential',
      spec: { interactive: false, cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority-data': 'Q0E=' } },
    });
  });

  it('tells the plugin it may prompt only when stdin is a terminal and the mode allows it', async () => {
    const p = plugin({}, { interactiveMode: 'IfAvailable' });
    await runExecPlugin(p.config, { ...call, stdinIsTerminal: true });
    await runExecPlugin(p.config, call);
    expect(p.runs().map((r) => r.spec.interactive)).toEqual([true, false]);
  });

  it('refuses an Always-interactive plugin without a terminal, before running it', async () => {
    const p = plugin({}, { interactiveMode: 'Always' });
    const err = (await runExecPlugin(p.config, call).catch((e: unknown) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain('needs an interactive terminal');
    expect(p.runs()).toEqual([]);
  });

  it('names the command and the fix for an answer in another apiVersion, a missing command, and a failure', async () => {
    const other = plugin({ apiVersion: V1BETA1 });
    const wrong = (await runExecPlugin(other.config, call).catch((e: unknown) => e)) as UserError;
    expect(wrong).toBeInstanceOf(UserError);
    expect(wrong.message).toBe(`the kubeconfig user "eks-admin" credential plugin \`${script}\` answered with apiVersion "${V1BETA1}" where the kubeconfig asks for "${V1}"`);

    const missing = (await runExecPlugin({ command: path.join(dir, 'no-such-plugin'), installHint: 'install it with: brew install no-such-plugin' }, call).catch((e: unknown) => e)) as UserError;
    expect(missing).toBeInstanceOf(UserError);
    expect(missing.message).toContain('is not installed');
    expect(missing.hint).toBe('install it with: brew install no-such-plugin');

    const failing = (await runExecPlugin({ command: 'sh', args: ['-c', 'echo "the SSO session has expired" >&2; exit 3'] }, call).catch((e: unknown) => e)) as UserError;
    expect(failing).toBeInstanceOf(UserError);
    expect(failing.message).toBe('the kubeconfig user "eks-admin" credential plugin `sh` failed (3): the SSO session has expired');
  });

  it('is run again only when its credential is due (expirationTimestamp), through the kubeconfig', async () => {
    const lasting = plugin({ ttlSeconds: 3600 });
    const longFile = writeKubeconfig(dir, 'long.yaml', [{ name: 'eks', server: 'https://127.0.0.1:6443', user: { exec: lasting.config } }]);
    const long = new CredentialSource(await loadClusterTarget({ kubeconfig: longFile, env: {} }));
    expect((await long.get()).authorization).toBe('Bearer tok-1');
    expect((await long.get()).authorization).toBe('Bearer tok-1');
    expect(lasting.runs()).toHaveLength(1);

    const brief = plugin({ ttlSeconds: 1 });
    const briefFile = writeKubeconfig(dir, 'brief.yaml', [{ name: 'eks', server: 'https://127.0.0.1:6443', user: { exec: brief.config } }]);
    const short = new CredentialSource(await loadClusterTarget({ kubeconfig: briefFile, env: {} }));
    expect((await short.get()).authorization).toBe('Bearer tok-1');
    while (short.fresh()) await new Promise((r) => setTimeout(r, 50));
    expect((await short.get()).authorization).toBe('Bearer tok-2');
    expect(brief.runs()).toHaveLength(2);
  });
});
