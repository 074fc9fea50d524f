import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { checkFlags } from './flags.js';
import { isUserError, ExitCode } from '../shared/errors.js';
import { commands, commandsFor } from './commands.js';
import { version } from '../shared/version.js';
import { parseLogLevel } from '../shared/log.js';

/**
 * burn's command line with the commands `args` needs (process.argv after node and the script;
 * default: every command), each command's module loaded here and nothing else.
 */
export async function buildProgram(args?: readonly string[]): Promise<Command> {
  const registers = await Promise.all((args ? commandsFor(args) : Object.keys(commands)).map((name) => commands[name]!()));
  const program = new Command('burn')
    .description('Kubernetes scalability benchmark runner: kube-burner compatible jobs, SLO grading, reports and diffs')
    .version(version, '-v, --version')
    // kube-burner's one global flag: accepted before or after the command (`burn --log-level debug init`, `burn init --log-level debug`).
    .option('--log-level <level>', "debug, info, warn, error or fatal (kube-burner's levels)", parseLogLevel, 'info')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run with --help for usage)');
  for (const register of registers) register(program);
  program.hook('preAction', (_program, command) => {
    command.setOptionValueWithSource('logLevel', program.getOptionValue('logLevel'), program.getOptionValueSource('logLevel') ?? 'default');
    checkFlags(command.opts());
  });
  reportFlagErrors(program);
  return program;
}

/**
 * Every subcommand reports a flag error by throwing (so `main` sets the exit code, as for the top level,
 * instead of commander exiting the process), and a flag parser that throws means a bad value for that
 * flag: commander then names the flag, with no stack trace.
 */
function reportFlagErrors(command: Command): void {
  command.exitOverride();
  for (const option of command.options) {
    const parse = option.parseArg;
    if (!parse) continue;
    option.parseArg = <T>(value: string, previous: T): T => {
      try {
        return parse(value, previous) as T;
      } catch (err) {
        if (err instanceof InvalidArgumentError || !(err instanceof Error)) throw err;
        throw new InvalidArgumentError(err.message);
      }
    };
  }
  for (const sub of command.commands) reportFlagErrors(sub);
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
  try {
    const program = (await buildProgram(argv.slice(2))).exitOverride();
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}
