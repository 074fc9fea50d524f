import { describe, expect, it } from 'vitest';
import { applyPatch, jsonPatch, mergePatch, patchTypeOf, strategicMerge } from '../../src/sim/server/patch.js';
import { parseFieldSelector, parseLabelSelector } from '../../src/sim/server/selectors.js';
import { humanDuration, podStatusReason } from '../../src/sim/server/table.js';
import { builtinResources } from '../../src/sim/server/resources.js';
import { StatusError } from '../../src/sim/status.js';
import type { KubeObject } from '../../src/sim/types.js';

describe('patches', () => {
  it('maps content types to patch types', () => {
    expect(patchTypeOf('application/merge-patch+json; charset=utf-8')).toBe('merge');
    expect(patchTypeOf('application/json-patch+json')).toBe('json');
    expect(patchTypeOf('application/strategic-merge-patch+json')).toBe('strategic');
    expect(patchTypeOf('application/apply-patch+yaml')).toBe('apply');
    expect(patchTypeOf('application/json')).toBeUndefined();
  });

  it('merge patch replaces lists, merges maps and deletes with null', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] })).toEqual({ a: { c: 2, d: 3 }, l: [3] });
  });

  it('JSON patch supports add, remove, replace, move, copy and test', () => {
    const doc = { a: [1, 2], b: { c: 'x' } };
    const out = jsonPatch(doc, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'add', path: '/a/0', value: 0 },
      { op: 'remove', path: '/a/1' },
      { op: 'replace', path: '/b/c', value: 'y' },
      { op: 'copy', from: '/b', path: '/d' },
      { op: 'move', from: '/b/c', path: '/e~1f' },
      { op: 'test', path: '/d/c', value: 'y' },
    ]);
    expect(out).toEqual({ a: [0, 2, 3], b: {}, d: { c: 'y' }, 'e/f': 'y' });
    expect(doc).toEqual({ a: [1, 2], b: { c: 'x' } });
    const failing = () => jsonPatch(doc, [{ op: 'test', path: '/b/c', value: 'nope' }]);
    expect(failing).toThrow(StatusError);
    expect(() => jsonPatch(doc, [{ op: 'replace', path: '/missing', value: 1 }])).toThrow(/does not exist/);
  });

  it('strategic merge merges named lists, primitive sets, and honours kubectl directives', () => {
    const original = {
      metadata: { finalizers: ['a'] },
      spec: {
        containers: [
          { name: 'x', image: 'x:1', env: [{ name: 'A', value: '1' }] },
          { name: 'y', image: 'y:1' },
        ],
        tolerations: [{ key: 'k' }],
        volumes: [{ name: 'v', emptyDir: {} }],
      },
    };
    const patch = {
      metadata: { finalizers: ['b'] },
      spec: {
        '$setElementOrder/containers': [{ name: 'y' }, { name: 'x' }],
        containers: [{ name: 'x', env: [{ name: 'B', value: '2' }] }, { name: 'y', $patch: 'delete' }],
        tolerations: [{ key: 'other' }],
        volumes: [{ name: 'w', configMap: { name: 'cm' } }],
      },
    };
    const out = strategicMerge(original, patch);
    expect(out.metadata.finalizers).toEqual(['a', 'b']);
    expect(out.spec.containers).toEqual([{ name: 'x', image: 'x:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }]);
    expect(out.spec.tolerations).toEqual([{ key: 'other' }]);
    expect(out.spec.volumes.map((v: any) => v.name)).toEqual(['v', 'w']);
    expect(strategicMerge({ f: ['a', 'b'] }, { '$deleteFromPrimitiveList/f': ['a'] })).toEqual({ f: ['b'] });
    expect(strategicMerge({ s: { a: 1, b: 2 } }, { s: { $patch: 'replace', c: 3 } })).toEqual({ s: { c: 3 } });
    expect(strategicMerge({ s: { type: 'A', a: 1 } }, { s: { $retainKeys: ['type'], type: 'B' } })).toEqual({ s: { type: 'B' } });
  });

  it('merges container ports by containerPort and service ports by port', () => {
    const out = applyPatch('strategic', { spec: { ports: [{ port: 80, name: 'http' }] } }, { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } });
    expect(out.spec.ports).toEqual([{ port: 80, name: 'http', targetPort: 8080 }, { port: 443 }]);
  });
});

describe('selectors', () => {
  const obj = (labels: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n', labels }, ...extra });

  it('parses set-based and numeric label requirements', () => {
    const sel = parseLabelSelector('tier in (a, b),!legacy,rank>2')!;
    expect(sel(obj({ tier: 'a', rank: '3' }))).toBe(true);
    expect(sel(obj({ tier: 'a', rank: '2' }))).toBe(false);
    expect(sel(obj({ tier: 'c', rank: '9' }))).toBe(false);
    expect(sel(obj({ tier: 'b', rank: '9', legacy: 'x' }))).toBe(false);
    expect(parseLabelSelector('')).toBeUndefined();
    expect(() => parseLabelSelector('a=b c')).toThrow(StatusError);
  });

  it('compares missing fields as empty strings', () => {
    const pods = builtinResources.find((r) => r.key === 'pods')!;
    const unscheduled = parseFieldSelector('spec.nodeName=', pods)!;
    expect(unscheduled(obj({}, { spec: {} }))).toBe(true);
    expect(unscheduled(obj({}, { spec: { nodeName: 'n1' } }))).toBe(false);
    expect(() => parseFieldSelector('spec.nodeName', pods)).toThrow(StatusError);
  });
});

describe('printing', () => {
  it('formats ages as kubectl does', () => {
    expect(humanDuration(5_000)).toBe('5s');
    expect(humanDuration(119_000)).toBe('119s');
    expect(humanDuration(150_000)).toBe('2m30s');
    expect(humanDuration(3 * 3600_000 + 60_000)).toBe('3h1m');
    expect(humanDuration(50 * 3600_000)).toBe('2d2h');
    expect(humanDuration(-5000)).toBe('<invalid>');
  });

  it('derives the pod STATUS column from container states', () => {
    const pod = (status: any, extra: any = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...extra }, spec: { containers: [{ name: 'c' }] }, status });
    expect(podStatusReason(pod({ phase: 'Pending' })).reason).toBe('Pending');
    expect(podStatusReason(pod({ phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] })).reason).toBe('ContainerCreating');
    const running = podStatusReason(pod({ phase: 'Running', containerStatuses: [{ ready: true, restartCount: 2, state: { running: {} } }] }));
    expect(running).toEqual({ reason: 'Running', ready: 1, total: 1, restarts: 2 });
    expect(podStatusReason(pod({ phase: 'Running' }, { deletionTimestamp: '2026-01-01T00:00:00Z' })).reason).toBe('Terminating');
  });
});
