import { describe, expect, it } from 'vitest';
import { formatCount } from '../../src/template/index.js';

describe('formatCount (limits in messages)', () => {
  it("writes counts as toLocaleString('en-US') does, without loading ICU's locale data", () => {
    for (const n of [0, 7, 999, 1000, 12_345, 1_000_000, 16 * 1024 * 1024, 123_456_789_012, -4321, 1234.5678, 0.25]) {
      expect(formatCount(n), String(n)).toBe(n.toLocaleString('en-US'));
    }
  });
});
