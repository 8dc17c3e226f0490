/**
 * One provider lock file (providers.lock.hcl) for every stack: synthesis puts
 * it in each stack folder, it names every provider a stack requires at the
 * pinned version under both engines' addresses, and the engines refuse a
 * provider package whose hash it does not name.
 *
 * The engine tests need OpenTofu (and Terraform, where it is on PATH) and the
 * toolchain's provider mirror (scripts/e2e/toolchain.sh); CI builds both.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackInputs } from "../../stacks/fleet-app.ts";
import { PROVIDER_LOCK_FILE, STACK_LOCK_FILE } from "../../stacks/provider-lock.ts";
import { synthesizeFleet } from "../../stacks/synthesize.ts";
import { examplePlan } from "../../scripts/lib/example-plan.ts";
import {
  REGISTRY_HOSTS,
  generateLock,
  lockedProviders,
  requiredProviders,
} from "../../scripts/lib/write-provider-lock.ts";
import { requireTools, toolchainEngine } from "../support/tools.ts";
import { REPO_ROOT, cleanScratch, scratchDir } from "./support.ts";

afterAll(cleanScratch);

const checkedIn = readFileSync(join(REPO_ROOT, PROVIDER_LOCK_FILE), "utf8");

describe("the provider lock file", () => {
  it("is in every synthesized stack folder, as the engines name it", async () => {
    const plans = (["production", "decommissioned"] as const).map((phase) =>
      examplePlan({ tier: "pequeno-i", phase, name: `m-${phase}` }),
    );
    const outdir = scratchDir();
    await synthesizeFleet(plans, { root: REPO_ROOT, outdir, workers: 1 });
    for (const plan of plans)
      expect(readFileSync(join(outdir, "stacks", plan.stackName, STACK_LOCK_FILE), "utf8")).toBe(checkedIn);
  });

  it("locks every provider a stack requires, at its pinned version, for both engines", () => {
    const locked = lockedProviders(checkedIn);
    const wanted = requiredProviders().flatMap((p) =>
      REGISTRY_HOSTS.map((host) => ({ address: `${host}/${p.source}`, version: p.version })),
    );
    expect(wanted).toHaveLength(6);
    expect(locked.map(({ address, version }) => ({ address, version })).sort(byAddress)).toEqual(
      wanted.sort(byAddress),
    );
    for (const p of locked) expect(p.hashes.length, p.address).toBeGreaterThan(0);
  });

  it("stops the synthesis when the file is missing, saying how to make it", () => {
    const root = scratchDir();
    expect(() => stackInputs(root, join(root, "cdktf.out"), [])).toThrow(
      /cannot read the provider lock file .*providers\.lock\.hcl \(ENOENT\).*scripts\/providers-lock\.ts/,
    );
  });
});

const byAddress = (a: { address: string }, b: { address: string }) => a.address.localeCompare(b.address);

// ---------------------------------------------------------------------------------------------
// The real engines against the toolchain's mirror

const { tofu, mirror, missing } = toolchainEngine();
const terraform = spawnSync("terraform", ["version"]).status === 0 ? "terraform" : undefined;
const engines = [tofu, terraform].filter((e): e is string => e !== undefined);

/** A CLI configuration that installs providers only from `dir`. */
function cliConfig(dir: string): string {
  const file = join(dir, "..", `${dir.split("/").pop()}.rc`);
  writeFileSync(
    file,
    `provider_installation {
  filesystem_mirror {
    path    = "${dir}"
    include = ["registry.terraform.io/*/*", "registry.opentofu.org/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*", "registry.opentofu.org/*/*"]
  }
}
`,
  );
  return file;
}

describe("the provider lock file and the engines", () => {
  it("has OpenTofu and the provider mirror (CI builds both)", (ctx) =>
    requireTools(ctx, missing, { builtByCi: true, why: "bash scripts/e2e/toolchain.sh builds them" }));
});

describe.skipIf(missing.length > 0)("the provider lock file and the engines", () => {
  let scratch = "";
  let stack = "";
  let normal = "";
  let tampered = "";

  /** A copy of the mirror: hard links, no space. */
  function mirrorCopy(name: string): string {
    const copy = join(scratch, name);
    execFileSync("cp", ["-al", mirror!, copy]);
    return copy;
  }

  /** Swaps the random provider of a mirror copy for one that differs by a byte, as a replaced binary would. */
  function swapRandom(copy: string): void {
    for (const host of REGISTRY_HOSTS) {
      const binary = join(copy, host, "hashicorp/random/3.7.2/linux_amd64/terraform-provider-random_v3.7.2");
      const bytes = readFileSync(binary);
      rmSync(binary);
      writeFileSync(binary, bytes, { mode: 0o755 });
      appendFileSync(binary, "\0");
    }
  }

  beforeAll(async () => {
    scratch = scratchDir("sei-provider-lock-");
    // Without state encryption, which Terraform refuses (test/synth/terraform-validate.test.ts).
    const plan = { ...examplePlan({ tier: "pequeno-i", name: "lock" }), stateEncryption: null };
    await synthesizeFleet([plan], { root: REPO_ROOT, outdir: join(scratch, "out"), workers: 1 });
    stack = join(scratch, "out", "stacks", plan.stackName);
    normal = cliConfig(mirror!);
    const copy = mirrorCopy("mirror");
    swapRandom(copy);
    tampered = cliConfig(copy);
  });

  const dataDirOf = (engine: string, config: string) =>
    join(stack, "..", `.data-${engine.split("/").pop()}-${config.split("/").pop()}`);

  function init(engine: string, config: string) {
    const dataDir = dataDirOf(engine, config);
    rmSync(dataDir, { recursive: true, force: true });
    // A fresh copy of the lock for each run: init rewrites the stack's copy for its own engine.
    writeFileSync(join(stack, STACK_LOCK_FILE), checkedIn);
    const result = spawnSync(engine, ["init", "-backend=false", "-input=false", "-no-color"], {
      cwd: stack,
      encoding: "utf8",
      env: { ...process.env, TF_CLI_CONFIG_FILE: config, TF_DATA_DIR: dataDir, CHECKPOINT_DISABLE: "1" },
    });
    return { status: result.status, output: result.stdout + result.stderr };
  }

  it.each(engines)("%s installs the providers the toolchain built", (engine) => {
    const result = init(engine, normal);
    expect(result.output).not.toMatch(/Error/);
    expect(result.status).toBe(0);
  });

  it.each(engines)("%s refuses a provider whose hash the lock file does not name", (engine) => {
    const result = init(engine, tampered);
    expect(result.status).toBe(1);
    // The engines wrap the message at any space.
    expect(result.output.replace(/\s+/g, " ")).toContain(
      "hashicorp/random 3.7.2 doesn't match any of the checksums previously recorded in the dependency lock file",
    );
  });

  it("refuses a provider swapped in the mirror after init when the engine starts it (fleet keeps its data folders)", () => {
    const copy = mirrorCopy("mirror-swapped-later");
    const config = cliConfig(copy);
    expect(init(tofu!, config).status).toBe(0);
    swapRandom(copy);
    const validate = spawnSync(tofu!, ["validate", "-no-color"], {
      cwd: stack,
      encoding: "utf8",
      env: { ...process.env, TF_CLI_CONFIG_FILE: config, TF_DATA_DIR: dataDirOf(tofu!, config) },
    });
    expect(validate.status).toBe(1);
    expect((validate.stdout + validate.stderr).replace(/\s+/g, " ")).toMatch(
      /the cached package for registry\.opentofu\.org\/hashicorp\/random 3\.7\.2 \(in \S+\) does not match any of the checksums recorded in the dependency lock file/,
    );
  });

  it("holds exactly the hashes of the toolchain's mirror (scripts/providers-lock.ts --check)", () => {
    const generated = generateLock(requiredProviders(), { engine: tofu!, source: { fsMirror: mirror! } });
    expect(checkedIn.endsWith(generated)).toBe(true);
  });
});
