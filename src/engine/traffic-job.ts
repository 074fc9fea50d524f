/**
 * The `traffic` job type's runner: finds each target's address (a URL as written, or a Service of
 * the cluster), sends the load (src/traffic) and hands the job its measured result, graded with
 * the job's other measurements.
 */
import type { Job, TrafficTarget } from '../config/index.js';
import type { Access, KubeClient } from '../kube/index.js';
import { UserError } from '../shared/errors.js';
import { nowMs } from '../shared/clock.js';
import type { ResolvedTarget } from '../traffic/index.js';
import type { JobContext } from './context.js';

/** The simulator's annotation on a Service backed by a modelled application: the loopback port that serves it. */
export const SIM_LOOPBACK_PORT_ANNOTATION = 'sim.burn.dev/loopback-port';

/** How far ahead of now the timeline starts: the pools are ready and the first arrival is not late. */
const START_LEAD_MS = 200;

/**
 * A Service's address: its cluster DNS name when burn runs in the cluster; outside it, the
 * simulator's loopback port (annotation) or the Service's load balancer address.
 */
export async function resolveTarget(target: TrafficTarget, client: KubeClient, inCluster: boolean, signal?: AbortSignal): Promise<ResolvedTarget> {
  const { url, service, ...rest } = target;
  if (!service) return { url, ...rest };
  const { name, namespace, port, path, scheme } = service;
  if (inCluster) return { url: `${scheme}://${name}.${namespace}.svc:${port}${path}`, ...rest };
  const svc = await client.get('v1', 'Service', name, namespace, { notFoundOk: true, signal });
  if (!svc) throw new UserError(`traffic target Service ${namespace}/${name} does not exist`, { hint: 'create it in a job before the traffic job, or give the target a url' });
  const loopback = (svc.metadata?.annotations as Record<string, string> | undefined)?.[SIM_LOOPBACK_PORT_ANNOTATION];
  if (loopback) return { url: `${scheme}://127.0.0.1:${loopback}${path}`, ...rest };
  const ingress = (svc as { status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } } }).status?.loadBalancer?.ingress?.[0];
  const host = ingress?.ip ?? ingress?.hostname;
  if (host) return { url: `${scheme}://${host}:${port}${path}`, ...rest };
  throw new UserError(`traffic target Service ${namespace}/${name} has no address burn can reach from outside the cluster`, {
    hint: 'run burn in the cluster (its cluster DNS name is used there), give the Service a load balancer, or write url: with a port-forward or Ingress address',
  });
}

export async function runTrafficJob(ctx: JobContext): Promise<void> {
  const spec = ctx.job.traffic;
  if (!spec) throw new Error(`traffic job ${ctx.job.name} has no traffic spec`);
  // The traffic agent (its histograms' WebAssembly among it) is loaded by a run that has a traffic job only.
  const [{ runAgent, trafficLine, trafficResult }, { runAgents }] = await Promise.all([import('../traffic/index.js'), import('./traffic-agents.js')]);
  const inCluster = Boolean(process.env.KUBERNETES_SERVICE_HOST);
  const targets = await Promise.all(spec.targets.map((t) => resolveTarget(t, ctx.housekeeping, inCluster, ctx.signal)));
  ctx.log.info(`job ${ctx.job.name}: traffic to ${targets.map((t) => `${t.method} ${t.url}`).join(', ')}`);
  let summary;
  if (spec.parallelism === 1) summary = await runAgent({ spec, targets, index: 0, startWallMs: nowMs() + START_LEAD_MS, signal: ctx.signal });
  else {
    const namespace = spec.agents.namespace || ctx.job.namespace || 'default';
    const agents = await runAgents({ spec, targets, uuid: ctx.config.global.uuid, jobName: ctx.job.name, namespace, client: ctx.housekeeping, log: ctx.log, signal: ctx.signal });
    ctx.errors.push(...agents.errors);
    summary = agents.summary;
  }
  ctx.results.push(trafficResult(summary, spec, { uuid: ctx.config.global.uuid, jobName: ctx.job.name }));
  ctx.log.info(`job ${ctx.job.name}: traffic: ${trafficLine(summary)}`);
}

/** What a traffic job asks of the API server: its target Services' addresses, and its agents' Indexed Job, their pods and logs. */
export function trafficAccess(job: Job): Access[] {
  const spec = job.traffic;
  if (!spec) return [];
  const agents = `traffic job ${job.name} runs its agents as an Indexed Job and reads their pods' output`;
  return [
    ...(spec.targets.some((t) => t.service) ? [{ group: '', resource: 'services', verbs: ['get'], why: `traffic job ${job.name} finds its target Services' addresses` } as Access] : []),
    ...(spec.parallelism > 1
      ? ([
          { group: 'batch', resource: 'jobs', verbs: ['create', 'get', 'delete'], why: agents },
          { group: '', resource: 'pods', verbs: ['list'], why: agents },
          { group: '', resource: 'pods/log', verbs: ['get'], why: agents },
        ] as Access[])
      : []),
  ];
}
