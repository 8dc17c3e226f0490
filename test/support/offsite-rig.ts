/**
 * The off-site backup path with real parts, for test/backup/offsite.test.ts, bench/offsite-backup.ts
 * and bench/restore-drill.ts: a private versitygw store with one municipality's restic repository,
 * a MariaDB 10.11 with the database image's binlog settings (images/database/binlog.cnf), the
 * backup's account as the database pod makes it, the binlog shipper's account, and the scripts of
 * images/database/offsite run as the pods run them.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { accountsScript } from "../../constructs/database-scripts.ts";
import { SECRET_KEYS } from "../../core/naming.ts";
import { RESTORE_SCRIPTS } from "../../restore/scripts.ts";
import { choosePointInTime, parseResticSnapshots, type ResticSnapshot } from "../../restore/restic-points.ts";
import { startMariaDb, type MariaDb } from "./mariadb.ts";
import { startVersityStore, type VersityStore } from "./versity-store.ts";

export const OFFSITE = resolve("images/database/offsite");
const DRILL_SCRIPT = resolve("fleet/drill/drill.sh");
export const MUNICIPALITY = "tiradentes";
export const BACKUP_PASSWORD = "b4ckupTestPassw0rd";
const SHIPPER_PASSWORD = "sh1pperTestPassw0rd";
export const ROOT_PASSWORD = "R00tTestPassword";

export interface ScriptRun {
  readonly status: number | null;
  readonly log: string;
}

/** Wall seconds of a drill's steps, for bench/restore-drill.ts (a step that did not run is absent). */
export interface DrillSeconds {
  /** drill-set.sh: the set built from the store (dump loaded and binlogs replayed in a scratch server, documents restored). */
  readonly set?: number;
  /** The fresh server's start (the scratch database pod's, in a real drill). */
  readonly server?: number;
  /** restore/restore.sh: the set loaded into the fresh server, the documents copied. */
  readonly restore?: number;
  /** drill-check.sh: counts, checksums and every document's hash against the manifest. */
  readonly check?: number;
}

export interface OffsiteRig {
  readonly db: MariaDb;
  readonly storeEnv: Readonly<Record<string, string>>;
  /** work: a scratch folder; documents: the repository; binlogs and status: the shipper's. */
  readonly dirs: {
    readonly work: string;
    readonly documents: string;
    readonly binlogs: string;
    readonly status: string;
  };
  run(script: string, env: Record<string, string>): ScriptRun;
  /** The nightly backup as the CronJob runs it, by default as the backup's own account. */
  nightly(user?: string, password?: string): ScriptRun;
  snapshots(): ResticSnapshot[];
  startShipper(intervalSeconds: number): void;
  /**
   * Runs `act` while the shipper is held between two shippings (SIGSTOP once its restic has exited):
   * the store then holds no lock of the shipper's, whose every-second restic would otherwise race a
   * check for locks another script left behind.
   */
  whileShipperHeld<T>(act: () => T): Promise<T>;
  shipperLog(): string;
  /** Unix seconds of the shipper's last successful shipping, 0 before the first. */
  shippedAt(): number;
  /** The set of `at` built from the store into `<backups>/sets/<date>`, once a binlog snapshot after it exists. */
  pointInTimeSet(at: Date, backups: string): ScriptRun & { readonly setName: string };
  /** restore/restore.sh loading a set into a server whose sei and sip are empty. */
  restoreInto(target: MariaDb, backups: string, setName: string, documents: string): ScriptRun;
  /**
   * A restore drill as its Job runs it (docs/drills.md): the set of the newest manifest built from the
   * store (drill-set.sh), restored into a fresh server, and checked there (drill-check.sh).
   */
  drill(label: string): Promise<ScriptRun & { readonly seconds: DrillSeconds }>;
  /**
   * The drill Job's own script (fleet/drill/drill.sh) with the Job's environment (fleet/drill/scratch-namespace.ts),
   * on a fresh server: what `drill` times step by step, as one run of what the cluster runs.
   */
  drillAsJob(label: string): Promise<ScriptRun>;
  stop(): Promise<void>;
}

/**
 * The tests' instance: the tables sei.protocolo and sip.orgao, and `files` random documents of
 * `bytes` each, spread over `folders` folders under 2026/ of the repository.
 */
export function seedInstance(rig: OffsiteRig, files: number, bytes: number, folders: number): void {
  rig.db.query(`
    CREATE TABLE sei.protocolo (id INT PRIMARY KEY, descricao VARCHAR(200), criado DATETIME) CHARACTER SET latin1;
    CREATE TABLE sip.orgao (id_orgao INT PRIMARY KEY, sigla VARCHAR(30)) CHARACTER SET latin1;
  `);
  for (let i = 0; i < files; i++) {
    mkdirSync(join(rig.dirs.documents, "2026", String(i % folders)), { recursive: true });
    writeFileSync(join(rig.dirs.documents, "2026", String(i % folders), `${i}.pdf`), randomBytes(bytes));
  }
}

/** Rows of the test table sei.protocolo (made by the tests), ids from..to, written in one statement. */
export function insertProtocolos(db: MariaDb, from: number, to: number): string {
  return db.query(
    `SET SESSION max_recursive_iterations = 100000;
     INSERT INTO sei.protocolo WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to})
       SELECT i, CONCAT('Processo nº ', i, ': solicitação'), NOW() FROM n;`,
  );
}

/** Whether a child of `pid` named `name` is running (an exited one waiting to be reaped is not). */
function runningChild(pid: number, name: string): boolean {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ").filter(Boolean);
  return children.some((child) => {
    try {
      // /proc/<pid>/stat: "<pid> (<comm>) <state> ..."
      const [, comm, state] = /^\d+ \((.*)\) (\S)/.exec(readFileSync(`/proc/${child}/stat`, "utf8"))!;
      return comm === name && state !== "Z";
    } catch {
      return false; // gone since listed
    }
  });
}

/** The database image's binlog settings, as mariadbd options. */
export function binlogOptions(): string[] {
  return readFileSync("images/database/binlog.cnf", "utf8")
    .split("\n")
    .map((line) => /^([a-z_]+)\s*=\s*(\S+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `--${m[1]}=${m[2]}`);
}

/** A server as the database pod's init script leaves it, with the administrator the restore uses. */
export async function emptyInstanceServer(): Promise<MariaDb> {
  const server = await startMariaDb();
  server.query(`
    CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY '${ROOT_PASSWORD}';
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
    CREATE DATABASE sei CHARACTER SET latin1; CREATE DATABASE sip CHARACTER SET latin1;`);
  return server;
}

export async function startOffsiteRig(): Promise<OffsiteRig> {
  const work = mkdtempSync(join(tmpdir(), "sei-offsite-"));
  const dirs = {
    work,
    documents: join(work, "documents"),
    binlogs: join(work, "binlogs"),
    status: join(work, "binlog-last-shipped"),
  };
  mkdirSync(dirs.documents);
  mkdirSync(dirs.binlogs);
  const [store, db]: [VersityStore, MariaDb] = await Promise.all([
    startVersityStore(),
    startMariaDb({ serverArgs: binlogOptions() }),
  ]);
  const storeEnv = store.resticEnv(MUNICIPALITY);
  db.query(`
    CREATE DATABASE sei CHARACTER SET latin1; CREATE DATABASE sip CHARACTER SET latin1;
  `);
  const accountsSql = join(work, "accounts.sql");
  const account = {
    engine: "mariadb",
    user: "sei_backup",
    databases: ["sei", "sip"],
    passwordEnv: "DB_BACKUP_PASSWORD",
  } as const;
  // The backup's and the shipper's accounts exactly as the database pod makes them.
  const shipperAccount = { user: "sei_binlog", passwordEnv: SECRET_KEYS.binlogShipper.password };
  const accounts = spawnSync("bash", ["-c", accountsScript(account, accountsSql, shipperAccount)], {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      DB_BACKUP_PASSWORD: BACKUP_PASSWORD,
      [shipperAccount.passwordEnv]: SHIPPER_PASSWORD,
    },
  });
  if (accounts.status !== 0) throw new Error(accounts.stderr);
  db.query(readFileSync(accountsSql, "utf8"));

  const databaseEnv = (user: string, password: string) => ({
    DB_HOST: db.host,
    DB_PORT: String(db.port),
    DB_USER: user,
    MYSQL_PWD: password,
    SEI_DATABASE: "sei",
    SIP_DATABASE: "sip",
  });
  const run = (script: string, env: Record<string, string>): ScriptRun => {
    const result = spawnSync("bash", [join(OFFSITE, script)], {
      encoding: "utf8",
      env: { ...storeEnv, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: result.status, log: result.stdout + result.stderr };
  };
  const snapshots = () => {
    const out = spawnSync("restic", ["snapshots", "--json"], { encoding: "utf8", env: storeEnv });
    if (out.status !== 0) throw new Error(out.stderr);
    return parseResticSnapshots(out.stdout, MUNICIPALITY);
  };
  const restoreInto = (target: MariaDb, backups: string, setName: string, documents: string): ScriptRun => {
    const restored = spawnSync("bash", ["-c", RESTORE_SCRIPTS.restore], {
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        RESTORE_SET: setName,
        DB_HOST: target.host,
        DB_PORT: String(target.port),
        DB_ADMIN_USER: "root",
        MYSQL_PWD: ROOT_PASSWORD,
        SEI_DATABASE: "sei",
        SIP_DATABASE: "sip",
        BACKUPS: backups,
        DOCUMENTS: documents,
      },
    });
    return { status: restored.status, log: restored.stdout + restored.stderr };
  };

  let shipper: ChildProcess | undefined;
  let shipperLog = "";

  return {
    db,
    storeEnv,
    dirs,
    run,
    nightly: (user = "sei_backup", password = BACKUP_PASSWORD) =>
      run("nightly-backup.sh", { ...databaseEnv(user, password), DOCUMENTS: dirs.documents }),
    snapshots,
    startShipper(intervalSeconds) {
      shipper = spawn("bash", [join(OFFSITE, "binlog-shipper.sh")], {
        env: {
          ...storeEnv,
          ...databaseEnv("sei_binlog", SHIPPER_PASSWORD),
          BINLOG_DIR: dirs.binlogs,
          STATUS_FILE: dirs.status,
          SERVER_ID: "4242",
          SHIP_INTERVAL_SECONDS: String(intervalSeconds),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      for (const stream of [shipper.stdout!, shipper.stderr!])
        stream.on("data", (chunk: Buffer) => (shipperLog += chunk.toString()));
    },
    async whileShipperHeld(act) {
      const held = shipper!;
      held.kill("SIGSTOP");
      try {
        const deadline = Date.now() + 60_000;
        while (runningChild(held.pid!, "restic")) {
          if (Date.now() > deadline) throw new Error(`the shipper's restic did not end:\n${shipperLog}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        return act();
      } finally {
        held.kill("SIGCONT");
      }
    },
    shipperLog: () => shipperLog,
    shippedAt() {
      try {
        return Number(readFileSync(dirs.status, "utf8"));
      } catch {
        return 0;
      }
    },
    pointInTimeSet(at, backups) {
      const choice = choosePointInTime(snapshots(), at);
      if ("problem" in choice) throw new Error(choice.problem);
      const setName = at.toISOString().slice(0, 10);
      mkdirSync(join(backups, "sets"), { recursive: true });
      const built = run("point-in-time-set.sh", {
        ...choice.point.env,
        SEI_DATABASE: "sei",
        SIP_DATABASE: "sip",
        SET_DIR: join(backups, "sets", setName),
      });
      return { ...built, setName };
    },
    restoreInto,
    async drill(label) {
      const backups = join(work, `drill-${label}`);
      const setName = new Date().toISOString().slice(0, 10);
      mkdirSync(join(backups, "sets"), { recursive: true });
      const manifest = join(backups, "manifest");
      const seconds: { -readonly [K in keyof DrillSeconds]: number } = {};
      const timed = <T>(step: keyof DrillSeconds, act: () => T): T => {
        const started = performance.now();
        try {
          return act();
        } finally {
          seconds[step] = (performance.now() - started) / 1000;
        }
      };
      const built = timed("set", () =>
        run("drill-set.sh", {
          SEI_DATABASE: "sei",
          SIP_DATABASE: "sip",
          SET_DIR: join(backups, "sets", setName),
          MANIFEST: manifest,
        }),
      );
      if (built.status !== 0) return { ...built, seconds };
      const serverStarted = performance.now();
      const fresh = await emptyInstanceServer();
      seconds.server = (performance.now() - serverStarted) / 1000;
      try {
        const documents = join(backups, "restored-documents");
        mkdirSync(documents);
        const restored = timed("restore", () => restoreInto(fresh, backups, setName, documents));
        if (restored.status !== 0) return { status: restored.status, log: built.log + restored.log, seconds };
        const check = timed("check", () =>
          spawnSync("bash", [join(OFFSITE, "drill-check.sh")], {
            encoding: "utf8",
            env: {
              PATH: process.env.PATH,
              MANIFEST: manifest,
              DB_HOST: fresh.host,
              DB_PORT: String(fresh.port),
              DB_USER: "root",
              MYSQL_PWD: ROOT_PASSWORD,
              DOCUMENTS: documents,
            },
          }),
        );
        return { status: check.status, log: built.log + restored.log + check.stdout + check.stderr, seconds };
      } finally {
        await fresh.stop();
      }
    },
    async drillAsJob(label) {
      const scratch = join(work, `drill-job-${label}`);
      const setName = new Date().toISOString().slice(0, 10);
      const fresh = await emptyInstanceServer();
      try {
        const drilled = spawnSync("bash", [DRILL_SCRIPT], {
          encoding: "utf8",
          env: {
            ...storeEnv,
            SEI_DATABASE: "sei",
            SIP_DATABASE: "sip",
            TMPDIR: join(scratch, "tmp"),
            RESTIC_CACHE_DIR: join(scratch, "cache"),
            BACKUPS: join(scratch, "backups"),
            RESTORE_SET: setName,
            SET_DIR: join(scratch, "backups", "sets", setName),
            MANIFEST: join(scratch, "backups", "manifest"),
            DOCUMENTS: join(scratch, "documents"),
            DB_HOST: fresh.host,
            DB_PORT: String(fresh.port),
            DB_USER: "root",
            DB_ADMIN_USER: "root",
            MYSQL_PWD: ROOT_PASSWORD,
            OFFSITE,
            RESTORE_SCRIPT: RESTORE_SCRIPTS.restore,
          },
          maxBuffer: 64 * 1024 * 1024,
        });
        return { status: drilled.status, log: drilled.stdout + drilled.stderr };
      } finally {
        await fresh.stop();
      }
    },
    async stop() {
      if (shipper && shipper.exitCode === null) {
        const exited = new Promise((r) => shipper!.once("exit", r));
        shipper.kill("SIGTERM");
        await exited;
      }
      await Promise.all([store.stop(), db.stop()]);
      rmSync(work, { recursive: true, force: true });
    },
  };
}
