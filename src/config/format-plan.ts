import { formatDiagnostic } from './diagnostics.js';
import { formatDuration } from '../shared/duration.js';
import type { JobPlan, ObjectPlan, RunPlan } from './plan.js';

/** The plan as `burn validate` prints it. */
export function formatPlan(plan: RunPlan): string {
  const lines: string[] = [];
  lines.push(`${plan.file}: valid, ${count(plan.jobs.length, 'job')} (uuid ${plan.uuid})`);
  for (const warning of plan.warnings) lines.push(`warning: ${formatDiagnostic(warning)}`);
  for (const job of plan.jobs) lines.push('', ...formatJob(job));
  lines.push(
    '',
    `total: ${count(plan.totalObjects, 'object')} in ${count(plan.totalNamespaces, 'namespace')}, ${count(plan.totalRequests, 'request')}; ` +
      `least time ${formatDuration(Math.round(plan.leastTimeMs))}${plan.jobs.some((j) => j.plus.length) ? ' plus waits' : ''}`,
    '',
    'checked offline: the config; every object template rendered for its first and last iteration and three between',
    '  (and first, middle, last replica); apiVersion and kind of built-in kinds; object names and generateName per kind',
    `needs a cluster: ${[...(plan.needsCluster.length ? [`kinds of other API groups (${plan.needsCluster.join(', ')})`] : []), 'RBAC, quotas, admission webhooks, CRDs installed, what the nodes can run'].join('; ')}`,
  );
  return `${lines.join('\n')}\n`;
}

function formatJob(job: JobPlan): string[] {
  if (job.traffic) {
    const t = job.traffic;
    return [
      `job "${job.name}" (traffic): ${count(t.requests, 'HTTP request')} over ${formatDuration(t.durationMs)}, up to ${t.peakRate} req/s${t.parallelism > 1 ? ` from ${t.parallelism} agents` : ''}`,
      ...t.targets.map((target) => `  target: ${target}`),
      ...(t.thresholds.length ? [`  thresholds: ${t.thresholds.join(', ')}`] : []),
    ];
  }
  const out = [`job "${job.name}" (${job.jobType}): ${count(job.iterations, 'iteration')}, qps ${job.qps}, burst ${job.burst}`];
  if (job.jobType === 'create') {
    out.push(`  namespaces: ${formatNamespaces(job.namespaces, job.namespaceCount)}`);
    for (const o of job.objects) {
      const repeat = o.runOnce ? ', once' : o.repeatEveryNIterations > 1 ? `, every ${o.repeatEveryNIterations} iterations` : '';
      const group = o.group > 0 || job.objects.some((x) => x.group > 0) ? `, group ${o.group}${o.groupGc ? ' (deleted when the group is done)' : ''}` : '';
      const docs = o.documentsPerReplica > 1 ? ` x ${o.documentsPerReplica} documents` : '';
      const kinds = o.kinds.length ? ` ${[...new Set(o.kinds)].join('+')}` : o.rendered ? '' : ' (URL: rendered at run time)';
      out.push(`  object ${o.index + 1}: ${o.template}${kinds}, ${o.replicas} per iteration${docs}${repeat}${group}: ${count(o.total, 'object')}${o.pods ? `, ${count(o.pods, 'pod')}` : ''}`);
      out.push(templateSource(o));
      if (o.checkedIterations.length) out.push(`    rendered and checked: iteration ${o.checkedIterations.join(', ')} x replica ${o.checkedReplicas.join(', ')}`);
    }
    const first = job.objectsFirstIteration !== job.objectsPerIteration ? ` (${job.objectsFirstIteration} in the first)` : '';
    if (job.incrementalSteps.length)
      out.push(`  incremental load: ${count(job.incrementalSteps.length, 'step')} of ${job.incrementalSteps.join(', ')} iterations, each deleted before the next`);
    out.push(`  objects: ${job.objectsPerIteration} per iteration${first}, ${job.totalObjects} in total${job.totalPods ? `; ${count(job.totalPods, 'pod')}` : ''}`);
  } else {
    for (const o of job.objects) {
      out.push(`  object ${o.index + 1}: ${o.kinds.join('+') || 'objects'} selected by ${o.selector}${o.template ? `, patched with ${o.template}` : ''}`);
      if (o.templateFile) out.push(templateSource(o));
    }
  }
  const requests = job.requestsExact ? count(job.requests, 'request') : `${count(job.requests, 'list request')} and more`;
  out.push(`  least time: ${formatDuration(Math.round(job.leastTimeMs))} for ${requests}${job.plus.length ? `, plus ${job.plus.join(', ')}` : ''}`);
  return out;
}

/** Which file an object's template came from: kube-burner reads relative paths from the working directory only. */
function templateSource(o: ObjectPlan): string {
  const where =
    o.templateFoundIn === 'URL' ? 'a URL, fetched at run time' : o.templateFoundIn === 'absolute path' ? 'an absolute path' : `found in the ${o.templateFoundIn}${o.templateFoundIn === "config's folder" ? '; kube-burner looks in the working directory only' : ''}`;
  return `    template: ${o.templateFile} (${where})`;
}

function formatNamespaces(names: readonly string[], total: number): string {
  if (total === 0) return 'none (objects go where their templates say)';
  if (total <= 3) return `${total}: ${names.join(', ')}`;
  return `${total}: ${names[0]}, ${names[1]}, ..., ${names[names.length - 1]}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
