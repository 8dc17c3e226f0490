/**
 * The image contract of an SEI instance, written once: for each container image
 * (app, Solr, JOD, memcached, database, bootstrap) its port, user, writable
 * paths, the environment it reads, its probes, what must be baked in and the
 * fixed names it expects; and the one SEI version the app image, the reference
 * dumps and the updater must agree on.
 *
 * docs/images.md explains every entry and where each fact comes from;
 * images/<name>/Containerfile builds an image that meets it;
 * test/images/contract.test.ts fails when the document, the Containerfiles and
 * this module disagree. Plain data: the chart and the plan read it, nothing here
 * decides a size.
 */
import { SECRET_KEYS } from "./naming.ts";

/**
 * The SEI version of the platform. The app image is built from this SEI source
 * tree, the bootstrap image bakes the reference dumps of this version, and the
 * updater (SEI's own scripts in the app image) brings the database to it.
 */
export const SEI_VERSION = "5.1.0";

/**
 * The SIP version the reference dumps of SEI_VERSION carry
 * (`infra_parametro.SIP_VERSAO` of `sip_5_1_0_BD_Ref_Exec.sql`).
 */
export const SIP_VERSION = "3.2.0";

/** File name of a reference dump in spbgovbr/sei-db-ref-executivo (`mysql/v<version>/`). */
export function referenceDumpFile(database: "sei" | "sip", seiVersion: string = SEI_VERSION): string {
  return `${database}_${seiVersion.replaceAll(".", "_")}_BD_Ref_Exec.sql`;
}

/** Where the bootstrap image keeps the two reference dumps. */
export const REFERENCE_DUMPS_DIR = "/opt/sei-bootstrap/dumps";

/**
 * The two systems SIP authenticates, as the reference dumps define them
 * (`sip.sistema`, ids also in `sip.infra_parametro` ID_SISTEMA_SIP / ID_SISTEMA_SEI):
 * the `crc` SIP stores for each (crc32b of the decimal id, which every access key
 * of that system begins with) and the Secret key that holds its access key.
 */
export const SIP_SYSTEMS = {
  sip: { sigla: "SIP", idSistema: 100000099, crc: "d27791b8", keyVariable: SECRET_KEYS.app.sipAccessKey },
  sei: { sigla: "SEI", idSistema: 100000100, crc: "7babf862", keyVariable: SECRET_KEYS.app.seiAccessKey },
} as const;

/**
 * SIP's access keys (SipUtilWS::validarAcessoServico, SistemaRN::gerarChaveAcesso):
 * a key is 72 characters of [0-9a-z]; its first 8 are the `crc` column of its
 * `sistema` row, which SIP sets to crc32b of the row's id; the `chave_acesso`
 * column is bcrypt(md5(the other 64 characters)), cost 12, `$2a$`.
 */
export const ACCESS_KEY = {
  length: 72,
  crcLength: 8,
  pattern: /^[0-9a-z]{72}$/,
  bcryptCost: 12,
  bcryptPrefix: "$2a$",
} as const;

/**
 * The shape of a system's access key in the instance's Secret, as Terraform
 * generates it: the system's crc, then 64 random lower-case letters and digits.
 */
export function accessKeyShape(system: (typeof SIP_SYSTEMS)[keyof typeof SIP_SYSTEMS]) {
  return {
    key: system.keyVariable,
    prefix: system.crc,
    length: ACCESS_KEY.length - ACCESS_KEY.crcLength,
    lowerCase: true,
  } as const;
}

/** An HTTP probe: GET `path` on the image's port; `bodyContains` when a status is not proof enough. */
export interface HttpProbe {
  readonly path: string;
  readonly bodyContains?: string;
}

export interface ImageContract {
  /** What the image runs. */
  readonly role: string;
  /** Directory under images/ with its Containerfile. */
  readonly recipe: string;
  /** TCP port it listens on (none for a Job). */
  readonly port: number | null;
  /** Numeric user and group it runs as (runAsNonRoot needs numbers). */
  readonly uid: number;
  readonly gid: number;
  /** The only paths it writes; every other path may be a read-only root filesystem. */
  readonly writablePaths: readonly string[];
  /** Environment variables it reads. */
  readonly env: readonly string[];
  /**
   * What proves the image serves: the chart's startup and readiness probe, liveness being the TCP port (Solr:
   * startup and liveness, its readiness the protocols core's ping: SOLR_PROBE_PATHS).
   */
  readonly probe: HttpProbe | { readonly exec: readonly string[] } | { readonly tcp: number } | null;
  /** What must be in the image when it is built. */
  readonly bakedIn: readonly string[];
  /** Host names it calls that no variable can change: the Services must carry them. */
  readonly calls: readonly string[];
}

/** The document repository, shared by every app replica and the scheduler (ConfiguracaoSEI `RepositorioArquivos`). */
export const DOCUMENTS_PATH = "/var/sei/arquivos";

/** SEI's temp folder: an upload is written there by one request and read by a later one, on any replica. */
export const SEI_TEMP_PATH = "/opt/sei/temp";

/** Solr's home: the cores' indexes, on the claim Terraform creates. */
export const SOLR_DATA_PATH = "/var/solr";

/**
 * The database server's paths: its data (the claim), its socket, pid file and the
 * accounts SQL (in memory), and MariaDB's tmpdir (sized by the tier, core/scratch.ts).
 */
export const DATABASE_PATHS = {
  data: "/var/lib/mysql",
  run: "/run/mysqld",
  tmp: "/tmp",
  /** The server reads its *.cnf files here. */
  config: "/etc/mysql/conf.d",
  /** The image runs the *.sh and *.sql files here once, on an empty data directory. */
  initdb: "/docker-entrypoint-initdb.d",
} as const;

/** A writable path the chart gives an emptyDir of this size: node-local scratch, gone with the pod. */
export interface ScratchVolume {
  readonly mountPath: string;
  readonly sizeLimit: string;
}

/**
 * The scratch volumes of a fixed size: each image's writable paths that are not
 * claims, with the emptyDir sizeLimit what the image writes there needs (the
 * same in every tier; test/chart checks that every tier's ephemeral-storage
 * limit holds the chart's and the logs). The pods Terraform makes size their
 * /tmp by their tier instead (core/scratch.ts).
 */
export const SCRATCH_VOLUMES = {
  app: {
    /** Uploads of up to ~500 MB, PHP sessions when they are not in memcached. */
    tmp: { mountPath: "/tmp", sizeLimit: "2Gi" },
    /** Apache's pid and locks. */
    run: { mountPath: "/run", sizeLimit: "64Mi" },
    sipTemp: { mountPath: "/opt/sip/temp", sizeLimit: "512Mi" },
  },
  solr: {
    tmp: { mountPath: "/tmp", sizeLimit: "1Gi" },
    /** Solr's log files (the logs also go to stdout), off the data volume. */
    logs: { mountPath: `${SOLR_DATA_PATH}/logs`, sizeLimit: "1Gi" },
  },
  /** LibreOffice's profile (HOME) and the documents being converted. */
  jod: { tmp: { mountPath: "/tmp", sizeLimit: "2Gi" } },
  bootstrap: { tmp: { mountPath: "/tmp", sizeLimit: "256Mi" } },
  /** The server's socket and pid file, and the accounts SQL (a password): in memory, never on the node's disk. */
  database: { run: { mountPath: DATABASE_PATHS.run, sizeLimit: "16Mi" } },
} as const satisfies Record<string, Record<string, ScratchVolume>>;

/** Service names the SEI and SIP configuration hard-codes (one namespace per municipality makes them safe). */
export const FIXED_SERVICE_NAMES = { jod: "jod", memcached: "memcached" } as const;

/** SEI 5 calls JODConverter 4.4.8 here (ConfiguracaoSEI `JODConverter`/`Servidor`). */
export const JOD_CONVERSION_URL = `http://${FIXED_SERVICE_NAMES.jod}:8080/conversion?format=pdf`;

/** SIP's login form: SEI sends every browser here, so a page with the password field proves SEI, SIP and the database answer. */
export const LOGIN_FORM = { path: "/sip/login.php", marker: 'id="pwdSenha"' } as const;

/** The login page of an organisation (its APP_ORGAO): SIP asks which organisation and system a login is for. */
export function loginPage(orgao: string): string {
  return `${LOGIN_FORM.path}?sigla_orgao_sistema=${orgao}&sigla_sistema=SEI`;
}

/**
 * Where the app image finds the CA of the directory's certificate (LDAPTLS_CACERT): libldap verifies the
 * directory against it when SIP binds at a login. The chart mounts its directory CA ConfigMap there.
 */
export const DIRECTORY_CA_FILE = "/etc/sei/directory/ca.crt";

/**
 * Variables the SEI images (app, scheduler, updater) read; docs/architecture.md, "The SEI instance" plus what the
 * entrypoints require. core/resolve/sei-env.ts gives each its value or Secret key, in this order (the pods' env
 * order: a new order would roll them).
 */
export const SEI_APP_ENV = [
  "APP_PROTOCOLO",
  "APP_HOST",
  "APP_ORGAO",
  "APP_ORGAO_DESCRICAO",
  "APP_NOMECOMPLEMENTO",
  "APP_DB_TIPO",
  "APP_DB_HOST",
  "APP_DB_PORTA",
  "APP_DB_SEI_BASE",
  "APP_DB_SEI_USERNAME",
  "APP_DB_SEI_PASSWORD",
  "APP_DB_SIP_BASE",
  "APP_DB_SIP_USERNAME",
  "APP_DB_SIP_PASSWORD",
  "APP_SEI_CHAVE_ACESSO",
  "APP_SIP_CHAVE_ACESSO",
  "APP_SOLR_URL",
  "APP_SOLR_CORE_PROTOCOLOS",
  "APP_SOLR_CORE_BASECONHECIMENTO",
  "APP_SOLR_CORE_PUBLICACOES",
  "APP_SOLR_TEMPO_COMMIT_PROTOCOLOS",
  "APP_SOLR_TEMPO_COMMIT_BASECONHECIMENTO",
  "APP_SOLR_TEMPO_COMMIT_PUBLICACOES",
  "SOLR_USERNAME",
  "SOLR_PASSWORD",
  "APP_MEMCACHED_HOST",
  "APP_MEMCACHED_SESSION",
  "APP_MAIL_TIPO",
  "APP_MAIL_SERVIDOR",
  "APP_MAIL_PORTA",
  "APP_MAIL_SEGURANCA",
  "APP_MAIL_USUARIO",
  "APP_MAIL_SENHA",
] as const;

/** What the updater adds: SEI's version scripts read the administrator's credentials on stdin. */
export const UPDATER_ENV = ["APP_DB_ROOT_USERNAME", "APP_DB_ROOT_PASSWORD"] as const;

/**
 * The first-install Job's directory (set all, or none: platform.yaml's cluster has no directory):
 * what it registers as SIP's authentication server, the bind account from the directory Secret.
 */
export const BOOTSTRAP_DIRECTORY_ENV = [
  "APP_DIRECTORY_URL",
  "APP_DIRECTORY_TYPE",
  "APP_DIRECTORY_PORT",
  "APP_DIRECTORY_SEARCH_BASE",
  "APP_DIRECTORY_LOGIN_ATTRIBUTE",
  "APP_DIRECTORY_BIND_DN",
  "APP_DIRECTORY_BIND_PASSWORD",
] as const;

/** The first administrator (set all, or none: the municipality file marks nobody yet). */
export const BOOTSTRAP_ADMIN_ENV = ["APP_ADMIN_LOGIN", "APP_ADMIN_NAME", "APP_ADMIN_EMAIL"] as const;

/**
 * The first-install Job: the database variables, the organisation, the host, the two access keys,
 * the directory and the first administrator.
 */
export const BOOTSTRAP_ENV = [
  "APP_PROTOCOLO",
  "APP_HOST",
  "APP_ORGAO",
  "APP_ORGAO_DESCRICAO",
  "APP_DB_HOST",
  "APP_DB_PORTA",
  "APP_DB_SEI_BASE",
  "APP_DB_SIP_BASE",
  "APP_DB_ROOT_USERNAME",
  "APP_DB_ROOT_PASSWORD",
  "APP_SEI_CHAVE_ACESSO",
  "APP_SIP_CHAVE_ACESSO",
  ...BOOTSTRAP_DIRECTORY_ENV,
  ...BOOTSTRAP_ADMIN_ENV,
] as const;

/** The SEI Solr cores; each needs its full `conf/` in the Solr image. */
export const SOLR_CORES = ["sei-protocolos", "sei-bases-conhecimento", "sei-publicacoes"] as const;

/**
 * Solr's probes: `alive` answers once Solr runs (startup and liveness); `ready` once the protocols core, which
 * every search uses, answers (readiness).
 */
export const SOLR_PROBE_PATHS = {
  alive: "/solr/admin/info/system",
  ready: `/solr/${SOLR_CORES[0]}/admin/ping`,
} as const;

/**
 * What Solr itself reads (the official image's variables): heap, port, the address it listens on, its log folder.
 * core/resolve/solr-jod-env.ts gives each its value, in this order (the pod's env order: a new order would roll it).
 */
export const SOLR_SERVER_ENV = ["SOLR_HEAP", "SOLR_PORT", "SOLR_JETTY_HOST", "SOLR_LOGS_DIR"] as const;

/**
 * What the chart's init container of the Solr pod reads (charts/sei/files/solr-init.sh): the user and password
 * security.json gets, SOLR_PREVIOUS_USERNAME, the user it keeps during a rotation, and the cores it creates.
 */
export const SOLR_INIT_ENV = ["SOLR_USERNAME", "SOLR_PASSWORD", "SOLR_PREVIOUS_USERNAME", "SEI_SOLR_CORES"] as const;

/**
 * What the JOD image reads: HOME, where LibreOffice writes its user profile, and the JVM's JAVA_TOOL_OPTIONS
 * (the image's own; the chart leaves it).
 */
export const JOD_ENV = ["HOME", "JAVA_TOOL_OPTIONS"] as const;

export const IMAGES = {
  app: {
    role: "SEI and SIP under Apache + PHP 8.2 (mod_php); also runs the scheduler and the updater",
    recipe: "images/app",
    port: 8000,
    uid: 33,
    gid: 33,
    writablePaths: [
      SCRATCH_VOLUMES.app.tmp.mountPath,
      SCRATCH_VOLUMES.app.run.mountPath,
      SEI_TEMP_PATH,
      SCRATCH_VOLUMES.app.sipTemp.mountPath,
      DOCUMENTS_PATH,
    ],
    // LDAPTLS_CACERT: libldap verifies the directory's certificate against it when SIP binds at a login.
    env: [...SEI_APP_ENV, ...UPDATER_ENV, "LDAPTLS_CACERT"],
    probe: { path: LOGIN_FORM.path, bodyContains: LOGIN_FORM.marker },
    bakedIn: [
      `SEI ${SEI_VERSION} source tree: /opt/sei, /opt/sip, /opt/infra`,
      "ConfiguracaoSEI.php and ConfiguracaoSip.php reading the variables above",
      "Apache on port 8000 as www-data, logs to stdout/stderr, pid and locks in /run",
      "PHP 8.2: mysqli, curl, gd, mbstring, xml, soap, zip, intl, ldap, bcmath, memcache, memcached, uploadprogress",
      "PHP sessions in memcached or files chosen from APP_MEMCACHED_SESSION at start (ini with ${} variables, no file written)",
      "Java (sei/bin/pdfboxmerge.jar), wkhtmltopdf, the pt_BR ISO-8859-1 locale",
      "php, sh, find on the PATH (scheduler and updater scripts); curl and grep (the app probe)",
    ],
    calls: [FIXED_SERVICE_NAMES.jod, FIXED_SERVICE_NAMES.memcached],
  },
  solr: {
    role: "Solr 9 standalone with SEI's three cores",
    recipe: "images/solr",
    port: 8983,
    uid: 8983,
    gid: 8983,
    writablePaths: [SOLR_DATA_PATH, SCRATCH_VOLUMES.solr.tmp.mountPath],
    env: [...SOLR_SERVER_ENV, ...SOLR_INIT_ENV],
    probe: { path: SOLR_PROBE_PATHS.alive },
    bakedIn: [
      "the official solr:9 image (bash, init-var-solr, precreate-core)",
      ...SOLR_CORES.map(
        (core) => `/opt/solr/server/solr/configsets/${core}/conf: SEI ${SEI_VERSION}'s full conf/ for ${core}`,
      ),
    ],
    calls: [],
  },
  jod: {
    role: "JODConverter 4.4.8 REST service with LibreOffice",
    recipe: "images/jod",
    port: 8080,
    uid: 1000,
    gid: 1000,
    writablePaths: [SCRATCH_VOLUMES.jod.tmp.mountPath],
    env: JOD_ENV,
    probe: { tcp: 8080 },
    bakedIn: ["jodconverter 4.4.8 REST jar", "LibreOffice", "fonts (DejaVu, Liberation, Noto)", "HOME=/tmp"],
    calls: [],
  },
  memcached: {
    role: "memcached: SEI cache (CacheSEI), SIP cache (CacheSip) and, when enabled, PHP sessions",
    recipe: "images/memcached",
    port: 11211,
    uid: 11211,
    gid: 11211,
    writablePaths: [],
    env: [],
    probe: { tcp: 11211 },
    bakedIn: ["the official memcached image"],
    calls: [],
  },
  database: {
    role: "MariaDB 10.11 holding the sei and sip databases (latin1)",
    recipe: "images/database",
    port: 3306,
    uid: 999,
    gid: 999,
    writablePaths: [DATABASE_PATHS.data, DATABASE_PATHS.run, DATABASE_PATHS.tmp],
    env: [
      "MYSQL_ROOT_PASSWORD",
      "APP_DB_SEI_PASSWORD",
      "APP_DB_SIP_PASSWORD",
      SECRET_KEYS.database.backupPassword,
      SECRET_KEYS.binlogShipper.password,
    ],
    probe: { tcp: 3306 },
    bakedIn: [
      "the official mariadb:10.11 image; databases and users come from the init script, data from the bootstrap",
      "its entrypoint runs the command it is given when that is the server (mariadbd --init-file=…), as the official one does",
      "bash, which the accounts init container runs (the backup's account, written into /run/mysqld)",
    ],
    calls: [],
  },
  bootstrap: {
    role: "first-install Job: loads the reference dumps into an empty sei/sip and applies the first-install settings",
    recipe: "images/bootstrap",
    port: null,
    uid: 65532,
    gid: 65532,
    writablePaths: [SCRATCH_VOLUMES.bootstrap.tmp.mountPath],
    env: BOOTSTRAP_ENV,
    probe: null,
    bakedIn: [
      `${REFERENCE_DUMPS_DIR}/${referenceDumpFile("sei")} and ${referenceDumpFile("sip")}`,
      "SEI_VERSION and SEI_BOOTSTRAP_DUMPS set to the above",
      "mariadb client, bash, php-cli with mysqli (crc32b and bcrypt exactly as SIP computes them)",
      "not the scripts: the chart's charts/sei/files/bootstrap are mounted at run time",
    ],
    calls: [],
  },
} as const satisfies Record<string, ImageContract>;

export type ImageName = keyof typeof IMAGES;

/**
 * The user and group the fleet image runs as (`fleet run --engine k8s-job --image`, docs/fleet.md): the
 * operator builds it outside this repository (the project, the engine and the providers), so it has no
 * recipe in IMAGES, but its pods are written for this non-root user.
 */
export const FLEET_IMAGE_USER = { uid: 1000, gid: 1000 } as const;

/** Ports the components listen on, their images': the chart's Services and the network policies use the same. */
export const PORTS = {
  app: IMAGES.app.port,
  database: IMAGES.database.port,
  solr: IMAGES.solr.port,
  memcached: IMAGES.memcached.port,
  jod: IMAGES.jod.port,
} as const;
