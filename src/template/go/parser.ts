/** Builds text/template parse trees from tokens, with Go's parse-time checks (unknown functions, variables, misplaced keywords). */
import { TemplateError } from '../errors.js';
import type { SourceFile } from '../source.js';
import type { FunctionTable } from '../funcs/types.js';
import type {
  ArgNode,
  CommandNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  StringNode,
  TemplateDefinition,
  VariableNode,
} from './ast.js';
import { lex, type Token } from './lexer.js';
import { parseGoNumber, unquoteGo } from './literals.js';
import { closestMatch } from '../../shared/suggest.js';
import { MAX_NESTING } from '../limits.js';

export interface ParsedFile {
  /** The body outside any {{define}}. */
  root: ListNode;
  /** {{define}} and {{block}} templates, in order. */
  definitions: TemplateDefinition[];
}

export function parseTemplate(source: SourceFile, funcs: FunctionTable): ParsedFile {
  try {
    return new Parser(source, funcs).parseFile();
  } catch (err) {
    // MAX_NESTING keeps the parser within the stack; should a smaller stack run out first, say so
    if (err instanceof RangeError) throw TemplateError.at(source, 0, 'the template nests too deeply to parse', `keep blocks and parentheses under ${MAX_NESTING} levels`);
    throw err;
  }
}

type Control = 'if' | 'with' | 'range';

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  /** Open blocks and parentheses: their recursion is bounded so deep input is an error, not a stack overflow. */
  private depth = 0;
  private readonly definitions: TemplateDefinition[] = [];

  constructor(
    private readonly source: SourceFile,
    private readonly funcs: FunctionTable,
  ) {
    this.tokens = lex(source);
  }

  parseFile(): ParsedFile {
    const root: ListNode = { nodes: [] };
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'left' && this.peek(1).type === 'keyword' && this.peek(1).val === 'define') {
        this.i += 2;
        this.parseDefinition();
        continue;
      }
      const item = this.textOrAction();
      if (item.kind !== 'node') this.fail(item.token, `unexpected {{${item.kind}}}`);
      root.nodes.push(item.node);
    }
    return { root, definitions: this.definitions };
  }

  // ---- tokens

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    return this.tokens[Math.min(this.i++, this.tokens.length - 1)]!;
  }

  private fail(at: Token | number, what: string): never {
    throw TemplateError.at(this.source, typeof at === 'number' ? at : at.pos, what);
  }

  private describe(t: Token): string {
    switch (t.type) {
      case 'eof':
        return 'EOF';
      case 'right':
        return '"}}"';
      case 'keyword':
        return `<${t.val}>`;
      default:
        return JSON.stringify(t.val);
    }
  }

  private expect(type: Token['type'], context: string): Token {
    const t = this.next();
    if (t.type !== type) this.fail(t, `unexpected ${this.describe(t)} in ${context}`);
    return t;
  }

  // ---- structure

  private parseDefinition(): void {
    const nameTok = this.next();
    const name = this.stringValue(nameTok, 'define clause');
    this.expect('right', 'define clause');
    const { list, end } = this.isolated(() => this.itemList());
    if (end.kind !== 'end') this.fail(end.token, 'unexpected {{else}} in define clause');
    this.addDefinition(name, list, nameTok);
  }

  /** A template body sees only `$` and is not inside any range. */
  private isolated<T>(parse: () => T): T {
    const saved = { vars: this.vars, rangeDepth: this.rangeDepth };
    this.vars = ['$'];
    this.rangeDepth = 0;
    try {
      return parse();
    } finally {
      this.vars = saved.vars;
      this.rangeDepth = saved.rangeDepth;
    }
  }

  private addDefinition(name: string, root: ListNode, at: Token): void {
    const existing = this.definitions.findIndex((d) => d.name === name);
    if (existing !== -1) {
      if (!isEmptyList(this.definitions[existing]!.root) && !isEmptyList(root))
        this.fail(at, `template: multiple definition of template "${name}"`);
      if (isEmptyList(root)) return;
      this.definitions.splice(existing, 1);
    }
    this.definitions.push({ name, root, source: this.source });
  }

  /** Nodes up to an {{end}} or {{else}} (which is consumed and returned). */
  private itemList(): { list: ListNode; end: { kind: 'end' | 'else'; token: Token } } {
    const list: ListNode = { nodes: [] };
    for (;;) {
      if (this.peek().type === 'eof') this.fail(this.peek(), 'unexpected EOF');
      const item = this.textOrAction();
      if (item.kind === 'node') list.nodes.push(item.node);
      else return { list, end: item };
    }
  }

  private textOrAction(): { kind: 'node'; node: Node } | { kind: 'end' | 'else'; token: Token } {
    const t = this.next();
    if (t.type === 'text') return { kind: 'node', node: { type: 'text', pos: t.pos, text: t.val } };
    if (t.type !== 'left') this.fail(t, `unexpected ${this.describe(t)} in input`);
    const k = this.peek();
    if (k.type === 'keyword') {
      switch (k.val) {
        case 'end':
          this.i++;
          this.expect('right', 'end');
          return { kind: 'end', token: k };
        case 'else':
          this.i++;
          return { kind: 'else', token: k };
        case 'if':
        case 'with':
        case 'range':
          this.i++;
          return { kind: 'node', node: this.control(k.val, k) };
        case 'template':
          this.i++;
          return { kind: 'node', node: this.templateCall(k) };
        case 'block':
          this.i++;
          return { kind: 'node', node: this.block(k) };
        case 'break':
        case 'continue': {
          this.i++;
          if (this.rangeDepth === 0) this.fail(k, `{{${k.val}}} outside {{range}}`);
          this.expect('right', `{{${k.val}}}`);
          return { kind: 'node', node: { type: k.val, pos: k.pos } };
        }
        case 'define':
          this.fail(k, 'unexpected <define>: {{define}} is only allowed at the top level, outside other actions');
      }
    }
    const pipe = this.pipeline('command', 'right');
    return { kind: 'node', node: { type: 'action', pos: t.pos, pipe } };
  }

  /** Parses something nested (a block, a parenthesized pipeline) one level deeper. */
  private nested<T>(at: Token, parse: () => T): T {
    if (this.depth >= MAX_NESTING) this.fail(at, `blocks and parentheses nest more than ${MAX_NESTING} deep`);
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private control(kind: Control, at: Token): Node {
    return this.nested(at, () => this.controlBody(kind, at));
  }

  private controlBody(kind: Control, at: Token): Node {
    const varsMark = this.vars.length;
    const pipe = this.pipeline(kind, 'right');
    if (kind === 'range') this.rangeDepth++;
    const { list, end } = this.itemList();
    if (kind === 'range') this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (end.kind === 'else') {
      const chained = this.peek();
      if (kind !== 'range' && chained.type === 'keyword' && chained.val === kind) {
        // {{else if ...}} / {{else with ...}}: a nested control that consumes the final {{end}}.
        this.i++;
        elseList = { nodes: [this.control(kind, chained)] };
      } else {
        this.expect('right', `{{else}}`);
        const rest = this.itemList();
        if (rest.end.kind !== 'end') this.fail(rest.end.token, `expected end; found {{else}}`);
        elseList = rest.list;
      }
    }
    this.vars.length = varsMark;
    return { type: kind, pos: at.pos, pipe, list, elseList };
  }

  private templateCall(at: Token): Node {
    const name = this.stringValue(this.next(), 'template clause');
    let pipe: PipeNode | undefined;
    if (this.peek().type !== 'right') pipe = this.pipeline('template clause', 'right');
    else this.i++;
    return { type: 'template', pos: at.pos, name, pipe };
  }

  private block(at: Token): Node {
    const nameTok = this.next();
    const name = this.stringValue(nameTok, 'block clause');
    const pipe = this.pipeline('block clause', 'right');
    const { list, end } = this.isolated(() => this.itemList());
    if (end.kind !== 'end') this.fail(end.token, 'unexpected {{else}} in block clause');
    this.addDefinition(name, list, nameTok);
    return { type: 'template', pos: at.pos, name, pipe };
  }

  private stringValue(t: Token, context: string): string {
    if (t.type !== 'string' && t.type !== 'rawString') this.fail(t, `unexpected ${this.describe(t)} in ${context}`);
    return this.stringNode(t).text;
  }

  // ---- pipelines

  private pipeline(context: string, end: 'right' | 'rparen'): PipeNode {
    const start = this.peek();
    const pipe: PipeNode = { type: 'pipe', pos: start.pos, decl: [], isAssign: false, cmds: [] };
    this.declarations(pipe, context);
    for (;;) {
      const t = this.peek();
      if (t.type === end) {
        this.i++;
        this.checkPipeline(pipe, context, t);
        return pipe;
      }
      if (STARTS_OPERAND.has(t.type)) {
        pipe.cmds.push(this.command(end));
        continue;
      }
      if (t.type === 'eof') this.fail(t, end === 'right' ? 'unclosed action' : 'unclosed left paren');
      this.fail(t, `unexpected ${this.describe(t)} in ${context}`);
    }
  }

  private declarations(pipe: PipeNode, context: string): void {
    while (this.peek().type === 'variable') {
      const v = this.peek();
      const after = this.peek(1);
      if (after.type === 'declare' || after.type === 'assign') {
        this.i += 2;
        pipe.isAssign = after.type === 'assign';
        if (pipe.isAssign && !this.vars.includes(v.val)) this.fail(v, `undefined variable "${v.val}"`);
        pipe.decl.push(this.variableNode(v, [v.val]));
        if (!pipe.isAssign) this.vars.push(v.val);
        return;
      }
      if (after.type === 'comma') {
        if (context !== 'range' || pipe.decl.length >= 1) this.fail(after, `too many declarations in ${context}`);
        this.i += 2;
        pipe.decl.push(this.variableNode(v, [v.val]));
        this.vars.push(v.val);
        if (this.peek().type !== 'variable') this.fail(this.peek(), 'range can only initialize variables');
        continue;
      }
      return;
    }
  }

  private checkPipeline(pipe: PipeNode, context: string, at: Token): void {
    if (pipe.cmds.length === 0) this.fail(at, `missing value for ${context}`);
    pipe.cmds.slice(1).forEach((cmd, i) => {
      const first = cmd.args[0]!;
      if (['bool', 'dot', 'nil', 'number', 'string'].includes(first.type))
        this.fail(first.pos, `non executable command in pipeline stage ${i + 2}`);
    });
  }

  private command(end: 'right' | 'rparen'): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peek().pos, args: [] };
    for (;;) {
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.peek();
      if (t.type === 'pipe') {
        this.i++;
        break;
      }
      if (t.type === end) break;
      if (operand && t.spaceBefore && STARTS_OPERAND.has(t.type)) continue;
      if (t.type === 'eof') this.fail(t, 'unclosed action');
      this.fail(t, `unexpected ${this.describe(t)} in operand`);
    }
    if (cmd.args.length === 0) this.fail(cmd.pos, 'missing value for command');
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (!node) return undefined;
    if (this.peek().type !== 'field' || this.peek().spaceBefore) return node;
    const fields: string[] = [];
    while (this.peek().type === 'field' && !this.peek().spaceBefore) fields.push(this.next().val.slice(1));
    switch (node.type) {
      case 'field':
        return { ...node, ident: [...node.ident, ...fields] };
      case 'variable':
        return { ...node, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        return this.fail(node.pos, `unexpected . after term ${JSON.stringify(this.source.text.slice(node.pos, this.tokens[this.i - fields.length]!.pos))}`);
      default:
        return { type: 'chain', pos: node.pos, node, field: fields };
    }
  }

  private term(): ArgNode | undefined {
    const t = this.peek();
    switch (t.type) {
      case 'identifier':
        this.i++;
        if (!this.funcs.has(t.val)) {
          const near = closestMatch(t.val, this.funcs.keys());
          throw TemplateError.at(
            this.source,
            t.pos,
            `function "${t.val}" not defined`,
            near ? `did you mean "${near}"?` : 'templates can call text/template built-ins, sprig and kube-burner functions (README: Templates)',
          );
        }
        return { type: 'identifier', pos: t.pos, name: t.val };
      case 'dot':
        this.i++;
        return { type: 'dot', pos: t.pos };
      case 'nil':
        this.i++;
        return { type: 'nil', pos: t.pos };
      case 'variable':
        this.i++;
        if (!this.vars.includes(t.val)) this.fail(t, `undefined variable "${t.val}"`);
        return this.variableNode(t, [t.val]);
      case 'field':
        this.i++;
        return { type: 'field', pos: t.pos, ident: [t.val.slice(1)] };
      case 'bool':
        this.i++;
        return { type: 'bool', pos: t.pos, value: t.val === 'true' };
      case 'number':
      case 'char':
        this.i++;
        return this.numberNode(t);
      case 'string':
      case 'rawString':
        this.i++;
        return this.stringNode(t);
      case 'lparen': {
        this.i++;
        return this.nested(t, () => this.pipeline('parenthesized pipeline', 'rparen'));
      }
      default:
        return undefined;
    }
  }

  private variableNode(t: Token, ident: string[]): VariableNode {
    return { type: 'variable', pos: t.pos, ident };
  }

  private numberNode(t: Token): NumberNode {
    try {
      if (t.type === 'char') {
        const ch = unquoteGo(t.val.slice(1, -1), "'");
        const code = ch.codePointAt(0);
        if (code === undefined || [...ch].length !== 1) throw new Error(`malformed character constant: ${t.val}`);
        return { type: 'number', pos: t.pos, text: t.val, isInt: true, isFloat: true, intValue: code, floatValue: code };
      }
      return { type: 'number', pos: t.pos, text: t.val, ...parseGoNumber(t.val) };
    } catch (err) {
      return this.fail(t, (err as Error).message);
    }
  }

  private stringNode(t: Token): StringNode {
    if (t.type === 'rawString') return { type: 'string', pos: t.pos, quoted: t.val, text: t.val.slice(1, -1).replace(/\r/g, '') };
    try {
      return { type: 'string', pos: t.pos, quoted: t.val, text: unquoteGo(t.val.slice(1, -1), '"') };
    } catch (err) {
      return this.fail(t, (err as Error).message);
    }
  }
}

const STARTS_OPERAND = new Set<Token['type']>([
  'bool',
  'char',
  'dot',
  'field',
  'identifier',
  'number',
  'nil',
  'rawString',
  'string',
  'variable',
  'lparen',
]);

function isEmptyList(list: ListNode): boolean {
  return list.nodes.every((n) => n.type === 'text' && n.text.trim() === '');
}
