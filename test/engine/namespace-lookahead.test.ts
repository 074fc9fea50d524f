import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/config/index.js';
import type { JobContext } from '../../src/engine/context.js';
import { Ledger } from '../../src/engine/ledger.js';
import { mayCreateAhead, NamespaceLookahead } from '../../src/engine/namespace-lookahead.js';

const JOB = { name: 'cd', namespace: 'cd', namespacedIterations: true, iterationsPerNamespace: 1, qps: 1000, namespaceDelayMs: 0, jobIterationDelayMs: 0 } as Job;

/** A context whose namespace creates take `ms` and are answered in the order they were started. */
function fakeCluster(ms: number, failing = new Set<string>()) {
  const ctx = { job: JOB, ledger: new Ledger() } as unknown as JobContext;
  const started: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const ensure = async (c: JobContext, namespace: string) => {
    started.push(namespace);
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, ms));
    inFlight--;
    if (failing.has(namespace)) throw new Error(`namespace ${namespace} is owned by another run`);
    c.ledger.addNamespace(namespace);
  };
  return { ctx, ensure, started, most: () => mostInFlight };
}

describe('namespaces created ahead of the iterations', () => {
  it('starts the next namespaces while the current one is awaited, each once, and its own first', async () => {
    const cluster = fakeCluster(20);
    const order = Array.from({ length: 40 }, (_, i) => i);
    const lookahead = new NamespaceLookahead(cluster.ctx, cluster.ensure, order, 30, true);
    for (const position of order.keys()) {
      await lookahead.ready(position);
      // The iteration's own namespace exists before any of its objects would be sent.
      expect(cluster.ctx.ledger.namespaces.has(`cd-${position}`)).toBe(true);
    }
    await lookahead.settle();
    expect(cluster.started).toEqual(order.map((i) => `cd-${i}`));
    // qps 1,000 and 30 objects an iteration use a namespace every 30 ms: a 250 ms create needs several ahead.
    expect(cluster.most()).toBeGreaterThan(4);
    expect(cluster.most()).toBeLessThanOrEqual(64);
  });

  it('one at a time when the job paces its iterations', async () => {
    const cluster = fakeCluster(5);
    const order = [0, 1, 2, 3, 4, 5];
    const lookahead = new NamespaceLookahead(cluster.ctx, cluster.ensure, order, 30, mayCreateAhead({ ...JOB, namespaceDelayMs: 100 } as Job, false, false));
    for (const position of order.keys()) await lookahead.ready(position);
    expect(cluster.most()).toBe(1);
    expect(mayCreateAhead(JOB, true, false)).toBe(false);
    expect(mayCreateAhead(JOB, false, true)).toBe(false);
    expect(mayCreateAhead({ ...JOB, jobIterationDelayMs: 1 } as Job, false, false)).toBe(false);
    expect(mayCreateAhead(JOB, false, false)).toBe(true);
  });

  it('a namespace that cannot be made fails its own iteration, and settle waits for every create started', async () => {
    const cluster = fakeCluster(10, new Set(['cd-2']));
    const order = [0, 1, 2, 3, 4, 5];
    const lookahead = new NamespaceLookahead(cluster.ctx, cluster.ensure, order, 30, true);
    await lookahead.ready(0);
    await lookahead.ready(1);
    await expect(lookahead.ready(2)).rejects.toThrow('cd-2 is owned by another run');
    await lookahead.settle();
    // Those started ahead ended before settle returned: none reaches the ledger after the job's loop.
    const made = [...cluster.ctx.ledger.namespaces];
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect([...cluster.ctx.ledger.namespaces]).toEqual(made);
    expect(made).toEqual(cluster.started.filter((ns) => ns !== 'cd-2'));
  });
});
