import { extname } from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { appliesTo, findMeasurementPlugin, measurementNames, unknownMeasurement, MeasurementOptionError, type OptionPath, type OptionPositions } from '../measure/index.js';
import { formatPos, type ConfigPath, type SourcePos } from './diagnostics.js';
import { MapReader, positionOf, readSeqItems, type ReadContext } from './reader.js';
import { formatCount, MAX_JOB_ITERATIONS, MAX_JOB_OBJECTS } from './limits.js';
import { resolveReference, type FileOrigin } from './references.js';
import { builtInApiVersion } from './kinds.js';
import { readTraffic } from './traffic.js';
import { parseStatusPath } from '../shared/status-path.js';
import { didYouMean } from '../shared/suggest.js';
import { esServerProblem, indexNameProblem, redactedServer } from './search-indexer.js';
import type {
  ChurnConfig,
  Config,
  IncrementalLoad,
  LoadPatternType,
  ObjectGroup,
  GlobalConfig,
  Job,
  JobObject,
  JobType,
  MeasurementConfig,
  IndexerSettings,
  SearchIndexerSettings,
  MetricsEndpoint,
  PatchType,
  TemplateEngine,
  WaitOptions,
  Watcher,
  Hook,
  HookStage,
} from './types.js';
import { HOOK_STAGES } from './types.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const SECOND = 1000;

/** kube-burner's values for qps and burst of 0 or less. */
export const DEFAULT_QPS = 5;
export const DEFAULT_BURST = 10;

const jobTypes: readonly JobType[] = ['create', 'delete', 'read', 'patch', 'traffic'];
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Short names accepted for patchType, as REFERENCE lists them, mapped to the content types kube-burner uses. */
const patchTypes: Record<string, PatchType> = {
  'json-patch': 'application/json-patch+json',
  'merge-patch': 'application/merge-patch+json',
  'strategic-merge-patch': 'application/strategic-merge-patch+json',
  'apply-patch+yaml': 'application/apply-patch+yaml',
  'application/json-patch+json': 'application/json-patch+json',
  'application/merge-patch+json': 'application/merge-patch+json',
  'application/strategic-merge-patch+json': 'application/strategic-merge-patch+json',
  'application/apply-patch+yaml': 'application/apply-patch+yaml',
};

export interface DecodeInput {
  ctx: ReadContext;
  file: string;
  dir: string;
  cwd: string;
  uuid: string;
  runId: string;
  /** Aliases of the config's indexers, for measurements' timeseriesIndexer/quantilesIndexer. */
  indexerAliases?: ReadonlySet<string>;
  /** false: no `jobs` key is fine (burn measure reads only measurements and metricsEndpoints). Default true. */
  requireJobs?: boolean;
}

/** Turns the parsed (and `--set`-overridden) document into a typed Config, reporting every problem found. */
export function decodeConfig(input: DecodeInput): Omit<Config, 'warnings'> {
  const { ctx } = input;
  const root = ctx.doc.contents as Node | null;
  const top = isMap(root) ? new MapReader(ctx, root, [], 'the config') : undefined;
  if (!top) {
    ctx.diags.error(positionOf(ctx, root), 'the config must be a mapping with "jobs" (and optionally "global", "metricsEndpoints")');
    return { file: input.file, dir: input.dir, metricsEndpoints: [], global: readGlobal(input, undefined), jobs: [], source: ctx.sources };
  }
  const metricsEndpoints = top.list('metricsEndpoints', (node, path, i) => readMetricsEndpoint(input, node, path, i));
  const withAliases: DecodeInput = { ...input, indexerAliases: new Set(metricsEndpoints.flatMap((e, i) => (e.indexer ? [indexerAlias(e, i)] : []))) };
  const global = top.object('global', 'global', (r) => readGlobal(withAliases, r));
  if (input.requireJobs !== false && !top.has('jobs')) top.error(undefined, 'the config has no "jobs"', 'add a jobs: list with at least one job');
  const jobs = top.list('jobs', (node, path, i) => readJob(withAliases, global, node, path, i));
  top.finish();
  checkJobNamesUnique(input, jobs);
  return { file: input.file, dir: input.dir, metricsEndpoints, global, jobs, source: ctx.sources };
}

function readGlobal(input: DecodeInput, r: MapReader | undefined): GlobalConfig {
  const functionTemplates = r ? r.list('functionTemplates', (node, path) => readReferenceItem(input, node, path, 'function template')) : [];
  const global: GlobalConfig = {
    uuid: input.uuid,
    runId: input.runId,
    measurements: r ? readMeasurements(r, undefined, input.indexerAliases) : [],
    requestTimeoutMs: r ? r.duration('requestTimeout', 60 * SECOND) : 60 * SECOND,
    gc: r ? r.bool('gc', false) : false,
    gcMetrics: r ? r.bool('gcMetrics', false) : false,
    waitWhenFinished: r ? r.bool('waitWhenFinished', false) : false,
    clusterHealth: r ? r.bool('clusterHealth', false) : false,
    timeoutMs: r ? r.duration('timeout', 4 * HOUR) : 4 * HOUR,
    functionTemplates,
    deletionStrategy: r ? r.oneOf('deletionStrategy', ['default', 'gvr'], 'default') : 'default',
  };
  r?.finish();
  return global;
}

/** Measurement entries, each checked against its plugin: the name, the job types it applies to, its options. */
/** kube-burner names an indexer by its endpoint's alias, or `indexer-<position>` without one. */
export function indexerAlias(endpoint: Pick<MetricsEndpoint, 'alias'>, position: number): string {
  return endpoint.alias || `indexer-${position}`;
}

/** A measurement's timeseriesIndexer and quantilesIndexer: each must name one of the config's indexers. */
function readIndexerRoutes(m: MapReader, aliases: ReadonlySet<string>): Pick<MeasurementConfig, 'timeseriesIndexer' | 'quantilesIndexer'> {
  const routes: Pick<MeasurementConfig, 'timeseriesIndexer' | 'quantilesIndexer'> = {};
  for (const key of ['timeseriesIndexer', 'quantilesIndexer'] as const) {
    const alias = m.string(key);
    if (alias === undefined || alias === '') continue;
    if (aliases.has(alias)) routes[key] = alias;
    else m.error(key, `${m.label(key)} is "${alias}", and no metrics endpoint has an indexer of that name`, aliases.size ? `the indexers are ${[...aliases].join(', ')} (an endpoint's alias, or indexer-<position> without one)` : 'add a metricsEndpoints entry with alias: ' + alias + ' and an indexer');
  }
  return routes;
}

function readMeasurements(r: MapReader, jobType?: JobType, indexerAliases: ReadonlySet<string> = new Set()): MeasurementConfig[] {
  const listed = new Set<string>();
  return r.list('measurements', (node, path, i) => {
    const m = MapReader.of(r.ctx, node, path, `measurement ${i + 1} of ${r.what}`);
    if (!m) return undefined;
    const name = m.string('name');
    if (!name) {
      m.error(undefined, `measurement ${i + 1} of ${r.what} has no name`, `add name: podLatency (burn measures: ${measurementNames().join(', ')})`);
      return undefined;
    }
    const plugin = findMeasurementPlugin(name);
    if (!plugin) {
      const { message, hint } = unknownMeasurement(name);
      m.error('name', `${message} in ${r.what}`, hint);
      return undefined;
    }
    if (listed.has(name)) {
      m.warn('name', `measurement ${name} is listed twice in ${r.what}; the first entry is used`, 'remove one of them');
      return undefined;
    }
    listed.add(name);
    if (jobType && !appliesTo(plugin, jobType)) {
      const types = plugin.jobTypes === 'all' ? 'all' : plugin.jobTypes.join(', ');
      m.warn('name', `${name} measures nothing on a ${jobType} job, so it does not run for ${r.what}`, `it runs on ${types} jobs: remove it from this job`);
    }
    const routes = readIndexerRoutes(m, indexerAliases);
    const { name: _name, timeseriesIndexer: _t, quantilesIndexer: _q, ...raw } = node.toJS(r.ctx.doc) as Record<string, unknown>;
    try {
      return { name, options: plugin.parseOptions(raw, optionPositions(r.ctx, path, node)) as unknown, ...routes };
    } catch (err) {
      if (!(err instanceof MeasurementOptionError)) throw err;
      r.ctx.diags.error(optionPos(r.ctx, path, node, err.path), err.problem, err.hint);
      return undefined;
    }
  });
}

/** Where a measurement option is written: its key in a mapping, its item in a list, else the closest written ancestor. */
function optionPos(ctx: ReadContext, entryPath: ConfigPath, entry: Node, path: OptionPath | undefined): SourcePos {
  const full = [...entryPath, ...(path ?? [])];
  for (let n = full.length; n > entryPath.length; n--) {
    const parent = ctx.doc.getIn(full.slice(0, n - 1), true) as Node | undefined;
    const last = full[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(last));
      if (pair) return positionOf(ctx, pair.key as Node);
    } else if (isSeq(parent) && typeof last === 'number' && parent.items[last]) {
      return positionOf(ctx, parent.items[last] as Node);
    }
  }
  return positionOf(ctx, entry);
}

function optionPositions(ctx: ReadContext, entryPath: ConfigPath, entry: Node): OptionPositions {
  return {
    where: (path) => formatPos(optionPos(ctx, entryPath, entry, path)),
    error(path, message, hint) {
      throw new MeasurementOptionError(path, message, hint);
    },
    warn: (path, message, hint) => ctx.diags.warn(optionPos(ctx, entryPath, entry, path), message, hint),
  };
}

/** A file that is only a metricsEndpoints list (kube-burner's --metrics-endpoint). */
export function decodeMetricsEndpoints(input: DecodeInput): MetricsEndpoint[] {
  const root = input.ctx.doc.contents as Node | null;
  if (!isSeq(root)) {
    input.ctx.diags.error(positionOf(input.ctx, root), 'a metrics endpoint file must be a list of endpoints', 'e.g. - endpoint: http://localhost:9090\n  metrics: [metrics.yml]\n  indexer: {type: local}');
    return [];
  }
  return readSeqItems(root, [], (node, path, i) => readMetricsEndpoint(input, node, path, i));
}

function readMetricsEndpoint(input: DecodeInput, node: Node, path: ConfigPath, i: number): MetricsEndpoint | undefined {
  const r = MapReader.of(input.ctx, node, path, `metrics endpoint ${i + 1}`);
  if (!r) return undefined;
  const endpoint = r.string('endpoint', '');
  if (endpoint && !/^https?:\/\/[^/\s]+/.test(endpoint)) r.error('endpoint', `endpoint "${endpoint}" of ${r.what} is not an http(s) URL`, 'e.g. endpoint: http://localhost:9090');
  const ep: MetricsEndpoint = {
    endpoint,
    token: r.string('token', ''),
    username: r.string('username', ''),
    password: r.string('password', ''),
    stepMs: r.duration('step', 30 * SECOND),
    skipTLSVerify: r.bool('skipTLSVerify', true),
    metrics: r.list('metrics', (n, p) => readReferenceItem(input, n, p, 'metrics profile')),
    alerts: r.list('alerts', (n, p) => readReferenceItem(input, n, p, 'alert profile')),
    alias: r.string('alias', ''),
    indexer: r.object('indexer', `the indexer of ${r.what}`, (ir) => (ir ? readIndexer(ir) : undefined)),
  };
  if (!endpoint && (ep.metrics.length || ep.alerts.length)) r.error(undefined, `${r.what} lists metrics or alert profiles but has no endpoint`, 'add endpoint: http://<prometheus>:9090');
  r.finish();
  return ep;
}

/** kube-burner's defaults for the local indexer (pkg/config MetricsEndpoint.UnmarshalYAML). */
export const DEFAULT_METRICS_DIRECTORY = 'collected-metrics-{{.UUID}}';
export const DEFAULT_TARBALL_NAME = 'kube-burner-metrics.tgz';

/** kube-burner's indexer types: the local (and tsdb) indexer's keys, and the keys of the search indexers (opensearch, elastic). */
const INDEXER_TYPES = ['local', 'tsdb', 'opensearch', 'elastic'] as const;
const LOCAL_KEYS = ['metricsDirectory', 'createTarball', 'tarballName'];
const SEARCH_KEYS = ['esServers', 'defaultIndex', 'insecureSkipVerify'];

function readIndexer(r: MapReader): IndexerSettings | undefined {
  const type = r.string('type');
  // A key of the other kind of indexer: kube-burner ignores it, burn says so.
  if (type === 'local' || type === 'tsdb' || type === 'opensearch' || type === 'elastic') {
    const [ignored, owner] = type === 'local' || type === 'tsdb' ? [SEARCH_KEYS, 'elastic and opensearch indexers'] : [LOCAL_KEYS, 'local and tsdb indexers'];
    for (const key of ignored) if (r.raw(key) !== undefined) r.warn(key, `${r.label(key)} is a setting of the ${owner}; the ${type} indexer ignores it`, 'remove it');
  }
  const local = {
    metricsDirectory: r.string('metricsDirectory', DEFAULT_METRICS_DIRECTORY),
    createTarball: r.bool('createTarball', false),
    tarballName: r.string('tarballName', DEFAULT_TARBALL_NAME),
  };
  const esServers = r.stringList('esServers');
  const defaultIndex = r.string('defaultIndex', '');
  const insecureSkipVerify = r.bool('insecureSkipVerify', false);
  if (!local.metricsDirectory) r.error('metricsDirectory', `${r.label('metricsDirectory')} is empty`, `leave it out for ${DEFAULT_METRICS_DIRECTORY}`);
  if (!local.tarballName) r.error('tarballName', `${r.label('tarballName')} is empty`, `leave it out for ${DEFAULT_TARBALL_NAME}`);
  r.finish();
  if (type === 'local' || type === 'tsdb') return { type, ...local };
  if (type === 'opensearch' || type === 'elastic') return readSearchIndexer(r, type, esServers, defaultIndex, insecureSkipVerify);
  if (type === undefined) {
    r.error(undefined, `${r.what} has no type`, `add type: local (documents as JSON files in metricsDirectory), type: tsdb (Prometheus TSDB blocks in metricsDirectory), or type: opensearch / elastic with esServers and defaultIndex`);
    return undefined;
  }
  r.error('type', `${r.label('type')} is "${type}"; the indexer types are ${INDEXER_TYPES.join(', ')}`, didYouMean(type, INDEXER_TYPES) ?? 'use type: local');
  return undefined;
}

/** kube-burner's opensearch / elastic indexer: servers and index checked here, so a run never starts with settings that cannot work. */
function readSearchIndexer(r: MapReader, type: SearchIndexerSettings['type'], esServers: string[], defaultIndex: string, insecureSkipVerify: boolean): SearchIndexerSettings | undefined {
  let ok = true;
  if (esServers.length === 0) {
    r.error(r.has('esServers') ? 'esServers' : undefined, `${r.what} (type ${type}) has no esServers`, 'add esServers: [http://<host>:9200] (the first server that answers gets the documents)');
    ok = false;
  }
  for (const server of esServers) {
    const problem = esServerProblem(server);
    if (problem) {
      r.error('esServers', `${r.label('esServers')}: "${redactedServer(server)}" ${problem}`, 'e.g. esServers: [https://opensearch.example.com:9200]');
      ok = false;
    }
  }
  const index = defaultIndex.toLowerCase();
  const problem = indexNameProblem(index);
  if (problem) {
    r.error(r.has('defaultIndex') ? 'defaultIndex' : undefined, r.has('defaultIndex') ? `${r.label('defaultIndex')} "${defaultIndex}" ${problem}` : `${r.what} (type ${type}) has no defaultIndex`, 'e.g. defaultIndex: kube-burner (every document of the run goes to it)');
    ok = false;
  } else if (index !== defaultIndex) {
    r.warn('defaultIndex', `${r.label('defaultIndex')} "${defaultIndex}" is used as "${index}": index names are lowercase (kube-burner lowercases it too)`, `write defaultIndex: ${index}`);
  }
  return ok ? { type, esServers, defaultIndex: index, insecureSkipVerify } : undefined;
}

/** A file reference in a list: resolved to an absolute path or kept as URL; missing files are errors. */
function readReferenceItem(input: DecodeInput, node: Node, path: ConfigPath, what: string): string | undefined {
  const pos = positionOf(input.ctx, node);
  const value = input.ctx.doc.getIn(path, false);
  if (typeof value !== 'string' || value === '') {
    input.ctx.diags.error(pos, `each ${what} must be a file path or URL`);
    return undefined;
  }
  input.ctx.sources.set(path, pos);
  return checkReference(input, value, pos, what);
}

function checkReference(input: DecodeInput, ref: string, pos: SourcePos, what: string, origin?: (foundIn: FileOrigin | 'URL') => void): string | undefined {
  const found = resolveReference(ref, input.dir, input.cwd);
  switch (found.kind) {
    case 'file':
      origin?.(found.foundIn);
      return found.path;
    case 'url':
      origin?.('URL');
      return found.url;
    case 'bad-url':
      input.ctx.diags.error(pos, `${what} "${ref}": ${found.reason}`);
      return undefined;
    case 'missing':
      input.ctx.diags.error(pos, `${what} "${ref}" not found (looked at ${found.tried.join(' and ')})`, 'relative paths are looked for in the working directory, then in the config file\'s folder');
      return undefined;
    case 'folder':
      input.ctx.diags.error(pos, `${what} "${ref}" is a folder (${found.path}), not a file`, 'name a file inside it');
      return undefined;
    case 'unreadable':
      input.ctx.diags.error(pos, `${what} "${ref}" cannot be read: ${found.reason}`, `make it readable for this user (chmod u+r ${found.path})`);
      return undefined;
  }
}

function readJob(input: DecodeInput, global: GlobalConfig, node: Node, path: ConfigPath, index: number): Job | undefined {
  const rawName = isMap(node) ? node.get('name') : undefined;
  const what = typeof rawName === 'string' && rawName ? `job "${rawName}"` : `job ${index + 1}`;
  const r = MapReader.of(input.ctx, node, path, what);
  if (!r) return undefined;

  const name = r.string('name', '');
  if (!name) r.error(undefined, `${what} has no name`, 'add name: <lowercase-name>');
  else if (name.length > 253 || !dns1123Subdomain.test(name))
    r.error('name', `job name "${name}" is not a valid DNS-1123 name`, 'use lowercase letters, digits, "-" and ".", starting and ending with a letter or digit');

  const declaredType = readJobType(r);
  const jobType = declaredType ?? 'create';
  const qps = r.number('qps', 0);
  const burst = r.int('burst', 0);
  let namespace = r.string('namespace', '');
  if (namespace.length > 62) {
    r.warn('namespace', `namespace "${namespace}" is longer than 62 characters; it is cut to 57 as kube-burner does`);
    namespace = namespace.slice(0, 57);
  }
  if (jobType === 'create' && namespace && !dns1123Label.test(namespace))
    r.error('namespace', `namespace "${namespace}" of ${what} is not a valid namespace name`, 'use lowercase letters, digits and "-", starting and ending with a letter or digit');

  const job: Job = {
    name,
    jobType,
    jobIterations: r.int('jobIterations', 1),
    qps: qps > 0 ? qps : DEFAULT_QPS,
    burst: burst > 0 ? burst : DEFAULT_BURST,
    namespace,
    namespacedIterations: r.bool('namespacedIterations', true),
    iterationsPerNamespace: r.int('iterationsPerNamespace', 1, 1),
    namespaceDelayMs: r.duration('namespaceDelay', 0),
    preCreateNamespaces: r.bool('preCreateNamespaces', false),
    namespaceLabels: r.stringMap('namespaceLabels'),
    namespaceAnnotations: r.stringMap('namespaceAnnotations'),
    cleanup: r.bool('cleanup', true),
    podWait: r.bool('podWait', false),
    waitWhenFinished: r.bool('waitWhenFinished', true),
    maxWaitTimeoutMs: r.duration('maxWaitTimeout', 4 * HOUR),
    waitForDeletion: r.bool('waitForDeletion', true),
    verifyObjects: r.bool('verifyObjects', true),
    errorOnVerify: r.bool('errorOnVerify', true),
    preLoadImages: r.bool('preLoadImages', true),
    preLoadPeriodMs: r.duration('preLoadPeriod', 10 * MINUTE),
    preLoadNodeLabels: r.stringMap('preLoadNodeLabels'),
    jobIterationDelayMs: r.duration('jobIterationDelay', 0),
    jobPauseMs: r.duration('jobPause', 0),
    objectDelayMs: r.duration('objectDelay', 0),
    objectWait: r.bool('objectWait', false),
    churnConfig: r.object('churnConfig', `churnConfig of ${what}`, (c) => readChurn(c)),
    skipIndexing: r.bool('skipIndexing', false),
    defaultMissingKeysWithZero: r.bool('defaultMissingKeysWithZero', false),
    executionMode: r.oneOf('executionMode', ['parallel', 'sequential'], 'parallel'),
    metricsAggregate: r.bool('metricsAggregate', false),
    metricsClosing: r.oneOf('metricsClosing', ['afterJobPause', 'afterMeasurements', 'afterJob'], 'afterJobPause'),
    gc: r.bool('gc', false),
    measurements: readMeasurements(r, declaredType, input.indexerAliases),
    watchers: r.list('watchers', (n, p, i) => readWatcher(r, n, p, i)),
    hooks: r.list('hooks', (n, p, i) => readHook(r, n, p, i)),
    incrementalLoad: r.has('incrementalLoad') ? r.object('incrementalLoad', `incrementalLoad of ${what}`, (l) => readIncrementalLoad(input, l)) : null,
    traffic: r.has('traffic') ? r.object('traffic', `traffic of ${what}`, (t) => readTraffic(t, what, (ca, tr) => checkReference(input, ca, tr.pos('ca'), 'tls ca'))) : null,
    objects: [],
    index,
    pos: r.pos(),
  };
  job.objects = r.list('objects', (n, p, i) => readObject(input, job, declaredType !== undefined, n, p, i));
  const objectsNode = r.valueNode('objects');
  if (jobType === 'traffic') checkTrafficJob(r, job, objectsNode);
  else if (job.traffic) r.error('traffic', `${what} is a ${jobType} job; traffic: belongs to a traffic job`, 'add jobType: traffic, or remove traffic:');
  else if (!objectsNode || (isSeq(objectsNode) && objectsNode.items.length === 0))
    r.error(undefined, `${what} has no objects`, jobType === 'create' ? 'add objects: [{objectTemplate: <file>, replicas: 1}]' : 'add objects: [{kind: <Kind>, labelSelector: {<label>: <value>}}]');

  if ((jobType === 'create' || jobType === 'read') && job.jobIterations < 1)
    r.error('jobIterations', `jobIterations of ${what} is ${job.jobIterations}; a ${jobType} job needs at least 1`);
  checkJobSize(r, job);
  if (job.churnConfig.enabled && jobType !== 'create')
    r.error('churnConfig', `churn is only supported for create jobs; ${what} is a ${jobType} job`, 'remove churnConfig or make it a create job');
  if (job.churnConfig.enabled && job.churnConfig.mode === 'namespaces' && !job.namespacedIterations)
    r.error('churnConfig', `churn mode "namespaces" needs namespacedIterations: true in ${what}`, 'set churnConfig.mode: objects, or namespacedIterations: true');
  if (job.gc && global.waitWhenFinished)
    r.error('gc', `gc of ${what} and global waitWhenFinished cannot both be enabled`, 'kube-burner refuses this too: turn one of them off');

  checkPacingKeys(r, job, what);
  if (job.metricsAggregate)
    r.error('metricsAggregate', `metricsAggregate of ${what}: burn does not carry a job's measurements into the next job (kube-burner measures the two jobs as one)`, 'remove it (each job is then measured on its own), or merge the two jobs into one');
  applyKubeBurnerOverrides(job, global);
  if (jobType === 'create' && job.namespacedIterations && !namespace && job.objects.length)
    r.warn(undefined, `${what} has no namespace`, 'objects without metadata.namespace need one: add namespace: <name>');
  r.finish();
  return job;
}

/** A traffic job sends HTTP load and creates nothing: it needs `traffic:` and has no objects. */
function checkTrafficJob(r: MapReader, job: Job, objectsNode: Node | undefined): void {
  if (!job.traffic && !r.has('traffic')) r.error(undefined, `${r.what} is a traffic job without traffic:`, 'add traffic: {targets: [{url: http://host:port/}], stages: [{duration: 30s, target: 100}]}');
  if (objectsNode && !(isSeq(objectsNode) && objectsNode.items.length === 0))
    r.error('objects', `${r.what} is a traffic job: it sends HTTP requests and creates no objects`, 'remove objects: (put the application in a create job before it)');
  if (job.churnConfig.enabled) r.error('churnConfig', `${r.what} is a traffic job: it has no objects to churn`, 'remove churnConfig');
}

/** Refuses jobs bigger than the engine can hold (see limits.ts): before anything is rendered or created. */
function checkJobSize(r: MapReader, job: Job): void {
  if (job.jobIterations > MAX_JOB_ITERATIONS) {
    r.error('jobIterations', `jobIterations of ${r.what} is ${formatCount(job.jobIterations)}; burn runs at most ${formatCount(MAX_JOB_ITERATIONS)} iterations per job`, 'split the load into several jobs; see Limits in the README');
    return;
  }
  if (job.jobType !== 'create') return;
  const objects = job.objects.reduce((total, o) => total + (o.runOnce ? 1 : Math.ceil(job.jobIterations / o.repeatEveryNIterations)) * o.replicas, 0);
  if (objects > MAX_JOB_OBJECTS)
    r.error('objects', `${r.what} would create ${formatCount(objects)} objects (jobIterations x replicas); burn creates at most ${formatCount(MAX_JOB_OBJECTS)} per job`, 'lower replicas or jobIterations, or split the load into several jobs');
}

/** The job's type, or undefined (reported) when burn does not know it. */
function readJobType(r: MapReader): JobType | undefined {
  const value = r.string('jobType', 'create');
  if ((jobTypes as readonly string[]).includes(value)) return value as JobType;
  if (value === 'kubevirt') r.error('jobType', `jobType "kubevirt" of ${r.what} drives KubeVirt virtual machines: burn does not support KubeVirt or CDI`, `run this job with kube-burner; burn's job types are ${jobTypes.join(', ')}`);
  else r.oneOf('jobType', jobTypes, 'create');
  return undefined;
}

/** What kube-burner forces after reading a job (its config loader does the same). */
function applyKubeBurnerOverrides(job: Job, global: GlobalConfig): void {
  if (global.waitWhenFinished) {
    job.podWait = false;
    job.waitWhenFinished = false;
  }
  if (job.jobType === 'delete') {
    job.jobIterations = 1;
    job.waitWhenFinished = false;
    job.executionMode = 'sequential';
    job.preLoadImages = false;
  }
  // kube-burner's read jobs run sequentially (a list per object per iteration); preLoadImages stays
  // as configured on patch and read jobs (only create jobs preload), as their jobConfig shows.
  if (job.jobType === 'read') job.executionMode = 'sequential';
}

function readChurn(r: MapReader | undefined): ChurnConfig {
  if (!r) return { enabled: false, cycles: 0, percent: 10, durationMs: 0, delayMs: 0, deleteDelayMs: 0, mode: 'namespaces' };
  const churn: ChurnConfig = {
    enabled: false,
    cycles: r.int('cycles', 0, 0),
    percent: r.int('percent', 10),
    durationMs: r.duration('duration', 0),
    delayMs: r.duration('delay', 0),
    deleteDelayMs: r.duration('deleteDelay', 0),
    mode: r.oneOf('mode', ['namespaces', 'objects'], 'namespaces'),
  };
  churn.enabled = churn.cycles > 0 || churn.durationMs > 0;
  if (churn.percent < 1 || churn.percent > 100) r.error('percent', `percent of ${r.what} is ${churn.percent}; it must be between 1 and 100`);
  if (!churn.enabled && r.node.items.length > 0)
    r.warn(undefined, `${r.what} has neither cycles nor duration, so no churn happens`, 'set cycles: N or duration: 10m');
  r.finish();
  return churn;
}

function readHook(job: MapReader, node: Node, path: ConfigPath, index: number): Hook | undefined {
  const r = MapReader.of(job.ctx, node, path, `hook ${index + 1} of ${job.what}`);
  if (!r) return undefined;
  const cmd = r.stringList('cmd');
  const when = r.oneOf<string>('when', HOOK_STAGES, '') as HookStage | '';
  if (cmd.length === 0 || cmd[0] === '') r.error(r.has('cmd') ? 'cmd' : undefined, `${r.what} has no command`, 'add cmd: ["/bin/sh", "script.sh", "arg"] (the program, then its arguments)');
  if (!r.has('when')) r.error(undefined, `${r.what} has no "when"`, `add when: one of ${HOOK_STAGES.join(', ')}`);
  const hook: Hook = { cmd, when: when || 'beforeJobExecution', background: r.bool('background', false), index, pos: r.pos() };
  r.finish();
  return hook;
}

function readWatcher(job: MapReader, node: Node, path: ConfigPath, i: number): Watcher | undefined {
  const r = MapReader.of(job.ctx, node, path, `watcher ${i + 1} of ${job.what}`);
  if (!r) return undefined;
  const watcher: Watcher = {
    kind: r.string('kind', ''),
    apiVersion: r.string('apiVersion', ''),
    labelSelector: r.stringMap('labelSelector'),
    replicas: r.int('replicas', 1, 1),
  };
  if (!watcher.kind) r.error(undefined, `${r.what} has no kind`, 'add kind: Pod (or another kind)');
  r.finish();
  return watcher;
}

/** `checkForType` is false when the job's type is unknown: what an object needs then cannot be said. */
function readObject(input: DecodeInput, job: Job, checkForType: boolean, node: Node, path: ConfigPath, index: number): JobObject | undefined {
  const r = MapReader.of(input.ctx, node, path, `object ${index + 1} of job "${job.name}"`);
  if (!r) return undefined;
  const asWritten = r.string('objectTemplate', '');
  const engineKey = r.oneOf<TemplateEngine | ''>('templateEngine', ['go', 'handlebars'], '');
  const repeat = r.int('repeatEveryNIterations', 1, 0);
  const patchTypeText = r.string('patchType');
  const object: JobObject = {
    objectTemplate: '',
    objectTemplateAsWritten: asWritten,
    objectTemplateFoundIn: '',
    templateEngine: engineKey || (extname(asWritten.split('?')[0]!).toLowerCase() === '.hbs' ? 'handlebars' : 'go'),
    replicas: r.int('replicas', 1, 0),
    inputVars: r.record('inputVars'),
    wait: r.bool('wait', true),
    waitOptions: r.object('waitOptions', `waitOptions of ${r.what}`, (w) => readWaitOptions(w)),
    runOnce: r.bool('runOnce', false),
    churn: r.bool('churn', true),
    repeatEveryNIterations: Math.max(1, repeat),
    group: r.object('group', `group of ${r.what}`, (g) => readGroup(g)),
    kind: r.string('kind', ''),
    apiVersion: r.string('apiVersion', ''),
    labelSelector: r.stringMap('labelSelector'),
    allowNoMatch: r.bool('allowNoMatch', false),
    index,
    pos: r.pos(),
  };
  if (r.string('kubeVirtOp')) r.error('kubeVirtOp', `kubeVirtOp of ${r.what} is a KubeVirt operation: burn does not support KubeVirt or CDI`, 'remove kubeVirtOp, or run this job with kube-burner');

  if (patchTypeText !== undefined) {
    object.patchType = patchTypes[patchTypeText];
    if (!object.patchType)
      r.error('patchType', `patchType "${patchTypeText}" of ${r.what} is not a patch type`, `use one of ${Object.keys(patchTypes).slice(0, 4).join(', ')} (or their application/... forms)`);
  }

  const needsTemplate = checkForType && (job.jobType === 'create' || job.jobType === 'patch');
  if (needsTemplate) {
    if (!asWritten) r.error(undefined, `${r.what} has no objectTemplate`, 'add objectTemplate: <file>.yaml (relative to the working directory or the config file\'s folder)');
    else object.objectTemplate = checkReference(input, asWritten, r.pos('objectTemplate'), 'objectTemplate', (foundIn) => (object.objectTemplateFoundIn = foundIn)) ?? '';
  }
  if (checkForType && job.jobType !== 'create') {
    if (!object.kind) r.error(undefined, `${r.what} has no kind; a ${job.jobType} job selects objects by kind and labelSelector`, 'add kind: Deployment (or another kind)');
    if (Object.keys(object.labelSelector).length === 0)
      r.error(undefined, `${r.what} has no labelSelector; a ${job.jobType} job without one would act on every ${object.kind || 'object'} of the cluster`, `add labelSelector: {kube-burner.io/job: <job>}`);
  }
  if (checkForType && job.jobType === 'create' && object.allowNoMatch)
    r.error('allowNoMatch', `allowNoMatch of ${r.what} is for delete, patch and read jobs, which select objects; a create job selects nothing`, 'remove allowNoMatch');
  if (job.jobType === 'patch' && patchTypeText === undefined)
    r.error(undefined, `${r.what} has no patchType`, 'add patchType: merge-patch (or json-patch, strategic-merge-patch, apply-patch+yaml)');
  r.finish();
  return object;
}

/**
 * Pacing keys kube-burner reads only for some job types. Where kube-burner ignores a key, burn does
 * too and says so; a key that would change what a job does elsewhere is refused.
 */
function checkPacingKeys(r: MapReader, job: Job, what: string): void {
  if (job.incrementalLoad && job.jobType !== 'create')
    r.error('incrementalLoad', `incrementalLoad of ${what} applies to create jobs only; ${what} is a ${job.jobType} job`, 'remove incrementalLoad or make it a create job');
  if (job.incrementalLoad && job.churnConfig.enabled)
    r.error('incrementalLoad', `${what} has both incrementalLoad and churnConfig; burn churns after a job's load, and an incremental job deletes its load after every step`, 'remove one of them');
  if (job.jobType === 'create') {
    if (r.has('executionMode')) r.warn('executionMode', `executionMode of ${what} has no effect: kube-burner and burn use it for patch jobs only (create jobs run their own way, delete and read jobs are sequential)`);
    if (job.objectWait) r.warn('objectWait', `objectWait of ${what} has no effect: kube-burner and burn use it for patch, delete and read jobs only`, 'use podWait: true to wait after every iteration');
  } else if (job.objects.some((o) => o.group.id > 0)) {
    r.warn('objects', `group of ${what} has no effect: grouped execution applies to create jobs only (kube-burner ignores it too)`);
  }
}

function readGroup(r: MapReader | undefined): ObjectGroup {
  if (!r) return { id: 0, gc: false, pauseBeforeGCMs: 0, pauseAfterGCMs: 0 };
  const group: ObjectGroup = { id: r.int('id', 0, 0), gc: r.bool('gc', false), pauseBeforeGCMs: r.duration('pauseBeforeGC', 0), pauseAfterGCMs: r.duration('pauseAfterGC', 0) };
  r.finish();
  return group;
}

function readIncrementalLoad(input: DecodeInput, r: MapReader | undefined): IncrementalLoad {
  const load: IncrementalLoad = {
    startIterations: r?.int('startIterations', 0, 0) ?? 0,
    totalIterations: r?.int('totalIterations', 0, 0) ?? 0,
    stepDelayMs: r?.duration('stepDelay', 0) ?? 0,
    pattern: { type: 'linear', linear: null, exponential: null },
    healthCheckScript: r?.string('healthCheckScript', '') ?? '',
  };
  if (!r) return load;
  load.pattern = r.object('pattern', `pattern of ${r.what}`, (p) => {
    const pattern: IncrementalLoad['pattern'] = { type: p?.oneOf<LoadPatternType>('type', ['linear', 'exponential'], 'linear') ?? 'linear', linear: null, exponential: null };
    if (p?.has('linear')) {
      pattern.linear = p.object('linear', `linear of ${p.what}`, (l) => {
        const linear = { minSteps: l?.int('minSteps', 0, 0) ?? 0, stepSize: l?.int('stepSize', 0, 0) ?? 0 };
        l?.finish();
        return linear;
      });
    }
    if (p?.has('exponential')) {
      pattern.exponential = p.object('exponential', `exponential of ${p.what}`, (e) => {
        const exponential = { base: e?.number('base', 0) ?? 0, maxIncrease: e?.int('maxIncrease', 0, 0) ?? 0, warmupSteps: e?.int('warmupSteps', 0, 0) ?? 0 };
        e?.finish();
        return exponential;
      });
    }
    p?.finish();
    return pattern;
  });
  // kube-burner splits the script line on spaces: the script (a file or URL), then its arguments.
  const [script, ...args] = load.healthCheckScript.split(' ');
  if (script) load.healthCheckScript = [checkReference(input, script, r.pos('healthCheckScript'), 'healthCheckScript') ?? script, ...args].join(' ');
  r.finish();
  return load;
}

function readWaitOptions(r: MapReader | undefined): WaitOptions {
  if (!r) return { apiVersion: '', kind: '', labelSelector: {}, customStatusPaths: [] };
  const options: WaitOptions = {
    apiVersion: r.string('apiVersion', ''),
    kind: r.string('kind', ''),
    labelSelector: r.stringMap('labelSelector'),
    customStatusPaths: r.list('customStatusPaths', (node, path, i) => {
      const p = MapReader.of(r.ctx, node, path, `customStatusPaths item ${i + 1} of ${r.what}`);
      if (!p) return undefined;
      const key = p.string('key', '');
      const value = p.string('value', '');
      if (!key) p.error(undefined, `${p.what} has no key`, "add key: '(.conditions.[] | select(.type == \"Available\")).status'");
      else {
        try {
          parseStatusPath(key);
        } catch (err) {
          p.error('key', `${p.what}: ${(err as Error).message}`, 'rewrite the key in one of those shapes');
        }
      }
      p.finish();
      return { key, value };
    }),
  };
  // The waited-for kind's apiVersion: given, or the built-in kind's.
  if (options.kind && !options.apiVersion) {
    const builtIn = builtInApiVersion(options.kind);
    if (builtIn) options.apiVersion = builtIn;
    else r.error('kind', `${r.what}: kind ${options.kind} is not a built-in kind, so burn cannot tell its apiVersion`, `add apiVersion: <group>/<version> of ${options.kind} to the waitOptions`);
  }
  r.finish();
  return options;
}

function checkJobNamesUnique(input: DecodeInput, jobs: Job[]): void {
  const seen = new Map<string, Job>();
  for (const job of jobs) {
    if (!job.name) continue;
    const first = seen.get(job.name);
    if (first) {
      const at = input.ctx.sources.describe(['jobs', first.index, 'name']);
      input.ctx.diags.error(input.ctx.sources.at(['jobs', job.index, 'name']), `job name "${job.name}" is used twice (first at ${at})`, 'job names must be unique: rename one');
    } else seen.set(job.name, job);
  }
}
