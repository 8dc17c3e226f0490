/**
 * A private S3 backup store for one test file: versitygw (scripts/tools/versitygw.sh builds it) with
 * its posix backend, internal IAM and versioning in a temporary folder, on a loopback port.
 * `resticEnv` gives the environment of images/database/offsite's scripts for one municipality's
 * repository, made with the administrator's key as the operator makes it (a tenant cannot init).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./mariadb.ts";

export interface VersityStore {
  readonly endpoint: string;
  /** The scripts' environment for one municipality's repository, which this call creates. */
  resticEnv(municipality: string): Record<string, string>;
  stop(): Promise<void>;
}

const ACCESS = "sei-operator";
const SECRET = "operator-secret-key-for-tests";
const BUCKET = "sei-backups";

export async function startVersityStore(): Promise<VersityStore> {
  const binary = execFileSync("scripts/tools/versitygw.sh", { encoding: "utf8" }).trim();
  const dir = mkdtempSync(join(tmpdir(), "sei-versitygw-"));
  for (const sub of ["data", "iam", "versions", "restic"]) mkdirSync(join(dir, sub));
  const port = await freePort();
  const server = spawn(
    binary,
    [
      "--port",
      `127.0.0.1:${port}`,
      "--access",
      ACCESS,
      "--secret",
      SECRET,
      "--iam-dir",
      join(dir, "iam"),
      "posix",
      "--versioning-dir",
      join(dir, "versions"),
      join(dir, "data"),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  server.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!(await listening(port))) {
    if (server.exitCode !== null || Date.now() > deadline) {
      server.kill("SIGKILL");
      throw new Error(`versitygw did not start on 127.0.0.1:${port}:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    resticEnv(municipality) {
      const own = join(dir, "restic", municipality);
      for (const sub of ["tmp", "cache"]) mkdirSync(join(own, sub), { recursive: true });
      const env = {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        MUNICIPALITY: municipality,
        RESTIC_REPOSITORY: `s3:${endpoint}/${BUCKET}/${municipality}`,
        AWS_ACCESS_KEY_ID: ACCESS,
        AWS_SECRET_ACCESS_KEY: SECRET,
        AWS_DEFAULT_REGION: "us-east-1",
        RESTIC_PASSWORD: `repository-key-of-${municipality}`,
        TMPDIR: join(own, "tmp"),
        RESTIC_CACHE_DIR: join(own, "cache"),
      };
      execFileSync("restic", ["init"], { env, stdio: "pipe" });
      return env;
    },
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once("exit", resolve));
        server.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}
