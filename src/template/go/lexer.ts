/** Splits a Go template into text and action tokens, applying `{{-`/`-}}` trimming and dropping comments. */
import { TemplateError } from '../errors.js';
import type { SourceFile } from '../source.js';

export type TokenType =
  | 'text'
  | 'left'
  | 'right'
  | 'field'
  | 'variable'
  | 'identifier'
  | 'keyword'
  | 'dot'
  | 'string'
  | 'rawString'
  | 'char'
  | 'number'
  | 'bool'
  | 'nil'
  | 'lparen'
  | 'rparen'
  | 'pipe'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'eof';

export interface Token {
  type: TokenType;
  pos: number;
  val: string;
  /** Whitespace separates this token from the previous one inside an action. */
  spaceBefore: boolean;
}

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);
const LEFT = '{{';
const RIGHT = '}}';
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string | undefined) => c !== undefined && /[\p{L}\p{Nd}_]/u.test(c);
const NUMBER = /[+-]?(?:0[xX][0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9_]+)?|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9_]+)?|\.[0-9][0-9_]*(?:[eE][+-]?[0-9_]+)?)i?/y;

export function lex(source: SourceFile): Token[] {
  const text = source.text;
  const tokens: Token[] = [];
  const fail = (pos: number, what: string): never => {
    throw TemplateError.at(source, pos, what);
  };
  let pos = 0;
  let trimNextText = false;

  while (pos < text.length || trimNextText) {
    const open = text.indexOf(LEFT, pos);
    let chunk = text.slice(pos, open === -1 ? text.length : open);
    let chunkStart = pos;
    if (trimNextText) {
      const trimmed = chunk.replace(/^[ \t\r\n]+/, '');
      chunkStart += chunk.length - trimmed.length;
      chunk = trimmed;
      trimNextText = false;
    }
    if (open === -1) {
      if (chunk) tokens.push({ type: 'text', pos: chunkStart, val: chunk, spaceBefore: false });
      break;
    }
    const trimLeft = text[open + 2] === '-' && isSpace(text[open + 3]);
    if (trimLeft) chunk = chunk.replace(/[ \t\r\n]+$/, '');
    if (chunk) tokens.push({ type: 'text', pos: chunkStart, val: chunk, spaceBefore: false });

    let p = open + (trimLeft ? 3 : 2);
    // A comment must sit alone in its action: {{/* ... */}} or {{- /* ... */ -}}.
    let q = p;
    while (trimLeft && isSpace(text[q])) q++;
    if (text.startsWith('/*', q)) {
      const close = text.indexOf('*/', q + 2);
      if (close === -1) fail(open, 'unclosed comment');
      const after = closeDelimAt(text, close + 2);
      if (!after) fail(close + 2, 'comment ends before closing delimiter');
      pos = after!.end;
      trimNextText = after!.trim;
      continue;
    }
    tokens.push({ type: 'left', pos: open, val: LEFT, spaceBefore: false });
    const end = lexAction(source, p, tokens, fail);
    pos = end.end;
    trimNextText = end.trim;
  }
  tokens.push({ type: 'eof', pos: text.length, val: '', spaceBefore: false });
  return tokens;
}

/** If a right delimiter (`}}`, or ` -}}` with exactly one space) starts at `at`: where it ends and whether it trims. */
function closeDelimAt(text: string, at: number): { end: number; trim: boolean } | undefined {
  if (text.startsWith(RIGHT, at)) return { end: at + 2, trim: false };
  if (isSpace(text[at]) && text[at + 1] === '-' && text.startsWith(RIGHT, at + 2)) return { end: at + 4, trim: true };
  return undefined;
}

function lexAction(
  source: SourceFile,
  start: number,
  tokens: Token[],
  fail: (pos: number, what: string) => never,
): { end: number; trim: boolean } {
  const text = source.text;
  let p = start;
  let space = false;
  let parenDepth = 0;
  const push = (type: TokenType, from: number, to: number) => {
    tokens.push({ type, pos: from, val: text.slice(from, to), spaceBefore: space });
    space = false;
  };
  for (;;) {
    // The right delimiter, possibly with its trim marker: " -}}" needs the space before the dash.
    if (isSpace(text[p]) && text[p + 1] === '-' && text.startsWith(RIGHT, p + 2)) {
      if (parenDepth > 0) fail(p, 'unclosed left paren');
      tokens.push({ type: 'right', pos: p + 1, val: RIGHT, spaceBefore: true });
      return { end: p + 4, trim: true };
    }
    if (text.startsWith(RIGHT, p)) {
      if (parenDepth > 0) fail(p, 'unclosed left paren');
      tokens.push({ type: 'right', pos: p, val: RIGHT, spaceBefore: space });
      return { end: p + 2, trim: false };
    }
    const c = text[p];
    if (c === undefined) fail(p, 'unclosed action');
    if (isSpace(c)) {
      space = true;
      p++;
      continue;
    }
    if (c === '/' && text[p + 1] === '*') fail(p, 'comments must be alone in their action: {{/* ... */}}');
    if (c === '|') {
      push('pipe', p, p + 1);
      p++;
      continue;
    }
    if (c === ',') {
      push('comma', p, p + 1);
      p++;
      continue;
    }
    if (c === '(') {
      parenDepth++;
      push('lparen', p, p + 1);
      p++;
      continue;
    }
    if (c === ')') {
      if (parenDepth === 0) fail(p, 'unexpected right paren');
      parenDepth--;
      push('rparen', p, p + 1);
      p++;
      continue;
    }
    if (c === ':') {
      if (text[p + 1] !== '=') fail(p, 'expected :=');
      push('declare', p, p + 2);
      p += 2;
      continue;
    }
    if (c === '=') {
      push('assign', p, p + 1);
      p++;
      continue;
    }
    if (c === '"') {
      let q = p + 1;
      while (text[q] !== '"') {
        if (text[q] === '\\') q++;
        if (q >= text.length || text[q] === '\n') fail(p, 'unterminated quoted string');
        q++;
      }
      push('string', p, q + 1);
      p = q + 1;
      continue;
    }
    if (c === '`') {
      const q = text.indexOf('`', p + 1);
      if (q === -1) fail(p, 'unterminated raw quoted string');
      push('rawString', p, q + 1);
      p = q + 1;
      continue;
    }
    if (c === "'") {
      let q = p + 1;
      while (text[q] !== "'") {
        if (text[q] === '\\') q++;
        if (q >= text.length || text[q] === '\n') fail(p, 'unterminated character constant');
        q++;
      }
      push('char', p, q + 1);
      p = q + 1;
      continue;
    }
    if (c === '$') {
      let q = p + 1;
      while (isAlnum(text[q])) q++;
      push('variable', p, q);
      p = q;
      continue;
    }
    if (c === '.' && !/[0-9]/.test(text[p + 1] ?? '')) {
      if (isAlnum(text[p + 1])) {
        let q = p + 1;
        while (isAlnum(text[q])) q++;
        push('field', p, q);
        p = q;
      } else {
        push('dot', p, p + 1);
        p++;
      }
      continue;
    }
    if (/[0-9.+-]/.test(c)) {
      NUMBER.lastIndex = p;
      const m = NUMBER.exec(text);
      if (!m || m[0] === '' || m[0] === '+' || m[0] === '-') fail(p, `unexpected bad character U+${hex(c)} '${c}' in command`);
      const q = p + m![0].length;
      if (isAlnum(text[q])) fail(p, `bad number syntax: "${text.slice(p, q + 1)}"`);
      push('number', p, q);
      p = q;
      continue;
    }
    if (isAlnum(c)) {
      let q = p;
      while (isAlnum(text[q])) q++;
      const word = text.slice(p, q);
      const type: TokenType = KEYWORDS.has(word) ? 'keyword' : word === 'true' || word === 'false' ? 'bool' : word === 'nil' ? 'nil' : 'identifier';
      push(type, p, q);
      p = q;
      continue;
    }
    fail(p, `unexpected bad character U+${hex(c)} '${c}' in command`);
  }
}

function hex(c: string): string {
  return c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
}
