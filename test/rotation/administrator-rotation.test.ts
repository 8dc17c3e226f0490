/**
 * The administrator's rotation steps (constructs/administrator-rotation.sh),
 * the file itself run by bash against a real MariaDB 10.11 as the Jobs run them. The
 * administrator has two entries, like root in the MariaDB image: '%' (what the
 * Jobs log in as) and 'localhost' with `OR unix_socket` (a shell in the
 * database pod). During the rotation the previous and the new password log
 * in, afterwards only the new one, and the socket login stays.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { startMariaDb, type MariaDb } from "../support/mariadb.ts";

const SCRIPT = join(REPO_ROOT, "constructs/administrator-rotation.sh");
const ADMIN = "rootish";
let db: MariaDb;
const password = (generation: number) => `AdminGen${generation}`;

beforeAll(async () => {
  db = await startMariaDb();
  db.query(
    `CREATE USER '${ADMIN}'@'%' IDENTIFIED BY '${password(0)}'; GRANT ALL PRIVILEGES ON *.* TO '${ADMIN}'@'%' WITH GRANT OPTION;` +
      `CREATE USER '${ADMIN}'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('${password(0)}') OR unix_socket;` +
      `GRANT ALL PRIVILEGES ON *.* TO '${ADMIN}'@'localhost' WITH GRANT OPTION;`,
  );
}, 60_000);
afterAll(() => db?.stop());

/** Runs one step moving from generation `from` to `to` (the Secret's new and previous passwords). */
function step(step: "accept" | "retire", to: number, from = to - 1, override: Record<string, string> = {}) {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DB_HOST: db.host,
    DB_PORT: String(db.port),
    DB_ADMIN: ADMIN,
    ENGINE: "mariadb",
    ROTATION_STEP: step,
    ADMIN_PASSWORD: password(to),
    ADMIN_PREVIOUS_PASSWORD: password(from),
    ...override,
  };
  const run = spawnSync("bash", [SCRIPT], { env, encoding: "utf8" });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The generations whose password logs the administrator in over TCP (its '%' entry), among 0..4. */
function logins(): number[] {
  return [0, 1, 2, 3, 4].filter((generation) => {
    try {
      execFileSync("mariadb", ["--no-defaults", "-h", db.host, "-P", String(db.port), "-u", ADMIN, "-e", "SELECT 1"], {
        env: { ...process.env, MYSQL_PWD: password(generation) },
        stdio: "pipe",
      });
      return true;
    } catch {
      return false;
    }
  });
}

/** The generations each entry's password hashes stand for, and whether it keeps the socket login. */
function entries() {
  const hashes = Object.fromEntries(
    [0, 1, 2, 3, 4].map((g) => [db.query(`SELECT PASSWORD('${password(g)}')`).trim(), g]),
  );
  return Object.fromEntries(
    ["%", "localhost"].map((host) => {
      const text = db.query(`SHOW CREATE USER '${ADMIN}'@'${host}'`);
      const generations = [...text.matchAll(/'(\*[0-9A-F]{40})'/g)].map((m) => hashes[m[1]!] ?? -1).sort();
      return [host, { generations, socket: text.includes("unix_socket") }];
    }),
  );
}
const both = (generations: number[]) => ({
  "%": { generations, socket: false },
  localhost: { generations, socket: true },
});

describe("administrator password rotation on a real MariaDB", () => {
  it("accept: every entry takes the new password beside the previous; retire: the new one only, the socket login kept", () => {
    expect(logins()).toEqual([0]);
    const accepted = step("accept", 1);
    expect(accepted.code, accepted.output).toBe(0);
    expect(accepted.output).toContain(
      `accept: ${ADMIN} logs in with the new password and its current ones (% localhost)`,
    );
    expect(logins()).toEqual([0, 1]);
    expect(entries()).toEqual(both([0, 1]));
    // Retried, it logs in with the new password now and changes nothing more.
    expect(step("accept", 1).code).toBe(0);
    expect(entries()).toEqual(both([0, 1]));

    const retired = step("retire", 1);
    expect(retired.code, retired.output).toBe(0);
    expect(retired.output).toContain(`retire: ${ADMIN} logs in with the new password only`);
    expect(logins()).toEqual([1]);
    expect(entries()).toEqual(both([1]));
    expect(step("retire", 1).code).toBe(0);
    expect(entries()).toEqual(both([1]));
  });

  it("the grants stay as they were", () => {
    expect(db.query(`SHOW GRANTS FOR '${ADMIN}'@'%'`)).toContain("WITH GRANT OPTION");
  });

  it("a rotation whose retire never ran: the next accept logs in with what the database still takes", () => {
    expect(step("accept", 2).code).toBe(0);
    // The Secret's previous password is now generation 2's, but the database may still be at 1 and 2.
    expect(step("accept", 3).code).toBe(0);
    expect(logins()).toEqual([1, 2, 3]);
    expect(step("retire", 3).code).toBe(0);
    expect(logins()).toEqual([3]);
  });

  it("refuses, changing nothing, when neither password logs in", () => {
    const lost = step("accept", 4, 2);
    expect(lost.code).not.toBe(0);
    expect(lost.output).toContain(
      `accept: ${ADMIN} logs in with neither the new password nor the previous one: nothing changed`,
    );
    expect(entries()).toEqual(both([3]));
  });

  it("retire refuses, changing nothing, before accept ran: the database does not take the new password yet", () => {
    const early = step("retire", 4);
    expect(early.code).not.toBe(0);
    expect(early.output).toContain(
      `retire: ${ADMIN} does not log in with the new password yet (accept has not run): nothing changed`,
    );
    expect(entries()).toEqual(both([3]));
  });

  it("refuses a password that is not letters and digits, before it logs in", () => {
    const hostile = step("accept", 4, 3, { ADMIN_PASSWORD: "x' OR '1'='1" });
    expect(hostile.code).not.toBe(0);
    expect(hostile.output).toContain("ADMIN_PASSWORD must be letters and digits");
    expect(entries()).toEqual(both([3]));
  });
});
