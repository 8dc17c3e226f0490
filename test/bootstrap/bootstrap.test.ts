/**
 * The first-install Job's script (charts/sei/files/bootstrap), run exactly as
 * the Job runs it (bash, the mariadb client, php-cli, the APP_* environment)
 * against a real MariaDB 10.11 holding the reference-schema fixture
 * (test/fixtures/reference-dumps: the tables and columns the bootstrap touches).
 * The stored access keys are checked with an implementation written here
 * (bcryptjs, node's md5 and crc32), not with the script's own PHP.
 */
import { createHash, randomInt } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ACCESS_KEY, SEI_VERSION, SIP_SYSTEMS, referenceDumpFile } from "../../core/image-contract.ts";
import { FIXTURE_DUMPS, runBootstrapJob } from "../support/bootstrap-job.ts";
import { startMariaDb, type MariaDb } from "../support/mariadb.ts";

const DESCRICAO = "Prefeitura Municipal de Olhos-d'Água";

/** SIP's verification, written independently: crc = crc32b(id) = key prefix, bcrypt(md5(rest)) = stored hash. */
function sipAccepts(key: string, row: { id: number; crc: string; hash: string }): boolean {
  const crc = crc32(String(row.id)).toString(16).padStart(8, "0");
  const md5 = createHash("md5").update(key.slice(ACCESS_KEY.crcLength)).digest("hex");
  return ACCESS_KEY.pattern.test(key) && key.startsWith(crc) && row.crc === crc && bcrypt.compareSync(md5, row.hash);
}

/** A key as Terraform will generate it: the system's crc, then 64 random [0-9a-z]. */
function newKey(idSistema: number): string {
  const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  const rest = Array.from(
    { length: ACCESS_KEY.length - ACCESS_KEY.crcLength },
    () => alphabet[randomInt(alphabet.length)],
  ).join("");
  return crc32(String(idSistema)).toString(16).padStart(8, "0") + rest;
}

let db: MariaDb;
beforeAll(async () => {
  db = await startMariaDb();
});
afterAll(async () => {
  await db?.stop();
});

/** The databases as the database pod's init script leaves them: created, empty, latin1, each with its user. */
function freshDatabases() {
  db.query(
    [
      "DROP DATABASE IF EXISTS sei; DROP DATABASE IF EXISTS sip;",
      "CREATE DATABASE sei CHARACTER SET latin1 COLLATE latin1_swedish_ci; CREATE DATABASE sip CHARACTER SET latin1 COLLATE latin1_swedish_ci;",
      "CREATE USER IF NOT EXISTS 'sei_user'@'%' IDENTIFIED BY 'SeiUserPassword1'; GRANT ALL PRIVILEGES ON sei.* TO 'sei_user'@'%';",
      "CREATE USER IF NOT EXISTS 'sip_user'@'%' IDENTIFIED BY 'SipUserPassword1'; GRANT ALL PRIVILEGES ON sip.* TO 'sip_user'@'%';",
    ].join("\n"),
  );
}

const keys = { sei: newKey(SIP_SYSTEMS.sei.idSistema), sip: newKey(SIP_SYSTEMS.sip.idSistema) };

const runJob = (overrides: Record<string, string> = {}) => runBootstrapJob(db, keys, overrides);

const tables = (database: string) =>
  db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = '${database}' ORDER BY 1`).trim();
const databases = () => db.query("SHOW DATABASES").trim().split("\n");
function systemRow(sigla: string) {
  const [id, crc, hash] = db
    .query(`SELECT id_sistema, crc, chave_acesso FROM sistema WHERE sigla = '${sigla}'`, "sip")
    .trim()
    .split("\t");
  return { id: Number(id), crc: crc ?? "", hash: hash ?? "" };
}

describe("bootstrap on a new instance", () => {
  beforeAll(freshDatabases);

  it("loads the reference dumps into the empty sei and sip and applies the first-install settings", () => {
    const job = runJob();
    expect(job.stderr).toBe("");
    expect(job.status).toBe(0);
    expect(job.stdout).toContain(`installed SEI ${SEI_VERSION}: sei holds 2 tables, sip holds 3`);

    expect(tables("sei")).toBe("infra_parametro\norgao");
    expect(tables("sip")).toBe("infra_parametro\norgao\nsistema");
    expect(databases().filter((name) => name.includes("bootstrap"))).toEqual([]);

    for (const database of ["sei", "sip"]) {
      expect(db.query("SELECT sigla, descricao FROM orgao WHERE id_orgao = 0", database).trim()).toBe(
        `OLHOS-DAGUA\t${DESCRICAO}`,
      );
      // latin1 on disk: "Á" is the single byte C1.
      expect(db.query("SELECT HEX(descricao) FROM orgao WHERE id_orgao = 0", database).trim()).toContain(
        "2D6427C1677561",
      );
    }
    expect(
      db
        .query("SELECT sigla, pagina_inicial, IFNULL(web_service, '-') FROM sistema ORDER BY sigla", "sip")
        .trim()
        .split("\n"),
    ).toEqual([
      "SEI\thttps://sei.olhosdagua.mg.gov.br/sei/inicializar.php\thttps://sei.olhosdagua.mg.gov.br/sei/controlador_ws.php?servico=sip",
      "SIP\thttps://sei.olhosdagua.mg.gov.br/sip\t-",
    ]);
  });

  it("stores access-key hashes and crcs that SIP's algorithm accepts for the Secret's keys, and no other key", () => {
    for (const system of Object.values(SIP_SYSTEMS)) {
      const row = systemRow(system.sigla);
      const key = system.keyVariable === "APP_SEI_CHAVE_ACESSO" ? keys.sei : keys.sip;
      expect(row.id).toBe(system.idSistema);
      expect(row.hash.startsWith(`${ACCESS_KEY.bcryptPrefix}${ACCESS_KEY.bcryptCost}$`)).toBe(true);
      expect(sipAccepts(key, row)).toBe(true);
      expect(sipAccepts(newKey(system.idSistema), row)).toBe(false);
    }
    // Each key only opens its own system.
    expect(sipAccepts(keys.sei, systemRow("SIP"))).toBe(false);
  });

  it("changes nothing when run again, and says the instance is installed", () => {
    const before = db.dump("sei", "sip");
    const job = runJob();
    expect(job.status).toBe(0);
    expect(job.stdout).toContain(
      "sei holds 2 tables and sip holds 3: an installed instance; the reference dumps are not loaded and nothing is changed",
    );
    expect(job.stdout).toContain("access key of SEI: matches APP_SEI_CHAVE_ACESSO");
    expect(job.stdout).toContain("access key of SIP: matches APP_SIP_CHAVE_ACESSO");
    expect(db.dump("sei", "sip")).toBe(before);
  });

  it("reports, without changing anything, a Secret whose key no longer matches what SIP stores", () => {
    const before = db.dump("sei", "sip");
    const job = runJob({ APP_SEI_CHAVE_ACESSO: newKey(SIP_SYSTEMS.sei.idSistema) });
    expect(job.status).toBe(0);
    expect(job.stdout).toContain("access key of SEI: does NOT match APP_SEI_CHAVE_ACESSO");
    expect(job.log).not.toContain(keys.sei);
    expect(db.dump("sei", "sip")).toBe(before);
  });
});

describe("bootstrap never reloads or overwrites a database that holds data", () => {
  beforeEach(freshDatabases);

  it("leaves databases with user data untouched and says so", () => {
    db.query(
      "CREATE TABLE protocolo (id_protocolo BIGINT PRIMARY KEY, protocolo_formatado VARCHAR(50)) CHARACTER SET latin1; INSERT INTO protocolo VALUES (1, '00001.000001/2026-01');",
      "sei",
    );
    db.query(
      "CREATE TABLE orgao (id_orgao INT PRIMARY KEY, sigla VARCHAR(30)) CHARACTER SET latin1; INSERT INTO orgao VALUES (0, 'PMBH');",
      "sip",
    );
    const before = db.dump("sei", "sip");
    const job = runJob();
    expect(job.status).toBe(0);
    expect(job.stdout).toContain(
      "sei holds 1 tables and sip holds 1: an installed instance; the reference dumps are not loaded and nothing is changed",
    );
    expect(job.stdout).toContain("organisation 0 is PMBH");
    expect(db.dump("sei", "sip")).toBe(before);
  });

  it("stops on a half-installed instance (one database empty) and touches neither", () => {
    db.query(
      "CREATE TABLE protocolo (id_protocolo BIGINT PRIMARY KEY) CHARACTER SET latin1; INSERT INTO protocolo VALUES (7);",
      "sei",
    );
    const before = db.dump("sei", "sip");
    const job = runJob();
    expect(job.status).toBe(1);
    expect(job.stderr).toContain(
      "sei holds 1 tables but sip holds 0: a half-installed instance; nothing is loaded or changed",
    );
    expect(db.dump("sei", "sip")).toBe(before);
  });
});

describe("bootstrap refuses bad input and installs nothing", () => {
  beforeEach(freshDatabases);

  const expectNothingInstalled = () => {
    expect(tables("sei")).toBe("");
    expect(tables("sip")).toBe("");
    expect(databases().filter((name) => name.includes("bootstrap"))).toEqual([]);
  };

  it("names every malformed variable before touching the database", () => {
    const job = runJob({
      APP_ORGAO: "PREFEITURA-MUNICIPAL-DE-SAO-JOAO-DEL-REI",
      APP_SEI_CHAVE_ACESSO: "short",
      APP_PROTOCOLO: "ftp",
    });
    expect(job.status).toBe(1);
    expect(job.stderr).toContain("APP_ORGAO must be 1-30 letters");
    expect(job.stderr).toContain("APP_SEI_CHAVE_ACESSO must be 72 characters of [0-9a-z]");
    expect(job.stderr).toContain("APP_PROTOCOLO must be http or https");
    expect(job.stdout).not.toContain("waiting for the database");
    expectNothingInstalled();
  });

  it("refuses a key that does not begin with its system's crc", () => {
    const job = runJob({ APP_SIP_CHAVE_ACESSO: newKey(SIP_SYSTEMS.sei.idSistema) });
    expect(job.status).toBe(1);
    expect(job.stderr).toContain(
      "APP_SIP_CHAVE_ACESSO must begin with d27791b8, the crc SIP derives from id_sistema 100000099",
    );
    expectNothingInstalled();
  });

  it("refuses reference dumps of another SEI version than the image's", () => {
    const dir = mkdtempSync(join(tmpdir(), "sei-dumps-"));
    try {
      // Dumps filed under 5.0.0 whose content is 5.1.0: the version inside wins.
      for (const database of ["sei", "sip"] as const) {
        copyFileSync(join(FIXTURE_DUMPS, referenceDumpFile(database)), join(dir, referenceDumpFile(database, "5.0.0")));
      }
      const job = runJob({ SEI_VERSION: "5.0.0", SEI_BOOTSTRAP_DUMPS: dir });
      expect(job.status).toBe(1);
      expect(job.stderr).toContain(
        'the SEI reference dump says SEI_VERSAO="5.1.0", the image was built for SEI 5.0.0; nothing was installed',
      );
      expectNothingInstalled();
      const missing = runJob({ SEI_BOOTSTRAP_DUMPS: dir });
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain(`${referenceDumpFile("sei")} is missing`);
      expectNothingInstalled();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses dumps with objects it cannot move, before moving anything", () => {
    const dir = mkdtempSync(join(tmpdir(), "sei-dumps-"));
    try {
      copyFileSync(join(FIXTURE_DUMPS, referenceDumpFile("sei")), join(dir, referenceDumpFile("sei")));
      const sip = readFileSync(join(FIXTURE_DUMPS, referenceDumpFile("sip")), "utf8");
      writeFileSync(
        join(dir, referenceDumpFile("sip")),
        `${sip}\nCREATE VIEW sistema_ativo AS SELECT sigla FROM sistema WHERE sin_ativo = 'S';\n`,
      );
      const job = runJob({ SEI_BOOTSTRAP_DUMPS: dir });
      expect(job.status).toBe(1);
      expect(job.stderr).toContain(
        "the reference dumps define views, triggers or routines (sistema_ativo), which this bootstrap cannot move; nothing was installed",
      );
      expectNothingInstalled();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names a database that is missing", () => {
    db.query("DROP DATABASE sip");
    const job = runJob();
    expect(job.status).toBe(1);
    expect(job.stderr).toContain("database sip does not exist");
  });
});

describe("the fixture stands for the reference dumps", () => {
  it("carries the reference crcs, which are crc32b of the system ids", () => {
    const sip = readFileSync(join(FIXTURE_DUMPS, referenceDumpFile("sip")), "utf8");
    for (const system of Object.values(SIP_SYSTEMS)) {
      expect(sip).toContain(`(${system.idSistema},0,100000018,'${system.sigla}'`);
      expect(sip).toContain(`'${crc32(String(system.idSistema)).toString(16).padStart(8, "0")}'`);
    }
  });
});
