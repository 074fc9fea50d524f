import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Cluster, Context, User } from '@kubernetes/client-node';
import { load as loadYaml } from 'js-yaml';
// client-node's own kubeconfig field mapping and checks, without its KubeConfig class: that one
// imports the generated API (some 60 MB of resident memory) which burn never uses.
import { newClusters, newContexts, newUsers } from '@kubernetes/client-node/dist/config_types.js';
import { UserError } from '../shared/errors.js';

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface KubeconfigOptions {
  /** --kubeconfig: one file, wins over KUBECONFIG and ~/.kube/config. */
  kubeconfig?: string;
  /** --kube-context: wins over the file's current-context. */
  context?: string;
  /** --skip-tls-verify: do not verify the server's certificate. */
  skipTlsVerify?: boolean;
  /** Injectable for tests. */
  env?: NodeJS.ProcessEnv;
  home?: string;
  serviceAccountDir?: string;
}

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
  servername?: string;
}

/** One cluster to talk to, resolved from a kubeconfig context (or the in-cluster service account). */
export interface ClusterTarget {
  /** Where the configuration came from, for messages: file paths or "in-cluster service account". */
  source: string;
  contextName: string;
  /** Origin for the HTTP pool, e.g. https://10.0.0.1:6443 */
  origin: string;
  /** Path prefix of the server URL ("" for most clusters; rancher-style proxies have one). */
  basePath: string;
  server: string;
  /** The context's namespace, else "default". */
  namespace: string;
  tls: TlsMaterial;
  /** The context's user: token, basic auth, auth provider or exec plugin (credentials.ts applies them). */
  user: User;
}

/** A parsed kubeconfig (or several merged), in client-node's shapes. */
interface KubeConfigData {
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  currentContext: string;
}

/** Loads the kubeconfig the way kubectl finds it and resolves the chosen context. */
export async function loadClusterTarget(options: KubeconfigOptions = {}): Promise<ClusterTarget> {
  const env = options.env ?? process.env;
  const { kubeConfig, source } = loadKubeConfig(options, env);
  const contextName = chooseContext(kubeConfig, options.context, source);
  const context = kubeConfig.contexts.find((c) => c.name === contextName)!;
  const cluster = kubeConfig.clusters.find((c) => c.name === context.cluster);
  if (!cluster) {
    throw new UserError(`kubeconfig context "${contextName}" names cluster "${context.cluster}", which ${source} does not define`, {
      hint: `add the cluster to the kubeconfig or pick another context with --kube-context`,
    });
  }
  const user = kubeConfig.users.find((u) => u.name === context.user) ?? ({ name: context.user } as User);
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    throw new UserError(`kubeconfig cluster "${cluster.name}" has an invalid server URL "${cluster.server}" (${source})`);
  }
  return {
    source,
    contextName,
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    server: cluster.server,
    namespace: context.namespace || 'default',
    tls: tlsMaterial(cluster, user, options.skipTlsVerify === true, source),
    user,
  };
}

function loadKubeConfig(options: KubeconfigOptions, env: NodeJS.ProcessEnv): { kubeConfig: KubeConfigData; source: string } {
  if (options.kubeconfig) {
    const file = path.resolve(options.kubeconfig);
    if (!existsSync(file)) {
      throw new UserError(`kubeconfig ${file} (from --kubeconfig) does not exist`, {
        hint: 'pass the path of an existing kubeconfig file to --kubeconfig',
      });
    }
    return { kubeConfig: mergeFiles([file]), source: file };
  }
  const tried: string[] = [];
  if (env.KUBECONFIG) {
    const listed = env.KUBECONFIG.split(path.delimiter).filter((f) => f !== '');
    const present = listed.filter((f) => existsSync(f));
    if (present.length > 0) return { kubeConfig: mergeFiles(present), source: present.join(path.delimiter) };
    tried.push(...listed.map((f) => `${f} (KUBECONFIG)`));
  }
  const home = options.home ?? env.HOME ?? homedir();
  const defaultFile = path.join(home, '.kube', 'config');
  if (existsSync(defaultFile)) return { kubeConfig: mergeFiles([defaultFile]), source: defaultFile };
  tried.push(defaultFile);
  // BURN_SERVICE_ACCOUNT_DIR points at a folder laid out as a pod's (token, ca.crt, namespace): tests, or a token from the TokenRequest API.
  const saDir = options.serviceAccountDir ?? (env.BURN_SERVICE_ACCOUNT_DIR || SERVICE_ACCOUNT_DIR);
  if (env.KUBERNETES_SERVICE_HOST && existsSync(path.join(saDir, 'token'))) {
    return { kubeConfig: inClusterConfig(env, saDir), source: 'in-cluster service account' };
  }
  tried.push(`in-cluster service account (${saDir}/token with KUBERNETES_SERVICE_HOST)`);
  throw new UserError(`no kubeconfig found; tried: ${tried.join(', ')}`, {
    hint: 'pass one with --kubeconfig FILE, set KUBECONFIG, or run against the built-in simulator with --sim',
  });
}

/** One kubeconfig file, relative certificate paths made absolute against its folder (as kubectl does). */
function readKubeConfigFile(file: string): KubeConfigData {
  const text = readFileSync(file, 'utf8');
  const doc = (loadYaml(text) ?? {}) as { clusters?: unknown; users?: unknown; contexts?: unknown; 'current-context'?: unknown };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not a kubeconfig mapping');
  const dir = path.dirname(file);
  const absolute = (f: string | undefined) => (f && !path.isAbsolute(f) ? path.join(dir, f) : f);
  const clusters = newClusters(doc.clusters).map((c) => ({ ...c, caFile: absolute(c.caFile) }));
  const users = newUsers(doc.users).map((u) => ({ ...u, certFile: absolute(u.certFile), keyFile: absolute(u.keyFile) }));
  const currentContext = typeof doc['current-context'] === 'string' ? doc['current-context'] : '';
  return { clusters, users, contexts: newContexts(doc.contexts), currentContext };
}

/** Merges kubeconfig files as kubectl does: the first file to define a name or current-context wins. */
function mergeFiles(files: string[]): KubeConfigData {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const file of files) {
    let one: KubeConfigData;
    try {
      one = readKubeConfigFile(file);
    } catch (err) {
      throw new UserError(`kubeconfig ${file} could not be read: ${(err as Error).message}`, {
        hint: 'fix the file (it must be a YAML kubeconfig) or pass another with --kubeconfig',
        cause: err,
      });
    }
    for (const c of one.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of one.users) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of one.contexts) if (!contexts.has(c.name)) contexts.set(c.name, c);
    if (!currentContext && one.currentContext) currentContext = one.currentContext;
  }
  return { clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext };
}

function inClusterConfig(env: NodeJS.ProcessEnv, saDir: string): KubeConfigData {
  const host = env.KUBERNETES_SERVICE_HOST!;
  const port = env.KUBERNETES_SERVICE_PORT || '443';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const namespaceFile = path.join(saDir, 'namespace');
  return {
    clusters: [{ name: 'in-cluster', server: `https://${hostPart}:${port}`, caFile: path.join(saDir, 'ca.crt'), skipTLSVerify: false }],
    // client-node's tokenFile provider re-reads the projected token every minute, as client-go does.
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: path.join(saDir, 'token') } } }],
    contexts: [
      {
        name: 'in-cluster',
        cluster: 'in-cluster',
        user: 'in-cluster',
        namespace: existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined,
      },
    ],
    currentContext: 'in-cluster',
  };
}

function chooseContext(kubeConfig: KubeConfigData, wanted: string | undefined, source: string): string {
  const names = kubeConfig.contexts.map((c) => c.name);
  const listing = names.length > 0 ? names.join(', ') : '(none)';
  if (wanted) {
    if (!names.includes(wanted)) {
      throw new UserError(`kubeconfig context "${wanted}" (from --kube-context) is not in ${source}; contexts there: ${listing}`, {
        hint: 'pass one of the listed contexts to --kube-context',
      });
    }
    return wanted;
  }
  const current = kubeConfig.currentContext;
  if (current && names.includes(current)) return current;
  if (current) {
    throw new UserError(`current-context "${current}" of ${source} is not defined there; contexts there: ${listing}`, {
      hint: 'pick one with --kube-context',
    });
  }
  if (names.length === 1) return names[0];
  throw new UserError(`${source} sets no current-context; contexts there: ${listing}`, {
    hint: 'pick one with --kube-context',
  });
}

function readPem(file: string | undefined | null, data: string | undefined | null, what: string, source: string): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UserError(`${what} ${file} named in ${source} could not be read: ${(err as NodeJS.ErrnoException).code ?? err}`, {
      hint: 'fix the path in the kubeconfig or pass another with --kubeconfig',
      cause: err,
    });
  }
}

function tlsMaterial(cluster: Cluster, user: User, skipTlsVerify: boolean, source: string): TlsMaterial {
  return {
    ca: readPem(cluster.caFile, cluster.caData, 'certificate-authority', source),
    cert: readPem(user.certFile, user.certData, 'client-certificate', source),
    key: readPem(user.keyFile, user.keyData, 'client-key', source),
    rejectUnauthorized: !(skipTlsVerify || cluster.skipTLSVerify),
    servername: cluster.tlsServerName || undefined,
  };
}
