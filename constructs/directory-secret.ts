/**
 * DirectorySecret: the bind account of the cluster's directory (platform.yaml
 * directory.bindSecret, kept by PRODEMGE in a namespace of its own), copied
 * into the instance's namespace, where the first-install Job reads it. A pod
 * cannot read a Secret of another namespace; the copy keeps the account out of
 * git and of cdktf.out (the synthesized configuration holds only references),
 * and in the state, which OpenTofu encrypts.
 *
 * The plan fails, before anything is created, when the Secret is missing or
 * lacks a key.
 */
import { SECRET_KEYS } from "../core/naming.ts";
import type { DirectoryPlan } from "../core/plan.ts";
import { Construct, DataKubernetesSecretV1, SecretV1 } from "../runtime/cdktf.ts";

export interface DirectorySecretProps {
  readonly namespace: string;
  /** Name of the copy. */
  readonly name: string;
  readonly directory: DirectoryPlan;
}

export class DirectorySecret extends Construct {
  public readonly resource: SecretV1;

  constructor(scope: Construct, id: string, { namespace, name, directory }: DirectorySecretProps) {
    super(scope, id);
    const { namespace: sourceNamespace, name: sourceName } = directory.bindSecretSource;
    const source = new DataKubernetesSecretV1(this, "Source", {
      metadata: { name: sourceName, namespace: sourceNamespace },
    });
    const keys = Object.values(SECRET_KEYS.directory);
    const data = Object.fromEntries(keys.map((key) => [key, source.data.lookup(key)]));
    const present = keys.map((key) => `contains(keys(${source.fqn}.data), "${key}")`).join(" && ");
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
            errorMessage: `Secret ${sourceNamespace}/${sourceName} (platform.yaml directory.bindSecret) must exist with the keys ${keys.join(" and ")}: the directory's bind account the first install registers in SIP.`,
          },
        ],
      },
    });
  }
}
