/**
 * Agents: N load generators share one timeline by completion index, the way an Indexed Job runs
 * them (JOB_COMPLETION_INDEX, the plan in their environment), start at one instant, and their
 * summaries merge exactly into the result one agent at the same total rate gives.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrafficSpec } from '../../src/config/index.js';
import { agentJob, burnImage } from '../../src/engine/traffic-agents.js';
import { agentEnvironment, decodeHistogram, latencyFigures, mergeSummaries, parseSummaryLine, type AgentWork, type TrafficSummary } from '../../src/traffic/index.js';
import { encodeHistogram, newHistogram, recordMs } from '../../src/traffic/histogram.js';
import { getTarget, trafficSpec } from '../helpers/traffic-spec.js';
import { startLatencyServer, type LatencyServer } from './server.js';

let server: LatencyServer;
beforeAll(async () => {
  server = await startLatencyServer(2);
});
afterAll(() => server.stop());

function spec(parallelism: number): TrafficSpec {
  return trafficSpec({
    targets: [getTarget(`${server.url}/`)],
    startRate: 50,
    stages: [
      { durationMs: 2000, target: 150 },
      { durationMs: 1000, target: 150 },
    ],
    connections: 8,
    parallelism,
    agents: { mode: 'processes', startDelayMs: 0, image: '', namespace: '' },
  });
}

/** `burn traffic-agent` as a pod of the Indexed Job runs it: the plan and the completion index in its environment. */
function agent(work: AgentWork, index: number): Promise<TrafficSummary> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve('bin/burn.js'), 'traffic-agent', '--log-level', 'warn'], { env: { ...process.env, ...agentEnvironment(work), JOB_COMPLETION_INDEX: String(index) } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => {
      const summary = parseSummaryLine(out);
      if (code !== 0 || !summary) fail(new Error(`agent ${index} exited ${code}: ${err}`));
      else done(summary);
    });
  });
}

describe('traffic agents', () => {
  it('two agents (completion index 0 and 1) give one merged result equal in counts to a single agent at the same total rate', async () => {
    // Planned: 50 -> 150 req/s over 2 s (200) then 150 req/s for 1 s (150).
    const startWallMs = Date.now() + 4000;
    const [a0, a1] = await Promise.all([agent({ spec: spec(2), targets: spec(2).targets, startWallMs }, 0), agent({ spec: spec(2), targets: spec(2).targets, startWallMs }, 1)]);
    const single = await agent({ spec: spec(1), targets: spec(1).targets, startWallMs: Date.now() + 4000 }, 0);
    const merged = mergeSummaries([a1!, a0!]);
    expect(merged.agents).toEqual([0, 1]);
    expect(a0!.total.counts.planned).toBe(175);
    expect(a1!.total.counts.planned).toBe(175);
    for (const s of [merged, single]) {
      expect(s.total.counts.planned).toBe(350);
      expect(s.total.counts.sent + s.total.counts.dropped).toBe(350);
      expect(s.total.counts.succeeded + s.total.counts.failed).toBe(s.total.counts.sent);
    }
    // Equal in counts, window by window: per stage and per second of the timeline.
    expect(merged.stages.map((w) => w.counts.planned)).toEqual(single.stages.map((w) => w.counts.planned));
    expect(merged.seconds.map((w) => w.counts.planned)).toEqual(single.seconds.map((w) => w.counts.planned));
    expect(merged.seconds.map((w) => w.counts.planned)).toEqual([75, 125, 150]);
    // The merged histogram holds every answer of both agents (counts add, nothing averaged).
    const answered = (x: TrafficSummary) => latencyFigures(decodeHistogram(x.total.latency)).count;
    expect(answered(merged)).toBe(answered(a0!) + answered(a1!));
    expect(answered(merged)).toBeGreaterThan(0);
  }, 180_000);

  it('merges histograms exactly: the percentiles of the merge are those of all values recorded in one', () => {
    const all = newHistogram();
    const parts = [newHistogram(), newHistogram(), newHistogram()];
    for (let i = 0; i < 30_000; i++) {
      const ms = 1 + ((i * 7919) % 5000) / 100;
      recordMs(all, ms);
      recordMs(parts[i % 3]!, ms);
    }
    const window = (h: ReturnType<typeof newHistogram>) => ({ counts: { planned: 0, sent: 0, succeeded: 0, failed: 0, dropped: 0, late: 0, byStatus: {}, byError: {} }, latency: encodeHistogram(h) });
    const summaries: TrafficSummary[] = parts.map((h, i) => ({ startWallMs: 1, timelineMs: 1000, agents: [i], parallelism: 3, total: window(h), stages: [window(h)], seconds: [window(h)], sendLag: encodeHistogram(h), peakInFlight: 1, sendSpanMs: 1, elapsedMs: 1, cpuMs: 1 }));
    const merged = latencyFigures(decodeHistogram(mergeSummaries(summaries).total.latency));
    expect(merged).toEqual(latencyFigures(all));
    expect(() => mergeSummaries([summaries[0]!, summaries[0]!])).toThrow(/agent 0 reported twice/);
  });

  it('makes the Indexed Job of burn\'s image that runs the agents', () => {
    const s = { ...spec(4), agents: { mode: 'pods' as const, startDelayMs: 60_000, image: '', namespace: 'load' } };
    const work: AgentWork = { spec: s, targets: s.targets, startWallMs: 1_800_000_000_000 };
    const job = agentJob({ spec: s, uuid: 'u-1', jobName: 'ad-load', namespace: 'load' }, work) as any;
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.metadata).toMatchObject({ name: 'burn-traffic-ad-load', namespace: 'load', labels: { 'burn.dev/uuid': 'u-1', 'burn.dev/job': 'ad-load' } });
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 4, backoffLimit: 0 });
    expect(job.spec.activeDeadlineSeconds).toBe(60 + 3 + 10 + 60);
    const container = job.spec.template.spec.containers[0];
    expect(container.image).toBe(burnImage());
    expect(burnImage()).toMatch(/^burn:\d+\.\d+\.\d+-[0-9a-f]{7}$|^burn:\d+\.\d+\.\d+-unknown$/);
    expect(container.args).toEqual(['traffic-agent', '--log-level', 'warn']);
    expect(JSON.parse(container.env.find((e: { name: string }) => e.name === 'BURN_TRAFFIC_PLAN').value)).toEqual(work);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });
});
