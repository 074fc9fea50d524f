/**
 * kube-burner's `local` indexer (go-commons indexers/local.go): each batch goes to
 * `<metricsDirectory>/<metricName>.json`, a JSON array; a batch for a file that exists is appended
 * to its documents. `createTarball` packs the folder's files into `tarballName` when the indexer closes.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { DEFAULT_METRICS_DIRECTORY, type LocalIndexerSettings } from '../config/index.js';
import { checkRunFolderWritable, writeFileAtomic } from '../report/index.js';
import { packTarGz } from './tarball.js';
import type { DocumentBatch, Indexer, IndexerSession, OpenContext } from './types.js';

/** kube-burner's default folder `collected-metrics-{{.UUID}}` is collected-metrics-<uuid>; anything else as written. */
export function metricsDirectoryOf(settings: Pick<LocalIndexerSettings, 'metricsDirectory'>, ctx: OpenContext): string {
  const dir = settings.metricsDirectory === DEFAULT_METRICS_DIRECTORY ? `collected-metrics-${ctx.uuid}` : settings.metricsDirectory;
  return resolve(ctx.cwd, dir);
}

async function existingDocs(file: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return [];
  let docs: unknown;
  try {
    docs = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is there but is not JSON (${(err as Error).message}): remove it or choose another metricsDirectory`);
  }
  if (!Array.isArray(docs)) throw new Error(`${file} is there but is not a JSON list of documents: remove it or choose another metricsDirectory`);
  return docs;
}

/** Every file under `dir`, as paths relative to it, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

class LocalSession implements IndexerSession {
  readonly description: string;

  constructor(
    private readonly dir: string,
    private readonly tarball: string | undefined,
  ) {
    this.description = `local indexer ${dir}`;
  }

  async index({ metricName, docs, burnOwn }: DocumentBatch): Promise<string> {
    if (burnOwn) return `${metricName}: burn's own documents stay in the run folder`;
    if (!metricName) throw new Error('a document batch without metricName cannot be written by the local indexer');
    const file = join(this.dir, `${metricName}.json`);
    const all = [...(await existingDocs(file)), ...docs];
    await writeFileAtomic(file, JSON.stringify(all));
    return `${file} now holds ${all.length} document(s)`;
  }

  async close(): Promise<string[]> {
    return this.tarball ? [await packMetricsDirectory(this.dir, this.tarball)] : [];
  }
}

/** `createTarball`: every file under the metrics directory into `tarball` (a .tgz); says what it did. */
export async function packMetricsDirectory(dir: string, tarball: string): Promise<string> {
  const names = await filesUnder(dir);
  const entries = await Promise.all(names.map(async (name) => ({ name, data: await readFile(join(dir, name)) })));
  await writeFile(tarball, packTarGz(entries));
  return `metrics tarball ${tarball} holds ${entries.length} file(s) of ${dir}`;
}

/** The local and tsdb indexers' check: their folder and the tarball's can be written. */
export async function checkMetricsDirectory(settings: Pick<LocalIndexerSettings, 'metricsDirectory' | 'createTarball' | 'tarballName'>, ctx: OpenContext, nameOf: (key: string) => string): Promise<void> {
  await checkRunFolderWritable(metricsDirectoryOf(settings, ctx), nameOf('metricsDirectory'));
  if (settings.createTarball) await checkRunFolderWritable(dirname(resolve(ctx.cwd, settings.tarballName)), `${nameOf('tarballName')} ${settings.tarballName}: its folder`);
}

export const localIndexer: Indexer<LocalIndexerSettings> = {
  type: 'local',
  check: checkMetricsDirectory,
  async open(settings, ctx) {
    const dir = metricsDirectoryOf(settings, ctx);
    await mkdir(dir, { recursive: true }); // kube-burner makes the folder when the indexer is created
    return new LocalSession(dir, settings.createTarball ? resolve(ctx.cwd, settings.tarballName) : undefined);
  },
};
