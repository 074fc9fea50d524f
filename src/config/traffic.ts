/**
 * Reads a `traffic` job's `traffic:` mapping (burn's extension of kube-burner's format) into a
 * TrafficSpec, every problem reported at its key. The load itself is src/traffic's.
 */
import { isScalar, type Node } from 'yaml';
import type { ConfigPath } from './diagnostics.js';
import { MapReader, positionOf } from './reader.js';
import { parseGoDuration } from '../shared/duration.js';
import { didYouMean } from '../shared/suggest.js';
import type { TrafficAgents, TrafficMetric, TrafficSpec, TrafficStage, TrafficTarget, TrafficThreshold, TrafficTls } from './traffic-types.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const LATENCY_METRICS: readonly TrafficMetric[] = ['p50', 'p90', 'p99', 'p99.9', 'max'];
const RATE_METRICS: readonly TrafficMetric[] = ['errorRate', 'droppedRate'];
/** Far beyond what one load generator sends; a typo (an extra zero or three) more likely than a plan. */
export const MAX_TRAFFIC_RATE = 1_000_000;

export const TRAFFIC_DEFAULTS = { maxInFlight: 1000, timeoutMs: 10_000, connections: 64, lateAfterMs: 10 } as const;

const thresholdPattern = /^\s*([A-Za-z0-9.]+)\s*(<=|<)\s*([0-9]*\.?[0-9]+)\s*([a-zµ%]*)\s*$/;

/** "p99 < 10ms", "p99.9 <= 0.5s", "errorRate < 1%", "droppedRate < 0.001". */
export function parseTrafficThreshold(text: string): { threshold: Omit<TrafficThreshold, 'pos'> } | { problem: string; hint: string } {
  const example = 'write "p99 < 10ms" (p50, p90, p99, p99.9, max with ms, s or us) or "errorRate < 1%" (errorRate, droppedRate as % or a ratio)';
  const m = thresholdPattern.exec(text);
  if (!m) return { problem: `threshold "${text}" is not "<metric> < <value>"`, hint: example };
  const [, metric, op, number, unit] = m as unknown as [string, string, string, string, string];
  const value = Number(number);
  if ((LATENCY_METRICS as readonly string[]).includes(metric)) {
    const ms = unit === '' ? undefined : parseGoDuration(`${number}${unit}`);
    if (ms === undefined) return { problem: `threshold "${text}": a latency needs a unit`, hint: `write ${metric} < ${number}ms (units: us, ms, s)` };
    return { threshold: { text, metric: metric as TrafficMetric, below: ms, orEqual: op === '<=' } };
  }
  if ((RATE_METRICS as readonly string[]).includes(metric)) {
    if (unit !== '' && unit !== '%') return { problem: `threshold "${text}": ${metric} is a share of the requests, not a ${unit}`, hint: `write ${metric} < 1% or ${metric} < 0.01` };
    const ratio = unit === '%' ? value / 100 : value;
    if (ratio > 1) return { problem: `threshold "${text}": ${metric} is a share of the requests and cannot exceed 100%`, hint: `write ${metric} < 1% or ${metric} < 0.01` };
    return { threshold: { text, metric: metric as TrafficMetric, below: ratio, orEqual: op === '<=' } };
  }
  const suggestion = didYouMean(metric, [...LATENCY_METRICS, ...RATE_METRICS]);
  return { problem: `threshold "${text}" measures "${metric}", which a traffic job does not have`, hint: suggestion ?? `the metrics are ${[...LATENCY_METRICS, ...RATE_METRICS].join(', ')}` };
}

function readTarget(job: MapReader, node: Node, path: ConfigPath, index: number): TrafficTarget | undefined {
  const r = MapReader.of(job.ctx, node, path, `target ${index + 1} of ${job.what}`);
  if (!r) return undefined;
  const method = r.string('method', 'GET').toUpperCase();
  if (!METHODS.includes(method)) r.error('method', `${r.label('method')} is "${method}"`, `use one of ${METHODS.join(', ')}`);
  const target: TrafficTarget = {
    url: r.string('url', ''),
    method,
    headers: r.stringMap('headers'),
    body: r.string('body', ''),
    weight: r.number('weight', 1),
  };
  const service = r.object('service', `service of ${r.what}`, (s) => {
    if (!s) return undefined;
    const read = {
      name: s.string('name', ''),
      namespace: s.string('namespace', 'default'),
      port: s.int('port', 80, 1),
      path: s.string('path', '/'),
      scheme: s.oneOf<'http' | 'https'>('scheme', ['http', 'https'], 'http'),
    };
    if (!read.name) s.error(undefined, `${s.what} has no name`, 'add name: <service name>');
    if (!read.path.startsWith('/')) s.error('path', `${s.label('path')} must start with "/"`, `write path: /${read.path}`);
    s.finish();
    return read;
  });
  if (service) target.service = service;
  if (target.url && service) r.error('service', `${r.what} has both url and service`, 'keep one: url for any address, service for a Service of the cluster');
  else if (!target.url && !service) r.error(undefined, `${r.what} has no url`, 'add url: http://host:port/path (or service: {name, namespace, port})');
  else if (target.url) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(target.url);
    } catch {
      r.error('url', `${r.label('url')} "${target.url}" is not a URL`, 'write an absolute URL: http://host:port/path');
    }
    if (parsed && parsed.protocol !== 'http:' && parsed.protocol !== 'https:') r.error('url', `${r.label('url')} "${target.url}" is not http or https`, 'a traffic job sends HTTP(S) requests');
  }
  if (!(target.weight > 0)) r.error('weight', `${r.label('weight')} is ${target.weight}; it must be above 0`, 'leave it out for 1');
  if (target.body && (method === 'GET' || method === 'HEAD')) r.warn('body', `${r.what} sends a body with ${method}`, 'many servers ignore or refuse it: use POST or PUT');
  r.finish();
  return target;
}

function readStage(job: MapReader, node: Node, path: ConfigPath, index: number): TrafficStage | undefined {
  const r = MapReader.of(job.ctx, node, path, `stage ${index + 1} of ${job.what}`);
  if (!r) return undefined;
  if (!r.has('duration')) r.error(undefined, `${r.what} has no duration`, 'add duration: 30s');
  if (!r.has('target')) r.error(undefined, `${r.what} has no target`, 'add target: <requests per second at the end of the stage>');
  const stage = { durationMs: r.duration('duration', 0), target: r.number('target', 0) };
  if (stage.target < 0 || stage.target > MAX_TRAFFIC_RATE) r.error('target', `${r.label('target')} is ${stage.target} requests/s; it must be between 0 and ${MAX_TRAFFIC_RATE}`);
  r.finish();
  return stage;
}

function readThreshold(job: MapReader, node: Node, path: ConfigPath, index: number): TrafficThreshold | undefined {
  const pos = positionOf(job.ctx, node);
  if (!isScalar(node) || typeof node.value !== 'string') {
    job.ctx.diags.error(pos, `threshold ${index + 1} of ${job.what} must be text like "p99 < 10ms"`);
    return undefined;
  }
  job.ctx.sources.set(path, pos);
  const parsed = parseTrafficThreshold(node.value);
  if ('problem' in parsed) {
    job.ctx.diags.error(pos, `${parsed.problem} (${job.what})`, parsed.hint);
    return undefined;
  }
  return { ...parsed.threshold, pos };
}

function readTls(r: MapReader | undefined, resolveCa: (path: string, r: MapReader) => string | undefined): TrafficTls {
  if (!r) return { insecureSkipVerify: false, ca: '', serverName: '' };
  const caWritten = r.string('ca', '');
  const tls: TrafficTls = { insecureSkipVerify: r.bool('insecureSkipVerify', false), ca: caWritten ? (resolveCa(caWritten, r) ?? '') : '', serverName: r.string('serverName', '') };
  if (tls.insecureSkipVerify && tls.ca) r.warn('ca', `${r.what} sets both ca and insecureSkipVerify: the certificate is not checked, so ca has no effect`, 'remove one of them');
  r.finish();
  return tls;
}

function readAgents(r: MapReader | undefined): TrafficAgents {
  if (!r) return { mode: 'pods', startDelayMs: 60_000, image: '', namespace: '' };
  const mode = r.oneOf<TrafficAgents['mode']>('mode', ['pods', 'processes'], 'pods');
  const agents: TrafficAgents = { mode, startDelayMs: r.duration('startDelay', mode === 'pods' ? 60_000 : 5000), image: r.string('image', ''), namespace: r.string('namespace', '') };
  if (mode === 'processes') for (const key of ['image', 'namespace']) if (r.has(key)) r.warn(key, `${r.label(key)} is for agents that run as pods; processes run burn itself on this machine`, 'remove it, or set mode: pods');
  r.finish();
  return agents;
}

/** The job's `traffic:` mapping; `resolveCa` turns a written CA path into an absolute one (reporting a missing file). */
export function readTraffic(r: MapReader | undefined, jobWhat: string, resolveCa: (path: string, r: MapReader) => string | undefined): TrafficSpec | null {
  if (!r) return null;
  const spec: TrafficSpec = {
    targets: r.list('targets', (n, p, i) => readTarget(r, n, p, i)),
    startRate: r.number('startRate', 0),
    stages: r.list('stages', (n, p, i) => readStage(r, n, p, i)),
    maxInFlight: r.int('maxInFlight', TRAFFIC_DEFAULTS.maxInFlight, 1),
    timeoutMs: r.duration('timeout', TRAFFIC_DEFAULTS.timeoutMs),
    connections: r.int('connections', TRAFFIC_DEFAULTS.connections, 1),
    tls: r.object('tls', `tls of ${r.what}`, (t) => readTls(t, resolveCa)),
    parallelism: r.int('parallelism', 1, 1),
    agents: r.object('agents', `agents of ${r.what}`, (a) => readAgents(a)),
    lateAfterMs: r.duration('lateAfter', TRAFFIC_DEFAULTS.lateAfterMs),
    thresholds: r.list('thresholds', (n, p, i) => readThreshold(r, n, p, i)),
  };
  if (spec.targets.length === 0 && !r.has('targets')) r.error(undefined, `${r.what} has no targets`, 'add targets: [{url: http://host:port/path}]');
  if (spec.stages.length === 0 && !r.has('stages')) r.error(undefined, `${r.what} has no stages`, 'add stages: [{duration: 30s, target: 100}] (requests per second at the end of each stage)');
  if (spec.startRate < 0 || spec.startRate > MAX_TRAFFIC_RATE) r.error('startRate', `${r.label('startRate')} is ${spec.startRate}; it must be between 0 and ${MAX_TRAFFIC_RATE}`);
  if (spec.stages.length > 0 && spec.stages.every((s) => s.target === 0) && spec.startRate === 0)
    r.error('stages', `the stages of ${jobWhat} never send a request: every target is 0 and startRate is 0`, 'give a stage a target above 0 (requests per second)');
  if (spec.parallelism === 1 && r.has('agents')) r.warn('agents', `${r.label('agents')} has no effect with parallelism 1: one agent runs inside burn`, 'set parallelism: N to spread the load over N agents');
  if (spec.timeoutMs === 0) r.error('timeout', `${r.label('timeout')} is 0`, 'give requests time to answer, e.g. timeout: 10s');
  r.finish();
  return spec;
}
