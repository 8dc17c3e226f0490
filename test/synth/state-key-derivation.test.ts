/**
 * The state key's work factor (stacks/terraform-encryption.ts KEY_DERIVATION)
 * with the real OpenTofu: a state written under OpenTofu's default (600,000
 * iterations, as every stack was before the work factor was written out) is
 * read with the stacks' configuration and written back at its iterations;
 * the wrong passphrase still reads nothing. Only the built-in terraform_data
 * resource: no provider is needed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KEY_DERIVATION, encryptionConfiguration } from "../../stacks/terraform-encryption.ts";
import { requireTools, toolchainEngine } from "../support/tools.ts";

const { tofu } = toolchainEngine();
const PASSPHRASE = "correct horse battery staple";
const KEY = { keyName: "sei_2026", passphraseVariable: "sei_state_passphrase", previous: null } as const;
const folder = mkdtempSync(join(tmpdir(), "sei-key-derivation-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The stack's encryption block with one terraform_data resource; `defaults` drops the written-out work factor. */
function configure(input: string, defaults: boolean): void {
  const config = encryptionConfiguration(KEY) as {
    terraform: { encryption: { key_provider: { pbkdf2: Record<string, Record<string, unknown>> } } };
  };
  if (defaults)
    config.terraform.encryption.key_provider.pbkdf2 = { sei_2026: { passphrase: "${var.sei_state_passphrase}" } };
  writeFileSync(
    join(folder, "main.tf.json"),
    JSON.stringify({ ...config, resource: { terraform_data: { setting: { input } } } }),
  );
}

function run(args: string[], passphrase = PASSPHRASE) {
  return spawnSync(tofu!, args, {
    cwd: folder,
    encoding: "utf8",
    env: { ...process.env, TF_VAR_sei_state_passphrase: passphrase, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
  });
}

/** The iterations the state at rest records for its key (OpenTofu's key provider metadata). */
function iterationsAtRest(): number {
  const state = JSON.parse(readFileSync(join(folder, "terraform.tfstate"), "utf8")) as { meta: Record<string, string> };
  const meta = JSON.parse(Buffer.from(state.meta["key_provider.pbkdf2.sei_2026"]!, "base64").toString("utf8")) as {
    iterations: number;
    hash_function: string;
  };
  expect(meta.hash_function).toBe("sha512");
  return meta.iterations;
}

describe("the state key's work factor", () => {
  it("reads a state written under OpenTofu's default and writes it back at the stacks' iterations", (ctx) => {
    requireTools(ctx, tofu ? [] : ["OpenTofu"], { builtByCi: true, why: "the key provider is OpenTofu's" });
    configure("before", true);
    for (const args of [
      ["init", "-input=false", "-no-color"],
      ["apply", "-auto-approve", "-input=false", "-no-color"],
    ]) {
      const result = run(args);
      expect(result.status, result.stderr).toBe(0);
    }
    expect(iterationsAtRest()).toBe(600_000);

    configure("after", false);
    const applied = run(["apply", "-auto-approve", "-input=false", "-no-color"]);
    expect(applied.status, applied.stderr).toBe(0);
    expect(iterationsAtRest()).toBe(KEY_DERIVATION.iterations);
    const shown = run(["state", "show", "-no-color", "terraform_data.setting"]);
    expect(shown.stdout).toContain('"after"');

    const wrong = run(["state", "pull"], "not the passphrase at all");
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout).not.toContain("after");
  });
});
