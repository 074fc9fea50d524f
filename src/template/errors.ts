import { UserError } from '../shared/errors.js';
import type { SourceFile } from './source.js';

/**
 * A template the user wrote cannot be parsed or rendered.
 * The message reads `file:line:col: what`, then the offending line and a caret under the column.
 */
export class TemplateError extends UserError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The problem alone, without location or excerpt. */
  readonly what: string;

  constructor(what: string, at: { file: string; line: number; column: number; lineText?: string }, hint?: string) {
    super(formatMessage(what, at), { hint });
    this.name = 'TemplateError';
    this.file = at.file;
    this.line = at.line;
    this.column = at.column;
    this.what = what;
  }

  static at(source: SourceFile, offset: number, what: string, hint?: string): TemplateError {
    const { line, column, lineText } = source.locate(offset);
    return new TemplateError(what, { file: source.name, line, column, lineText }, hint);
  }
}

function formatMessage(what: string, at: { file: string; line: number; column: number; lineText?: string }): string {
  const head = `${at.file}:${at.line}:${at.column}: ${what}`;
  if (at.lineText === undefined) return head;
  // Keep tabs under tabs so the caret lines up in a terminal.
  const pad = at.lineText.slice(0, at.column - 1).replace(/[^\t]/g, ' ');
  return `${head}\n  ${at.lineText}\n  ${pad}^`;
}
