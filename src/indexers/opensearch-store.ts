/**
 * `burn history --es-server URL --index NAME`: the runs the opensearch / elastic indexers sent, read
 * back as run folders. run.json and slo.json come from `<NAME>-burn`, the run's kube-burner documents
 * (jobSummary and the measurements') from NAME by the run's uuid.
 */
import { isObject, runFolderOf, type JsonObject, type RunFolder, type RunStore, type StoreRuns } from '../report/index.js';
import { UserError } from '../shared/errors.js';
import { SearchClient, SearchServerError } from './opensearch-client.js';
import { burnIndexOf } from './opensearch.js';

/** Documents whose `uuid` is `uuid`, whether the index maps it as keyword (kube-burner's templates) or as text (dynamic). */
export function uuidQuery(uuid: string): object {
  return { bool: { should: [{ term: { 'uuid.keyword': uuid } }, { term: { uuid } }], minimum_should_match: 1 } };
}

async function runOf(client: SearchClient, index: string, run: JsonObject, slo: unknown, where: string): Promise<RunFolder> {
  const uuid = String(run.uuid);
  const docs = (await client.searchAll(index, uuidQuery(uuid))).map((h) => h._source).filter(isObject);
  const byMetric = new Map<string, JsonObject[]>();
  for (const doc of docs) {
    const name = String(doc.metricName ?? '');
    byMetric.set(name, [...(byMetric.get(name) ?? []), doc]);
  }
  const jobSummaries = byMetric.get('jobSummary') ?? [];
  byMetric.delete('jobSummary');
  return runFolderOf(where, {
    // The run's file list names files of a folder; here every document of the uuid counts.
    runJson: { ...run, documentFiles: [] },
    runJsonPath: `${where} run.json`,
    documentFiles: [...byMetric].sort(([a], [b]) => a.localeCompare(b)).map(([name, list]) => ({ fileName: `${name}.json`, docs: list })),
    jobSummaries,
    slo: slo ?? {},
  });
}

export function openSearchStore(options: { servers: string[]; index: string; insecureSkipVerify: boolean }): RunStore {
  const burnIndex = burnIndexOf(options.index);
  const client = () => new SearchClient({ servers: options.servers, insecureSkipVerify: options.insecureSkipVerify, attempts: 3 });
  return {
    name: `${options.servers[0] ?? ''} index ${options.index}`,
    async runs(): Promise<StoreRuns> {
      const search = client();
      try {
        const own = await search.searchAll(burnIndex, { match_all: {} }).catch((err: unknown) => {
          if (err instanceof SearchServerError) {
            throw new UserError(`burn history: cannot read the runs from ${search.description}: ${err.message}`, { hint: 'check --es-server (the server must answer) and --index (the defaultIndex the runs were sent to)' });
          }
          throw err;
        });
        if (own.length === 0) {
          throw new UserError(`burn history: ${search.description} holds no burn runs in ${burnIndex}`, { hint: `give --index the defaultIndex of your opensearch/elastic indexer (burn keeps its own documents in <defaultIndex>-burn); runs are sent there by burn init or burn index DIR` });
        }
        const slos = new Map(own.filter((h) => h._source?.file === 'slo.json').map((h) => [String(h._source.uuid), h._source.body]));
        const runs = own.filter((h) => h._source?.file === 'run.json' && isObject(h._source.body)).map((h) => h._source.body as JsonObject);
        const folders: RunFolder[] = [];
        const skipped: StoreRuns['skipped'] = [];
        for (const run of runs.sort((a, b) => String(a.start).localeCompare(String(b.start)))) {
          const where = `${options.index}/${String(run.uuid)}`;
          try {
            folders.push(await runOf(search, options.index, run, slos.get(String(run.uuid)), where));
          } catch (err) {
            if (!(err instanceof UserError)) throw err;
            skipped.push({ dir: where, reason: err.message });
          }
        }
        return { folders, skipped };
      } finally {
        await search.close();
      }
    },
  };
}
