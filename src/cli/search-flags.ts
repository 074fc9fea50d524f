/** --es-server with --es-index (or --index), checked; loaded only by the commands that take them, so `burn --version` loads no config code. */
import { esServerProblem, indexNameProblem, redactedServer, type SearchIndexerSettings } from '../config/index.js';
import { UserError } from '../shared/errors.js';

/**
 * kube-burner's --es-server and --es-index: an elastic indexer (kube-burner's choice; `opensearch`
 * with --indexer-type opensearch, the same protocol). Undefined when neither is given; a UserError
 * naming the flag when only one is, or when the server or index cannot work.
 */
export function searchIndexerFlags(flags: { esServer?: string; esIndex?: string; index?: string; indexerType?: string; insecureSkipVerify?: boolean }, indexFlag = '--es-index'): SearchIndexerSettings | undefined {
  flags = { ...flags, esIndex: indexFlag === '--index' ? flags.index : flags.esIndex };
  if (flags.esServer === undefined && flags.esIndex === undefined) return undefined;
  if (flags.esServer === undefined) throw new UserError(`${indexFlag} ${flags.esIndex} needs --es-server`, { hint: `e.g. --es-server http://127.0.0.1:9200 ${indexFlag} ${flags.esIndex}` });
  if (flags.esIndex === undefined) throw new UserError(`--es-server needs ${indexFlag}`, { hint: `e.g. --es-server ${redactedServer(flags.esServer)} ${indexFlag} kube-burner` });
  const serverProblem = esServerProblem(flags.esServer);
  if (serverProblem) throw new UserError(`--es-server "${redactedServer(flags.esServer)}" ${serverProblem}`, { hint: 'e.g. --es-server https://opensearch.example.com:9200' });
  const index = flags.esIndex.toLowerCase();
  const indexProblem = indexNameProblem(index);
  if (indexProblem) throw new UserError(`${indexFlag} "${flags.esIndex}" ${indexProblem}`, { hint: `e.g. ${indexFlag} kube-burner` });
  return { type: flags.indexerType === 'opensearch' ? 'opensearch' : 'elastic', esServers: [flags.esServer], defaultIndex: index, insecureSkipVerify: flags.insecureSkipVerify ?? false };
}
