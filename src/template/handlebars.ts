/**
 * The Handlebars engine: no HTML escaping, strict lookups (a missing key is an error unless missingKey is 'zero'),
 * and the sprig/text-template functions as helpers under the same names.
 */
import { createRequire } from 'node:module';
import type HandlebarsModule from 'handlebars';
import { TemplateError } from './errors.js';
import type { SourceFile } from './source.js';
import type { FunctionTable, TemplateFunction } from './funcs/types.js';
import { isTrue, kindOf, numberOf } from './go/values.js';
import { formatCount, MAX_OUTPUT_CHARS } from './limits.js';

/** Handlebars' own block helpers keep their meaning. */
const RESERVED = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log', 'blockHelperMissing', 'helperMissing']);

export interface HandlebarsSettings {
  funcs: FunctionTable;
  missingKey: 'error' | 'zero';
}

type HelperDelegate = (...args: unknown[]) => unknown;

const environments = new WeakMap<FunctionTable, typeof HandlebarsModule>();

/**
 * Handlebars (650 KB of CommonJS with its source-map dependency) is loaded on the first Handlebars
 * template, not with the Go templates every run uses; `require` keeps compiling synchronous.
 */
let handlebars: typeof HandlebarsModule | undefined;
function loadHandlebars(): typeof HandlebarsModule {
  return (handlebars ??= createRequire(import.meta.url)('handlebars') as typeof HandlebarsModule);
}

function environment(funcs: FunctionTable): typeof HandlebarsModule {
  let hb = environments.get(funcs);
  if (hb) return hb;
  hb = loadHandlebars().create();
  for (const [name, def] of funcs) {
    if (!RESERVED.has(name)) hb.registerHelper(name, asHelper(name, def));
  }
  environments.set(funcs, hb);
  return hb;
}

function asHelper(name: string, def: TemplateFunction): HelperDelegate {
  return (...args: unknown[]) => {
    args.pop(); // Handlebars' options object
    if (def.shortCircuit === 'and') return args.find((a) => !isTrue(a)) ?? args[args.length - 1];
    if (def.shortCircuit === 'or') return args.find((a) => isTrue(a)) ?? args[args.length - 1];
    const fixed = def.params.length;
    if (def.variadic ? args.length < fixed : args.length !== fixed) {
      throw new Error(`wrong number of args for ${name}: want ${def.variadic ? 'at least ' : ''}${fixed} got ${args.length}`);
    }
    // Handlebars is not typed: hand numeric parameters plain numbers whatever Go type produced them.
    const values = args.map((a, i) => {
      const param = i < fixed ? def.params[i] : def.variadic;
      if (a === undefined) return null;
      return (param === 'int' || param === 'float') && (kindOf(a) === 'int' || kindOf(a) === 'float') ? numberOf(a) : a;
    });
    return (def.fn as HelperDelegate)(...values);
  };
}

export function compileHandlebarsTemplate(source: SourceFile, settings: HandlebarsSettings): { render(data: Record<string, unknown>): string } {
  const hb = environment(settings.funcs);
  let render: HandlebarsTemplateDelegate;
  try {
    render = hb.compile(hb.parse(source.text), { noEscape: true, strict: settings.missingKey === 'error' });
  } catch (err) {
    throw toTemplateError(source, err);
  }
  return {
    render(data) {
      let out: string;
      try {
        out = render(data);
      } catch (err) {
        throw toTemplateError(source, err);
      }
      if (out.length > MAX_OUTPUT_CHARS) {
        throw new TemplateError(`the template's output passed ${formatCount(MAX_OUTPUT_CHARS)} characters`, { file: source.name, line: 1, column: 1 }, 'a template may render at most 16 MiB; see Limits in the README');
      }
      return out;
    },
  };
}

interface HandlebarsException {
  message: string;
  lineNumber?: number;
  column?: number;
}

function toTemplateError(source: SourceFile, err: unknown): Error {
  if (err instanceof TemplateError) return err;
  if (err instanceof RangeError) return new TemplateError('the template nests too deeply (or grows too large) to render', { file: source.name, line: 1, column: 1 }, 'see Limits in the README');
  const e = err as HandlebarsException;
  if (typeof e?.message !== 'string') return err as Error;
  const lines = source.text.split('\n');
  if (typeof e.lineNumber === 'number') {
    const what = e.message.replace(/ - \d+:\d+$/, '');
    return atLineColumn(source, lines, e.lineNumber, (e.column ?? 0) + 1, what);
  }
  const parse = /^Parse error on line (\d+):\n(.*)\n(-*)\^\n([\s\S]*)$/.exec(e.message);
  if (parse) {
    const line = Number(parse[1]);
    const excerpt = parse[2]!;
    const lineText = lines[line - 1] ?? '';
    // The excerpt ends at the error; when it is the line's own text the caret column carries over.
    const column = lineText.startsWith(excerpt.replace(/^\.\.\./, '')) ? parse[3]!.length + 1 : 1;
    return atLineColumn(source, lines, line, column, `parse error: ${parse[4]}`);
  }
  // A helper failed without position information: report it at the template's start.
  return atLineColumn(source, lines, 1, 1, e.message);
}

function atLineColumn(source: SourceFile, lines: string[], line: number, column: number, what: string): TemplateError {
  return new TemplateError(what, { file: source.name, line, column, lineText: (lines[line - 1] ?? '').replace(/\r$/, '') });
}
