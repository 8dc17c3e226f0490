/**
 * The hostile-input suite's tools: a real project folder (a git repository with
 * the project's platform.yaml, tiers/ and official list) to plant hostile
 * entries in, a place outside it for secrets, and the real `sei-infra` bin run
 * as a bounded child process whose exit code, output, time and peak memory are
 * measured.
 *
 * Bounds: `timeout -s KILL` stops a child that hangs (a FIFO read forever
 * before the loader was fixed), and GNU time (`/usr/bin/time`) reports the
 * child's peak resident set size, wall time and CPU time.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FixtureRepo, REPO_ROOT } from "../../scripts/lib/fleet-repo.ts";

const BIN = join(REPO_ROOT, "bin", "sei-infra.js");

/** A child is killed after this long; bounded runs take well under a second. */
const KILL_AFTER_SECONDS = 30;

export interface BoundedRun {
  /** Exit code; 137 when the child was killed for running too long. */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time: a hang shows here (and as exit 137). */
  readonly seconds: number;
  /** User and system CPU time: work done, whatever else the shared machine runs. */
  readonly cpuSeconds: number;
  readonly peakMegabytes: number;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Run without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (setpriv), so file
   * permissions apply to the child even when the tests run as root, as they do
   * here: root reads a mode-000 file, a user without those capabilities cannot.
   */
  readonly withoutPermissionOverride?: boolean;
}

/** `sei-infra ARGS` as a child process, killed past the bound, with its time and peak memory; several may run at once. */
export async function boundedSeiInfra(
  args: readonly string[],
  { cwd, env = {}, withoutPermissionOverride = false }: RunOptions,
): Promise<BoundedRun> {
  const scratch = mkdtempSync(join(tmpdir(), "sei-hostile-run-"));
  const stats = join(scratch, "time");
  try {
    const node = [process.execPath, BIN, ...args];
    const dropped = withoutPermissionOverride
      ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search", ...node]
      : node;
    const child = spawn(
      "/usr/bin/time",
      ["-f", "%M %e %U %S", "-o", stats, "timeout", "-s", "KILL", String(KILL_AFTER_SECONDS), ...dropped],
      {
        cwd,
        env: { ...process.env, NO_COLOR: "1", ...env },
      },
    );
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const status = await new Promise<number | null>((done, fail) => {
      child.on("error", fail);
      child.on("close", done);
    });
    // GNU time writes "Command exited with non-zero status N" first when the child failed.
    const [kilobytes, seconds, user, system] = readFileSync(stats, "utf8")
      .trim()
      .split("\n")
      .at(-1)!
      .split(" ")
      .map(Number);
    const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString("utf8");
    return {
      status,
      stdout: text(stdout),
      stderr: text(stderr),
      seconds: seconds!,
      cpuSeconds: user! + system!,
      peakMegabytes: kilobytes! / 1024,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A project repository and a folder outside it, both deleted by dispose(). */
export class HostileProject extends FixtureRepo {
  /** Where secrets live: outside the project, so no path inside it may lead there. */
  readonly outside = mkdtempSync(join(tmpdir(), "sei-hostile-outside-"));

  override dispose(): void {
    super.dispose();
    rmSync(this.outside, { recursive: true, force: true });
  }
}
