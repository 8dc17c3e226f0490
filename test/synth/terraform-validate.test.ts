/**
 * The engines validate every stack of the example fleet, against the real
 * provider schemas (kubernetes 2.38.0, helm 3.1.1, random 3.7.x):
 *
 * - OpenTofu validates the stacks as synthesized, with platform.yaml's state
 *   encryption (its `encryption` block and passphrase variables);
 * - Terraform validates them without that block and those variables, which is
 *   what a stack is when platform.yaml has no stateEncryption, and refuses
 *   the block: an encrypted stack is OpenTofu's (docs/synth.md).
 *
 * Needs the engines and a provider mirror: each engine runs when it is there
 * (terraform on PATH or TERRAFORM_BINARY_NAME; OpenTofu in the tools cache or
 * on PATH) and TF_CLI_CONFIG_FILE names a CLI configuration that exists, or the
 * end-to-end toolchain's mirror (scripts/e2e/toolchain.sh) is in its cache.
 * Nothing is downloaded. CI builds OpenTofu and the mirror before `npm test`
 * (.ci/run), so there the OpenTofu block fails without them; elsewhere each
 * block skips and its first test says what is missing (test/support/tools.ts).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cachedTofu } from "../../fleet/engine.ts";
import { requireTools } from "../support/tools.ts";
import { examplePlan } from "../../scripts/lib/example-plan.ts";
import { cleanScratch, runApp, scratchDir, synthStack } from "./support.ts";

afterAll(cleanScratch);

const works = (program: string) => spawnSync(program, ["version"], { encoding: "utf8" }).status === 0;
const terraformProgram =
  process.env.TERRAFORM_BINARY_NAME && !process.env.TERRAFORM_BINARY_NAME.includes("tofu")
    ? process.env.TERRAFORM_BINARY_NAME
    : "terraform";
const tofuProgram = [cachedTofu(process.env), "tofu"].find(works);
const cliConfig = [
  process.env.TF_CLI_CONFIG_FILE,
  join(process.env.SEI_TOOLS_CACHE ?? join(homedir(), ".cache", "sei-infra"), "e2e", "terraform.rc"),
].find((file) => file !== undefined && existsSync(file));
const noMirror = cliConfig === undefined ? ["a provider mirror (TF_CLI_CONFIG_FILE or the toolchain's)"] : [];
const missingForTofu = [...(tofuProgram === undefined ? ["OpenTofu"] : []), ...noMirror];
const missingForTerraform = [...(works(terraformProgram) ? [] : [`Terraform (${terraformProgram})`]), ...noMirror];
const hasTofu = missingForTofu.length === 0;
const hasTerraform = missingForTerraform.length === 0;

// Vitest collects a skipped block's tests too: synthesize only when one of them will run.
const outdir = join(scratchDir("sei-validate-"), "cdktf.out");
const synth = hasTofu || hasTerraform ? runApp({ CDKTF_OUTDIR: outdir }) : { status: 1, stderr: "", stdout: "" };
const stacks = synth.status === 0 ? readdirSync(join(outdir, "stacks")) : [];
const env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig!, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };

function validate(program: string, cwd: string) {
  const dataDir = { ...env, TF_DATA_DIR: join(cwd, `.${program.split("/").pop()}`) };
  execFileSync(program, ["init", "-backend=false", "-input=false", "-no-color"], {
    cwd,
    env: dataDir,
    encoding: "utf8",
  });
  const result = spawnSync(program, ["validate", "-no-color"], { cwd, env: dataDir, encoding: "utf8" });
  return result.stdout + result.stderr;
}

describe("OpenTofu validate", () => {
  it("has OpenTofu and the provider mirror (CI builds both)", (ctx) =>
    requireTools(ctx, missingForTofu, { builtByCi: true, why: "bash scripts/e2e/toolchain.sh builds them" }));
});

describe.skipIf(!hasTofu)("OpenTofu validate", () => {
  it("has stacks to validate, every one with state encryption", () => {
    expect(synth.stderr).toBe("");
    expect(stacks.length).toBeGreaterThan(0);
    for (const stack of stacks)
      expect(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")).toContain('"encryption"');
  });

  it.each(stacks)("accepts %s as synthesized", (stack) => {
    expect(validate(tofuProgram!, join(outdir, "stacks", stack))).toContain("The configuration is valid");
  });

  it("accepts a stack whose passwords and administrator's password are rotated (Jobs, guards, previous password)", () => {
    const rotated = synthStack(
      examplePlan({
        tier: "pequeno-i",
        phase: "production",
        rotation: { databasePasswords: 2, administratorPassword: 1 },
      }),
    );
    const dir = scratchDir("sei-validate-rotated-");
    writeFileSync(join(dir, "cdk.tf.json"), rotated.text);
    expect(rotated.text).toContain("sei-administrator-password-1-retire");
    expect(validate(tofuProgram!, dir)).toContain("The configuration is valid");
  });
});

describe("Terraform validate", () => {
  it("has Terraform and the provider mirror", (ctx) =>
    requireTools(ctx, missingForTerraform, {
      builtByCi: false,
      why: "CI builds only OpenTofu, the default engine; the Terraform checks run where terraform is on PATH",
    }));
});

describe.skipIf(!hasTerraform)("Terraform validate", () => {
  /** The stack as it is without stateEncryption in platform.yaml: no encryption block, no passphrase variables. */
  function unencrypted(stack: string): string {
    const json = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as {
      terraform: Record<string, unknown>;
      variable?: unknown;
    };
    delete json.terraform.encryption;
    delete json.variable;
    const dir = join(outdir, "terraform", stack);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
    return dir;
  }

  it.each(stacks)("accepts %s without state encryption", (stack) => {
    expect(validate(terraformProgram, unencrypted(stack))).toContain("The configuration is valid");
  });

  it("refuses a stack with state encryption: such a stack is OpenTofu's", () => {
    const cwd = join(outdir, "stacks", stacks[0]!);
    const init = spawnSync(terraformProgram, ["init", "-backend=false", "-input=false", "-no-color"], {
      cwd,
      env: { ...env, TF_DATA_DIR: join(cwd, ".terraform-refused") },
      encoding: "utf8",
    });
    expect(init.status).not.toBe(0);
    expect(init.stdout + init.stderr).toMatch(/Extraneous JSON object property[\s\S]*"encryption"/);
  });
});
