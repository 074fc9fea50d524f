/**
 * bcrypt ($2a$, as Go's golang.org/x/crypto/bcrypt writes it) for sprig's bcrypt and htpasswd.
 * Blowfish's initial P-array and S-boxes are the hexadecimal digits of π's fractional part; they are
 * computed here once (Machin's formula in BigInt fixed point) rather than tabled.
 */
import { randomBytes } from 'node:crypto';

const WORDS = 18 + 4 * 256;
let piWords: Uint32Array | undefined;

/** The first 1042 32-bit words of π's fractional part in hexadecimal (0x243f6a88, 0x85a308d3, ...). */
function piFraction(): Uint32Array {
  if (piWords) return piWords;
  const bits = BigInt(WORDS * 32 + 64);
  const one = 1n << bits;
  const arctanInverse = (x: bigint): bigint => {
    const x2 = x * x;
    let term = one / x;
    let sum = term;
    for (let k = 1n; term !== 0n; k++) {
      term /= x2;
      const part = term / (2n * k + 1n);
      sum += k % 2n === 1n ? -part : part;
    }
    return sum;
  };
  const pi = 16n * arctanInverse(5n) - 4n * arctanInverse(239n);
  const fraction = (pi - 3n * one) >> 64n;
  const words = new Uint32Array(WORDS);
  for (let i = 0; i < WORDS; i++) words[i] = Number((fraction >> BigInt((WORDS - 1 - i) * 32)) & 0xffffffffn);
  piWords = words;
  return words;
}

class Blowfish {
  readonly p: Uint32Array;
  readonly s: Uint32Array;

  constructor() {
    const init = piFraction();
    this.p = init.slice(0, 18);
    this.s = init.slice(18);
  }

  private f(x: number): number {
    const s = this.s;
    return ((((s[x >>> 24]! + s[256 + ((x >>> 16) & 0xff)]!) | 0) ^ s[512 + ((x >>> 8) & 0xff)]!) + s[768 + (x & 0xff)]!) | 0;
  }

  encrypt(l: number, r: number): [number, number] {
    const p = this.p;
    for (let i = 0; i < 16; i += 2) {
      l ^= p[i]!;
      r ^= this.f(l);
      r ^= p[i + 1]!;
      l ^= this.f(r);
    }
    l ^= p[16]!;
    r ^= p[17]!;
    return [r >>> 0, l >>> 0];
  }

  /** Eksblowfish's key schedule: key bytes into P, then P and S re-encrypted, mixing in the salt when given. */
  expand(key: Uint8Array, salt?: Uint8Array): void {
    let kpos = 0;
    const keyWord = () => {
      let w = 0;
      for (let i = 0; i < 4; i++) {
        w = (w << 8) | key[kpos]!;
        kpos = (kpos + 1) % key.length;
      }
      return w;
    };
    for (let i = 0; i < 18; i++) this.p[i] = this.p[i]! ^ keyWord();
    let spos = 0;
    const saltWord = () => {
      if (!salt) return 0;
      let w = 0;
      for (let i = 0; i < 4; i++) {
        w = (w << 8) | salt[spos]!;
        spos = (spos + 1) % salt.length;
      }
      return w;
    };
    let l = 0;
    let r = 0;
    const fill = (target: Uint32Array) => {
      for (let i = 0; i < target.length; i += 2) {
        l ^= saltWord();
        r ^= saltWord();
        [l, r] = this.encrypt(l, r);
        target[i] = l;
        target[i + 1] = r;
      }
    };
    fill(this.p);
    fill(this.s);
  }
}

const ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** bcrypt's base64: its own alphabet, no padding. */
function encode64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = i + 1 >= bytes.length ? 2 : i + 2 >= bytes.length ? 3 : 4;
    for (let k = 0; k < chars; k++) out += ALPHABET[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

export function decode64(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i += 4) {
    const chunk = text.slice(i, i + 4);
    let n = 0;
    for (let k = 0; k < 4; k++) n = (n << 6) | (k < chunk.length ? ALPHABET.indexOf(chunk[k]!) : 0);
    const bytes = chunk.length - 1;
    for (let k = 0; k < bytes; k++) out.push((n >> (16 - 8 * k)) & 0xff);
  }
  return Uint8Array.from(out);
}

const MAGIC = Buffer.from('OrpheanBeholderScryDoubt');

/** The "$2a$COST$SALTHASH" string for a password and a 16-byte salt. */
export function bcryptWithSalt(password: string, salt: Uint8Array, cost: number): string {
  const key = Buffer.concat([Buffer.from(password, 'utf8'), Buffer.from([0])]);
  const cipher = new Blowfish();
  cipher.expand(key, salt);
  for (let i = 0; i < 2 ** cost; i++) {
    cipher.expand(key);
    cipher.expand(salt);
  }
  const data = Buffer.from(MAGIC);
  for (let block = 0; block < 24; block += 8) {
    let l = data.readUInt32BE(block);
    let r = data.readUInt32BE(block + 4);
    for (let i = 0; i < 64; i++) [l, r] = cipher.encrypt(l, r);
    data.writeUInt32BE(l, block);
    data.writeUInt32BE(r, block + 4);
  }
  return `$2a$${String(cost).padStart(2, '0')}$${encode64(salt)}${encode64(data.subarray(0, 23))}`;
}

/** sprig's bcrypt: cost 10 (Go's default), a random salt; Go's message for passwords over 72 bytes. */
export function bcrypt(password: string): string {
  if (Buffer.byteLength(password, 'utf8') > 72) return 'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes';
  return bcryptWithSalt(password, randomBytes(16), 10);
}
