// The side-by-side verdict: every way burn's run of a config differs from kube-burner's run of it.
import type { KubeObject, PodSeen } from './cluster-record.js';
import type { ToolRun } from './run-tool.js';

/** kube-burner's latencies come from second-precision server timestamps: figures agree within this. */
export const PRECISION_MS = 1000;

/**
 * Exit codes that mean "the run completed" for each tool. burn grades the run against the SLOs,
 * which kube-burner does not: its 4 (an SLO breached, e.g. by the shared machine's slow API server)
 * and 5 (inconclusive) are verdicts on a completed run.
 */
const COMPLETED: Record<ToolRun['tool'], number[]> = { 'kube-burner': [0], burn: [0, 4, 5] };

/** Labels and fields that the cluster, not the tool, fills in differently on every run. */
const GENERATED_LABELS = new Set(['pod-template-hash', 'controller-uid', 'batch.kubernetes.io/controller-uid']);
const GENERATED_ANNOTATIONS = new Set(['deployment.kubernetes.io/revision']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** JSON with object keys sorted: kube-burner writes Go maps in key order, burn in insertion order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : inner,
  );
}

/** A template's random strings (sprig's randAlphaNum) differ on every run: compared by length only. */
function withoutRandom(data: Record<string, unknown>, base64: boolean): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => {
      const text = typeof value === 'string' && base64 ? Buffer.from(value, 'base64').toString('utf8') : value;
      return [key, typeof text === 'string' && /^[A-Za-z0-9]{20,}$/.test(text) ? `<random ${text.length}>` : text];
    }),
  );
}

/** Replaces the run's uuid and run ids (they differ between the two runs by design) with placeholders. */
function placeholders(run: ToolRun): (text: string) => string {
  const runIds = new Set(run.objects.map((o) => o.metadata.labels?.['kube-burner.io/runid']).filter((v): v is string => !!v));
  for (const doc of Object.values(run.documents).flat() as { runid?: string }[]) if (doc && typeof doc.runid === 'string') runIds.add(doc.runid);
  return (text) => {
    let out = text.split(run.uuid).join('<uuid>');
    for (const id of runIds) out = out.split(id).join('<runid>');
    return out;
  };
}

function withoutGenerated(value: unknown): Json {
  if (Array.isArray(value)) return value.map(withoutGenerated);
  if (value && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [key, inner] of Object.entries(value)) if (!GENERATED_LABELS.has(key) && !key.startsWith('burn.dev/')) out[key] = withoutGenerated(inner);
    return out;
  }
  return value as Json;
}

/** Pods and replica sets get generated names; the part their owner chose identifies them. */
function objectName(o: KubeObject): string {
  const hash = o.metadata.labels?.['pod-template-hash'];
  if (o.metadata.generateName) return `${o.metadata.generateName.replace(hash ? `${hash}-` : '\0', '')}*`;
  if (hash && o.kind === 'ReplicaSet') return o.metadata.name.replace(`-${hash}`, '-*');
  return o.metadata.name;
}

/** What must be equal between the two runs' copies of an object. */
function objectContent(o: KubeObject): Json {
  const labels = Object.fromEntries(Object.entries(o.metadata.labels ?? {}).filter(([k]) => !GENERATED_LABELS.has(k) && !k.startsWith('burn.dev/')));
  const annotations = Object.fromEntries(Object.entries(o.metadata.annotations ?? {}).filter(([k]) => !GENERATED_ANNOTATIONS.has(k) && !k.startsWith('burn.dev/')));
  const content: { [key: string]: Json } = { labels, annotations };
  // A pod's spec holds its node and generated volumes; its owner's spec is compared instead.
  if (o.spec && o.kind !== 'Pod') {
    const spec = withoutGenerated(o.spec) as { [key: string]: Json };
    if (o.kind === 'Service') for (const key of ['clusterIP', 'clusterIPs']) delete spec[key];
    if (o.kind === 'Job') delete spec.selector;
    content.spec = spec;
  }
  if (o.data) content.data = withoutRandom(o.data, o.kind === 'Secret') as Json;
  return content;
}

function objectTable(run: ToolRun): Map<string, string[]> {
  const normalise = placeholders(run);
  const table = new Map<string, string[]>();
  for (const o of run.objects) {
    const key = normalise(`${o.kind} ${o.metadata.namespace ?? '(cluster)'}/${objectName(o)}`);
    const list = table.get(key) ?? [];
    list.push(normalise(canonical(objectContent(o))));
    table.set(key, list);
  }
  for (const list of table.values()) list.sort();
  return table;
}

function compareObjects(kb: ToolRun, burn: ToolRun, differences: string[]): void {
  const expected = objectTable(kb);
  const actual = objectTable(burn);
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const a = expected.get(key) ?? [];
    const b = actual.get(key) ?? [];
    if (a.length !== b.length) {
      differences.push(`objects: ${key}: kube-burner left ${a.length}, burn ${b.length}`);
      continue;
    }
    a.forEach((content, i) => {
      if (content !== b[i]) differences.push(`objects: ${key} differs:\n  kube-burner ${content}\n  burn        ${b[i]}`);
    });
  }
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** field path -> JSON type, over every document of a file (nested objects flattened, arrays not entered). */
function fieldTypes(documents: unknown): Map<string, Set<string>> {
  const fields = new Map<string, Set<string>>();
  const visit = (value: unknown, path: string) => {
    if (path) {
      const types = fields.get(path) ?? new Set();
      types.add(typeOf(value));
      fields.set(path, types);
    }
    if (value && typeof value === 'object' && !Array.isArray(value) && !path.endsWith('jobConfig')) {
      for (const [key, inner] of Object.entries(value)) visit(inner, path ? `${path}.${key}` : key);
    }
  };
  for (const doc of Array.isArray(documents) ? documents : [documents]) visit(doc, '');
  return fields;
}

function compareFields(file: string, kbDocs: unknown, burnDocs: unknown, differences: string[]): void {
  const theirs = fieldTypes(burnDocs);
  for (const [field, types] of fieldTypes(kbDocs)) {
    const burnTypes = theirs.get(field);
    if (!burnTypes) differences.push(`${file}: burn misses kube-burner's field ${field}`);
    else for (const type of types) if (!burnTypes.has(type) && type !== 'null') differences.push(`${file}: field ${field} is ${type} in kube-burner's documents, ${[...burnTypes].join('/')} in burn's`);
  }
}

interface Summary { jobConfig?: { name?: string } & Record<string, unknown>; [field: string]: unknown }

/** jobSummary fields whose values must agree; the rest (times, versions) must only exist with the same type. */
const SUMMARY_VALUES = ['metricName', 'passed', 'k8sVersion', 'totalNodes', 'uuid', 'jobConfig'];

function compareSummaries(kb: ToolRun, burn: ToolRun, differences: string[]): void {
  const kbDocs = (kb.documents['jobSummary.json'] ?? []) as Summary[];
  const burnDocs = (burn.documents['jobSummary.json'] ?? []) as Summary[];
  if (kbDocs.length === 0) differences.push('jobSummary.json: kube-burner wrote no job summary');
  const kbNames = kbDocs.map((d) => d.jobConfig?.name);
  const burnNames = burnDocs.map((d) => d.jobConfig?.name);
  if (JSON.stringify(kbNames) !== JSON.stringify(burnNames)) differences.push(`jobSummary.json: jobs ${JSON.stringify(kbNames)} in kube-burner's, ${JSON.stringify(burnNames)} in burn's`);
  compareFields('jobSummary.json', kbDocs, burnDocs, differences);
  const kbText = placeholders(kb);
  const burnText = placeholders(burn);
  for (const kbDoc of kbDocs) {
    const burnDoc = burnDocs.find((d) => d.jobConfig?.name === kbDoc.jobConfig?.name);
    if (!burnDoc) continue;
    for (const field of SUMMARY_VALUES) {
      if (!(field in kbDoc)) continue;
      let expected = kbDoc[field];
      let actual = burnDoc[field];
      if (field === 'jobConfig') {
        // Keys kube-burner writes (it omits zero values) must carry the same values; burn may write more.
        const burnConfig = (actual ?? {}) as Record<string, unknown>;
        actual = Object.fromEntries(Object.keys(expected as object).map((k) => [k, burnConfig[k]]));
      }
      expected = kbText(canonical(expected));
      actual = burnText(canonical(actual));
      if (expected !== actual) differences.push(`jobSummary.json ${kbDoc.jobConfig?.name}: ${field} is ${String(expected)} in kube-burner's, ${String(actual)} in burn's`);
    }
  }
}

interface PodDocument { podName: string; namespace: string; jobName: string; podReadyLatency: number; schedulingLatency: number }
interface QuantileDocument { quantileName: string; jobName: string; P50: number; P99: number }

function quantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(sorted.length * q) - 1)]!;
}

function podTruth(pod: PodSeen | undefined): { ready: number; scheduled: number } | undefined {
  if (!pod?.ready) return undefined;
  const created = Date.parse(pod.created);
  return { ready: Date.parse(pod.ready) - created, scheduled: pod.scheduled ? Date.parse(pod.scheduled) - created : Number.NaN };
}

/**
 * Each tool's podLatency against the pods' own condition times as the watch saw them: per pod and as
 * Ready P50/P99 of the pods it measured, within kube-burner's 1 s precision.
 */
function comparePodLatency(run: ToolRun, kb: ToolRun, differences: string[]): void {
  const pods = new Map(run.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  for (const [file, content] of Object.entries(run.documents)) {
    const match = /^podLatencyMeasurement-(.+)\.json$/.exec(file);
    if (!match || jobTypes(kb).get(match[1]!) === 'delete') continue;
    const docs = content as PodDocument[];
    const truths: number[] = [];
    const measured = new Set(docs.map((d) => `${d.namespace}/${d.podName}`));
    const kubeBurnerMeasuredPods = Object.keys(kb.documents).some((f) => f.startsWith('podLatencyMeasurement-'));
    for (const pod of run.pods) {
      // kube-burner selects pods by its own labels, which Job pods lack; burn must measure the same pods.
      if (!pod.kubeBurnerUuid) {
        if (!kubeBurnerMeasuredPods) continue;
        if (measured.has(`${pod.namespace}/${pod.name}`)) differences.push(`${run.tool} ${file}: measures pod ${pod.namespace}/${pod.name} (owner ${pod.ownerKind}), which has no kube-burner.io/uuid label: kube-burner's podLatency does not select it`);
        continue;
      }
      // burn must measure every pod of the run that became Ready. kube-burner may miss some: it drops a
      // pod whose container events it cannot find in time (REFERENCE section 10), a known inaccuracy.
      if (run.tool === 'burn' && pod.ready && !measured.has(`${pod.namespace}/${pod.name}`)) differences.push(`burn ${file}: pod ${pod.namespace}/${pod.name} became Ready but has no document`);
    }
    for (const doc of docs) {
      const truth = podTruth(pods.get(`${doc.namespace}/${doc.podName}`));
      if (!truth) {
        differences.push(`${run.tool} ${file}: pod ${doc.namespace}/${doc.podName} was never seen Ready by the watch`);
        continue;
      }
      truths.push(truth.ready);
      if (Math.abs(doc.podReadyLatency - truth.ready) > PRECISION_MS) {
        differences.push(`${run.tool} ${file}: pod ${doc.namespace}/${doc.podName} Ready ${doc.podReadyLatency} ms, its conditions say ${truth.ready} ms`);
      }
      if (Number.isNaN(truth.scheduled)) continue;
      if (run.tool === 'kube-burner') {
        // Known inaccuracy (REFERENCE section 10): kube-burner subtracts the second-precision creation
        // time from the scheduler event's microsecond time, recorded after the binding, so its figure
        // is inflated, by more than 1 s on a loaded machine; it is never below the conditions' figure.
        if (doc.schedulingLatency < truth.scheduled - PRECISION_MS) differences.push(`kube-burner ${file}: pod ${doc.podName} scheduled ${doc.schedulingLatency} ms, its PodScheduled condition says ${truth.scheduled} ms`);
      } else if (Math.abs(doc.schedulingLatency - truth.scheduled) > PRECISION_MS) {
        differences.push(`burn ${file}: pod ${doc.podName} scheduled ${doc.schedulingLatency} ms, its PodScheduled condition says ${truth.scheduled} ms`);
      }
    }
    const quantiles = (run.documents[`podLatencyQuantilesMeasurement-${match[1]}.json`] ?? []) as QuantileDocument[];
    const ready = quantiles.find((q) => q.quantileName === 'Ready');
    if (docs.length === 0) continue;
    if (!ready) {
      differences.push(`${run.tool}: no Ready quantiles for ${match[1]}`);
      continue;
    }
    truths.sort((a, b) => a - b);
    for (const [name, q] of [['P50', 0.5], ['P99', 0.99]] as const) {
      const truth = quantile(truths, q);
      if (Math.abs(ready[name] - truth) > PRECISION_MS) differences.push(`${run.tool} ${match[1]}: Ready ${name} ${ready[name]} ms, the pods' conditions give ${truth} ms`);
    }
  }
}

/** Each job's jobType, from kube-burner's job summaries. */
function jobTypes(kb: ToolRun): Map<string, string> {
  const summaries = (kb.documents['jobSummary.json'] ?? []) as Summary[];
  return new Map(summaries.map((s) => [String(s.jobConfig?.name), String(s.jobConfig?.jobType)]));
}

/**
 * Known inaccuracy: kube-burner runs podLatency on delete jobs too, and its watcher (which selects the
 * whole run's pods) files pods of the earlier create job under the delete job, whose own pods are none.
 * burn measures no pods on a delete job. Such a file must hold only pods the run's create jobs made.
 */
function deleteJobPodLatency(file: string, kb: ToolRun, burn: ToolRun, differences: string[]): boolean {
  const match = /^podLatency(?:Quantiles)?Measurement-(.+)\.json$/.exec(file);
  if (!match || jobTypes(kb).get(match[1]!) !== 'delete') return false;
  if (file in burn.documents) differences.push(`${file}: burn measured pods on a delete job`);
  const madeByRun = new Set(kb.pods.filter((p) => p.kubeBurnerUuid === kb.uuid).map((p) => `${p.namespace}/${p.name}`));
  if (file.startsWith('podLatencyMeasurement-')) {
    for (const doc of kb.documents[file] as PodDocument[]) {
      if (!madeByRun.has(`${doc.namespace}/${doc.podName}`)) differences.push(`kube-burner ${file}: pod ${doc.namespace}/${doc.podName} is not one of the run's pods`);
    }
  }
  return true;
}

/** Per-object files whose documents per namespace must match (podLatency's pods are checked against the watch instead). */
const PER_OBJECT_FILE = /^jobLatencyMeasurement-/;
const QUANTILE_FILE = /QuantilesMeasurement-/;

function compareMeasurements(kb: ToolRun, burn: ToolRun, differences: string[]): void {
  for (const [file, kbDocs] of Object.entries(kb.documents)) {
    if (file === 'jobSummary.json' || deleteJobPodLatency(file, kb, burn, differences)) continue;
    const burnDocs = burn.documents[file];
    if (burnDocs === undefined) {
      differences.push(`${file}: kube-burner wrote it, burn did not`);
      continue;
    }
    compareFields(file, kbDocs, burnDocs, differences);
    const a = kbDocs as { quantileName?: string; namespace?: string }[];
    const b = burnDocs as { quantileName?: string; namespace?: string }[];
    if (PER_OBJECT_FILE.test(file)) {
      const byNamespace = (docs: typeof a) => JSON.stringify(docs.map((d) => d.namespace).sort());
      if (byNamespace(a) !== byNamespace(b)) differences.push(`${file}: documents per namespace ${byNamespace(a)} in kube-burner's, ${byNamespace(b)} in burn's`);
    }
    if (QUANTILE_FILE.test(file)) {
      const names = (docs: typeof a) => JSON.stringify(docs.map((d) => d.quantileName).sort());
      if (names(a) !== names(b)) differences.push(`${file}: quantiles ${names(a)} in kube-burner's, ${names(b)} in burn's`);
    }
  }
}

/** Every difference between kube-burner's run and burn's run of the same config, as sentences; [] when they agree. */
export function compareRuns(kb: ToolRun, burn: ToolRun): string[] {
  const differences: string[] = [];
  const kbCompleted = COMPLETED['kube-burner'].includes(kb.process.code);
  const burnCompleted = COMPLETED.burn.includes(burn.process.code);
  if (kbCompleted !== burnCompleted) {
    const failed = kbCompleted ? burn : kb;
    differences.push(`kube-burner exited ${kb.process.code}, burn ${burn.process.code}; ${failed.tool} said:\n${failed.process.stderr.slice(-3000)}`);
  }
  compareObjects(kb, burn, differences);
  compareSummaries(kb, burn, differences);
  compareMeasurements(kb, burn, differences);
  comparePodLatency(kb, kb, differences);
  comparePodLatency(burn, kb, differences);
  const hooks = (run: ToolRun) => JSON.stringify([...run.hookLines].sort());
  if (hooks(kb) !== hooks(burn)) differences.push(`hooks ran ${hooks(kb)} under kube-burner, ${hooks(burn)} under burn`);
  for (const [key, count] of Object.entries(kb.requests)) {
    if (burn.requests[key] !== count) differences.push(`API server counted ${count} ${key} requests during kube-burner's run, ${burn.requests[key]} during burn's`);
  }
  return differences;
}
