/**
 * The two steps of a password rotation (constructs/password-rotation.sh),
 * the file itself run by bash against a real MariaDB 10.11 as the rotation Jobs run them:
 * during the rotation both the old and the new password log in (the running
 * pods keep working while the new ones start), afterwards only the new one.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { startMariaDb, type MariaDb } from "../support/mariadb.ts";

const SCRIPT = join(REPO_ROOT, "constructs/password-rotation.sh");
/** Each account, and the variable (its Secret key) that holds its new password. */
const ACCOUNTS = [
  { user: "sei_user", passwordEnv: "APP_DB_SEI_PASSWORD" },
  { user: "sip_user", passwordEnv: "APP_DB_SIP_PASSWORD" },
  { user: "sei_backup", passwordEnv: "DB_BACKUP_PASSWORD" },
];
let db: MariaDb;
/** Generation `generation`'s password of `user`: letters and digits, like random_password's. */
const password = (user: string, generation: number) => `${user.replaceAll("_", "")}Gen${generation}`;

beforeAll(async () => {
  db = await startMariaDb();
  db.query("CREATE DATABASE sei; CREATE DATABASE sip;");
  for (const { user } of ACCOUNTS)
    db.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password(user, 0)}'; GRANT SELECT ON sei.* TO '${user}'@'%';`);
}, 60_000);
afterAll(() => db?.stop());

/** Runs one step with generation `generation`'s passwords; returns its exit code and output. */
function step(
  step: "accept" | "retire",
  generation: number,
  passwords: Record<string, string> = {},
  accounts = ACCOUNTS.map(({ user, passwordEnv }) => `${user}=${passwordEnv}`).join(" "),
) {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DB_HOST: db.host,
    DB_PORT: String(db.port),
    DB_ADMIN: db.adminUser,
    MYSQL_PWD: db.adminPassword,
    ENGINE: "mariadb",
    ROTATION_STEP: step,
    ROTATED_ACCOUNTS: accounts,
  };
  for (const { user, passwordEnv } of ACCOUNTS) env[passwordEnv] = passwords[user] ?? password(user, generation);
  const run = spawnSync("bash", [SCRIPT], { env, encoding: "utf8" });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The generations whose password logs `user` in, among 0..4. */
function loginsOf(user: string): number[] {
  return [0, 1, 2, 3, 4].filter((generation) => {
    try {
      execFileSync("mariadb", ["-h", db.host, "-P", String(db.port), "-u", user, "-e", "SELECT 1", "sei"], {
        env: { ...process.env, MYSQL_PWD: password(user, generation) },
        stdio: "pipe",
      });
      return true;
    } catch {
      return false;
    }
  });
}
const logins = () => Object.fromEntries(ACCOUNTS.map(({ user }) => [user, loginsOf(user)]));
const every = (generations: number[]) => Object.fromEntries(ACCOUNTS.map(({ user }) => [user, generations]));

describe("password rotation steps on a real MariaDB", () => {
  it("accept: each account logs in with its new and its current password; retire: with the new one only", () => {
    expect(logins()).toEqual(every([0]));
    const accepted = step("accept", 1);
    expect(accepted.code, accepted.output).toBe(0);
    expect(accepted.output).toContain("accept: sei_user logs in with the new password and its current ones");
    expect(logins()).toEqual(every([0, 1]));
    // A Job retried (or run again at the next deploy) changes nothing more.
    expect(step("accept", 1).code).toBe(0);
    expect(logins()).toEqual(every([0, 1]));

    const retired = step("retire", 1);
    expect(retired.code, retired.output).toBe(0);
    expect(retired.output).toContain("retire: sip_user logs in with the new password only");
    expect(logins()).toEqual(every([1]));
    expect(step("retire", 1).code).toBe(0);
    expect(logins()).toEqual(every([1]));
  });

  it("a rotation whose retire never ran: the next accept keeps every password in use, its retire leaves only the newest", () => {
    expect(step("accept", 2).code).toBe(0);
    expect(step("accept", 3).code).toBe(0);
    expect(logins()).toEqual(every([1, 2, 3]));
    expect(step("retire", 3).code).toBe(0);
    expect(logins()).toEqual(every([3]));
  });

  it("refuses a new password that is not letters and digits, before touching that account", () => {
    const hostile = step("accept", 4, { sei_user: "x' OR '1'='1" });
    expect(hostile.code).not.toBe(0);
    expect(hostile.output).toContain("the new password of sei_user must be letters and digits");
    expect(logins()).toEqual(every([3]));
  });

  it("refuses an account list that is not user=VARIABLE, or a step it does not know, before touching any account", () => {
    for (const accounts of [
      "sei_user=APP_DB_SEI_PASSWORD sip_user",
      "sei_user'@'%=APP_DB_SEI_PASSWORD",
      "sei_user=A-B",
    ]) {
      const refused = step("accept", 4, {}, accounts);
      expect(refused.code, accounts).toBe(1);
      expect(refused.output).toMatch(/^ROTATED_ACCOUNTS: ".*" is not user=VARIABLE$/m);
      expect(refused.output).not.toContain("logs in");
    }
    const unknown = step("rotate" as "accept", 4);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain('ROTATION_STEP must be accept or retire, not "rotate"');
    expect(logins()).toEqual(every([3]));
  });

  it("the grants stay as they were", () => {
    expect(db.query("SHOW GRANTS FOR 'sei_user'@'%'")).toContain("GRANT SELECT ON `sei`.* TO `sei_user`@`%`");
  });
});
