/**
 * Writes one Prometheus TSDB block (the on-disk format Prometheus' own storage reads: `<ULID>/meta.json`,
 * `index` (format 2), `chunks/000001` (XOR chunks), `tombstones`), as described in Prometheus'
 * tsdb/docs/format. Float samples only; at most 120 samples per chunk, as Prometheus cuts them.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One float sample of a series: labels include `__name__`. */
export interface BlockSample {
  labels: Record<string, string>;
  /** Milliseconds since the Unix epoch. */
  timestampMs: number;
  value: number;
}

export interface WrittenBlock {
  ulid: string;
  dir: string;
  series: number;
  samples: number;
  chunks: number;
  /** Samples left out because their series already had a sample at that timestamp (Prometheus keeps the first). */
  duplicates: number;
  minTimeMs: number;
  /** Exclusive, as meta.json has it. */
  maxTimeMs: number;
}

const SAMPLES_PER_CHUNK = 120;
const CHUNK_ENCODING_XOR = 1;
const MAGIC_INDEX = 0xbaaad700;
const MAGIC_CHUNKS = 0x85bd40dd;
const MAGIC_TOMBSTONES = 0x0130ba30;

// --- CRC-32C (Castagnoli), which every checksum of the format uses ---

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// --- byte and bit buffers ---

/** A growable byte buffer with the encodings the format uses (Go's encoding/binary varints, big-endian fixed ints). */
class Bytes {
  private buf = Buffer.alloc(4096);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  bytes(data: Uint8Array): void {
    this.room(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  be32(v: number): void {
    this.room(4);
    this.buf.writeUInt32BE(v >>> 0, this.length);
    this.length += 4;
  }

  be64(v: number): void {
    this.room(8);
    this.buf.writeBigUInt64BE(BigInt(v), this.length);
    this.length += 8;
  }

  /** Unsigned LEB128 of a non-negative safe integer. */
  uvarint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`uvarint of ${v}: not a non-negative safe integer`);
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }

  /** Zig-zag signed varint (Go's binary.PutVarint). */
  varint(v: number): void {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** A string with its byte length first. */
  lenString(s: string): void {
    const data = Buffer.from(s, 'utf8');
    this.uvarint(data.length);
    this.bytes(data);
  }

  pad(alignment: number): void {
    while (this.length % alignment !== 0) this.byte(0);
  }

  /** Overwrites 4 bytes at `at` (a length written before its section). */
  setBe32(at: number, v: number): void {
    this.buf.writeUInt32BE(v >>> 0, at);
  }

  slice(from: number, to = this.length): Buffer {
    return this.buf.subarray(from, to);
  }

  /** The CRC-32C of bytes [from, end), appended. */
  crcFrom(from: number): void {
    this.be32(crc32c(this.slice(from)));
  }
}

/** Writes bits most significant first, as Prometheus' bstream does. */
class BitWriter {
  private readonly out: number[] = [];
  private free = 0; // free bits in the last byte

  bit(one: boolean): void {
    if (this.free === 0) {
      this.out.push(0);
      this.free = 8;
    }
    this.free--;
    if (one) this.out[this.out.length - 1]! |= 1 << this.free;
  }

  /** The low `n` bits of `v` (two's complement for negative values), most significant first. */
  bits(v: bigint, n: number): void {
    for (let i = n - 1; i >= 0; i--) this.bit(((v >> BigInt(i)) & 1n) === 1n);
  }

  byte(b: number): void {
    this.bits(BigInt(b), 8);
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

const float64Bits = (() => {
  const view = new DataView(new ArrayBuffer(8));
  return (v: number): bigint => {
    view.setFloat64(0, v);
    return view.getBigUint64(0);
  };
})();

function leadingZeros64(x: bigint): number {
  let n = 0;
  for (let bit = 63; bit >= 0 && ((x >> BigInt(bit)) & 1n) === 0n; bit--) n++;
  return n;
}

function trailingZeros64(x: bigint): number {
  let n = 0;
  for (let bit = 0; bit < 64 && ((x >> BigInt(bit)) & 1n) === 0n; bit++) n++;
  return n;
}

/** Go's encoding/binary varint bytes, for the chunk's first timestamps (written into the bit stream). */
function varintBytes(v: number, signed: boolean): number[] {
  const b = new Bytes();
  if (signed) b.varint(v);
  else b.uvarint(v);
  return [...b.slice(0)];
}

/** Is x within what `n` bits hold for a timestamp delta-of-delta (Prometheus' bitRange)? */
const fitsBits = (x: number, n: number) => -(2 ** (n - 1) - 1) <= x && x <= 2 ** (n - 1);

/** The XOR chunk of samples sorted by time (Gorilla compression: delta-of-delta timestamps, XOR'd values). */
export function xorChunk(samples: ReadonlyArray<{ t: number; v: number }>): Uint8Array {
  const w = new BitWriter();
  w.bits(BigInt(samples.length), 16);
  let prevT = 0;
  let prevDelta = 0;
  let prevBits = 0n;
  let leading = 0xff;
  let trailing = 0;
  const writeValue = (v: number) => {
    const bits = float64Bits(v);
    const delta = bits ^ prevBits;
    prevBits = bits;
    if (delta === 0n) return w.bit(false);
    w.bit(true);
    const lead = Math.min(leadingZeros64(delta), 31);
    const trail = trailingZeros64(delta);
    if (leading !== 0xff && lead >= leading && trail >= trailing) {
      w.bit(false);
      w.bits(delta >> BigInt(trailing), 64 - leading - trailing);
      return;
    }
    leading = lead;
    trailing = trail;
    w.bit(true);
    w.bits(BigInt(lead), 5);
    const significant = 64 - lead - trail;
    w.bits(BigInt(significant), 6); // 64 is written as 0, as Prometheus does
    w.bits(delta >> BigInt(trail), significant);
  };
  samples.forEach(({ t, v }, i) => {
    if (i === 0) {
      for (const b of varintBytes(t, true)) w.byte(b);
      prevBits = float64Bits(v);
      w.bits(prevBits, 64);
    } else if (i === 1) {
      prevDelta = t - prevT;
      for (const b of varintBytes(prevDelta, false)) w.byte(b);
      writeValue(v);
    } else {
      const delta = t - prevT;
      const dod = delta - prevDelta;
      prevDelta = delta;
      if (dod === 0) w.bit(false);
      else if (fitsBits(dod, 14)) (w.bits(0b10n, 2), w.bits(BigInt(dod), 14));
      else if (fitsBits(dod, 17)) (w.bits(0b110n, 3), w.bits(BigInt(dod), 17));
      else if (fitsBits(dod, 20)) (w.bits(0b1110n, 4), w.bits(BigInt(dod), 20));
      else (w.bits(0b1111n, 4), w.bits(BigInt(dod), 64));
      writeValue(v);
    }
    prevT = t;
  });
  return w.bytes();
}

// --- series, symbols, ULID ---

interface Series {
  labels: Array<[string, string]>;
  key: Buffer[];
  samples: Array<{ t: number; v: number }>;
  chunks: Array<{ minT: number; maxT: number; ref: number }>;
}

function compareBytes(a: Buffer[], b: Buffer[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = Buffer.compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Groups samples into series sorted by label set (byte order, as Prometheus sorts them), each series' samples by time. */
function groupSeries(samples: readonly BlockSample[]): { series: Series[]; duplicates: number } {
  const byKey = new Map<string, Series>();
  for (const s of samples) {
    const labels = Object.entries(s.labels)
      .filter(([, value]) => value !== '')
      .sort(([a], [b]) => byBytes(a, b));
    const id = JSON.stringify(labels);
    let series = byKey.get(id);
    if (!series) {
      series = { labels, key: labels.flatMap(([n, v]) => [Buffer.from(n, 'utf8'), Buffer.from(v, 'utf8')]), samples: [], chunks: [] };
      byKey.set(id, series);
    }
    series.samples.push({ t: s.timestampMs, v: s.value });
  }
  let duplicates = 0;
  for (const series of byKey.values()) {
    series.samples.sort((a, b) => a.t - b.t); // stable: the first of equal timestamps stays first
    const kept = series.samples.filter((s, i, all) => i === 0 || all[i - 1]!.t !== s.t);
    duplicates += series.samples.length - kept.length;
    series.samples = kept;
  }
  return { series: [...byKey.values()].sort((a, b) => compareBytes(a.key, b.key)), duplicates };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (48-bit milliseconds, 80 random bits), which names a block. */
export function newUlid(nowMs = Date.now()): string {
  let n = (BigInt(nowMs) << 80n) | BigInt(`0x${randomBytes(10).toString('hex')}`);
  let out = '';
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return out;
}

// --- the files ---

function chunksFile(series: Series[]): { data: Buffer; chunks: number } {
  const b = new Bytes();
  b.be32(MAGIC_CHUNKS);
  b.byte(1);
  b.bytes(new Uint8Array(3));
  let chunks = 0;
  for (const s of series) {
    for (let i = 0; i < s.samples.length; i += SAMPLES_PER_CHUNK) {
      const part = s.samples.slice(i, i + SAMPLES_PER_CHUNK);
      const data = xorChunk(part);
      // The reference is (segment sequence 0) << 32 | offset in the file.
      if (b.length >= 2 ** 32) throw new Error('a TSDB block of more than 4 GiB of chunks: index fewer documents per batch');
      s.chunks.push({ minT: part[0]!.t, maxT: part.at(-1)!.t, ref: b.length });
      b.uvarint(data.length);
      const start = b.length;
      b.byte(CHUNK_ENCODING_XOR);
      b.bytes(data);
      b.crcFrom(start);
      chunks++;
    }
  }
  return { data: Buffer.from(b.slice(0)), chunks };
}

/** A section whose 4-byte length (of what follows it, up to its CRC) is filled in once written. */
function section(b: Bytes, write: () => void): void {
  const lengthAt = b.length;
  b.be32(0);
  const start = b.length;
  write();
  b.setBe32(lengthAt, b.length - start);
  b.crcFrom(start);
}

function indexFile(series: Series[]): Buffer {
  const b = new Bytes();
  b.be32(MAGIC_INDEX);
  b.byte(2);

  const symbols = [...new Set(series.flatMap((s) => s.labels.flat()))].sort(byBytes);
  const symbolRef = new Map(symbols.map((s, i) => [s, i]));
  const toc: number[] = [];
  toc.push(b.length);
  section(b, () => {
    b.be32(symbols.length);
    for (const s of symbols) b.lenString(s);
  });

  const seriesRef: number[] = [];
  let seriesStart = 0;
  series.forEach((s, i) => {
    b.pad(16);
    if (i === 0) seriesStart = b.length;
    seriesRef.push(b.length / 16);
    const entry = new Bytes();
    entry.uvarint(s.labels.length);
    for (const [name, value] of s.labels) {
      entry.uvarint(symbolRef.get(name)!);
      entry.uvarint(symbolRef.get(value)!);
    }
    entry.uvarint(s.chunks.length);
    s.chunks.forEach((c, j) => {
      const prev = s.chunks[j - 1];
      if (!prev) {
        entry.varint(c.minT);
        entry.uvarint(c.maxT - c.minT);
        entry.uvarint(c.ref);
      } else {
        entry.uvarint(c.minT - prev.maxT);
        entry.uvarint(c.maxT - c.minT);
        entry.varint(c.ref - prev.ref);
      }
    });
    const content = entry.slice(0);
    b.uvarint(content.length);
    b.bytes(content);
    b.be32(crc32c(content));
  });
  toc.push(series.length ? seriesStart : 0);

  // Every label name's values (label indices, no longer read by Prometheus but part of format 2), and the postings.
  const values = new Map<string, Map<string, number[]>>();
  series.forEach((s, i) => {
    for (const [name, value] of s.labels) {
      const byValue = values.get(name) ?? new Map<string, number[]>();
      values.set(name, byValue);
      byValue.set(value, [...(byValue.get(value) ?? []), seriesRef[i]!]);
    }
  });
  const names = [...values.keys()].sort(byBytes);
  const labelIndexAt = new Map<string, number>();
  for (const name of names) {
    b.pad(4);
    labelIndexAt.set(name, b.length);
    const sorted = [...values.get(name)!.keys()].sort(byBytes);
    section(b, () => {
      b.be32(1);
      b.be32(sorted.length);
      for (const v of sorted) b.be32(symbolRef.get(v)!);
    });
  }
  toc.push(names.length ? labelIndexAt.get(names[0]!)! : 0);
  b.pad(4);
  toc.push(b.length);
  section(b, () => {
    b.be32(names.length);
    for (const name of names) {
      b.byte(1);
      b.lenString(name);
      b.uvarint(labelIndexAt.get(name)!);
    }
  });

  // Postings: the list of all series (the empty label pair) first, then one per label pair, sorted.
  const postings: Array<[string, string, number[]]> = [['', '', seriesRef]];
  for (const name of names) {
    const byValue = values.get(name)!;
    for (const value of [...byValue.keys()].sort(byBytes)) postings.push([name, value, byValue.get(value)!]);
  }
  const postingsAt: number[] = [];
  for (const [, , refs] of postings) {
    b.pad(4);
    postingsAt.push(b.length);
    section(b, () => {
      b.be32(refs.length);
      for (const ref of refs) b.be32(ref);
    });
  }
  toc.push(postingsAt[0]!);
  toc.push(b.length);
  section(b, () => {
    b.be32(postings.length);
    postings.forEach(([name, value], i) => {
      b.byte(2);
      b.lenString(name);
      b.lenString(value);
      b.uvarint(postingsAt[i]!);
    });
  });

  const tocStart = b.length;
  for (const ref of toc) b.be64(ref);
  b.crcFrom(tocStart);
  return Buffer.from(b.slice(0));
}

function tombstonesFile(): Buffer {
  const b = new Bytes();
  b.be32(MAGIC_TOMBSTONES);
  b.byte(1);
  b.be32(crc32c(new Uint8Array(0))); // no tombstones: the CRC of nothing
  return Buffer.from(b.slice(0));
}

/**
 * Writes the samples as one block in `parentDir/<ULID>/` (written under a temporary name, then
 * renamed, so Prometheus never sees half a block). Throws when there are no samples.
 */
export async function writeBlock(parentDir: string, samples: readonly BlockSample[]): Promise<WrittenBlock> {
  if (samples.length === 0) throw new Error('a TSDB block needs at least one sample');
  for (const s of samples) {
    if (!Number.isSafeInteger(s.timestampMs)) throw new Error(`sample timestamp ${s.timestampMs} is not whole milliseconds`);
    if (!s.labels.__name__) throw new Error('a sample without a metric name (__name__)');
  }
  const { series, duplicates } = groupSeries(samples);
  const chunks = chunksFile(series);
  const index = indexFile(series);
  const minTimeMs = Math.min(...series.map((s) => s.samples[0]!.t));
  const maxTimeMs = Math.max(...series.map((s) => s.samples.at(-1)!.t)) + 1;
  const ulid = newUlid();
  const kept = series.reduce((n, s) => n + s.samples.length, 0);
  const meta = {
    ulid,
    minTime: minTimeMs,
    maxTime: maxTimeMs,
    stats: { numSamples: kept, numSeries: series.length, numChunks: chunks.chunks },
    compaction: { level: 1, sources: [ulid] },
    version: 1,
  };
  const dir = join(parentDir, ulid);
  const tmp = `${dir}.tmp-for-creation`;
  await mkdir(join(tmp, 'chunks'), { recursive: true });
  try {
    await writeFile(join(tmp, 'chunks', '000001'), chunks.data);
    await writeFile(join(tmp, 'index'), index);
    await writeFile(join(tmp, 'tombstones'), tombstonesFile());
    await writeFile(join(tmp, 'meta.json'), `${JSON.stringify(meta, null, '\t')}\n`);
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return { ulid, dir, series: series.length, samples: kept, chunks: chunks.chunks, duplicates, minTimeMs, maxTimeMs };
}
