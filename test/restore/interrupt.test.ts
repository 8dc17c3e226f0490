/**
 * `sei-infra restore` killed mid-way: the real bin as a child process, with a
 * kubectl stand-in (KUBECTL) that records every call and plays a cluster whose
 * read-only check passes and whose restore Job runs until stopped. The whole
 * flow against a real cluster is in test/e2e/workloads.test.ts; a signal at
 * the right moment is what only a stand-in can time. Also a dry run from a
 * subfolder of the repository, and the kubectl wrapper against a kubectl that
 * exits before reading its input (EPIPE).
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { kubectlFor, KubectlError } from "../../restore/kubectl.ts";
import { REPO_ROOT } from "../cli/run.ts";

const work = mkdtempSync(join(tmpdir(), "sei-restore-interrupt-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const INSPECTION =
  'INSPECTION {"sets":[{"name":"2026-12-01","bytes":1048576,"writtenAt":1764554400,"problem":""}],' +
  '"target":{"reachable":true,"databases":2,"tables":0,"documentEntries":0}}';

/** A kubectl that logs each call (one line, arguments after --context) and answers as a cluster would. */
function standIn(log: string): string {
  const path = join(work, `kubectl-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    path,
    `#!/bin/bash
shift 4  # --kubeconfig PATH --context NAME
printf '%s\\n' "$*" >> '${log}'
case "$*" in
  *"apply -f -"*) cat > /dev/null ;;
  *"get job sei-restore-check"*) echo '[{"type":"Complete","status":"True"}]' ;;
  *"logs job/sei-restore-check"*) printf 'restore check: reading set 2026-12-01\\n%s\\n' '${INSPECTION}' ;;
  *"get job sei-restore "*) echo '[]' ;;
  *"logs job/sei-restore"*) echo 'restore: loading sei.sql.gz of set 2026-12-01 into sei__restore' ;;
esac
exit 0
`,
  );
  chmodSync(path, 0o755);
  return path;
}

function calls(log: string): string[] {
  try {
    return readFileSync(log, "utf8").trim().split("\n");
  } catch {
    return [];
  }
}

describe.each(["SIGTERM", "SIGINT"] as const)("restore stopped by %s while its Job runs", (signal) => {
  it("stops the Job, starts the app and the scheduler again, and exits 130", async () => {
    const log = join(work, `${signal}.log`);
    const child = spawn(
      process.execPath,
      ["bin/sei-infra.js", "restore", "tiradentes", "--set", "2026-12-01", "--yes"],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, KUBECTL: standIn(log) },
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    // Mid-way: the writers are down and the restore Job's log is being read.
    while (!calls(log).some((c) => c.includes("logs job/sei-restore") && !c.includes("check"))) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill(signal);
    expect(await exited, output).toBe(130);

    const made = calls(log);
    const stopped = made.findIndex((c) => c.includes("scale deployment") && c.includes("--replicas=0"));
    const checked = made.findIndex((c) => c.includes("logs job/sei-restore-check"));
    expect(checked).toBeGreaterThanOrEqual(0);
    // The read-only check ran before anything stopped.
    expect(stopped).toBeGreaterThan(checked);
    const after = made.slice(
      made.findLastIndex((c) => c.includes("logs job/sei-restore ") || c.endsWith("logs job/sei-restore")) + 1,
    );
    expect(after).toEqual([
      "--namespace sei-tiradentes delete job sei-restore --ignore-not-found --wait=true",
      "--namespace sei-tiradentes scale deployment --selector app.kubernetes.io/instance=sei,app.kubernetes.io/component in (app) --replicas=1",
      "--namespace sei-tiradentes scale deployment --selector app.kubernetes.io/instance=sei,app.kubernetes.io/component in (scheduler) --replicas=1",
    ]);
    expect(output).toContain(
      `sei-infra restore: ${signal}: stopping the restore and starting the app and scheduler again`,
    );
    expect(output).toContain("restore tiradentes: starting the app and the scheduler again");
  });
});

describe("restore from a folder inside the repository", () => {
  it("finds the repository root as validate does: --dry-run runs every read-only check and stops nothing", () => {
    const log = join(work, "subfolder.log");
    const run = spawnSync(
      process.execPath,
      [join(REPO_ROOT, "bin/sei-infra.js"), "restore", "tiradentes", "--set", "2026-12-01", "--dry-run"],
      { cwd: join(REPO_ROOT, "docs"), env: { ...process.env, KUBECTL: standIn(log) }, encoding: "utf8" },
    );
    expect([run.status, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toContain("Restore of Tiradentes (tiradentes, phase production)");
    expect(run.stdout).toContain("restore tiradentes: dry run: every check passed; nothing was stopped or changed");
    expect(calls(log).filter((c) => c.includes("scale"))).toEqual([]);
  });

  it("an unknown name gets the closest municipality as a suggestion", () => {
    const run = spawnSync(
      process.execPath,
      [join(REPO_ROOT, "bin/sei-infra.js"), "restore", "tiradente", "--set", "2026-12-01", "--yes"],
      { cwd: join(REPO_ROOT, "municipalities"), encoding: "utf8" },
    );
    expect([run.status, run.stderr]).toEqual([
      2,
      'sei-infra restore: "tiradente": no municipality of that name in municipalities/; did you mean "tiradentes"?\n',
    ]);
  });
});

describe("the kubectl wrapper", () => {
  const cluster = { name: "c", kubeconfigPath: "/nonexistent", context: "c" };
  const exitsAt = (code: number) => {
    const path = join(work, `kubectl-exit-${code}`);
    writeFileSync(path, `#!/bin/bash\necho "gone before reading" >&2\nexit ${code}\n`);
    chmodSync(path, 0o755);
    return kubectlFor(cluster, { KUBECTL: path });
  };
  // 4 MiB: far more than a pipe holds, so writing it to a kubectl that has exited is an EPIPE.
  const big = "x".repeat(4 * 1024 * 1024);

  it("takes a kubectl that exits without reading its input (EPIPE) by its exit code, with no stream error", async () => {
    await expect(exitsAt(0)(["apply", "-f", "-"], big)).resolves.toBe("");
    await expect(exitsAt(1)(["apply", "-f", "-"], big)).rejects.toThrow(
      new KubectlError("kubectl apply failed: gone before reading"),
    );
  });

  it("says so when kubectl cannot start", async () => {
    await expect(kubectlFor(cluster, { KUBECTL: join(work, "no-such-kubectl") })(["get", "pods"])).rejects.toThrow(
      /kubectl could not start: spawn .* ENOENT/,
    );
  });
});
