import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withSim } from '../sim/with-sim.js';
import { burn, countOfRun, FIXTURES, readJson, until } from './harness.js';

/**
 * Server-side storms against a run: every request answered 429 for a while (Retry-After honoured,
 * every retry counted), and watch streams cut every few hundred milliseconds (readiness still seen).
 * The simulator runs in the test process so that its faults can be switched on mid-run.
 */

function requestsAnswered(metrics: string, verb: string, resource: string, code: number): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    if (line.includes(`verb="${verb}"`) && line.includes(`resource="${resource}"`) && line.includes(`code="${code}"`)) total += Number(line.split(' ').at(-1));
  }
  return total;
}

describe('storms', () => {
  it('a 429 storm mid-run: burn waits as Retry-After says, loses nothing, and reports every retry', async () => {
    await withSim({ nodes: 2 }, async (sim) => {
      const client = await sim.connect();
      const uuid = 'storm-run';
      const reportDir = join(sim.dir, 'report');
      const run = burn(['init', '-c', join(FIXTURES, 'configmaps.yaml'), '--kubeconfig', sim.kubeconfigPath, '--uuid', uuid, '--report-dir', reportDir], {
        ITERATIONS: '80',
        QPS: '20',
        GC: 'false',
      });
      await until('the run to create some objects', async () => (await countOfRun(client, 'ConfigMap', uuid)) >= 20);
      sim.profile.faults.retryAfterSeconds = 1;
      sim.profile.faults.throttleRate = 1;
      await new Promise((resolve) => setTimeout(resolve, 2500));
      sim.profile.faults.throttleRate = 0;
      const ran = await run.done;
      expect(ran.code === 0 || ran.code === 5, `exit ${ran.code}\n${ran.stdout}\n${ran.stderr}`).toBe(true); // 5: inconclusive on a saturated machine, never a failure
      expect(await countOfRun(client, 'ConfigMap', uuid)).toBe(160);
      const [summary] = await readJson(join(reportDir, 'jobSummary.json'));
      expect(summary.objectsCreated).toBe(160);
      expect(summary.passed).toBe(true);
      const throttled = requestsAnswered((await sim.http().get('/metrics')).text, 'POST', 'configmaps', 429);
      expect(throttled).toBeGreaterThan(0);
      const api: Array<{ verb: string; resource: string; retries: number }> = await readJson(join(reportDir, 'apiLatencyMeasurement-faults.json'));
      const retried = api.filter((k) => k.verb === 'POST' && k.resource === 'configmaps').reduce((n, k) => n + k.retries, 0);
      expect(retried).toBe(throttled);
    });
  }, 300_000);

  it('a burst past the server\'s seats and queue: the overflow is answered 429 with Retry-After, burn sends it again and counts it', async () => {
    await withSim({ nodes: 2 }, async (sim) => {
      // 2 seats of 50 ms and one queue of 10 (40 creates/s) against a burst of 30 and then 30/s.
      sim.profile.maxInflight.mutating = 2;
      sim.profile.flowControl = { queues: 1, handSize: 1, queueLengthLimit: 10, queueWaitSeconds: 15 };
      sim.profile.serviceTime.create = { p50: 50, p99: 50 };
      const uuid = 'queue-run';
      const reportDir = join(sim.dir, 'report');
      const ran = await burn(['init', '-c', join(FIXTURES, 'configmaps.yaml'), '--kubeconfig', sim.kubeconfigPath, '--uuid', uuid, '--report-dir', reportDir], {
        ITERATIONS: '30',
        QPS: '30',
        GC: 'false',
      }).done;
      expect(ran.code === 0 || ran.code === 5, `exit ${ran.code}\n${ran.stdout}\n${ran.stderr}`).toBe(true);
      const client = await sim.connect();
      expect(await countOfRun(client, 'ConfigMap', uuid)).toBe(60);
      const metrics = (await sim.http().get('/metrics')).text;
      const throttled = requestsAnswered(metrics, 'POST', 'configmaps', 429);
      expect(throttled).toBeGreaterThan(0);
      const queueFull = metrics.split('\n').find((l) => l.startsWith('apiserver_flowcontrol_rejected_requests_total{') && l.includes('priority_level="mutating"') && l.includes('reason="queue-full"'));
      expect(Number(queueFull?.split(' ').at(-1))).toBeGreaterThanOrEqual(throttled);
      const api: Array<{ verb: string; resource: string; retries: number }> = await readJson(join(reportDir, 'apiLatencyMeasurement-faults.json'));
      const retried = api.filter((k) => k.verb === 'POST' && k.resource === 'configmaps').reduce((n, k) => n + k.retries, 0);
      expect(retried).toBe(throttled);
      expect(ran.stdout + ran.stderr).toMatch(new RegExp(`${throttled} answered 429 Too Many Requests by the API server`));
    });
  }, 300_000);

  it('watches cut every few hundred ms: every pod is still seen ready', async () => {
    await withSim({ nodes: 3 }, async (sim) => {
      sim.profile.faults.watchCutMs = 300;
      const uuid = 'cut-run';
      const reportDir = join(sim.dir, 'report');
      const ran = await burn(['init', '-c', join(FIXTURES, 'pods.yaml'), '--kubeconfig', sim.kubeconfigPath, '--uuid', uuid, '--report-dir', reportDir], { ITERATIONS: '30' }).done;
      expect(ran.code === 0 || ran.code === 5, `exit ${ran.code}\n${ran.stdout}\n${ran.stderr}`).toBe(true);
      const [summary] = await readJson(join(reportDir, 'jobSummary.json'));
      // passed: the job waited for its pods (waitWhenFinished) and saw all 30 ready through the cut watches.
      expect([summary.passed, summary.objectsCreated, summary.executionErrors]).toEqual([true, 30, '']);
    });
  }, 300_000);
});
