import { describe, expect, it } from 'vitest';
import { recreateStep, rollingStep, type ReplicaSetView } from '../../src/sim/cluster/controllers/rollout.js';
import { intOrPercent, templateHash } from '../../src/sim/cluster/controllers/common.js';

const rs = (name: string, replicas: number, available: number, current = replicas): ReplicaSetView => ({ name, replicas, available, current });

describe('deployment rollout arithmetic', () => {
  it('resolves 25% surge up and 25% unavailable down, as the controller does', () => {
    expect(intOrPercent('25%', 10, true)).toBe(3);
    expect(intOrPercent('25%', 10, false)).toBe(2);
    expect(intOrPercent(2, 10, false)).toBe(2);
  });

  it('surges the new ReplicaSet first, then scales old ones down within maxUnavailable', () => {
    // 10 replicas, surge 3, unavailable 2: the new set may grow to 3 while the old keeps 10.
    expect(rollingStep(10, 3, 2, rs('new', 0, 0), [rs('old', 10, 10)])).toEqual(new Map([['new', 3]]));
    // At 13 pods nothing more may be created; the old set may lose 5: 13 - 8 available floor - 3 new unavailable = 2.
    expect(rollingStep(10, 3, 2, rs('new', 3, 0), [rs('old', 10, 10)])).toEqual(new Map([['old', 8]]));
    // Once the new pods are available, the old set can go further down.
    expect(rollingStep(10, 3, 2, rs('new', 3, 3), [rs('old', 8, 8)])).toEqual(new Map([['new', 5]]));
  });

  it('counts pods an old set still has although its spec was lowered', () => {
    expect(rollingStep(4, 1, 1, rs('new', 1, 0), [rs('old', 3, 4, 4)])).toEqual(new Map());
  });

  it('removes unhealthy old replicas before healthy ones, oldest set first', () => {
    // 5 pods, 4 must stay available: one may go, and it is an unavailable one of v1, not a healthy v2 pod.
    expect(rollingStep(4, 1, 0, rs('new', 1, 1), [rs('v1', 2, 0), rs('v2', 2, 2)])).toEqual(new Map([['v1', 1]]));
  });

  it('only scales when no old set has replicas', () => {
    expect(rollingStep(7, 2, 1, rs('new', 5, 5), [rs('old', 0, 0)])).toEqual(new Map([['new', 7]]));
  });

  it('waits for pods of an old set scaled to zero before taking the last surge step', () => {
    // Old spec is 0 but it still runs 2 pods: the new set may only grow to desired + surge overall.
    expect(rollingStep(4, 1, 1, rs('new', 3, 3), [rs('old', 0, 2, 2)])).toEqual(new Map());
  });

  it('Recreate: old sets to zero, the new one only once no old pod is left', () => {
    expect(recreateStep(3, rs('new', 0, 0), [rs('old', 3, 3)], 3)).toEqual(new Map([['old', 0]]));
    expect(recreateStep(3, rs('new', 0, 0), [rs('old', 0, 0)], 1)).toEqual(new Map());
    expect(recreateStep(3, rs('new', 0, 0), [rs('old', 0, 0)], 0)).toEqual(new Map([['new', 3]]));
  });

  it('hashes equal templates equally whatever the key order, in the vowel-free alphabet', () => {
    const a = templateHash({ metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const b = templateHash({ spec: { containers: [{ image: 'i', name: 'c' }] }, metadata: { labels: { app: 'x' } } });
    expect(a).toBe(b);
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(templateHash({ spec: { containers: [{ name: 'c', image: 'j' }] } })).not.toBe(a);
  });
});
