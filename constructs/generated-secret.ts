/**
 * GeneratedSecret: a Kubernetes Secret whose every value is a password the
 * random provider generates at deploy time (after a fixed prefix, where a
 * value must have one). The values live only in the Terraform state and the
 * Secret; the synthesized configuration holds `${random_password.<id>.result}`
 * references, never a value.
 *
 * Every password and the Secret carry `prevent_destroy`: a regenerated
 * credential locks the application out of its data (database passwords) or
 * breaks SEI↔SIP (access keys) and Solr, and nothing asks before it happens.
 * A plan that would delete or replace one fails.
 *
 * A rotated Secret also says which generation it holds (an annotation per
 * rotation), and the plan reads the live Secret: a configuration with a lower
 * generation fails its precondition before anything changes. `prevent_destroy` cannot
 * stop that one, because lowering the number removes the newer passwords
 * from the configuration, their lifecycle with them; `validate --base` says it
 * at review (core/history/lowered-rotations.ts), this stops `cdktf deploy` and any
 * engine run by hand.
 */
import { Construct, DataKubernetesSecretV1, Password, SecretV1 } from "../runtime/cdktf.ts";

export interface GeneratedSecretProps {
  /** Namespace of the Secret. */
  readonly namespace: string;
  /** Name of the Secret. */
  readonly name: string;
  /**
   * Construct id of each password → the Secret key it fills, or that key with
   * the shape its value must have. The ids are a contract: changing one (or a
   * shape) replaces that password.
   */
  readonly keys: Readonly<Record<string, string | SecretValueShape>>;
  /**
   * Key → value of what is not secret and sits beside the passwords (a URL, a user
   * name, a CA): written as it is, so it is in cdktf.out. @default none
   */
  readonly literals?: Readonly<Record<string, string>>;
  /**
   * Passwords rotated as reviewed changes, each with its own generation: each id listed gets one password
   * per generation, `<id>` for 0 and `<id>Rotation<n>` for n ≥ 1, and the Secret holds the newest. Every
   * generation stays in the configuration, so a rotation only adds resources (prevent_destroy still refuses
   * replacing one); lowering a generation fails the plan (the live Secret's annotation). @default none
   */
  readonly rotations?: readonly SecretRotation[];
  /**
   * The namespace as a plain name, not a reference to the namespace resource: the plan reads the live Secret
   * there (the rotation guard), and a name known in advance lets it read during the plan. Required with `rotations`.
   */
  readonly namespaceName?: string;
}

export interface SecretRotation {
  /** Construct ids (keys of `keys`) of the passwords it rotates. */
  readonly ids: readonly string[];
  readonly generation: number;
  /** The Secret's annotation that says the generation it holds (absent at 0). */
  readonly annotation: string;
  /** The field of the municipality file that sets it, for the refusal of a lower one. */
  readonly field: string;
  /** Id → Secret key that also holds the generation before the newest (from generation 1 on). @default none */
  readonly previousKeys?: Readonly<Record<string, string>>;
}

/** A value that a program reads with rules of its own: a fixed prefix, then `length` random characters. */
export interface SecretValueShape {
  /** The Secret key. */
  readonly key: string;
  /** Fixed text before the random part. @default "" */
  readonly prefix?: string;
  /** Length of the random part. @default 32 */
  readonly length?: number;
  /** Lower-case letters and digits only. @default false (mixed case) */
  readonly lowerCase?: boolean;
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
    const lifecycle = { lifecycle: { preventDestroy: true } };
    const data: Record<string, string> = { ...props.literals };
    const rotations = props.rotations ?? [];
    for (const [passwordId, value] of Object.entries(props.keys)) {
      const shape: SecretValueShape = typeof value === "string" ? { key: value } : value;
      const rotation = rotations.find((r) => r.ids.includes(passwordId));
      const results: string[] = [];
      for (let generation = 0; generation <= (rotation?.generation ?? 0); generation++) {
        const password = new Password(this, generation === 0 ? passwordId : `${passwordId}Rotation${generation}`, {
          ...PASSWORD,
          ...(shape.length === undefined ? {} : { length: shape.length }),
          ...(shape.lowerCase ? { upper: false } : {}),
          ...lifecycle,
        });
        results.push(`${shape.prefix ?? ""}${password.result}`);
      }
      data[shape.key] = results.at(-1)!;
      const previousKey = rotation?.previousKeys?.[passwordId];
      if (previousKey && results.length > 1) data[previousKey] = results.at(-2)!;
    }
    // Absent at 0, so a stack that never rotated is unchanged.
    const annotations = Object.fromEntries(
      rotations.filter((r) => r.generation > 0).map((r) => [r.annotation, String(r.generation)]),
    );
    this.resource = new SecretV1(this, "Resource", {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      type: "Opaque",
      data,
      lifecycle: {
        ...lifecycle.lifecycle,
        ...(rotations.length > 0 ? { precondition: this.generationsNeverLower(props, rotations) } : {}),
      },
    });
  }

  /** Fail the plan when the live Secret holds a newer generation than this configuration (none yet: 0). */
  private generationsNeverLower(props: GeneratedSecretProps, rotations: readonly SecretRotation[]) {
    if (props.namespaceName === undefined) throw new Error(`${props.name}: a rotated Secret needs namespaceName`);
    const live = new DataKubernetesSecretV1(this, "Live", {
      metadata: { name: props.name, namespace: props.namespaceName },
    });
    return rotations.map(({ annotation, generation, field }) => {
      // A Secret not there yet (the first deploy) or never rotated has no annotation: generation 0.
      const deployed = `tonumber(try(${live.fqn}.metadata[0].annotations["${annotation}"], "0"))`;
      return {
        condition: `\${${deployed} <= ${generation}}`,
        errorMessage:
          `Secret ${props.namespaceName}/${props.name} holds a newer generation than ${generation} (annotation ${annotation}): ` +
          `lowering ${field} would delete the newer passwords and put a retired one back; ` +
          `set it back to the deployed generation, or one more to rotate again (docs/runbooks/rotate-credentials.md, "Undo").`,
      };
    });
  }

  /** The Secret name, as a reference that orders dependents after the Secret. */
  public get secretName(): string {
    return this.resource.metadata.name;
  }
}
