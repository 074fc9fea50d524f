import { parseGoDuration } from '../config/duration.js';
import { UserError } from '../shared/errors.js';

/** A Go duration ("2s", "1m30s", "250ms") or a bare number of ms, as measurement options take it; a UserError naming `where` otherwise. */
export function parseDurationMs(text: unknown, where: string): number {
  const ms = typeof text === 'number' ? text : typeof text === 'string' ? (/^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : parseGoDuration(text)) : undefined;
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
    throw new UserError(`${where}: "${String(text)}" is not a duration`, { hint: 'write it like 2s, 500ms or 1m30s' });
  }
  return ms;
}

/** Whole seconds as Prometheus and kube-burner's {{.elapsed}} write them: "300s". */
export function formatSeconds(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}
