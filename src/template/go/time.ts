/**
 * Go's time.Time for templates: an instant (seconds + nanoseconds) with a location, as Go keeps it, so
 * `now`, `toDate`, `dateInZone` and printing a time give Go's bytes. Locations come from the system's
 * zoneinfo files, as Go's time.LoadLocation reads them (Go falls back to UTC when a zone is unknown).
 */
import { readFileSync } from 'node:fs';

export interface Zone {
  /** Abbreviation ("UTC", "EST"); "" for a zone parsed from a numeric offset. */
  name: string;
  /** Seconds east of UTC. */
  offset: number;
}

export interface GoLocation {
  /** Location name as Go's Location.String() gives it ("UTC", "Local", "America/New_York"). */
  readonly name: string;
  lookup(unixSec: number): Zone;
}

export const UTC: GoLocation = { name: 'UTC', lookup: () => ({ name: 'UTC', offset: 0 }) };

export function fixedZone(name: string, offset: number): GoLocation {
  return { name, lookup: () => ({ name, offset }) };
}

const ZONEINFO_DIRS = ['/usr/share/zoneinfo/', '/usr/share/lib/zoneinfo/', '/usr/lib/locale/TZ/', '/etc/zoneinfo/'];

/** A TZif file (RFC 8536), versions 1 to 4: transitions and their zones; after the last one, the last zone holds. */
function parseTzif(name: string, data: Buffer): GoLocation | undefined {
  if (data.subarray(0, 4).toString('latin1') !== 'TZif') return undefined;
  const version = data[4]!;
  const counts = (at: number) => [0, 1, 2, 3, 4, 5].map((i) => data.readUInt32BE(at + 20 + i * 4)) as [number, number, number, number, number, number];
  let at = 0;
  let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(0);
  let timeSize = 4;
  if (version >= 0x32) {
    // Skip the 32-bit block; the 64-bit one follows with its own header.
    at = 44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
    [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(at);
    timeSize = 8;
  }
  let p = at + 44;
  const times: number[] = [];
  for (let i = 0; i < timecnt; i++, p += timeSize) times.push(timeSize === 8 ? Number(data.readBigInt64BE(p)) : data.readInt32BE(p));
  const index: number[] = [];
  for (let i = 0; i < timecnt; i++, p++) index.push(data[p]!);
  const types: { offset: number; isDst: boolean; abbr: number }[] = [];
  for (let i = 0; i < typecnt; i++, p += 6) types.push({ offset: data.readInt32BE(p), isDst: data[p + 4] !== 0, abbr: data[p + 5]! });
  const chars = data.subarray(p, p + charcnt).toString('latin1');
  const zones: Zone[] = types.map((t) => ({ name: chars.slice(t.abbr, chars.indexOf('\0', t.abbr)), offset: t.offset }));
  if (zones.length === 0) return undefined;
  // Before the first transition Go uses the first standard-time zone.
  const first = zones[types.findIndex((t) => !t.isDst)] ?? zones[0]!;
  return {
    name,
    lookup(sec: number): Zone {
      if (times.length === 0 || sec < times[0]!) return first;
      let lo = 0;
      let hi = times.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (times[mid]! <= sec) lo = mid;
        else hi = mid - 1;
      }
      return zones[index[lo]!]!;
    },
  };
}

function readZoneFile(name: string, file: string): GoLocation | undefined {
  try {
    return parseTzif(name, readFileSync(file));
  } catch {
    return undefined;
  }
}

const loaded = new Map<string, GoLocation | undefined>();

/** time.LoadLocation: "" and "UTC" are UTC, "Local" the local zone, others from zoneinfo (undefined when unknown). */
export function loadLocation(name: string): GoLocation | undefined {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return localLocation();
  if (name.includes('..') || name.startsWith('/') || name.includes('\\')) return undefined;
  if (!loaded.has(name)) {
    const dirs = process.env.ZONEINFO ? [`${process.env.ZONEINFO}/`, ...ZONEINFO_DIRS] : ZONEINFO_DIRS;
    let loc: GoLocation | undefined;
    for (const dir of dirs) if ((loc = readZoneFile(name, dir + name))) break;
    loaded.set(name, loc);
  }
  return loaded.get(name);
}

let local: { tz: string | undefined; loc: GoLocation } | undefined;

/** Go's time.Local, from $TZ as Go reads it (unset: /etc/localtime; empty: UTC), named "Local". Re-read when $TZ changes. */
export function localLocation(): GoLocation {
  const tz = process.env.TZ;
  if (local && local.tz === tz) return local.loc;
  let zone: GoLocation | undefined;
  if (tz === undefined) zone = readZoneFile('Local', '/etc/localtime');
  else if (tz !== '' && tz !== 'UTC') zone = loadLocation(tz.startsWith(':') ? tz.slice(1) : tz);
  const base = zone ?? UTC;
  const loc: GoLocation = { name: 'Local', lookup: (sec) => base.lookup(sec) };
  local = { tz, loc };
  return loc;
}

/** Civil fields of an instant in a zone. */
export interface Civil {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
  yearDay: number; // 1-366
}

export class GoTime {
  constructor(
    /** Seconds since the Unix epoch (Go's zero time is year 1: -62135596800). */
    readonly sec: number,
    /** Nanoseconds within the second, 0..999999999. */
    readonly nsec: number,
    readonly loc: GoLocation,
  ) {}

  static fromMs(ms: number, loc: GoLocation = localLocation()): GoTime {
    const sec = Math.floor(ms / 1000);
    return new GoTime(sec, Math.round((ms - sec * 1000) * 1e6), loc);
  }

  static zero(): GoTime {
    return new GoTime(-62135596800, 0, UTC);
  }

  zone(): Zone {
    return this.loc.lookup(this.sec);
  }

  civil(): Civil {
    const d = new Date((this.sec + this.zone().offset) * 1000);
    const start = Date.UTC(d.getUTCFullYear(), 0, 1);
    const startOfYear = new Date(start);
    startOfYear.setUTCFullYear(d.getUTCFullYear());
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: d.getUTCDay(),
      yearDay: Math.floor((d.getTime() - startOfYear.getTime()) / 86_400_000) + 1,
    };
  }

  in(loc: GoLocation): GoTime {
    return new GoTime(this.sec, this.nsec, loc);
  }

  /** Adds nanoseconds (a Go Duration). */
  add(ns: bigint): GoTime {
    const total = BigInt(this.sec) * 1_000_000_000n + BigInt(this.nsec) + ns;
    let sec = total / 1_000_000_000n;
    let nsec = total % 1_000_000_000n;
    if (nsec < 0n) {
      nsec += 1_000_000_000n;
      sec -= 1n;
    }
    return new GoTime(Number(sec), Number(nsec), this.loc);
  }

  /** Nanoseconds from `other` to this time. */
  sub(other: GoTime): bigint {
    return (BigInt(this.sec) - BigInt(other.sec)) * 1_000_000_000n + BigInt(this.nsec - other.nsec);
  }

  /** time.Time.String(). */
  toString(): string {
    return formatTime(this, '2006-01-02 15:04:05.999999999 -0700 MST');
  }

  /** encoding/json: RFC 3339 with nanoseconds. */
  toJSON(): string {
    return formatTime(this, '2006-01-02T15:04:05.999999999Z07:00');
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** Go's layout elements, longest first where one is a prefix of another. */
const LAYOUT_TOKENS =
  /January|Jan|Monday|Mon|MST|2006|002|__2|01|02|03|04|05|06|_2|15|Z07:00:00|Z070000|Z07:00|Z0700|Z07|-07:00:00|-070000|-07:00|-0700|-07|PM|pm|[.,]0+(?![0-9])|[.,]9+(?![0-9])|1|2|3|4|5/g;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function formatOffset(offset: number, colon: boolean, seconds: boolean, hoursOnly = false): string {
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  const h = pad(Math.floor(a / 3600));
  if (hoursOnly) return sign + h;
  const sep = colon ? ':' : '';
  const m = pad(Math.floor((a % 3600) / 60));
  return `${sign}${h}${sep}${m}${seconds ? sep + pad(a % 60) : ''}`;
}

/** time.Time.Format. */
export function formatTime(t: GoTime, layout: string): string {
  const c = t.civil();
  const zone = t.zone();
  const hour12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
  return layout.replace(LAYOUT_TOKENS, (tok) => {
    switch (tok) {
      case 'January': return MONTHS[c.month - 1]!;
      case 'Jan': return MONTHS[c.month - 1]!.slice(0, 3);
      case 'Monday': return DAYS[c.weekday]!;
      case 'Mon': return DAYS[c.weekday]!.slice(0, 3);
      case 'MST': return zone.name !== '' ? zone.name : formatOffset(zone.offset, false, false);
      case '2006': return pad(c.year, 4);
      case '06': return pad(c.year % 100);
      case '002': return pad(c.yearDay, 3);
      case '__2': return String(c.yearDay).padStart(3, ' ');
      case '01': return pad(c.month);
      case '1': return String(c.month);
      case '02': return pad(c.day);
      case '_2': return String(c.day).padStart(2, ' ');
      case '2': return String(c.day);
      case '15': return pad(c.hour);
      case '03': return pad(hour12);
      case '3': return String(hour12);
      case '04': return pad(c.minute);
      case '4': return String(c.minute);
      case '05': return pad(c.second);
      case '5': return String(c.second);
      case 'PM': return c.hour >= 12 ? 'PM' : 'AM';
      case 'pm': return c.hour >= 12 ? 'pm' : 'am';
      case 'Z07:00:00': return zone.offset === 0 ? 'Z' : formatOffset(zone.offset, true, true);
      case 'Z070000': return zone.offset === 0 ? 'Z' : formatOffset(zone.offset, false, true);
      case 'Z07:00': return zone.offset === 0 ? 'Z' : formatOffset(zone.offset, true, false);
      case 'Z0700': return zone.offset === 0 ? 'Z' : formatOffset(zone.offset, false, false);
      case 'Z07': return zone.offset === 0 ? 'Z' : formatOffset(zone.offset, false, false, true);
      case '-07:00:00': return formatOffset(zone.offset, true, true);
      case '-070000': return formatOffset(zone.offset, false, true);
      case '-07:00': return formatOffset(zone.offset, true, false);
      case '-0700': return formatOffset(zone.offset, false, false);
      case '-07': return formatOffset(zone.offset, false, false, true);
      default: {
        // Fractional seconds: ".000" keeps its digits, ".999" drops trailing zeros (and the dot when none are left).
        const digits = Math.min(tok.length - 1, 9);
        const frac = pad(t.nsec, 9).slice(0, digits);
        if (tok[1] === '0') return tok[0] + frac;
        const trimmed = frac.replace(/0+$/, '');
        return trimmed ? tok[0] + trimmed : '';
      }
    }
  });
}

/** time.ParseInLocation's error, worded as Go words it. */
export class TimeParseError extends Error {}

function parseError(value: string, layout: string, elemValue: string, elem: string, extra = ''): TimeParseError {
  const q = JSON.stringify;
  if (extra) return new TimeParseError(`parsing time ${q(value)}${extra}`);
  return new TimeParseError(`parsing time ${q(value)} as ${q(layout)}: cannot parse ${q(elemValue)} as ${q(elem)}`);
}

const DAYS_IN = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

/** time.ParseInLocation for the layout elements above. */
export function parseTime(layout: string, value: string, loc: GoLocation): GoTime {
  let year = 1;
  let month = 1;
  let day = 1;
  let yday = -1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nsec = 0;
  let pm: boolean | undefined;
  let offset: number | undefined;
  let zoneName: string | undefined;
  let rest = value;
  let li = 0;
  const tokens = [...layout.matchAll(LAYOUT_TOKENS)];
  const num = (tok: string, min: number, max: number, fixed: boolean): number => {
    const m = fixed ? new RegExp(`^[0-9]{${max}}`).exec(rest) : /^[0-9]{1,2}/.exec(rest);
    if (!m || (fixed && m[0].length < min)) throw parseError(value, layout, rest, tok);
    rest = rest.slice(m[0].length);
    return Number(m[0]);
  };
  for (const m of tokens) {
    const literal = layout.slice(li, m.index);
    if (!rest.startsWith(literal)) throw parseError(value, layout, rest, literal);
    rest = rest.slice(literal.length);
    li = m.index + m[0].length;
    const tok = m[0];
    const before = rest;
    switch (tok) {
      case '2006': year = num(tok, 4, 4, true); break;
      case '06': { const y = num(tok, 2, 2, true); year = y >= 69 ? 1900 + y : 2000 + y; break; }
      case '01': month = num(tok, 2, 2, true); if (month < 1 || month > 12) throw parseError(value, layout, before, tok, ': month out of range'); break;
      case '1': month = num(tok, 1, 2, false); if (month < 1 || month > 12) throw parseError(value, layout, before, tok, ': month out of range'); break;
      case 'January': case 'Jan': {
        const names = tok === 'January' ? MONTHS : MONTHS.map((n) => n.slice(0, 3));
        const i = names.findIndex((n) => rest.toLowerCase().startsWith(n.toLowerCase()));
        if (i < 0) throw parseError(value, layout, rest, tok);
        month = i + 1; rest = rest.slice(names[i]!.length); break;
      }
      case 'Monday': case 'Mon': {
        const names = tok === 'Monday' ? DAYS : DAYS.map((n) => n.slice(0, 3));
        const i = names.findIndex((n) => rest.toLowerCase().startsWith(n.toLowerCase()));
        if (i < 0) throw parseError(value, layout, rest, tok);
        rest = rest.slice(names[i]!.length); break;
      }
      case '02': case '_2': case '2':
        if (tok === '_2' && rest.startsWith(' ')) rest = rest.slice(1);
        day = num(tok, tok === '02' ? 2 : 1, 2, tok === '02'); break;
      case '002': yday = num(tok, 3, 3, true); break;
      case '__2': rest = rest.replace(/^ {1,2}/, ''); yday = Number(/^[0-9]{1,3}/.exec(rest)?.[0] ?? NaN); if (Number.isNaN(yday)) throw parseError(value, layout, rest, tok); rest = rest.replace(/^[0-9]{1,3}/, ''); break;
      case '15': hour = num(tok, 1, 2, false); if (hour > 23) throw parseError(value, layout, before, tok, ': hour out of range'); break;
      case '03': case '3': hour = num(tok, tok === '03' ? 2 : 1, 2, tok === '03'); if (hour > 12) throw parseError(value, layout, before, tok, ': hour out of range'); break;
      case '04': case '4': minute = num(tok, tok === '04' ? 2 : 1, 2, tok === '04'); if (minute > 59) throw parseError(value, layout, before, tok, ': minute out of range'); break;
      case '05': case '5': {
        second = num(tok, tok === '05' ? 2 : 1, 2, tok === '05');
        if (second > 59) throw parseError(value, layout, before, tok, ': second out of range');
        // Go accepts a fractional second after the seconds even when the layout has none.
        const frac = /^[.,]([0-9]+)/.exec(rest);
        if (frac && !/^[.,][09]/.test(layout.slice(li))) { nsec = Number(frac[1]!.slice(0, 9).padEnd(9, '0')); rest = rest.slice(frac[0].length); }
        break;
      }
      case 'PM': case 'pm': {
        const ap = rest.slice(0, 2).toUpperCase();
        if (ap !== 'AM' && ap !== 'PM') throw parseError(value, layout, rest, tok);
        pm = ap === 'PM'; rest = rest.slice(2); break;
      }
      case 'MST': {
        const z = /^(UTC|GMT[+-][0-9]{1,2}|[A-Z]{3,5})/.exec(rest);
        if (!z) throw parseError(value, layout, rest, tok);
        zoneName = z[0]; rest = rest.slice(z[0].length); break;
      }
      default: {
        if (/^[.,][09]+$/.test(tok)) {
          const digits = tok.length - 1;
          const frac = tok[1] === '0' ? new RegExp(`^[.,]([0-9]{${digits}})`).exec(rest) : /^[.,]([0-9]+)/.exec(rest);
          if (!frac) {
            if (tok[1] === '9') break;
            throw parseError(value, layout, rest, tok);
          }
          nsec = Number(frac[1]!.slice(0, 9).padEnd(9, '0')); rest = rest.slice(frac[0].length); break;
        }
        // Zone offsets.
        if (tok.startsWith('Z') && rest.startsWith('Z')) { offset = 0; zoneName = 'UTC'; rest = rest.slice(1); break; }
        const shape = tok.replace(/^Z/, '-');
        const re = { '-07:00:00': /^([+-])([0-9]{2}):([0-9]{2}):([0-9]{2})/, '-070000': /^([+-])([0-9]{2})([0-9]{2})([0-9]{2})/, '-07:00': /^([+-])([0-9]{2}):([0-9]{2})/, '-0700': /^([+-])([0-9]{2})([0-9]{2})/, '-07': /^([+-])([0-9]{2})/ }[shape];
        const z = re?.exec(rest);
        if (!z) throw parseError(value, layout, rest, tok);
        offset = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 3600 + Number(z[3] ?? 0) * 60 + Number(z[4] ?? 0));
        rest = rest.slice(z[0].length);
      }
    }
  }
  const tail = layout.slice(li);
  if (!rest.startsWith(tail)) throw parseError(value, layout, rest, tail);
  rest = rest.slice(tail.length);
  if (rest !== '') throw parseError(value, layout, '', '', `: extra text: ${JSON.stringify(rest)}`);
  if (pm !== undefined) {
    if (pm && hour < 12) hour += 12;
    else if (!pm && hour === 12) hour = 0;
  }
  if (yday >= 0) {
    const days = [...DAYS_IN];
    if (isLeap(year)) days[1] = 29;
    let d = yday;
    month = 1;
    while (month <= 12 && d > days[month - 1]!) d -= days[month++ - 1]!;
    if (month > 12) throw parseError(value, layout, '', '', ': day-of-year out of range');
    day = d;
  }
  const maxDay = month === 2 && isLeap(year) ? 29 : DAYS_IN[month - 1]!;
  if (day < 1 || day > maxDay) throw parseError(value, layout, '', '', ': day out of range');
  const civilSec = utcSeconds(year, month, day, hour, minute, second);
  if (offset !== undefined) {
    const t = new GoTime(civilSec - offset, nsec, UTC);
    if (zoneName === 'UTC' && offset === 0) return t;
    // Go keeps the location when its offset at that instant is the parsed one.
    if (loc.lookup(t.sec).offset === offset) return t.in(loc);
    return t.in(fixedZone('', offset));
  }
  if (zoneName !== undefined) {
    if (zoneName === 'UTC') return new GoTime(civilSec, nsec, UTC);
    const guess = loc.lookup(civilSec - loc.lookup(civilSec).offset);
    if (guess.name === zoneName) return new GoTime(civilSec - guess.offset, nsec, loc);
    return new GoTime(civilSec, nsec, fixedZone(zoneName, 0));
  }
  return inLocation(civilSec, nsec, loc);
}

/** Seconds since the epoch of a civil time read as UTC. */
function utcSeconds(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  d.setUTCFullYear(year, month - 1, day);
  return Math.floor(d.getTime() / 1000);
}

/** The instant a civil time names in a location (Go's time.Date: the offset in effect just before). */
function inLocation(civilSec: number, nsec: number, loc: GoLocation): GoTime {
  let offset = loc.lookup(civilSec).offset;
  const again = loc.lookup(civilSec - offset).offset;
  if (again !== offset) offset = again;
  return new GoTime(civilSec - offset, nsec, loc);
}

/** time.Duration.String(): "1h2m3.5s", "1.5ms", "0s". */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    const [unit, scale] = u < 1000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n];
    out = fraction(u, scale) + unit;
  } else {
    const h = u / 3_600_000_000_000n;
    u -= h * 3_600_000_000_000n;
    const m = u / 60_000_000_000n;
    u -= m * 60_000_000_000n;
    out = `${h > 0n ? `${h}h` : ''}${h > 0n || m > 0n ? `${m}m` : ''}${fraction(u, 1_000_000_000n)}s`;
  }
  return neg ? `-${out}` : out;
}

function fraction(v: bigint, scale: bigint): string {
  const whole = v / scale;
  const frac = v % scale;
  if (frac === 0n) return String(whole);
  const digits = String(scale).length - 1;
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`;
}

const UNIT_NS: Record<string, bigint> = { ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

/** time.ParseDuration, in nanoseconds; throws Go's message for bad input. */
export function parseDuration(text: string): bigint {
  const bad = () => new Error(`time: invalid duration ${JSON.stringify(text)}`);
  let s = text;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw bad();
  let total = 0n;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    if (m[0] === '' || m[0] === '.') throw bad();
    s = s.slice(m[0].length);
    const u = /^[^0-9.]+/.exec(s);
    if (!u) throw new Error(`time: missing unit in duration ${JSON.stringify(text)}`);
    const scale = UNIT_NS[u[0]];
    if (scale === undefined) throw new Error(`time: unknown unit ${JSON.stringify(u[0])} in duration ${JSON.stringify(text)}`);
    s = s.slice(u[0].length);
    const whole = BigInt(m[1] || '0') * scale;
    const fracDigits = m[2] ?? '';
    const frac = fracDigits ? (BigInt(fracDigits) * scale) / 10n ** BigInt(fracDigits.length) : 0n;
    total += whole + frac;
    if (total > 9_223_372_036_854_775_807n) throw bad();
  }
  return neg ? -total : total;
}
