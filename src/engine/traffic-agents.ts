/**
 * A traffic job with parallelism N: N agents share the timeline by completion index and start at
 * one instant; their summaries merge exactly (counts and histograms add). Agents run as local
 * `burn traffic-agent` processes, or as the pods of an Indexed Job of burn's image, each told its
 * work in its environment (src/traffic/agent-env.ts) and read back from its output or pod log.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { TrafficSpec } from '../config/index.js';
import type { KubeClient, KubeObject } from '../kube/index.js';
import { nowMs } from '../shared/clock.js';
import { UserError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { pause } from '../shared/sleep.js';
import { version } from '../shared/version.js';
import { agentEnvironment, INDEX_ENV, mergeSummaries, parseSummaryLine, type AgentWork, type ResolvedTarget, type TrafficSummary } from '../traffic/index.js';
import { LABEL } from './labels.js';

const BURN_BIN = new URL('../../bin/burn.js', import.meta.url);
export const AGENT_LABEL = 'burn.dev/traffic-agent';

/** burn's image as scripts/image/build tags it: burn:<package version>-<short commit>. */
export function burnImage(): string {
  let commit = 'unknown';
  try {
    commit = (JSON.parse(readFileSync(new URL('../build-info.json', import.meta.url), 'utf8')) as { commit?: string }).commit ?? 'unknown';
  } catch {
    // running from the sources: no build info
  }
  return `burn:${version}-${commit.replace(/-dirty$/, '').slice(0, 7)}`;
}

export interface AgentsRun {
  spec: TrafficSpec;
  targets: ResolvedTarget[];
  uuid: string;
  jobName: string;
  /** Namespace of the agents' Job when they run as pods. */
  namespace: string;
  client: KubeClient;
  log: Logger;
  signal: AbortSignal;
}

/** Runs the agents and merges their summaries; an agent that gave none is an error naming it. */
export async function runAgents(run: AgentsRun): Promise<{ summary: TrafficSummary; errors: string[] }> {
  const { spec } = run;
  const work: AgentWork = { spec, targets: run.targets, startWallMs: Date.now() + spec.agents.startDelayMs, ...(spec.tls.ca ? { caPem: await readFile(spec.tls.ca, 'utf8') } : {}) };
  const outputs = spec.agents.mode === 'processes' ? await runProcesses(run, work) : await runPods(run, work);
  const summaries: TrafficSummary[] = [];
  const errors: string[] = [];
  outputs.forEach((o, index) => {
    const summary = o.ok ? parseSummaryLine(o.output) : undefined;
    if (summary) summaries.push(summary);
    else errors.push(`traffic agent ${index} gave no result: ${o.problem || o.output.trim().split('\n').slice(-3).join(' | ') || 'no output'}`);
  });
  if (summaries.length === 0) throw new UserError(`every traffic agent of job ${run.jobName} failed: ${errors.join('; ')}`);
  return { summary: mergeSummaries(summaries), errors };
}

interface AgentOutput {
  ok: boolean;
  output: string;
  problem?: string;
}

function runProcesses(run: AgentsRun, work: AgentWork): Promise<AgentOutput[]> {
  const env = { ...process.env, ...agentEnvironment(work) };
  return Promise.all(
    Array.from({ length: run.spec.parallelism }, (_, index) =>
      new Promise<AgentOutput>((resolve) => {
        const child = spawn(process.execPath, [BURN_BIN.pathname, 'traffic-agent', '--log-level', 'warn'], { env: { ...env, [INDEX_ENV]: String(index) }, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        let errors = '';
        child.stdout.on('data', (c: Buffer) => (output += c.toString()));
        child.stderr.on('data', (c: Buffer) => (errors += c.toString()));
        const stop = () => child.kill('SIGTERM');
        run.signal.addEventListener('abort', stop, { once: true });
        child.on('error', (err) => resolve({ ok: false, output, problem: err.message }));
        child.on('close', (code) => {
          run.signal.removeEventListener('abort', stop);
          // A stopped agent still printed what it sent.
          resolve({ ok: code === 0 || run.signal.aborted, output, problem: code === 0 ? undefined : `exit ${code}: ${errors.trim().split('\n').slice(-3).join(' | ')}` });
        });
      }),
    ),
  );
}

/** How long the agents' Job may run: the start delay, the timeline and the last request's timeout, plus a minute. */
function agentDeadlineSeconds(spec: TrafficSpec): number {
  const timelineMs = spec.stages.reduce((sum, s) => sum + s.durationMs, 0);
  return Math.ceil((spec.agents.startDelayMs + timelineMs + spec.timeoutMs) / 1000) + 60;
}

/** The Indexed Job that runs the agents: one pod per completion index, burn's image in agent mode. */
export function agentJob(run: Pick<AgentsRun, 'spec' | 'uuid' | 'jobName' | 'namespace'>, work: AgentWork): KubeObject {
  const { spec } = run;
  const labels = { [LABEL.uuid]: run.uuid, [LABEL.job]: run.jobName, [AGENT_LABEL]: 'true' };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `burn-traffic-${run.jobName}`.slice(0, 52).replace(/-+$/, ''), namespace: run.namespace, labels },
    spec: {
      completionMode: 'Indexed',
      completions: spec.parallelism,
      parallelism: spec.parallelism,
      backoffLimit: 0,
      // The agents must all run at once; a pod that starts after the timeline has nothing to do.
      activeDeadlineSeconds: agentDeadlineSeconds(spec),
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'agent',
              image: spec.agents.image || burnImage(),
              imagePullPolicy: 'IfNotPresent',
              args: ['traffic-agent', '--log-level', 'warn'],
              env: Object.entries(agentEnvironment(work)).map(([name, value]) => ({ name, value })),
            },
          ],
        },
      },
    },
  } as KubeObject;
}

async function runPods(run: AgentsRun, work: AgentWork): Promise<AgentOutput[]> {
  const { client, spec, log } = run;
  const job = agentJob(run, work);
  const name = job.metadata!.name!;
  const ns = run.namespace;
  await client.create(job, { signal: run.signal });
  log.info(`job ${run.jobName}: ${spec.parallelism} traffic agents as Indexed Job ${ns}/${name} (${spec.agents.image || burnImage()}), starting at ${new Date(work.startWallMs).toISOString()}`);
  try {
    const deadline = nowMs() + (agentDeadlineSeconds(spec) + 30) * 1000;
    for (;;) {
      const current = await client.get('batch/v1', 'Job', name, ns, { notFoundOk: true, signal: run.signal });
      const status = (current as { status?: { succeeded?: number; failed?: number } } | null)?.status;
      if (!current || (status?.succeeded ?? 0) + (status?.failed ?? 0) >= spec.parallelism || run.signal.aborted || nowMs() > deadline) break;
      await pause(2000, run.signal);
    }
    const pods = await client.list('v1', 'Pod', { namespace: ns, labelSelector: `batch.kubernetes.io/job-name=${name}` });
    const byIndex = new Map(pods.map((p) => [Number(p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']), p]));
    return await Promise.all(
      Array.from({ length: spec.parallelism }, async (_, index): Promise<AgentOutput> => {
        const pod = byIndex.get(index);
        if (!pod) return { ok: false, output: '', problem: `no pod for completion index ${index}` };
        const phase = (pod as { status?: { phase?: string } }).status?.phase;
        const output = await client.request<string>({ method: 'GET', path: `/api/v1/namespaces/${ns}/pods/${pod.metadata!.name}/log`, responseType: 'text', tolerate: [400, 404] }).catch((err: unknown) => `(log unreadable: ${(err as Error).message})`);
        return { ok: phase === 'Succeeded', output: output ?? '', problem: phase === 'Succeeded' ? undefined : `pod ${pod.metadata!.name} is ${phase ?? 'unknown'}` };
      }),
    );
  } finally {
    await client.delete('batch/v1', 'Job', name, ns, { notFoundOk: true, propagationPolicy: 'Background' }).catch((err: unknown) => log.warn(`job ${run.jobName}: deleting the agents' Job ${ns}/${name}: ${(err as Error).message}`));
  }
}
