/**
 * RotationJob: one step of a database password rotation
 * (docs/runbooks/rotate-credentials.md; the steps in password-rotation-script.ts
 * and administrator-rotation-script.ts) as a Kubernetes Job Terraform runs once
 * per generation. The stack orders them: the Secret's new passwords, then the
 * administrator's `accept` (the other Jobs log in as it), the accounts'
 * `accept` (each account takes the new password beside its current ones), the
 * release (the app and scheduler roll onto the new Secret, waited for), the
 * accounts' `retire` (only the new password is left), and the
 * administrator's `retire`, last. Named for the generation, so each rotation
 * runs its steps once, and a deploy after a suspension runs them again (they
 * are idempotent).
 */
import { Construct, type JobV1, type ITerraformDependable } from "../runtime/cdktf.ts";
import type { DatabasePlan, PasswordRotationPlan, RotationJobsPlan } from "../core/plan.ts";
import { SECRET_KEYS } from "../core/naming.ts";
import { administratorRotationScript } from "./administrator-rotation-script.ts";
import { passwordRotationScript, type RotationStep } from "./password-rotation-script.ts";
import { terraformLiteral } from "./render.ts";
import { IMAGES } from "../core/image-contract.ts";
import { rotationJob } from "./rotation-job.ts";

/** What the accounts' or the administrator's rotation is: which Jobs, which script, which passwords. */
export type RotationKind = "accounts" | "administrator";

export interface RotationJobProps {
  readonly namespace: string;
  readonly kind: RotationKind;
  readonly step: RotationStep;
  readonly rotation: PasswordRotationPlan;
  readonly jobs: RotationJobsPlan;
  readonly database: DatabasePlan;
  /** The database credentials Secret: the administrator's password and the accounts' new ones. */
  readonly credentialsSecretName: string;
  readonly serviceAccountName: string;
  /** Wait until the Job completes (false where no workload runs). */
  readonly waitForCompletion: boolean;
  readonly dependsOn: ITerraformDependable[];
}

export class RotationJob extends Construct {
  public readonly resource: JobV1;

  constructor(scope: Construct, id: string, props: RotationJobProps) {
    super(scope, id);
    const { namespace, step, rotation, database, jobs } = props;
    const fromSecret = (name: string, key: string) => ({
      name,
      valueFrom: { secretKeyRef: { name: props.credentialsSecretName, key } },
    });
    const env = (name: string, value: string | number) => ({ name, value: String(value) });
    const { administrator } = rotation;
    // The client reads MYSQL_PWD (or the script hands it the one that logs in), so no password is ever on a command line.
    const { script, secrets } =
      props.kind === "accounts"
        ? {
            script: passwordRotationScript(
              step,
              rotation.accounts.map(({ user, passwordKey }) => ({ user, passwordEnv: passwordKey })),
            ),
            secrets: [
              fromSecret("MYSQL_PWD", SECRET_KEYS.database.rootPassword),
              ...rotation.accounts.map(({ passwordKey }) => fromSecret(passwordKey, passwordKey)),
            ],
          }
        : {
            script: administratorRotationScript(step),
            secrets: [
              fromSecret("ADMIN_PASSWORD", administrator.passwordKey),
              fromSecret("ADMIN_PREVIOUS_PASSWORD", administrator.previousPasswordKey),
            ],
          };

    this.resource = rotationJob(this, "Resource", {
      namespace,
      name: step === "accept" ? jobs.acceptName : jobs.retireName,
      jobs,
      serviceAccountName: props.serviceAccountName,
      user: IMAGES.database,
      container: {
        name: props.kind === "accounts" ? `passwords-${step}` : `administrator-${step}`,
        command: ["/bin/bash", "-c", terraformLiteral(script)],
        env: [
          env("DB_HOST", database.serviceName),
          env("DB_PORT", database.port),
          env("DB_ADMIN", database.adminUser),
          env("ENGINE", database.engine),
          ...secrets,
        ],
      },
      waitForCompletion: props.waitForCompletion,
      dependsOn: props.dependsOn,
    });
  }
}
