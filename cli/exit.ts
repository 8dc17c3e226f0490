/** Exit codes every sei-infra command shares; CI gates on them. */
export const EXIT = {
  /** Everything valid; warnings allowed. */
  ok: 0,
  /** At least one input file is invalid, or one the loader refuses or cannot open. */
  invalid: 1,
  /** Bad command line, a named file or folder that does not exist, a git or write error. */
  usage: 2,
} as const;

/** An error that should stop the command with exit code 2 and a one-line message, no stack trace. */
export class UsageError extends Error {}
