/**
 * Whose clock a verdict rests on, and whether that clock was saturated. burn's clock times client
 * calls (client-ms) and watch observations (watch-ms); the simulator, when the cluster is one,
 * produces every figure the cluster reports. A saturated event loop runs callbacks late, so a
 * figure timed on it can be too large by up to its loop delay; a saturated simulator builds a
 * backlog, and measures how much it added itself to its answers and its pods' startup.
 */
import { formatMs } from '../shared/format-ms.js';
import { SATURATION_LOOP_DELAY_MS, saturationCause, type MeasurementResult, type SaturationReport, type SelfDelayFigure, type SelfDelayKind } from '../measure/index.js';

export type ClockOwner = SaturationReport['source'];

/** One report per source over the whole run: windows summed, worst loop delay, share of saturated windows. */
export function runSaturation(results: MeasurementResult[]): SaturationReport[] {
  const bySource = new Map<ClockOwner, SaturationReport[]>();
  for (const report of results.flatMap((r) => r.saturation ?? [])) bySource.set(report.source, [...(bySource.get(report.source) ?? []), report]);
  return [...bySource].map(([source, reports]) => {
    const samples = reports.reduce((sum, r) => sum + r.samples, 0);
    const saturatedWindows = reports.reduce((sum, r) => sum + r.saturatedFraction * r.samples, 0);
    const cpu = reports.filter((r) => r.cpuSeconds !== undefined);
    const selfDelay = worstSelfDelay(reports);
    return {
      source,
      samples,
      loopDelayP99Ms: Math.max(...reports.map((r) => r.loopDelayP99Ms)),
      saturatedFraction: samples > 0 ? saturatedWindows / samples : 0,
      ...(cpu.length ? { cpuSeconds: cpu.reduce((sum, r) => sum + r.cpuSeconds!, 0) } : {}),
      saturated: reports.some((r) => r.saturated),
      ...(selfDelay ? { selfDelay } : {}),
    };
  });
}

/** Per kind, the job with the worst self-delay P99 (a P99 of several jobs' samples cannot be had from their P99s). */
function worstSelfDelay(reports: SaturationReport[]): SaturationReport['selfDelay'] {
  const out: Partial<Record<SelfDelayKind, SelfDelayFigure>> = {};
  for (const r of reports) {
    for (const [kind, figure] of Object.entries(r.selfDelay ?? {}) as Array<[SelfDelayKind, SelfDelayFigure]>) {
      const seen = out[kind];
      if (!seen || figure.p99Ms > seen.p99Ms) out[kind] = figure;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const SELF_DELAY_WORDS: Record<SelfDelayKind, { to: string; samples: string }> = {
  request: { to: 'its own answers', samples: 'requests' },
  pod: { to: "its pods' startup", samples: 'pods' },
};

/** "58.00s to its own answers (p99 of 1,234 requests)". */
export function describeSelfDelay(kind: SelfDelayKind, figure: SelfDelayFigure): string {
  const words = SELF_DELAY_WORDS[kind];
  return `${formatMs(figure.p99Ms)} to ${words.to} (${figure.p99IsMax ? 'max' : 'p99'} of ${figure.samples.toLocaleString('en-US')} ${words.samples})`;
}

const OWNER_WORDS: Record<ClockOwner, string> = { burn: 'burn', simulator: 'the simulator' };

/** "burn was saturated: event-loop delay p99 up to 240ms, above 50 ms in 35% of 1 s windows", and what the simulator added itself. */
export function describeSaturation(report: SaturationReport): string {
  const state = report.saturated ? 'was saturated' : 'kept up';
  const cpu = report.cpuSeconds !== undefined ? `, ${report.cpuSeconds.toFixed(1)} s of CPU` : '';
  const added = (Object.entries(report.selfDelay ?? {}) as Array<[SelfDelayKind, SelfDelayFigure]>).map(([kind, figure]) => describeSelfDelay(kind, figure));
  const self = added.length ? `; it added ${added.join(' and ')} by itself` : '';
  return `${OWNER_WORDS[report.source]} ${state}${saturationCause(report)}: event-loop delay p99 up to ${Math.round(report.loopDelayP99Ms)}ms, above ${SATURATION_LOOP_DELAY_MS} ms in ${Math.round(100 * report.saturatedFraction)}% of ${report.samples} 1 s windows${cpu}${self}`;
}

export function ownerWords(owner: ClockOwner): string {
  return OWNER_WORDS[owner];
}
