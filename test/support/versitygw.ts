/**
 * A real S3-compatible store for tests: versitygw (scripts/tools/versitygw.sh,
 * built by npm test's pretest) with its posix backend, users in --iam-dir and
 * versioning in --versioning-dir, as a private process on a free local port,
 * over a temporary folder removed by stop().
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./mariadb.ts";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface Versitygw {
  readonly endpoint: string;
  readonly region: string;
  readonly admin: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The folder of the buckets: what is on disk, for tests that look past the API. */
  readonly root: string;
  stop(): Promise<void>;
}

export function versitygwPath(): string {
  return execFileSync("bash", [join(REPO_ROOT, "scripts/tools/versitygw.sh")], { encoding: "utf8" }).trim();
}

/** With `tls`, it serves https with that certificate and key (PEM files). */
export async function startVersitygw(tls?: { readonly cert: string; readonly key: string }): Promise<Versitygw> {
  const folder = mkdtempSync(join(tmpdir(), "sei-versitygw-"));
  const [root, iam, versions] = ["buckets", "iam", "versions"].map((name) => join(folder, name)) as [
    string,
    string,
    string,
  ];
  for (const dir of [root, iam, versions]) mkdirSync(dir);
  const port = await freePort();
  const admin = { accessKeyId: "sei-store-admin", secretAccessKey: "admin-secret-for-tests-only" };
  const child: ChildProcess = spawn(
    versitygwPath(),
    [
      "--access",
      admin.accessKeyId,
      "--secret",
      admin.secretAccessKey,
      "--port",
      `127.0.0.1:${port}`,
      "--iam-dir",
      iam,
      "--quiet",
      ...(tls ? ["--cert", tls.cert, "--key", tls.key] : []),
      "posix",
      "--versioning-dir",
      versions,
      root,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await waitForPort(port, child, () => stderr);
  } catch (error) {
    child.kill("SIGKILL");
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoint: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    region: "us-east-1",
    admin,
    root,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`versitygw exited ${child.exitCode}: ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`versitygw did not listen on ${port} within 20 s: ${stderr()}`);
}

/** A self-signed certificate for 127.0.0.1 in `dir` (store.crt, store.key): a store with a private CA. */
export function storeCertificate(dir: string): { readonly cert: string; readonly key: string } {
  const [cert, key] = [join(dir, "store.crt"), join(dir, "store.key")];
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...["-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=sei-test-store"],
      ...["-addext", "subjectAltName=IP:127.0.0.1"],
    ],
    { stdio: "ignore" },
  );
  return { cert, key };
}
