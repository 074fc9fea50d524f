import type { JobContext } from './context.js';
import { runSelector } from './labels.js';

/**
 * kube-burner's verifyObjects: after a create job, the cluster must hold as many of the job's
 * objects, kind by kind, as the job created. Returns one message per mismatch.
 */
export async function verifyObjects(ctx: JobContext): Promise<string[]> {
  const expected = new Map<string, { apiVersion: string; kind: string; count: number }>();
  for (const obj of ctx.ledger.objects) {
    if (obj.job !== ctx.job.name) continue;
    const key = `${obj.apiVersion}/${obj.kind}`;
    const entry = expected.get(key) ?? { apiVersion: obj.apiVersion, kind: obj.kind, count: 0 };
    entry.count++;
    expected.set(key, entry);
  }
  const selector = runSelector(ctx.config.global.uuid, ctx.job.name);
  const mismatches: string[] = [];
  for (const { apiVersion, kind, count } of expected.values()) {
    let found = 0;
    for await (const page of ctx.housekeeping.listPages(apiVersion, kind, { labelSelector: selector, signal: ctx.signal })) {
      found = page.restarted ? page.items.length : found + page.items.length;
    }
    if (found !== count) mismatches.push(`verifyObjects: expected ${count} ${kind} with ${selector}, found ${found}`);
  }
  return mismatches;
}
