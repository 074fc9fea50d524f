import { describe, expect, it } from 'vitest';
import { isUncertainCreate, type KubeObject, type RequestRecord } from '../../src/kube/index.js';
import { builtinProfiles, type SimProfile } from '../../src/sim/index.js';
import { withSim } from '../sim/with-sim.js';

/**
 * A slow API server and a short request timeout: creates time out after the server committed them.
 * Whatever burn resends, N creates must leave exactly N objects.
 */

/** A quarter of the answers held 4 s after the write committed; the client gives up after 1 s. */
function stalling(): SimProfile {
  const profile = structuredClone(builtinProfiles.default!);
  profile.faults.stallRate = 0.25;
  profile.faults.stallMs = 4000;
  return profile;
}
const CLIENT = { requestTimeoutMs: 1000, retry: { maxRetries: 10, baseDelayMs: 50, maxDelayMs: 400 } };
const N = 40;

function configMap(metadata: KubeObject['metadata']): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'slow', labels: { 'burn.dev/uuid': 'create-once' }, ...metadata }, data: { k: 'v' } };
}

describe('creates against a slow API server (answers stalled after the write)', () => {
  it('N generateName creates leave exactly N objects: a create that may have reached the server is never resent', async () => {
    await withSim({ nodes: 1, profile: stalling() }, async (sim) => {
      const client = await sim.connect(CLIENT);
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'slow' } });
      const posts: RequestRecord[] = [];
      client.onRequest((r) => r.verb === 'POST' && r.resource === 'configmaps' && posts.push(r));
      const outcomes = await Promise.allSettled(Array.from({ length: N }, () => client.create(configMap({ generateName: 'gen-' }))));
      const uncertain = outcomes.filter((o) => o.status === 'rejected' && isUncertainCreate(o.reason));
      const failed = outcomes.filter((o) => o.status === 'rejected' && !isUncertainCreate(o.reason));
      expect(failed.map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
      expect(uncertain.length).toBeGreaterThan(0); // the stall did hit some creates
      expect(posts).toHaveLength(N);
      expect(posts.every((r) => r.retries === 0)).toBe(true);
      // The stalled creates committed before their answers were held: once those are out, exactly N.
      expect(sim.store.list('configmaps', 'slow', { 'burn.dev/uuid': 'create-once' })).toHaveLength(N);
    });
  });

  it('N named creates all succeed with exactly N objects: a 409 after a resend is checked to be ours', async () => {
    await withSim({ nodes: 1, profile: stalling() }, async (sim) => {
      const client = await sim.connect(CLIENT);
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'slow' } });
      const records: RequestRecord[] = [];
      client.onRequest((r) => r.resource === 'configmaps' && records.push(r));
      const created = await Promise.all(Array.from({ length: N }, (_, i) => client.create(configMap({ name: `named-${i}` }))));
      expect(created.map((c) => c?.metadata.name)).toEqual(Array.from({ length: N }, (_, i) => `named-${i}`));
      expect(sim.store.list('configmaps', 'slow', { 'burn.dev/uuid': 'create-once' })).toHaveLength(N);
      const posts = records.filter((r) => r.verb === 'POST');
      expect(posts).toHaveLength(N);
      expect(posts.every((r) => r.code === 201)).toBe(true);
      // Some first attempts timed out after committing: their resends met the object and read it back.
      expect(posts.some((r) => r.retries > 0)).toBe(true);
      expect(records.some((r) => r.verb === 'GET')).toBe(true);
    });
  });
});
