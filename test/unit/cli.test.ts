import { describe, it, expect } from 'vitest';
import { buildProgram, reportError } from '../../src/cli/main.js';
import { UserError } from '../../src/shared/errors.js';

describe('cli', () => {
  it('prints a user error without a stack and returns its exit code', () => {
    const chunks: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((c: string) => (chunks.push(c), true)) as typeof process.stderr.write;
    try {
      const code = reportError(new UserError('config.yaml:3:5: unknown key "jobIteration"', { hint: 'did you mean "jobIterations"?' }));
      expect(code).toBe(1);
    } finally {
      process.stderr.write = orig;
    }
    expect(chunks.join('')).toBe('error: config.yaml:3:5: unknown key "jobIteration"\nhint: did you mean "jobIterations"?\n');
  });

  it('knows its name and version', () => {
    const p = buildProgram();
    expect(p.name()).toBe('burn');
    expect(p.version()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
