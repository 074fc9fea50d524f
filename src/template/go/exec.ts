/** Walks text/template parse trees with Go's semantics (truthiness, scoping, missingkey, range over maps in key order). */
import { TemplateError } from '../errors.js';
import type { SourceFile } from '../source.js';
import { isGoObject, type FunctionTable, type GoObject, type ParamType, type TemplateFunction } from '../funcs/types.js';
import type { ArgNode, CommandNode, IdentifierNode, ListNode, Node, NumberNode, PipeNode, TemplateDefinition } from './ast.js';
import { nodeString } from './node-string.js';
import { formatCount, MAX_OUTPUT_CHARS, MAX_RENDER_MS } from '../limits.js';
import { GoFloat, GoInt64, formatV, isPlainMap, isTrue, kindOf, numberOf, sliceType, sortedKeys, typeName, type GoMap } from './values.js';

export interface ExecEnv {
  funcs: FunctionTable;
  missingKey: 'error' | 'zero';
  templates: ReadonlyMap<string, TemplateDefinition>;
}

const NO_FINAL = Symbol('no final value');
/** The args list of an operand evaluated on its own: one element, so it takes no arguments. */
const SINGLE: ArgNode[] = [{ type: 'nil', pos: 0 }];
type Final = unknown;
const enum Signal {
  None,
  Break,
  Continue,
}
/** JS recursion is far shallower than Go's 100000; templates calling themselves stop here. */
const MAX_DEPTH = 1000;

interface Variable {
  name: string;
  value: unknown;
}

/** An execution error raised at a node; converted to a TemplateError with the node's position. */
class ExecFailure extends Error {
  constructor(
    message: string,
    readonly pos: number,
    readonly source: SourceFile,
    readonly at: string,
    readonly templateName: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const MISSING_KEY_HINT =
  "give it a value (the object's inputVars, or --data/--set with burn render), or set defaultMissingKeysWithZero: true on the job";

export function execute(root: ListNode, name: string, source: SourceFile, data: unknown, env: ExecEnv): string {
  const state = new State(env, source, name, [{ name: '$', value: data }]);
  try {
    state.walkList(data, root);
  } catch (err) {
    if (err instanceof ExecFailure) {
      throw TemplateError.at(err.source, err.pos, `executing "${err.templateName}" at <${err.at}>: ${err.message}`, err.hint);
    }
    throw err;
  }
  return state.out;
}

const LIMIT_HINT = 'a template must render in ' + `${MAX_RENDER_MS / 1000}s to at most ${formatCount(MAX_OUTPUT_CHARS)} characters; see Limits in the README; look for a range over a huge count`;
/** Steps between two looks at the clock. */
const CLOCK_EVERY = 1024;

class State {
  out = '';
  private depth = 0;
  private steps = 0;
  private readonly deadline = Date.now() + MAX_RENDER_MS;

  constructor(
    private readonly env: ExecEnv,
    private source: SourceFile,
    private templateName: string,
    private vars: Variable[],
  ) {}

  private fail(node: ArgNode, message: string, hint?: string): never {
    return this.failAt(node.pos, nodeString(node), message, hint);
  }

  private failAt(pos: number, at: string, message: string, hint?: string): never {
    throw new ExecFailure(message, pos, this.source, at, this.templateName, hint);
  }

  // ---- statements

  walkList(dot: unknown, list: ListNode): Signal {
    for (const node of list.nodes) {
      this.tick(node.pos, node.type);
      const signal = this.walk(dot, node);
      if (this.out.length > MAX_OUTPUT_CHARS) this.failAt(node.pos, node.type, `the template's output passed ${formatCount(MAX_OUTPUT_CHARS)} characters`, LIMIT_HINT);
      if (signal !== Signal.None) return signal;
    }
    return Signal.None;
  }

  /** Counts a step (a node, a range iteration) and fails once the render has run too long. */
  private tick(pos: number, at: string): void {
    if (++this.steps % CLOCK_EVERY === 0 && Date.now() > this.deadline) this.failAt(pos, at, `the template ran longer than ${MAX_RENDER_MS / 1000}s`, LIMIT_HINT);
  }

  private walk(dot: unknown, node: Node): Signal {
    switch (node.type) {
      case 'text':
        this.out += node.text;
        return Signal.None;
      case 'action': {
        const value = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.out += printValue(value);
        return Signal.None;
      }
      case 'if':
      case 'with':
        return this.walkIfOrWith(dot, node.type, node.pipe, node.list, node.elseList);
      case 'range':
        return this.walkRange(dot, node.pipe, node.list, node.elseList);
      case 'template':
        this.walkTemplate(dot, node.name, node.pos, node.pipe);
        return Signal.None;
      case 'break':
        return Signal.Break;
      case 'continue':
        return Signal.Continue;
    }
  }

  private walkIfOrWith(dot: unknown, kind: 'if' | 'with', pipe: PipeNode, list: ListNode, elseList?: ListNode): Signal {
    const mark = this.vars.length;
    try {
      const value = this.evalPipeline(dot, pipe);
      if (isTrue(value)) return this.walkList(kind === 'with' ? value : dot, list);
      if (elseList) return this.walkList(dot, elseList);
      return Signal.None;
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: unknown, pipe: PipeNode, list: ListNode, elseList?: ListNode): Signal {
    const mark = this.vars.length;
    try {
      const value = this.evalPipeline(dot, pipe);
      const iterMark = this.vars.length;
      const one = (key: unknown, elem: unknown): Signal => {
        this.tick(pipe.pos, 'range');
        if (pipe.decl.length > 0) {
          const last = pipe.decl.length - 1;
          this.setDeclared(pipe, last, elem);
          if (last === 1) this.setDeclared(pipe, 0, key);
        }
        try {
          return this.walkList(elem, list);
        } finally {
          this.vars.length = iterMark;
        }
      };
      let ran = false;
      switch (kindOf(value)) {
        case 'slice': {
          const items = value as unknown[];
          for (let i = 0; i < items.length; i++) {
            ran = true;
            if (one(i, items[i]) === Signal.Break) break;
          }
          break;
        }
        case 'map': {
          const m = value as GoMap;
          for (const k of sortedKeys(m)) {
            ran = true;
            if (one(k, m[k]) === Signal.Break) break;
          }
          break;
        }
        case 'int': {
          if (pipe.decl.length > 1) this.fail(pipe, `can't use ${formatV(value)} to iterate over more than one variable`);
          const n = numberOf(value);
          for (let i = 0; i < n; i++) {
            ran = true;
            if (one(i, i) === Signal.Break) break;
          }
          break;
        }
        case 'nil':
          break;
        default:
          this.fail(pipe, `range can't iterate over ${formatV(value)}`);
      }
      if (!ran && elseList) return this.walkList(dot, elseList);
      return Signal.None;
    } finally {
      this.vars.length = mark;
    }
  }

  /** Sets the i-th variable of a range pipeline: declared ones sit at the top of the stack in order. */
  private setDeclared(pipe: PipeNode, i: number, value: unknown): void {
    const name = pipe.decl[i]!.ident[0]!;
    if (pipe.isAssign) {
      this.setVar(pipe.decl[i]!, name, value);
      return;
    }
    const slot = this.vars.length - pipe.decl.length + i;
    this.vars[slot] = { name, value };
  }

  private walkTemplate(dot: unknown, name: string, pos: number, pipe?: PipeNode): void {
    const at = `template "${name}"`;
    const tmpl = this.env.templates.get(name);
    if (!tmpl) this.failAt(pos, at, `no such template "${name}"`);
    const newDot = pipe ? this.evalPipeline(dot, pipe) : undefined;
    if (this.depth >= MAX_DEPTH) this.failAt(pos, at, `exceeded maximum template depth (${MAX_DEPTH})`);
    const saved = { vars: this.vars, source: this.source, name: this.templateName };
    this.vars = [{ name: '$', value: newDot }];
    this.source = tmpl!.source;
    this.templateName = name;
    this.depth++;
    try {
      this.walkList(newDot, tmpl!.root);
    } catch (err) {
      // The JS stack can run out before MAX_DEPTH on deeply nested bodies: report it like the depth limit.
      if (err instanceof RangeError) this.failAt(pos, at, `exceeded maximum template depth (${this.depth} nested template calls)`);
      throw err;
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.source = saved.source;
      this.templateName = saved.name;
    }
  }

  // ---- pipelines and commands

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    let value: unknown = NO_FINAL;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v, v.ident[0]!, value);
      else this.vars.push({ name: v.ident[0]!, value });
    }
    return value;
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return this.evalFieldChain(dot, first, first.ident, cmd.args, final, 0, dot);
      case 'chain': {
        const receiver = this.evalArgValue(dot, first.node);
        return this.evalFieldChain(receiver, first, first.field, cmd.args, final, 0, dot);
      }
      case 'identifier':
        return this.evalFunction(dot, first, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable': {
        const value = this.varValue(first, first.ident[0]!);
        if (first.ident.length === 1) {
          this.notAFunction(cmd.args, final);
          return value;
        }
        return this.evalFieldChain(value, first, first.ident, cmd.args, final, 1, dot);
      }
      case 'nil':
        return this.fail(first, 'nil is not a command');
      case 'dot':
        this.notAFunction(cmd.args, final);
        return dot;
      default:
        this.notAFunction(cmd.args, final);
        return constantValue(first);
    }
  }

  private notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== NO_FINAL) this.fail(args[0]!, `can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  private evalFieldChain(receiver: unknown, node: ArgNode, idents: string[], args: ArgNode[], final: Final, from = 0, dot: unknown = undefined): unknown {
    let value = receiver;
    for (let i = from; i < idents.length; i++) {
      const last = i === idents.length - 1;
      if (isGoObject(value)) {
        value = this.evalMethod(idents[i]!, node, value, dot, last ? args : SINGLE, last ? final : NO_FINAL);
        continue;
      }
      value = this.evalField(idents[i]!, node, value, last && (args.length > 1 || final !== NO_FINAL));
    }
    return value;
  }

  /** A method (or struct field) of a Go value: `$v.Major`, `(semver "1.2.3").Compare $w`. */
  private evalMethod(name: string, node: ArgNode, receiver: GoObject, dot: unknown, args: ArgNode[], final: Final): unknown {
    const def = receiver.methods()[name];
    if (!def) return this.fail(node, `can't evaluate field ${name} in type ${receiver.goType}`);
    return this.callFunction(name, node, def, dot, args, final, `${name} of type ${receiver.goType}`);
  }

  private evalField(name: string, node: ArgNode, receiver: unknown, hasArgs: boolean): unknown {
    if (receiver === null || receiver === undefined) {
      if (this.env.missingKey === 'error' && receiver === undefined) return this.fail(node, `nil data; no entry for key "${name}"`);
      return this.fail(node, `nil pointer evaluating interface {}.${name}`);
    }
    if (isPlainMap(receiver)) {
      if (hasArgs) this.fail(node, `${name} is not a method but has arguments`);
      if (Object.hasOwn(receiver, name)) return receiver[name] ?? null;
      if (this.env.missingKey === 'error') this.fail(node, `map has no entry for key "${name}"`, MISSING_KEY_HINT);
      return undefined;
    }
    return this.fail(node, `can't evaluate field ${name} in type ${typeName(receiver)}`);
  }

  private varValue(node: ArgNode, name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    return this.fail(node, `undefined variable: ${name}`);
  }

  private setVar(node: ArgNode, name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i] = { name, value };
        return;
      }
    }
    this.fail(node, `undefined variable: ${name}`);
  }

  private evalFunction(dot: unknown, ident: IdentifierNode, args: ArgNode[], final: Final): unknown {
    const def = this.env.funcs.get(ident.name);
    if (!def) return this.fail(ident, `"${ident.name}" is not a defined function`);
    // args[0] is the function name itself.
    if (def.shortCircuit) return this.evalShortCircuit(dot, ident, def.shortCircuit, args, final);
    return this.callFunction(ident.name, ident, def, dot, args, final, ident.name);
  }

  /** Checks the argument count and types as Go's evalCall does, then calls; `args[0]` is the callee itself. */
  private callFunction(name: string, at: ArgNode, def: TemplateFunction, dot: unknown, args: ArgNode[], final: Final, what: string): unknown {
    const total = args.length - 1 + (final === NO_FINAL ? 0 : 1);
    const fixed = def.params.length;
    if (def.variadic ? total < fixed : total !== fixed) {
      this.fail(at, `wrong number of args for ${what}: want ${def.variadic ? 'at least ' : ''}${fixed} got ${total}`);
    }
    const values: unknown[] = new Array(total);
    for (let i = 1; i < args.length; i++) values[i - 1] = this.evalTypedArg(dot, args[i]!, paramAt(def, i - 1));
    if (final !== NO_FINAL) values[total - 1] = this.convert(final, paramAt(def, total - 1), at);
    try {
      return (def.fn as (...a: unknown[]) => unknown)(...values);
    } catch (err) {
      if (err instanceof ExecFailure || err instanceof TemplateError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      return this.fail(at, `error calling ${name}: ${message}`);
    }
  }

  private evalShortCircuit(dot: unknown, ident: IdentifierNode, kind: 'and' | 'or', args: ArgNode[], final: Final): unknown {
    const total = args.length - 1 + (final === NO_FINAL ? 0 : 1);
    if (total < 1) this.fail(ident, `wrong number of args for ${kind}: want at least 1 got 0`);
    let value: unknown;
    for (let i = 1; i <= total; i++) {
      value = i < args.length ? this.evalArgValue(dot, args[i]!) : final;
      if (isTrue(value) === (kind === 'or')) return value;
    }
    return value;
  }

  /** An argument's value, untyped (Go's reflect.Value for interface{} parameters). */
  private evalArgValue(dot: unknown, node: ArgNode): unknown {
    switch (node.type) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'field':
        return this.evalFieldChain(dot, node, node.ident, SINGLE, NO_FINAL);
      case 'variable': {
        const value = this.varValue(node, node.ident[0]!);
        return node.ident.length === 1 ? value : this.evalFieldChain(value, node, node.ident, SINGLE, NO_FINAL, 1);
      }
      case 'pipe':
        return this.evalPipeline(dot, node);
      case 'identifier':
        return this.evalFunction(dot, node, [node], NO_FINAL);
      case 'chain': {
        const receiver = this.evalArgValue(dot, node.node);
        return this.evalFieldChain(receiver, node, node.field, SINGLE, NO_FINAL);
      }
      default:
        return constantValue(node);
    }
  }

  private evalTypedArg(dot: unknown, node: ArgNode, param: ParamType): unknown {
    if (node.type === 'number') return this.numberFor(node, param);
    if (node.type === 'nil') {
      // The literal nil is a nil map or slice where the parameter can be nil; Go refuses it elsewhere.
      if (param === 'any' || param === 'map' || param === 'intList' || param === 'list') return null;
      this.fail(node, `cannot assign nil to ${goParamName(param)}`);
    }
    if ((node.type === 'string' || node.type === 'bool') && param !== 'any' && !(param === 'string' && node.type === 'string') && !(param === 'bool' && node.type === 'bool')) {
      this.fail(node, `expected ${expectedWord(param)}; found ${nodeString(node)}`);
    }
    return this.convert(this.evalArgValue(dot, node), param, node);
  }

  private numberFor(node: NumberNode, param: ParamType): unknown {
    switch (param) {
      case 'int':
        if (!node.isInt) this.fail(node, `expected integer; found ${node.text}`);
        return node.intValue;
      case 'float':
        return new GoFloat(node.floatValue);
      case 'any':
        return constantValue(node);
      default:
        return this.fail(node, `expected ${expectedWord(param)}; found ${node.text}`);
    }
  }

  /** validateType: a value must already have the parameter's type (Go does not convert). */
  private convert(value: unknown, param: ParamType, node: ArgNode): unknown {
    if (param === 'any') return value === undefined ? null : value;
    const kind = kindOf(value);
    // A nil from the data or a function is an interface {} holding nothing: no typed parameter takes it.
    if (kind === 'nil') return this.fail(node, `wrong type for value; expected ${goParamName(param)}; got interface {}`);
    const ok =
      (param === 'string' && kind === 'string') ||
      (param === 'int' && kind === 'int' && !(value instanceof GoInt64)) ||
      (param === 'float' && kind === 'float') ||
      (param === 'bool' && kind === 'bool') ||
      (param === 'map' && kind === 'map') ||
      (param === 'time' && kind === 'time') ||
      (param === 'list' && kind === 'slice' && sliceType(value as unknown[]) === '[]interface {}') ||
      (param === 'intList' && kind === 'slice' && sliceType(value as unknown[]) === '[]int');
    if (!ok) this.fail(node, `wrong type for value; expected ${goParamName(param)}; got ${typeName(value)}`);
    return param === 'int' || param === 'float' ? numberOf(value) : value;
  }
}

function paramAt(def: TemplateFunction, i: number): ParamType {
  return i < def.params.length ? def.params[i]! : (def.variadic ?? 'any');
}

function goParamName(p: ParamType): string {
  switch (p) {
    case 'float':
      return 'float64';
    case 'intList':
      return '[]int';
    case 'list':
      return '[]interface {}';
    case 'time':
      return 'time.Time';
    case 'map':
      return 'map[string]interface {}';
    default:
      return p;
  }
}

function expectedWord(p: ParamType): string {
  return p === 'int' ? 'integer' : p === 'float' ? 'float' : p === 'bool' ? 'bool' : p === 'string' ? 'string' : goParamName(p);
}

/** parse.idealConstant: an integer literal is an int, one with . e or p is a float64. */
function constantValue(node: ArgNode): unknown {
  switch (node.type) {
    case 'bool':
      return node.value;
    case 'string':
      return node.text;
    case 'number':
      return (node.ideal ??= node.isInt && (node.text.startsWith("'") || /^[+-]?0[xX]/.test(node.text) || !/[.eEpP]/.test(node.text)) ? node.intValue : new GoFloat(node.floatValue));
    case 'nil':
      return null;
    default:
      return undefined;
  }
}

/** text/template's printValue: a nil result prints "<no value>"; everything else as fmt.Print does. */
function printValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '<no value>';
  return formatV(value);
}
