/**
 * What makes an `opensearch` / `elastic` indexer's settings usable, for the config's keys and the
 * commands' flags alike: index names OpenSearch and Elasticsearch accept, and server URLs.
 */

/** burn's own documents (run.json, slo.json) go to this index beside the kube-burner documents' one. */
export const BURN_INDEX_SUFFIX = '-burn';

const FORBIDDEN_INDEX_CHARACTERS = ['\\', '/', '*', '?', '"', '<', '>', '|', ',', '#', ':', ' '];
/** The servers refuse names over 255 bytes; burn's own index adds its suffix. */
const MAX_INDEX_BYTES = 255 - BURN_INDEX_SUFFIX.length;

/** Why OpenSearch / Elasticsearch would refuse `name` (already lowercased) as an index name; undefined when they accept it. */
export function indexNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name === '.' || name === '..') return `is "${name}"`;
  if (/^[-_+]/.test(name)) return `starts with "${name[0]}" (an index name cannot start with -, _ or +)`;
  const bad = FORBIDDEN_INDEX_CHARACTERS.find((c) => name.includes(c));
  if (bad) return `contains ${bad === ' ' ? 'a space' : `"${bad}"`} (an index name cannot contain spaces or any of \\ / * ? " < > | , # :)`;
  if (Buffer.byteLength(name) > MAX_INDEX_BYTES) return `is ${Buffer.byteLength(name)} bytes long (at most ${MAX_INDEX_BYTES}, so that ${BURN_INDEX_SUFFIX} fits after it)`;
  return undefined;
}

/** Why `url` cannot be an OpenSearch / Elasticsearch server; undefined when it can. */
export function esServerProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `is a ${parsed.protocol.replace(/:$/, '')} URL, not http(s)`;
  return undefined;
}

/** A server URL for messages: credentials in it are replaced, never printed. */
export function redactedServer(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url.replace(/\/+$/, '');
    parsed.username = parsed.username ? 'USER' : '';
    parsed.password = parsed.password ? 'PASSWORD' : '';
    return parsed.toString().replace(/\/+$/, '');
  } catch {
    return url;
  }
}
