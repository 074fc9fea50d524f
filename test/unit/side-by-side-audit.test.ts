// The side-by-side bench reads each tool's send span from the API server's audit log of creates.
import { mkdtempSync, rmSync, writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditLogOf, parseAuditedCreates } from '../helpers/side-by-side/api-server.js';

function event(resource: string, name: string, received: string, code = 201, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', stage: 'ResponseComplete', verb: 'create',
    user: { username: 'burn-admin' }, objectRef: { resource, namespace: 'ns', name, apiVersion: 'v1' },
    responseStatus: { code }, requestReceivedTimestamp: received, stageTimestamp: received, ...extra,
  });
}

describe('the audit log of creates', () => {
  it('gives each create its resource, name, answer and the time the API server received it, to the millisecond', () => {
    const text = [
      event('pods', 'a', '2026-11-30T17:00:00.123456Z'),
      event('pods', 'b', '2026-11-30T17:00:02.987654Z', 409),
      event('pods', 'c', '2026-11-30T17:00:03.000001Z', 201, { objectRef: { resource: 'pods', subresource: 'eviction', name: 'c' } }),
      event('configmaps', 'd', '2026-11-30T17:00:04.5Z', 201, { stage: 'ResponseStarted' }),
      event('configmaps', 'e', '2026-11-30T17:00:05.5Z', 201, { verb: 'update' }),
      '{"kind":"Event","stage":"ResponseCo', // the line being written when the file was read
    ].join('\n');
    expect(parseAuditedCreates(text)).toEqual([
      { resource: 'pods', namespace: 'ns', name: 'a', code: 201, receivedMs: Date.parse('2026-11-30T17:00:00.123Z') },
      { resource: 'pods', namespace: 'ns', name: 'b', code: 409, receivedMs: Date.parse('2026-11-30T17:00:02.987Z') },
    ]);
  });

  it('is found beside a kubeconfig that `up --audit-creates` wrote, and only there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbs-audit-'));
    try {
      writeFileSync(join(dir, 'kubeconfig'), '');
      expect(auditLogOf(join(dir, 'kubeconfig'))).toBeUndefined();
      mkdirSync(join(dir, 'audit'));
      appendFileSync(join(dir, 'audit', 'creates.log'), `${event('pods', 'a', '2026-11-30T17:00:00Z')}\n`);
      expect(auditLogOf(join(dir, 'kubeconfig'))).toBe(join(dir, 'audit', 'creates.log'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
