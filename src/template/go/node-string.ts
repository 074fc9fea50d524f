/** Go-like source text of a parse node, for "executing ... at <node>" messages. */
import type { ArgNode, CommandNode } from './ast.js';

export function nodeString(node: ArgNode | CommandNode | { type: 'template'; name: string }): string {
  switch (node.type) {
    case 'field':
      return node.ident.map((i) => `.${i}`).join('');
    case 'variable':
      return node.ident[0] + node.ident.slice(1).map((i) => `.${i}`).join('');
    case 'chain':
      return `${node.node.type === 'pipe' ? `(${nodeString(node.node)})` : nodeString(node.node)}${node.field.map((f) => `.${f}`).join('')}`;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(node.value);
    case 'number':
      return node.text;
    case 'string':
      return node.quoted;
    case 'identifier':
      return node.name;
    case 'command':
      return node.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'pipe': {
      const decl = node.decl.length ? `${node.decl.map((d) => nodeString(d)).join(', ')} ${node.isAssign ? '=' : ':='} ` : '';
      return decl + node.cmds.map(nodeString).join(' | ');
    }
    case 'template':
      return `template "${node.name}"`;
  }
}
