/**
 * OpenTofu's state and plan encryption for one municipality's stack
 * (docs/architecture.md, "Security": the state holds every password of the instance).
 *
 *   terraform.encryption   a pbkdf2 key provider per key name, its passphrase
 *                          from a sensitive variable (TF_VAR_<name>, so it is
 *                          never in git or cdktf.out), PBKDF2-HMAC-SHA512 at
 *                          KEY_DERIVATION's iterations; AES-GCM; state and plan
 *                          files both `enforced` (OpenTofu refuses to write
 *                          either unencrypted); while rotating, the previous
 *                          key as the state's `fallback`; while turning
 *                          encryption on over states in clear, the
 *                          `unencrypted` method (the state unenforced then)
 *   variable.<name>        the passphrase variables, sensitive, no default
 *
 * Written only when platform.yaml has stateEncryption: Terraform refuses the
 * `encryption` block, so such a stack is OpenTofu's (the fleet checks its
 * engine before it runs; docs/synth.md "State encryption" says how cdktf is
 * told). In the JSON syntax a reference to a key provider or a method is a
 * plain "key_provider.pbkdf2.<name>" string: OpenTofu reads these statically,
 * before any expression is evaluated; only the passphrase is an expression.
 */
import { TerraformElement, type Construct } from "../runtime/cdktf.ts";
import type { StateEncryptionPlan } from "../core/plan.ts";
import { UNENCRYPTED } from "../core/schema/platform.ts";

/**
 * The pbkdf2 key provider's work factor, written out rather than left to
 * OpenTofu's default. OpenTofu 1.12 defaults to 600,000 iterations of
 * HMAC-SHA512: OWASP's figure for HMAC-SHA256 applied to SHA-512. OWASP's
 * Password Storage Cheat Sheet gives 210,000 for HMAC-SHA512, which is what
 * this is: a deliberate, documented choice, about a third of the default's
 * guessing cost, still above OpenTofu's floor of 200,000 (docs/synth.md,
 * "State encryption"). Why: OpenTofu derives the key on every state read and
 * write, each engine call of every stack (OpenTofu 1.12.6: 1.1–1.7 s of CPU
 * an engine call at 600,000, 0.4–0.6 s at 210,000). Each state
 * records the iterations it was written with, so states written under the
 * default are still read, and written back at these.
 */
export const KEY_DERIVATION = { hash_function: "sha512", iterations: 210_000 } as const;

export class StateEncryption extends TerraformElement {
  constructor(
    scope: Construct,
    private readonly plan: StateEncryptionPlan,
  ) {
    super(scope, "state-encryption");
  }

  public override toTerraform(): Record<string, unknown> {
    return encryptionConfiguration(this.plan);
  }

  public override toHclTerraform(): Record<string, unknown> {
    return encryptionConfiguration(this.plan);
  }
}

/** The `terraform.encryption` block and the passphrase variables, as Terraform JSON. */
export function encryptionConfiguration(plan: StateEncryptionPlan): Record<string, unknown> {
  const previous = plan.previous;
  const keys = [
    { keyName: plan.keyName, passphraseVariable: plan.passphraseVariable },
    ...(previous?.kind === "key" ? [previous] : []),
  ];
  const methods: Record<string, Record<string, object>> = {
    aes_gcm: Object.fromEntries(keys.map((k) => [k.keyName, { keys: `key_provider.pbkdf2.${k.keyName}` }])),
  };
  // States written in clear are read once through the `unencrypted` method, which OpenTofu allows
  // only when the state is not `enforced`: for the time of that migration, never otherwise.
  if (previous?.kind === "unencrypted") methods.unencrypted = { [UNENCRYPTED]: {} };
  const current = { method: `method.aes_gcm.${plan.keyName}`, enforced: true };
  const fallback =
    previous === null
      ? null
      : previous.kind === "key"
        ? `method.aes_gcm.${previous.keyName}`
        : `method.unencrypted.${UNENCRYPTED}`;
  return {
    terraform: {
      encryption: {
        key_provider: {
          pbkdf2: Object.fromEntries(
            keys.map((k) => [k.keyName, { passphrase: `\${var.${k.passphraseVariable}}`, ...KEY_DERIVATION }]),
          ),
        },
        method: methods,
        // A state written under the previous key (or in clear) is read with it and written back under the new one.
        state: fallback ? { ...current, enforced: previous?.kind === "key", fallback: { method: fallback } } : current,
        plan: current,
      },
    },
    variable: Object.fromEntries(
      keys.map((k, i) => [
        k.passphraseVariable,
        {
          type: "string",
          sensitive: true,
          nullable: false,
          description: `${i === 0 ? "Passphrase" : "Previous passphrase (while rotating)"} of the state encryption key ${k.keyName}: set TF_VAR_${k.passphraseVariable}, at least 16 characters`,
        },
      ]),
    ),
  };
}
