/**
 * The backup's own database account, against a real MariaDB 10.11 (Debian's
 * mariadbd on loopback, test/support/mariadb.ts): the accounts script writes
 * the SQL, the server runs it at every start (`--init-file`), and the real
 * backup script dumps with it, with the real mariadb-dump.
 *
 * - The account holds exactly the dump's privileges, and each one is needed:
 *   without it the dump fails, or silently leaves something out (triggers,
 *   routines), which only a comparison with an administrator's dump shows.
 * - It can write nothing and read nothing else.
 * - Every start restores it: dropped (an instance created before it existed)
 *   or changed by hand, it is back as it should be after a restart.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountsScript, type BackupAccount } from "../../constructs/database-scripts.ts";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { startMariaDb, type MariaDb } from "../support/mariadb.ts";
import { cleanScratch, scratchDir } from "./support.ts";

const ACCOUNT: BackupAccount = {
  engine: "mariadb",
  user: "sei_backup",
  databases: ["sei", "sip"],
  passwordEnv: "DB_BACKUP_PASSWORD",
};
/** As random_password makes them: letters and digits. */
const PASSWORD = "q7RkW2mZx9LpV4nT8bYc3sHd6fJg1aQe";

const root = scratchDir("sei-backup-account-");
const run = join(root, "run");
const sqlFile = join(run, "sei-accounts.sql");
const script = join(root, "accounts.sh");
let db: MariaDb;

function writeAccounts(password: string) {
  return spawnSync("bash", [script], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, [ACCOUNT.passwordEnv]: password },
  });
}

/** The SQL objects a dump must carry: a table with rows, a view, a trigger, a procedure, an event. */
function populate(database: string) {
  db.query(
    [
      `CREATE DATABASE ${database} CHARACTER SET latin1`,
      `CREATE TABLE ${database}.protocolo (id INT PRIMARY KEY, descricao VARCHAR(50)) ENGINE=InnoDB`,
      `INSERT INTO ${database}.protocolo VALUES (1, 'Ofício'), (2, 'Memorando')`,
      `CREATE VIEW ${database}.protocolo_v AS SELECT id FROM ${database}.protocolo`,
      `CREATE TRIGGER ${database}.protocolo_t BEFORE INSERT ON ${database}.protocolo FOR EACH ROW SET NEW.descricao = UPPER(NEW.descricao)`,
      `CREATE PROCEDURE ${database}.conta() SELECT COUNT(*) FROM ${database}.protocolo`,
      `CREATE EVENT ${database}.limpeza ON SCHEDULE EVERY 1 DAY DO DELETE FROM ${database}.protocolo WHERE id < 0`,
    ].join(";\n"),
  );
}

/** Runs the backup CronJob's script as `user`; returns its exit status and the day's dumps, without their date lines. */
function backUp(
  user: string,
  password: string,
): { status: number | null; stderr: string; dumps: Record<string, string> } {
  const backups = join(root, `backups-${user}`);
  const documents = join(root, "documents");
  rmSync(backups, { recursive: true, force: true });
  mkdirSync(backups, { recursive: true });
  mkdirSync(documents, { recursive: true });
  const result = spawnSync("bash", [join(REPO_ROOT, "constructs/database-backup.sh")], {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      BACKUPS: backups,
      DOCUMENTS: documents,
      DB_HOST: db.host,
      DB_PORT: String(db.port),
      DB_USER: user,
      MYSQL_PWD: password,
      SEI_DATABASE: "sei",
      SIP_DATABASE: "sip",
      RETENTION_DAYS: "7",
    },
  });
  const sets = join(backups, "sets");
  const day = existsSync(sets) ? readdirSync(sets).find((name) => !name.startsWith(".")) : undefined;
  const dumps: Record<string, string> = {};
  for (const database of ["sei", "sip"]) {
    const path = day ? join(sets, day, `${database}.sql.gz`) : "";
    if (path && existsSync(path))
      dumps[database] = gunzipSync(readFileSync(path))
        .toString("latin1")
        .replace(/^-- Dump completed on .*$/m, "");
  }
  return { status: result.status, stderr: result.stderr, dumps };
}

const grants = () =>
  db
    .query("SHOW GRANTS FOR 'sei_backup'@'%'")
    .trim()
    .split("\n")
    .map((line) => line.replace(/IDENTIFIED BY PASSWORD '\*[0-9A-F]{40}'/, "IDENTIFIED BY PASSWORD '*…'"));

const EXPECTED_GRANTS = [
  "GRANT USAGE ON *.* TO `sei_backup`@`%` IDENTIFIED BY PASSWORD '*…'",
  "GRANT SELECT, SHOW VIEW, EVENT, TRIGGER ON `sei`.* TO `sei_backup`@`%`",
  "GRANT SELECT, SHOW VIEW, EVENT, TRIGGER ON `sip`.* TO `sei_backup`@`%`",
  "GRANT SELECT ON `mysql`.`proc` TO `sei_backup`@`%`",
];

beforeAll(async () => {
  mkdirSync(run, { recursive: true });
  writeFileSync(script, accountsScript(ACCOUNT, sqlFile));
  const written = writeAccounts(PASSWORD);
  if (written.status !== 0) throw new Error(`accounts.sh failed: ${written.stderr}`);
  // A new database: the server runs the accounts SQL before sei and sip exist.
  db = await startMariaDb({ serverArgs: [`--init-file=${sqlFile}`] });
  populate("sei");
  populate("sip");
}, 120_000);

afterAll(async () => {
  await db?.stop();
  cleanScratch();
});

describe("the backup's database account", () => {
  it("is written as SQL only the server's user may read, with a password of letters and digits only", () => {
    expect(statSync(sqlFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(sqlFile, "utf8")).toContain(`IDENTIFIED BY '${PASSWORD}'`);
    rmSync(sqlFile);
    const refused = writeAccounts("x'; DROP DATABASE sei; --");
    expect([refused.status, refused.stderr.trim()]).toEqual([1, "DB_BACKUP_PASSWORD must be letters and digits"]);
    expect(existsSync(sqlFile)).toBe(false);
    expect(writeAccounts(PASSWORD).status).toBe(0);
  });

  it("exists from the first start with exactly the dump's privileges", () => {
    expect(grants()).toEqual(EXPECTED_GRANTS);
  });

  it("dumps everything an administrator's dump holds: rows, views, triggers, routines, events", () => {
    const asAdmin = backUp(db.adminUser, db.adminPassword);
    expect(asAdmin.status, asAdmin.stderr).toBe(0);
    for (const part of [
      "INSERT INTO `protocolo`",
      "VIEW `protocolo_v`",
      "TRIGGER sei.protocolo_t",
      "PROCEDURE `conta`",
      "EVENT `limpeza`",
    ]) {
      expect(asAdmin.dumps.sei).toContain(part);
    }
    const asBackup = backUp("sei_backup", PASSWORD);
    expect(asBackup.status, asBackup.stderr).toBe(0);
    expect(asBackup.dumps).toEqual(asAdmin.dumps);
  });

  it("writes nothing and reads nothing else", () => {
    const as = (sql: string) =>
      spawnSync(
        "mariadb",
        [
          "--no-defaults",
          `--host=${db.host}`,
          `--port=${db.port}`,
          "--user=sei_backup",
          "--batch",
          "--skip-column-names",
          "-e",
          sql,
        ],
        {
          encoding: "utf8",
          env: { ...process.env, MYSQL_PWD: PASSWORD },
        },
      );
    expect(as("SELECT COUNT(*) FROM sei.protocolo").stdout.trim()).toBe("2");
    for (const sql of [
      "INSERT INTO sei.protocolo VALUES (3, 'x')",
      "DELETE FROM sip.protocolo",
      "DROP TABLE sei.protocolo",
      "CREATE DATABASE outra",
      "SELECT User FROM mysql.user",
      "CALL sei.conta()",
    ]) {
      const result = as(sql);
      expect({ sql, status: result.status }).toEqual({ sql, status: 1 });
      expect(result.stderr, sql).toMatch(/denied/);
    }
  });

  it.each([
    ["SELECT on sei", "REVOKE SELECT ON sei.* FROM 'sei_backup'@'%'"],
    ["SHOW VIEW on sip", "REVOKE SHOW VIEW ON sip.* FROM 'sei_backup'@'%'"],
    ["TRIGGER on sei", "REVOKE TRIGGER ON sei.* FROM 'sei_backup'@'%'"],
    ["EVENT on sip", "REVOKE EVENT ON sip.* FROM 'sei_backup'@'%'"],
    ["SELECT on mysql.proc (routines)", "REVOKE SELECT ON mysql.proc FROM 'sei_backup'@'%'"],
  ])("needs %s: without it the dump fails or leaves something out; the next start restores it", async (_, revoke) => {
    const complete = backUp(db.adminUser, db.adminPassword).dumps;
    expect(backUp("sei_backup", PASSWORD).dumps).toEqual(complete);
    db.query(revoke);
    const without = backUp("sei_backup", PASSWORD);
    expect(without.status !== 0 || JSON.stringify(without.dumps) !== JSON.stringify(complete)).toBe(true);

    await db.restart();
    expect(grants()).toEqual(EXPECTED_GRANTS);
    expect(backUp("sei_backup", PASSWORD).dumps).toEqual(complete);
  });

  it("comes back at the next start when it is missing (an instance created before it existed) or was changed by hand", async () => {
    db.query("DROP USER 'sei_backup'@'%'");
    await db.restart();
    expect(grants()).toEqual(EXPECTED_GRANTS);

    db.query("GRANT ALL PRIVILEGES ON *.* TO 'sei_backup'@'%'; SET PASSWORD FOR 'sei_backup'@'%' = PASSWORD('Other1')");
    await db.restart();
    expect(grants()).toEqual(EXPECTED_GRANTS);
    const result = backUp("sei_backup", PASSWORD);
    expect(result.status, result.stderr).toBe(0);
  });
});
