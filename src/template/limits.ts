/**
 * What one template render may cost, so that no template can make burn hang or run out of memory.
 * The README ("Limits") lists them; a template over a limit fails with a TemplateError at the line
 * it reached, naming the limit.
 */

/** Characters one render may produce (16 MiB; a Kubernetes object is at most about 1.5 MiB). */
export const MAX_OUTPUT_CHARS = 16 * 1024 * 1024;

/** Wall-clock time one render may take. */
export const MAX_RENDER_MS = 10_000;

/** Elements of a list a function builds from a count (until, untilStep, seq) and characters of repeat and printf widths. */
export const MAX_BUILT_LENGTH = 1_000_000;

/** Nested {{if}}/{{range}}/{{with}} blocks, as Go's parser limits them (its maxStackDepth). */
export const MAX_NESTING = 1000;

/**
 * 1234567 -> "1,234,567" (at most 3 decimals), as toLocaleString('en-US') writes it; not through it,
 * because its first call loads ICU's locale data (25 ms of CPU), and every run formats a limit while loading.
 */
export function formatCount(n: number): string {
  const [whole, fraction] = String(Math.round(Math.abs(n) * 1000) / 1000).split('.');
  return `${n < 0 ? '-' : ''}${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction ? `.${fraction}` : ''}`;
}
