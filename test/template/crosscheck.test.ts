import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCase, CROSSCHECK_ENV, EXPECTED_FILE, loadResults, loadTable, renderBurn } from './go-crosscheck/table.js';

/**
 * burn against Go's text/template + sprig v3.3.0 results stored in go-crosscheck/expected.json
 * (scripts/template/crosscheck proves they are Go's, and re-renders them with Go where Go is installed).
 */
describe('the Go cross-check table: burn renders what Go renders', () => {
  const table = loadTable();
  const expected = new Map(loadResults(EXPECTED_FILE).map((r) => [r.name, r]));
  const saved: Record<string, string | undefined> = {};

  beforeAll(() => {
    for (const [k, v] of Object.entries(CROSSCHECK_ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    delete process.env.BURN_CROSSCHECK_UNSET;
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('has at least 300 cases, each with Go\'s stored result', () => {
    expect(table.cases.length).toBeGreaterThanOrEqual(300);
    expect(table.cases.filter((c) => !expected.has(c.name)).map((c) => c.name)).toEqual([]);
  });

  it('every case agrees with Go (output byte for byte, or both fail with Go\'s message)', () => {
    const problems = table.cases.flatMap((c) => compareCase(c, expected.get(c.name), renderBurn(table, c), false));
    expect(problems.join('\n')).toBe('');
  });
});
