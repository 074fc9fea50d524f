import type { Command } from 'commander';

export type Register = (program: Command) => void;

/**
 * Every `burn` subcommand by name, and how to load the module that registers it (flags,
 * description, action): one line per command module. `burn <command>` loads only its own module;
 * help, completion and an unknown name load them all (`main.ts`).
 */
export const commands: Record<string, () => Promise<Register>> = {
  init: async () => (await import('./init.js')).register,
  destroy: async () => (await import('./destroy.js')).register,
  validate: async () => (await import('./validate.js')).register,
  render: async () => (await import('./render.js')).register,
  sim: async () => (await import('./sim.js')).register,
  report: async () => (await import('./report.js')).register,
  diff: async () => (await import('./diff.js')).register,
  history: async () => (await import('./history.js')).register,
  measure: async () => (await import('./measure.js')).register,
  'check-alerts': async () => (await import('./check-alerts.js')).register,
  index: async () => (await import('./index-cmd.js')).register,
  import: async () => (await import('./import.js')).register,
  'health-check': async () => (await import('./health-check.js')).register,
  rbac: async () => (await import('./rbac.js')).register,
  'traffic-agent': async () => (await import('./traffic-agent.js')).register,
  version: async () => (await import('./version.js')).register,
  completion: async () => (await import('./completion.js')).register,
};

/** Commands that describe the whole program, so every command must be registered for them. */
const DESCRIBE_ALL = new Set(['completion']);

/**
 * The commands `args` (process.argv after node and the script) needs registered: the one it names;
 * none for `burn --version`; all for help, completion, no command or an unknown one (so commander
 * can list them and suggest the nearest name).
 */
export function commandsFor(args: readonly string[]): string[] {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--log-level') i++; // the global flag's value is not a command
    else if (arg === '--') break;
    else if (!arg.startsWith('-')) return Object.hasOwn(commands, arg) && !DESCRIBE_ALL.has(arg) ? [arg] : Object.keys(commands);
  }
  return args.some((a) => a === '-v' || a === '--version') && !args.some((a) => a === '-h' || a === '--help') ? [] : Object.keys(commands);
}
