/** The achieved rate as k6 counts it, and the recorder's seconds (closed once their requests end). */
import { describe, expect, it } from 'vitest';
import { achievedRate, decodeHistogram, latencyFigures, targetRate, trafficResult, type TrafficSummary } from '../../src/traffic/index.js';
import { trafficSpec } from '../helpers/traffic-spec.js';
import { TrafficRecorder } from '../../src/traffic/recorder.js';

function summaryOf(recorder: TrafficRecorder, timelineMs: number, sendSpanMs: number): TrafficSummary {
  return recorder.summary({ startWallMs: 0, timelineMs, agents: [0], parallelism: 1, sendSpanMs, elapsedMs: timelineMs, cpuMs: 0 });
}

describe('traffic rate and recorder', () => {
  it('counts the achieved rate over the scheduled time, or over the time sending took when it ran past the timeline', () => {
    const recorder = new TrafficRecorder(1, 10);
    for (let i = 0; i < 100; i++) {
      recorder.planned(0, Math.floor(i / 50));
      recorder.sent(0, Math.floor(i / 50), i < 90 ? 0.5 : 40, 1);
      recorder.answered(0, Math.floor(i / 50), 5, 200);
    }
    const onTime = summaryOf(recorder, 2000, 1990);
    expect(targetRate(onTime)).toBe(50);
    expect(achievedRate(onTime)).toBe(50);
    // The last requests left 500 ms after the timeline's end: 100 over 2.5 s.
    expect(achievedRate(summaryOf(recorder, 2000, 2500))).toBe(40);
    expect(onTime.total.counts.late).toBe(10);
    expect(onTime.seconds.map((w) => w.counts.late)).toEqual([0, 10]);
  });

  it('keeps each second exact whether its requests end before or after the next second starts', () => {
    const recorder = new TrafficRecorder(2, 10);
    // Second 0: one request answered late (after second 1's arrivals), one on time; second 1: a timeout and a 503.
    recorder.planned(0, 0);
    recorder.sent(0, 0, 0, 1);
    recorder.planned(0, 0);
    recorder.sent(0, 0, 0, 2);
    recorder.answered(0, 0, 3, 200);
    recorder.planned(1, 1);
    recorder.sent(1, 1, 0, 2);
    recorder.planned(1, 1);
    recorder.dropped(1, 1);
    recorder.answered(0, 0, 1500, 200);
    recorder.failed(1, 1, 'timeout');
    const s = summaryOf(recorder, 2000, 1500);
    const [s0, s1] = s.seconds;
    expect(s0!.counts).toMatchObject({ planned: 2, sent: 2, succeeded: 2, failed: 0 });
    expect(latencyFigures(decodeHistogram(s0!.latency))).toMatchObject({ count: 2, max: expect.closeTo(1500, 0) });
    expect(s1!.counts).toMatchObject({ planned: 2, sent: 1, dropped: 1, failed: 1, byError: { timeout: 1 } });
    expect(s.total.counts).toMatchObject({ planned: 4, sent: 3, succeeded: 2, failed: 1, dropped: 1 });
    expect(s.stages.map((w) => w.counts.sent)).toEqual([2, 1]);
    expect(latencyFigures(decodeHistogram(s.total.latency)).count).toBe(2);
  });

  it("grades a latency threshold the sender's own delay explains as inconclusive, and one it does not as failed", () => {
    // Every request left 3 ms late (under lateAfter, so the sender kept up) and took 5 ms from its intended start.
    const recorder = new TrafficRecorder(1, 10);
    for (let i = 0; i < 100; i++) {
      recorder.planned(0, 0);
      recorder.sent(0, 0, 3, 1);
      recorder.answered(0, 0, 5, 200);
    }
    const threshold = (text: string, below: number) => ({ text, metric: 'p50' as const, below, orEqual: false, pos: { file: 'c.yaml', line: 1, col: 1 } });
    const spec = trafficSpec({ startRate: 100, stages: [{ durationMs: 1000, target: 100 }], thresholds: [threshold('p50 < 4ms', 4), threshold('p50 < 1ms', 1), threshold('p50 < 6ms', 6)] });
    const [schedule, explained, breached, met] = trafficResult(summaryOf(recorder, 1000, 990), spec, { uuid: 'u', jobName: 'j' }).thresholds;
    expect(schedule!.passed).toBe(true);
    expect(explained).toMatchObject({ passed: false, notMeasurable: expect.stringMatching(/^p50 < 4ms: 5\.00ms, of which up to 3\.00ms is burn's own delay in sending/) });
    expect(breached!.passed).toBe(false);
    expect(breached!.notMeasurable).toBeUndefined();
    expect(met).toMatchObject({ passed: true });
    expect(met!.notMeasurable).toBeUndefined();
  });
});
