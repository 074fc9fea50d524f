import { InvalidArgumentError } from 'commander';
import { parseGoDuration } from '../shared/duration.js';
import { UserError } from '../shared/errors.js';

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

/** The value of a boolean flag written with one, as kube-burner's flags allow: `--skip-tls-verify=false`. */
export function boolValue(value: string): boolean {
  if (/^(true|t|1)$/i.test(value)) return true;
  if (/^(false|f|0)$/i.test(value)) return false;
  throw new InvalidArgumentError(`"${value}" is not true or false`);
}

/** A Kubernetes label value: at most 63 characters, alphanumerics with "-", "_" and "." inside. */
const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

/**
 * Checks that concern one flag's meaning for a run or several flags together; main runs them before
 * every command's action, so a bad combination is refused before anything starts.
 */
export function checkFlags(flags: Record<string, unknown>): void {
  if (flags.sim === true) {
    const clash = flags.kubeconfig !== undefined ? '--kubeconfig' : flags.kubeContext !== undefined ? '--kube-context' : undefined;
    if (clash)
      throw new UserError(`--sim and ${clash} cannot be used together: --sim runs against a simulated cluster it starts itself, so ${clash} would be ignored`, {
        hint: `drop ${clash} to run on the simulator, or drop --sim to run against the cluster of the kubeconfig`,
      });
  }
  if (typeof flags.uuid === 'string' && (flags.uuid.length > 63 || !labelValue.test(flags.uuid))) {
    throw new UserError(`--uuid ${JSON.stringify(flags.uuid)} cannot be used: burn labels every object it creates with the uuid (and names the run folder after it), and this is not a valid Kubernetes label value`, {
      hint: 'use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit, or leave --uuid out for a new one',
    });
  }
}

/** Unix seconds (kube-burner's --start/--end) or an RFC 3339 time, in ms. */
export function timeFlag(value: string): number {
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`"${value}" is not a time: use unix seconds or RFC 3339 like 2026-11-22T10:00:00Z`);
  return ms;
}

/** A flag that is true when given alone and takes `true` or `false` as Go's `--flag=false` (kube-burner's `--skip-tls-verify`). */
export function boolFlag(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError(`"${value}" is not true or false`);
}

/** kube-burner's comma (or space) separated list flag, e.g. `-m a.yml,b.yml`. */
export function listFlag(value: string): string[] {
  return value.split(/[, ]+/).filter(Boolean);
}
