/**
 * burn's own metrics against Debian's real Prometheus and Pushgateway: a --sim run serves its
 * metrics (scraped by the test and by Prometheus while it runs) and pushes its SLIs and verdict to
 * the Pushgateway, where the Prometheus that scrapes the Pushgateway finds them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectHealthyExit } from '../helpers/healthy-exit.js';
import { freePort, startPrometheus, type RunningPrometheus } from '../measure/prometheus-harness.js';
import { burn } from '../helpers/burn-cli.js';
import { startPushgateway, type RunningPushgateway } from './pushgateway-harness.js';
import { quickstartJobConfig } from '../helpers/quickstart-job.js';
import { startSim } from '../../src/sim/index.js';
import { connectCluster } from '../../src/kube/index.js';

const CONFIG = quickstartJobConfig({ name: 'metered', jobIterations: 8, qps: 2, burst: 1, podReplicas: 1, podWait: false });

const VERDICT_OF_EXIT: Record<number, string> = { 0: 'pass', 5: 'inconclusive' };

/** The value of the first sample of `name` whose labels include all of `labels`, in Prometheus text. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map([...(m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(m[4]);
  }
  return undefined;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function query(prometheus: RunningPrometheus, promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return body.data.result;
}

describe('burn --metrics-port and --pushgateway against a real Prometheus and Pushgateway', () => {
  let scratch: string;
  let config: string;
  let pushgateway: RunningPushgateway;
  let prometheus: RunningPrometheus;
  let burnPort: number;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'burn-telemetry-'));
    config = join(scratch, 'metered.yaml');
    await writeFile(config, CONFIG);
    await writeFile(join(scratch, 'meta.yaml'), 'platform: eks\nrelease: "1.34"\n');
    pushgateway = await startPushgateway();
    burnPort = await freePort();
    prometheus = await startPrometheus([
      { url: `${pushgateway.url}/metrics`, honorLabels: true },
      { url: `http://127.0.0.1:${burnPort}/metrics`, mayBeDown: true },
    ]);
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await pushgateway?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('serves live figures during the run, pushes SLIs and verdict, and Prometheus finds both', async () => {
    const uuid = `metered-${Math.random().toString(36).slice(2, 8)}`;
    const run = burn('init', '-c', config, '--sim', '--uuid', uuid, '--report-dir', join(scratch, 'run'), '--user-metadata', join(scratch, 'meta.yaml'), '--metrics-port', String(burnPort), '--pushgateway', pushgateway.url);
    await run.said(`burn's metrics: http://127.0.0.1:${burnPort}/metrics`);

    // During the run: the job's phase, its requests by verb and code, its iterations, burn's own event loop and CPU.
    const live = await until('a scrape while the job runs', async () => {
      const text = await (await fetch(`http://127.0.0.1:${burnPort}/metrics`)).text();
      return sample(text, 'burn_phase', { job_name: 'metered', uuid }) === 1 && (sample(text, 'burn_requests_total', { job_name: 'metered', verb: 'POST', origin: 'workload' }) ?? 0) > 0 ? text : undefined;
    }, 180_000);
    expect(sample(live, 'burn_job_iterations', { job_name: 'metered' })).toBe(8);
    expect(sample(live, 'burn_job_iteration', { job_name: 'metered' })).toBeGreaterThanOrEqual(1);
    expect(sample(live, 'burn_run_info', { uuid, config: 'metered.yaml', target: 'sim', platform: 'eks', release: '1.34' })).toBe(1);
    expect(sample(live, 'burn_nodejs_eventloop_lag_p99_seconds', { uuid })).toBeGreaterThanOrEqual(0);
    expect(sample(live, 'burn_process_cpu_seconds_total', { uuid })).toBeGreaterThan(0);

    const ran = await run;
    expectHealthyExit(ran.code, ran.stderr);
    const verdict = VERDICT_OF_EXIT[ran.code]!;
    expect(ran.stderr).toContain(`pushed to ${pushgateway.url}/metrics/job/burn/uuid/${uuid}/config/metered.yaml`);
    // The server stops with the run.
    await expect(fetch(`http://127.0.0.1:${burnPort}/metrics`)).rejects.toThrow();

    // In the Pushgateway, under the run's grouping key.
    const pushed = await pushgateway.metrics();
    const group = { job: 'burn', uuid, config: 'metered.yaml' };
    expect(sample(pushed, 'burn_run_verdict', { ...group, verdict })).toBe(1);
    expect(sample(pushed, 'burn_run_exit_code', group)).toBe(ran.code);
    expect(sample(pushed, 'burn_sli_value', { ...group, slo: 'Pod startup latency', source: 'watch', binding: 'true' })).toBeGreaterThan(0);
    expect(sample(pushed, 'burn_sli_threshold', { ...group, slo: 'Pod startup latency', source: 'watch', binding: 'true' })).toBe(5000);
    expect(sample(pushed, 'burn_run_info', { ...group, target: 'sim', k8s_version: 'v1.34.0-burn-sim', platform: 'eks' })).toBe(1);
    expect(sample(pushed, 'burn_job_requests', { ...group, job_name: 'metered' })).toBeGreaterThanOrEqual(8);
    expect(sample(pushed, 'burn_objects_total', { ...group, job_name: 'metered', action: 'created' })).toBeGreaterThanOrEqual(8);

    // And in the Prometheus that scrapes the Pushgateway (honor_labels, as a Pushgateway is scraped).
    const found = await until('the verdict in Prometheus', async () => {
      const r = await query(prometheus, `burn_run_verdict{uuid="${uuid}",verdict="${verdict}"}`);
      return r.length ? r : undefined;
    });
    expect(found[0]!.metric).toMatchObject({ job: 'burn', config: 'metered.yaml' });
    expect(found[0]!.value[1]).toBe('1');
    const sli = await until('the pod startup SLI in Prometheus', async () => {
      const r = await query(prometheus, `burn_sli_passed{uuid="${uuid}",slo="Pod startup latency",binding="true"}`);
      return r.length ? r : undefined;
    });
    expect(sli[0]!.value[1]).toBe(ran.code === 0 ? '1' : sli[0]!.value[1]);
    // Prometheus scraped burn itself while the run went on.
    const scraped = await until('burn scraped during the run', async () => {
      const r = await query(prometheus, `max_over_time(burn_job_iterations{uuid="${uuid}",job_name="metered"}[1h])`);
      return r.length ? r : undefined;
    });
    expect(scraped[0]!.value[1]).toBe('8');
  }, 300_000);

  it('refuses a port in use, a Pushgateway that does not answer, and --metrics-address alone, before anything starts', async () => {
    const busy: Server = createServer();
    const port = await freePort();
    await new Promise<void>((r) => busy.listen(port, '127.0.0.1', () => r()));
    try {
      const inUse = await burn('init', '-c', config, '--sim', '--metrics-port', String(port), '--report-dir', join(scratch, 'busy'));
      expect(inUse.code).toBe(1);
      expect(inUse.stderr).toContain(`--metrics-port ${port}: 127.0.0.1:${port} is already in use`);
      expect(inUse.stderr).not.toMatch(/\n\s+at /);
      expect(inUse.stderr).not.toContain('starting the simulated cluster');
    } finally {
      await new Promise<void>((r) => busy.close(() => r()));
    }
    const closed = await freePort();
    const down = await burn('init', '-c', config, '--sim', '--pushgateway', `http://127.0.0.1:${closed}`, '--report-dir', join(scratch, 'down'));
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`--pushgateway http://127.0.0.1:${closed}: no answer`);
    expect(down.stderr).not.toContain('starting the simulated cluster');
    const alone = await burn('init', '-c', config, '--sim', '--metrics-address', '0.0.0.0');
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('--metrics-address needs --metrics-port');
  }, 120_000);

  it('burn measure takes the same flags: serves its window live (phase measuring) and pushes its SLIs and verdict', async () => {
    const kubeconfig = join(scratch, 'measure.kubeconfig');
    const sim = await startSim({ nodes: 2, seed: 5, kubeconfigOut: kubeconfig });
    const client = await connectCluster({ kubeconfig, qps: 100, burst: 100 });
    try {
      const uuid = `measured-${Math.random().toString(36).slice(2, 8)}`;
      const run = burn('measure', '--kubeconfig', kubeconfig, '--duration', '6s', '--selector', 'app=measured', '--uuid', uuid, '--report-dir', join(scratch, 'measured'), '--user-metadata', join(scratch, 'meta.yaml'), '--metrics-port', String(burnPort), '--pushgateway', pushgateway.url);
      await run.said('measuring podLatency, schedulingThroughput');
      for (let i = 0; i < 3; i++) {
        await client.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `measured-${i}`, namespace: 'default', labels: { app: 'measured' } }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } });
      }
      const live = await until('a scrape while burn measure watches', async () => {
        const text = await (await fetch(`http://127.0.0.1:${burnPort}/metrics`)).text();
        return sample(text, 'burn_phase', { job_name: '', phase: 'measuring', uuid }) === 1 && (sample(text, 'burn_requests_total', { verb: 'LIST', origin: 'burn' }) ?? 0) > 0 ? text : undefined;
      });
      expect(sample(live, 'burn_run_info', { uuid, target: 'real', platform: 'eks', release: '1.34' })).toBe(1);

      const ran = await run;
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stderr).toContain(`pushed to ${pushgateway.url}/metrics/job/burn/uuid/${uuid}/config@base64/=`);
      await expect(fetch(`http://127.0.0.1:${burnPort}/metrics`)).rejects.toThrow();
      const pushed = await pushgateway.metrics();
      const group = { job: 'burn', uuid };
      expect(sample(pushed, 'burn_run_verdict', { ...group, verdict: 'pass' })).toBe(1);
      expect(sample(pushed, 'burn_run_exit_code', group)).toBe(0);
      expect(sample(pushed, 'burn_sli_value', { ...group, slo: 'Pod startup latency', source: 'watch' })).toBeGreaterThan(0);
      const found = await until('burn measure\'s verdict in Prometheus', async () => {
        const r = await query(prometheus, `burn_run_verdict{uuid="${uuid}",verdict="pass"}`);
        return r.length ? r : undefined;
      });
      expect(found[0]!.value[1]).toBe('1');
    } finally {
      await client.close();
      await sim.stop();
    }
    const alone = await burn('measure', '--kubeconfig', kubeconfig, '--metrics-linger', '5s');
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('--metrics-linger needs --metrics-port');
  }, 300_000);
});
