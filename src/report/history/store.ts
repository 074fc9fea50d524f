/**
 * Where `burn history` reads runs from: a store. The folder store reads a folder of run folders
 * (reports/ by default); the OpenSearch store (src/indexers) reads the runs the search indexers sent.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../shared/errors.js';
import { readRunFolder, type RunFolder } from '../run-folder.js';

export interface StoreRuns {
  folders: RunFolder[];
  /** Runs of the store that could not be read, and why. */
  skipped: Array<{ dir: string; reason: string }>;
}

export interface RunStore {
  /** For the report and messages: the folder, or the server and index. */
  readonly name: string;
  /** Every run the store holds, read completely. */
  runs(): Promise<StoreRuns>;
}

/** A folder of run folders; symlinked folders count, so a store can be assembled from several places. */
export function folderStore(store: string): RunStore {
  return {
    name: store,
    async runs() {
      const entries = await readdir(store, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
        throw new UserError(`burn history: cannot read the store "${store}": ${err.code === 'ENOENT' ? 'no such folder' : err.message}`, {
          hint: 'give the folder that holds your run folders (burn init writes them to reports/ by default)',
        });
      });
      const folders: RunFolder[] = [];
      const skipped: StoreRuns['skipped'] = [];
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const dir = join(store, entry.name);
        const target = entry.isSymbolicLink() ? await stat(dir).catch(() => undefined) : undefined;
        // A link to nothing may have been a run folder: said, never passed over in silence.
        if (entry.isSymbolicLink() && !target) {
          skipped.push({ dir, reason: 'a symbolic link to nothing (the run folder it named is gone)' });
          continue;
        }
        if (!entry.isDirectory() && !target?.isDirectory()) continue;
        try {
          folders.push(await readRunFolder(dir));
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          skipped.push({ dir, reason: err.message });
        }
      }
      return { folders, skipped };
    },
  };
}
