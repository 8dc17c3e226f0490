/**
 * Off-site backups and point-in-time restores (issue 19) with real parts: a private versitygw S3
 * store, real restic, and real MariaDB 10.11 servers with the database image's binlog settings
 * (test/support/offsite-rig.ts). The scripts of images/database/offsite run as the pods run them.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drillOutcome } from "../../fleet/drill/outcome.ts";
import { choosePointInTime } from "../../restore/restic-points.ts";
import {
  MUNICIPALITY,
  OFFSITE,
  emptyInstanceServer,
  seedInstance,
  insertProtocolos as insertProtocolosInto,
  startOffsiteRig,
  type OffsiteRig,
} from "../support/offsite-rig.ts";

/** Documents of the repository: enough files that a night's metadata is small beside them. */
const DOCUMENT_FILES = 32;
const DOCUMENT_BYTES = 1024 * 1024;

let rig: OffsiteRig;

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
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; shipper log:\n${rig.shipperLog()}`);
    await sleep(250);
  }
}
const insertProtocolos = (from: number, to: number) => insertProtocolosInto(rig.db, from, to);
const databaseSnapshots = () => rig.snapshots().filter((s) => s.kind === "databases");

beforeAll(async () => {
  rig = await startOffsiteRig();
  seedInstance(rig, DOCUMENT_FILES, DOCUMENT_BYTES, 4);
  rig.startShipper(1);
}, 180_000);

afterAll(async () => {
  await rig?.stop();
});

describe("the nightly off-site backup", () => {
  it("stores both databases in one snapshot tagged with its binlog position, and the documents", () => {
    insertProtocolos(1, 500);
    const { status, log } = rig.nightly();
    expect(log).toMatch(/databases: snapshot [0-9a-f]+, binlog mysql-bin\.\d{6}:\d+,/);
    expect(status).toBe(0);
    const [dump] = databaseSnapshots();
    expect(dump?.binlog).toMatch(/^mysql-bin\.\d{6}:\d+$/);
    const sql = spawnSync("restic", ["dump", dump!.id, "/databases.sql"], { encoding: "latin1", env: rig.storeEnv });
    expect(sql.stdout).toContain("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `sei`");
    expect(sql.stdout).toContain("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `sip`");
    expect(sql.stdout).toMatch(/-- Dump completed/);
    expect(rig.snapshots().filter((s) => s.kind === "documents")).toHaveLength(1);
  }, 120_000);

  it("uploads under 1 % of an unchanged document repository the next night", () => {
    const { status, log } = rig.nightly();
    expect(status).toBe(0);
    const { added, read } = uploaded(log, "documents");
    expect(read).toBeGreaterThanOrEqual(DOCUMENT_FILES * DOCUMENT_BYTES);
    expect(added / read).toBeLessThan(0.01);
  }, 120_000);

  it("makes no snapshot of a dump that fails halfway, nor of one that never starts", async () => {
    const before = databaseSnapshots().length;
    // An account that may read sei but not sip: the stream holds the header and sei, then the dump fails.
    rig.db.query(
      "CREATE USER 'sei_half'@'%' IDENTIFIED BY 'halfPassw0rd'; GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON sei.* TO 'sei_half'@'%';",
    );
    const halfway = rig.nightly("sei_half", "halfPassw0rd");
    expect(halfway.log).toMatch(/the dump failed \(exit \d+\): .*sip.*restic was stopped before it wrote a snapshot/);
    expect(halfway.status).toBe(1);
    const never = rig.nightly("sei_backup", "wrongPassw0rd");
    expect(never.log).toMatch(/the tables of sei and sip could not be listed: .*Access denied.*; no snapshot was made/);
    expect(never.status).toBe(1);
    expect(databaseSnapshots()).toHaveLength(before);
    // No lock left behind: listed while the shipper, whose own restic locks every second, is held.
    const locks = await rig.whileShipperHeld(() =>
      spawnSync("restic", ["list", "locks", "--no-lock"], { encoding: "utf8", env: rig.storeEnv }),
    );
    expect(locks.status).toBe(0);
    expect(locks.stdout.trim()).toBe("");
  }, 120_000);

  it("refuses to start without the store's settings, a writable TMPDIR or valid shipper settings", () => {
    const withoutPassword = Object.fromEntries(
      Object.entries(rig.storeEnv).filter(([name]) => name !== "RESTIC_PASSWORD"),
    );
    const missing = spawnSync("bash", [join(OFFSITE, "nightly-backup.sh")], { encoding: "utf8", env: withoutPassword });
    expect(missing.stderr).toContain("RESTIC_PASSWORD is not set");
    expect(missing.status).toBe(1);
    const readOnly = rig.run("nightly-backup.sh", { TMPDIR: join(rig.dirs.work, "no-such-folder") });
    expect(readOnly.log).toContain("is not a writable folder");
    expect(readOnly.status).toBe(1);
    const shipperEnv = {
      DB_HOST: "127.0.0.1",
      DB_PORT: "1",
      DB_USER: "sei_binlog",
      MYSQL_PWD: "x",
      BINLOG_DIR: rig.dirs.binlogs,
      STATUS_FILE: rig.dirs.status,
      SERVER_ID: "4242",
    };
    for (const [env, problem] of [
      [{ SERVER_ID: "0" }, 'SERVER_ID "0" is not a positive number'],
      [{ SHIP_INTERVAL_SECONDS: "1m" }, 'SHIP_INTERVAL_SECONDS "1m" is not a positive number'],
      [{ STATUS_FILE: join(rig.dirs.work, "no-such-folder", "last") }, "the folder of STATUS_FILE"],
    ] as const) {
      const shipper = rig.run("binlog-shipper.sh", { ...shipperEnv, ...env });
      expect(shipper.log).toContain(problem);
      expect(shipper.status).toBe(1);
    }
  });
});

describe("a point-in-time restore", () => {
  it("brings back every row written before the time and nothing after, into a fresh server", async () => {
    insertProtocolos(501, 800);
    rig.db.query("INSERT INTO sip.orgao VALUES (1, 'TIRADENTES')");
    // The time an operator notes: a whole second, after the rows above.
    await sleep(1000 - (Date.now() % 1000) + 20);
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    rig.db.query("DELETE FROM sei.protocolo WHERE id > 10"); // the bad DELETE
    insertProtocolos(5000, 5010);
    rig.db.query("INSERT INTO sip.orgao VALUES (2, 'LATER')");
    await until("a binlog snapshot shipped after the time", () =>
      "point" in choosePointInTime(rig.snapshots(), at) ? true : undefined,
    );
    const backups = join(rig.dirs.work, "point-in-time");
    const built = rig.pointInTimeSet(at, backups);
    expect(built).toMatchObject({ status: 0, log: expect.stringContaining("replaying") });

    const fresh = await emptyInstanceServer();
    try {
      const documents = join(rig.dirs.work, "restored-documents");
      mkdirSync(documents);
      expect(rig.restoreInto(fresh, backups, built.setName, documents)).toMatchObject({
        status: 0,
        log: expect.stringContaining(`set ${built.setName} restored`),
      });
      expect(fresh.query("SELECT COUNT(*), MIN(id), MAX(id) FROM sei.protocolo").trim()).toBe("800\t1\t800");
      expect(fresh.query("SELECT id_orgao, sigla FROM sip.orgao ORDER BY 1").trim()).toBe("1\tTIRADENTES");
      expect(readdirSync(join(documents, "2026")).sort()).toEqual(["0", "1", "2", "3"]);
    } finally {
      await fresh.stop();
    }
  }, 240_000);

  it("runs nothing a forged dump in the store asks of the shell, and refuses bad input before it starts", () => {
    const marker = join(rig.dirs.work, "forged-dump-ran-a-shell-command");
    const forged = spawnSync(
      "restic",
      ["backup", "--json", "--host", MUNICIPALITY, "--stdin", "--stdin-filename", "databases.sql"],
      { encoding: "utf8", env: rig.storeEnv, input: `CREATE DATABASE sei;\n\\! touch ${marker}\n` },
    );
    const id = /"snapshot_id":"([0-9a-f]+)"/.exec(forged.stdout)![1]!;
    const [binlogs] = rig.snapshots().filter((s) => s.kind === "binlog");
    const env = {
      DUMP_SNAPSHOT: id,
      BINLOG_POSITION: "mysql-bin.000001:4",
      BINLOG_SNAPSHOT: binlogs!.id,
      STOP_DATETIME: "2026-12-07 10:15:00",
      SEI_DATABASE: "sei",
      SIP_DATABASE: "sip",
      SET_DIR: join(rig.dirs.work, "forged-set"),
    };
    const built = rig.run("point-in-time-set.sh", env);
    expect(built.log).toMatch(/Not allowed in the sandbox mode[\s\S]*the dump of snapshot [0-9a-f]+ did not load/);
    expect(built.status).toBe(1);
    expect([existsSync(marker), existsSync(env.SET_DIR), existsSync(`${env.SET_DIR}.partial`)]).toEqual([
      false,
      false,
      false,
    ]);
    for (const [name, value, problem] of [
      ["STOP_DATETIME", "2026-12-07T10:15:00-03:00", "is not 'YYYY-MM-DD HH:MM:SS' (UTC)"],
      ["BINLOG_POSITION", "mysql-bin.000001:4; rm -rf /", "is not <file>:<position>"],
      ["DUMP_SNAPSHOT", "latest", "is not a snapshot id"],
      ["SET_DIR", rig.dirs.documents, "is not a new path"],
    ] as const) {
      const refused = rig.run("point-in-time-set.sh", { ...env, [name]: value });
      expect(refused.log).toContain(problem);
      expect(refused.status).toBe(1);
    }
  }, 120_000);

  it("refuses a time before the first dump, or after the last shipping, naming why", () => {
    const taken = rig.snapshots();
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
    const before = rig.shippedAt();
    await rig.db.restart();
    const restartedAt = Date.now();
    insertProtocolos(9000, 9010);
    const [file, position] = rig.db.query("SHOW MASTER STATUS").split("\t") as [string, string];
    await until("the new binlog copied and shipped", () => {
      let size = 0;
      try {
        size = statSync(join(rig.dirs.binlogs, file)).size;
      } catch {
        return undefined;
      }
      return size >= Number(position) && rig.shippedAt() * 1000 > restartedAt + 1000 ? true : undefined;
    });
    expect(rig.shipperLog()).toMatch(/the binlog reader exited \(\d+\): the server restarted/);
    expect(rig.shippedAt()).toBeGreaterThan(before);
    const shipped = spawnSync("restic", ["ls", "latest", "--tag", "kind=binlog"], {
      encoding: "utf8",
      env: rig.storeEnv,
    });
    expect(shipped.stdout).toContain(`/${file}`);
  }, 120_000);

  it("starts over from the server's first binlog when the server's history was replaced, as by a restore", async () => {
    // A restore or a lost volume gives the server a new data directory: its binlogs begin again at .000001,
    // and the newest copy here names a file it no longer has. RESET MASTER does the same to a running server.
    rig.db.query("FLUSH BINARY LOGS; FLUSH BINARY LOGS;");
    // Made anew clearly after the newest dump (point-in-time-set.sh allows the clocks 5 s): the next test's.
    await sleep(Math.max(0, databaseSnapshots().at(-1)!.time.getTime() + 7000 - Date.now()));
    const [newest] = rig.db.query("SHOW MASTER STATUS").split("\t") as [string];
    await until("the newest binlog copied", () => (existsSync(join(rig.dirs.binlogs, newest)) ? true : undefined));
    rig.db.query("RESET MASTER");
    const resetAt = Date.now();
    insertProtocolos(9100, 9110);
    const [file] = rig.db.query("SHOW MASTER STATUS").split("\t") as [string];
    const row = Buffer.from("Processo nº 9105: solicitação", "latin1");
    await until("the new history copied and shipped", () => {
      let copy: Buffer;
      try {
        copy = readFileSync(join(rig.dirs.binlogs, file));
      } catch {
        return undefined;
      }
      return copy.includes(row) && rig.shippedAt() * 1000 > resetAt ? true : undefined;
    });
    expect(rig.shipperLog()).toMatch(
      /the server no longer has mysql-bin\.\d{6}: .*starting over from mysql-bin\.000001/,
    );
    const shipped = spawnSync("restic", ["dump", "latest", join(rig.dirs.binlogs, file), "--tag", "kind=binlog"], {
      env: rig.storeEnv,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(shipped.stdout.includes(row)).toBe(true);
  }, 120_000);

  it("is never paired with a dump of the history before it: a time after a database made anew is refused until its first nightly backup", async () => {
    // The newest dump is of the old history; the new one reaches the dump's file name, as a server that
    // restarted a few times since would, so only the files' own times tell the histories apart.
    const dump = databaseSnapshots().at(-1)!;
    const dumpFile = dump.binlog!.split(":")[0]!;
    const current = () => rig.db.query("SHOW MASTER STATUS").split("\t")[0]!;
    while (current() < dumpFile) rig.db.query("FLUSH BINARY LOGS");
    insertProtocolos(9200, 9210);
    await sleep(1000 - (Date.now() % 1000) + 20);
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    const shippedSince = Date.now();
    await until("a shipping after the time", () => (rig.shippedAt() * 1000 > shippedSince + 2000 ? true : undefined));
    const built = rig.pointInTimeSet(at, join(rig.dirs.work, "new-history"));
    expect(built.status, built.log).toBe(1);
    expect(built.log).toMatch(
      new RegExp(
        `${dumpFile.replace(".", "\\.")} of binlog snapshot [0-9a-f]+ began at .* after the dump of snapshot ${dump.id}`,
      ),
    );
    expect(built.log).toContain("a database made anew");
    expect(existsSync(join(rig.dirs.work, "new-history", "sets"))).toBe(true);
    expect(readdirSync(join(rig.dirs.work, "new-history", "sets"))).toEqual([]);
  }, 120_000);
});

describe("a restore drill", () => {
  const restic = (args: string[], input?: Buffer) => {
    const out = spawnSync("restic", args, { env: rig.storeEnv, input, maxBuffer: 64 * 1024 * 1024 });
    if (out.status !== 0) throw new Error(`restic ${args.join(" ")}: ${out.stderr.toString()}`);
    return out.stdout;
  };
  const snapshotId = (summary: Buffer) => /"snapshot_id":"([0-9a-f]{8,64})"/.exec(summary.toString())![1]!;
  const newestManifest = () => {
    const manifest = rig
      .snapshots()
      .filter((s) => s.kind === "manifest")
      .at(-1)!;
    return { ...manifest, text: restic(["dump", manifest.id, "/manifest"]).toString("utf8") };
  };
  /** A manifest snapshot with some of its lines replaced: what a corrupted night would have written. */
  const forgeManifest = (text: string) =>
    restic(
      ["backup", "--json", "--host", MUNICIPALITY, "--stdin", "--stdin-filename", "manifest"].concat(
        ["municipality=tiradentes", "kind=manifest"].flatMap((tag) => ["--tag", tag]),
      ),
      Buffer.from(text),
    );
  /** The drill needs the binlogs up to the manifest's position: one shipping after it. */
  const shippedAfter = (time: Date) =>
    until("a binlog snapshot after the manifest", () =>
      rig.snapshots().some((s) => s.kind === "binlog" && s.time.getTime() > time.getTime() + 2000) ? true : undefined,
    );
  let good: ReturnType<typeof newestManifest>;

  it("records each table's count and checksum and every document's hash, and a drill of it passes", async () => {
    // A name with a newline and a backslash: one line of the manifest all the same.
    writeFileSync(join(rig.dirs.documents, "2026", "odd\nname\\.pdf"), "odd");
    const { status, log } = rig.nightly();
    expect(log).toMatch(/manifest: snapshot [0-9a-f]+, 2 tables, 33 documents/);
    expect(status).toBe(0);
    good = newestManifest();
    const rows = rig.db.query("SELECT COUNT(*) FROM sei.protocolo").trim();
    const checksum = rig.db.query("CHECKSUM TABLE sei.protocolo").trim().split("\t")[1];
    expect(good.text).toContain(`\ntable sei protocolo ${rows} ${checksum}\n`);
    expect(good.text).toMatch(/\ndocument [0-9a-f]{64} 2026\/odd\\nname\\\\\.pdf\n/);
    await shippedAfter(good.time);
    // As the cluster runs it: the drill Job's own script, with the Job's environment.
    const drill = await rig.drillAsJob("good");
    expect(drill.log).toContain("drill check passed: 2 tables and 33 documents as the backup recorded them");
    expect(drill.log).toMatch(/^DRILL-RESTORED \d+$/m);
    expect(drill.log).not.toContain("DIFF");
    expect(drill.status).toBe(0);
    // What sei-infra reads of the Job's log: the backup drilled and the newest shipping.
    const outcome = drillOutcome(drill.log, MUNICIPALITY);
    expect(outcome).toMatchObject({ passed: true, differenceCount: 0, backupAt: good.time });
    expect(outcome.lastShippedAt!.getTime()).toBeGreaterThan(good.time.getTime());
  }, 240_000);

  it("replays the binlogs from the dump's position to the manifest's, where writes came between them", async () => {
    // What a busy night records: counts taken at a later binlog position than the dump's. Here the rows
    // come after the nightly, and the manifest of that later position is written as the script would.
    insertProtocolos(20000, 20099);
    const [file, position] = rig.db.query("SHOW MASTER STATUS").split("\t") as [string, string];
    const rows = rig.db.query("SELECT COUNT(*) FROM sei.protocolo").trim();
    const checksum = rig.db.query("CHECKSUM TABLE sei.protocolo").trim().split("\t")[1];
    const later = good.text
      .replace(/\nbinlog \S+\n/, `\nbinlog ${file}:${position}\n`)
      .replace(/\ntable sei protocolo \d+ \d+\n/, `\ntable sei protocolo ${rows} ${checksum}\n`);
    forgeManifest(later);
    await shippedAfter(newestManifest().time);
    const drill = await rig.drill("replayed");
    expect(drill.log).toMatch(/replaying 1 binlog file\(s\) from mysql-bin\.\d+:\d+ up to mysql-bin\.\d+:\d+/);
    expect(drill.log).toContain("drill check passed: 2 tables and 33 documents");
    expect(drill.status).toBe(0);
    // The same counts at the dump's own position: the rows are not in the dump, and the drill says so.
    forgeManifest(later.replace(/\nbinlog \S+\n/, `\nbinlog ${/\ndump-binlog (\S+)\n/.exec(good.text)![1]}\n`));
    await shippedAfter(newestManifest().time);
    const unreplayed = await rig.drill("unreplayed");
    expect(unreplayed.log).toMatch(/^DIFF table sei protocolo count \d+ \d+$/m);
    expect(unreplayed.status).toBe(1);
  }, 240_000);

  it("fails on a dump with a changed row, naming the table and its checksum", async () => {
    const databases = /\ndatabases ([0-9a-f]{8,64})\n/.exec(good.text)![1]!;
    const position = /\ndump-binlog (\S+)\n/.exec(good.text)![1]!;
    const dump = restic(["dump", databases, "/databases.sql"]).toString("latin1");
    const changed = dump.replace("(7,'Processo nº 7: solicitação'", "(7,'Processo nº 7: adulterado'");
    expect(changed).not.toBe(dump);
    const forged = snapshotId(
      restic(
        ["backup", "--json", "--host", MUNICIPALITY, "--stdin", "--stdin-filename", "databases.sql"].concat(
          ["municipality=tiradentes", "kind=databases", `binlog=${position}`].flatMap((tag) => ["--tag", tag]),
        ),
        Buffer.from(changed, "latin1"),
      ),
    );
    forgeManifest(good.text.replace(`\ndatabases ${databases}\n`, `\ndatabases ${forged}\n`));
    await shippedAfter(newestManifest().time);
    const drill = await rig.drill("changed-row");
    expect(drill.log).toMatch(/^DIFF table sei protocolo checksum \d+ \d+$/m);
    expect(drill.log).not.toMatch(/DIFF table sei protocolo count|DIFF table sip|DIFF document/);
    expect(drill.log).toContain("1 difference(s) from the manifest");
    expect(drillOutcome(drill.log, MUNICIPALITY)).toMatchObject({
      passed: false,
      differences: [expect.stringMatching(/^table sei protocolo checksum \d+ \d+$/)],
    });
    expect(drill.status).toBe(1);
  }, 240_000);

  it("fails on a changed and a missing document, naming each", async () => {
    const forgedDocuments = join(rig.dirs.work, "forged-documents");
    spawnSync("cp", ["-a", rig.dirs.documents, forgedDocuments]);
    writeFileSync(join(forgedDocuments, "2026", "1", "5.pdf"), "not the document");
    spawnSync("rm", [join(forgedDocuments, "2026", "2", "6.pdf")]);
    const forged = snapshotId(
      restic(["backup", "--json", "--host", MUNICIPALITY, "--tag", "kind=documents", forgedDocuments]),
    );
    forgeManifest(good.text.replace(/\ndocuments [0-9a-f]{8,64} .*\n/, `\ndocuments ${forged} ${forgedDocuments}\n`));
    await shippedAfter(newestManifest().time);
    const drill = await rig.drill("changed-document");
    expect(drill.log).toMatch(/^DIFF document 2026\/1\/5\.pdf changed$/m);
    expect(drill.log).toMatch(/^DIFF document 2026\/2\/6\.pdf missing$/m);
    expect(drill.log).toContain("2 difference(s) from the manifest");
    expect(drill.status).toBe(1);
  }, 240_000);
});
