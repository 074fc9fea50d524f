/**
 * The one millisecond formatter: the SLO messages, the SLO table, the terminal summary, report.html
 * and the diff all print a latency through it, so the same figure reads the same everywhere.
 */

/** "850ms", "1.50s", "2m05s"; "-" when not a number. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)}ms`;
  if (abs < 120_000) return `${(ms / 1000).toFixed(2)}s`;
  const totalSeconds = Math.round(abs / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${ms < 0 ? '-' : ''}${minutes}m${String(seconds).padStart(2, '0')}s`;
}
