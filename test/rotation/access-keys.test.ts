/**
 * A rotation of the access keys (spec.rotation.accessKeys): the Job's command
 * (constructs/access-keys-rotation.ts: `php -r` of the first install's PHP,
 * mode `keys`) run against a real MariaDB 10.11 on which the first-install Job
 * installed the reference-schema fixture with the old keys. Checked two ways
 * apart from that PHP: SIP's rule written in node (test/support/access-keys.ts),
 * and the stand-in app's own check (images/standin, "checks an access key
 * exactly as SIP does"), as its SIP web service runs it for SEI's calls.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIP_SYSTEMS } from "../../core/image-contract.ts";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { newKey, sipAccepts } from "../support/access-keys.ts";
import { runBootstrapJob, type AccessKeys } from "../support/bootstrap-job.ts";
import { startMariaDb, type MariaDb } from "../support/mariadb.ts";

const FIRST_INSTALL = join(REPO_ROOT, "charts", "sei", "files", "bootstrap", "first-install.php");
const STANDIN_INFRA = join(REPO_ROOT, "images", "standin", "infra", "infra_php", "Infra.php");
const SIP_USER = { user: "sip_user", password: "SipUserPassword1" };

let db: MariaDb;
const keysOf = (): AccessKeys => ({ sei: newKey(SIP_SYSTEMS.sei.idSistema), sip: newKey(SIP_SYSTEMS.sip.idSistema) });
const before = keysOf();
const after = keysOf();

beforeAll(async () => {
  db = await startMariaDb();
  db.query(
    [
      "CREATE DATABASE sei CHARACTER SET latin1; CREATE DATABASE sip CHARACTER SET latin1; CREATE DATABASE sip_empty;",
      `CREATE USER '${SIP_USER.user}'@'%' IDENTIFIED BY '${SIP_USER.password}'; GRANT ALL PRIVILEGES ON sip.* TO '${SIP_USER.user}'@'%';`,
    ].join("\n"),
  );
  const installed = runBootstrapJob(db, before);
  expect(installed.status, installed.log).toBe(0);
}, 120_000);
afterAll(async () => {
  await db?.stop();
});

/** The Job's container command, with its environment (the first install's variables, the Secret's keys). */
function rotate(keys: AccessKeys, sipDatabase = "sip") {
  const code = readFileSync(FIRST_INSTALL, "utf8").replace(/^<\?php\n/, "");
  const run = spawnSync("php", ["-r", code, "--", "keys", sipDatabase], {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      APP_DB_HOST: db.host,
      APP_DB_PORTA: String(db.port),
      APP_DB_ROOT_USERNAME: db.adminUser,
      APP_DB_ROOT_PASSWORD: db.adminPassword,
      APP_SEI_CHAVE_ACESSO: keys.sei,
      APP_SIP_CHAVE_ACESSO: keys.sip,
    },
  });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The system the stand-in's SIP web service takes `key` for (as sip_user, latin1), or "refused". */
function standinTakes(key: string): string {
  const run = spawnSync(
    "php",
    [
      "-r",
      'require $argv[1]; echo standinSystemForKey(standinDatabase("sip"), $argv[2]) ?? "refused";',
      "--",
      STANDIN_INFRA,
      key,
    ],
    {
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        APP_DB_HOST: db.host,
        APP_DB_PORTA: String(db.port),
        APP_DB_SIP_USERNAME: SIP_USER.user,
        APP_DB_SIP_PASSWORD: SIP_USER.password,
        APP_DB_SIP_BASE: "sip",
      },
    },
  );
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

function rows() {
  return Object.fromEntries(
    Object.values(SIP_SYSTEMS).map(({ sigla }) => {
      const [id, crc, hash] = db
        .query(`SELECT id_sistema, crc, chave_acesso FROM sistema WHERE sigla = '${sigla}' AND id_orgao = 0`, "sip")
        .trim()
        .split("\t");
      return [sigla, { id: Number(id), crc: crc ?? "", hash: hash ?? "" }];
    }),
  );
}
/** Which of SEI's and SIP's keys SIP takes now, by node's rule and by the stand-in's. */
function taken(keys: AccessKeys) {
  const stored = rows();
  return {
    sei: [sipAccepts(keys.sei, stored["SEI"]!), standinTakes(keys.sei)],
    sip: [sipAccepts(keys.sip, stored["SIP"]!), standinTakes(keys.sip)],
  };
}

describe("access keys rotation", () => {
  it("before: SIP takes the keys of the first install, not the new ones", () => {
    expect(taken(before)).toEqual({ sei: [true, "SEI"], sip: [true, "SIP"] });
    expect(taken(after)).toEqual({ sei: [false, "refused"], sip: [false, "refused"] });
  });

  it("refuses a key that is not SIP's shape or crc before it writes anything: both rows stay", () => {
    const stored = rows();
    const upper = rotate({ ...after, sip: after.sip.toUpperCase() });
    expect(upper.code).toBe(1);
    expect(upper.output).toContain("APP_SIP_CHAVE_ACESSO must be 72 characters of [0-9a-z]");
    // SIP's row is written first (first-install.php's SYSTEMS): the transaction that held it is never committed.
    const crc = rotate({ ...after, sei: `00000000${after.sei.slice(8)}` });
    expect(crc.code).toBe(1);
    expect(crc.output).toContain("APP_SEI_CHAVE_ACESSO must begin with 7babf862");
    expect(crc.output).toContain("nothing was written");
    expect(rows()).toEqual(stored);
    expect(taken(before)).toEqual({ sei: [true, "SEI"], sip: [true, "SIP"] });
  });

  it("stores the new keys: SIP takes them, and refuses the old ones; again, nothing more changes", () => {
    const rotated = rotate(after);
    expect(rotated.code, rotated.output).toBe(0);
    expect(rotated.output).toContain("access key of SEI: SIP now takes the Secret's key, and no longer the one before");
    expect(rotated.output.trim().split("\n").at(-1)).toBe("bootstrap: access keys: done");
    expect(rotated.output).not.toContain(after.sei);
    expect(rotated.output).not.toContain(after.sip.slice(8));
    expect(taken(after)).toEqual({ sei: [true, "SEI"], sip: [true, "SIP"] });
    expect(taken(before)).toEqual({ sei: [false, "refused"], sip: [false, "refused"] });
    const stored = rows();
    const again = rotate(after);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain("access key of SIP: SIP has the Secret's already");
    expect(rows()).toEqual(stored);
  });

  it("leaves an instance not installed yet to its first install", () => {
    const empty = rotate(keysOf(), "sip_empty");
    expect(empty.code, empty.output).toBe(0);
    expect(empty.output).toContain(
      "sip_empty has no sistema table yet: the first install stores the Secret's access keys",
    );
    expect(taken(after)).toEqual({ sei: [true, "SEI"], sip: [true, "SIP"] });
  });
});
