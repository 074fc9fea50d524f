/**
 * sprig's case conversions, with the word rules of the Go libraries it calls: snakecase and kebabcase
 * (huandu/xstrings v1.5 word splitting), camelcase (xstrings' PascalCase), swapcase, initials, untitle,
 * abbrev and wrap (Masterminds/goutils). Written from their documented behaviour and Go cross-checked.
 */
const isUpper = (c: string) => /\p{Lu}/u.test(c);
const isLower = (c: string) => /\p{Ll}/u.test(c);
const isTitle = (c: string) => /\p{Lt}/u.test(c);
const isLetter = (c: string) => /\p{L}/u.test(c);
const isNumber = (c: string) => /\p{N}/u.test(c);
const isPunct = (c: string) => /\p{P}/u.test(c);
/** unicode.IsSpace. */
export const isGoSpace = (c: string) => /[\t\n\v\f\r \u0085\u00A0]/.test(c) || (c.codePointAt(0)! > 0xff && /\p{White_Space}/u.test(c));
const isConnector = (c: string) => c === '-' || c === '_' || isGoSpace(c);

/** xstrings' isAlphabet: letters, except the CJK ideograph ranges. */
function isAlphabet(c: string): boolean {
  if (!isLetter(c)) return false;
  const r = c.codePointAt(0)!;
  if (r < 0x3400) return true;
  if (r >= 0x4e00 && r <= 0x9fcc) return false;
  if (r >= 0x3400 && r <= 0x4d85) return false;
  if (r >= 0x20000 && r <= 0x2b81d) return false;
  return true;
}

type WordType = 'invalid' | 'number' | 'upper' | 'alphabet' | 'connector' | 'punct' | 'other';

/** The next word of `chars` from `at`: its type and end (exclusive). */
function nextWord(chars: string[], at: number): [WordType, number] {
  if (at >= chars.length) return ['invalid', at];
  const first = chars[at]!;
  let i = at + 1;
  const run = (pred: (c: string) => boolean) => {
    while (i < chars.length && pred(chars[i]!)) i++;
  };
  if (isConnector(first)) {
    run(isConnector);
    return ['connector', i];
  }
  if (isPunct(first)) {
    run(isPunct);
    return ['punct', i];
  }
  if (isUpper(first)) {
    if (i >= chars.length) return ['upper', i];
    const second = chars[i]!;
    if (isUpper(second)) {
      run(isUpper);
      // "HTTPServer": the last capital starts the next word.
      if (i < chars.length && isAlphabet(chars[i]!)) i--;
    } else if (isAlphabet(second)) {
      run((c) => isAlphabet(c) && !isUpper(c));
    }
    return ['upper', i];
  }
  if (isAlphabet(first)) {
    run((c) => isAlphabet(c) && !isUpper(c));
    return ['alphabet', i];
  }
  if (isNumber(first)) {
    run(isNumber);
    return ['number', i];
  }
  run((c) => !(isConnector(c) || isAlphabet(c) || isNumber(c) || isPunct(c)));
  return ['other', i];
}

/** xstrings.ToSnakeCase / ToKebabCase. */
export function wordsToLower(str: string, connector: '_' | '-'): string {
  if (str === '') return '';
  const chars = [...str];
  let out = '';
  const lower = (wt: WordType, from: number, to: number) => {
    const word = chars.slice(from, to);
    if (wt !== 'upper' && wt !== 'connector') {
      out += word.join('');
      return;
    }
    for (const c of word) out += isConnector(c) ? connector : isUpper(c) ? c.toLowerCase() : c;
  };
  let start = 0;
  let [wt, end] = nextWord(chars, 0);
  while (end < chars.length) {
    if (wt !== 'connector') lower(wt, start, end);
    const prev = wt;
    const lastStart = start;
    const lastEnd = end;
    start = end;
    [wt, end] = nextWord(chars, start);
    switch (prev) {
      case 'number':
        while (wt === 'alphabet' || wt === 'number') {
          lower(wt, start, end);
          start = end;
          [wt, end] = nextWord(chars, start);
        }
        if (wt !== 'invalid' && wt !== 'punct' && wt !== 'connector') out += connector;
        break;
      case 'connector':
        lower(prev, lastStart, lastEnd);
        break;
      case 'punct':
        break;
      default: {
        if (wt !== 'number') {
          if (wt !== 'connector' && wt !== 'punct') out += connector;
          break;
        }
        if (end >= chars.length) break;
        const numStart = start;
        const numEnd = end;
        start = end;
        [wt, end] = nextWord(chars, start);
        if (wt !== 'alphabet') {
          lower('number', numStart, numEnd);
          if (wt !== 'connector' && wt !== 'punct') out += connector;
          break;
        }
        out += connector;
        lower('number', numStart, numEnd);
        while (wt === 'alphabet' || wt === 'number') {
          lower(wt, start, end);
          start = end;
          [wt, end] = nextWord(chars, start);
        }
        if (wt !== 'invalid' && wt !== 'connector' && wt !== 'punct') out += connector;
      }
    }
  }
  lower(wt, start, end);
  return out;
}

/** xstrings.ToPascalCase (sprig's camelcase). */
export function pascalCase(str: string): string {
  if (str === '') return '';
  const chars = [...str];
  let out = '';
  let i = 0;
  let r0 = '';
  let firstUpper = false;
  while (i < chars.length) {
    r0 = chars[i++]!;
    if (!isConnector(r0)) {
      firstUpper = isUpper(r0);
      r0 = r0.toUpperCase();
      break;
    }
    out += r0;
  }
  if (i >= chars.length) return out + r0;
  while (i < chars.length) {
    const r1 = r0;
    r0 = chars[i++]!;
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) {
      firstUpper = isUpper(r0);
      r0 = r0.toUpperCase();
    } else {
      if (firstUpper) {
        if (isUpper(r0)) r0 = r0.toLowerCase();
        else firstUpper = false;
      }
      out += r1;
    }
  }
  return out + r0;
}

/** goutils.SwapCase: upper and title case become lower; lower becomes title case after a space, else upper. */
export function swapCase(str: string): string {
  let out = '';
  let afterSpace = true;
  for (const c of str) {
    if (isUpper(c) || isTitle(c)) {
      out += c.toLowerCase();
      afterSpace = false;
    } else if (isLower(c)) {
      out += c.toUpperCase();
      afterSpace = false;
    } else {
      out += c;
      afterSpace = isGoSpace(c);
    }
  }
  return out;
}

/** goutils.Initials: the first character of the string and of every word after whitespace. */
export function initials(str: string): string {
  let out = '';
  let gap = true;
  for (const c of str) {
    if (isGoSpace(c)) gap = true;
    else if (gap) {
      out += c;
      gap = false;
    }
  }
  return out;
}

/** goutils.Uncapitalize: lower-cases the first letter of every whitespace-separated word. */
export function untitle(str: string): string {
  let out = '';
  let next = true;
  for (const c of str) {
    if (isGoSpace(c)) {
      next = true;
      out += c;
    } else if (next) {
      out += c.toLowerCase();
      next = false;
    } else out += c;
  }
  return out;
}

/** goutils.AbbreviateFull over bytes, as Go slices strings; "" when the widths are illegal. */
export function abbreviate(str: string, offset: number, maxWidth: number): string {
  const b = Buffer.from(str, 'utf8');
  const cut = (from: number, to = b.length) => b.subarray(from, to).toString('utf8');
  if (str === '') return '';
  if (maxWidth < 4) return '';
  if (b.length <= maxWidth) return str;
  let off = Math.min(offset, b.length);
  if (b.length - off < maxWidth - 3) off = b.length - (maxWidth - 3);
  if (off <= 4) return `${cut(0, maxWidth - 3)}...`;
  if (maxWidth < 7) return '';
  if (off + maxWidth - 3 < b.length) return `...${abbreviate(cut(off), 0, maxWidth - 3)}`;
  return `...${cut(b.length - (maxWidth - 3))}`;
}

/** goutils.WrapCustom: breaks at spaces so lines are at most `width` bytes; long words broken only when asked. */
export function wrapText(str: string, width: number, newline: string, wrapLong: boolean): string {
  if (str === '') return '';
  const nl = newline === '' ? '\n' : newline;
  const w = Math.max(1, width);
  const b = Buffer.from(str, 'utf8');
  const cut = (from: number, to: number) => b.subarray(from, to).toString('utf8');
  let offset = 0;
  let out = '';
  while (b.length - offset > w) {
    if (b[offset] === 0x20) {
      offset++;
      continue;
    }
    const window = b.subarray(offset, w + offset + 1);
    const space = window.lastIndexOf(0x20);
    if (space >= 0) {
      out += cut(offset, offset + space) + nl;
      offset += space + 1;
    } else if (wrapLong) {
      out += cut(offset, offset + w) + nl;
      offset += w;
    } else {
      const next = b.indexOf(0x20, w + offset);
      if (next === -1) {
        out += cut(offset, b.length);
        offset = b.length;
      } else {
        out += cut(offset, next) + nl;
        offset = next + 1;
      }
    }
  }
  return out + cut(offset, b.length);
}
