/**
 * Records one agent's arrivals and answers into counts and HDR histograms per stage and per second
 * of the timeline (the whole is their sum, made once at the end): each answer is recorded twice. A
 * second's histogram is encoded and freed once every arrival due in it has been handled and has
 * ended, so only the seconds with requests still in flight are live.
 */
import { encodeHistogram, mergeEncoded, newHistogram, recordMs, type Histogram } from './histogram.js';
import { addCounts, emptyCounts, type TrafficCounts, type TrafficSummary, type TrafficWindow } from './summary.js';

class LiveWindow {
  readonly counts: TrafficCounts = emptyCounts();
  latency: Histogram | undefined = newHistogram();
  encoded = '';
  /** Requests sent and not yet ended. */
  open = 0;

  freeze(): TrafficWindow {
    if (this.latency) {
      this.encoded = encodeHistogram(this.latency);
      this.latency = undefined;
    }
    return { counts: this.counts, latency: this.encoded };
  }
}

/** The second of the timeline an arrival due at `atMs` belongs to (one due exactly on a boundary belongs to the next). */
export function secondOf(atMs: number): number {
  return Math.floor((atMs + 1e-6) / 1000);
}

export class TrafficRecorder {
  private readonly stages: LiveWindow[];
  private readonly seconds: LiveWindow[] = [];
  /** Every arrival due before this second has been handled (sent or dropped). */
  private passedSeconds = 0;
  private readonly sendLag = newHistogram();
  peakInFlight = 0;

  constructor(
    stageCount: number,
    private readonly lateAfterMs: number,
  ) {
    this.stages = Array.from({ length: stageCount }, () => new LiveWindow());
  }

  private second(second: number): LiveWindow {
    while (this.seconds.length <= second) this.seconds.push(new LiveWindow());
    if (second > this.passedSeconds) {
      for (let s = this.passedSeconds; s < second; s++) if (this.seconds[s]!.open === 0) this.seconds[s]!.freeze();
      this.passedSeconds = second;
    }
    return this.seconds[second]!;
  }

  /** An arrival came due: the sender sends it or drops it next. */
  planned(stage: number, second: number): void {
    this.stages[stage]!.counts.planned++;
    this.second(second).counts.planned++;
  }

  dropped(stage: number, second: number): void {
    this.stages[stage]!.counts.dropped++;
    this.seconds[second]!.counts.dropped++;
  }

  sent(stage: number, second: number, lagMs: number, inFlight: number): void {
    recordMs(this.sendLag, lagMs);
    const late = lagMs > this.lateAfterMs ? 1 : 0;
    const st = this.stages[stage]!.counts;
    st.sent++;
    st.late += late;
    const w = this.seconds[second]!;
    w.counts.sent++;
    w.counts.late += late;
    w.open++;
    if (inFlight > this.peakInFlight) this.peakInFlight = inFlight;
  }

  /** An answer (any status); latency is from the intended start to the last byte. */
  answered(stage: number, second: number, latencyMs: number, status: number): void {
    const st = this.stages[stage]!;
    const w = this.seconds[second]!;
    recordMs(st.latency!, latencyMs);
    recordMs(w.latency!, latencyMs);
    if (status < 400) {
      st.counts.succeeded++;
      w.counts.succeeded++;
    } else {
      const key = String(status);
      bump(st.counts, key, 'byStatus');
      bump(w.counts, key, 'byStatus');
    }
    this.ended(w, second);
  }

  /** No answer: a timeout, a connection error, an abort. */
  failed(stage: number, second: number, error: string): void {
    const w = this.seconds[second]!;
    bump(this.stages[stage]!.counts, error, 'byError');
    bump(w.counts, error, 'byError');
    this.ended(w, second);
  }

  private ended(w: LiveWindow, second: number): void {
    if (--w.open === 0 && second < this.passedSeconds) w.freeze();
  }

  summary(meta: Pick<TrafficSummary, 'startWallMs' | 'timelineMs' | 'agents' | 'parallelism' | 'elapsedMs' | 'cpuMs' | 'sendSpanMs'>): TrafficSummary {
    const stages = this.stages.map((w) => w.freeze());
    const counts = emptyCounts();
    for (const s of stages) addCounts(counts, s.counts);
    return {
      ...meta,
      total: { counts, latency: mergeEncoded(stages.map((s) => s.latency)) },
      stages,
      seconds: this.seconds.map((w) => w.freeze()),
      sendLag: encodeHistogram(this.sendLag),
      peakInFlight: this.peakInFlight,
    };
  }
}

function bump(c: TrafficCounts, key: string, by: 'byStatus' | 'byError'): void {
  c.failed++;
  c[by][key] = (c[by][key] ?? 0) + 1;
}
