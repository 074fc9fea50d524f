import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/kube/jsonlines.js';

function split(chunks: Buffer[]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((l) => lines.push(l));
  for (const c of chunks) splitter.push(c);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it('splits lines inside and across chunks, skipping blank lines', () => {
    const text = '{"a":1}\n{"b":"é\u00e9"}\n\n{"c":3}';
    const whole = Buffer.from(text);
    const expected = ['{"a":1}', '{"b":"é\u00e9"}', '{"c":3}'];
    expect(split([whole])).toEqual(expected);
    // every split point, including inside a multi-byte character
    for (let i = 1; i < whole.length; i++) {
      expect(split([whole.subarray(0, i), whole.subarray(i)])).toEqual(expected);
    }
    // one byte at a time
    expect(split([...whole].map((b) => Buffer.from([b])))).toEqual(expected);
  });

  it('handles a line spread over many chunks without losing bytes', () => {
    const big = JSON.stringify({ data: 'x'.repeat(200_000) });
    const buf = Buffer.from(big + '\n' + '{"next":true}\n');
    const chunks: Buffer[] = [];
    for (let i = 0; i < buf.length; i += 1000) chunks.push(buf.subarray(i, i + 1000));
    const lines = split(chunks);
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]).data).toHaveLength(200_000);
    expect(lines[1]).toBe('{"next":true}');
  });

  it('accepts CRLF line endings', () => {
    expect(split([Buffer.from('{"a":1}\r\n{"b":2}\r\n')]).map((l) => JSON.parse(l))).toEqual([{ a: 1 }, { b: 2 }]);
  });
});
