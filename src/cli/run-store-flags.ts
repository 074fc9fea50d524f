/**
 * Where `burn history` and `burn diff --baseline-history` read runs from: a folder of run folders,
 * or OpenSearch / Elasticsearch with `--es-server` and `--index`. One definition of those flags.
 */
import type { Command } from 'commander';
import type { RunStore } from '../report/index.js';
import { UserError } from '../shared/errors.js';

export interface RunStoreFlags {
  esServer?: string;
  index?: string;
  insecureSkipVerify?: boolean;
}

/** Adds --es-server, --index and --insecure-skip-verify; `what` says what is read (e.g. "the runs", "the baseline runs"). */
export function runStoreOptions(command: Command, what: string, instead: string): Command {
  return command
    .option('--es-server <url>', `read ${what} from OpenSearch / Elasticsearch instead of ${instead} (with --index)`)
    .option('--index <name>', "the defaultIndex the runs were sent to (burn's own documents are in <name>-burn)")
    .option('--insecure-skip-verify', "do not verify --es-server's TLS certificate");
}

/**
 * The store the flags name: OpenSearch with --es-server, else the folder (`folder.value`, or
 * `fallback`); `folder.given` names the folder as the user gave it. Undefined when neither a folder
 * nor a fallback nor --es-server is given.
 */
export async function runStoreOf(command: string, folder: { value?: string; given: string; fallback?: string }, flags: RunStoreFlags): Promise<RunStore | undefined> {
  const { searchIndexerFlags } = await import('./search-flags.js');
  const search = searchIndexerFlags(flags, '--index');
  if (search && folder.value !== undefined) throw new UserError(`burn ${command}: give ${folder.given} or --es-server, not both`, { hint: 'leave out the folder to read the runs from OpenSearch' });
  if (search) return (await import('../indexers/index.js')).openSearchStore({ servers: search.esServers, index: search.defaultIndex, insecureSkipVerify: search.insecureSkipVerify });
  const path = folder.value ?? folder.fallback;
  if (path === undefined) return undefined;
  return (await (await import('../report/index.js')).loadHistory()).folderStore(path);
}
