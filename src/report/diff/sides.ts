/**
 * A side of `burn diff`: one run folder, or repeated runs given as a comma-separated list and/or
 * a glob in the last path segment (quote it so the shell leaves it alone): "reports/base-*".
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../../shared/errors.js';
import { readRunFolder, type RunFolder } from '../run-folder.js';

function globRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

async function expand(part: string, flag: string): Promise<string[]> {
  if (!/[*?]/.test(part)) return [part];
  const parent = dirname(part);
  if (/[*?]/.test(parent)) throw new UserError(`${flag} "${part}": a glob may only be in the last path segment`, { hint: 'e.g. "reports/base-*"' });
  const re = globRegExp(basename(part));
  const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
  const matches = entries.filter((e) => e.isDirectory() && re.test(e.name)).map((e) => join(parent, e.name)).sort();
  if (matches.length === 0) throw new UserError(`${flag} "${part}": no folder matches`, { hint: 'check the pattern; quote it so the shell does not expand it' });
  return matches;
}

/** The folders a side names, in order, without repeats. */
export async function resolveSide(spec: string, flag: string): Promise<string[]> {
  const parts = spec.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new UserError(`${flag}: no run folder given`, { hint: 'give a run folder, a comma-separated list, or a quoted glob' });
  const dirs: string[] = [];
  for (const part of parts) for (const dir of await expand(part, flag)) if (!dirs.includes(dir)) dirs.push(dir);
  return dirs;
}

export async function readSide(spec: string, flag: string): Promise<RunFolder[]> {
  const folders: RunFolder[] = [];
  for (const dir of await resolveSide(spec, flag)) {
    try {
      folders.push(await readRunFolder(dir));
    } catch (err) {
      if (err instanceof UserError) throw new UserError(`${flag}: ${err.message}`, { hint: err.hint });
      throw err;
    }
  }
  return folders;
}
