/** Go literal syntax: string unquoting and numeric constants as text/template/parse reads them. */

/** strconv.Unquote for "..." and '...' bodies (without the quotes); throws a message string on bad escapes. */
export function unquoteGo(body: string, quote: '"' | "'"): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    switch (e) {
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '"':
      case "'":
        if (e !== quote) throw new Error(`unknown escape sequence \\${e}`);
        out += e;
        break;
      case 'x':
      case 'u':
      case 'U': {
        const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const digits = body.slice(i + 1, i + 1 + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) throw new Error(`invalid escape \\${e}${digits}`);
        const code = parseInt(digits, 16);
        // \x is a byte: decode runs of bytes as UTF-8 like Go strings do.
        out += e === 'x' ? String.fromCharCode(code) : String.fromCodePoint(code);
        i += n;
        break;
      }
      default:
        if (e !== undefined && /[0-7]/.test(e)) {
          const digits = body.slice(i, i + 3);
          if (!/^[0-7]{3}$/.test(digits)) throw new Error(`invalid octal escape \\${digits}`);
          out += String.fromCharCode(parseInt(digits, 8));
          i += 2;
          break;
        }
        throw new Error(`unknown escape sequence \\${e ?? ''}`);
    }
  }
  return out;
}

export interface ParsedNumber {
  isInt: boolean;
  isFloat: boolean;
  intValue: number;
  floatValue: number;
}

/** parse.newNumber: ints in Go's base-prefix syntax (0x, 0o, 0b, leading 0 = octal), floats, char constants. */
export function parseGoNumber(text: string): ParsedNumber {
  if (text.endsWith('i')) throw new Error(`complex constants are not supported: ${text}`);
  const clean = text.replace(/_/g, '');
  const neg = clean.startsWith('-');
  const unsigned = clean.replace(/^[+-]/, '');
  let intValue: number | undefined;
  if (/^0[xX][0-9a-fA-F]+$/.test(unsigned)) intValue = parseInt(unsigned.slice(2), 16);
  else if (/^0[oO][0-7]+$/.test(unsigned)) intValue = parseInt(unsigned.slice(2), 8);
  else if (/^0[bB][01]+$/.test(unsigned)) intValue = parseInt(unsigned.slice(2), 2);
  else if (/^0[0-7]+$/.test(unsigned)) intValue = parseInt(unsigned.slice(1), 8);
  else if (/^[0-9]+$/.test(unsigned)) intValue = parseInt(unsigned, 10);
  if (intValue !== undefined) {
    if (!Number.isSafeInteger(intValue)) throw new Error(`integer overflow: "${text}"`);
    const v = neg ? -intValue : intValue;
    return { isInt: true, isFloat: true, intValue: v, floatValue: v };
  }
  if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(unsigned)) {
    const f = (neg ? -1 : 1) * Number(unsigned);
    const whole = Number.isSafeInteger(f);
    return { isInt: whole, isFloat: true, intValue: whole ? f : 0, floatValue: f };
  }
  throw new Error(`illegal number syntax: "${text}"`);
}
