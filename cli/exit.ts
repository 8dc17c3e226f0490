/** Exit codes every sei-infra command shares; CI gates on them. */
export const EXIT = {
  /** Everything valid; warnings allowed. */
  ok: 0,
  /** At least one input file is invalid. */
  invalid: 1,
  /** Bad command line, or a file or folder that cannot be read. */
  usage: 2,
} as const;

/** An error that should stop the command with exit code 2 and a one-line message, no stack trace. */
export class UsageError extends Error {}
