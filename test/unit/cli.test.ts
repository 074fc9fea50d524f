import { describe, it, expect } from 'vitest';
import { buildProgram, reportError } from '../../src/cli/main.js';
import { commands, commandsFor } from '../../src/cli/commands.js';
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

  it('knows its name and version', async () => {
    const p = await buildProgram();
    expect(p.name()).toBe('burn');
    expect(p.version()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('which commands a command line loads', () => {
  it('the command it names, none for --version, all for help, completion, no command or an unknown one', () => {
    const all = Object.keys(commands);
    expect(commandsFor(['init', '-c', 'x.yaml'])).toEqual(['init']);
    expect(commandsFor(['--log-level', 'debug', 'validate', '-c', 'x.yaml'])).toEqual(['validate']);
    expect(commandsFor(['--log-level=debug', 'sim', 'serve'])).toEqual(['sim']);
    expect(commandsFor(['--version'])).toEqual([]);
    expect(commandsFor(['-v'])).toEqual([]);
    expect(commandsFor([])).toEqual(all);
    expect(commandsFor(['--help'])).toEqual(all);
    expect(commandsFor(['help', 'init'])).toEqual(all);
    expect(commandsFor(['completion', 'zsh'])).toEqual(all);
    expect(commandsFor(['int'])).toEqual(all);
  });

  it('an unknown command still gets the nearest name', async () => {
    const program = (await buildProgram(['int'])).exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    await expect(program.parseAsync(['node', 'burn', 'int'])).rejects.toThrow(/Did you mean init\?/);
  });
});
