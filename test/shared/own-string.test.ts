import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { ownString } from '../../src/shared/own-string.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap used after keeping, for each of 40 documents of 256 KB, the name read from it. */
function heapKeeping(keep: (name: string) => string): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: string[] = [];
  for (let i = 0; i < 40; i++) {
    const document = `metadata:\n  name: cluster-density-deployment-${i}\n${'#'.repeat(256 * 1024)}`;
    kept.push(keep(document.slice(18, document.indexOf('\n', 18))));
  }
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  expect(kept[7]).toBe('cluster-density-deployment-7');
  return grown;
}

describe('ownString', () => {
  it('keeps a name read from a document without the document (a plain substring keeps all of it)', () => {
    const sliced = heapKeeping((name) => name);
    const owned = heapKeeping(ownString);
    expect(sliced).toBeGreaterThan(8 * 1024 * 1024);
    expect(owned).toBeLessThan(1024 * 1024);
  });
});
