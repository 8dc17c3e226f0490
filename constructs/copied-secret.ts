/**
 * CopiedSecret: a Secret PRODEMGE keeps in a namespace of its own (the
 * directory's bind account, platform.yaml directory.bindSecret; the SMTP
 * password, mail.authentication.passwordSecret), copied into the instance's
 * namespace, where its pods read it. A pod cannot read a Secret of another
 * namespace; the copy keeps the value out of git and of cdktf.out (the
 * synthesized configuration holds only references), and in the state, which
 * OpenTofu encrypts.
 *
 * The plan fails, before anything is created, when the Secret is missing or
 * lacks a key.
 */
import { Construct, DataKubernetesSecretV1, SecretV1 } from "../runtime/cdktf.ts";

export interface CopiedSecretProps {
  /** The instance's namespace, and the copy's name there. */
  readonly namespace: string;
  readonly name: string;
  /** PRODEMGE's Secret. */
  readonly source: { readonly namespace: string; readonly name: string };
  /** The keys copied; each must be in the source. */
  readonly keys: readonly string[];
  /** For the message of a missing Secret or key: where the source is named, and what it holds. */
  readonly namedBy: string;
  readonly holds: string;
}

export class CopiedSecret extends Construct {
  public readonly resource: SecretV1;

  constructor(scope: Construct, id: string, { namespace, name, source, keys, namedBy, holds }: CopiedSecretProps) {
    super(scope, id);
    const original = new DataKubernetesSecretV1(this, "Source", {
      metadata: { name: source.name, namespace: source.namespace },
    });
    const data = Object.fromEntries(keys.map((key) => [key, original.data.lookup(key)]));
    const present = keys.map((key) => `contains(keys(${original.fqn}.data), "${key}")`).join(" && ");
    this.resource = new SecretV1(this, "Resource", {
      metadata: { name, namespace },
      type: "Opaque",
      data,
      lifecycle: {
        // Every Secret of an instance is protected (the fleet refuses a plan that deletes one).
        preventDestroy: true,
        precondition: [
          {
            condition: `\${${present}}`,
            errorMessage: `Secret ${source.namespace}/${source.name} (${namedBy}) must exist with the ${keys.length === 1 ? "key" : "keys"} ${keys.join(" and ")}: ${holds}.`,
          },
        ],
      },
    });
  }
}
