/**
 * What a sei-infra command may touch, and this process's own: the folder it
 * runs in, the standard streams, the environment, the clock and a terminal to
 * ask on. cli/ hands one Io to every command, fleet's included; tests pass
 * collectors.
 */
import { createInterface } from "node:readline";

export interface Io {
  /** The folder the command runs in: the repository root or a folder inside it (shell/paths.ts finds the root). */
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

/** The io of this process: its working directory, standard streams, environment and clock. */
export function processIo(): Io {
  return {
    cwd: process.cwd(),
    stdout: writerOf(process.stdout),
    stderr: writerOf(process.stderr),
    env: process.env,
    colour: process.stdout.isTTY === true && process.stdout.hasColors(),
    now: () => new Date(),
    ...(process.stdin.isTTY && process.stderr.isTTY ? { ask: askOnTerminal } : {}),
  };
}

/**
 * A writer that outlives its reader: when the other end of a pipe closes
 * (`sei-infra validate | head -1`), the write fails with EPIPE, which Node
 * reports as an 'error' event that would end the process with a stack trace.
 * The command goes on (a restore still starts the app again) and later text
 * is dropped; its exit code is its own.
 */
function writerOf(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
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
