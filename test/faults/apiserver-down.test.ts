import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeClient } from '../../src/kube/index.js';
import { burn, clientFor, countOfRun, FIXTURES, readJson, scratchDir, simProcess, until, type SimProcess } from './harness.js';

/**
 * The API server goes away in the middle of a run: killed (it never comes back) or frozen
 * (SIGSTOP: connections hang, as when a control plane stalls) and back later (SIGCONT). burn must
 * not hang: it retries, then fails with a clear message, writes the run folder with what it did,
 * and `burn destroy --uuid` removes what is left once the server answers again.
 */

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function setUp(): Promise<{ dir: string; sim: SimProcess; client: KubeClient }> {
  const scratch = await scratchDir();
  cleanups.push(scratch.remove);
  const sim = await simProcess(scratch.dir);
  cleanups.push(sim.kill);
  const client = await clientFor(sim.kubeconfigPath);
  cleanups.push(() => client.destroy());
  return { dir: scratch.dir, sim, client };
}

const NO_STACK = /\n\s+at .+:\d+:\d+/;

describe('the API server goes away mid-run', () => {
  it('killed: burn retries, then exits 1 naming the unreachable server, with the run folder written', async () => {
    const { dir, sim, client } = await setUp();
    const uuid = 'killed-run';
    const reportDir = join(dir, 'report');
    const run = burn(['init', '-c', join(FIXTURES, 'configmaps.yaml'), '--kubeconfig', sim.kubeconfigPath, '--uuid', uuid, '--report-dir', reportDir], {
      ITERATIONS: '400',
      QPS: '20',
    });
    await until('the run to create some objects', async () => (await countOfRun(client, 'ConfigMap', uuid)) >= 20);
    await sim.kill();
    const ran = await run.done;
    expect(ran.code, ran.stderr).toBe(1);
    expect(ran.stderr).toContain(`cannot reach the Kubernetes API server ${sim.url}`);
    expect(ran.stderr).not.toMatch(NO_STACK);
    expect(existsSync(join(reportDir, 'run.json')), `no run folder: ${ran.stderr}`).toBe(true);
    const [summary] = await readJson(join(reportDir, 'jobSummary.json'));
    expect(summary.objectsCreated).toBeGreaterThanOrEqual(20);
    expect(summary.objectsCreated).toBeLessThan(800);
    expect(summary.passed).toBe(false);
    expect(`${ran.stdout}${ran.stderr}`).toContain(`burn destroy --uuid ${uuid}`);
  }, 300_000);

  it('frozen: burn times out, fails clearly with partial results; once the server is back, burn destroy removes what is left', async () => {
    const { dir, sim, client } = await setUp();
    const uuid = 'frozen-run';
    const reportDir = join(dir, 'report');
    const run = burn(['init', '-c', join(FIXTURES, 'configmaps.yaml'), '--kubeconfig', sim.kubeconfigPath, '--uuid', uuid, '--report-dir', reportDir], {
      ITERATIONS: '400',
      QPS: '20',
      TIMEOUT: '2s',
    });
    await until('the run to create some objects', async () => (await countOfRun(client, 'ConfigMap', uuid)) >= 20);
    sim.pause();
    const ran = await run.done;
    sim.resume();
    expect(ran.code, ran.stderr).toBe(1);
    expect(ran.stderr).toMatch(/Timeout|timed out|no answer/i);
    expect(ran.stderr).not.toMatch(NO_STACK);
    // Once the server had answered nothing for a while, requestTimeout (2s) bounded every request,
    // the end-of-job /metrics scrapes too (they wait 30 s for a server that answers).
    expect(`${ran.stdout}${ran.stderr}`).toContain('headers timeout after 2000');
    expect(`${ran.stdout}${ran.stderr}`).not.toMatch(/timeout after [1-9]\d{4,}/);
    expect(existsSync(join(reportDir, 'run.json')), `no run folder: ${ran.stderr}`).toBe(true);
    const [summary] = await readJson(join(reportDir, 'jobSummary.json'));
    expect(summary.objectsCreated).toBeGreaterThanOrEqual(20);
    // The server kept what it had: burn's gc could not reach it, burn destroy can.
    const left = await countOfRun(client, 'ConfigMap', uuid);
    expect(left).toBeGreaterThanOrEqual(summary.objectsCreated);
    const destroy = await burn(['destroy', '--uuid', uuid, '--kubeconfig', sim.kubeconfigPath]).done;
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(destroy.stdout).toMatch(/removed 1 namespace\(s\)/);
    await until('the namespace to be gone', async () => (await countOfRun(client, 'Namespace', uuid)) === 0, 60_000);
    expect(await countOfRun(client, 'ConfigMap', uuid)).toBe(0);
  }, 300_000);
});
