// Runs one config with kube-burner or with burn on a real cluster, measured, and records what it did.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { apiRequestCounts, objectsOfRun, PodWatch, removeRun, type ClusterTarget, type KubeObject, type PodSeen } from './cluster-record.js';
import { runMeasured, type MeasuredProcess } from './measured-process.js';
import { ApiServerObserver, resourceOfKind, type ApiServerView } from './api-server.js';

export const TOOLS = ['kube-burner', 'burn'] as const;
export type Tool = (typeof TOOLS)[number];

export interface SideBySideTarget extends ClusterTarget {
  /** The kube-burner v2.7.3 binary. */
  kubeBurner: string;
  /** burn's executable script (bin/burn.js of a built checkout). */
  burn: string;
  /** Follow the API server's CPU and request counters during each run (the bench does; the e2e suite need not). */
  observeApiServer?: boolean;
}

/** One config as both tools run it. */
export interface SideBySideCase {
  name: string;
  /** Directory the tools run in: template paths resolve from here, as kube-burner resolves them. */
  dir: string;
  /** The config, relative to dir. */
  config: string;
  userData?: string;
  /** kube-burner's --set overrides (global.gc=false is always added: the objects are read before clean-up). */
  set?: string[];
  env?: Record<string, string>;
  /** "VERB resource" keys of apiserver_request_total whose growth during the run must match. */
  requests?: string[];
  /**
   * Differences the suite expects, each with why (a documented burn difference reported to the lead):
   * every one must still occur (so a fix removes it from here), and nothing else may.
   */
  expectedDifferences?: { pattern: RegExp; why: string }[];
  timeoutMs?: number;
}

export interface ToolRun {
  tool: Tool;
  uuid: string;
  process: MeasuredProcess;
  /** Every JSON document file the local indexer wrote, by file name. */
  documents: Record<string, unknown>;
  objects: KubeObject[];
  pods: PodSeen[];
  hookLines: string[];
  requests: Record<string, number>;
  /**
   * First to last create of the objects the tool itself sent: as the API server's audit log received
   * them (ms precision, `audit`) on a control plane that keeps one, else their creationTimestamps (1 s).
   */
  sendSpan: { seconds: number; objects: number; source: 'audit' | 'creationTimestamp' };
  /** The API server's view of the run's creates and its CPU, when the target asks for it. */
  apiServer?: ApiServerView;
}

function toolCommand(target: SideBySideTarget, tool: Tool, args: string[], reportDir: string): [string, string[]] {
  if (tool === 'kube-burner') return [target.kubeBurner, [...args, '--skip-log-file']];
  // As a user runs it: the executable script, whose first line gives node its flags.
  return [resolve(target.burn), [...args, '--skip-log-file', '--report-dir', reportDir]];
}

async function readDocuments(dir: string): Promise<Record<string, unknown>> {
  const documents: Record<string, unknown> = {};
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return documents;
  }
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    documents[name] = JSON.parse(await readFile(join(dir, name), 'utf8'));
  }
  return documents;
}

/** Objects a controller made (pods, replica sets) carry owner references; the tool sent the others. */
function sentObjects(objects: KubeObject[]): KubeObject[] {
  return objects.filter((o) => !o.metadata.ownerReferences?.length);
}

function creationSpan(objects: KubeObject[]): ToolRun['sendSpan'] {
  const sent = sentObjects(objects).map((o) => Date.parse(o.metadata.creationTimestamp));
  if (sent.length === 0) return { seconds: 0, objects: 0, source: 'creationTimestamp' };
  return { seconds: (Math.max(...sent) - Math.min(...sent)) / 1000, objects: sent.length, source: 'creationTimestamp' };
}

function difference(after: Map<string, number>, before: Map<string, number>, keys: string[]): Record<string, number> {
  return Object.fromEntries(keys.map((key) => [key, (after.get(key) ?? 0) - (before.get(key) ?? 0)]));
}

/**
 * Runs the case with one tool: kube-burner's own command line, or burn's with the same flags. Both
 * write kube-burner's local-indexer files; gc is off so the objects can be read afterwards; then
 * everything the run labelled is removed and waited for.
 */
export async function runTool(target: SideBySideTarget, tool: Tool, testCase: SideBySideCase): Promise<ToolRun> {
  const scratch = await mkdtemp(join(tmpdir(), `sbs-${tool}-`));
  const uuid = `sbs-${tool === 'burn' ? 'b' : 'k'}-${Date.now().toString(36)}`;
  try {
    const docsDir = join(scratch, 'documents');
    await mkdir(docsDir);
    const endpoints = join(scratch, 'endpoints.yaml');
    await writeFile(endpoints, `- indexer: {type: local, metricsDirectory: ${JSON.stringify(docsDir)}}\n`);
    // The configs' hooks append their stage to $SBS_HOOK_LOG.
    const hookLog = join(scratch, 'hooks.log');
    const args = ['init', '-c', testCase.config, '-e', endpoints, '--uuid', uuid, '--kubeconfig', target.kubeconfig];
    for (const set of ['global.gc=false', ...(testCase.set ?? [])]) args.push('--set', set);
    if (testCase.userData) args.push('--user-data', testCase.userData);
    const [command, commandArgs] = toolCommand(target, tool, args, join(scratch, 'run'));

    const requestsBefore = testCase.requests ? await apiRequestCounts(target) : undefined;
    const watch = new PodWatch(target);
    const observer = target.observeApiServer ? new ApiServerObserver(target.kubeconfig) : undefined;
    let measured: MeasuredProcess;
    try {
      await observer?.start();
      measured = await runMeasured(command, commandArgs, { cwd: testCase.dir, env: { ...testCase.env, SBS_HOOK_LOG: hookLog }, timeoutMs: testCase.timeoutMs ?? 300_000 });
    } catch (error) {
      await observer?.stop().catch(() => undefined);
      await watch.stop().catch(() => undefined);
      throw error;
    }
    await observer?.stop();
    const pods = (await watch.stop()).filter((p) => p.kubeBurnerUuid === uuid || p.burnUuid === uuid);
    const requests = requestsBefore ? difference(await apiRequestCounts(target), requestsBefore, testCase.requests!) : {};
    const objects = await objectsOfRun(target, uuid);
    const apiServer = observer?.view(new Set(sentObjects(objects).map((o) => resourceOfKind(o.kind))));
    const audited = apiServer?.auditedSendSpan;
    const hookLines = (await readFile(hookLog, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    return {
      tool,
      uuid,
      process: measured,
      documents: await readDocuments(docsDir),
      objects,
      pods,
      hookLines,
      requests,
      sendSpan: audited ? { ...audited, source: 'audit' } : creationSpan(objects),
      apiServer,
    };
  } finally {
    await removeRun(target, uuid);
    await rm(scratch, { recursive: true, force: true });
  }
}
