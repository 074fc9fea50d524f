import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { groupUrl, labelName, phaseName } from '../../src/telemetry/index.js';
import { pushMetrics } from '../../src/telemetry/push.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** A 127.0.0.1 server answering each request with the next status of `statuses` (the last one repeats). */
async function answering(statuses: number[]): Promise<{ url: string; requests: Array<{ method: string; url: string; body: string }> }> {
  const requests: Array<{ method: string; url: string; body: string }> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, body });
      const status = statuses[Math.min(requests.length - 1, statuses.length - 1)]!;
      res.writeHead(status).end(status >= 400 ? 'refused for the test' : '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  close = () => new Promise((r) => server.close(() => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

function registry(): Registry {
  const r = new Registry();
  new Gauge({ name: 'burn_run_exit_code', help: 'x', registers: [r] }).set(0);
  return r;
}

describe('the push to a Pushgateway', () => {
  it('groups under job=burn, uuid and config; a value with "/" or an empty one is base64url', () => {
    expect(groupUrl('http://gw:9091/', { uuid: 'u-1', config: 'nightly.yaml' })).toBe('http://gw:9091/metrics/job/burn/uuid/u-1/config/nightly.yaml');
    expect(groupUrl('http://gw:9091/prefix', { config: 'a/b.yaml', empty: '' })).toBe(`http://gw:9091/prefix/metrics/job/burn/config@base64/${Buffer.from('a/b.yaml').toString('base64url')}/empty@base64/=`);
  });

  it('retries a Pushgateway that fails (HTTP 503), then succeeds with a PUT of the figures', async () => {
    const gw = await answering([503, 200]);
    const where = await pushMetrics(gw.url, registry(), { uuid: 'u-1', config: 'c.yaml' });
    expect(where).toBe(`${gw.url}/metrics/job/burn/uuid/u-1/config/c.yaml`);
    expect(gw.requests.map((r) => r.method)).toEqual(['PUT', 'PUT']);
    expect(gw.requests[1]!.body).toContain('burn_run_exit_code 0');
  });

  it('does not resend figures the Pushgateway refused (HTTP 400) and says why', async () => {
    const gw = await answering([400]);
    await expect(pushMetrics(gw.url, registry(), { uuid: 'u-1', config: 'c.yaml' })).rejects.toThrow(/failed: HTTP 400: refused for the test/);
    expect(gw.requests).toHaveLength(1);
  });
});

describe('metric and label names', () => {
  it('a job phase without its counters is one series per phase', () => {
    expect(phaseName('waiting (iteration 3)')).toBe('waiting');
    expect(phaseName('churn cycle 2')).toBe('churn cycle');
    expect(phaseName('creating group 4')).toBe('creating group');
    expect(phaseName('creating')).toBe('creating');
  });

  it('a --user-metadata key becomes a valid label name', () => {
    expect(labelName('k8s.release-train')).toBe('k8s_release_train');
    expect(labelName('9lives')).toBe('_9lives');
    expect(labelName('__meta')).toBe('x_meta');
  });
});
