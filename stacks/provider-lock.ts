/**
 * The one provider lock file of the project (`providers.lock.hcl`, checked in
 * at the repository root): the h1 hash of every provider package the stacks
 * may install, under both engines' addresses (OpenTofu reads `hashicorp/x` as
 * registry.opentofu.org/hashicorp/x, Terraform as registry.terraform.io/…).
 *
 * Synthesis copies it into every stack folder as `.terraform.lock.hcl`, where
 * `init` reads it, so whoever runs the stack (`sei-infra fleet`, `cdktf
 * deploy`, a person with `tofu`) installs only a provider whose hash it names:
 * a package that differs is refused. It is read once per synthesis and a
 * missing file stops the synthesis: a stack without it would trust whatever
 * the mirror holds. scripts/providers-lock.ts regenerates it from a mirror
 * (docs/synth.md, "Provider lock file").
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The checked-in lock file, relative to the repository root. */
export const PROVIDER_LOCK_FILE = "providers.lock.hcl";
/** The name the engines read in a stack folder. */
export const STACK_LOCK_FILE = ".terraform.lock.hcl";

export function readProviderLock(root: string): string {
  const path = join(root, PROVIDER_LOCK_FILE);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(
      `cannot read the provider lock file ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}): every stack's init checks provider hashes against it; regenerate it with scripts/providers-lock.ts`,
      { cause: error },
    );
  }
}
