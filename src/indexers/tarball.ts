/**
 * kube-burner's metrics tarball: a gzip-compressed tar of the local indexer's folder, one
 * `<metricName>.json` per document list (pkg/util/metrics/tarball.go). Written as POSIX ustar;
 * read as ustar, with pax and GNU long names, which Go's archive/tar writes for long paths.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { UserError } from '../shared/errors.js';

const BLOCK = 512;

export interface TarEntry {
  /** Path inside the tarball, "/"-separated. */
  name: string;
  data: Buffer;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** ustar keeps names up to 100 bytes, or 255 split at a "/" into prefix and name. */
function splitName(name: string): { prefix: string; base: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', base: name };
  for (let i = name.lastIndexOf('/'); i > 0; i = name.lastIndexOf('/', i - 1)) {
    const prefix = name.slice(0, i);
    const base = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(base) <= 100) return { prefix, base };
  }
  throw new Error(`cannot put ${name} into a tarball: the name is longer than tar's 255 bytes`);
}

function header(entry: TarEntry, mtimeS: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  const { prefix, base } = splitName(entry.name);
  block.write(base, 0, 100);
  block.write(octal(0o644, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(entry.data.length, 12), 124);
  block.write(octal(mtimeS, 12), 136);
  block.write(' '.repeat(8), 148);
  block.write('0', 156);
  block.write('ustar\u000000', 257);
  block.write(prefix, 345, 155);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

export function packTarGz(entries: TarEntry[], mtimeMs = Date.now()): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry, Math.floor(mtimeMs / 1000)), entry.data);
    const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return gzipSync(Buffer.concat(parts));
}

function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function checksumOk(block: Buffer): boolean {
  const stored = parseInt(field(block, 148, 8).trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
  return stored === sum;
}

/** The `path` record of a pax extended header, if it has one. */
function paxPath(data: Buffer): string | undefined {
  let rest = data.toString('utf8');
  while (rest.length > 0) {
    const space = rest.indexOf(' ');
    const length = Number(rest.slice(0, space));
    if (space <= 0 || !Number.isInteger(length) || length <= 0) return undefined;
    const record = rest.slice(space + 1, length - 1);
    if (record.startsWith('path=')) return record.slice('path='.length);
    rest = rest.slice(length);
  }
  return undefined;
}

/** The regular files of a tar.gz; throws a plain Error saying what is wrong with the bytes. */
export function unpackTarGz(bytes: Buffer): TarEntry[] {
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes);
  } catch (err) {
    throw new Error(`not a gzip file (${(err as Error).message})`);
  }
  const entries: TarEntry[] = [];
  let longName: string | undefined;
  for (let offset = 0; offset + BLOCK <= tar.length; ) {
    const block = tar.subarray(offset, offset + BLOCK);
    if (block.every((b) => b === 0)) break;
    if (!checksumOk(block)) throw new Error(`not a tar archive (bad header checksum at byte ${offset})`);
    const size = parseInt(field(block, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(block[156]!);
    const data = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    if (data.length < size) throw new Error(`the tarball is cut short (${field(block, 0, 100)} needs ${size} bytes)`);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') longName = paxPath(data) ?? longName;
    else if (type === 'L') longName = field(data, 0, data.length);
    else if (type === '0' || type === '\0' || type === '7') {
      const prefix = field(block, 345, 155);
      const name = longName ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
      entries.push({ name: name.replace(/^(\.\/)+/, ''), data: Buffer.from(data) });
      longName = undefined;
    } else longName = undefined; // folders, links, global pax headers: nothing to index
  }
  return entries;
}

/** Reads a tarball file; a UserError names `flag` and the file when it is missing or not a tar.gz. */
export async function readTarball(path: string, flag: string): Promise<TarEntry[]> {
  const bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a folder' : `cannot be read (${err.code ?? err.message})`;
    throw new UserError(`${flag} ${path}: ${why}`, { hint: 'give the .tgz a local indexer wrote (createTarball: true, or burn index --tarball-name)' });
  });
  try {
    return unpackTarGz(bytes);
  } catch (err) {
    throw new UserError(`${flag} ${path}: ${(err as Error).message}`, { hint: 'give a gzip-compressed tar of JSON document files, as the local indexer writes with createTarball: true' });
  }
}
