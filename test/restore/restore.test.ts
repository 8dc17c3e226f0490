/**
 * The backup set and its restore (docs/restore.md), against a real MariaDB
 * 10.11 on loopback: the CronJob's own backup script (constructs/
 * database-backup.sh) writes a set as the backup's own read-only account,
 * and the restore Job's script (restore/restore.sh) puts it back into an
 * emptied instance as the administrator. Both run as the
 * pods run them (bash, the mariadb client tools, coreutils), with folders for
 * the volumes. The end-to-end suite runs the same scripts in their pods.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountsScript, type BackupAccount } from "../../constructs/database-scripts.ts";
import { RESTORE_SCRIPTS } from "../../restore/scripts.ts";
import { parseInspection } from "../../restore/volume-source.ts";
import { targetProblems } from "../../restore/backup-source.ts";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { startMariaDb, type MariaDb } from "../support/mariadb.ts";
import { documentTree, tableChecksums } from "../../scripts/lib/checksums.ts";

const ROOT_PASSWORD = "R00tTestPassword";
const BACKUP_ACCOUNT: BackupAccount = {
  engine: "mariadb",
  user: "sei_backup",
  databases: ["sei", "sip"],
  passwordEnv: "DB_BACKUP_PASSWORD",
};
const BACKUP_PASSWORD = "b4ckupTestPassw0rd";
let db: MariaDb;
let work: string;
const dirs = { backups: "", documents: "" };

function runScript(script: string, env: Record<string, string>) {
  const result = spawnSync("bash", ["-c", script], {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      DB_HOST: db.host,
      DB_PORT: String(db.port),
      MYSQL_PWD: ROOT_PASSWORD,
      SEI_DATABASE: "sei",
      SIP_DATABASE: "sip",
      ...env,
    },
  });
  return { status: result.status, log: result.stdout + result.stderr };
}

/** As the CronJob runs it: its own read-only account (constructs/database-scripts.ts), never root. */
const backup = () =>
  runScript(readFileSync(join(REPO_ROOT, "constructs/database-backup.sh"), "utf8"), {
    BACKUPS: dirs.backups,
    DOCUMENTS: dirs.documents,
    RETENTION_DAYS: "7",
    DB_USER: BACKUP_ACCOUNT.user,
    MYSQL_PWD: BACKUP_PASSWORD,
  });
const restore = (set: string) =>
  runScript(RESTORE_SCRIPTS.restore, {
    RESTORE_SET: set,
    DB_ADMIN_USER: "root",
    BACKUPS: dirs.backups,
    DOCUMENTS: dirs.documents,
  });
const today = () => new Date().toISOString().slice(0, 10);
const checksums = async () => ({
  tables: await tableChecksums((sql) => db.query(sql), ["sei", "sip"]),
  documents: documentTree(dirs.documents),
});

/** The instance as its init script and a few months of use leave it. */
function seedInstance() {
  db.query(`
    CREATE DATABASE sei CHARACTER SET latin1; CREATE DATABASE sip CHARACTER SET latin1;
    CREATE TABLE sei.protocolo (id INT PRIMARY KEY, descricao VARCHAR(200), criado DATETIME) CHARACTER SET latin1;
    CREATE TABLE sei.documento (id INT PRIMARY KEY, id_protocolo INT, conteudo MEDIUMBLOB) CHARACTER SET latin1;
    CREATE TABLE sip.orgao (id_orgao INT PRIMARY KEY, sigla VARCHAR(30), descricao VARCHAR(250)) CHARACTER SET latin1;
    SET SESSION max_recursive_iterations = 100000;
    INSERT INTO sei.protocolo WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
      SELECT i, CONCAT('Processo nº ', i, ': solicitação, ação e razão'), '2026-11-30 10:00:00' FROM n;
    INSERT INTO sei.documento WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
      SELECT i, i, RANDOM_BYTES(1024) FROM n;
    INSERT INTO sip.orgao VALUES (0, 'OLHOS-D-AGUA', 'Prefeitura Municipal de Olhos-d''Água');
  `);
  for (const [path, bytes] of [
    ["2026/11/30/1.pdf", 5000],
    ["2026/11/30/2.odt", 70000],
    ["2026/12/01/3.pdf", 1],
  ] as const) {
    mkdirSync(join(dirs.documents, path, ".."), { recursive: true });
    writeFileSync(join(dirs.documents, path), Buffer.alloc(bytes, path));
  }
}

/** What a lost volume leaves after the database pod starts again: empty databases, an empty repository. */
function emptyInstance() {
  db.query(
    "DROP DATABASE sei; DROP DATABASE sip; CREATE DATABASE sei CHARACTER SET latin1; CREATE DATABASE sip CHARACTER SET latin1;",
  );
  for (const entry of readdirSync(dirs.documents)) rmSync(join(dirs.documents, entry), { recursive: true });
}

beforeAll(async () => {
  db = await startMariaDb();
  // The administrator the backup and the restore connect as, over TCP like the pods.
  db.query(
    `CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY '${ROOT_PASSWORD}'; GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;`,
  );
  work = mkdtempSync(join(tmpdir(), "sei-restore-"));
  dirs.backups = join(work, "backups");
  dirs.documents = join(work, "documents");
  mkdirSync(dirs.backups);
  mkdirSync(dirs.documents);
  seedInstance();
  // The backup's account, as the database pod's start makes it (the accounts script writes the SQL the server runs).
  const accountsSql = join(work, "accounts.sql");
  const accounts = spawnSync("bash", ["-c", accountsScript(BACKUP_ACCOUNT, accountsSql)], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, DB_BACKUP_PASSWORD: BACKUP_PASSWORD },
  });
  if (accounts.status !== 0) throw new Error(`the accounts script failed: ${accounts.stderr}`);
  db.query(readFileSync(accountsSql, "utf8"));
}, 120_000);

afterAll(async () => {
  await db?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("a backup set restored into an emptied instance", () => {
  let before: Awaited<ReturnType<typeof checksums>>;

  it("restores every table and every document exactly", async () => {
    before = await checksums();
    const made = backup();
    expect(made.log).toContain(`backup set ${dirs.backups}/sets/${today()} complete`);
    expect(made.status).toBe(0);

    emptyInstance();
    const restored = restore(today());
    expect(restored.log).toContain(`set ${today()} restored`);
    expect(restored.status, restored.log).toBe(0);
    expect(await checksums()).toEqual(before);
    expect(Object.keys(before.tables).sort()).toEqual(["sei.documento", "sei.protocolo", "sip.orgao"]);
    expect(db.query("SELECT descricao FROM sip.orgao")).toBe("Prefeitura Municipal de Olhos-d'Água\n");
    expect(db.query("SHOW DATABASES LIKE '%restore%'")).toBe("");
  });

  it("refuses a target that holds data, and changes nothing", async () => {
    const dump = db.dump("sei", "sip");
    const refused = restore(today());
    expect(refused.status).toBe(1);
    expect(refused.log).toMatch(/sei and sip hold 3 tables: a restore never overwrites data/);
    expect(db.dump("sei", "sip")).toBe(dump);
    expect(await checksums()).toEqual(before);
  });

  it("refuses documents left in the repository, and loads nothing", () => {
    db.query(
      "DROP DATABASE sei; DROP DATABASE sip; CREATE DATABASE sei CHARACTER SET latin1; CREATE DATABASE sip CHARACTER SET latin1;",
    );
    const refused = restore(today());
    expect(refused.log).toMatch(/the document repository is not empty/);
    expect(refused.status).toBe(1);
    expect(db.query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema IN ('sei', 'sip')")).toBe("0\n");
  });

  it("names the sets there are when asked for one that is not", () => {
    const missing = restore("2001-01-01");
    expect(missing.status).toBe(1);
    expect(missing.log).toContain(`no backup set 2001-01-01 on the backup volume; complete sets: ${today()}`);
  });
});

describe("the read-only check (the Job sei-restore-check runs it before anything stops)", () => {
  /** As the Job runs it: the backup's read-only account, both volumes read-only. */
  const inspect = (set: string) => {
    const ran = runScript(RESTORE_SCRIPTS.inspect, {
      TARGET_INSPECTION_SCRIPT: RESTORE_SCRIPTS.targetInspection,
      RESTORE_SET: set,
      DB_USER: BACKUP_ACCOUNT.user,
      MYSQL_PWD: BACKUP_PASSWORD,
      BACKUPS: dirs.backups,
      DOCUMENTS: dirs.documents,
    });
    expect(ran.status, ran.log).toBe(0);
    return parseInspection(ran.log);
  };

  it("lists the sets with their sizes and dates, and sees a full target, changing nothing", async () => {
    // What the tests above left: empty databases but for one table, and the documents.
    db.query("CREATE TABLE sip.left_behind (id INT)");
    const before = await checksums();
    const { sets, target } = inspect(today());
    expect(sets.map((s) => [s.name, s.problem])).toEqual([[today(), ""]]);
    expect(sets[0]!.bytes).toBeGreaterThan(70_000);
    expect(Math.abs(sets[0]!.writtenAt.getTime() - Date.now())).toBeLessThan(3600_000);
    expect(target).toEqual({ reachable: true, databases: 2, tables: 1, documentEntries: 1 });
    expect(targetProblems(target, ["sei", "sip"])).toEqual([
      "sei and sip hold 1 table: a restore never overwrites data (docs/restore.md says how to set the current data aside first)",
      "the document repository holds 1 entry: a restore never overwrites documents (set them aside first)",
    ]);
    expect(await checksums()).toEqual(before);
    db.query("DROP TABLE sip.left_behind");
  });

  it("finds a damaged dump in the set it is asked about, and a missing one in any", () => {
    const damaged = join(dirs.backups, "sets", "2026-02-01");
    const missing = join(dirs.backups, "sets", "2026-02-02");
    for (const dir of [damaged, missing]) mkdirSync(join(dir, "documents"), { recursive: true });
    writeFileSync(join(damaged, "sei.sql.gz"), "not gzip at all");
    writeFileSync(join(damaged, "sip.sql.gz"), gzipSync("SELECT 1;"));
    writeFileSync(join(missing, "sei.sql.gz"), gzipSync("SELECT 1;"));
    const problems = (set: string) => Object.fromEntries(inspect(set).sets.map((s) => [s.name, s.problem]));
    expect(problems("2026-02-01")).toMatchObject({
      "2026-02-01": "sei.sql.gz is damaged",
      "2026-02-02": "sip.sql.gz is missing",
    });
    // Reading every dump whole is for the set to restore only: the others are listed by what is there.
    expect(problems("")).toMatchObject({ "2026-02-01": "", "2026-02-02": "sip.sql.gz is missing" });
    rmSync(damaged, { recursive: true });
    rmSync(missing, { recursive: true });
  });

  it("says when the database does not answer", () => {
    const ran = runScript(RESTORE_SCRIPTS.inspect, {
      TARGET_INSPECTION_SCRIPT: RESTORE_SCRIPTS.targetInspection,
      RESTORE_SET: "",
      DB_USER: BACKUP_ACCOUNT.user,
      MYSQL_PWD: "not-the-password",
      BACKUPS: dirs.backups,
      DOCUMENTS: dirs.documents,
    });
    expect(ran.status, ran.log).toBe(0);
    expect(parseInspection(ran.log).target.reachable).toBe(false);
  });
});

describe("a forged set", () => {
  /** A set whose sei dump was written by someone who can write the backup volume, not by the backup. */
  function forgedSet(name: string, seiSql: string) {
    const dir = join(dirs.backups, "sets", name);
    mkdirSync(join(dir, "documents"), { recursive: true });
    writeFileSync(join(dir, "sei.sql.gz"), gzipSync(seiSql));
    writeFileSync(join(dir, "sip.sql.gz"), gzipSync("CREATE TABLE orgao (id_orgao INT PRIMARY KEY);\n"));
  }

  it.each([
    [
      "2026-01-02",
      "a new administrator in the mysql schema",
      "CREATE TABLE protocolo (id INT PRIMARY KEY);\nUSE mysql;\nCREATE USER 'forged'@'%' IDENTIFIED BY 'forged-Passw0rd';\nGRANT ALL PRIVILEGES ON *.* TO 'forged'@'%' WITH GRANT OPTION;\n",
    ],
    [
      "2026-01-03",
      "a grant to the loading account itself",
      "CREATE TABLE protocolo (id INT PRIMARY KEY);\nGRANT ALL PRIVILEGES ON *.* TO CURRENT_USER() WITH GRANT OPTION;\nCREATE USER 'forged'@'%' IDENTIFIED BY 'forged-Passw0rd';\n",
    ],
    [
      "2026-01-04",
      "a table written straight into the live database",
      "CREATE TABLE protocolo (id INT PRIMARY KEY);\nCREATE TABLE sei.forged (id INT);\nCREATE DATABASE forged;\n",
    ],
  ])("%s (%s) fails to load: no account, no grant, nothing outside the staging databases", (set, _, sql) => {
    emptyInstance();
    forgedSet(set, sql);
    const refused = restore(set);
    expect(refused.status, refused.log).toBe(1);
    expect(refused.log).toMatch(/denied.*sei_restore_load/i);
    expect(refused.log).toContain("did not load");
    expect(db.query("SELECT COUNT(*) FROM mysql.user WHERE user = 'forged'")).toBe("0\n");
    expect(db.query("SHOW DATABASES LIKE 'forged'")).toBe("");
    expect(db.query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema IN ('sei', 'sip')")).toBe("0\n");
    // The staging databases and the loading account are gone with the failed run.
    expect(db.query("SHOW DATABASES LIKE '%restore%'")).toBe("");
    expect(db.query("SELECT COUNT(*) FROM mysql.user WHERE user LIKE 'sei_restore%'")).toBe("0\n");
  });

  it("2026-01-05 (a shell command through the client) fails to load: the client runs in sandbox mode", () => {
    emptyInstance();
    const marker = join(dirs.backups, "forged-shell-ran");
    forgedSet("2026-01-05", `CREATE TABLE protocolo (id INT PRIMARY KEY);\n\\! touch ${marker}\n`);
    const refused = restore("2026-01-05");
    expect(refused.status, refused.log).toBe(1);
    expect(refused.log).toMatch(/sandbox/i);
    expect(existsSync(marker)).toBe(false);
    expect(db.query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema IN ('sei', 'sip')")).toBe("0\n");
  });
});
