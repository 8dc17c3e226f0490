/**
 * Names and labels every instance shares. Kept in one place because they are a
 * contract between Terraform resources, the chart and the network policies:
 * renaming one here renames it everywhere at once.
 */
import type { ComponentName } from "./components.ts";

export const RELEASE_NAME = "sei";
export const CHART_PATH = "charts/sei";

/**
 * The name the chart gives one component's objects in release RELEASE_NAME ("sei-solr"): charts/sei's
 * sei.componentName, which is the release name when it holds the chart's name, then the component.
 */
export function releaseObjectName(component: string): string {
  return `${RELEASE_NAME}-${component}`;
}

/** The `app.kubernetes.io/part-of` value of every object. */
export const PART_OF = "sei-municipios";

/** The `app.kubernetes.io/managed-by` value of the objects sei-infra applies itself (fleet Jobs, drill namespaces). */
export const MANAGED_BY = "sei-infra";

/** The ServiceAccount every SEI pod runs as. */
export const SERVICE_ACCOUNT_NAME = "sei";

/**
 * The NetworkPolicies of every namespace, in the order they are made: a default deny, then
 * the policies that carry the allowed edges (core/resolve/network.ts). A key is also the
 * policy's construct id, so its Terraform address: never rename one.
 */
export const NETWORK_POLICY_NAMES = {
  defaultDeny: "default-deny-all",
  dnsEgress: "allow-dns-egress",
  ingressControllerToApp: "allow-ingress-controller-to-app",
  appEgress: "allow-app-egress",
  databaseIngress: "allow-database-ingress",
  solrIngress: "allow-solr-ingress",
  memcachedIngress: "allow-memcached-ingress",
  jodIngress: "allow-jod-ingress",
  backupEgress: "allow-backup-egress",
  bootstrapEgress: "allow-bootstrap-egress",
  appToIngressController: "allow-app-egress-to-ingress",
  mailEgress: "allow-mail-egress",
  directoryEgress: "allow-directory-egress",
  backupStoreEgress: "allow-backup-store-egress",
} as const;

/** Names of the Secrets Terraform writes and the chart reads: two it generates, two it copies. */
export const SECRET_NAMES = {
  /** Database credentials: root, sei, sip and backup users. */
  database: "sei-database-credentials",
  /** SEI/SIP access keys and Solr's user and password. */
  app: "sei-app-secrets",
  /** The directory's bind account (bindDn, password): a copy of platform.yaml's directory.bindSecret. */
  directory: "sei-directory-bind",
  /** The SMTP password: a copy of the Secret mail.authentication.passwordSecret names (platform or municipality). */
  mail: "sei-mail-password",
} as const;

/**
 * The Secret of the off-site backup store in every namespace whose cluster has one
 * (docs/backups.md): the contract the backup and restore scripts read.
 */
export const BACKUP_STORE_SECRET = "sei-backup-store";

/**
 * The generation of rotated passwords a Secret holds (an annotation of the Secret, and of the app's and
 * scheduler's pods, which roll when it changes: charts/sei/templates/deployment-*.yaml write it literally).
 */
export const ROTATION_GENERATION_ANNOTATION = "sei.mg.gov.br/database-password-generation";
/** The generation of the administrator's password a Secret holds (nothing rolls on it: no pod of the app logs in as it). */
export const ADMINISTRATOR_GENERATION_ANNOTATION = "sei.mg.gov.br/administrator-password-generation";
/**
 * The generation of the Solr user and password the application Secret holds (an annotation of the Secret, and of
 * the app's and scheduler's pods, which roll when it changes: charts/sei/templates/deployment-*.yaml write it literally).
 */
export const SOLR_GENERATION_ANNOTATION = "sei.mg.gov.br/solr-password-generation";
/** The generation of the access keys the application Secret holds (and the app's and scheduler's pods, as above). */
export const ACCESS_KEYS_GENERATION_ANNOTATION = "sei.mg.gov.br/access-key-generation";

export const LABEL = {
  name: "app.kubernetes.io/name",
  instance: "app.kubernetes.io/instance",
  component: "app.kubernetes.io/component",
  partOf: "app.kubernetes.io/part-of",
  managedBy: "app.kubernetes.io/managed-by",
  municipality: "sei.mg.gov.br/municipality",
  ibgeCode: "sei.mg.gov.br/ibge-code",
  tier: "sei.mg.gov.br/tier",
  phase: "sei.mg.gov.br/phase",
} as const;

/**
 * Keys of the Secrets Terraform generates. The chart reads the same keys: a chart
 * test checks it reads exactly these, and values.schema.json names them (generated).
 */
export const SECRET_KEYS = {
  database: {
    rootPassword: "APP_DB_ROOT_PASSWORD",
    seiPassword: "APP_DB_SEI_PASSWORD",
    sipPassword: "APP_DB_SIP_PASSWORD",
    /** The backup's own read-only account (not an SEI variable: only the database and the backup read it). */
    backupPassword: "DB_BACKUP_PASSWORD",
  },
  /**
   * The binlog shipper's account, in the database credentials Secret too, but only where the
   * instance ships binlogs (plan.backup.offsite): apart from `database`, which the chart reads whole.
   */
  binlogShipper: {
    password: "DB_BINLOG_SHIPPER_PASSWORD",
  },
  /**
   * The administrator's password before its newest rotation, in the database credentials Secret from the
   * first rotation on, for the rotation Jobs alone (apart from `database`, which the chart reads whole).
   */
  administratorRotation: {
    previousPassword: "DB_ADMIN_PREVIOUS_PASSWORD",
  },
  /**
   * The Solr user and password before their newest rotation, in the application Secret from the first rotation
   * on: the rotation Jobs log in with them, and Solr's init container keeps that user while a rotation is under way.
   */
  solrRotation: {
    previousUsername: "SOLR_PREVIOUS_USERNAME",
    previousPassword: "SOLR_PREVIOUS_PASSWORD",
  },
  app: {
    seiAccessKey: "APP_SEI_CHAVE_ACESSO",
    sipAccessKey: "APP_SIP_CHAVE_ACESSO",
    solrPassword: "SOLR_PASSWORD",
    /** The Solr user SEI logs in as: a new one per rotation (core/resolve/rotation.ts), so Solr can take both during one. */
    solrUsername: "SOLR_USERNAME",
  },
  /**
   * The backup store: restic and the S3 client read these environment names as they are
   * (envFrom the Secret). ca.crt only where platform.yaml gives the store a CA.
   */
  backupStore: {
    repository: "RESTIC_REPOSITORY",
    accessKeyId: "AWS_ACCESS_KEY_ID",
    secretAccessKey: "AWS_SECRET_ACCESS_KEY",
    region: "AWS_DEFAULT_REGION",
    repositoryPassword: "RESTIC_PASSWORD",
    ca: "ca.crt",
  },
  /** The directory's bind account: the keys of platform.yaml's directory.bindSecret, copied as they are. */
  directory: {
    bindDn: "bindDn",
    password: "password",
  },
} as const;

/**
 * The keys of the generated Secrets whose values are user names, not secrets: Solr's user is new with each
 * rotation (core/resolve/rotation.ts), so it stands in the application Secret beside its password.
 */
export const USER_NAME_KEYS: ReadonlySet<string> = new Set([
  SECRET_KEYS.app.solrUsername,
  SECRET_KEYS.solrRotation.previousUsername,
]);

/** The labels of one component's pods; the chart's selector labels are the same. */
export function componentLabels(component: ComponentName): Readonly<Record<string, string>> {
  return {
    [LABEL.name]: "sei",
    [LABEL.instance]: RELEASE_NAME,
    [LABEL.component]: component,
    [LABEL.partOf]: PART_OF,
  };
}

export function stackName(municipality: string): string {
  return `sei-${municipality}`;
}

export function namespaceName(municipality: string): string {
  return `sei-${municipality}`;
}
