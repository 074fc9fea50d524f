/**
 * pprof: Go profiles collected while the job runs, as kube-burner v2 collects them. For each target,
 * the pods in `namespace` matching `labelSelector` are listed and, in each pod's first container,
 * `curl` fetches `url` (with the target's bearer token, or its client certificate and key copied
 * into the pod as /tmp/pprof.crt and /tmp/pprof.key) through the API server's exec subresource, as
 * `kubectl exec` does; the output is the profile. Profiles are taken when the job starts
 * (`<target>-<pod>-<job>-start.pprof`), every `pprofInterval` (`<target>-<pod>-<UTC time as
 * 2006-01-02T15_04_05Z>.pprof`) and when it ends (`...-<job>-end.pprof`), into `pprofDirectory` of
 * the run folder (an absolute directory is used as is).
 * burn's addition: a target whose `url` is a path (`/debug/pprof/heap`) and that names no pods is
 * the API server burn talks to, fetched through burn's own connection and credentials
 * (`<target>-apiserver-<suffix>.pprof`).
 * Not done: kube-burner's node targets (no labelSelector, with `nodeAffinity`), which need its
 * collector DaemonSet on the nodes; `validate` refuses them. A profile that cannot be taken (no pod
 * matches, no curl in the image, the simulator or kwok running no containers) is an error of the
 * measurement, never an empty or made-up file.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { nowMs } from '../shared/clock.js';
import { UserError } from '../shared/errors.js';
import { sleep } from '../shared/sleep.js';
import { OptionReader } from './options.js';
import type { MeasurementPlugin } from './plugin.js';
import type { Measurement, MeasurementContext, MeasurementResult } from './types.js';
import type { Access } from '../kube/index.js';

export interface PprofTarget {
  name: string;
  url: string;
  namespace: string;
  labelSelector: Record<string, string>;
  bearerToken: string;
  certFile: string;
  keyFile: string;
  /** Decoded PEM of `cert`/`key` (kube-burner takes them base64 encoded). */
  cert: string;
  key: string;
}

export interface PprofOptions {
  targets: PprofTarget[];
  intervalMs: number;
  directory: string;
}

/** Where to fetch from: pods by selector (kube-burner), or the API server itself (a path url). */
function isApiServerTarget(t: Pick<PprofTarget, 'url' | 'namespace' | 'labelSelector'>): boolean {
  return t.url.startsWith('/') && !t.namespace && Object.keys(t.labelSelector).length === 0;
}

const EXEC_TIMEOUT_MS = 5 * 60_000;

function readTarget(t: OptionReader): PprofTarget {
  const name = t.string('name', '');
  if (!name) t.fail(undefined, `${t.what} has no name`, 'add name: kube-apiserver-heap (it names the profile files)');
  const url = t.string('url', '');
  if (!url) t.fail(undefined, `${t.what} has no url`, 'add url: https://localhost:6443/debug/pprof/heap (fetched by curl inside the pod)');
  const namespace = t.string('namespace', '');
  const rawSelector = t.value('labelSelector');
  if (rawSelector !== undefined && (typeof rawSelector !== 'object' || Array.isArray(rawSelector))) t.fail('labelSelector', `${t.label('labelSelector')} must be a mapping of labels`, 'e.g. labelSelector: {app: etcd}');
  const labelSelector = Object.fromEntries(Object.entries((rawSelector ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  const bearerToken = t.string('bearerToken', '');
  const certFile = t.string('certFile', '');
  const keyFile = t.string('keyFile', '');
  const certText = t.string('cert', '');
  const keyText = t.string('key', '');
  if (t.string('unixSocketPath', '')) t.fail('unixSocketPath', `unixSocketPath of ${t.what} is for kube-burner's node targets (its pprof collector DaemonSet), which burn does not deploy`, 'collect from the pods that serve the profile: namespace and labelSelector');
  if (bearerToken && (certFile || certText)) t.fail('bearerToken', `${t.what}: bearerToken and cert auth methods cannot be specified together in the same target`, 'keep one of them');
  if (Boolean(certFile) !== Boolean(keyFile)) t.fail(certFile ? 'certFile' : 'keyFile', `${t.what} has ${certFile ? 'certFile without keyFile' : 'keyFile without certFile'}`, 'give both, or neither');
  if (Boolean(certText) !== Boolean(keyText)) t.fail(certText ? 'cert' : 'key', `${t.what} has ${certText ? 'cert without key' : 'key without cert'}`, 'give both, or neither');
  const decode = (key: string, text: string): string => {
    if (!text) return '';
    const decoded = Buffer.from(text, 'base64');
    if (decoded.toString('base64').replace(/=+$/, '') !== text.replace(/\s+/g, '').replace(/=+$/, '')) t.fail(key, `${t.label(key)} is not base64`, `write the base64 of the PEM file (base64 -w0 file.pem), or use ${key}File`);
    return decoded.toString('utf8');
  };
  const target: PprofTarget = { name, url, namespace, labelSelector, bearerToken, certFile, keyFile, cert: decode('cert', certText), key: decode('key', keyText) };
  if (!isApiServerTarget(target)) {
    if (Object.keys(labelSelector).length === 0) {
      t.fail(undefined, `${t.what} has no labelSelector: kube-burner collects such node targets through its pprof collector DaemonSet, which burn does not deploy`, 'name the pods: namespace and labelSelector (curl runs inside them), or give url as a path (/debug/pprof/heap) to profile the API server burn talks to');
    }
    if (!namespace) t.fail(undefined, `${t.what} has a labelSelector but no namespace`, 'add namespace: <the namespace of the pods>');
  } else if (bearerToken || certFile || certText) {
    t.fail(bearerToken ? 'bearerToken' : certFile ? 'certFile' : 'cert', `${t.what} profiles the API server through burn's own connection, which uses the kubeconfig's credentials`, 'remove the credentials from this target');
  }
  return target;
}

/** Go's "2006-01-02T15_04_05Z" layout, in UTC. */
function intervalSuffix(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/:/g, '_') + 'Z';
}

interface PodRef {
  name: string;
  namespace: string;
  container: string;
}

export class PprofMeasurement implements Measurement {
  readonly name = 'pprof';
  private ctx?: MeasurementContext;
  private dir = '';
  private errors: string[] = [];
  private loop?: Promise<void>;
  private stopLoop = new AbortController();
  private certsCopied = new Set<string>();

  constructor(private readonly options: PprofOptions) {}

  /** Certificate files are read before any load, so a wrong path stops the run at once. */
  async preflight(): Promise<void> {
    for (const t of this.options.targets) if (t.certFile) await this.readCerts(t);
  }

  private async readCerts(t: PprofTarget): Promise<{ cert: string; key: string }> {
    if (!t.certFile) return { cert: t.cert, key: t.key };
    const read = (key: string, path: string) =>
      readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new UserError(`pprof target ${t.name}: ${key} ${path} cannot be read (${err.code ?? err.message})`, { hint: 'give the path of a PEM file, relative to the working directory' });
      });
    return { cert: await read('certFile', t.certFile), key: await read('keyFile', t.keyFile) };
  }

  async start(ctx: MeasurementContext): Promise<void> {
    this.ctx = ctx;
    this.errors = [];
    this.certsCopied = new Set();
    this.stopLoop = new AbortController();
    this.dir = isAbsolute(this.options.directory) ? this.options.directory : join(ctx.runFolder ?? '.', this.options.directory);
    await mkdir(this.dir, { recursive: true });
    await this.collectAll(`${ctx.jobName}-start`);
    if (this.options.intervalMs > 0) this.loop = this.every(this.options.intervalMs, this.stopLoop.signal);
  }

  private async every(intervalMs: number, signal: AbortSignal): Promise<void> {
    for (;;) {
      const done = await sleep(intervalMs, signal).then(() => false, () => true);
      if (done || signal.aborted) return;
      await this.collectAll(intervalSuffix(nowMs()));
    }
  }

  async stop(): Promise<void> {
    this.stopLoop.abort();
    await this.loop;
    if (this.ctx) await this.collectAll(`${this.ctx.jobName}-end`);
  }

  async collect(): Promise<MeasurementResult> {
    return { name: 'pprof', documents: [], quantiles: [], thresholds: [], slis: [], errors: [...this.errors].sort() };
  }

  private async collectAll(suffix: string): Promise<void> {
    await Promise.all(this.options.targets.map((t) => this.collectTarget(t, suffix)));
  }

  private async collectTarget(t: PprofTarget, suffix: string): Promise<void> {
    const ctx = this.ctx!;
    if (isApiServerTarget(t)) {
      const file = `${t.name}-apiserver-${suffix}.pprof`;
      try {
        const data = await ctx.client.requestBytes!(t.url, EXEC_TIMEOUT_MS);
        await this.save(file, data);
      } catch (err) {
        this.fail(t, 'the API server', err instanceof Error ? err.message : String(err));
      }
      return;
    }
    let pods: PodRef[];
    try {
      pods = await this.podsOf(t);
    } catch (err) {
      return this.fail(t, `pods ${t.namespace}/${selectorText(t.labelSelector)}`, err instanceof Error ? err.message : String(err));
    }
    if (pods.length === 0) return this.fail(t, `namespace ${t.namespace}`, `no pod matches ${selectorText(t.labelSelector)}`);
    await Promise.all(pods.map((pod) => this.collectPod(t, pod, suffix)));
  }

  private async collectPod(t: PprofTarget, pod: PodRef, suffix: string): Promise<void> {
    const client = this.ctx!.client;
    const exec = (req: Parameters<NonNullable<typeof client.exec>>[0]) => client.exec!(req);
    const where = `pod ${pod.namespace}/${pod.name}`;
    try {
      if ((t.cert || t.certFile) && !this.certsCopied.has(`${t.name}/${pod.namespace}/${pod.name}`)) {
        const { cert, key } = await this.readCerts(t);
        for (const [path, content] of [['/tmp/pprof.crt', cert], ['/tmp/pprof.key', key]] as const) {
          const copied = await exec({ namespace: pod.namespace, pod: pod.name, container: pod.container, command: ['tee', path], stdin: Buffer.from(content), timeoutMs: EXEC_TIMEOUT_MS });
          if (copied.exitCode !== 0) return this.fail(t, where, `copying ${path} failed: exit code ${copied.exitCode}${copied.stderr ? ` (${copied.stderr.trim()})` : ''}`);
        }
        this.certsCopied.add(`${t.name}/${pod.namespace}/${pod.name}`);
      }
      const result = await exec({ namespace: pod.namespace, pod: pod.name, container: pod.container, command: curlCommand(t), timeoutMs: EXEC_TIMEOUT_MS });
      if (result.exitCode !== 0) return this.fail(t, where, `curl exited with ${result.exitCode}${result.stderr ? ` (${result.stderr.trim()})` : ''}`);
      if (result.stdoutBytes.length === 0) return this.fail(t, where, 'curl wrote nothing');
      await this.save(`${t.name}-${pod.name}-${suffix}.pprof`, result.stdoutBytes);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      // The upgrade's refusal carries no message: say what it means where it is always refused.
      this.fail(t, where, /could not open its stream/.test(why) ? `${why}; pods of the simulator and of kwok nodes run no containers to exec into` : why);
    }
  }

  private async podsOf(t: PprofTarget): Promise<PodRef[]> {
    const list = await this.ctx!.client.request!<{ items?: any[] }>({ method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(t.namespace)}/pods?labelSelector=${encodeURIComponent(selectorText(t.labelSelector))}` });
    return (list?.items ?? []).map((p) => ({ name: String(p.metadata?.name), namespace: String(p.metadata?.namespace ?? t.namespace), container: String(p.spec?.containers?.[0]?.name ?? '') }));
  }

  private async save(file: string, data: Buffer): Promise<void> {
    await writeFile(join(this.dir, file), data);
  }

  private fail(t: PprofTarget, where: string, why: string): void {
    const message = `pprof target ${t.name}: ${where}: no profile: ${why}`;
    if (!this.errors.includes(message)) this.errors.push(message);
  }
}

function selectorText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** kube-burner's curl command lines for a pod target. */
export function curlCommand(t: Pick<PprofTarget, 'bearerToken' | 'cert' | 'certFile' | 'url'>): string[] {
  if (t.bearerToken) return ['curl', '-fsSLkH', `Authorization: Bearer ${t.bearerToken}`, t.url];
  if (t.cert || t.certFile) return ['curl', '-fsSLk', '--cert', '/tmp/pprof.crt', '--key', '/tmp/pprof.key', t.url];
  return ['curl', '-fsSLk', t.url];
}

export const pprofPlugin: MeasurementPlugin<PprofOptions> = {
  name: 'pprof',
  jobTypes: 'all',
  parseOptions(raw, at) {
    const options = new OptionReader(raw, at, [], 'pprof', ['name']);
    const targets = options.list('pprofTargets', readTarget, '[{name: apiserver-heap, namespace: kube-system, labelSelector: {component: kube-apiserver}, url: https://localhost:6443/debug/pprof/heap}]');
    if (targets.length === 0) options.fail(undefined, 'pprof has no pprofTargets', 'add pprofTargets: [{name, namespace, labelSelector, url}]');
    const intervalMs = options.duration('pprofInterval', 0);
    const directory = options.string('pprofDirectory', 'pprof');
    const affinity = options.value('nodeAffinity');
    if (affinity !== undefined) options.fail('nodeAffinity', "nodeAffinity places kube-burner's pprof collector DaemonSet on nodes, which burn does not deploy", 'collect from pods: give each target a namespace and labelSelector');
    options.finish();
    return { targets, intervalMs, directory };
  },
  create: (options) => new PprofMeasurement(options),
  access: (options): Access[] =>
    options.targets.flatMap((t): Access[] =>
      isApiServerTarget(t)
        ? [{ url: t.url.split('?')[0]!, verbs: ['get'], why: `pprof target ${t.name} reads the API server's profile` }]
        : [
            { group: '', resource: 'pods', verbs: ['list'], namespace: t.namespace, why: `pprof target ${t.name} finds its pods` },
            // A WebSocket exec is a GET the API server also authorizes as create.
            { group: '', resource: 'pods/exec', verbs: ['get', 'create'], namespace: t.namespace, why: `pprof target ${t.name} runs curl in its pods` },
          ],
    ),
};
