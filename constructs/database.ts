/**
 * Database: the MariaDB/MySQL server of one SEI instance (docs/architecture.md, "The SEI instance")
 * and its credentials.
 *
 * - Passwords are generated at deploy time into the credentials Secret, never
 *   replaced (root, sei, sip, the backup's and the shipper's). Keys are the
 *   names the SEI images read (core/naming.ts). The application's own keys
 *   (access keys, Solr) are ApplicationKeys'.
 * - A ConfigMap carries the engine settings (latin1, 128M packets, buffer
 *   pool), the init script that creates the `sei` and `sip` databases with
 *   their own users (once, on an empty data directory), and the accounts
 *   script: an init container writes the backup's account as SQL the server
 *   runs at every start (`--init-file`), so an instance created before the
 *   account existed gets it at its next start, and its privileges stay exact.
 * - A one-replica StatefulSet mounts the database claim created by Terraform
 *   (never a volumeClaimTemplate, whose size can never grow), with the
 *   restricted security context, and a Service in front.
 * - In production, a backup CronJob (see DatabaseBackup).
 */
import { ConfigMapV1, Construct, ServiceV1, StatefulSetV1 } from "../runtime/cdktf.ts";
import type { BackupPlan, DatabasePlan, PasswordRotationPlan, SecretsPlan } from "../core/plan.ts";
import { ADMINISTRATOR_GENERATION_ANNOTATION, ROTATION_GENERATION_ANNOTATION, SECRET_KEYS } from "../core/naming.ts";
import { formatBytes } from "../core/quantity.ts";
import { DatabaseBackup } from "./database-backup.ts";
import {
  ACCOUNTS_SCRIPT_KEY,
  ACCOUNTS_SQL_FILE,
  DATABASE_SERVER_MOUNTS,
  INIT_SCRIPT_KEY,
  SERVER_CONFIG_KEY,
  accountsScript,
  initScript,
} from "./database-scripts.ts";
import { GeneratedSecret } from "./generated-secret.ts";
import { renderResources, terraformLiteral } from "./render.ts";
import { DATABASE_PATHS, IMAGES, SCRATCH_VOLUMES } from "../core/image-contract.ts";
import { restrictedContainerSecurityContext } from "../core/pod-security.ts";
import { terraformRestrictedPodSpec } from "./security.ts";
import { secretEnv } from "./container-env.ts";

export interface DatabaseProps {
  /** Namespace of every object. */
  readonly namespace: string;
  /** The same namespace as a plain name (the plan reads the live credentials Secret there: GeneratedSecret). */
  readonly namespaceName: string;
  /** Engine, image, names, replicas, resources and engine settings. */
  readonly database: DatabasePlan;
  /** Names of the generated Secrets: the credentials Secret is this construct's. */
  readonly secrets: SecretsPlan;
  /** Which generation of the accounts' passwords the credentials Secret holds. */
  readonly passwordRotation: PasswordRotationPlan;
  /** Claim holding the data directory. */
  readonly dataClaimName: string;
  /** ServiceAccount of the pods. */
  readonly serviceAccountName: string;
  /** Wait for the StatefulSet rollout on apply (false where no workload runs). */
  readonly waitForRollout: boolean;
  /**
   * The backup schedule and retention, with the claims it reads and writes.
   * @default - no backup (before production)
   */
  readonly backup?: {
    readonly plan: BackupPlan;
    readonly backupClaimName: string;
    readonly documentsClaimName: string;
  };
  /**
   * The binlog shipper's account, made by the accounts script with a generated password.
   * @default - none (no backup store, or before production)
   */
  readonly binlogShipper?: { readonly user: string };
}

export class Database extends Construct {
  /** The StatefulSet. */
  public readonly resource: StatefulSetV1;
  /** Database credentials; prevent_destroy (as every generated Secret): losing them orphans the data. */
  public readonly credentials: GeneratedSecret;
  public readonly service: ServiceV1;
  public readonly backup?: DatabaseBackup;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { namespace, database } = props;
    const keys = SECRET_KEYS.database;
    const shipperKey = SECRET_KEYS.binlogShipper.password;
    const rotation = props.passwordRotation;

    this.credentials = new GeneratedSecret(this, "Credentials", {
      namespace,
      name: props.secrets.database,
      namespaceName: props.namespaceName,
      // The ids are a contract: renaming one regenerates that key. The shipper's only where it runs.
      keys: {
        ...SECRET_KEYS.database,
        ...(props.binlogShipper ? { binlogShipperPassword: shipperKey } : {}),
      },
      rotations: [
        {
          // The construct ids (SECRET_KEYS' names) of the rotated accounts' passwords.
          ids: Object.entries(keys)
            .filter(([, key]) => rotation.accounts.some((a) => a.passwordKey === key))
            .map(([id]) => id),
          generation: rotation.generation,
          annotation: ROTATION_GENERATION_ANNOTATION,
          field: "spec.rotation.databasePasswords",
        },
        {
          ids: ["rootPassword" satisfies keyof typeof keys],
          generation: rotation.administrator.generation,
          annotation: ADMINISTRATOR_GENERATION_ANNOTATION,
          field: "spec.rotation.administratorPassword",
          // The administrator's rotation Jobs log in with the previous password until the database takes the new one.
          previousKeys: { rootPassword: rotation.administrator.previousPasswordKey },
        },
      ],
    });
    const credentials = this.credentials.secretName;

    const config = new ConfigMapV1(this, "Config", {
      metadata: { name: database.configMapName, namespace, labels: { ...database.labels } },
      data: {
        [SERVER_CONFIG_KEY]: database.serverConfig,
        [INIT_SCRIPT_KEY]: terraformLiteral(
          initScript({
            seiDatabase: database.seiDatabase,
            sipDatabase: database.sipDatabase,
            seiUser: database.seiUser,
            sipUser: database.sipUser,
            seiPasswordEnv: keys.seiPassword,
            sipPasswordEnv: keys.sipPassword,
          }),
        ),
        [ACCOUNTS_SCRIPT_KEY]: terraformLiteral(
          accountsScript(
            {
              engine: database.engine,
              user: database.backupUser,
              databases: [database.seiDatabase, database.sipDatabase],
              passwordEnv: keys.backupPassword,
            },
            ACCOUNTS_SQL_FILE,
            props.binlogShipper ? { user: props.binlogShipper.user, passwordEnv: shipperKey } : null,
          ),
        ),
      },
    });

    const fromSecret = (name: string, key: string) => secretEnv(name, credentials, key);
    const probe = { tcpSocket: [{ port: String(database.port) }], periodSeconds: 10, timeoutSeconds: 5 };

    this.resource = new StatefulSetV1(this, "Resource", {
      metadata: { name: database.statefulSetName, namespace, labels: { ...database.labels } },
      spec: {
        replicas: String(database.replicas),
        serviceName: database.serviceName,
        selector: { matchLabels: { ...database.labels } },
        template: {
          metadata: { labels: { ...database.labels } },
          spec: {
            ...terraformRestrictedPodSpec({
              serviceAccountName: props.serviceAccountName,
              imagePullSecrets: database.imagePullSecrets,
              user: IMAGES.database,
            }),
            terminationGracePeriodSeconds: 60,
            // Writes the accounts SQL (the backup's own account) that the server runs at every start.
            initContainer: [
              {
                name: "accounts",
                image: database.image,
                command: ["/bin/bash", `/opt/sei-database/${ACCOUNTS_SCRIPT_KEY}`],
                env: [
                  fromSecret(keys.backupPassword, keys.backupPassword),
                  ...(props.binlogShipper ? [fromSecret(shipperKey, shipperKey)] : []),
                ],
                resources: renderResources(database.resources),
                securityContext: restrictedContainerSecurityContext(),
                volumeMount: [
                  { name: "accounts", mountPath: "/opt/sei-database", readOnly: true },
                  { name: "run", mountPath: DATABASE_PATHS.run },
                ],
              },
            ],
            container: [
              {
                name: "database",
                image: database.image,
                // The image's own entrypoint, with the server's command line: every start runs the accounts SQL.
                args: [database.serverCommand, `--init-file=${ACCOUNTS_SQL_FILE}`],
                port: [{ name: "mysql", containerPort: database.port }],
                env: [
                  // Both images read MYSQL_ROOT_PASSWORD; the init script reads the users' passwords.
                  fromSecret("MYSQL_ROOT_PASSWORD", keys.rootPassword),
                  fromSecret(keys.seiPassword, keys.seiPassword),
                  fromSecret(keys.sipPassword, keys.sipPassword),
                ],
                resources: renderResources(database.resources),
                securityContext: restrictedContainerSecurityContext(),
                volumeMount: DATABASE_SERVER_MOUNTS,
                // A cold InnoDB start on a large volume can take minutes: generous start-up.
                startupProbe: { ...probe, failureThreshold: 60 },
                readinessProbe: { ...probe, failureThreshold: 3 },
                livenessProbe: { ...probe, failureThreshold: 6 },
              },
            ],
            volume: [
              { name: "data", persistentVolumeClaim: { claimName: props.dataClaimName } },
              {
                name: "config",
                configMap: { name: config.metadata.name, items: [{ key: SERVER_CONFIG_KEY, path: SERVER_CONFIG_KEY }] },
              },
              {
                name: "initdb",
                configMap: { name: config.metadata.name, items: [{ key: INIT_SCRIPT_KEY, path: INIT_SCRIPT_KEY }] },
              },
              {
                name: "accounts",
                configMap: {
                  name: config.metadata.name,
                  items: [{ key: ACCOUNTS_SCRIPT_KEY, path: ACCOUNTS_SCRIPT_KEY }],
                },
              },
              // Socket, pid file and the accounts SQL (a password), in memory: never on the node's disk.
              { name: "run", emptyDir: { medium: "Memory", sizeLimit: SCRATCH_VOLUMES.database.run.sizeLimit } },
              // MariaDB's tmpdir, on the node's disk: the tier's ephemeral-storage limit less log room.
              { name: "tmp", emptyDir: { sizeLimit: formatBytes(database.tmpBytes) } },
            ],
          },
        },
      },
      waitForRollout: props.waitForRollout,
    });

    this.service = new ServiceV1(this, "Service", {
      metadata: { name: database.serviceName, namespace, labels: { ...database.labels } },
      spec: {
        type: "ClusterIP",
        selector: { ...database.labels },
        port: [{ name: "mysql", port: database.port, targetPort: "mysql" }],
      },
      waitForLoadBalancer: false,
    });

    if (props.backup) {
      this.backup = new DatabaseBackup(this, "Backup", {
        namespace,
        backup: props.backup.plan,
        database,
        credentialsSecretName: credentials,
        passwordKey: keys.backupPassword,
        backupClaimName: props.backup.backupClaimName,
        documentsClaimName: props.backup.documentsClaimName,
        serviceAccountName: props.serviceAccountName,
      });
    }
  }
}
