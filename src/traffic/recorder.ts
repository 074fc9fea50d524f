/** Records one agent's arrivals and answers into counts and HDR histograms per second, per stage and in all. */
import { encodeHistogram, newHistogram, recordMs, type Histogram } from './histogram.js';
import { emptyCounts, type TrafficCounts, type TrafficSummary, type TrafficWindow } from './summary.js';
import type { Arrival } from './schedule.js';

interface LiveWindow {
  counts: TrafficCounts;
  latency: Histogram;
}

function live(layout: 'fast' | 'packed' = 'packed'): LiveWindow {
  return { counts: emptyCounts(), latency: newHistogram(layout) };
}

function frozen(w: LiveWindow): TrafficWindow {
  return { counts: w.counts, latency: encodeHistogram(w.latency) };
}

export type Outcome = { status: number } | { error: string };

export class TrafficRecorder {
  private readonly total = live('fast');
  private readonly stages: LiveWindow[];
  private readonly seconds: LiveWindow[] = [];
  private readonly sendLag = newHistogram('fast');
  peakInFlight = 0;

  constructor(
    stageCount: number,
    private readonly lateAfterMs: number,
  ) {
    this.stages = Array.from({ length: stageCount }, () => live('fast'));
  }

  private windows(a: Arrival): LiveWindow[] {
    // An arrival due exactly on a second's boundary belongs to the next second; rounding must not move it back.
    const second = Math.floor((a.atMs + 1e-6) / 1000);
    while (this.seconds.length <= second) this.seconds.push(live());
    return [this.total, this.stages[a.stage]!, this.seconds[second]!];
  }

  planned(a: Arrival): void {
    for (const w of this.windows(a)) w.counts.planned++;
  }

  dropped(a: Arrival): void {
    for (const w of this.windows(a)) w.counts.dropped++;
  }

  sent(a: Arrival, lagMs: number, inFlight: number): void {
    recordMs(this.sendLag, lagMs);
    const late = lagMs > this.lateAfterMs;
    for (const w of this.windows(a)) {
      w.counts.sent++;
      if (late) w.counts.late++;
    }
    if (inFlight > this.peakInFlight) this.peakInFlight = inFlight;
  }

  /** An answer (any status) or a failure without one; latency is from the intended start. */
  done(a: Arrival, latencyMs: number, outcome: Outcome): void {
    for (const w of this.windows(a)) {
      if ('status' in outcome) {
        recordMs(w.latency, latencyMs);
        if (outcome.status < 400) w.counts.succeeded++;
        else {
          w.counts.failed++;
          w.counts.byStatus[String(outcome.status)] = (w.counts.byStatus[String(outcome.status)] ?? 0) + 1;
        }
      } else {
        w.counts.failed++;
        w.counts.byError[outcome.error] = (w.counts.byError[outcome.error] ?? 0) + 1;
      }
    }
  }

  summary(meta: Pick<TrafficSummary, 'startWallMs' | 'timelineMs' | 'agents' | 'parallelism' | 'elapsedMs' | 'cpuMs'>): TrafficSummary {
    return {
      ...meta,
      total: frozen(this.total),
      stages: this.stages.map(frozen),
      seconds: this.seconds.map(frozen),
      sendLag: encodeHistogram(this.sendLag),
      peakInFlight: this.peakInFlight,
    };
  }
}
