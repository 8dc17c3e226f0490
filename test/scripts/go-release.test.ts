/**
 * The toolchain's provider builds need the Go release providers.lock.hcl's
 * hashes were made with (scripts/tools/lib.sh sei_require_go_release,
 * scripts/e2e/toolchain.sh PROVIDERS_GO): another release stops the build,
 * saying which and what to do, instead of a hash refusal at some later init.
 * `go` here is a script on PATH that reports a release, as `go env GOVERSION`
 * would: the check is what is tested, not Go.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";

const bin = mkdtempSync(join(tmpdir(), "sei-go-release-"));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function requireRelease(reported: string, env: NodeJS.ProcessEnv = {}) {
  writeFileSync(join(bin, "go"), `#!/bin/sh\n[ "$1 $2" = "env GOVERSION" ] && echo ${reported}\n`);
  chmodSync(join(bin, "go"), 0o755);
  return spawnSync(
    "bash",
    ["-c", `. scripts/tools/lib.sh; sei_require_go_release go1.26.8 "provider hashicorp/random"; echo built`],
    { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}` } },
  );
}

describe("the Go release of the provider builds", () => {
  it("builds with the release the lock file's hashes were made with", () => {
    const run = requireRelease("go1.26.8");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("built\n");
  });

  it("stops on another release, naming both and what to do", () => {
    const run = requireRelease("go1.27.1");
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(
      "provider hashicorp/random must be built with go1.26.8, and go here is go1.27.1: another Go release builds other bytes than the ones pinned",
    );
    expect(run.stderr).toContain("SEI_GO_ANY_RELEASE=1");
  });

  it("builds anyway when asked, with a warning", () => {
    const run = requireRelease("go1.27.1", { SEI_GO_ANY_RELEASE: "1" });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("WARNING: building provider hashicorp/random with go1.27.1, not go1.26.8");
  });

  it("the toolchain checks the release docs/synth.md names before it builds a provider", () => {
    const toolchain = readFileSync(join(REPO_ROOT, "scripts/e2e/toolchain.sh"), "utf8");
    const release = /^PROVIDERS_GO="(go[\d.]+)"$/m.exec(toolchain)?.[1];
    expect(release).toBeDefined();
    expect(toolchain).toMatch(/sei_go_env\n\s+sei_require_go_release "\$PROVIDERS_GO"/);
    expect(readFileSync(join(REPO_ROOT, "docs/synth.md"), "utf8")).toContain(`(${release} here)`);
  });
});
