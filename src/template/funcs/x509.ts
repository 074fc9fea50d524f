/**
 * sprig's certificate functions (genCA, genSelfSignedCert, genSignedCert, their WithKey forms, and
 * buildCustomCert): X.509 v3 certificates with the fields sprig's Go code sets (random 128-bit serial,
 * CN, validity from now, key usages, server+client auth, basic constraints, SANs), written in DER here
 * and signed with node:crypto (RSA PKCS#1 v1.5 SHA-256, ECDSA SHA-256, Ed25519).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { FunctionError, type GoObject, type TemplateFunction, fn } from './types.js';

// ---- DER writing

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const seq = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const explicit = (n: number, ...items: Buffer[]) => tlv(0xa0 + n, ...items);
const octets = (b: Buffer) => tlv(0x04, b);
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const bitString = (b: Buffer, unused = 0) => tlv(0x03, Buffer.from([unused]), b);

function integer(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && b[1]! < 0x80) b = b.subarray(1);
  if (b[0]! >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function oid(text: string): Buffer {
  const parts = text.split('.').map(Number);
  const out = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function derTime(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const year = d.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

function name(cn: string): Buffer {
  if (cn === '') return seq();
  const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(cn);
  return seq(set(seq(oid('2.5.4.3'), tlv(printable ? 0x13 : 0x0c, Buffer.from(cn, 'utf8')))));
}

// ---- DER reading (just enough to take a CA certificate apart)

interface Der {
  tag: number;
  /** The whole element, header included. */
  raw: Buffer;
  body: Buffer;
}

function readDer(buf: Buffer, at = 0): Der {
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i]!;
    head += n;
  }
  return { tag, raw: buf.subarray(at, at + head + len), body: buf.subarray(at + head, at + head + len) };
}

function children(el: Der): Der[] {
  const out: Der[] = [];
  for (let at = 0; at < el.body.length; ) {
    const child = readDer(el.body, at);
    out.push(child);
    at += child.raw.length;
  }
  return out;
}

/** The subject name (raw DER) and subject key identifier of a certificate. */
function subjectOf(certDer: Buffer): { subject: Buffer; keyId?: Buffer } {
  const tbs = children(readDer(certDer))[0]!;
  const fields = children(tbs);
  const offset = fields[0]!.tag === 0xa0 ? 1 : 0;
  const subject = fields[offset + 4]!.raw;
  let keyId: Buffer | undefined;
  const extensions = fields.find((f) => f.tag === 0xa3);
  if (extensions) {
    for (const ext of children(children(extensions)[0]!)) {
      const [id, ...rest] = children(ext);
      if (id!.raw.equals(oid('2.5.29.14'))) keyId = readDer(rest[rest.length - 1]!.body).body;
    }
  }
  return { subject, keyId };
}

// ---- keys

/** sprig's pemBlockForKey: RSA as PKCS#1, EC as SEC 1, others (Ed25519) as PKCS#8. */
function keyPem(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return key.export({ type: 'pkcs1', format: 'pem' }) as string;
    case 'ec':
      return key.export({ type: 'sec1', format: 'pem' }) as string;
    default:
      return key.export({ type: 'pkcs8', format: 'pem' }) as string;
  }
}

/** sprig's parsePrivateKeyPEM, with its messages. */
function parseKey(pem: string): KeyObject {
  const block = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem);
  if (!block) throw new FunctionError('no PEM data in input');
  const type = block[1]!;
  if (type !== 'PRIVATE KEY' && !type.endsWith(' PRIVATE KEY')) throw new FunctionError(`no private key data in PEM block of type ${type}`);
  if (type === 'DSA PRIVATE KEY') throw new DsaKey();
  try {
    return createPrivateKey(pem);
  } catch (err) {
    const what = type === 'PRIVATE KEY' ? 'decoding PEM as PKCS#8' : type === 'RSA PRIVATE KEY' ? 'parsing RSA private key from PEM' : type === 'EC PRIVATE KEY' ? 'parsing EC private key from PEM' : `invalid private key type ${type}`;
    throw new FunctionError(`${what}: ${(err as Error).message}`);
  }
}

function signatureAlgorithm(key: KeyObject): { algorithm: Buffer; digest: string | null } {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { algorithm: seq(oid('1.2.840.113549.1.1.11'), tlv(0x05)), digest: 'sha256' };
    case 'ec':
      return { algorithm: seq(oid('1.2.840.10045.4.3.2')), digest: 'sha256' };
    case 'ed25519':
      return { algorithm: seq(oid('1.3.101.112')), digest: null };
    default:
      throw new FunctionError(`error creating certificate: x509: unsupported key type ${key.asymmetricKeyType}`);
  }
}

/** A new DSA key (L 2048, N 256, as Go's L2048N256) as OpenSSL's "DSA PRIVATE KEY" (version, p, q, g, y, x). */
export function dsaPrivateKeyPem(): string {
  const der = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).privateKey.export({ type: 'pkcs8', format: 'der' });
  const [, algorithm, keyOctets] = children(readDer(der));
  const [p, q, g] = children(children(algorithm!)[1]!).map((e) => e.body);
  const x = readDer(keyOctets!.body).body;
  const big = (b: Buffer) => BigInt(`0x${b.toString('hex') || '0'}`);
  let y = 1n;
  let base = big(g!) % big(p!);
  const mod = big(p!);
  for (let e = big(x); e > 0n; e >>= 1n) {
    if (e & 1n) y = (y * base) % mod;
    base = (base * base) % mod;
  }
  const hex = y.toString(16);
  const yBytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  return pem('DSA PRIVATE KEY', seq(integer(Buffer.from([0])), integer(p!), integer(q!), integer(g!), integer(yBytes), integer(x)));
}

// ---- certificates

function ipBytes(text: string): Buffer {
  if (isIP(text) === 4) return Buffer.from(text.split('.').map(Number));
  const [head, tail = ''] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  let h = groups(head);
  let t = groups(tail);
  const v4 = (t.length ? t : h)[(t.length ? t : h).length - 1];
  let extra: number[] = [];
  if (v4?.includes('.')) {
    extra = v4.split('.').map(Number);
    if (t.length) t = t.slice(0, -1);
    else h = h.slice(0, -1);
  }
  const words = 8 - extra.length / 2;
  const fill = text.includes('::') ? words - h.length - t.length : 0;
  const all = [...h, ...Array<string>(fill).fill('0'), ...t].map((g) => parseInt(g, 16));
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  extra.forEach((b, i) => (out[12 + i] = b));
  return out;
}

function sans(ips: unknown[] | null, dns: unknown[] | null): Buffer[] {
  const names: Buffer[] = [];
  for (const d of dns ?? []) {
    if (typeof d !== 'string') throw new FunctionError(`error processing alternate dns name: ${String(d)} is not a string`);
    names.push(tlv(0x82, Buffer.from(d)));
  }
  for (const ip of ips ?? []) {
    if (typeof ip !== 'string') throw new FunctionError(`error parsing ip: ${String(ip)} is not a string`);
    if (!isIP(ip)) throw new FunctionError(`error parsing ip: ${ip}`);
    names.push(tlv(0x87, ipBytes(ip)));
  }
  return names;
}

interface CertRequest {
  cn: string;
  ips: unknown[] | null;
  dns: unknown[] | null;
  days: number;
  isCA: boolean;
  key: KeyObject;
  signer?: { cert: Buffer; key: KeyObject };
}

function createCertificate(req: CertRequest): string {
  const names = sans(req.ips, req.dns);
  const spki = createPublicKey(req.key).export({ type: 'spki', format: 'der' });
  const signingKey = req.signer?.key ?? req.key;
  const { algorithm, digest } = signatureAlgorithm(signingKey);
  const issuer = req.signer ? subjectOf(req.signer.cert) : undefined;
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const notAfter = new Date(now.getTime() + req.days * 86_400_000);
  const publicKeyBits = children(readDer(spki))[1]!.body.subarray(1);
  const extensions: Buffer[] = [
    // keyUsage: digitalSignature, keyEncipherment (and keyCertSign for a CA)
    seq(oid('2.5.29.15'), bool(true), octets(req.isCA ? bitString(Buffer.from([0xa4]), 2) : bitString(Buffer.from([0xa0]), 5))),
    seq(oid('2.5.29.37'), octets(seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2')))),
    seq(oid('2.5.29.19'), bool(true), octets(req.isCA ? seq(bool(true)) : seq())),
  ];
  if (req.isCA) extensions.push(seq(oid('2.5.29.14'), octets(octets(createHash('sha1').update(publicKeyBits).digest()))));
  if (issuer?.keyId) extensions.push(seq(oid('2.5.29.35'), octets(seq(tlv(0x80, issuer.keyId)))));
  if (names.length > 0) extensions.push(seq(oid('2.5.29.17'), octets(seq(...names))));
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(randomBytes(16)),
    algorithm,
    issuer?.subject ?? name(req.cn),
    seq(derTime(now), derTime(notAfter)),
    name(req.cn),
    spki,
    explicit(3, seq(...extensions)),
  );
  const signature = sign(digest, tbs, signingKey);
  const der = seq(tbs, algorithm, bitString(signature));
  return pem('CERTIFICATE', der);
}

function pem(type: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}

/** sprig's certificate struct: `.Cert` and `.Key` (PEM). */
export class Certificate implements GoObject {
  readonly goType = 'sprig.certificate';
  readonly goKind = 'struct';
  constructor(
    readonly cert: string,
    readonly key: string,
  ) {}

  methods(): Record<string, TemplateFunction> {
    return { Cert: fn([], () => this.cert), Key: fn([], () => this.key) };
  }

  toString(): string {
    return `{${this.cert} ${this.key}}`;
  }
}

const newRsaKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

function issue(req: CertRequest): Certificate {
  return new Certificate(createCertificate(req), keyPem(req.key));
}

/** A DSA key parses in Go, but x509 cannot sign with it. */
class DsaKey extends FunctionError {
  constructor() {
    super('error creating certificate: x509: certificate private key does not implement crypto.Signer');
  }
}

function keyFrom(pemText: string): KeyObject {
  try {
    return parseKey(pemText);
  } catch (err) {
    if (err instanceof DsaKey) throw err;
    throw new FunctionError(`parsing private key: ${(err as Error).message}`);
  }
}

function signer(ca: unknown): { cert: Buffer; key: KeyObject } {
  if (!(ca instanceof Certificate)) throw new FunctionError(`wrong type for value; expected sprig.certificate`);
  const block = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(ca.cert);
  if (!block) throw new FunctionError('unable to decode certificate');
  const der = Buffer.from(block[1]!.replace(/\s+/g, ''), 'base64');
  try {
    new X509Certificate(der);
  } catch (err) {
    throw new FunctionError(`error parsing certificate: decodedSignerCert.Bytes: ${(err as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = parseKey(ca.key);
  } catch (err) {
    throw new FunctionError(`error parsing private key: ${(err as Error).message}`);
  }
  return { cert: der, key };
}

function buildCustomCert(b64cert: string, b64key: string): Certificate {
  const decode = (s: string) => (/^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 ? Buffer.from(s, 'base64').toString('utf8') : undefined);
  const cert = decode(b64cert);
  if (cert === undefined) throw new FunctionError('unable to decode base64 certificate');
  const key = decode(b64key);
  if (key === undefined) throw new FunctionError('unable to decode base64 private key');
  const block = /-----BEGIN [A-Z ]+-----([\s\S]*?)-----END [A-Z ]+-----/.exec(cert);
  if (!block) throw new FunctionError('unable to decode certificate');
  try {
    new X509Certificate(Buffer.from(block[1]!.replace(/\s+/g, ''), 'base64'));
  } catch (err) {
    throw new FunctionError(`error parsing certificate: decodedCert.Bytes: ${(err as Error).message}`);
  }
  try {
    parseKey(key);
  } catch (err) {
    throw new FunctionError(`error parsing private key: ${(err as Error).message}`);
  }
  return new Certificate(cert, key);
}

export const certificateFunctions: Record<string, TemplateFunction> = {
  genCA: fn(['string', 'int'], (cn: string, days: number) => issue({ cn, ips: null, dns: null, days, isCA: true, key: newRsaKey() })),
  genCAWithKey: fn(['string', 'int', 'string'], (cn: string, days: number, key: string) => issue({ cn, ips: null, dns: null, days, isCA: true, key: keyFrom(key) })),
  genSelfSignedCert: fn(['string', 'list', 'list', 'int'], (cn: string, ips: unknown[] | null, dns: unknown[] | null, days: number) => issue({ cn, ips, dns, days, isCA: false, key: newRsaKey() })),
  genSelfSignedCertWithKey: fn(['string', 'list', 'list', 'int', 'string'], (cn: string, ips: unknown[] | null, dns: unknown[] | null, days: number, key: string) =>
    issue({ cn, ips, dns, days, isCA: false, key: keyFrom(key) }),
  ),
  genSignedCert: fn(['string', 'list', 'list', 'int', 'any'], (cn: string, ips: unknown[] | null, dns: unknown[] | null, days: number, ca: unknown) =>
    issue({ cn, ips, dns, days, isCA: false, key: newRsaKey(), signer: signer(ca) }),
  ),
  genSignedCertWithKey: fn(['string', 'list', 'list', 'int', 'any', 'string'], (cn: string, ips: unknown[] | null, dns: unknown[] | null, days: number, ca: unknown, key: string) =>
    issue({ cn, ips, dns, days, isCA: false, key: keyFrom(key), signer: signer(ca) }),
  ),
  buildCustomCert: fn(['string', 'string'], buildCustomCert),
};
