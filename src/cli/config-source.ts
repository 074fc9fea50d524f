import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { UserError } from '../shared/errors.js';

/**
 * Where a command's config comes from, as kube-burner allows: a file, an http(s) URL (`-c`, `--user-data`),
 * or a ConfigMap on the cluster (`init --configmap NAME -n NAMESPACE`, holding config.yml and the
 * profiles it names). URLs and ConfigMaps are written into a temporary folder that the command removes
 * when it ends; relative paths in the config are then looked for in the working directory first, as
 * kube-burner does, then in that folder (where the ConfigMap's metrics.yml and alerts.yml are).
 */

export interface ConfigFlags {
  config?: string;
  configmap?: string;
  namespace?: string;
  userData?: string;
  kubeconfig?: string;
  kubeContext?: string;
  skipTlsVerify?: boolean;
}

export interface ConfigSource {
  configPath: string;
  userData?: string;
  /** Removes the temporary folder, if one was made. */
  dispose(): Promise<void>;
}

const isHttpUrl = (value: string) => /^https?:\/\//i.test(value);

async function download(url: string, flag: string, dir: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new UserError(`${flag} ${url}: cannot fetch it (${cause?.code ?? cause?.message ?? (err as Error).message})`, { hint: 'check the URL and the network, or download the file and pass its path' });
  }
  if (!response.ok) throw new UserError(`${flag} ${url}: HTTP ${response.status} ${response.statusText}`.trim(), { hint: 'check the URL, or download the file and pass its path' });
  const path = join(dir, basename(new URL(url).pathname) || 'config.yml');
  await writeFile(path, await response.text());
  return path;
}

async function fromConfigMap(flags: ConfigFlags, dir: string): Promise<string> {
  const { connectCluster } = await import('../kube/index.js');
  const namespace = flags.namespace ?? 'default';
  const client = await connectCluster({ kubeconfig: flags.kubeconfig, context: flags.kubeContext, skipTlsVerify: flags.skipTlsVerify });
  try {
    const cm = await client.get('v1', 'ConfigMap', flags.configmap!, namespace, { notFoundOk: true });
    if (!cm) throw new UserError(`--configmap ${flags.configmap}: no ConfigMap of that name in namespace ${namespace}`, { hint: 'name the namespace it is in with -n/--namespace' });
    const data = (cm.data ?? {}) as Record<string, string>;
    if (typeof data['config.yml'] !== 'string')
      throw new UserError(`--configmap ${flags.configmap}: the ConfigMap has no config.yml key (it has ${Object.keys(data).join(', ') || 'no data'})`, { hint: 'as for kube-burner, the ConfigMap holds config.yml, and optionally metrics.yml and alerts.yml' });
    for (const [name, text] of Object.entries(data)) {
      if (name !== basename(name) || name.startsWith('.')) throw new UserError(`--configmap ${flags.configmap}: key "${name}" is not a plain file name`);
      await writeFile(join(dir, name), text);
    }
    return join(dir, 'config.yml');
  } finally {
    await client.close();
  }
}

export async function configSource(flags: ConfigFlags): Promise<ConfigSource> {
  if (flags.config && flags.configmap) throw new UserError('-c/--config and --configmap cannot be used together', { hint: 'give the config either as a file or URL (-c) or as a ConfigMap (--configmap)' });
  if (!flags.config && !flags.configmap) throw new UserError('a config is needed: -c/--config <file or URL>, or --configmap <name>', { hint: 'e.g. burn init -c configs/quickstart.yaml' });
  const needsDir = Boolean(flags.configmap) || isHttpUrl(flags.config ?? '') || isHttpUrl(flags.userData ?? '');
  const dir = needsDir ? await mkdtemp(join(tmpdir(), 'burn-config-')) : undefined;
  const dispose = async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  try {
    const configPath = flags.configmap ? await fromConfigMap(flags, dir!) : isHttpUrl(flags.config!) ? await download(flags.config!, '-c/--config', dir!) : flags.config!;
    const userData = flags.userData && isHttpUrl(flags.userData) ? await download(flags.userData, '--user-data', await mkdtemp(join(dir!, 'user-data-'))) : flags.userData;
    return { configPath, userData, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
