/**
 * A template function as Go's text/template sees it: typed parameters decide how arguments are checked
 * and converted (an `int` parameter refuses a float64 value, a `string` one refuses an int), as Go does.
 */
export type ParamType = 'any' | 'string' | 'int' | 'float' | 'bool' | 'intList' | 'list' | 'map' | 'time';

export interface TemplateFunction {
  params: ParamType[];
  /** Type of the `...` parameter, when the function is variadic. */
  variadic?: ParamType;
  fn: (...args: never[]) => unknown;
  /** and/or: arguments are evaluated lazily by the executor. */
  shortCircuit?: 'and' | 'or';
}

export type FunctionTable = ReadonlyMap<string, TemplateFunction>;

/** A failure inside a function; the executor reports it as `error calling NAME: message` at the call. */
export class FunctionError extends Error {}

export interface FunctionContext {
  /** ReadFile root. */
  baseDir: string;
  allowReadOutsideBaseDir: boolean;
}

/** Shorthand for building tables: fn(params, implementation) / variadic(params, rest, implementation). */
export function fn<A extends unknown[]>(params: ParamType[], impl: (...args: A) => unknown): TemplateFunction {
  return { params, fn: impl as unknown as TemplateFunction['fn'] };
}

export function variadic<A extends unknown[]>(params: ParamType[], rest: ParamType, impl: (...args: A) => unknown): TemplateFunction {
  return { params, variadic: rest, fn: impl as unknown as TemplateFunction['fn'] };
}

/** A Go value with methods or fields (a *semver.Version, a certificate struct): `.Name` calls them. */
export interface GoObject {
  /** %T / typeOf. */
  readonly goType: string;
  /** reflect.Kind ("ptr", "struct"). */
  readonly goKind: string;
  methods(): Record<string, TemplateFunction>;
  toString(): string;
}

export function isGoObject(v: unknown): v is GoObject {
  return typeof v === 'object' && v !== null && typeof (v as GoObject).methods === 'function' && typeof (v as GoObject).goType === 'string';
}
