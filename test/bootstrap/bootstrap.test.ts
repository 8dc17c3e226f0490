/**
 * The first-install Job's script (charts/sei/files/bootstrap), run exactly as
 * the Job runs it (bash, the mariadb client, php-cli, the APP_* environment)
 * against a real MariaDB 10.11 holding the reference-schema fixture
 * (test/fixtures/reference-dumps: the tables and columns the bootstrap touches).
 * The stored access keys are checked with an implementation written apart
 * (test/support/access-keys.ts: bcryptjs, node's md5 and crc32), not with the
 * script's own PHP.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ACCESS_KEY, SEI_VERSION, SIP_SYSTEMS, referenceDumpFile } from "../../core/image-contract.ts";
import { newKey, sipAccepts } from "../support/access-keys.ts";
import { ADMIN_ENV, DIRECTORY_ENV, FIXTURE_DUMPS, runBootstrapJob } from "../support/bootstrap-job.ts";
import { startMariaDb, type MariaDb } from "../support/mariadb.ts";

const DESCRICAO = "Prefeitura Municipal de Olhos-d'Água";

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
    expect(job.stdout).toContain(`installed SEI ${SEI_VERSION}: sei holds 7 tables, sip holds 12`);

    expect(tables("sei")).toBe("contato\ninfra_parametro\norgao\norgao_historico\nseq_contato\ntipo_contato\nusuario");
    expect(tables("sip")).toBe(
      "administrador_sistema\ninfra_parametro\ninfra_sequencia\norgao\nperfil\npermissao\nrel_orgao_autenticacao\nservidor_autenticacao\nsistema\ntipo_permissao\nunidade\nusuario",
    );
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

  it("renames the organisation wherever SEI keeps its name: search text, history, contact, contact-type parameters", () => {
    const row = (query: string) => db.query(query, "sei").trim().split("\t");
    expect(row("SELECT idx_orgao, id_contato FROM orgao WHERE id_orgao = 0")).toEqual([
      "olhos-dagua prefeitura municipal de olhos-d'agua",
      "100000010",
    ]);
    expect(row("SELECT sigla, descricao, dta_fim IS NULL FROM orgao_historico WHERE id_orgao = 0")).toEqual([
      "OLHOS-DAGUA",
      DESCRICAO,
      "1",
    ]);
    // The organisation's contact (what SEI shows as the sender and addressee "Órgão"), type 6 "Órgãos" kept.
    expect(row("SELECT sigla, nome, idx_contato, id_tipo_contato FROM contato WHERE id_contato = 100000010")).toEqual([
      "OLHOS-DAGUA",
      DESCRICAO,
      "olhos-dagua prefeitura municipal de olhos-d'agua",
      "6",
    ]);
    // SEI finds the contact types of the organisation's units and users by <sigla>_ID_TIPO_CONTATO_*.
    expect(
      db
        .query(
          "SELECT p.nome, p.valor, t.nome, t.descricao FROM infra_parametro p JOIN tipo_contato t ON t.id_tipo_contato = p.valor WHERE p.nome LIKE '%\\_ID\\_TIPO\\_CONTATO\\_%' ORDER BY 1",
          "sei",
        )
        .trim()
        .split("\n"),
    ).toEqual([
      "OLHOS-DAGUA_ID_TIPO_CONTATO_UNIDADES\t5\tUnidades OLHOS-DAGUA\tUnidades OLHOS-DAGUA",
      "OLHOS-DAGUA_ID_TIPO_CONTATO_USUARIOS\t1\tUsuários OLHOS-DAGUA\tUsuários OLHOS-DAGUA",
    ]);
    // Nothing in either database still carries the reference organisation's sigla.
    for (const database of ["sei", "sip"]) {
      const columns = db
        .query(
          `SELECT CONCAT(table_name, '.', column_name) FROM information_schema.columns WHERE table_schema = '${database}' AND data_type IN ('varchar', 'char', 'longtext', 'text')`,
        )
        .trim()
        .split("\n");
      const left = columns.filter((column) => {
        const [table, name] = column.split(".");
        return (
          db
            .query(
              `SELECT COUNT(*) FROM \`${table}\` WHERE BINARY \`${name}\` REGEXP '(^|[^A-Z])ABC([^A-Z]|$)'`,
              database,
            )
            .trim() !== "0"
        );
      });
      expect(left, database).toEqual([]);
    }
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
      "sei holds 7 tables and sip holds 12: an installed instance; the reference dumps are not loaded and nothing is changed",
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

/** SIP's accounts that log in with their user name as password: active, of an organisation that does not authenticate. */
const guessable = () =>
  db
    .query(
      "SELECT u.sigla FROM usuario u JOIN orgao o ON o.id_orgao = u.id_orgao WHERE u.sin_ativo = 'S' AND o.sin_autenticar = 'N' ORDER BY 1",
      "sip",
    )
    .trim();
const activeAccounts = (database: string) =>
  db.query("SELECT sigla FROM usuario WHERE sin_ativo = 'S' ORDER BY id_usuario", database).trim().split("\n");
/** The profiles an account holds, as "<system> <profile>". */
const profilesOf = (login: string) =>
  db
    .query(
      `SELECT CONCAT(s.sigla, ' ', f.nome) FROM permissao p JOIN usuario u ON u.id_usuario = p.id_usuario
        JOIN perfil f ON f.id_perfil = p.id_perfil AND f.id_sistema = p.id_sistema JOIN sistema s ON s.id_sistema = p.id_sistema
        WHERE u.sigla = '${login}' AND u.sin_ativo = 'S' ORDER BY 1`,
      "sip",
    )
    .trim()
    .split("\n");

describe("bootstrap leaves no account with a known password", () => {
  beforeAll(() => {
    freshDatabases();
    // The fixture's facts the checks below depend on: before the first install, teste logs in as teste/teste.
    db.query("CREATE DATABASE reference CHARACTER SET latin1");
  });
  afterAll(() => db.query("DROP DATABASE IF EXISTS reference"));

  it("the reference data alone lets teste in with its user name as password, as an administrator", () => {
    const sip = readFileSync(join(FIXTURE_DUMPS, referenceDumpFile("sip")), "utf8");
    db.query(sip, "reference");
    const before = db
      .query(
        "SELECT u.sigla FROM usuario u JOIN orgao o ON o.id_orgao = u.id_orgao WHERE u.sin_ativo = 'S' AND o.sin_autenticar = 'N' ORDER BY 1",
        "reference",
      )
      .trim();
    expect(before).toBe("SIP\nteste");
  });

  it("authenticates every organisation, deactivates every person's reference account, keeps the systems' own", () => {
    const job = runJob();
    expect(job.stderr).toBe("");
    expect(job.status).toBe(0);
    expect(job.stdout).toContain("reference accounts deactivated: teste; every organisation authenticates");
    expect(guessable()).toBe("");
    expect(db.query("SELECT DISTINCT sin_autenticar FROM orgao", "sip").trim()).toBe("S");
    expect(activeAccounts("sip")).toEqual(["SIP", ADMIN_ENV.APP_ADMIN_LOGIN]);
    expect(db.query("SELECT sin_ativo FROM usuario WHERE sigla = 'teste'", "sip").trim()).toBe("N");
    expect(db.query("SELECT sin_ativo FROM usuario WHERE sigla = 'teste'", "sei").trim()).toBe("N");
    expect(activeAccounts("sei")).toEqual(["SEI", "SIP", ADMIN_ENV.APP_ADMIN_LOGIN]);
    expect(job.log).not.toContain(DIRECTORY_ENV.APP_DIRECTORY_BIND_PASSWORD);
  });

  it("registers the directory as the only authentication server, linked to the organisation", () => {
    expect(
      db
        .query(
          `SELECT nome, sta_tipo, endereco, porta, usuario_pesquisa, senha_pesquisa, contexto_pesquisa,
            atributo_filtro_pesquisa, atributo_retorno_pesquisa, versao FROM servidor_autenticacao`,
          "sip",
        )
        .trim()
        .split("\t"),
    ).toEqual([
      "PRODEMGE",
      "LDAP",
      DIRECTORY_ENV.APP_DIRECTORY_URL,
      "636",
      DIRECTORY_ENV.APP_DIRECTORY_BIND_DN,
      DIRECTORY_ENV.APP_DIRECTORY_BIND_PASSWORD,
      DIRECTORY_ENV.APP_DIRECTORY_SEARCH_BASE,
      "uid",
      "distinguishedName",
      "3",
    ]);
    // The id comes from SIP's sequence (the reference used 1 and 2), which now stands at it.
    expect(
      db
        .query(
          "SELECT r.id_orgao, r.id_servidor_autenticacao, r.sequencia, q.num_atual FROM rel_orgao_autenticacao r, infra_sequencia q WHERE q.nome_tabela = 'servidor_autenticacao'",
          "sip",
        )
        .trim(),
    ).toBe("0\t3\t0\t3");
  });

  it("gives the first administrator SIP's and SEI's administrator profiles, SEI's replica and a contact", () => {
    const profiles = profilesOf(ADMIN_ENV.APP_ADMIN_LOGIN);
    expect(profiles).toEqual(expect.arrayContaining(["SIP Administrador SIP", "SEI Administrador", "SEI Básico"]));
    const [id, nome, email] = db
      .query(`SELECT id_usuario, nome, email FROM usuario WHERE sigla = '${ADMIN_ENV.APP_ADMIN_LOGIN}'`, "sip")
      .trim()
      .split("\t");
    expect([nome, email]).toEqual([ADMIN_ENV.APP_ADMIN_NAME, ADMIN_ENV.APP_ADMIN_EMAIL]);
    expect(id).toBe("100000002");
    expect(db.query("SELECT num_atual FROM infra_sequencia WHERE nome_tabela = 'usuario'", "sip").trim()).toBe(id);
    expect(
      db.query(`SELECT id_sistema FROM administrador_sistema WHERE id_usuario = ${id} ORDER BY 1`, "sip").trim(),
    ).toBe("100000099\n100000100");
    expect(
      db
        .query(
          `SELECT u.id_usuario, u.nome, u.idx_usuario, u.sta_tipo, c.id_contato, c.nome, c.email, c.idx_contato
            FROM usuario u JOIN contato c ON c.id_contato = u.id_contato WHERE u.sigla = '${ADMIN_ENV.APP_ADMIN_LOGIN}'`,
          "sei",
        )
        .trim()
        .split("\t"),
    ).toEqual([
      id,
      ADMIN_ENV.APP_ADMIN_NAME,
      "joana.ti joana araujo",
      "0",
      "100000011",
      ADMIN_ENV.APP_ADMIN_NAME,
      ADMIN_ENV.APP_ADMIN_EMAIL,
      "joana.ti joana araujo",
    ]);
  });
});

describe("bootstrap without a directory or a first administrator", () => {
  beforeAll(freshDatabases);

  it("still deactivates every reference account and authenticates the organisation: nobody can log in", () => {
    const none = Object.fromEntries([...Object.keys(DIRECTORY_ENV), ...Object.keys(ADMIN_ENV)].map((k) => [k, ""]));
    const job = runJob(none);
    expect(job.stderr).toBe("");
    expect(job.status).toBe(0);
    expect(job.stdout).toContain("no directory (platform.yaml directory): nobody can log in");
    expect(job.stdout).toContain("no first administrator");
    expect(guessable()).toBe("");
    expect(activeAccounts("sip")).toEqual(["SIP"]);
    expect(db.query("SELECT COUNT(*) FROM servidor_autenticacao", "sip").trim()).toBe("0");
    expect(db.query("SELECT COUNT(*) FROM rel_orgao_autenticacao", "sip").trim()).toBe("0");
  });
});

describe("bootstrap refuses a bad directory or administrator and installs nothing", () => {
  beforeEach(freshDatabases);

  it("names every malformed variable before touching the database", () => {
    const job = runJob({
      APP_DIRECTORY_URL: "https://ldap.example.test",
      APP_DIRECTORY_TYPE: "OpenLDAP",
      APP_DIRECTORY_BIND_PASSWORD: "x".repeat(101),
      APP_ADMIN_LOGIN: "Joana TI",
      APP_ADMIN_EMAIL: "joana",
    });
    expect(job.status).toBe(1);
    for (const message of [
      "APP_DIRECTORY_URL must be an ldap:// or ldaps:// URL",
      "APP_DIRECTORY_TYPE must be LDAP or AD",
      "APP_DIRECTORY_BIND_PASSWORD must be 1-100 characters",
      "APP_ADMIN_LOGIN must be a lower-case login name",
      "APP_ADMIN_EMAIL must be an e-mail address",
    ])
      expect(job.stderr).toContain(message);
    expect(job.stdout).not.toContain("waiting for the database");
    expect(tables("sip")).toBe("");
  });

  it("refuses a first administrator with the login of a system's own account, and installs nothing", () => {
    const job = runJob({ APP_ADMIN_LOGIN: "sip" });
    expect(job.status).toBe(1);
    expect(job.stderr).toContain(`APP_ADMIN_LOGIN "sip" is the login of one of the systems' own accounts`);
    expect(tables("sei")).toBe("");
    expect(tables("sip")).toBe("");
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
