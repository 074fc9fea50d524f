/** Number formatting shared by the terminal summary, the HTML report and the diff. */
import { str, type JsonObject } from './json.js';

export { formatMs } from '../shared/format-ms.js';

/** Up to `digits` decimals, trailing zeros dropped: 12.5, 3, 0.25. */
export function formatNumber(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return '-';
  return String(Number(value.toFixed(digits)));
}

/** "+12.3%", "-4.0%", "0.0%"; "-" when not a number. */
export function formatPercent(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return `${value > 0 ? '+' : ''}${value.toFixed(1)}%`;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML or XML content and attribute values; drops characters XML 1.0 forbids. */
export function escapeMarkup(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** "POST pods (namespace)", "GET pods/status (resource)": an apiLatency document's key. */
export function apiKeyLabel(doc: JsonObject): string {
  const sub = str(doc.subresource);
  return `${str(doc.verb)} ${str(doc.resource)}${sub ? `/${sub}` : ''} (${str(doc.scope)})`;
}
