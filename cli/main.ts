/**
 * The `sei-infra` command line: one commander program, each subcommand
 * registered from its own file so a new command is one import and one line.
 *
 * Exit codes are a contract with CI: 0 valid (warnings allowed), 1 invalid
 * input, 2 usage or I/O error. Commander's own usage errors (unknown option,
 * missing argument) exit 1 by default, so they are mapped to 2 here.
 */
import { Command, CommanderError } from "commander";
import { register as registerCapacity } from "./capacity.ts";
import { EXIT, UsageError } from "./exit.ts";
import { register as registerNew } from "./new.ts";
import { register as registerValidate } from "./validate.ts";

export function createProgram(): Command {
  const program = new Command("sei-infra")
    .description("Infrastructure of SEI! Municípios: validate municipality files, scaffold new ones, plan capacity")
    .showHelpAfterError()
    .exitOverride();
  registerValidate(program);
  registerNew(program);
  registerCapacity(program);
  return program;
}

/** Runs the command line and returns the process exit code (never calls process.exit). */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = createProgram();
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not failures; every other commander error is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // Usage errors and I/O failures (an unreadable file) alike: a one-line message, exit 2.
    process.stderr.write(`sei-infra: ${error instanceof Error ? error.message : String(error)}\n`);
    if (!(error instanceof UsageError) && process.env.SEI_INFRA_DEBUG) process.stderr.write(`${(error as Error).stack ?? ""}\n`);
    return EXIT.usage;
  }
}
