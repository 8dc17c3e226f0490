/**
 * PasswordRotationJob: one step of a database password rotation
 * (docs/runbooks/rotate-credentials.md; the steps in password-rotation-script.ts)
 * as a Kubernetes Job Terraform runs once per generation. The stack orders
 * them: the Secret's new passwords, then `accept` (each account takes the new
 * password beside its current ones), then the release (the app and scheduler
 * roll onto the new Secret, waited for), then `retire` (only the new password
 * is left). Named for the generation, so each rotation runs both steps once,
 * and a deploy after a suspension runs them again (they are idempotent).
 */
import { Construct, JobV1, type ITerraformDependable } from "../runtime/cdktf.ts";
import type { DatabasePlan, PasswordRotationPlan } from "../core/plan.ts";
import { SECRET_KEYS } from "../core/naming.ts";
import { passwordRotationScript, type RotationStep } from "./password-rotation-script.ts";
import { renderResources, terraformLiteral } from "./render.ts";
import { IMAGES } from "../core/image-contract.ts";
import { restrictedContainerSecurityContext } from "../core/pod-security.ts";
import { terraformRestrictedPodSpec } from "./security.ts";

export interface PasswordRotationJobProps {
  readonly namespace: string;
  readonly step: RotationStep;
  readonly rotation: PasswordRotationPlan & { readonly jobs: NonNullable<PasswordRotationPlan["jobs"]> };
  readonly database: DatabasePlan;
  /** The database credentials Secret: the administrator's password and the accounts' new ones. */
  readonly credentialsSecretName: string;
  readonly serviceAccountName: string;
  /** Wait until the Job completes (false where no workload runs). */
  readonly waitForCompletion: boolean;
  readonly dependsOn: ITerraformDependable[];
}

/** A Job that has not completed by then fails the apply; the next apply runs it again. */
const TIMEOUT = "10m";

export class PasswordRotationJob extends Construct {
  public readonly resource: JobV1;

  constructor(scope: Construct, id: string, props: PasswordRotationJobProps) {
    super(scope, id);
    const { namespace, step, rotation, database } = props;
    const { jobs } = rotation;
    const fromSecret = (name: string, key: string) => ({
      name,
      valueFrom: { secretKeyRef: { name: props.credentialsSecretName, key } },
    });
    const env = (name: string, value: string | number) => ({ name, value: String(value) });
    const script = passwordRotationScript(
      step,
      rotation.accounts.map(({ user, passwordKey }) => ({ user, passwordEnv: passwordKey })),
    );

    this.resource = new JobV1(this, "Resource", {
      metadata: {
        name: step === "accept" ? jobs.acceptName : jobs.retireName,
        namespace,
        labels: { ...jobs.labels },
      },
      spec: {
        backoffLimit: 2,
        template: {
          metadata: { labels: { ...jobs.labels } },
          spec: {
            restartPolicy: "Never",
            ...terraformRestrictedPodSpec({
              serviceAccountName: props.serviceAccountName,
              imagePullSecrets: jobs.imagePullSecrets,
              user: IMAGES.database,
            }),
            container: [
              {
                name: `passwords-${step}`,
                image: jobs.image,
                command: ["/bin/bash", "-c", terraformLiteral(script)],
                env: [
                  env("DB_HOST", database.serviceName),
                  env("DB_PORT", database.port),
                  env("DB_ADMIN", database.adminUser),
                  env("ENGINE", database.engine),
                  // The client reads MYSQL_PWD, so no password is ever on a command line.
                  fromSecret("MYSQL_PWD", SECRET_KEYS.database.rootPassword),
                  ...rotation.accounts.map(({ passwordKey }) => fromSecret(passwordKey, passwordKey)),
                ],
                resources: renderResources(jobs.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
          },
        },
      },
      waitForCompletion: props.waitForCompletion,
      timeouts: { create: TIMEOUT, update: TIMEOUT },
      dependsOn: props.dependsOn,
    });
  }
}
