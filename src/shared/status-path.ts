/**
 * kube-burner's `waitOptions.customStatusPaths` keys are jq expressions run over an object's
 * `.status`. burn evaluates the subset such configs use: a path (`.readyReplicas`, `.a.b`), a
 * selected list element (`(.conditions.[] | select(.type == "Available")).status`), each optionally
 * piped through `tostring`, `ascii_downcase` or `ascii_upcase` (`.readyToUse | tostring | ascii_downcase`).
 * Config validation parses every key up front, so an expression burn cannot evaluate is refused
 * before a run, never discovered while waiting.
 */

type Json = Record<string, unknown>;

export type StatusPathEvaluator = (status: unknown) => unknown;

const FILTERS: Record<string, (v: unknown) => unknown> = {
  tostring: (v) => (typeof v === 'string' ? v : JSON.stringify(v ?? null)),
  ascii_downcase: (v) => (typeof v === 'string' ? v.toLowerCase() : v),
  ascii_upcase: (v) => (typeof v === 'string' ? v.toUpperCase() : v),
};

function readPath(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.').filter(Boolean)) node = node && typeof node === 'object' ? (node as Json)[key] : undefined;
  return node;
}

function parseBase(expression: string): StatusPathEvaluator | undefined {
  const selected = /^\(\s*\.([\w.]+?)\.?\[\]\s*\|\s*select\(\s*\.(\w+)\s*==\s*"([^"]*)"\s*\)\s*\)((?:\.\w+)*)$/.exec(expression);
  if (selected) {
    const [, listPath, field, wanted, rest] = selected;
    return (status) => {
      const list = readPath(status, listPath!);
      const item = Array.isArray(list) ? list.find((e) => e && typeof e === 'object' && String((e as Json)[field!]) === wanted) : undefined;
      return rest ? readPath(item, rest.slice(1)) : item;
    };
  }
  const plain = /^\.([\w.]*)$/.exec(expression);
  if (plain) return (status) => (plain[1] ? readPath(status, plain[1]) : status);
  return undefined;
}

/** Parses a customStatusPaths key; throws an Error naming the supported shapes when burn cannot evaluate it. */
export function parseStatusPath(expression: string): StatusPathEvaluator {
  // Split on pipes outside parentheses: the select form has its own pipe inside.
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  const text = expression.trim();
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === '|' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  const base = parseBase(parts[0]!);
  const filters = parts.slice(1).map((name) => FILTERS[name]);
  if (!base || filters.some((f) => !f)) {
    throw new Error(
      `unsupported customStatusPaths expression "${expression}": burn evaluates ".a.b" and "(.list.[] | select(.field == \\"value\\")).field", optionally followed by | tostring, | ascii_downcase or | ascii_upcase`,
    );
  }
  return (status) => filters.reduce((value, filter) => filter!(value), base(status));
}

/** Evaluates one expression over a status (parses it each time: for tests and one-off checks). */
export function evaluateStatusPath(status: unknown, expression: string): unknown {
  return parseStatusPath(expression)(status);
}
