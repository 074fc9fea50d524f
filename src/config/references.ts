import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** What a file reference in a config (object template, profile, function template) points at. */
export type Reference =
  | { kind: 'file'; path: string; foundIn: FileOrigin }
  | { kind: 'url'; url: string }
  | { kind: 'missing'; tried: string[] }
  | { kind: 'folder'; path: string }
  | { kind: 'unreadable'; path: string; reason: string }
  | { kind: 'bad-url'; reason: string };

/** Where a relative path was found, for `burn validate` to say which file a reference picked. */
export type FileOrigin = 'working directory' | "config's folder" | 'absolute path';

const schemePattern = /^[a-z][a-z0-9+.-]*:\/\//i;

export function isUrl(ref: string): boolean {
  return schemePattern.test(ref);
}

/**
 * Resolves `ref` as kube-burner does, against the working directory first (kube-burner opens every file
 * path as given, so relative to where it runs), and only then, as burn's addition, against the config's
 * folder. URLs are only checked for form: fetching them is the engine's job.
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
  const candidates: Array<[string, FileOrigin]> = isAbsolute(ref) ? [[ref, 'absolute path']] : [[resolve(cwd, ref), 'working directory'], [resolve(baseDir, ref), "config's folder"]];
  const tried = [...new Set(candidates.map(([path]) => path))];
  let folder: string | undefined;
  for (const [path, foundIn] of candidates) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isFile()) return readable(path, foundIn);
    if (stat?.isDirectory()) folder ??= path;
  }
  return folder ? { kind: 'folder', path: folder } : { kind: 'missing', tried };
}

function readable(path: string, foundIn: FileOrigin): Reference {
  try {
    accessSync(path, constants.R_OK);
    return { kind: 'file', path, foundIn };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { kind: 'unreadable', path, reason: code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(err)) };
  }
}
