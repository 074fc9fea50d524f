/** sprig's date functions over Go times (GoTime): formatting in a zone, parsing, adding durations. */
import { GoInt64, kindOf, numberOf } from '../go/values.js';
import { formatDuration, formatTime, GoTime, loadLocation, localLocation, parseDuration, parseTime, UTC } from '../go/time.js';
import { FunctionError, fn, type TemplateFunction } from './types.js';

/** sprig's dateInZone: a time, or Unix seconds as int or int64; anything else is now. */
function asTime(d: unknown): GoTime {
  if (d instanceof GoTime) return d;
  if (kindOf(d) === 'int' && !(typeof d === 'number' && !Number.isInteger(d))) return new GoTime(numberOf(d), 0, localLocation());
  return GoTime.fromMs(Date.now());
}

function dateInZone(layout: string, d: unknown, zone: string): string {
  return formatTime(asTime(d).in(loadLocation(zone) ?? UTC), layout);
}

function toDate(layout: string, value: string): GoTime {
  try {
    return parseTime(layout, value, localLocation());
  } catch (err) {
    throw new FunctionError((err as Error).message);
  }
}

function modify(text: string, t: GoTime, must: boolean): GoTime {
  let ns: bigint;
  try {
    ns = parseDuration(text);
  } catch (err) {
    if (!must) return t;
    throw new FunctionError((err as Error).message);
  }
  return t.add(ns);
}

const SECOND = 1_000_000_000n;

/** sprig's durationRound: the largest whole unit (y = 365d, mo = 30d, d, h, m, s) of a duration. */
function durationRound(v: unknown): string {
  let d = 0n;
  if (typeof v === 'string') {
    try {
      d = parseDuration(v);
    } catch {
      d = 0n;
    }
  } else if (v instanceof GoInt64) d = BigInt(v.value);
  else if (v instanceof GoTime) d = GoTime.fromMs(Date.now()).sub(v);
  const u = d < 0n ? -d : d;
  const units: [bigint, string][] = [
    [SECOND * 3600n * 24n * 365n, 'y'],
    [SECOND * 3600n * 24n * 30n, 'mo'],
    [SECOND * 3600n * 24n, 'd'],
    [SECOND * 3600n, 'h'],
    [SECOND * 60n, 'm'],
    [SECOND, 's'],
  ];
  for (const [size, name] of units) if (u > size) return `${u / size}${name}`;
  return '0s';
}

/** time.Duration.Round(time.Second). */
function roundToSecond(ns: bigint): bigint {
  const r = ns % SECOND;
  const neg = ns < 0n;
  const abs = r < 0n ? -r : r;
  const base = ns - r;
  if (abs * 2n >= SECOND) return base + (neg ? -SECOND : SECOND);
  return base;
}

function ago(d: unknown): string {
  const t = d instanceof GoTime ? d : kindOf(d) === 'int' && Number.isInteger(numberOf(d)) ? new GoTime(numberOf(d), 0, localLocation()) : GoTime.fromMs(Date.now());
  return formatDuration(roundToSecond(GoTime.fromMs(Date.now()).sub(t)));
}

/** sprig's duration: seconds (int64, or a decimal string) as a Go duration; anything else is 0s. */
function duration(v: unknown): string {
  let n = 0n;
  if (typeof v === 'string') n = /^[+-]?\d+$/.test(v) ? BigInt(v) : 0n;
  else if (v instanceof GoInt64) n = BigInt(v.value);
  return formatDuration(BigInt.asIntN(64, n * SECOND));
}

export const dateFunctions: Record<string, TemplateFunction> = {
  now: fn([], () => GoTime.fromMs(Date.now())),
  date: fn(['string', 'any'], (layout: string, d: unknown) => dateInZone(layout, d, 'Local')),
  dateInZone: fn(['string', 'any', 'string'], dateInZone),
  date_in_zone: fn(['string', 'any', 'string'], dateInZone),
  htmlDate: fn(['any'], (d: unknown) => dateInZone('2006-01-02', d, 'Local')),
  htmlDateInZone: fn(['any', 'string'], (d: unknown, zone: string) => dateInZone('2006-01-02', d, zone)),
  toDate: fn(['string', 'string'], (layout: string, value: string) => {
    try {
      return toDate(layout, value);
    } catch {
      return GoTime.zero();
    }
  }),
  mustToDate: fn(['string', 'string'], toDate),
  unixEpoch: fn(['time'], (t: GoTime) => String(t.sec)),
  dateModify: fn(['string', 'time'], (d: string, t: GoTime) => modify(d, t, false)),
  date_modify: fn(['string', 'time'], (d: string, t: GoTime) => modify(d, t, false)),
  mustDateModify: fn(['string', 'time'], (d: string, t: GoTime) => modify(d, t, true)),
  must_date_modify: fn(['string', 'time'], (d: string, t: GoTime) => modify(d, t, true)),
  duration: fn(['any'], duration),
  durationRound: fn(['any'], durationRound),
  ago: fn(['any'], ago),
};
