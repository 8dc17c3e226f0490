/**
 * A private MariaDB server for one test file: Debian's mariadbd (10.11 on
 * bookworm) started as a plain process on 127.0.0.1 with its own data
 * directory, socket and port, as scripts/e2e/cluster.sh runs PostgreSQL.
 * scripts/tools/debian-packages.sh (npm pretest) installs it on a clean machine.
 *
 * The server is configured like the instance's database (latin1, 128M
 * packets); an administrator `sei_admin`@127.0.0.1 stands for the root account
 * the bootstrap Job uses.
 *
 * mariadb-install-db runs once per test run (or per process, for a bench), not
 * once per server: every server starts on its own copy of that data directory
 * (vitest's globalSetup, test/support/mariadb-run.ts, names the run's folder).
 * Each server keeps its temporary tables in a folder of its own, not in the
 * /tmp every other process shares.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MARIADBD = "/usr/sbin/mariadbd";
const INSTALL_DB = "/usr/bin/mariadb-install-db";

export interface MariaDb {
  readonly host: "127.0.0.1";
  readonly port: number;
  readonly adminUser: string;
  readonly adminPassword: string;
  /** Runs SQL as the administrator; returns tab-separated rows without a header. */
  query(sql: string, database?: string): string;
  /** mysqldump-style text of the databases, without the dump date, for byte comparisons. */
  dump(...databases: string[]): string;
  /** Stops the server and starts it again on the same data directory, with the same options. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface MariaDbOptions {
  /** More options of mariadbd (an --init-file, say), at every start. */
  readonly serverArgs?: readonly string[];
}

/** At install and at every start alike, so that no start rebuilds the redo log. */
const INNODB_OPTIONS = [
  "--innodb-buffer-pool-size=32M",
  "--innodb-log-file-size=16M",
  "--innodb-flush-log-at-trx-commit=2",
];

/** mariadbd refuses to run as root unless told to; the tests run as root on CI. */
const asUser = () => (process.getuid?.() === 0 ? ["--user=root"] : []);

/** Under the run's lock: mariadb-install-db ($4...) into a folder renamed to $1 once complete, unless $1 exists. */
const INSTALL_ONCE = `set -e
initialised=$1 partial=$2 scratch=$3; shift 3
test -d "$initialised" && exit 0
rm -rf "$partial" "$scratch" && mkdir "$scratch"
"$@" --datadir="$partial" --tmpdir="$scratch"
mv "$partial" "$initialised"`;

/** The environment variable that names the test run's folder (test/support/mariadb-run.ts). */
export const MARIADB_RUN_ENV = "SEI_MARIADB_RUN";

/**
 * The data directory mariadb-install-db made, once for the run's folder: the first caller makes it
 * under a lock (vitest's workers are processes), the others wait and copy it. Without a run's folder
 * (a bench, a script) the process makes one of its own and removes it when it exits.
 */
function initialisedDatadir(): string {
  for (const binary of [MARIADBD, INSTALL_DB]) {
    if (!existsSync(binary))
      throw new Error(`${binary} is missing: run scripts/tools/debian-packages.sh (npm test does, in pretest)`);
  }
  const run = process.env[MARIADB_RUN_ENV] ?? processRunFolder();
  const template = join(run, "initialised");
  if (existsSync(template)) return template;
  execFileSync(
    "flock",
    [
      join(run, "lock"),
      "bash",
      "-c",
      INSTALL_ONCE,
      "bash",
      template,
      join(run, "initialising"),
      join(run, "install-tmp"),
    ]
      .concat([INSTALL_DB, "--no-defaults", "--auth-root-authentication-method=normal", "--skip-test-db"])
      .concat(INNODB_OPTIONS, asUser()),
    { stdio: "pipe" },
  );
  return template;
}

let ownRunFolder: string | undefined;
function processRunFolder(): string {
  if (ownRunFolder) return ownRunFolder;
  const folder = mkdtempSync(join(tmpdir(), "sei-mariadb-run-"));
  process.once("exit", () => rmSync(folder, { recursive: true, force: true }));
  return (ownRunFolder = folder);
}

export async function startMariaDb({ serverArgs = [] }: MariaDbOptions = {}): Promise<MariaDb> {
  const dir = mkdtempSync(join(tmpdir(), "sei-mariadb-"));
  const datadir = join(dir, "data");
  const scratch = join(dir, "tmp");
  const socket = join(dir, "mariadb.sock");
  cpSync(initialisedDatadir(), datadir, { recursive: true });
  mkdirSync(scratch);
  const port = await freePort();
  const args = [
    "--no-defaults",
    `--datadir=${datadir}`,
    `--socket=${socket}`,
    `--port=${port}`,
    "--bind-address=127.0.0.1",
    `--pid-file=${join(dir, "mariadbd.pid")}`,
    `--tmpdir=${scratch}`,
    "--skip-name-resolve",
    "--character-set-server=latin1",
    "--collation-server=latin1_swedish_ci",
    "--max-allowed-packet=128M",
    ...INNODB_OPTIONS,
    ...asUser(),
    ...serverArgs,
  ];
  const viaSocket = (sql: string) =>
    execFileSync(
      "mariadb",
      ["--no-defaults", `--socket=${socket}`, "--user=root", "--batch", "--skip-column-names", "-e", sql],
      { encoding: "utf8", stdio: "pipe" },
    );

  let server = await launch();
  async function launch(): Promise<ChildProcess> {
    const child = spawn(MARIADBD, args, { stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        viaSocket("SELECT 1");
        return child;
      } catch {
        if (child.exitCode !== null || Date.now() > deadline) {
          child.kill("SIGKILL");
          rmSync(dir, { recursive: true, force: true });
          throw new Error(`mariadbd did not start on 127.0.0.1:${port}:\n${log}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
  async function halt(): Promise<void> {
    if (server.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
    server.kill("SIGTERM");
    await exited;
  }

  const adminUser = "sei_admin";
  const adminPassword = "Adm1nTestPassword";
  viaSocket(
    `CREATE USER '${adminUser}'@'127.0.0.1' IDENTIFIED BY '${adminPassword}'; GRANT ALL PRIVILEGES ON *.* TO '${adminUser}'@'127.0.0.1' WITH GRANT OPTION;`,
  );

  const client = (args: readonly string[], input?: string) =>
    execFileSync(
      "mariadb",
      [
        "--no-defaults",
        "--host=127.0.0.1",
        `--port=${port}`,
        `--user=${adminUser}`,
        "--default-character-set=utf8mb4",
        ...args,
      ],
      {
        encoding: "utf8",
        env: { ...process.env, MYSQL_PWD: adminPassword },
        ...(input === undefined ? {} : { input }),
      },
    );

  return {
    host: "127.0.0.1",
    port,
    adminUser,
    adminPassword,
    query: (sql, database) =>
      client(["--batch", "--skip-column-names", ...(database ? [`--database=${database}`] : []), "-e", sql]),
    dump: (...databases) =>
      execFileSync(
        "mariadb-dump",
        [
          "--no-defaults",
          "--host=127.0.0.1",
          `--port=${port}`,
          `--user=${adminUser}`,
          "--skip-dump-date",
          "--default-character-set=latin1",
          "--databases",
          ...databases,
        ],
        { encoding: "latin1", env: { ...process.env, MYSQL_PWD: adminPassword }, maxBuffer: 64 * 1024 * 1024 },
      ),
    async restart() {
      await halt();
      server = await launch();
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP port the kernel just had free on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
