/**
 * An error the user caused and can fix (bad config, bad template, bad flag, no cluster, RBAC denied).
 * The CLI prints `message` (and `hint`) without a stack trace and exits with `exitCode`.
 * The message should name the file, line or flag; the hint says what to do.
 */
export class UserError extends Error {
  readonly exitCode: number;
  readonly hint?: string;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.Error;
  }
}

/** kube-burner's exit codes 0-4 (from its code, not its docs); 5 is burn's own. */
export const ExitCode = {
  Passed: 0,
  Error: 1,
  Timeout: 2,
  AlertError: 3,
  Violation: 4,
  /** burn's own (or the simulator's) saturation may explain every failed verdict: nothing is proven either way. */
  Inconclusive: 5,
} as const;

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
