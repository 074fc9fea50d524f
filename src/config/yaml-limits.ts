import { isAlias, isMap, isPair, isSeq, type Document, type Node } from 'yaml';
import { formatCount, MAX_ALIAS_EXPANSION, MAX_YAML_BYTES } from './limits.js';

/**
 * The YAML limits, checked before a document is turned into values: its size, and what its aliases
 * expand to (an alias is a reference, so a few lines of aliases of aliases can stand for billions of
 * nodes that only blow up later, when the value is copied, printed or sent).
 * Both parsers burn uses get the same limits: the `yaml` package (configs, validate) and js-yaml (the
 * engine's rendered objects).
 */
export interface YamlLimitProblem {
  /** Offset in the parsed text, when known. */
  offset?: number;
  message: string;
  hint: string;
}

const SIZE_HINT = 'split it into smaller files; see Limits in the README';
const ALIAS_HINT = 'write the repeated block out, or reuse it fewer times; see Limits in the README';

export function sizeProblem(text: string, what: string): YamlLimitProblem | undefined {
  if (text.length <= MAX_YAML_BYTES) return undefined;
  return { message: `${what} is ${formatCount(text.length)} characters; burn parses YAML of at most ${formatCount(MAX_YAML_BYTES)}`, hint: SIZE_HINT };
}

class Refused extends Error {
  constructor(readonly problem: YamlLimitProblem) {
    super(problem.message);
  }
}

/** The first alias of a `yaml` document that has no anchor, refers to itself, or pushes the expansion over the limit. */
export function aliasProblem(doc: Document): YamlLimitProblem | undefined {
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  let added = 0;

  const expanded = (node: unknown, at: number): number => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) throw new Refused({ offset: node.range?.[0] ?? at, message: `alias *${node.source} has no anchor &${node.source} before it`, hint: 'define the anchor before its first use' });
      return expanded(target, node.range?.[0] ?? at);
    }
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (open.has(node)) throw new Refused({ offset: at, message: 'an alias refers to the block that contains it, which would never end', hint: 'an alias may only repeat a block defined before it' });
    open.add(node);
    let size = 1;
    if (isPair(node)) size = expanded(node.key, at) + expanded(node.value, at);
    else if (isMap(node) || isSeq(node)) for (const item of node.items) size += expanded(item, at);
    open.delete(node);
    sizes.set(node, size);
    return size;
  };

  // Walks the document as written; every alias met adds the size of what it stands for.
  const walk = (node: unknown): void => {
    if (isAlias(node)) {
      const at = node.range?.[0] ?? 0;
      added += expanded(node, at);
      if (added > MAX_ALIAS_EXPANSION) throw new Refused({ offset: at, message: `aliases expand to more than ${formatCount(MAX_ALIAS_EXPANSION)} nodes (alias *${node.source} and those before it)`, hint: ALIAS_HINT });
    } else if (isPair(node)) {
      walk(node.key);
      walk(node.value);
    } else if (isMap(node) || isSeq(node)) for (const item of node.items) walk(item);
  };

  try {
    walk(doc.contents as Node | null);
    return undefined;
  } catch (err) {
    if (err instanceof Refused) return err.problem;
    throw err;
  }
}

/**
 * The same limit for values js-yaml produced: an alias there is a shared reference (or a cycle). Counts
 * the nodes that shared references add when expanded; returns the problem, or undefined when within limits.
 */
export function sharedValueProblem(value: unknown): YamlLimitProblem | undefined {
  const sizes = new Map<object, number>();
  const open = new Set<object>();
  let added = 0;
  const size = (v: unknown): number => {
    if (v === null || typeof v !== 'object') return 1;
    const known = sizes.get(v);
    if (known !== undefined) {
      added += known;
      if (added > MAX_ALIAS_EXPANSION) throw new Refused({ message: `aliases expand to more than ${formatCount(MAX_ALIAS_EXPANSION)} nodes`, hint: ALIAS_HINT });
      return known;
    }
    if (open.has(v)) throw new Refused({ message: 'an alias refers to the block that contains it, which would never end', hint: 'an alias may only repeat a block defined before it' });
    open.add(v);
    let n = 1;
    for (const child of Array.isArray(v) ? v : Object.values(v)) n += size(child);
    open.delete(v);
    sizes.set(v, n);
    return n;
  };
  try {
    size(value);
    return undefined;
  } catch (err) {
    if (err instanceof Refused) return err.problem;
    throw err;
  }
}

/**
 * For js-yaml (the engine's rendered objects): the size limit on `text`, then, given the parsed `docs`,
 * the alias limit. `line` is 1-based in the rendered text (the first alias, for alias problems).
 */
export function renderedYamlProblem(text: string, docs?: unknown[]): { message: string; line: number } | undefined {
  const problem = docs === undefined ? sizeProblem(text, 'the rendered text') : text.includes('&') ? sharedValueProblem(docs) : undefined; // no anchor, no alias
  if (!problem) return undefined;
  return { message: `${problem.message} (${problem.hint})`, line: docs === undefined ? 1 : firstAliasLine(text) };
}

function firstAliasLine(text: string): number {
  const found = /(^|[\s[{,:-])\*[^\s,\]}]/m.exec(text);
  if (!found) return 1;
  const star = found.index + found[1]!.length;
  return text.slice(0, star).split('\n').length;
}
