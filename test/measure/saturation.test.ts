/**
 * The saturation rule on a real event loop: a busy loop in this process saturates it, an idle
 * one does not. Classification only: no time is asserted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectCluster } from '../../src/kube/index.js';
import { startSim } from '../../src/sim/index.js';
import { createMeasurement } from '../../src/measure/index.js';
import { parseMetricsText } from '../../src/measure/metrics-text.js';
import { SATURATION_LOOP_DELAY_MS, saturationCause, saturationReport, simulatorCounters, simulatorSelfDelay, simulatorTally, WindowTally } from '../../src/measure/saturation.js';
import { builtinProfiles } from '../../src/sim/profiles.js';
import type { MeasurementContext, MeasurementResult } from '../../src/measure/types.js';

const ctx: MeasurementContext = {
  client: { onRequest: () => undefined, watchResources: () => ({ synced: Promise.resolve(), stop: () => undefined }) },
  uuid: 'u', runId: 'r', jobName: 'j', labelSelector: '', metricsEndpoints: [], window: () => ({ startMs: 0 }),
};

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function sample(work: () => Promise<void>): Promise<MeasurementResult> {
  const m = createMeasurement('saturation');
  await m.start(ctx);
  await work();
  await m.stop();
  return m.collect();
}

describe('saturation', () => {
  it('classifies windows by the rule: p99 above 50 ms in more than 10% of them', () => {
    const tally = new WindowTally();
    for (let i = 0; i < 9; i++) tally.add(3);
    tally.add(SATURATION_LOOP_DELAY_MS + 1);
    expect(saturationReport('burn', tally)).toMatchObject({ samples: 10, saturatedFraction: 0.1, saturated: false });
    tally.add(200, 2);
    expect(saturationReport('burn', tally)).toMatchObject({ samples: 12, saturated: true, loopDelayP99Ms: 200 });
  });

  it('reads the simulator windows from the difference of its histogram', () => {
    const text = (c: number[]) => parseMetricsText(['0.01', '0.05', '0.1', '+Inf'].map((le, i) => `simulator_eventloop_delay_window_p99_seconds_bucket{le="${le}"} ${c[i]}`).join('\n') + '\nsimulator_process_cpu_seconds_total 4.5\n');
    const start = simulatorCounters(text([10, 10, 10, 10]))!;
    const end = simulatorCounters(text([15, 16, 19, 20]))!;
    const report = saturationReport('simulator', simulatorTally(start.cumulative, end.cumulative));
    expect(report).toMatchObject({ samples: 10, saturatedFraction: 0.4, saturated: true, loopDelayP99Ms: 101 });
    expect(simulatorCounters(parseMetricsText('apiserver_request_total 3\n'))).toBeUndefined();
  });

  it("reads the simulator's own delay per kind from the difference of its histograms: P99 with its count, the maximum under 100", () => {
    const bucket = (name: string, les: string[], counts: number[]) => les.map((le, i) => `${name}_bucket{le="${le}"} ${counts[i]}`).join('\n');
    const les = ['1', '10', '60', '+Inf'];
    const text = (requests: number[], pods: number[]) =>
      parseMetricsText(
        [
          bucket('simulator_eventloop_delay_window_p99_seconds', ['0.05', '+Inf'], [1, 1]),
          bucket('simulator_request_self_delay_seconds', les, requests),
          bucket('simulator_pod_startup_self_delay_seconds', les, pods),
        ].join('\n') + '\n',
      );
    const start = simulatorCounters(text([100, 100, 100, 100], [5, 5, 5, 5]))!;
    // 1,000 requests more: 900 under 1 s, 100 between 10 and 60 s (the P99 rank falls there); 40 pods, 2 of them 1-10 s late
    const end = simulatorCounters(text([1000, 1000, 1100, 1100], [43, 45, 45, 45]))!;
    expect(simulatorSelfDelay(start, end)).toEqual({ request: { p99Ms: 55_000, samples: 1000 }, pod: { p99Ms: 10_000, samples: 40, p99IsMax: true } });
    // a kind without samples in the job is left out
    expect(simulatorSelfDelay(end, end)).toEqual({});
  });

  it('names a busy machine as the cause when the saturated process itself used little CPU', () => {
    const report = (cpuSeconds: number) => ({ source: 'burn' as const, samples: 4, loopDelayP99Ms: 80, saturatedFraction: 0.5, saturated: true, cpuSeconds });
    expect(saturationCause(report(0.2))).toBe(' (it used 5% of a core: other processes held the CPU, the machine was too busy)');
    expect(saturationCause(report(3.6))).toBe('');
    expect(saturationCause({ ...report(0.2), saturated: false })).toBe('');
  });

  it('finds burn saturated when a busy loop blocks its event loop', async () => {
    const result = await sample(async () => {
      for (let i = 0; i < 12; i++) {
        const until = performance.now() + 250;
        while (performance.now() < until) { /* keep the loop busy */ }
        await sleep(1);
      }
    });
    const [burn] = result.saturation!;
    expect(burn).toMatchObject({ source: 'burn', saturated: true });
    expect(burn!.samples).toBeGreaterThan(0);
    expect(burn!.cpuSeconds).toBeGreaterThan(0);
    expect(result.warnings!.join('\n')).toMatch(/burn's event loop was saturated.*client-side API latency and watch-clock pod times are unreliable/);
  }, 60_000);

  it('finds burn not saturated on an idle event loop, or says the machine was too busy, not burn', async () => {
    const result = await sample(() => sleep(3000));
    const [burn] = result.saturation!;
    expect(burn).toMatchObject({ source: 'burn' });
    // An idle loop is delayed only when other processes hold the CPU (a busy machine): burn's own CPU shows it.
    if (burn!.saturated) expect(result.warnings!.join('\n')).toMatch(/burn's event loop was saturated \(it used \d+% of a core: other processes held the CPU, the machine was too busy\)/);
    else expect(result.warnings).toEqual([]);
  }, 60_000);

  it("never reads a real API server's /metrics, which has none of the simulator's figures", async () => {
    const asked: string[] = [];
    const client = {
      ...ctx.client,
      request: async <R>(req: { path: string }) => {
        asked.push(req.path);
        return { gitVersion: 'v1.34.4' } as R;
      },
      requestStream: async (path: string) => void asked.push(path),
    };
    const m = createMeasurement('saturation');
    await m.start({ ...ctx, client });
    await m.stop();
    const result = await m.collect();
    expect(asked).toEqual(['/version']);
    expect(result.saturation!.map((r) => r.source)).toEqual(['burn']);
  });

  it("reads the simulator's own windows from its /metrics", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'burn-sat-'));
    const sim = await startSim({ nodes: 1, seed: 1, kubeconfigOut: join(dir, 'kubeconfig') });
    const client = await connectCluster({ kubeconfig: join(dir, 'kubeconfig'), env: {} });
    try {
      const m = createMeasurement('saturation');
      await m.start({ ...ctx, client: client.unlimited() });
      await sleep(2500);
      await m.stop();
      const result = await m.collect();
      const simulator = result.saturation!.find((r) => r.source === 'simulator')!;
      expect(simulator.samples).toBeGreaterThan(0);
      expect(typeof simulator.saturated).toBe('boolean');
      expect(simulator.cpuSeconds).toBeGreaterThanOrEqual(0);
      expect(simulator.selfDelay?.request).toBeUndefined();
    } finally {
      await client.close();
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("reads what a starved simulator added to its answers itself at the job's start and end", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'burn-sat-'));
    const profile = structuredClone(builtinProfiles.default!);
    profile.faults.cpuMsPerRequest = 300;
    const sim = await startSim({ nodes: 1, seed: 1, profile, kubeconfigOut: join(dir, 'kubeconfig') });
    const client = await connectCluster({ kubeconfig: join(dir, 'kubeconfig'), env: {} });
    try {
      const m = createMeasurement('saturation');
      await m.start({ ...ctx, client: client.unlimited() });
      await Promise.all(Array.from({ length: 4 }, () => client.unlimited().request({ method: 'GET', path: '/api/v1/namespaces' })));
      await m.stop();
      const simulator = (await m.collect()).saturation!.find((r) => r.source === 'simulator')!;
      // four requests, each holding the simulator 300 ms: under 100 samples the figure is their maximum
      expect(simulator.selfDelay?.request).toMatchObject({ samples: 4, p99IsMax: true });
      expect(simulator.selfDelay!.request!.p99Ms).toBeGreaterThanOrEqual(300);
    } finally {
      await client.close();
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
