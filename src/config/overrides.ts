import { isMap, isScalar, isSeq, Pair, parse, Scalar, YAMLMap, type Document, type Node } from 'yaml';
import type { DiagnosticList } from './diagnostics.js';

/** One `key.path=value` assignment from `--set`. */
export interface SetAssignment {
  path: string[];
  value: unknown;
  /** The flag as the user typed it, used as the "position" of the values it sets. */
  flag: string;
}

/** Names JavaScript gives every object: as keys they would change objects instead of setting a value. */
const prototypeKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** An assignment starts at a comma followed by `key=`; commas inside values stay in the value. */
const assignmentStart = /,(?=\s*[A-Za-z0-9_.\-]+=)/;

/** Parses `--set` flags ("a.b=c", "jobs.0.qps=50,jobs.0.burst=50"); values are YAML scalars. */
export function parseSetFlags(flags: readonly string[], diags: DiagnosticList, file: string): SetAssignment[] {
  const out: SetAssignment[] = [];
  for (const flagValue of flags) {
    for (const part of flagValue.split(assignmentStart)) {
      const text = part.trim();
      if (!text) continue;
      const flag = `--set ${text}`;
      const eq = text.indexOf('=');
      const path = eq > 0 ? text.slice(0, eq).trim().split('.') : [];
      if (eq <= 0 || path.some((segment) => segment === '')) {
        diags.error({ file, line: 0, col: 0, flag }, `"${text}" is not key=value`, 'write --set jobs.0.qps=50 (dots between keys, numbers index lists)');
        continue;
      }
      const refused = path.find((segment) => prototypeKeys.has(segment));
      if (refused) {
        diags.error({ file, line: 0, col: 0, flag }, `"${refused}" is not a config key burn accepts`, 'name a key of the config, e.g. --set jobs.0.qps=50');
        continue;
      }
      out.push({ path, value: parseScalar(text.slice(eq + 1).trim()), flag });
    }
  }
  return out;
}

function parseScalar(text: string): unknown {
  if (text === '') return '';
  try {
    const value: unknown = parse(text);
    // "a: b" would parse as a mapping; only flow collections written as such are taken as collections
    if (value !== null && typeof value === 'object' && !/^[[{]/.test(text)) return text;
    return value;
  } catch {
    return text;
  }
}

/**
 * Applies assignments to the parsed document, creating missing mappings on the way (as kube-burner
 * does). Every node an assignment adds is remembered with its flag so later errors can name the flag.
 */
export function applySetAssignments(doc: Document, assignments: readonly SetAssignment[], flagOrigins: WeakMap<Node, string>, diags: DiagnosticList, file: string): void {
  for (const assignment of assignments) {
    const problem = applyOne(doc, assignment, flagOrigins);
    if (problem) diags.error({ file, line: 0, col: 0, flag: assignment.flag }, problem.message, problem.hint);
  }
}

function applyOne(doc: Document, { path, value, flag }: SetAssignment, flagOrigins: WeakMap<Node, string>): { message: string; hint?: string } | undefined {
  const mark = <T extends Node>(node: T): T => {
    flagOrigins.set(node, flag);
    return node;
  };
  if (!isMap(doc.contents)) doc.contents = mark(new YAMLMap()) as never;
  let current: Node = doc.contents as Node;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    const where = path.slice(0, i).join('.') || 'the config';
    const makeValue = (): Node => (last ? mark(doc.createNode(value) as Node) : mark(new YAMLMap()));
    if (isSeq(current)) {
      const index = /^\d+$/.test(segment) ? Number(segment) : NaN;
      if (!Number.isInteger(index) || index >= current.items.length)
        return { message: `${where} is a list of ${current.items.length} item(s); "${segment}" is not an index in it`, hint: `use 0 to ${current.items.length - 1}` };
      if (last) current.items[index] = makeValue();
      current = current.items[index] as Node;
      continue;
    }
    if (!isMap(current)) return { message: `${where} is a single value, so it has no "${segment}"` };
    const pair = current.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === segment);
    if (pair && !last && (isMap(pair.value) || isSeq(pair.value))) {
      current = pair.value as Node;
      continue;
    }
    const next = makeValue();
    if (pair) pair.value = next;
    else current.items.push(new Pair(mark(new Scalar(segment)), next));
    current = next;
  }
  return undefined;
}
