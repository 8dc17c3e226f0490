/**
 * RotationJob: one step of a database password rotation
 * (docs/runbooks/rotate-credentials.md; the steps in password-rotation.sh
 * and administrator-rotation.sh) as a Kubernetes Job Terraform runs once
 * per generation. The stack orders them: the Secret's new passwords, then the
 * administrator's `accept` (the other Jobs log in as it), the accounts'
 * `accept` (each account takes the new password beside its current ones), the
 * release (the app and scheduler roll onto the new Secret, waited for), the
 * accounts' `retire` (only the new password is left), and the
 * administrator's `retire`, last. Named for the generation, so each rotation
 * runs its steps once, and a deploy after a suspension runs them again (they
 * are idempotent).
 */
import { readFileSync } from "node:fs";
import { Construct, type JobV1 } from "../runtime/cdktf.ts";
import type { DatabasePlan, PasswordRotationPlan } from "../core/plan.ts";
import { SECRET_KEYS } from "../core/naming.ts";
import { terraformLiteral } from "./render.ts";
import { IMAGES } from "../core/image-contract.ts";
import { rotationJob, type RotationJobTarget, type RotationStep } from "./rotation-job.ts";
import { plainEnv as env, secretEnv } from "./container-env.ts";

/** What the accounts' or the administrator's rotation is: which Jobs, which script, which passwords. */
export type RotationKind = "accounts" | "administrator";

/** Each kind's script, read once; its inputs come through the environment (the script's header names them). */
const SCRIPTS: Record<RotationKind, string> = {
  accounts: readFileSync(new URL("./password-rotation.sh", import.meta.url), "utf8"),
  administrator: readFileSync(new URL("./administrator-rotation.sh", import.meta.url), "utf8"),
};

export interface RotationJobProps extends RotationJobTarget {
  readonly kind: RotationKind;
  readonly step: RotationStep;
  readonly rotation: PasswordRotationPlan;
  readonly database: DatabasePlan;
  /** The database credentials Secret: the administrator's password and the accounts' new ones. */
  readonly credentialsSecretName: string;
}

export class RotationJob extends Construct {
  public readonly resource: JobV1;

  constructor(scope: Construct, id: string, props: RotationJobProps) {
    super(scope, id);
    const { step, rotation, database } = props;
    const fromSecret = (name: string, key: string) => secretEnv(name, props.credentialsSecretName, key);
    const { administrator } = rotation;
    // The client reads MYSQL_PWD (or the script hands it the one that logs in), so no password is ever on a command line.
    const inputs =
      props.kind === "accounts"
        ? [
            // Each account's new password is in the variable named after its Secret key.
            env(
              "ROTATED_ACCOUNTS",
              rotation.accounts.map(({ user, passwordKey }) => `${user}=${passwordKey}`).join(" "),
            ),
            fromSecret("MYSQL_PWD", SECRET_KEYS.database.rootPassword),
            ...rotation.accounts.map(({ passwordKey }) => fromSecret(passwordKey, passwordKey)),
          ]
        : [
            fromSecret("ADMIN_PASSWORD", administrator.passwordKey),
            fromSecret("ADMIN_PREVIOUS_PASSWORD", administrator.previousPasswordKey),
          ];

    this.resource = rotationJob(this, "Resource", props, {
      step,
      user: IMAGES.database,
      container: {
        name: props.kind === "accounts" ? `passwords-${step}` : `administrator-${step}`,
        command: ["/bin/bash", "-c", terraformLiteral(SCRIPTS[props.kind])],
        env: [
          env("ROTATION_STEP", step),
          env("DB_HOST", database.serviceName),
          env("DB_PORT", database.port),
          env("DB_ADMIN", database.adminUser),
          env("ENGINE", database.engine),
          ...inputs,
        ],
      },
    });
  }
}
