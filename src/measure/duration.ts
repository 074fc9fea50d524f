import { UserError } from '../shared/errors.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration ("2s", "1m30s", "250ms") or a bare number of ms; undefined when malformed. */
export function tryParseDurationMs(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text : undefined;
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = part.exec(s); m; m = part.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    consumed = part.lastIndex;
  }
  return consumed === s.length && s.length > 0 ? total : undefined;
}

/** Like tryParseDurationMs, but a UserError naming `where` (e.g. 'podLatency thresholds[0].threshold'). */
export function parseDurationMs(text: unknown, where: string): number {
  const ms = typeof text === 'string' || typeof text === 'number' ? tryParseDurationMs(text) : undefined;
  if (ms === undefined) {
    throw new UserError(`${where}: "${String(text)}" is not a duration`, { hint: 'write it like 2s, 500ms or 1m30s' });
  }
  return ms;
}

/** Whole seconds as Prometheus and kube-burner's {{.elapsed}} write them: "300s". */
export function formatSeconds(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}
