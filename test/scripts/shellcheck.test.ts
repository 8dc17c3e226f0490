/**
 * Every shell script of the repository passes `shellcheck -x`: each `*.sh`
 * git knows or would add (tracked, or new and not ignored), and each file
 * without the extension that starts with a shell's #!. The list is read, not
 * written down, so a new script cannot escape; sourced files are followed
 * relative to the script that sources them (.shellcheckrc).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";

function repositoryFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  })
    .split("\0")
    .filter((file) => file !== "");
}

const SHELL_LINE = /^#!(\/bin\/(ba)?sh|\/usr\/bin\/env (ba)?sh)\b/;

function shellScripts(): string[] {
  return repositoryFiles()
    .filter((file) => {
      if (file.endsWith(".sh")) return true;
      if (/\.\w+$/.test(file) || file.startsWith("node_modules/")) return false;
      try {
        return SHELL_LINE.test(readFileSync(join(REPO_ROOT, file), "utf8").slice(0, 40));
      } catch {
        return false; // removed from the work tree, not yet from the index
      }
    })
    .sort();
}

function shellcheck(files: readonly string[]): string {
  const run = spawnSync("shellcheck", ["-x", "--format=gcc", ...files], { cwd: REPO_ROOT, encoding: "utf8" });
  if (run.error) throw run.error;
  return run.stdout + run.stderr;
}

describe("shell scripts", () => {
  const scripts = shellScripts();

  it("are found wherever they are", () => {
    expect(scripts).toEqual(
      expect.arrayContaining([
        ".ci/run",
        "charts/sei/files/bootstrap/bootstrap.sh",
        "images/database/offsite/store.sh",
        "scripts/e2e/toolchain.sh",
        "scripts/tools/lib.sh",
      ]),
    );
    expect(scripts.length).toBeGreaterThan(35);
  });

  it("pass shellcheck -x, every one", { timeout: 120_000 }, () => expect(shellcheck(scripts)).toBe(""));

  it("shellcheck does read them: a broken script is reported", () => {
    const broken = join(mkdtempSync(join(tmpdir(), "sei-shellcheck-")), "broken.sh");
    writeFileSync(broken, "#!/bin/bash\nrm -rf $1/data\n");
    expect(shellcheck([broken])).toMatch(/SC2086/);
  });
});
