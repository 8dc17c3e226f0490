/**
 * The JOD image's upload limits: images/jod/application.yaml lets the
 * JODConverter REST service (Spring Boot) take documents up to 1 GB, and the
 * e2e cluster's JOD stand-in (scripts/e2e/images/jod/jod.py, NOT JODConverter:
 * its jar is not served here) enforces the limits it reads from that same
 * file, run here for real with the host's Python.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { freePort } from "../support/mariadb.ts";

const CONFIG = resolve("images/jod/application.yaml");
const MB = 1024 * 1024;
let jod: ChildProcess | undefined;
let work: string | undefined;

afterEach(() => {
  jod?.kill("SIGTERM");
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Starts the stand-in with a configuration file; returns its base URL once it listens. */
async function startJod(config: string): Promise<string> {
  const port = await freePort();
  jod = spawn("python3", [resolve("scripts/e2e/images/jod/jod.py")], {
    env: { PATH: process.env.PATH ?? "", JOD_PORT: String(port), JOD_CONFIG: config },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  jod.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${url}/actuator/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return url;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the JOD stand-in did not start:\n${log}`);
}

/** A conversion as SEI sends it: the document in the multipart field "data". */
async function convert(url: string, bytes: number): Promise<Response> {
  const line = `${"Documento de teste convertido pelo JOD. ".repeat(25)}\n`;
  const text = line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
  const form = new FormData();
  form.append("data", new Blob([text], { type: "text/plain" }), "documento.txt");
  return fetch(`${url}/conversion?format=pdf`, { method: "POST", body: form });
}

describe("JOD's upload limits", () => {
  it("the JOD image's configuration allows 1 GB a file and a request", () => {
    const config = parse(readFileSync(CONFIG, "utf8")) as {
      spring: { servlet: { multipart: Record<string, string> } };
    };
    expect(config.spring.servlet.multipart).toEqual({ "max-file-size": "1024MB", "max-request-size": "1024MB" });
  });

  it("the JOD stand-in, with the image's file, converts a 5 MB document", async () => {
    const url = await startJod(CONFIG);
    const converted = await convert(url, 5 * MB);
    expect(converted.status).toBe(200);
    expect(
      Buffer.from(await converted.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
  }, 60_000);

  it("the JOD stand-in, with a file that sets no limits, refuses over 1 MB as Spring does", async () => {
    work = mkdtempSync(join(tmpdir(), "sei-jod-"));
    const bare = join(work, "application.yaml");
    writeFileSync(bare, "server:\n  port: 8080\n");
    const url = await startJod(bare);
    expect((await convert(url, MB / 2)).status).toBe(200);
    expect((await convert(url, 2 * MB)).status).toBe(413);
  }, 60_000);
});
