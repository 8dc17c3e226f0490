/**
 * The shape of every sei-infra command, and what it may touch.
 *
 * A command is a CommandSpec: its name, a description, the arguments and
 * options it declares on commander, and `run(args, io)`, which returns the
 * exit code (shell/exit.ts) and touches the world only through `io`. `args` is
 * what commander parsed: the options, and each declared argument under its
 * own name (`validate [files...]` gives `args.files`). A command with
 * subcommands (`sei-infra fleet plan`) lists them in `subcommands`, each a
 * CommandSpec of the same shape, and usually has no `run` of its own.
 */
import type { Command } from "commander";
import { createInterface } from "node:readline";

export interface Io {
  /** The folder the command runs in: the project root, where platform.yaml is. */
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Standard output is a terminal that shows colours. */
  readonly colour: boolean;
  /** The current time (`new` writes today's date). */
  readonly now: () => Date;
  /**
   * Asks a person and resolves with the answer ("" when they give none, or
   * press Ctrl-C). Absent when there is no terminal to ask on: a command that
   * needs a confirmation then needs a flag instead (`restore --yes`).
   */
  readonly ask?: (question: string) => Promise<string>;
}

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

/** The io of this process: its working directory, standard streams, environment and clock. */
export function processIo(): Io {
  return {
    cwd: process.cwd(),
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    colour: process.stdout.isTTY === true && process.stdout.hasColors(),
    now: () => new Date(),
    ...(process.stdin.isTTY && process.stderr.isTTY ? { ask: askOnTerminal } : {}),
  };
}

function askOnTerminal(question: string): Promise<string> {
  return new Promise((resolve) => {
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    prompt.on("SIGINT", () => prompt.close());
    prompt.on("close", () => resolve(""));
    prompt.question(question, (answer) => {
      resolve(answer);
      prompt.close();
    });
  });
}
