/**
 * The shape of every sei-infra command, and what it may touch.
 *
 * A command is a CommandSpec: its name, a description, the arguments and
 * options it declares on commander, and `run(args, io)`, which returns the
 * exit code (shell/exit.ts) and touches the world only through `io`. `args` is
 * what commander parsed: the options, and each declared argument under its
 * own name (`validate [files...]` gives `args.files`). Io is shell/io.ts. A command with
 * subcommands (`sei-infra fleet plan`) lists them in `subcommands`, each a
 * CommandSpec of the same shape, and usually has no `run` of its own.
 */
import type { Command } from "commander";
import type { Io } from "../shell/io.ts";

export interface CommandSpec<A = unknown> {
  readonly name: string;
  readonly description: string;
  /** Declares the arguments and options on the commander command. @default none */
  readonly define?: (command: Command) => void;
  /** Runs the command; returns the exit code. Usage errors are thrown as UsageError. @default only subcommands */
  readonly run?: (args: A, io: Io) => number | Promise<number>;
  /** Subcommands, each of the same shape. @default none */
  readonly subcommands?: readonly AnyCommandSpec[];
}

/** A CommandSpec of any arguments, as registries hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each spec checks its own args; the registry only passes them on
export type AnyCommandSpec = CommandSpec<any>;
