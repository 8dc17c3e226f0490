/**
 * Fleet commands over encrypted state (platform.yaml stateEncryption): only
 * OpenTofu reads such a stack, and every engine call needs the passphrases in
 * the environment. Checked once, before the synthesis, so that 750 stacks do
 * not each fail the same way after it.
 *
 * While a key is rotated, or encryption is turned on over states in clear
 * (stateEncryption.previousKeyName), `fleet apply` applies even a plan with
 * no changes: applying the saved, empty plan writes the state again, under
 * the new key (checked against OpenTofu 1.12 in
 * test/e2e/state-encryption.test.ts), and changes nothing else.
 */
import type { StateEncryptionPlan } from "../core/plan.ts";
import type { Engine } from "./engine.ts";
import { UsageError } from "../shell/exit.ts";

/** OpenTofu's pbkdf2 key provider refuses a shorter passphrase. */
export const MIN_PASSPHRASE_LENGTH = 16;

/** The environment variables that must hold the passphrases. */
export function passphraseVariables(encryption: StateEncryptionPlan): string[] {
  const previous = encryption.previous?.kind === "key" ? [encryption.previous.passphraseVariable] : [];
  return [encryption.passphraseVariable, ...previous].map((v) => `TF_VAR_${v}`);
}

export function checkStateEncryption(
  encryption: StateEncryptionPlan | null,
  engine: Pick<Engine, "name">,
  env: NodeJS.ProcessEnv,
): void {
  if (!encryption) return;
  if (engine.name !== "opentofu") {
    throw new UsageError(
      "platform.yaml encrypts the state (stateEncryption), which only OpenTofu reads: unset TERRAFORM_BINARY_NAME (OpenTofu is the default engine)",
    );
  }
  for (const name of passphraseVariables(encryption)) {
    const value = env[name] ?? "";
    if (value.length === 0)
      throw new UsageError(
        `${name} is not set: platform.yaml encrypts the state with the passphrase OpenTofu reads from it (docs/synth.md, "State encryption")`,
      );
    if (value.length < MIN_PASSPHRASE_LENGTH)
      throw new UsageError(
        `${name} is ${value.length} characters long: OpenTofu needs a passphrase of at least ${MIN_PASSPHRASE_LENGTH}`,
      );
  }
}

/** True while a key is rotated, or encryption turned on: apply writes every state again, under the new key. */
export function rewritesStates(encryption: StateEncryptionPlan | null): boolean {
  return encryption?.previous != null;
}
