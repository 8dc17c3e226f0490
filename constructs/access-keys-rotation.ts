/**
 * AccessKeysJob: a rotation of SEI's and SIP's access keys (spec.rotation.accessKeys,
 * docs/runbooks/rotate-credentials.md, "The access keys"). SIP keeps one hash per system, so
 * there is no accept/retire: just before the release rolls the app and scheduler onto the
 * Secret's new keys, this Job stores their hashes in sip.sistema with the first install's own
 * code (charts/sei/files/bootstrap/first-install.php, `keys`), in the first install's image and
 * with its labels (its NetworkPolicy reaches the database). Named for the generation; run once.
 */
import { readFileSync } from "node:fs";
import { Construct, type JobV1 } from "../runtime/cdktf.ts";
import type { DatabasePlan, PasswordRotationPlan } from "../core/plan.ts";
import { SECRET_KEYS } from "../core/naming.ts";
import { IMAGES } from "../core/image-contract.ts";
import { terraformLiteral } from "./render.ts";
import { rotationJob, type RotationJobTarget } from "./rotation-job.ts";
import { plainEnv as env, secretEnv } from "./container-env.ts";

/** The first install's PHP, given to `php -r` without its opening tag: no file to mount, no shell. */
const FIRST_INSTALL = readFileSync(
  new URL("../charts/sei/files/bootstrap/first-install.php", import.meta.url),
  "utf8",
).replace(/^<\?php\n/, "");

export interface AccessKeysJobProps extends RotationJobTarget {
  readonly accessKeys: PasswordRotationPlan["accessKeys"];
  readonly database: DatabasePlan;
  /** The database credentials Secret (the administrator's password) and the application Secret (the keys). */
  readonly credentialsSecretName: string;
  readonly appSecretName: string;
}

export class AccessKeysJob extends Construct {
  public readonly resource: JobV1;

  constructor(scope: Construct, id: string, props: AccessKeysJobProps) {
    super(scope, id);
    const { database } = props;
    const fromSecret = (secret: string, key: string) => secretEnv(key, secret, key);
    this.resource = rotationJob(this, "Resource", props, {
      // Its one step, before the release: SIP keeps no previous key to retire.
      step: "accept",
      user: IMAGES.bootstrap,
      container: {
        name: "access-keys",
        command: ["php", "-r", terraformLiteral(FIRST_INSTALL), "--", "keys", props.accessKeys.sipDatabase],
        // The first install's variables (docs/images.md, "bootstrap"), the keys by reference.
        env: [
          env("APP_DB_HOST", database.serviceName),
          env("APP_DB_PORTA", database.port),
          env("APP_DB_ROOT_USERNAME", database.adminUser),
          fromSecret(props.credentialsSecretName, SECRET_KEYS.database.rootPassword),
          fromSecret(props.appSecretName, SECRET_KEYS.app.seiAccessKey),
          fromSecret(props.appSecretName, SECRET_KEYS.app.sipAccessKey),
        ],
      },
    });
  }
}
