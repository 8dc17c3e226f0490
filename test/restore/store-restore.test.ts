/**
 * A restore from the backup store with real parts (test/support/offsite-rig.ts: a versitygw store,
 * Debian's restic, MariaDB 10.11 with the image's binlog settings): the scripts of the two Jobs
 * `sei-infra restore --list` and `--to` run (restore/store-inspect.sh,
 * restore/store-restore.sh with images/database/offsite/point-in-time-set.sh and
 * restore/restore.sh), run here as their pods run them.
 *
 * The instance the backups came from is then gone (its server and documents are not used again):
 * the restore goes into a NEW, empty instance (a fresh server as the database pod's init script
 * leaves it, an empty document repository) whose store environment is the same Secret's, as a new
 * namespace's stack writes it from the Terraform state. The same, in a cluster, is the e2e's.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pointsTable } from "../../restore/describe.ts";
import { choosePointInTime, restoreRange, restoreTimeText } from "../../restore/restic-points.ts";
import { RESTORE_SCRIPTS } from "../../restore/scripts.ts";
import { parseStoreInspection, type StoreInspection } from "../../restore/store-source.ts";
import { startMariaDb, type MariaDb } from "../support/mariadb.ts";
import {
  binlogOptions,
  emptyInstanceServer,
  seedInstance,
  insertProtocolos as insertProtocolosInto,
  MUNICIPALITY,
  OFFSITE,
  ROOT_PASSWORD,
  startOffsiteRig,
  type OffsiteRig,
} from "../support/offsite-rig.ts";

let rig: OffsiteRig;
/** The time an operator noted, before the bad DELETE. */
let at: Date;
const documentSums = new Map<string, string>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const insertProtocolos = (from: number, to: number) => insertProtocolosInto(rig.db, from, to);

/** A job's script run as its pod runs it: bash -c, with the environment the Job gives. */
function runJobScript(script: string, env: Record<string, string>) {
  const result = spawnSync("bash", ["-c", script], {
    encoding: "utf8",
    env: { ...rig.storeEnv, OFFSITE_SCRIPTS: OFFSITE, SEI_DATABASE: "sei", SIP_DATABASE: "sip", ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, log: result.stdout + result.stderr, stdout: result.stdout };
}

/** The read-only check of `sei-infra restore --list` / `--to` against a target server and document repository. */
function inspect(target: MariaDb, documents: string, store: Record<string, string> = {}): StoreInspection {
  const run = runJobScript(RESTORE_SCRIPTS.storeInspect, {
    TARGET_INSPECTION_SCRIPT: RESTORE_SCRIPTS.targetInspection,
    ...store,
    DB_HOST: target.host,
    DB_PORT: String(target.port),
    DB_USER: "root",
    MYSQL_PWD: ROOT_PASSWORD,
    DOCUMENTS: documents,
  });
  expect(run.status, run.log).toBe(0);
  return parseStoreInspection(run.stdout, MUNICIPALITY);
}

/** The restore Job of `sei-infra restore --to` into a target, as restore/job.ts (storeRestoreJob) sets it up. */
function restoreTo(
  target: MariaDb,
  documents: string,
  point: Readonly<Record<string, string>>,
  time: Date,
  store: Record<string, string> = {},
) {
  return runJobScript(RESTORE_SCRIPTS.storeRestore, {
    ...store,
    ...point,
    RESTORE_SET: restoreTimeText(time).slice(0, 10),
    RESTORE_SCRIPT: RESTORE_SCRIPTS.restore,
    DB_HOST: target.host,
    DB_PORT: String(target.port),
    DB_ADMIN_USER: "root",
    MYSQL_PWD: ROOT_PASSWORD,
    DOCUMENTS: documents,
  });
}

function sha256Tree(dir: string): Map<string, string> {
  const out = spawnSync("bash", ["-c", `cd '${dir}' && find . -type f -print0 | sort -z | xargs -0 -r sha256sum`], {
    encoding: "utf8",
  });
  return new Map(
    out.stdout
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.slice(66), l.slice(0, 64)] as [string, string]),
  );
}

async function until(what: string, probe: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; shipper log:\n${rig.shipperLog()}`);
    await sleep(250);
  }
}

beforeAll(async () => {
  rig = await startOffsiteRig();
  seedInstance(rig, 8, 64 * 1024, 2);
  for (const [path, sum] of sha256Tree(rig.dirs.documents)) documentSums.set(path, sum);
  rig.startShipper(1);
  insertProtocolos(1, 500);
  const nightly = rig.nightly();
  if (nightly.status !== 0) throw new Error(nightly.log);
  // A password rotation after the backup, as docs/runbooks/rotate-credentials.md makes it: in the binlog, outside sei and sip.
  rig.db.query("ALTER USER 'sei_backup'@'%' IDENTIFIED BY 'b4ckupTestPassw0rd'");
  insertProtocolos(501, 800);
  rig.db.query("INSERT INTO sip.orgao VALUES (1, 'TIRADENTES')");
  await sleep(1000 - (Date.now() % 1000) + 20);
  at = new Date(Math.floor(Date.now() / 1000) * 1000);
  rig.db.query("DELETE FROM sei.protocolo WHERE id > 10"); // the bad DELETE
  insertProtocolos(5000, 5010);
  await until("a binlog snapshot shipped after the time", () => "point" in choosePointInTime(rig.snapshots(), at));
}, 240_000);

afterAll(async () => {
  await rig?.stop();
});

describe("restore --list and --to, from the store into a new instance", () => {
  let target: MariaDb;
  let documents: string;
  beforeAll(async () => {
    target = await emptyInstanceServer();
    documents = mkdtempSync(join(rig.dirs.work, "new-namespace-documents-"));
  }, 60_000);
  afterAll(async () => {
    await target?.stop();
  });

  it("lists the nightly dump and documents with sizes, and the range --to takes", () => {
    const inspection = inspect(target, documents);
    expect(inspection.target).toEqual({ reachable: true, databases: 2, tables: 0, documentEntries: 0 });
    const dump = inspection.snapshots.find((s) => s.kind === "databases")!;
    const docs = inspection.snapshots.find((s) => s.kind === "documents")!;
    expect(inspection.sizes.get(dump.id)).toBeGreaterThan(10_000);
    expect(inspection.sizes.get(docs.id)).toBe(8 * 64 * 1024);
    const range = restoreRange(inspection.snapshots)!;
    expect(range.from.getTime()).toBeGreaterThan(dump.time.getTime());
    expect(range.to.getTime()).toBeGreaterThanOrEqual(at.getTime());
    const table = pointsTable(inspection);
    expect(table).toMatch(/^Snapshot of +Taken +Size +Id\n/);
    expect(table).toMatch(/\ndatabases +\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC +[\d.]+ KiB +[0-9a-f]{8}\n/);
    expect(table).toMatch(/\ndocuments +\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC +512 KiB +[0-9a-f]{8}\n/);
    expect(table).toMatch(/\nbinlogs: shipped from .* UTC to .* UTC \(\d+ shippings\)\n/);
    expect(table).toContain(
      `restore --to: any time from ${restoreTimeText(range.from)} to ${restoreTimeText(range.to)}\n`,
    );
  }, 120_000);

  it("restores every row before the time and none after, and every document, with the same checksums", () => {
    const choice = choosePointInTime(inspect(target, documents).snapshots, at);
    if (!("point" in choice)) throw new Error(choice.problem);
    const run = restoreTo(target, documents, choice.point.env, at);
    expect(run.log).toContain("restore: building the set of");
    expect(run.log).toMatch(/replaying \d+ binlog file\(s\)/);
    expect(run.log).toContain("(as sei_restore_load, which may write only the staging databases)");
    expect(run.log).toContain("restore: moving the documents of set");
    expect(run.status, run.log).toBe(0);
    expect(target.query("SELECT COUNT(*), MIN(id), MAX(id) FROM sei.protocolo").trim()).toBe("800\t1\t800");
    expect(target.query("SELECT id_orgao, sigla FROM sip.orgao").trim()).toBe("1\tTIRADENTES");
    // The documents sit at the top of the repository, as the instance had them, and nothing else is left.
    expect(sha256Tree(documents)).toEqual(documentSums);
    expect(readdirSync(documents)).toEqual(["2026"]);
    // No account, grant or staging database is left behind.
    expect(target.query("SELECT user FROM mysql.user WHERE user LIKE 'sei_restore%'").trim()).toBe("");
    expect(target.query("SHOW DATABASES LIKE '%restore%'").trim()).toBe("");
    // The check now sees a full target: a second restore would be refused before anything stops.
    expect(inspect(target, documents).target).toMatchObject({ tables: 2, documentEntries: 1 });
  }, 240_000);
});

describe("another cluster (docs/runbooks/move-cluster.md)", () => {
  it("the runbook's restic copy into the new cluster's repository, with the escrowed key, restores the same point", async () => {
    // The new cluster's repository: another prefix, another key, made as `backups provision` makes it.
    const newEnv = {
      ...rig.storeEnv,
      RESTIC_REPOSITORY: `${rig.storeEnv.RESTIC_REPOSITORY}-new-cluster`,
      RESTIC_PASSWORD: "the-new-namespace-key",
    };
    const keys = mkdtempSync(join(rig.dirs.work, "keys-"));
    writeFileSync(join(keys, "old"), rig.storeEnv.RESTIC_PASSWORD!); // from the vault
    writeFileSync(join(keys, "new"), newEnv.RESTIC_PASSWORD);
    const restic = (args: string[]) => spawnSync("restic", args, { encoding: "utf8", env: newEnv });
    expect(restic(["init"]).status).toBe(0);
    // The runbook's shell has the administrator's S3 key in its environment, and no repository or password.
    const withoutPassword = Object.fromEntries(
      Object.entries(newEnv).filter(([name]) => name !== "RESTIC_PASSWORD" && name !== "RESTIC_REPOSITORY"),
    );
    // Step 3 of the runbook, as written there.
    const copied = spawnSync(
      "restic",
      [
        ...["--repo", newEnv.RESTIC_REPOSITORY, "--password-file", join(keys, "new")],
        ...["copy", "--from-repo", rig.storeEnv.RESTIC_REPOSITORY!, "--from-password-file", join(keys, "old")],
        ...["--host", MUNICIPALITY],
      ],
      { encoding: "utf8", env: withoutPassword },
    );
    expect(copied.status, copied.stderr).toBe(0);
    const target = await emptyInstanceServer();
    const documents = mkdtempSync(join(rig.dirs.work, "new-cluster-documents-"));
    try {
      const store = { RESTIC_REPOSITORY: newEnv.RESTIC_REPOSITORY, RESTIC_PASSWORD: newEnv.RESTIC_PASSWORD };
      const choice = choosePointInTime(inspect(target, documents, store).snapshots, at);
      if (!("point" in choice)) throw new Error(choice.problem);
      const run = restoreTo(target, documents, choice.point.env, at, store);
      expect(run.status, run.log).toBe(0);
      expect(target.query("SELECT COUNT(*), MIN(id), MAX(id) FROM sei.protocolo").trim()).toBe("800\t1\t800");
      expect(sha256Tree(documents)).toEqual(documentSums);
    } finally {
      await target.stop();
    }
  }, 300_000);
});

describe("a forged backup in the store", () => {
  /**
   * What someone with the namespace's store credentials could write: a dump of their own, and a
   * binlog that, beside rows of sei, makes a database of its own, a routine in the mysql schema and
   * an administrator. Both are made by a MariaDB of theirs and stored with restic as the pods do.
   */
  it("is refused when its binlog does anything outside sei and sip, and the new instance gets nothing", async () => {
    const forger = await startMariaDb({ serverArgs: binlogOptions() });
    const binlogs = mkdtempSync(join(rig.dirs.work, "forged-binlogs-"));
    const target = await emptyInstanceServer();
    const documents = mkdtempSync(join(rig.dirs.work, "forged-target-documents-"));
    try {
      forger.query(
        "CREATE DATABASE sei; CREATE DATABASE sip; CREATE TABLE sei.protocolo (id INT PRIMARY KEY); " +
          "CREATE USER 'sei_backup'@'127.0.0.1' IDENTIFIED BY 'x'; GRANT ALL ON *.* TO 'sei_backup'@'127.0.0.1'",
      );
      const nightly = rig.run("nightly-backup.sh", {
        DB_HOST: forger.host,
        DB_PORT: String(forger.port),
        DB_USER: "sei_backup",
        MYSQL_PWD: "x",
        SEI_DATABASE: "sei",
        SIP_DATABASE: "sip",
        DOCUMENTS: documents,
      });
      expect(nightly.status, nightly.log).toBe(0);
      forger.query(
        "INSERT INTO sei.protocolo VALUES (1); CREATE DATABASE evil; CREATE TABLE evil.t (id INT); INSERT INTO evil.t VALUES (1); " +
          "CREATE PROCEDURE mysql.evil() SELECT 1; CREATE USER 'intruder'@'%' IDENTIFIED BY 'x'; GRANT ALL ON *.* TO 'intruder'@'%' WITH GRANT OPTION",
      );
      const datadir = forger.query("SELECT @@datadir").trim();
      for (const line of forger.query("SHOW BINARY LOGS").trim().split("\n")) {
        const file = line.split("\t")[0]!;
        writeFileSync(join(binlogs, file), readFileSync(join(datadir, file)));
      }
      await sleep(3100);
      const shipped = spawnSync(
        "restic",
        [
          "backup",
          "--json",
          "--host",
          MUNICIPALITY,
          "--tag",
          `municipality=${MUNICIPALITY}`,
          "--tag",
          "kind=binlog",
          binlogs,
        ],
        { encoding: "utf8", env: rig.storeEnv },
      );
      expect(shipped.status, shipped.stderr).toBe(0);
      const forgedId = /"snapshot_id":"([0-9a-f]+)"/.exec(shipped.stdout)![1]!;
      const snapshots = rig.snapshots();
      const dump = snapshots.filter((s) => s.kind === "databases").at(-1)!;
      // The shipper of the real instance keeps shipping too: the forged binlog is the one just made.
      const binlog = snapshots.find((s) => s.id.startsWith(forgedId))!;
      const time = new Date(Math.floor(binlog.time.getTime() / 1000) * 1000 - 2000);
      const point = {
        DUMP_SNAPSHOT: dump.id,
        BINLOG_POSITION: dump.binlog!,
        BINLOG_SNAPSHOT: binlog.id,
        STOP_DATETIME: time.toISOString().slice(0, 19).replace("T", " "),
        DOCUMENTS_SNAPSHOT: "",
        DOCUMENTS_PATH: "",
      };
      const run = restoreTo(target, documents, point, time);
      expect(run.log).toMatch(
        /the dump or the binlogs in the store change what lies outside sei and sip \(.*evil.*\): they are not this instance's; refused, nothing was changed/,
      );
      expect(run.log).toContain("could not be built from the backup store (above); nothing was changed");
      expect(run.status).toBe(1);
      // Nothing reached the new instance: no row, no database, no routine, no account.
      expect(
        target.query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema IN ('sei', 'sip')").trim(),
      ).toBe("0");
      expect(target.query("SHOW DATABASES LIKE 'evil'").trim()).toBe("");
      expect(target.query("SELECT COUNT(*) FROM mysql.proc WHERE name = 'evil'").trim()).toBe("0");
      expect(target.query("SELECT COUNT(*) FROM mysql.user WHERE user = 'intruder'").trim()).toBe("0");
      expect(readdirSync(documents)).toEqual([]);
      expect(existsSync(resolve(documents, ".sei-restore-store"))).toBe(false);
    } finally {
      await Promise.all([forger.stop(), target.stop()]);
      rmSync(binlogs, { recursive: true, force: true });
    }
  }, 240_000);
});
