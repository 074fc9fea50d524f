/**
 * The protobuf wire level: varints, tags and length-delimited fields (the encoding described in
 * protobuf's language guide, "Encoding"). Numbers are JavaScript numbers: int64 values above 2^53
 * do not occur in Kubernetes objects; negative values are written as 10-byte two's complement,
 * as protobuf writes int32/int64.
 */

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export class ProtoDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtoDecodeError';
  }
}

export class ProtoWriter {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varint(value: number): this {
    if (value < 0) return this.negativeVarint(value);
    this.ensure(10);
    let v = value;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  private negativeVarint(value: number): this {
    this.ensure(10);
    let v = BigInt.asUintN(64, BigInt(Math.trunc(value)));
    for (let i = 0; i < 9; i++) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE.bytes).varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  uint(field: number, value: number): this {
    return this.tag(field, WIRE.varint).varint(value);
  }

  raw(data: Uint8Array): this {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
    return this;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

export interface WireField {
  field: number;
  wireType: number;
  /** The varint's value (wire type 0). */
  int?: number;
  /** The payload (wire type 2). */
  data?: Buffer;
}

export class ProtoReader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): number {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new ProtoDecodeError('truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return Number(BigInt.asIntN(64, result));
      shift += 7n;
    }
    throw new ProtoDecodeError('varint longer than 10 bytes');
  }

  next(): WireField {
    const key = this.varint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    if (field < 1) throw new ProtoDecodeError(`invalid field number ${field}`);
    switch (wireType) {
      case WIRE.varint:
        return { field, wireType, int: this.varint() };
      case WIRE.bytes: {
        const len = this.varint();
        if (len < 0 || this.pos + len > this.buf.length) throw new ProtoDecodeError(`field ${field}: length ${len} runs past the end of the message`);
        const data = this.buf.subarray(this.pos, this.pos + len);
        this.pos += len;
        return { field, wireType, data };
      }
      case WIRE.fixed64:
        this.skip(8);
        return { field, wireType };
      case WIRE.fixed32:
        this.skip(4);
        return { field, wireType };
      default:
        throw new ProtoDecodeError(`field ${field}: unsupported wire type ${wireType}`);
    }
  }

  private skip(n: number): void {
    if (this.pos + n > this.buf.length) throw new ProtoDecodeError('truncated fixed-width field');
    this.pos += n;
  }
}
