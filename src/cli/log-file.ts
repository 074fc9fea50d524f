import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../shared/errors.js';
import { boolValue } from './flags.js';

/**
 * kube-burner's log file: init, destroy, measure, health-check and index also write every log line
 * to `kube-burner-<uuid>.log` in the working directory (kube-burner's name, so scripts that collect
 * it find it), unless `--skip-log-file`. The command's action picks the file; its run function, also
 * called by tests in-process, writes one only when given a path.
 */

export function addSkipLogFileFlag(command: Command): void {
  command.option('--skip-log-file [bool]', "do not copy the log to kube-burner-<uuid>.log in the working directory (kube-burner's log file)", boolValue);
}

/** The log file of a command run with this uuid, or undefined with --skip-log-file. */
export function kubeBurnerLogFile(uuid: string, skip: boolean | undefined): string | undefined {
  return skip ? undefined : resolve(`kube-burner-${uuid}.log`);
}

/**
 * A log writer that writes each line to stderr and to `file` (created or emptied, as kube-burner
 * does); stderr alone without a file. A file still empty at exit is removed: a command refused
 * before it logs anything leaves nothing behind.
 */
export function logWriter(file: string | undefined): ((line: string) => void) | undefined {
  if (!file) return undefined;
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (err) {
    throw new UserError(`cannot write the log file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      hint: 'run from a folder you can write to, or pass --skip-log-file',
    });
  }
  let written = false;
  process.once('exit', () => {
    closeSync(fd);
    if (!written) rmSync(file, { force: true });
  });
  return (line) => {
    process.stderr.write(line);
    writeSync(fd, line);
    written = true;
  };
}
