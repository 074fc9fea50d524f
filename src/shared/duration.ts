/** Go `time.ParseDuration` syntax, the form kube-burner configs use: "4h", "1m30s", "500ms", "1.5h". */

const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 micro sign
  'μs': 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const termPattern = /(\d*\.?\d*)([a-zµμ]+)/gy;

/** Milliseconds for a Go duration string, or undefined when the text is not one. */
export function parseGoDuration(text: string): number | undefined {
  let rest = text.trim();
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  termPattern.lastIndex = 0;
  let consumed = 0;
  for (let match = termPattern.exec(rest); match; match = termPattern.exec(rest)) {
    const [whole, amount, unit] = match;
    const factor = unitMs[unit!];
    if (factor === undefined || amount === '' || amount === '.') return undefined;
    total += Number(amount) * factor;
    consumed += whole.length;
    if (consumed === rest.length) break;
  }
  if (consumed !== rest.length) return undefined;
  return sign * total;
}

/** A duration in ms written back the way Go prints it ("1h30m0s" style, shortened: "1h30m", "500ms"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1000) return `${round(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  let out = '';
  if (hours) out += `${hours}h`;
  if (minutes) out += `${minutes}m`;
  if (seconds) out += `${round(seconds)}s`;
  return out;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
