/**
 * GeneratedSecret: a Kubernetes Secret whose every value is a password the
 * random provider generates at deploy time. The values live only in the
 * Terraform state and the Secret; the synthesized configuration holds
 * `${random_password.<id>.result}` references, never a value.
 */
import { Construct, Password, SecretV1 } from "../runtime/cdktf.ts";

export interface GeneratedSecretProps {
  /** Namespace of the Secret. */
  readonly namespace: string;
  /** Name of the Secret. */
  readonly name: string;
  /**
   * Construct id of each password → Secret key it fills. The ids are a
   * contract: changing one replaces that password.
   */
  readonly keys: Readonly<Record<string, string>>;
  /**
   * Refuse to delete or replace the Secret and its passwords: for database
   * credentials, a new password would lock the application out of its data.
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * Letters and digits only (62^32, about 190 bits): safe unquoted in SQL, shell,
 * URLs and PHP configuration.
 */
const PASSWORD = { length: 32, special: false } as const;

export class GeneratedSecret extends Construct {
  public readonly resource: SecretV1;

  constructor(scope: Construct, id: string, props: GeneratedSecretProps) {
    super(scope, id);
    const lifecycle = props.preventDestroy ? { lifecycle: { preventDestroy: true } } : {};
    const data: Record<string, string> = {};
    for (const [passwordId, key] of Object.entries(props.keys)) {
      data[key] = new Password(this, passwordId, { ...PASSWORD, ...lifecycle }).result;
    }
    this.resource = new SecretV1(this, "Resource", {
      metadata: { name: props.name, namespace: props.namespace },
      type: "Opaque",
      data,
      ...lifecycle,
    });
  }

  /** The Secret name, as a reference that orders dependents after the Secret. */
  public get secretName(): string {
    return this.resource.metadata.name;
  }
}
