/** The parse tree of a Go text/template, shaped like text/template/parse. `pos` is an offset into the source. */
import type { SourceFile } from '../source.js';

export type Node =
  | TextNode
  | ActionNode
  | IfNode
  | RangeNode
  | WithNode
  | TemplateNode
  | BreakNode
  | ContinueNode;

export interface ListNode {
  nodes: Node[];
}

export interface TextNode {
  type: 'text';
  pos: number;
  text: string;
}

export interface ActionNode {
  type: 'action';
  pos: number;
  pipe: PipeNode;
}

/** if / with share this shape; `elseList` holds `else if` / `else with` chains as a nested node. */
export interface IfNode {
  type: 'if';
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}

export interface WithNode {
  type: 'with';
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}

export interface RangeNode {
  type: 'range';
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}

export interface TemplateNode {
  type: 'template';
  pos: number;
  name: string;
  pipe?: PipeNode;
}

export interface BreakNode {
  type: 'break';
  pos: number;
}

export interface ContinueNode {
  type: 'continue';
  pos: number;
}

export interface PipeNode {
  type: 'pipe';
  pos: number;
  /** Variables declared (`:=`) or assigned (`=`) by this pipeline. */
  decl: VariableNode[];
  isAssign: boolean;
  cmds: CommandNode[];
}

export interface CommandNode {
  type: 'command';
  pos: number;
  args: ArgNode[];
}

export type ArgNode =
  | FieldNode
  | ChainNode
  | VariableNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | IdentifierNode
  | PipeNode;

/** `.A.B`: field names from dot. */
export interface FieldNode {
  type: 'field';
  pos: number;
  ident: string[];
}

/** `(pipeline).A.B` */
export interface ChainNode {
  type: 'chain';
  pos: number;
  node: ArgNode;
  field: string[];
}

/** `$x.A.B`: ident[0] is the variable name (with `$`). */
export interface VariableNode {
  type: 'variable';
  pos: number;
  ident: string[];
}

export interface DotNode {
  type: 'dot';
  pos: number;
}

export interface NilNode {
  type: 'nil';
  pos: number;
}

export interface BoolNode {
  type: 'bool';
  pos: number;
  value: boolean;
}

/** A numeric constant; `isInt` / `isFloat` as in Go (an integer literal is both). */
export interface NumberNode {
  type: 'number';
  pos: number;
  text: string;
  isInt: boolean;
  isFloat: boolean;
  intValue: number;
  floatValue: number;
  /** The constant as an interface{} argument (int or float64), computed on first use. */
  ideal?: unknown;
}

export interface StringNode {
  type: 'string';
  pos: number;
  quoted: string;
  text: string;
}

/** A function name. */
export interface IdentifierNode {
  type: 'identifier';
  pos: number;
  name: string;
}

/** A named template: its body and the file it was written in (for error positions). */
export interface TemplateDefinition {
  name: string;
  root: ListNode;
  source: SourceFile;
}
