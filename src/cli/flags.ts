import { InvalidArgumentError } from 'commander';
import { parseGoDuration } from '../config/duration.js';

/** Flag parsers shared by the commands. */

/** For repeatable flags: `--set a=1 --set b=2`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A Go duration ("4h", "90s", "1m30s"), in ms. */
export function durationFlag(value: string): number {
  const ms = parseGoDuration(value);
  if (ms === undefined || ms < 0) throw new InvalidArgumentError(`"${value}" is not a duration: use a Go duration like 30s, 10m or 4h`);
  return ms;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`"${value}" is not a whole number above 0`);
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return n;
}
