import { Command, CommanderError } from 'commander';
import { isUserError, ExitCode } from '../shared/errors.js';
import { commands } from './commands.js';
import { version } from '../shared/version.js';

export function buildProgram(): Command {
  const program = new Command('burn')
    .description('Kubernetes scalability benchmark runner: kube-burner compatible jobs, SLO grading, reports and diffs')
    .version(version, '-v, --version')
    .showHelpAfterError('(run with --help for usage)');
  for (const register of commands) register(program);
  return program;
}

/** Prints user errors as one readable message; anything else is a bug and keeps its stack. */
export function reportError(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : ExitCode.Error;
  if (isUserError(err)) {
    process.stderr.write(`error: ${err.message}\n`);
    if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
    return err.exitCode;
  }
  process.stderr.write(`burn: internal error (please report it):\n${err instanceof Error ? err.stack : String(err)}\n`);
  return ExitCode.Error;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}
