/**
 * Runs restic against a municipality's repository with a credential given
 * here, never the caller's environment: the store's AWS_* and RESTIC_* come
 * only from the arguments, so an operator's shell cannot point a run at
 * another repository or key. A private CA goes in a file of a private
 * temporary folder, removed afterwards, as restic's --cacert wants.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BackupStorePlan } from "../core/plan.ts";
import type { StoreCredential } from "./store-client.ts";

export interface ResticRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ResticContext {
  readonly store: Pick<BackupStorePlan, "repository" | "region" | "ca">;
  readonly credential: StoreCredential;
  readonly repositoryPassword: string;
  /** The restic program; "restic" from PATH by default. */
  readonly program?: string;
}

/** Output kept per stream: restic's messages and a JSON snapshot list fit well within it. */
const MAX_OUTPUT = 1024 * 1024;

/** Runs `restic <args>`; `input` is written to its standard input (a dump for `backup --stdin`). */
export async function restic(context: ResticContext, args: readonly string[], input?: Buffer): Promise<ResticRun> {
  const scratch = mkdtempSync(join(tmpdir(), "sei-restic-"));
  try {
    const caArgs: string[] = [];
    if (context.store.ca) {
      const caFile = join(scratch, "ca.crt");
      writeFileSync(caFile, context.store.ca, { mode: 0o600 });
      caArgs.push("--cacert", caFile);
    }
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: scratch,
      TMPDIR: scratch,
      RESTIC_REPOSITORY: context.store.repository,
      RESTIC_PASSWORD: context.repositoryPassword,
      AWS_ACCESS_KEY_ID: context.credential.accessKeyId,
      AWS_SECRET_ACCESS_KEY: context.credential.secretAccessKey,
      AWS_DEFAULT_REGION: context.store.region,
    };
    return await run(context.program ?? "restic", ["--no-cache", ...caArgs, ...args], env, input);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function run(program: string, args: readonly string[], env: NodeJS.ProcessEnv, input?: Buffer): Promise<ResticRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: [input ? "pipe" : "ignore", "pipe", "pipe"] });
    // A restic that exits early closes its input: the error is its exit code's to tell.
    child.stdin?.on("error", () => {});
    child.stdin?.end(input);
    const out = { stdout: "", stderr: "" };
    const collect = (name: "stdout" | "stderr") => (chunk: Buffer) => {
      if (out[name].length < MAX_OUTPUT) out[name] += chunk.toString("utf8");
    };
    child.stdout?.on("data", collect("stdout"));
    child.stderr?.on("data", collect("stderr"));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, ...out }));
  });
}
