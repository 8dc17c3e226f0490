/**
 * State encryption with the real OpenTofu of the tools cache (whatever engine
 * the rest of the suite runs): a municipality deployed into the local cluster
 * by `cdktf deploy` and `sei-infra fleet`, with its state in a local file.
 *
 * - The first deploy is the code of the revision before the application keys
 *   left Database (constructs/application-keys.ts): today's code then finds
 *   them at their former addresses, and its `moved` blocks rename them in the
 *   state; nothing is created, changed or destroyed, and the keys stay.
 * - Turning encryption on over a state written in clear (previousKeyName:
 *   unencrypted) rewrites it encrypted with `fleet apply`.
 * - The state file at rest holds none of the instance's passwords, keys or the
 *   passphrase, and no resource address either; OpenTofu, given the
 *   passphrase, reads every password back from it (so the scan means something).
 * - A saved plan file holds none of them either (unencrypted, it would carry
 *   the passphrase variable and the state).
 * - The wrong passphrase reads nothing.
 * - A key rotation (a new keyName, the old one as previousKeyName) rewrites the
 *   state under the new key with `fleet apply`, after which the old
 *   passphrase no longer opens it.
 */
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { USER_NAME_KEYS } from "../../core/naming.ts";
import { addCommandLine } from "../../scripts/lib/e2e-workspace.ts";
import { checkoutOf, revisionBefore } from "../../scripts/lib/revision-checkout.ts";
import { createWorkspace, kubectl, requireEnv, run, stackDir, storageClassManifests } from "./support.ts";

// A formalized example no other end-to-end test deploys: medio, in training.
const NAME = "ouro-preto";
const STACK = `sei-${NAME}`;
const passphrase = () => randomBytes(24).toString("base64url");
const FIRST = passphrase();
const SECOND = passphrase();

let workspace: string;
let stateFile: string;

/** The workspace's engine environment: OpenTofu, the passphrase(s), and nothing else of the suite's engine choice. */
function tofuEnv(current: string, previous?: string): NodeJS.ProcessEnv {
  return {
    TERRAFORM_BINARY_NAME: requireEnv("SEI_E2E_TOFU"),
    TF_VAR_sei_state_passphrase: current,
    ...(previous ? { TF_VAR_sei_state_passphrase_previous: previous } : {}),
    CI: "1",
  };
}

/** Edits the workspace's platform.yaml as an engineer would. */
function setPlatform(path: readonly string[], value: unknown): void {
  const file = join(workspace, "platform.yaml");
  const doc = parseDocument(readFileSync(file, "utf8"));
  doc.setIn(path, value);
  writeFileSync(file, doc.toString());
}

function tofu(args: readonly string[], env: NodeJS.ProcessEnv) {
  return run(requireEnv("SEI_E2E_TOFU"), args, { cwd: stackDir(workspace, NAME), env });
}

function fleet(args: readonly string[], env: NodeJS.ProcessEnv) {
  return run(process.execPath, [join(workspace, "bin", "sei-infra.js"), "fleet", ...args, "--only", NAME], {
    cwd: workspace,
    env,
  });
}

/** Every value of the instance's two Secrets, as the cluster holds them. */
async function secretValues(): Promise<string[]> {
  const values: string[] = [];
  for (const name of ["sei-database-credentials", "sei-app-secrets"]) {
    const secret = JSON.parse(await kubectl(["get", "secret", name, "-n", STACK, "-o", "json"])) as {
      data: Record<string, string>;
    };
    // A user name is no secret (and "sei" is in every state's text): the scans below look for secrets only.
    values.push(
      ...Object.entries(secret.data)
        .filter(([key]) => !USER_NAME_KEYS.has(key))
        .map(([, v]) => Buffer.from(v, "base64").toString()),
    );
  }
  return values;
}

/** What a reader of the bytes could find: each secret in clear or in base64 (as a Secret's data holds it). */
function leaks(text: string, secrets: readonly string[]): string[] {
  return secrets.flatMap((s) => [s, Buffer.from(s).toString("base64")]).filter((s) => text.includes(s));
}

/** Every file of the state folder (the state and any backup OpenTofu left beside it), as one text. */
function stateFolder(): string {
  const dir = join(workspace, "terraform-state");
  return readdirSync(dir)
    .map((name) => readFileSync(join(dir, name), "latin1"))
    .join("\n");
}

/** The workspace with the code and data of `from` (a revision's tree; this checkout's by default), state in a local file. */
function makeWorkspace(from?: string): void {
  workspace = createWorkspace([NAME], ["e2e"], {
    ...(workspace ? { into: workspace } : {}),
    ...(from ? { from } : {}),
  });
  // The state in a file of the workspace, so that its bytes at rest can be read.
  setPlatform(["spec", "stateBackend"], { type: "local", directory: "terraform-state" });
}

/** The application keys' addresses in the state file (in clear), former (Database's) or current. */
function keyAddresses(): { former: string[]; current: string[] } {
  const { resources } = JSON.parse(readFileSync(stateFile, "utf8")) as {
    resources: { mode: string; type: string; name: string }[];
  };
  // Managed resources only: the plan's read of the live Secret (a data source) is no key.
  const addresses = resources.filter((r) => r.mode === "managed").map((r) => `${r.type}.${r.name}`);
  return {
    former: addresses.filter((a) => /^(random_password|kubernetes_secret_v1)\.Database_AppSecrets_/.test(a)),
    current: addresses.filter((a) => /^(random_password|kubernetes_secret_v1)\.ApplicationKeys_/.test(a)),
  };
}

describe("state encryption with OpenTofu", () => {
  let previousSecrets: string[] = [];

  beforeAll(async () => {
    await kubectl(["apply", "-f", "-"], storageClassManifests().join("\n---\n"));
    // Deployed first with the code of the revision before the application keys moved: their former addresses.
    const previous = checkoutOf(revisionBefore("constructs/application-keys.ts"));
    try {
      makeWorkspace(previous.tree);
      stateFile = join(workspace, "terraform-state", `${STACK}.tfstate`);
      const deploy = await run(
        "npx",
        ["cdktf", "deploy", STACK, "--auto-approve", "--skip-provider-lock", "--no-color"],
        {
          cwd: workspace,
          env: { TERRAFORM_BINARY_NAME: requireEnv("SEI_E2E_TOFU"), SEI_ONLY: NAME, CI: "1" },
        },
      );
      expect(deploy.code, deploy.output).toBe(0);
      expect(keyAddresses().former).toHaveLength(4);
      expect(keyAddresses().current).toEqual([]);
      previousSecrets = await secretValues();
    } finally {
      previous.remove();
    }
    // Today's code over the same state, written in clear, as every state was before stateEncryption.
    const state = join(mkdtempSync(join(tmpdir(), "sei-e2e-state-")), "terraform-state");
    cpSync(join(workspace, "terraform-state"), state, { recursive: true });
    makeWorkspace();
    cpSync(state, join(workspace, "terraform-state"), { recursive: true });
    addCommandLine(workspace);
  });

  afterAll(() => {
    if (process.env.SEI_E2E_KEEP !== "1") rmSync(workspace, { recursive: true, force: true });
  });

  it("moves the application keys of a stack deployed before they left Database: nothing is created or destroyed", async () => {
    // Plans and applies today's code over the former addresses: the moves only.
    const moved = await fleet(["apply", "--yes", "--waves", "rest"], {
      TERRAFORM_BINARY_NAME: requireEnv("SEI_E2E_TOFU"),
      CI: "1",
    });
    expect(moved.code, moved.output).toBe(0);
    // Updated in place, never created or destroyed: the moves, and what came after that revision (the app
    // Secret's Solr user name, the release).
    expect(moved.output).toMatch(/sei-ouro-preto\s+applied\s+\+0 ~\d+ -0/);
    const keys = keyAddresses();
    expect(keys.former).toEqual([]);
    expect(keys.current).toHaveLength(4);
    expect(await secretValues()).toEqual(previousSecrets);
  });

  it("turns encryption on over a state written in clear: fleet apply writes it encrypted", async () => {
    const secrets = await secretValues();
    expect(secrets).toHaveLength(7);
    // In clear, the state holds every one of them: what the scans below look for can be found.
    expect(leaks(readFileSync(stateFile, "utf8"), secrets).length).toBeGreaterThanOrEqual(secrets.length);

    setPlatform(["spec", "stateEncryption"], { keyName: "sei_2026", previousKeyName: "unencrypted" });
    const turnedOn = await fleet(["apply", "--yes", "--waves", "rest"], tofuEnv(FIRST));
    expect(turnedOn.code, turnedOn.output).toBe(0);
    expect(turnedOn.output).toMatch(/sei-ouro-preto\s+applied\s+\+0 ~0 -0/);
    setPlatform(["spec", "stateEncryption"], { keyName: "sei_2026" });
  });

  it("keeps the state at rest free of any password, key, passphrase or address; OpenTofu reads them all back", async () => {
    // cdktf deploys an encrypted stack too, given OpenTofu and the passphrase.
    const deploy = await run(
      "npx",
      ["cdktf", "deploy", STACK, "--auto-approve", "--skip-provider-lock", "--no-color"],
      {
        cwd: workspace,
        env: { ...tofuEnv(FIRST), SEI_ONLY: NAME },
      },
    );
    expect(deploy.code, deploy.output).toBe(0);

    const secrets = await secretValues();
    const atRest = readFileSync(stateFile, "utf8");
    expect(JSON.parse(atRest)).toMatchObject({
      meta: { "key_provider.pbkdf2.sei_2026": expect.any(String) },
      encrypted_data: expect.any(String),
    });
    expect(leaks(stateFolder(), [...secrets, FIRST])).toEqual([]);
    expect(stateFolder()).not.toContain("random_password");

    const pulled = await tofu(["state", "pull"], tofuEnv(FIRST));
    expect(pulled.code, pulled.output).toBe(0);
    expect(leaks(pulled.output, secrets).length).toBeGreaterThanOrEqual(secrets.length);
  });

  it("encrypts a saved plan file too, and reads nothing with the wrong passphrase", async () => {
    const secrets = await secretValues();
    const plan = await tofu(["plan", "-input=false", "-no-color", "-out=saved.tfplan"], tofuEnv(FIRST));
    expect(plan.code, plan.output).toBe(0);
    const saved = readFileSync(join(stackDir(workspace, NAME), "saved.tfplan"), "latin1");
    expect(leaks(saved, [...secrets, FIRST])).toEqual([]);
    expect(saved).not.toContain("random_password");

    const wrong = await tofu(["plan", "-input=false", "-no-color"], tofuEnv(passphrase()));
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toMatch(/decryption failed/);
  });

  it("plans with sei-infra fleet: the engine reads the encrypted state and plan, nothing to do", async () => {
    const result = await fleet(["plan"], tofuEnv(FIRST));
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/sei-ouro-preto\s+no-changes/);
  });

  it("rotates the key: fleet apply writes the state again under the new key; the old passphrase opens it no more", async () => {
    const secrets = await secretValues();
    setPlatform(["spec", "stateEncryption"], { keyName: "sei_2027", previousKeyName: "sei_2026" });
    const rotated = await fleet(["apply", "--yes", "--waves", "rest"], tofuEnv(SECOND, FIRST));
    expect(rotated.code, rotated.output).toBe(0);
    expect(rotated.output).toMatch(/sei-ouro-preto\s+applied\s+\+0 ~0 -0/);
    const atRest = readFileSync(stateFile, "utf8");
    expect(Object.keys(JSON.parse(atRest).meta)).toEqual(["key_provider.pbkdf2.sei_2027"]);
    expect(leaks(stateFolder(), [...secrets, FIRST, SECOND])).toEqual([]);

    // The rotation is over: only the new key in platform.yaml.
    setPlatform(["spec", "stateEncryption"], { keyName: "sei_2027" });
    const after = await fleet(["plan"], tofuEnv(SECOND));
    expect(after.code, after.output).toBe(0);
    expect(after.output).toMatch(/sei-ouro-preto\s+no-changes/);
    const old = await fleet(["plan"], tofuEnv(FIRST));
    expect(old.code).toBe(1);
    expect(old.output).toMatch(/sei-ouro-preto\s+failed/);
    // The secrets themselves never changed.
    expect(await secretValues()).toEqual(secrets);
    // Nothing of a run stays in the workspace but reports and logs: no plan file.
    expect(
      readdirSync(join(workspace, ".sei-fleet", "data", "opentofu", STACK)).filter((f) => f.endsWith(".tfplan")),
    ).toEqual([]);
  });
});
