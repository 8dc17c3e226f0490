/**
 * Runs one engine command for one stack. Output goes straight from the child
 * to the stack's log file (the child writes to the file descriptor; nothing
 * passes through this process), so 750 stacks never hold their logs in
 * memory. Only `show -json` is read back, one plan at a time.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, constants, fstatSync, openSync, writeSync } from "node:fs";
import { readRegularFileTail } from "../sources/working-tree.ts";
import { plainKind, plainKindOf } from "../shell/plain-path.ts";
import type { Engine } from "./engine.ts";

/** Engine processes still running, so an interrupted run can stop them gracefully. */
const running = new Set<ChildProcess>();

/** Sends SIGINT to every running engine: both engines stop at a safe point, release the state lock and exit. */
export function interruptEngines(): void {
  for (const child of running) child.kill("SIGINT");
}

export interface StackLog {
  readonly path: string;
  /** The open log (append only), which the engine's output goes to. */
  readonly fd: number;
  /** Appends a line of our own (the command about to run, a decision). */
  note(text: string): void;
  /** The last `bytes` of the log, for error summaries. */
  tail(bytes?: number): string;
  close(): void;
}

/** Append to a regular file, creating it; never through a link, never to a FIFO with no reader (ENXIO). */
const LOG_FLAGS =
  constants.O_WRONLY |
  constants.O_APPEND |
  constants.O_CREAT |
  (constants.O_NOFOLLOW ?? 0) |
  (constants.O_NONBLOCK ?? 0) |
  (constants.O_NOCTTY ?? 0);

/**
 * Opens a stack's log for appending. The logs folder may be shared (--logs), so
 * a link or a FIFO planted at the log's name is refused (a UsageError naming
 * `label`), never written through: checked before the open, and by the open's
 * flags and an fstat for one planted in between.
 */
export function openStackLog(path: string, label = path): StackLog {
  plainKind(path, label, "file");
  let fd: number;
  try {
    fd = openSync(path, LOG_FLAGS, 0o644);
  } catch (error) {
    // ELOOP or ENXIO: something was planted after the check; say what.
    plainKind(path, label, "file");
    throw error;
  }
  try {
    plainKindOf(fstatSync(fd), label, "file");
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return {
    path,
    fd,
    note: (text) => void writeSync(fd, `${text}\n`),
    tail(bytes = 256 * 1024) {
      return readRegularFileTail(path, bytes)?.toString("utf8") ?? "";
    },
    close: () => closeSync(fd),
  };
}

export interface EngineCall {
  readonly engine: Engine;
  /** The stack's folder in the synthesized output. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: StackLog;
}

export interface EngineResult {
  readonly code: number;
  readonly ms: number;
  /** Standard output, only when asked for (`show -json`); otherwise it is in the log. */
  readonly stdout?: string;
}

/** Runs `engine args…` in the stack folder; stdout and stderr go to the log unless stdout is captured. */
export function runEngine(
  call: EngineCall,
  args: readonly string[],
  options: { captureStdout?: boolean } = {},
): Promise<EngineResult> {
  const started = Date.now();
  call.log.note(
    `\n$ ${call.engine.name === "opentofu" ? "tofu" : "terraform"} ${args.join(" ")}    # ${new Date(started).toISOString()}`,
  );
  const logFd = call.log.fd;
  return new Promise((resolvePromise) => {
    const child = spawn(call.engine.path, args, {
      cwd: call.cwd,
      env: call.env,
      stdio: ["ignore", options.captureStdout ? "pipe" : logFd, logFd],
      // Its own process group: a Ctrl-C at the terminal reaches only sei-infra, which passes exactly one
      // interrupt on (interruptEngines); a second one from the terminal would make the engine quit at once.
      detached: true,
    });
    running.add(child);
    const chunks: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk));
    let finished = false;
    const finish = (code: number, failure?: string) => {
      if (finished) return;
      finished = true;
      running.delete(child);
      if (failure) call.log.note(failure);
      const ms = Date.now() - started;
      call.log.note(`# exit ${code} after ${(ms / 1000).toFixed(1)} s`);
      resolvePromise({
        code,
        ms,
        ...(options.captureStdout ? { stdout: Buffer.concat(chunks).toString("utf8") } : {}),
      });
    };
    child.once("error", (error) => finish(-1, `could not run ${call.engine.path}: ${error.message}`));
    child.once("close", (code, signal) => finish(code ?? -1, signal ? `killed by ${signal}` : undefined));
  });
}
