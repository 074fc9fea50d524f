import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, type RunningPrometheus } from './prometheus-harness.js';
import { PrometheusClient } from '../../src/measure/prometheus/client.js';
import { UserError } from '../../src/shared/errors.js';
import { createMeasurement } from '../../src/measure/index.js';
import type { MetricsEndpoint } from '../../src/config/types.js';
import type { MeasurementClient } from '../../src/measure/types.js';

/** bcrypt (cost 4) of PASSWORD, for Prometheus' basic_auth_users. */
const PASSWORD = 'burn-test-password';
const HASH = '$2b$04$VNjK9Kb.RZyUEoKbcmL8je8l4FmjFn9tqyO1MWHCIV9oAk2rAeuKa';

describe('Prometheus behind basic auth (a real Prometheus with --web.config.file)', () => {
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheus([], { user: 'burn', password: PASSWORD, bcryptHash: HASH });
  });

  afterAll(async () => {
    await prometheus?.stop();
  });

  it('queries with username and password, or with them in the URL', async () => {
    const withFlags = new PrometheusClient({ endpoint: prometheus.url, username: 'burn', password: PASSWORD });
    const [one] = await withFlags.query('vector(1)', Date.now());
    expect(one!.value).toBe(1);
    await withFlags.close();
    const inUrl = new PrometheusClient({ endpoint: prometheus.url.replace('http://', `http://burn:${PASSWORD}@`) });
    expect(inUrl.endpoint).toBe(prometheus.url);
    expect((await inUrl.query('vector(2)', Date.now()))[0]!.value).toBe(2);
    await inUrl.close();
  });

  it('says the credentials were refused, without printing them', async () => {
    const wrong = new PrometheusClient({ endpoint: prometheus.url.replace('http://', 'http://burn:wrong-password@') });
    const err = await wrong.query('vector(1)', Date.now()).catch((e: unknown) => e);
    await wrong.close();
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`Prometheus at ${prometheus.url} refused the credentials (HTTP 401)`);
    expect((err as UserError).message).not.toContain('wrong-password');
  });

  it('the prometheus measurement checks the credentials before any load', async () => {
    const endpoint = (password: string): MetricsEndpoint => ({ endpoint: prometheus.url, token: '', username: 'burn', password, stepMs: 1000, skipTLSVerify: true, metrics: [], alerts: [], alias: '' });
    const preflight = (password: string) => createMeasurement('prometheus').preflight!({ client: {} as MeasurementClient, uuid: 'u', runId: 'r', metricsEndpoints: [endpoint(password)] });
    await expect(preflight(PASSWORD)).resolves.toBeUndefined();
    const err = await preflight('wrong-password').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`Prometheus at ${prometheus.url} refused the credentials (HTTP 401)`);
    expect((err as UserError).hint).toContain('username and password');
  });
});
