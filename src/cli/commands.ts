import type { Command } from 'commander';

/**
 * Every `burn` subcommand registers itself here: one line per command module.
 * A command module exports `register(program)`, parses flags, and calls one function of the core.
 */
export const commands: Array<(program: Command) => void> = [];
