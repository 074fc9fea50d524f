/**
 * Whose clock a verdict rests on, and whether that clock was saturated. burn's clock times client
 * calls (client-ms) and watch observations (watch-ms); the simulator, when the cluster is one,
 * produces every figure the cluster reports. A saturated event loop runs callbacks late, so a
 * figure timed on it can be too large by up to its loop delay.
 */
import { SATURATION_LOOP_DELAY_MS, saturationCause, type MeasurementResult, type SaturationReport } from '../measure/index.js';

export type ClockOwner = SaturationReport['source'];

/** One report per source over the whole run: windows summed, worst loop delay, share of saturated windows. */
export function runSaturation(results: MeasurementResult[]): SaturationReport[] {
  const bySource = new Map<ClockOwner, SaturationReport[]>();
  for (const report of results.flatMap((r) => r.saturation ?? [])) bySource.set(report.source, [...(bySource.get(report.source) ?? []), report]);
  return [...bySource].map(([source, reports]) => {
    const samples = reports.reduce((sum, r) => sum + r.samples, 0);
    const saturatedWindows = reports.reduce((sum, r) => sum + r.saturatedFraction * r.samples, 0);
    const cpu = reports.filter((r) => r.cpuSeconds !== undefined);
    return {
      source,
      samples,
      loopDelayP99Ms: Math.max(...reports.map((r) => r.loopDelayP99Ms)),
      saturatedFraction: samples > 0 ? saturatedWindows / samples : 0,
      ...(cpu.length ? { cpuSeconds: cpu.reduce((sum, r) => sum + r.cpuSeconds!, 0) } : {}),
      saturated: reports.some((r) => r.saturated),
    };
  });
}

const OWNER_WORDS: Record<ClockOwner, string> = { burn: 'burn', simulator: 'the simulator' };

/** "burn was saturated: event-loop delay p99 up to 240ms, above 50 ms in 35% of 1 s windows". */
export function describeSaturation(report: SaturationReport): string {
  const state = report.saturated ? 'was saturated' : 'kept up';
  const cpu = report.cpuSeconds !== undefined ? `, ${report.cpuSeconds.toFixed(1)} s of CPU` : '';
  return `${OWNER_WORDS[report.source]} ${state}${saturationCause(report)}: event-loop delay p99 up to ${Math.round(report.loopDelayP99Ms)}ms, above ${SATURATION_LOOP_DELAY_MS} ms in ${Math.round(100 * report.saturatedFraction)}% of ${report.samples} 1 s windows${cpu}`;
}

export function ownerWords(owner: ClockOwner): string {
  return OWNER_WORDS[owner];
}
