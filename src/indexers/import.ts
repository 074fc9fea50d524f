/**
 * `burn import` (kube-burner's `import`): the document files of a metrics tarball, each indexed
 * under its file name without `.json` (the name the local indexer wrote it under). Every file is
 * read and checked before anything is written.
 */
import type { IndexerSettings } from '../config/index.js';
import { UserError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { readTarball } from './tarball.js';
import { checkIndexers, sendToIndexers, type ConfiguredIndexer } from './send.js';
import type { DocumentBatch } from './types.js';

export interface ImportOptions {
  tarball: string;
  indexer: IndexerSettings;
  cwd: string;
  log: Logger;
}

function batchOf(name: string, data: Buffer, tarball: string): DocumentBatch {
  const where = `--tarball ${tarball}: ${name}`;
  if (!name.endsWith('.json')) throw new UserError(`${where} is not a .json document file`, { hint: 'a metrics tarball holds only the <metricName>.json files of a local indexer' });
  if (name.startsWith('/') || name.split('/').includes('..')) throw new UserError(`${where}: a path that leaves the metrics directory`, { hint: 'the tarball was not written by a local indexer; check where it came from' });
  let docs: unknown;
  try {
    docs = JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw new UserError(`${where} is not JSON (${(err as Error).message})`, { hint: 'a metrics tarball holds JSON lists of documents' });
  }
  if (!Array.isArray(docs) || docs.some((d) => typeof d !== 'object' || d === null || Array.isArray(d))) {
    throw new UserError(`${where} is not a JSON list of documents`, { hint: 'a metrics tarball holds JSON lists of documents' });
  }
  return { metricName: name.slice(0, -'.json'.length), docs: docs as object[] };
}

export async function importTarball(options: ImportOptions): Promise<{ files: number; documents: number; errors: string[] }> {
  const entries = await readTarball(options.tarball, '--tarball');
  if (entries.length === 0) throw new UserError(`--tarball ${options.tarball}: the tarball holds no files`, { hint: 'give the .tgz a local indexer wrote with createTarball: true' });
  const batches = entries.map((e) => batchOf(e.name, e.data, options.tarball));
  const configured: ConfiguredIndexer[] = [{ endpoint: 0, where: 'burn import', nameOf: () => '--metrics-directory', settings: options.indexer }];
  const ctx = { uuid: '', cwd: options.cwd };
  await checkIndexers(configured, ctx);
  for (const b of batches) options.log.info(`importing ${b.docs.length} document(s) of ${b.metricName}.json`);
  const errors = await sendToIndexers(configured, batches, ctx, options.log);
  return { files: batches.length, documents: batches.reduce((n, b) => n + b.docs.length, 0), errors };
}
