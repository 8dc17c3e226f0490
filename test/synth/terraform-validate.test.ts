/**
 * `terraform validate` on every stack of the example fleet, against the real
 * provider schemas (kubernetes 2.38.0, helm 3.1.1, random 3.7.x).
 *
 * Needs terraform and a provider mirror, which CI may lack: it runs when
 * TF_CLI_CONFIG_FILE names a CLI configuration that exists, or when the
 * end-to-end toolchain's mirror (scripts/e2e/toolchain.sh) is in its cache;
 * otherwise it is skipped. Nothing is downloaded.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanScratch, runApp, scratchDir } from "./support.ts";

afterAll(cleanScratch);

const terraform = process.env.TERRAFORM_BINARY_NAME ?? "terraform";
const hasTerraform = spawnSync(terraform, ["version"], { encoding: "utf8" }).status === 0;
const cliConfig = [process.env.TF_CLI_CONFIG_FILE, join(process.env.SEI_TOOLS_CACHE ?? join(homedir(), ".cache", "sei-infra"), "e2e", "terraform.rc")].find(
  (file) => file !== undefined && existsSync(file),
);

const enabled = hasTerraform && cliConfig !== undefined;

describe.skipIf(!enabled)(`${terraform} validate`, () => {
  // Vitest collects a skipped block's tests too: synthesize only when they will run.
  const outdir = join(scratchDir("sei-validate-"), "cdktf.out");
  const synth = enabled ? runApp({ CDKTF_OUTDIR: outdir }) : { status: 1, stderr: "", stdout: "" };
  const stacks = synth.status === 0 ? readdirSync(join(outdir, "stacks")) : [];
  const env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig!, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };

  it("has stacks to validate", () => {
    expect(synth.stderr).toBe("");
    expect(stacks.length).toBeGreaterThan(0);
  });

  it.each(stacks)("accepts %s", (stack) => {
    const cwd = join(outdir, "stacks", stack);
    execFileSync(terraform, ["init", "-backend=false", "-input=false", "-no-color"], { cwd, env, encoding: "utf8" });
    const result = spawnSync(terraform, ["validate", "-no-color"], { cwd, env, encoding: "utf8" });
    expect(result.stdout + result.stderr).toContain("The configuration is valid");
  });
});
