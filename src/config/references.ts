import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** What a file reference in a config (object template, profile, function template) points at. */
export type Reference =
  | { kind: 'file'; path: string }
  | { kind: 'url'; url: string }
  | { kind: 'missing'; tried: string[] }
  | { kind: 'folder'; path: string }
  | { kind: 'unreadable'; path: string; reason: string }
  | { kind: 'bad-url'; reason: string };

const schemePattern = /^[a-z][a-z0-9+.-]*:\/\//i;

export function isUrl(ref: string): boolean {
  return schemePattern.test(ref);
}

/**
 * Resolves `ref` against the config's folder first, then the working directory (kube-burner opens paths
 * from the working directory; burn also finds them next to the config). URLs are only checked for form:
 * fetching them is the engine's job.
 */
export function resolveReference(ref: string, baseDir: string, cwd: string = process.cwd()): Reference {
  if (isUrl(ref)) {
    let url: URL;
    try {
      url = new URL(ref);
    } catch {
      return { kind: 'bad-url', reason: 'it is not a valid URL' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'bad-url', reason: `only http and https URLs are fetched, not ${url.protocol}` };
    return { kind: 'url', url: url.href };
  }
  const candidates = isAbsolute(ref) ? [ref] : [...new Set([resolve(baseDir, ref), resolve(cwd, ref)])];
  let folder: string | undefined;
  for (const path of candidates) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isFile()) return readable(path);
    if (stat?.isDirectory()) folder ??= path;
  }
  return folder ? { kind: 'folder', path: folder } : { kind: 'missing', tried: candidates };
}

function readable(path: string): Reference {
  try {
    accessSync(path, constants.R_OK);
    return { kind: 'file', path };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { kind: 'unreadable', path, reason: code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(err)) };
  }
}
