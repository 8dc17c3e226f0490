/**
 * The `sei-infra` command line: one commander program built from the
 * CommandSpecs registered below.
 *
 * Exit codes are a contract with CI, one table for every command
 * (shell/exit.ts), printed by each command's --help. Commander's own usage
 * errors (unknown option, missing argument) exit 1 by default, so they are
 * mapped to 2 here.
 */
import { Command, CommanderError } from "commander";
// The version only: the bundle (runtime/cli-bundle.js) inlines this JSON, tsx reads it.
import packageJson from "../package.json" with { type: "json" };
import { printable } from "../core/printable.ts";
import { backups } from "./backups.ts";
import { capacity } from "./capacity.ts";
import type { AnyCommandSpec } from "./command.ts";
import { processIo, type Io } from "../shell/io.ts";
import { EXIT, exitCodesHelp, UsageError } from "../shell/exit.ts";
import { fleet } from "./fleet.ts";
import { commandHelp } from "./help-text.ts";
import { newMunicipality } from "./new.ts";
import { restore } from "./restore.ts";
import { validate } from "./validate.ts";

/**
 * Every command, in help order. Adding one: write cli/<name>.ts exporting a
 * CommandSpec (cli/command.ts: name, description, define(command) for its
 * arguments and options, run(args, io) → exit code), and list it here. A
 * command with subcommands, such as `sei-infra fleet plan|apply|drift|emit`,
 * is a CommandSpec with `subcommands: [plan, apply, drift, emit, …]`
 * (cli/fleet.ts) and no run of its own.
 */
const COMMANDS: readonly AnyCommandSpec[] = [validate, newMunicipality, capacity, fleet, restore, backups];

export function createProgram(
  io: Io,
  setExitCode: (code: number) => void,
  commands: readonly AnyCommandSpec[] = COMMANDS,
): Command {
  const program = new Command("sei-infra")
    .description(
      "Infrastructure of SEI! Municípios: validate municipality files, scaffold new ones, plan capacity, roll changes over the fleet",
    )
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      // Commander's errors quote what was typed ("unknown option '…'"): escape control characters line by line.
      outputError: (text, write) =>
        write(
          text
            .split("\n")
            .map((line) => printable(line))
            .join("\n"),
        ),
    })
    .version(packageJson.version, "--version", "print the version of sei-infra")
    .showHelpAfterError()
    .exitOverride();
  for (const spec of commands) register(program, spec, io, setExitCode);
  return program;
}

/** Adds `spec` (and its subcommands) to `parent`; its action passes options and named arguments to run(). */
function register(
  parent: Command,
  spec: AnyCommandSpec,
  io: Io,
  setExitCode: (code: number) => void,
  path: readonly string[] = [],
): void {
  // command() copies the parent's settings: usage errors exit 2 and output goes to io, at every level.
  const command = parent.command(spec.name).description(spec.description);
  spec.define?.(command);
  const commandPath = [...path, spec.name].join(" ");
  const help = commandHelp(commandPath) + exitCodesHelp(commandPath);
  if (help) command.addHelpText("after", help);
  for (const sub of spec.subcommands ?? []) register(command, sub, io, setExitCode, [...path, spec.name]);
  const run = spec.run;
  if (!run) return;
  command.action(async (...params: unknown[]) => {
    const named = Object.fromEntries(command.registeredArguments.map((argument, i) => [argument.name(), params[i]]));
    setExitCode(await run({ ...command.opts(), ...named }, io));
  });
}

/** Runs the command line and returns the process exit code (never calls process.exit). */
export async function main(argv: readonly string[] = process.argv, io: Io = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = createProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not failures; every other commander error is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // Usage errors and unexpected failures alike: a one-line message, exit 2 (a file the loader refuses is an error of that file, not this).
    // A path or revision the user typed may hold control characters; print it escaped.
    io.stderr(`sei-infra: ${printable(error instanceof Error ? error.message : String(error))}\n`);
    if (!(error instanceof UsageError) && io.env.SEI_INFRA_DEBUG) io.stderr(`${(error as Error).stack ?? ""}\n`);
    return EXIT.usage;
  }
}
