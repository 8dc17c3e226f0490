/**
 * InstancePlan: everything one SEI instance is, as plain data. Constructs
 * translate it into resources and the capacity report sums it; neither computes
 * a size or a name of its own. No cdktf import here.
 */
import type { ComponentName } from "./components.ts";
import type { NETWORK_POLICY_NAMES } from "./naming.ts";
import type { Directory } from "./schema/directory.ts";
import type { Phase, TierId } from "./schema/municipality.ts";
import type { DATABASE_SERVER_COMMANDS, DatabaseEngine, Platform } from "./schema/platform.ts";
import type { HelmValues } from "./schema/helm-values.ts";

/** CPU and memory: what the capacity report sums against what a cluster can give. */
export interface CpuMemory {
  readonly cpuMillicores: number;
  readonly memoryBytes: number;
}

/** What a container asks for or may use: CPU, memory, and node-local disk (Kubernetes ephemeral-storage). */
export interface ComputeAmount extends CpuMemory {
  readonly ephemeralStorageBytes: number;
}

export interface ComputeResources {
  readonly requests: ComputeAmount;
  readonly limits: ComputeAmount;
}

/**
 * One kind of pod and how many of it may run at once. `maxReplicas` counts
 * every pod that can coexist, including the extra pod of a rolling update and
 * job pods, so the quota is the sum over workloads of resources × maxReplicas.
 */
export interface WorkloadPlan {
  readonly component: ComponentName;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly resources: ComputeResources;
}

/** Volume kinds, in the order reports show them. */
export const VOLUME_KINDS = ["database", "documents", "solr", "backup", "temp"] as const;
export type VolumeKind = (typeof VOLUME_KINDS)[number];

/** A data volume: its own claim, created by Terraform, never replaced (docs/architecture.md, "Data safety"). */
export interface VolumePlan {
  readonly kind: VolumeKind;
  readonly claimName: string;
  readonly storageBytes: number;
  readonly storageClass: string;
  readonly accessMode: "ReadWriteOnce" | "ReadWriteMany";
}

/**
 * The data volumes of an instance. The backup claim is null where the cluster has
 * a backup store and the instance was not deployed with a claim before it
 * (municipality spec.legacyBackupVolume).
 */
export type VolumesPlan = Readonly<Record<Exclude<VolumeKind, "backup">, VolumePlan>> & {
  readonly backup: VolumePlan | null;
};

export interface DatabasePlan {
  readonly engine: DatabaseEngine;
  readonly image: string;
  /** Pull secrets of the private registry the image comes from (platform.yaml imagePullSecret), used by the backup too. */
  readonly imagePullSecrets: readonly string[];
  readonly statefulSetName: string;
  readonly serviceName: string;
  /** The service's address from anywhere in the cluster (`<service>.<namespace>.svc:<port>`), the stack's output. */
  readonly clusterAddress: string;
  /** ConfigMap holding the server configuration and the init script that creates the databases. */
  readonly configMapName: string;
  readonly port: number;
  /** 0 when the phase stops compute (suspended, decommissioned keep the data only). */
  readonly replicas: number;
  readonly seiDatabase: string;
  readonly sipDatabase: string;
  readonly seiUser: string;
  readonly sipUser: string;
  /** The account the backup dumps with: read-only, only what the dump needs (constructs/database-scripts.ts). */
  readonly backupUser: string;
  /** The server program the image runs: the database's command line names it (mariadbd, mysqld). */
  readonly serverCommand: (typeof DATABASE_SERVER_COMMANDS)[DatabaseEngine];
  /** The administrator: the image makes it from MYSQL_ROOT_PASSWORD; the updater, the first install and a restore use it. */
  readonly adminUser: string;
  readonly bufferPoolBytes: number;
  readonly maxConnections: number;
  readonly resources: ComputeResources;
  readonly labels: Readonly<Record<string, string>>;
  /** Engine settings written to the server configuration file, already rendered. */
  readonly serverConfig: string;
  /** Size limit of the server's /tmp emptyDir (its tmpdir): the container's ephemeral-storage limit less room for logs. */
  readonly tmpBytes: number;
}

export interface BackupPlan {
  readonly cronJobName: string;
  /** ConfigMap holding the backup script. */
  readonly scriptConfigMapName: string;
  readonly schedule: string;
  readonly retentionDays: number;
  readonly image: string;
  readonly resources: ComputeResources;
  readonly labels: Readonly<Record<string, string>>;
  /** Size limit of the job's /tmp emptyDir: the container's ephemeral-storage limit less room for logs. */
  readonly tmpBytes: number;
  /**
   * How long `sei-infra restore` gives its Job and waits for it when `--timeout` says nothing
   * (core/resolve/restore-deadline.ts). Here, not beside the drill: a restore comes with the
   * backups, from the backup volume or the store, so every production instance has one.
   */
  readonly restoreDeadlineSeconds: number;
  /** The backup into the cluster's off-site store (docs/offsite-backups.md); null where the cluster has none. */
  readonly offsite: OffsiteBackupPlan | null;
}

/**
 * The pods that write to the backup store, running the database image's scripts
 * (images/database/offsite): the nightly CronJob, on the backup's schedule, image,
 * resources and labels, and the binlog shipper. Each writable folder is an emptyDir
 * limited to the backup's tmpBytes; the container's ephemeral-storage limit bounds their sum.
 */
export interface OffsiteBackupPlan {
  readonly cronJobName: string;
  /** Where the image holds the scripts. */
  readonly scriptsDir: string;
  /** Mount points: restic's TMPDIR and RESTIC_CACHE_DIR, the documents (read-only), the store's CA. */
  readonly mounts: {
    readonly tmp: string;
    readonly cache: string;
    readonly documents: string;
    readonly storeCa: string;
  };
  readonly shipper: BinlogShipperPlan;
  /** The most a loss may cost: `fleet backups` names an instance whose newest backup or shipping is older. */
  readonly rpo: { readonly backupSeconds: number; readonly binlogSeconds: number };
  /** What `fleet drill` gives the restore of a backup into a scratch namespace (docs/drills.md). */
  readonly drill: RestoreDrillPlan;
}

/** The restore drill's room (core/resolve/restore-drill.ts); its time is the restore's, BackupPlan.restoreDeadlineSeconds. */
export interface RestoreDrillPlan {
  /** The drill Job's claim: the point-in-time set's scratch server and dumps, and the restored documents. */
  readonly scratchBytes: number;
  /** The scratch namespace's quota: the scratch database and the Job, the scratch database's claim and the Job's. */
  readonly quota: QuotaPlan;
}

/** The one-replica Deployment that ships the binary logs (images/database/offsite/binlog-shipper.sh). */
export interface BinlogShipperPlan {
  readonly name: string;
  /** The backup's labels (so the backup edges apply), its name apart: its selector matches no job pod. */
  readonly labels: Readonly<Record<string, string>>;
  /** Its database account: REPLICATION SLAVE and BINLOG MONITOR only (binlogShipperGrants). */
  readonly user: string;
  /** Its id as a replica: unlike the server's (images/database/binlog.cnf server_id = 1). */
  readonly serverId: number;
  readonly intervalSeconds: number;
  /** Local copies older than this go once shipped. */
  readonly keepLocalHours: number;
  /** Where the binlog copies are written (an emptyDir of binlogBytes). */
  readonly binlogDir: string;
  /** The tier's room for the local copies (spec.backup.binlogStorage): the binlog folder's size limit. */
  readonly binlogBytes: number;
  /** The backup's resources with binlogBytes more ephemeral storage, requested and allowed: the quota counts them. */
  readonly resources: ComputeResources;
  /** Unix time of the last successful shipping: what an operator reads (docs/offsite-backups.md). */
  readonly statusFile: string;
  /** Time it gets on SIGTERM for its last shipping. */
  readonly stopGraceSeconds: number;
}

/** Snapshots a repository keeps (restic forget --keep-daily/--keep-weekly/--keep-monthly). */
export interface RetentionPlan {
  readonly daily: number;
  readonly weekly: number;
  readonly monthly: number;
}

/**
 * The municipality's restic repository in its cluster's off-site store
 * (docs/backups.md). The namespace's Secret `secretName` holds the store user's
 * key and the repository key; the administrator's key never enters a cluster.
 */
export interface BackupStorePlan {
  /** The Secret of the namespace (keys: SECRET_KEYS.backupStore). */
  readonly secretName: string;
  /** https://host[:port] of the store. */
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  /** The municipality's prefix in the bucket, without slashes: its repository and the reach of its user. */
  readonly prefix: string;
  /** restic's repository URL: s3:<endpoint>/<bucket>/<prefix>. */
  readonly repository: string;
  /** The municipality's store user (its access key id): writes its prefix, deletes nothing, reads no other. */
  readonly user: string;
  /** PEM of the store's CA, where platform.yaml gives one. */
  readonly ca: string | null;
  /** The only egress of the backup pods out of the cluster. */
  readonly egress: { readonly cidr: string; readonly port: number };
  /** The tier's retention, applied by the operator's prune, never from the namespace. */
  readonly retention: RetentionPlan;
  /** Bytes the repository is expected to take in the store (core/resolve/backup-store.ts says how). */
  readonly objectStorageBytes: number;
  /** Environment variables of the administrator's key: sei-infra reads them on the operator's side only. */
  readonly adminCredentialEnv: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * Rotation of the database passwords (core/resolve/rotation.ts): each
 * generation picks the generated passwords the Secret holds; the Jobs move the
 * database over while the instance serves. `accept` (before the release) lets
 * each account log in with the Secret's new password as well as its current
 * one; the release then rolls the app and scheduler onto the new Secret;
 * `retire` (after it) leaves only the new password. The administrator's
 * rotation has its own generation and Jobs, first and last: the others log in
 * as it.
 */
export interface PasswordRotationPlan {
  /** spec.rotation.databasePasswords; 0 until the first rotation. */
  readonly generation: number;
  /** The accounts whose passwords rotate, each with the Secret key of its password. */
  readonly accounts: readonly { readonly user: string; readonly passwordKey: string }[];
  /** Null at generation 0 and while no pod runs (the Jobs then run at the next deploy that runs pods). */
  readonly jobs: RotationJobsPlan | null;
  readonly administrator: {
    /** spec.rotation.administratorPassword; 0 until the first rotation. */
    readonly generation: number;
    /** The Secret key of its password (the administrator is plan.database.adminUser). */
    readonly passwordKey: string;
    /** The Secret key holding the generation before the newest (from the first rotation on): accept logs in with it. */
    readonly previousPasswordKey: string;
    /** As `jobs`, for the administrator's generation. */
    readonly jobs: RotationJobsPlan | null;
  };
  /**
   * Solr's user and password (spec.rotation.solrPassword), in the application Secret. Solr's basic auth has
   * one password per user, so each generation has a user of its own: `accept` adds it beside the current one
   * through Solr's API, the release rolls the app and scheduler onto it, `retire` removes the previous user.
   */
  readonly solr: {
    /** spec.rotation.solrPassword; 0 until the first rotation. */
    readonly generation: number;
    /** The user of this generation, and of the one before (null at 0). */
    readonly user: string;
    readonly previousUser: string | null;
    /** Solr's base URL inside the namespace (the chart's Solr Service): the Jobs call its API there. */
    readonly url: string;
    /** As `jobs`, run in the app image (it has curl) with the updater's labels (its NetworkPolicy reaches Solr). */
    readonly jobs: RotationJobsPlan | null;
  };
  /**
   * SEI's and SIP's access keys (spec.rotation.accessKeys), in the application Secret. SIP keeps one hash
   * per system, so there is no accept/retire: one Job (its `acceptName`, sei-access-keys-<generation>) stores the new keys' hashes in
   * sip.sistema just before the release rolls the app and scheduler onto them.
   */
  readonly accessKeys: {
    /** spec.rotation.accessKeys; 0 until the first rotation. */
    readonly generation: number;
    /** The SIP database the Job writes. */
    readonly sipDatabase: string;
    /** As `jobs`, in the first install's image (php, the bootstrap's key hashing) with its labels. */
    readonly jobs: RotationJobsPlan | null;
  };
}

export interface RotationJobsPlan {
  readonly acceptName: string;
  readonly retireName: string;
  readonly image: string;
  readonly imagePullSecrets: readonly string[];
  readonly resources: ComputeResources;
  /** The first install's labels: its NetworkPolicy reaches the database, and the updater's quota slot (free outside a Helm upgrade) holds it. */
  readonly labels: Readonly<Record<string, string>>;
}

export interface SecretsPlan {
  /** Database credentials: root, sei, sip and backup users. */
  readonly database: string;
  /** SEI/SIP access keys and the Solr password. */
  readonly app: string;
  /** The directory's bind account, copied from platform.yaml's directory.bindSecret. */
  readonly directory: string;
  /** The SMTP password, copied from the Secret mail.authentication names. */
  readonly mail: string;
}

/** The SMTP account SEI sends mail with: the municipality's own, else the platform's. */
export interface MailAuthenticationPlan {
  readonly username: string;
  /** The Secret and key holding the password, in PRODEMGE's namespace; the stack copies it as secrets.mail. */
  readonly passwordSource: { readonly namespace: string; readonly name: string; readonly key: string };
}

/**
 * The cluster's directory as SIP's authentication server of this instance
 * (core/schema/directory.ts): what the first install registers in SIP.
 */
export interface DirectoryPlan {
  readonly url: string;
  readonly type: Directory["type"];
  /** The port of the URL: SIP stores it apart (servidor_autenticacao.porta). */
  readonly port: number;
  /** The municipality's branch, ou=<name>,<baseDn>: SIP searches logins only there. */
  readonly searchBase: string;
  readonly loginAttribute: string;
  /** PEM of the CA the directory's certificate is verified against. */
  readonly ca: string;
  readonly cidr: string;
  /** The platform's Secret (bindDn, password) the stack copies into the namespace as secrets.directory. */
  readonly bindSecretSource: { readonly namespace: string; readonly name: string };
}

/** The team member the first install makes SIP's and SEI's administrator. */
export interface FirstAdministratorPlan {
  readonly login: string;
  readonly name: string;
  readonly email: string;
}

export interface QuotaPlan {
  readonly name: string;
  readonly requests: ComputeAmount;
  readonly limits: ComputeAmount;
  readonly storageBytes: number;
  readonly persistentVolumeClaims: number;
  readonly pods: number;
}

export interface LimitRangePlan {
  readonly name: string;
  readonly defaultRequest: ComputeAmount;
  readonly defaultLimit: ComputeAmount;
  readonly max: ComputeAmount;
}

/** A NetworkPolicy of every namespace, by the key of its name (core/naming.ts NETWORK_POLICY_NAMES). */
export type NetworkPolicyRule = keyof typeof NETWORK_POLICY_NAMES;

/** Pods of the instance's own namespace: some components, or every pod. */
export interface PodsPeer {
  readonly kind: "pods";
  readonly components: readonly ComponentName[] | "every pod";
}

/** Pods of another namespace of the cluster: all of them, or those with these labels. */
export interface NamespacePeer {
  readonly kind: "namespace";
  /** What it is, in the words of docs/architecture.md's table ("DNS pods"). */
  readonly name: string;
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>> | null;
}

/** Addresses outside the cluster's pods (a relay, a directory), as one CIDR block. */
export interface AddressPeer {
  readonly kind: "addresses";
  /** What it is, in the words of docs/architecture.md's table ("mail relay"). */
  readonly name: string;
  readonly cidr: string;
}

export type NetworkProtocol = "TCP" | "UDP";

interface EdgePort {
  readonly port: number;
  readonly protocols: readonly NetworkProtocol[];
}

/**
 * One allowed connection. Each side in the namespace names the NetworkPolicy that carries it:
 * `egress` on the client, `ingress` on the server; a side outside the namespace has none.
 */
export type NetworkEdge = EdgePort &
  (
    | {
        readonly from: PodsPeer;
        readonly to: PodsPeer;
        readonly egress: NetworkPolicyRule;
        readonly ingress: NetworkPolicyRule;
      }
    | {
        readonly from: PodsPeer;
        readonly to: NamespacePeer | AddressPeer;
        readonly egress: NetworkPolicyRule;
        readonly ingress?: never;
      }
    | {
        readonly from: NamespacePeer | AddressPeer;
        readonly to: PodsPeer;
        readonly egress?: never;
        readonly ingress: NetworkPolicyRule;
      }
  );

/** Who may talk to whom (docs/architecture.md, "Security"): everything is denied but the edges. */
export interface NetworkPlan {
  /** The pod label that tells the components apart. */
  readonly componentLabel: string;
  /** Name of each NetworkPolicy, in the order they are made. */
  readonly policyNames: Readonly<Record<NetworkPolicyRule, string>>;
  readonly edges: readonly NetworkEdge[];
}

export interface ReleasePlan {
  readonly name: string;
  readonly chartPath: string;
  readonly values: HelmValues;
  readonly wait: boolean;
  /**
   * Whether Helm runs the chart's hooks (the updater Job). Helm always waits
   * for a hook Job to finish, so where no workload can run (a bare API server)
   * hooks are off, like every other wait.
   */
  readonly runHooks: boolean;
  readonly timeoutSeconds: number;
}

/**
 * OpenTofu's encryption of one stack's state and plan files: a pbkdf2 key from
 * a passphrase in a Terraform variable (TF_VAR_<variable>, never a file), AES-GCM,
 * enforced; while the key is rotated, or encryption turned on over states in
 * clear, a fallback that reads the states as they were.
 */
export interface StateEncryptionPlan {
  readonly keyName: string;
  readonly passphraseVariable: string;
  readonly previous: PreviousStateKey | null;
}

/** How the states were written before: under another key, or in clear. */
export type PreviousStateKey =
  | { readonly kind: "key"; readonly keyName: string; readonly passphraseVariable: string }
  | { readonly kind: "unencrypted" };

export interface StateBackendPlan {
  readonly type: Platform["spec"]["stateBackend"]["type"];
  /** Backend settings with one state per municipality already applied. */
  readonly settings: Readonly<Record<string, string>>;
}

export interface InstancePlan {
  readonly municipality: {
    readonly name: string;
    readonly ibgeCode: string;
    readonly displayName: string;
    readonly population: number;
    readonly tier: TierId;
    readonly phase: Phase;
    readonly domain: string;
    readonly sourceFile: string;
  };
  readonly stackName: string;
  readonly url: string;
  readonly cluster: { readonly name: string; readonly kubeconfigPath: string; readonly context: string };
  readonly stateBackend: StateBackendPlan;
  /** Null when platform.yaml does not encrypt state (a Terraform engine can run the stack). */
  readonly stateEncryption: StateEncryptionPlan | null;
  readonly namespace: {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
  };
  readonly serviceAccountName: string;
  readonly workloads: readonly WorkloadPlan[];
  readonly quota: QuotaPlan;
  readonly limitRange: LimitRangePlan;
  readonly network: NetworkPlan;
  readonly volumes: VolumesPlan;
  readonly secrets: SecretsPlan;
  /** Null where the cluster has no directory: the first install then leaves no account that can log in. */
  readonly directory: DirectoryPlan | null;
  /** Null until the municipality file marks one (required from phase training on). */
  readonly firstAdministrator: FirstAdministratorPlan | null;
  /** Null where neither platform.yaml nor the municipality file names an SMTP account: SEI sends unauthenticated. */
  readonly mailAuthentication: MailAuthenticationPlan | null;
  readonly database: DatabasePlan;
  readonly passwordRotation: PasswordRotationPlan;
  /** Null outside production: backups come with production (docs/architecture.md, "Lifecycle phases"). */
  readonly backup: BackupPlan | null;
  /** Null where the cluster has no backup store (platform.yaml clusters[].backupStore); else in every phase. */
  readonly backupStore: BackupStorePlan | null;
  /**
   * The backup claim the stack removes from its state without deleting it, its sets moved into the
   * store (spec.legacyBackupVolume: "migrated", docs/backups.md "Existing backup claims"); else null.
   */
  readonly migratedBackupClaim: string | null;
  /** Null once decommissioned: the release goes, the data stays. */
  readonly release: ReleasePlan | null;
  readonly waitForWorkloads: boolean;
}

/** An instance whose backups go to its cluster's store (docs/offsite-backups.md): what hasOffsiteBackups tells. */
export type OffsiteInstancePlan = InstancePlan & {
  readonly backup: BackupPlan & { readonly offsite: OffsiteBackupPlan };
  readonly backupStore: BackupStorePlan;
};

/**
 * Whether the instance has off-site backups: production on a cluster with a backup store, as the resolver
 * decided it (backup.offsite). Every command that picks such instances asks here, and gets the plan typed so.
 */
export function hasOffsiteBackups(plan: InstancePlan): plan is OffsiteInstancePlan {
  return plan.backup?.offsite != null && plan.backupStore !== null;
}
