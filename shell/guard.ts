/**
 * How every command ends on a usage error: one line, `sei-infra <command>:
 * <message>`, printed escaped (a message quotes what was typed), and exit
 * code 2. Any other error is not the user's and goes on to cli/main.ts.
 */
import { printable } from "../core/printable.ts";
import { EXIT, UsageError } from "./exit.ts";

/** Runs a command body; a UsageError becomes its message on `err` and exit code 2. */
export async function guarded(
  command: string,
  err: (text: string) => void,
  body: () => Promise<number> | number,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      err(usageLine(command, error.message));
      return EXIT.usage;
    }
    throw error;
  }
}

/** `sei-infra <command>: <message>`, each line of the message escaped (a message may list diagnostics below it). */
export function usageLine(command: string, message: string): string {
  return `sei-infra ${command}: ${message
    .split("\n")
    .map((line) => printable(line))
    .join("\n")}\n`;
}
