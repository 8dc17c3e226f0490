/**
 * Off-site backups and point-in-time restores (issue 19) with real parts: a private versitygw S3
 * store, real restic, and real MariaDB 10.11 servers with the database image's binlog settings
 * (images/database/binlog.cnf). The scripts of images/database/offsite run as the pods run them.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountsScript, binlogShipperGrants } from "../../constructs/database-scripts.ts";
import { restoreScript } from "../../restore/script.ts";
import { choosePointInTime, parseResticSnapshots } from "../../restore/restic-points.ts";
import { startMariaDb, type MariaDb } from "../support/mariadb.ts";
import { startVersityStore, type VersityStore } from "../support/versity-store.ts";

const OFFSITE = resolve("images/database/offsite");
const MUNICIPALITY = "tiradentes";
const BACKUP_PASSWORD = "b4ckupTestPassw0rd";
const SHIPPER_PASSWORD = "sh1pperTestPassw0rd";
const ROOT_PASSWORD = "R00tTestPassword";
/** Documents of the repository: enough files that a night's metadata is small beside them. */
const DOCUMENT_FILES = 32;
const DOCUMENT_BYTES = 1024 * 1024;

/** The database image's binlog settings, as mariadbd options. */
function binlogOptions(): string[] {
  return readFileSync("images/database/binlog.cnf", "utf8")
    .split("\n")
    .map((line) => /^([a-z_]+)\s*=\s*(\S+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `--${m[1]}=${m[2]}`);
}

let store: VersityStore;
let db: MariaDb;
let work: string;
let storeEnv: Record<string, string>;
let shipper: ChildProcess;
let shipperLog = "";
const dirs = { documents: "", binlogs: "", status: "" };

function run(script: string, env: Record<string, string>) {
  const result = spawnSync("bash", [join(OFFSITE, script)], { encoding: "utf8", env: { ...storeEnv, ...env } });
  return { status: result.status, log: result.stdout + result.stderr };
}
const databaseEnv = (user: string, password: string) => ({
  DB_HOST: db.host,
  DB_PORT: String(db.port),
  DB_USER: user,
  MYSQL_PWD: password,
  SEI_DATABASE: "sei",
  SIP_DATABASE: "sip",
});
const nightly = (user = "sei_backup", password = BACKUP_PASSWORD) =>
  run("nightly-backup.sh", { ...databaseEnv(user, password), DOCUMENTS: dirs.documents });
const snapshots = () => {
  const out = spawnSync("restic", ["snapshots", "--json"], { encoding: "utf8", env: storeEnv });
  if (out.status !== 0) throw new Error(out.stderr);
  return parseResticSnapshots(out.stdout, MUNICIPALITY);
};
/** "<added> of <read> bytes uploaded" of a nightly log line. */
const uploaded = (log: string, kind: string) => {
  const m = new RegExp(`${kind}: snapshot [0-9a-f]+, .*?(\\d+) of (\\d+) bytes uploaded`).exec(log);
  if (!m) throw new Error(`no ${kind} line in:\n${log}`);
  return { added: Number(m[1]), read: Number(m[2]) };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; shipper log:\n${shipperLog}`);
    await sleep(250);
  }
}
const insertProtocolos = (from: number, to: number) =>
  db.query(
    `SET SESSION max_recursive_iterations = 100000;
     INSERT INTO sei.protocolo WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to})
       SELECT i, CONCAT('Processo nº ', i, ': solicitação'), NOW() FROM n;`,
  );
const shippedAt = () => {
  try {
    return Number(readFileSync(dirs.status, "utf8"));
  } catch {
    return 0;
  }
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "sei-offsite-"));
  for (const dir of ["documents", "binlogs"] as const) mkdirSync((dirs[dir] = join(work, dir)));
  dirs.status = join(work, "binlog-last-shipped");
  [store, db] = await Promise.all([startVersityStore(), startMariaDb({ serverArgs: binlogOptions() })]);
  storeEnv = store.resticEnv(MUNICIPALITY);
  db.query(`
    CREATE DATABASE sei CHARACTER SET latin1; CREATE DATABASE sip CHARACTER SET latin1;
    CREATE TABLE sei.protocolo (id INT PRIMARY KEY, descricao VARCHAR(200), criado DATETIME) CHARACTER SET latin1;
    CREATE TABLE sip.orgao (id_orgao INT PRIMARY KEY, sigla VARCHAR(30)) CHARACTER SET latin1;
    CREATE USER 'sei_binlog'@'%' IDENTIFIED BY '${SHIPPER_PASSWORD}';
    ${binlogShipperGrants("sei_binlog").join("\n")}
  `);
  // The backup's account exactly as the database pod makes it.
  const accountsSql = join(work, "accounts.sql");
  const accounts = spawnSync(
    "bash",
    [
      "-c",
      accountsScript(
        { engine: "mariadb", user: "sei_backup", databases: ["sei", "sip"], passwordEnv: "DB_BACKUP_PASSWORD" },
        accountsSql,
      ),
    ],
    { encoding: "utf8", env: { PATH: process.env.PATH, DB_BACKUP_PASSWORD: BACKUP_PASSWORD } },
  );
  if (accounts.status !== 0) throw new Error(accounts.stderr);
  db.query(readFileSync(accountsSql, "utf8"));
  for (let i = 0; i < DOCUMENT_FILES; i++) {
    mkdirSync(join(dirs.documents, "2026", String(i % 4)), { recursive: true });
    writeFileSync(join(dirs.documents, "2026", String(i % 4), `${i}.pdf`), randomBytes(DOCUMENT_BYTES));
  }
  shipper = spawn("bash", [join(OFFSITE, "binlog-shipper.sh")], {
    env: {
      ...storeEnv,
      ...databaseEnv("sei_binlog", SHIPPER_PASSWORD),
      BINLOG_DIR: dirs.binlogs,
      STATUS_FILE: dirs.status,
      SERVER_ID: "4242",
      SHIP_INTERVAL_SECONDS: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [shipper.stdout!, shipper.stderr!])
    stream.on("data", (chunk: Buffer) => (shipperLog += chunk.toString()));
}, 180_000);

afterAll(async () => {
  if (shipper && shipper.exitCode === null) {
    const exited = new Promise((r) => shipper.once("exit", r));
    shipper.kill("SIGTERM");
    await exited;
  }
  await Promise.all([store?.stop(), db?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

describe("the nightly off-site backup", () => {
  it("stores both databases in one snapshot tagged with its binlog position, and the documents", () => {
    insertProtocolos(1, 500);
    const { status, log } = nightly();
    expect(log).toMatch(/databases: snapshot [0-9a-f]+, binlog mysql-bin\.\d{6}:\d+,/);
    expect(status).toBe(0);
    const taken = snapshots();
    const dump = taken.find((s) => s.kind === "databases")!;
    expect(dump.binlog).toMatch(/^mysql-bin\.\d{6}:\d+$/);
    const sql = spawnSync("restic", ["dump", dump.id, "/databases.sql"], { encoding: "latin1", env: storeEnv });
    expect(sql.stdout).toContain("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `sei`");
    expect(sql.stdout).toContain("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `sip`");
    expect(sql.stdout).toMatch(/-- Dump completed/);
    expect(taken.filter((s) => s.kind === "documents")).toHaveLength(1);
  }, 120_000);

  it("uploads under 1 % of an unchanged document repository the next night", () => {
    const { status, log } = nightly();
    expect(status).toBe(0);
    const { added, read } = uploaded(log, "documents");
    expect(read).toBeGreaterThanOrEqual(DOCUMENT_FILES * DOCUMENT_BYTES);
    console.log(`unchanged documents: ${added} of ${read} bytes uploaded (${((100 * added) / read).toFixed(3)} %)`);
    expect(added / read).toBeLessThan(0.01);
  }, 120_000);

  it("makes no snapshot of a dump that fails halfway, nor of one that never starts", () => {
    const before = snapshots().filter((s) => s.kind === "databases").length;
    // An account that may read sei but not sip: the stream holds the header and sei, then the dump fails.
    db.query(
      "CREATE USER 'sei_half'@'%' IDENTIFIED BY 'halfPassw0rd'; GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON sei.* TO 'sei_half'@'%';",
    );
    const halfway = nightly("sei_half", "halfPassw0rd");
    expect(halfway.log).toMatch(/the dump failed \(exit \d+\): .*sip.*restic was stopped before it wrote a snapshot/);
    expect(halfway.status).toBe(1);
    const never = nightly("sei_backup", "wrongPassw0rd");
    expect(never.log).toMatch(/the dump failed or holds no binlog position .*Access denied.*no snapshot was made/);
    expect(never.status).toBe(1);
    expect(snapshots().filter((s) => s.kind === "databases")).toHaveLength(before);
    const locks = spawnSync("restic", ["list", "locks", "--no-lock"], { encoding: "utf8", env: storeEnv });
    expect(locks.stdout.trim()).toBe("");
  }, 120_000);

  it("refuses to start without the store's settings or a writable TMPDIR", () => {
    const withoutPassword = Object.fromEntries(Object.entries(storeEnv).filter(([name]) => name !== "RESTIC_PASSWORD"));
    const missing = spawnSync("bash", [join(OFFSITE, "nightly-backup.sh")], { encoding: "utf8", env: withoutPassword });
    expect(missing.stderr).toContain("RESTIC_PASSWORD is not set");
    expect(missing.status).toBe(1);
    const readOnly = run("nightly-backup.sh", { TMPDIR: join(work, "no-such-folder") });
    expect(readOnly.log).toContain("is not a writable folder");
    expect(readOnly.status).toBe(1);
  });
});

describe("a point-in-time restore", () => {
  it("brings back every row written before the time and nothing after, into a fresh server", async () => {
    insertProtocolos(501, 800);
    db.query("INSERT INTO sip.orgao VALUES (1, 'TIRADENTES')");
    // The time an operator notes: a whole second, after the rows above.
    await sleep(1000 - (Date.now() % 1000) + 20);
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    db.query("DELETE FROM sei.protocolo WHERE id > 10"); // the bad DELETE
    insertProtocolos(5000, 5010);
    db.query("INSERT INTO sip.orgao VALUES (2, 'LATER')");
    const chosen = await until("a binlog snapshot shipped after the time", () => {
      const choice = choosePointInTime(snapshots(), at);
      return "point" in choice ? choice.point : undefined;
    });
    const setName = at.toISOString().slice(0, 10);
    const backups = join(work, "point-in-time");
    mkdirSync(join(backups, "sets"), { recursive: true });
    const built = run("point-in-time-set.sh", {
      ...chosen.env,
      SEI_DATABASE: "sei",
      SIP_DATABASE: "sip",
      SET_DIR: join(backups, "sets", setName),
    });
    expect(built).toMatchObject({ status: 0, log: expect.stringContaining("replaying") });

    const fresh = await startMariaDb();
    try {
      fresh.query(`
        CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY '${ROOT_PASSWORD}';
        GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
        CREATE DATABASE sei CHARACTER SET latin1; CREATE DATABASE sip CHARACTER SET latin1;`);
      const documents = join(work, "restored-documents");
      mkdirSync(documents);
      const restored = spawnSync("bash", ["-c", restoreScript()], {
        encoding: "utf8",
        env: {
          PATH: process.env.PATH,
          RESTORE_SET: setName,
          DB_HOST: fresh.host,
          DB_PORT: String(fresh.port),
          DB_ADMIN_USER: "root",
          MYSQL_PWD: ROOT_PASSWORD,
          SEI_DATABASE: "sei",
          SIP_DATABASE: "sip",
          BACKUPS: backups,
          DOCUMENTS: documents,
        },
      });
      expect({ status: restored.status, log: restored.stdout + restored.stderr }).toMatchObject({
        status: 0,
        log: expect.stringContaining(`set ${setName} restored`),
      });
      expect(fresh.query("SELECT COUNT(*), MIN(id), MAX(id) FROM sei.protocolo").trim()).toBe("800\t1\t800");
      expect(fresh.query("SELECT id_orgao, sigla FROM sip.orgao ORDER BY 1").trim()).toBe("1\tTIRADENTES");
      expect(readdirSync(join(documents, "2026")).sort()).toEqual(["0", "1", "2", "3"]);
    } finally {
      await fresh.stop();
    }
  }, 240_000);

  it("refuses a time before the first dump, or after the last shipping, naming why", () => {
    const taken = snapshots();
    expect(choosePointInTime(taken, new Date("2020-01-01T00:00:00Z"))).toEqual({
      problem: expect.stringMatching(/^no database backup before 2020-01-01T00:00:00.000Z; the oldest is of /),
    });
    expect(choosePointInTime(taken, new Date(Date.now() + 3_600_000))).toEqual({
      problem: expect.stringMatching(/^the binlogs were shipped last at .*: choose a time at least 2 s before it$/),
    });
  });
});

describe("the binlog shipper", () => {
  it("resumes after the server restarts and ships what was written since", async () => {
    const before = shippedAt();
    await db.restart();
    const restartedAt = Date.now();
    insertProtocolos(9000, 9010);
    const [file, position] = db.query("SHOW MASTER STATUS").split("\t") as [string, string];
    await until("the new binlog copied and shipped", () => {
      let size = 0;
      try {
        size = statSync(join(dirs.binlogs, file)).size;
      } catch {
        return undefined;
      }
      return size >= Number(position) && shippedAt() * 1000 > restartedAt + 1000 ? true : undefined;
    });
    expect(shipperLog).toMatch(/the binlog reader exited \(\d+\): the server restarted/);
    expect(shippedAt()).toBeGreaterThan(before);
    const shipped = spawnSync("restic", ["ls", "latest", "--tag", "kind=binlog"], { encoding: "utf8", env: storeEnv });
    expect(shipped.stdout).toContain(`/${file}`);
  }, 120_000);
});
