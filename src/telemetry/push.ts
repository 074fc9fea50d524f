/**
 * --pushgateway: the run's final figures pushed to a Prometheus Pushgateway under the grouping key
 * job="burn", uuid, config, so the Prometheus that scrapes the Pushgateway keeps every run.
 */
import type { Registry } from 'prom-client';
import { UserError } from '../shared/errors.js';
import { sleep } from '../shared/sleep.js';

/** The job label of every push: the Pushgateway's grouping key starts with it. */
export const PUSH_JOB = 'burn';

const TIMEOUT_MS = 10_000;
const ATTEMPTS = 4;

function base(url: string): string {
  return url.replace(/\/+$/, '');
}

/** One grouping-key segment: base64url (the Pushgateway's `label@base64` form) when the value has a "/" or is empty. */
function segment(label: string, value: string): string {
  if (value === '' || value.includes('/')) return `${label}@base64/${Buffer.from(value).toString('base64url') || '='}`;
  return `${label}/${encodeURIComponent(value)}`;
}

/** Where the run's group lives: <url>/metrics/job/burn/uuid/<uuid>/config/<config>. */
export function groupUrl(url: string, grouping: Record<string, string>): string {
  return `${base(url)}/metrics/${[segment('job', PUSH_JOB), ...Object.entries(grouping).map(([k, v]) => segment(k, v))].join('/')}`;
}

function reason(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? err.message;
  }
  return String(err);
}

/** Before the run creates anything: a Pushgateway that does not answer is refused, so a nightly run's figures are never lost silently. */
export async function checkPushgateway(url: string): Promise<void> {
  const ready = `${base(url)}/-/ready`;
  let status: number;
  try {
    status = (await fetch(ready, { signal: AbortSignal.timeout(TIMEOUT_MS) })).status;
  } catch (err) {
    throw new UserError(`--pushgateway ${url}: no answer (${reason(err)})`, { hint: 'start the Pushgateway or fix the URL (e.g. http://pushgateway.monitoring:9091); nothing was created' });
  }
  if (status !== 200) throw new UserError(`--pushgateway ${url}: ${ready} answered HTTP ${status}, not 200: is this a Pushgateway?`, { hint: 'give the Pushgateway\'s base URL, without /metrics' });
}

/** PUT replaces the run's group as a whole; retried with backoff, because the run is over and this is its only chance. */
export async function pushMetrics(url: string, registry: Registry, grouping: Record<string, string>): Promise<string> {
  const target = groupUrl(url, grouping);
  const body = await registry.metrics();
  let last = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const res = await fetch(target, { method: 'PUT', body, headers: { 'content-type': registry.contentType }, signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (res.ok) return target;
      last = `HTTP ${res.status}: ${(await res.text()).trim()}`;
      // The Pushgateway refused the figures themselves: sending them again changes nothing.
      if (res.status >= 400 && res.status < 500) break;
    } catch (err) {
      last = reason(err);
    }
    if (attempt < ATTEMPTS) await sleep(500 * 2 ** attempt);
  }
  throw new Error(`pushing to ${target} failed: ${last}`);
}
