/**
 * Shell scripts the database pods run, as text. Names come from the plan;
 * passwords only ever arrive through environment variables read from the
 * Secret, so no password is part of the text (nor of cdktf.out).
 *
 * These two stay generated, unlike the scripts that are `*.sh` files
 * (database-backup.sh, password-rotation.sh): each is a here-document of SQL
 * written from the plan (database, user and Secret key names, each account's
 * grants) around a few lines of shell, and the SQL is the plan data.
 * test/synth/database-scripts.test.ts runs shellcheck over them as the
 * stacks carry them.
 */
import { DATABASE_PATHS } from "../core/image-contract.ts";
import type { DatabaseEngine } from "../core/schema/platform.ts";

/** File name of the init script inside /docker-entrypoint-initdb.d. */
export const INIT_SCRIPT_KEY = "create-databases.sh";
/** File name of the server configuration inside /etc/mysql/conf.d. */
export const SERVER_CONFIG_KEY = "sei.cnf";
/** File name of the script that writes the accounts SQL the server runs at every start. */
export const ACCOUNTS_SCRIPT_KEY = "accounts.sh";
/**
 * The SQL the server runs at every start (`--init-file`), written by the accounts
 * script into /run/mysqld, which is in memory: the password in it never touches a disk.
 */
export const ACCOUNTS_SQL_FILE = `${DATABASE_PATHS.run}/sei-accounts.sql`;

export interface InitScriptNames {
  readonly seiDatabase: string;
  readonly sipDatabase: string;
  readonly seiUser: string;
  readonly sipUser: string;
  /** Environment variables that carry the two users' passwords. */
  readonly seiPasswordEnv: string;
  readonly sipPasswordEnv: string;
}

/**
 * Creates the `sei` and `sip` databases (latin1, as SEI requires), each with
 * its own user that may use only its own database. The MariaDB and MySQL
 * images source `*.sh` files of /docker-entrypoint-initdb.d once, on an empty
 * data directory, with `docker_process_sql` connected as root.
 * Identifiers are plain SQL names from the plan: no backquotes, which an
 * unquoted here-document would run as commands.
 */
export function initScript(n: InitScriptNames): string {
  const database = (name: string, user: string, passwordEnv: string) => [
    `CREATE DATABASE IF NOT EXISTS ${name} CHARACTER SET latin1 COLLATE latin1_swedish_ci;`,
    `CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY '\${${passwordEnv}}';`,
    `GRANT ALL PRIVILEGES ON ${name}.* TO '${user}'@'%';`,
  ];
  return [
    "#!/bin/bash",
    "# Sourced by the image entrypoint on first start: SEI and SIP databases, each with its own user.",
    "# Passwords are alphanumeric (random_password, special = false), so quoting them in SQL is safe.",
    `: "\${${n.seiPasswordEnv}:?is not set}" "\${${n.sipPasswordEnv}:?is not set}"`,
    "docker_process_sql --database=mysql <<EOSQL",
    ...database(n.seiDatabase, n.seiUser, n.seiPasswordEnv),
    ...database(n.sipDatabase, n.sipUser, n.sipPasswordEnv),
    "FLUSH PRIVILEGES;",
    "EOSQL",
    "",
  ].join("\n");
}

export interface BackupAccount {
  readonly engine: DatabaseEngine;
  /** The backup's user, and the databases it dumps. */
  readonly user: string;
  readonly databases: readonly string[];
  /** Environment variable that carries its password. */
  readonly passwordEnv: string;
}

/**
 * What `mariadb-dump --single-transaction --routines --triggers --events` needs,
 * and nothing more, as checked against a real MariaDB 10.11
 * (test/synth/backup-account.test.ts takes each one away in turn):
 * - SELECT: the rows (and views' columns); SHOW VIEW: view definitions;
 * - TRIGGER: without it the dump silently leaves the triggers out; EVENT: `SHOW EVENTS`;
 * - routines: MariaDB 10.11 has no SHOW CREATE ROUTINE privilege (11.3 adds one), so
 *   SELECT on mysql.proc, read-only, without which the dump silently leaves them out;
 *   MySQL 8 has no mysql.proc and asks SHOW_ROUTINE instead (untested here: no MySQL
 *   server on this machine).
 * Not LOCK TABLES (a single-transaction dump takes no lock), not PROCESS (tablespaces
 * are not dumped: `--no-tablespaces`), never RELOAD, FILE or any write.
 */
function backupGrants({ engine, user, databases }: BackupAccount): string[] {
  const account = `'${user}'@'%'`;
  return [
    ...databases.map((database) => `GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON ${database}.* TO ${account};`),
    engine === "mariadb" ? `GRANT SELECT ON mysql.proc TO ${account};` : `GRANT SHOW_ROUTINE ON *.* TO ${account};`,
  ];
}

/**
 * The binlog shipper's account (images/database/offsite/binlog-shipper.sh): it reads the binary logs
 * as a replica does (REPLICATION SLAVE) and, on its first start, lists them to find the oldest
 * (BINLOG MONITOR); it reads no table and writes nothing.
 */
export function binlogShipperGrants(user: string): string[] {
  return [`GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '${user}'@'%';`];
}

/** The binlog shipper's account, where the instance ships binlogs (plan.backup.offsite). */
export interface ShipperAccount {
  readonly user: string;
  /** Environment variable that carries its password. */
  readonly passwordEnv: string;
}

/**
 * Writes the accounts SQL the server runs at every start (`--init-file`, as the
 * server itself: no root password needed), so each account exists with exactly
 * its privileges on a new database, on one created before it existed, and
 * after anyone changed it by hand: created if missing, its password set from
 * the Secret, every privilege revoked and its own granted again. The backup's
 * account always; the binlog shipper's where the instance ships binlogs.
 * One statement per line (older servers read the file line by line); MariaDB
 * logs a failing statement and starts anyway, skipping the rest of the file.
 * Runs in an init container of the database pod with the database image.
 */
export function accountsScript(
  account: BackupAccount,
  sqlFile: string = ACCOUNTS_SQL_FILE,
  shipper: ShipperAccount | null = null,
): string {
  const accounts = [
    { user: account.user, passwordEnv: account.passwordEnv, grants: backupGrants(account) },
    ...(shipper ? [{ ...shipper, grants: binlogShipperGrants(shipper.user) }] : []),
  ];
  return [
    "#!/bin/bash",
    `# Writes the SQL the database server runs at every start (--init-file): ${accounts.length === 1 ? "the backup's own account" : "the backup's and the binlog shipper's own accounts"}.`,
    "set -euo pipefail",
    ...accounts.flatMap(({ passwordEnv }) => [
      `: "\${${passwordEnv}:?is not set}"`,
      "# random_password with special = false: letters and digits, safe inside SQL quotes. Anything else stops here.",
      `[[ "$${passwordEnv}" =~ ^[A-Za-z0-9]+$ ]] || { echo "${passwordEnv} must be letters and digits" >&2; exit 1; }`,
    ]),
    "umask 077",
    `cat > "${sqlFile}" <<EOSQL`,
    ...accounts.flatMap(({ user, passwordEnv, grants }) => {
      const identified = `'${user}'@'%' IDENTIFIED BY '\${${passwordEnv}}'`;
      return [
        `CREATE USER IF NOT EXISTS ${identified};`,
        `ALTER USER ${identified};`,
        `REVOKE ALL PRIVILEGES, GRANT OPTION FROM '${user}'@'%';`,
        ...grants,
      ];
    }),
    "EOSQL",
    `echo "accounts: ${sqlFile} written (${accounts.map((a) => a.user).join(", ")})"`,
    "",
  ].join("\n");
}

/** Mount points of the backup pod. */
export const BACKUP_MOUNTS = { backups: "/backup", documents: "/documents" } as const;

/**
 * The database server container's mounts, the same in the instance's StatefulSet and the drill's scratch server:
 * its data, its configuration and init scripts (read-only), and its writable scratch.
 */
export const DATABASE_SERVER_MOUNTS = [
  { name: "data", mountPath: DATABASE_PATHS.data },
  { name: "config", mountPath: DATABASE_PATHS.config, readOnly: true },
  { name: "initdb", mountPath: DATABASE_PATHS.initdb, readOnly: true },
  { name: "run", mountPath: DATABASE_PATHS.run },
  { name: "tmp", mountPath: DATABASE_PATHS.tmp },
];
