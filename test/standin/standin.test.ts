/**
 * The stand-in app (images/standin, NOT SEI) in the SEI app image's runtime
 * (images/app/runtime: the entrypoint, Apache config and php.ini the app image
 * uses), run as www-data (33) like the pod, against real processes on
 * loopback: MariaDB 10.11 installed by the project's bootstrap script and
 * memcached. Solr cannot run here (no distribution in the reachable
 * registries), so a small HTTP server in this test answers for it and checks
 * what the stand-in sends (basic auth, core paths); JOD is the e2e cluster's
 * JOD stand-in (scripts/e2e/images/jod/jod.py) with the JOD image's own upload
 * limits (images/jod/application.yaml).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGIN_FORM, SEI_VERSION, SIP_SYSTEMS, SIP_VERSION } from "../../core/image-contract.ts";
import { ADMIN_ENV, runBootstrapJob } from "../support/bootstrap-job.ts";
import { freePort, startMariaDb, type MariaDb } from "../support/mariadb.ts";
import { examplePlan } from "../../scripts/lib/example-plan.ts";
import { get as getManifest, helmTemplate, podTemplate } from "../chart/support.ts";
import { inImageLayout, phpIniScanDir } from "../support/app-runtime.ts";
import { newPassword, startPrivateDirectory, type PrivateDirectory } from "../../scripts/lib/directory-fixture.ts";

const RUNTIME = resolve("images/app/runtime");
const WEB = resolve("images/standin/web");
const WWW_DATA = 33;
/** The stand-in's framework (NOT SEI's), laid out at /opt/infra as SEI's is in the image: found through include_path only. */
const OPT = { "/opt/infra": resolve("images/standin/infra") };
const asRoot = process.getuid?.() === 0;

const key = (id: number, fill: string) => crc32(String(id)).toString(16).padStart(8, "0") + fill.repeat(64);
const keys = { sei: key(SIP_SYSTEMS.sei.idSistema, "s"), sip: key(SIP_SYSTEMS.sip.idSistema, "p") };
const solr = { user: "sei", password: "SolrPassword42" };

let db: MariaDb;
let work: string;
let memcached: ChildProcess;
let memcachedPort: number;
let fakes: Server;
let fakesPort: number;
let apache: ChildProcess;
let apachePort: number;
let jod: ChildProcess;
let jodPort: number;
let directory: PrivateDirectory;
/** The directory's accounts: passwords made per run, never in git. */
const BASE_DN = "ou=municipios,dc=sei-test,dc=local";
const directoryEntries = {
  baseDn: BASE_DN,
  bindDn: `cn=sip-search,${BASE_DN}`,
  bindPassword: newPassword(),
  people: [
    {
      municipality: "olhos-dagua",
      login: ADMIN_ENV.APP_ADMIN_LOGIN,
      name: ADMIN_ENV.APP_ADMIN_NAME,
      email: ADMIN_ENV.APP_ADMIN_EMAIL,
      password: newPassword(),
    },
    // The same login in another municipality's branch: SIP searches only its own.
    { municipality: "serra", login: "teste", name: "Outro", email: "o@serra.test", password: "teste" },
  ],
};
const seen = { solrCores: new Set<string>() };

/** Runs as the pod does: the image's /opt/infra, user 33, its output to a file. */
function runAsWwwData(command: string, args: string[], env: Record<string, string>, logFile: string): ChildProcess {
  const [program, programArgs] = inImageLayout(
    OPT,
    ...((asRoot
      ? ["setpriv", [`--reuid=${WWW_DATA}`, `--regid=${WWW_DATA}`, "--clear-groups", "--", command, ...args]]
      : [command, args]) as [string, string[]]),
  );
  const log = openSync(logFile, "a");
  try {
    return spawn(program, programArgs, { env, stdio: ["ignore", log, log] });
  } finally {
    closeSync(log);
  }
}

async function waitFor(what: string, ready: () => Promise<boolean>, log: () => string) {
  const deadline = Date.now() + 30_000;
  while (!(await ready().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not start:\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function standinEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    // The image's entrypoint, pointed at the stand-in and at this test's ports and folders.
    SEI_APACHE_CONF: join(RUNTIME, "apache.conf"),
    SEI_RUN_DIR: join(work, "run"),
    SEI_HTTP_PORT: String(apachePort),
    SEI_HTTP_WORKERS: "4",
    SEI_WEB_ROOT: WEB,
    SEI_WEB_ROOT_SEI: join(WEB, "sei"),
    SEI_WEB_ROOT_SIP: join(WEB, "sip"),
    SEI_WEB_ROOT_INFRA_CSS: join(WEB, "infra_css"),
    SEI_WEB_ROOT_INFRA_JS: join(WEB, "infra_js"),
    PHP_INI_SCAN_DIR: phpIniScanDir("apache2"),
    // The contract's variables, as the chart sets them.
    APP_PROTOCOLO: "http",
    APP_HOST: `127.0.0.1:${apachePort}`,
    APP_ORGAO: "OLHOS-DAGUA",
    APP_ORGAO_DESCRICAO: "Prefeitura Municipal de Olhos-d'Água",
    APP_DB_TIPO: "MySql",
    APP_DB_HOST: db.host,
    APP_DB_PORTA: String(db.port),
    APP_DB_SEI_BASE: "sei",
    APP_DB_SEI_USERNAME: "sei_user",
    APP_DB_SEI_PASSWORD: "SeiUserPassword1",
    APP_DB_SIP_BASE: "sip",
    APP_DB_SIP_USERNAME: "sip_user",
    APP_DB_SIP_PASSWORD: "SipUserPassword1",
    APP_SEI_CHAVE_ACESSO: keys.sei,
    APP_SIP_CHAVE_ACESSO: keys.sip,
    APP_SOLR_URL: `http://127.0.0.1:${fakesPort}/solr`,
    APP_SOLR_CORE_PROTOCOLOS: "sei-protocolos",
    APP_SOLR_CORE_BASECONHECIMENTO: "sei-bases-conhecimento",
    APP_SOLR_CORE_PUBLICACOES: "sei-publicacoes",
    SOLR_USERNAME: solr.user,
    SOLR_PASSWORD: solr.password,
    APP_MEMCACHED_HOST: "127.0.0.1",
    APP_MEMCACHED_SESSION: "true",
    STANDIN_SIP_MEMCACHED_HOST: "127.0.0.1",
    STANDIN_MEMCACHED_PORT: String(memcachedPort),
    SEI_MEMCACHED_PORT: String(memcachedPort),
    STANDIN_JOD_URL: `http://127.0.0.1:${jodPort}/conversion?format=pdf`,
    SEI_DOCUMENTS_PATH: join(work, "arquivos"),
    SEI_TEMP_PATH: join(work, "temp"),
    // As the chart sets it where the cluster has a directory: libldap checks the directory's certificate.
    LDAPTLS_CACERT: directory.caFile,
  };
}

beforeAll(async () => {
  db = await startMariaDb();
  work = mkdtempSync(join(tmpdir(), "sei-standin-"));
  chmodSync(work, 0o755);
  for (const dir of ["run", "arquivos", "temp"]) {
    mkdirSync(join(work, dir));
    if (asRoot) chownSync(join(work, dir), WWW_DATA, WWW_DATA);
  }

  // The databases as the init script and the project's bootstrap leave them.
  db.query(
    "CREATE DATABASE sei CHARACTER SET latin1; CREATE DATABASE sip CHARACTER SET latin1;" +
      "CREATE USER 'sei_user'@'%' IDENTIFIED BY 'SeiUserPassword1'; GRANT ALL PRIVILEGES ON sei.* TO 'sei_user'@'%';" +
      "CREATE USER 'sip_user'@'%' IDENTIFIED BY 'SipUserPassword1'; GRANT ALL PRIVILEGES ON sip.* TO 'sip_user'@'%';",
  );
  directory = await startPrivateDirectory(directoryEntries, await freePort());
  const bootstrap = runBootstrapJob(db, keys, {
    APP_PROTOCOLO: "http",
    APP_HOST: "127.0.0.1",
    APP_DIRECTORY_URL: directory.url,
    APP_DIRECTORY_PORT: String(directory.port),
    APP_DIRECTORY_SEARCH_BASE: `ou=olhos-dagua,${BASE_DN}`,
    APP_DIRECTORY_BIND_DN: directoryEntries.bindDn,
    APP_DIRECTORY_BIND_PASSWORD: directoryEntries.bindPassword,
  });
  if (bootstrap.status !== 0) throw new Error(`bootstrap failed:\n${bootstrap.log}`);

  memcachedPort = await freePort();
  memcached = spawn(
    "memcached",
    ["-l", "127.0.0.1", "-p", String(memcachedPort), "-U", "0", "-m", "16", ...(asRoot ? ["-u", "nobody"] : [])],
    { stdio: "ignore" },
  );

  jodPort = await freePort();
  jod = spawn("python3", [resolve("scripts/e2e/images/jod/jod.py")], {
    env: {
      PATH: process.env.PATH ?? "",
      JOD_PORT: String(jodPort),
      JOD_CONFIG: resolve("images/jod/application.yaml"),
    },
    stdio: "ignore",
  });
  await waitFor(
    "the JOD stand-in",
    async () => (await fetch(`http://127.0.0.1:${jodPort}/actuator/health`)).ok,
    () => "(no log)",
  );

  // Answers for Solr (see the file comment), recording what the stand-in sent.
  fakes = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://fakes");
      const core = /^\/solr\/([^/]+)\/select$/.exec(url.pathname)?.[1];
      if (core) {
        const expected = `Basic ${Buffer.from(`${solr.user}:${solr.password}`).toString("base64")}`;
        if (request.headers.authorization !== expected) return void response.writeHead(401).end();
        seen.solrCores.add(core);
        return void response.writeHead(200, { "content-type": "application/json" }).end('{"response":{"numFound":0}}');
      }
      response.writeHead(404).end();
    });
  });
  fakesPort = await new Promise<number>((done) =>
    fakes.listen(0, "127.0.0.1", () => done((fakes.address() as { port: number }).port)),
  );

  apachePort = await freePort();
  const apacheLog = join(work, "apache.log");
  apache = runAsWwwData(join(RUNTIME, "entrypoint.sh"), [], standinEnv(), apacheLog);
  await waitFor(
    "Apache with the stand-in",
    async () => (await fetch(`http://127.0.0.1:${apachePort}/infra_css/standin.css`)).ok,
    () => readFileSync(apacheLog, "utf8"),
  );
}, 120_000);

afterAll(async () => {
  for (const child of [apache, memcached, jod]) child?.kill("SIGTERM");
  await new Promise<void>((done) => (fakes ? fakes.close(() => done()) : done()));
  await db?.stop();
  await directory?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/**
 * One connection a request: a request sent on a kept-alive connection that Apache has just closed
 * fails ("SocketError: other side closed"); under load the tests' spawnSync calls hold the event
 * loop past Apache's KeepAliveTimeout, and the upload test failed so.
 */
function get(path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set("connection", "close");
  return fetch(`http://127.0.0.1:${apachePort}${path}`, { redirect: "manual", ...init, headers });
}
/** A browser's request as the Ingress forwards it after ending TLS. */
const viaIngress = { headers: { "x-forwarded-proto": "https" } };

/** PHP's CLI as the scheduler and the updater run it: the image's /opt/infra and CLI ini files, no entrypoint. */
function phpCli(args: string[], input?: string, env: Record<string, string> = {}) {
  const [command, commandArgs] = inImageLayout(OPT, "php", args);
  return spawnSync(command, commandArgs, {
    input,
    encoding: "utf8",
    env: { ...standinEnv(), PHP_INI_SCAN_DIR: phpIniScanDir("cli"), ...env },
  });
}

// First: the last tests of the next block stop memcached and the database.
describe("the stand-in's login binds to the directory as SIP does (not SIP)", () => {
  const loginPage = `${LOGIN_FORM.path}?sigla_orgao_sistema=OLHOS-DAGUA&sigla_sistema=SEI`;
  const admin = directoryEntries.people[0]!;
  async function signIn(login: string, password: string) {
    const form = await get(loginPage, viaIngress);
    const cookie = /PHPSESSID=[^;]+/.exec(form.headers.get("set-cookie") ?? "")?.[0] ?? "";
    const response = await get(loginPage, {
      method: "POST",
      headers: { ...viaIngress.headers, cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ txtUsuario: login, pwdSenha: password, selOrgao: "OLHOS-DAGUA" }).toString(),
    });
    const session = /PHPSESSID=[^;]+/.exec(response.headers.get("set-cookie") ?? "")?.[0] ?? cookie;
    return {
      status: response.status,
      location: response.headers.get("location"),
      page: await response.text(),
      session,
    };
  }

  it("signs the first administrator in with the directory's password and sends them to SEI's start page", async () => {
    const signed = await signIn(admin.login, admin.password);
    expect(signed.status, signed.page).toBe(302);
    expect(signed.location).toBe("http://127.0.0.1/sei/inicializar.php");
    const home = await get("/sei/inicializar.php", { headers: { ...viaIngress.headers, cookie: signed.session } });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(`signed in as ${admin.login}`);
    // Without the session SEI's start page sends the browser to the login.
    expect((await get("/sei/inicializar.php", viaIngress)).status).toBe(302);
  });

  it("refuses teste/teste, the login as its own password, a wrong or empty password, and an unknown login", async () => {
    for (const [login, password] of [
      ["teste", "teste"],
      [admin.login, admin.login],
      [admin.login, `${admin.password}x`],
      [admin.login, ""],
      ["ninguem", "ninguem"],
    ] as const) {
      const refused = await signIn(login, password);
      expect(refused.status, `${login}/${password}`).toBe(200);
      expect(refused.location).toBeNull();
      expect(refused.page).toContain("Usu&aacute;rio ou senha inv&aacute;lida.");
      expect(refused.page).toContain(LOGIN_FORM.marker);
    }
  });

  it("fails where SIP would on the reference data: teste/teste signs in while the organisation does not authenticate", async () => {
    db.query("UPDATE orgao SET sin_autenticar = 'N'; UPDATE usuario SET sin_ativo = 'S' WHERE sigla = 'teste'", "sip");
    try {
      expect((await signIn("teste", "teste")).status).toBe(302);
    } finally {
      db.query(
        "UPDATE orgao SET sin_autenticar = 'S'; UPDATE usuario SET sin_ativo = 'N' WHERE sigla = 'teste'",
        "sip",
      );
    }
    expect((await signIn("teste", "teste")).status).toBe(200);
  });

  it("refuses every login when SIP's search account no longer binds", async () => {
    db.query("UPDATE servidor_autenticacao SET senha_pesquisa = 'wrong'", "sip");
    try {
      expect((await signIn(admin.login, admin.password)).status).toBe(200);
    } finally {
      db.query(`UPDATE servidor_autenticacao SET senha_pesquisa = '${directoryEntries.bindPassword}'`, "sip");
    }
    expect((await signIn(admin.login, admin.password)).status).toBe(302);
  });
});

describe("stand-in app in the app image's runtime (not SEI)", () => {
  it("reports every dependency of the contract reachable, machine-readably", async () => {
    const response = await get("/standin/dependencies.php");
    const report = (await response.json()) as {
      ok: boolean;
      standIn: string;
      checks: Record<string, { ok: boolean; detail: string }>;
    };
    expect(report.standIn).toContain("NOT SEI");
    expect(Object.entries(report.checks).filter(([, c]) => !c.ok)).toEqual([]);
    expect(Object.keys(report.checks).sort()).toEqual([
      "database-sei",
      "database-sip",
      "documents",
      "jod",
      "memcached",
      "memcached-sip",
      "sip",
      "solr",
      "upload",
    ]);
    expect(report.ok).toBe(true);
    expect(response.status).toBe(200);
    expect(report.checks["database-sip"]?.detail).toBe("connected as its app user, latin1, 1 organisation(s)");
    expect(report.checks.sip?.detail).toContain("accepted SEI's access key");
    expect([...seen.solrCores].sort()).toEqual(["sei-bases-conhecimento", "sei-protocolos", "sei-publicacoes"]);
    // Over Spring's default 1 MB a file: only a JOD configured for SEI's documents converts it.
    expect(report.checks.jod?.detail).toBe(
      `converted a text file of 5 MB to PDF at http://127.0.0.1:${jodPort}/conversion?format=pdf`,
    );
    expect(report.checks.upload?.detail).toBe(
      "20 two-request uploads through APP_HOST, every one found; served by 1 pod(s)",
    );
    // The write and upload checks clean up after themselves.
    expect(readdirSync(join(work, "arquivos"))).toEqual([]);
    expect(readdirSync(join(work, "temp"))).toEqual([]);
  });

  it("serves the login form the app probe looks for, and SEI's redirect to it", async () => {
    const login = await get(`${LOGIN_FORM.path}?sigla_orgao_sistema=OLHOS-DAGUA&sigla_sistema=SEI`, viaIngress);
    expect(login.status).toBe(200);
    expect(login.headers.get("content-type")).toContain("ISO-8859-1");
    const page = await login.text();
    expect(page).toContain(LOGIN_FORM.marker);
    expect(page).toContain("<option>OLHOS-DAGUA</option>");
    const sei = await get("/sei/");
    expect(sei.status).toBe(302);
    expect(sei.headers.get("location")).toBe(
      `http://127.0.0.1:${apachePort}/sip/login.php?sigla_orgao_sistema=OLHOS-DAGUA&sigla_sistema=SEI`,
    );
  });

  it("hands HTTPS=on to PHP for what the Ingress forwarded as https: SIP's login redirects anything else, its service description follows", async () => {
    const page = `${LOGIN_FORM.path}?sigla_orgao_sistema=OLHOS-DAGUA&sigla_sistema=SEI`;
    const plain = await get(page);
    expect(plain.status).toBe(302);
    expect(plain.headers.get("location")).toBe(`https://127.0.0.1:${apachePort}${page}`);
    expect((await get(page, { headers: { "x-forwarded-proto": "http" } })).status).toBe(302);
    expect((await get(page, viaIngress)).status).toBe(200);
    const endpoint = async (init?: RequestInit) =>
      /location="([^"]+)"/.exec(await (await get("/sip/controlador_ws.php?servico=sip", init)).text())?.[1];
    expect(await endpoint(viaIngress)).toBe(`https://127.0.0.1:${apachePort}/sip/controlador_ws.php?servico=sip`);
    expect(await endpoint()).toBe(`http://127.0.0.1:${apachePort}/sip/controlador_ws.php?servico=sip`);
  });

  it("keeps web sessions in memcached when APP_MEMCACHED_SESSION is true; the CLI's in files of its own /tmp", async () => {
    const login = await get(`${LOGIN_FORM.path}?sigla_orgao_sistema=OLHOS-DAGUA&sigla_sistema=SEI`, viaIngress);
    expect(login.status).toBe(200);
    const id = /PHPSESSID=([^;]+)/.exec(login.headers.get("set-cookie") ?? "")?.[1];
    expect(id).toBeDefined();
    const stored = phpCli([
      "-r",
      `$m = new Memcached(); $m->addServer('127.0.0.1', ${memcachedPort}); echo $m->get('memc.sess.key.${id}');`,
    ]);
    expect(stored.stdout).toContain("login form shown");
    const cli = phpCli(["-r", 'echo ini_get("session.save_handler"), " ", ini_get("session.save_path");']);
    expect(cli.stdout).toBe("files /tmp");
  });

  it("passes the app probe the chart renders, the same command the kubelet runs", async () => {
    const manifests = await helmTemplate(valuesWithAppPort(apachePort));
    const probe = podTemplate(getManifest(manifests, "Deployment", "sei-app")).spec.containers[0]!.readinessProbe!.exec!
      .command;
    const run = spawnSync(probe[0]!, probe.slice(1), {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", APP_ORGAO: "OLHOS-DAGUA" },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("stands in for SEI's updater (NOT SEI's): accepts a database at the image's version as the administrator, refuses any other, migrates nothing", () => {
    const updater = (script: string, env: Record<string, string>, input = `${db.adminUser}\n${db.adminPassword}\n`) =>
      phpCli([resolve("images/standin", script)], input, env);
    const current = { STANDIN_SEI_VERSION: SEI_VERSION, STANDIN_SIP_VERSION: SIP_VERSION };
    for (const script of [
      "sip/scripts/atualizar_versao_sip.php",
      "sip/scripts/atualizar_recursos_sei.php",
      "sei/scripts/atualizar_versao_sei.php",
    ]) {
      const ok = updater(script, current);
      expect(ok.stdout).toMatch(
        /^stand-in updater \(NOT SEI's updater\): (sei|sip) says (SEI|SIP)_VERSAO=\d+\.\d+\.\d+, this image's version, as the administrator; nothing to update\n$/,
      );
      expect(ok.status).toBe(0);
    }
    const newer = updater("sei/scripts/atualizar_versao_sei.php", { ...current, STANDIN_SEI_VERSION: "5.2.0" });
    expect(newer.stderr).toContain(
      `sei says SEI_VERSAO='${SEI_VERSION}', this image is 5.2.0; the stand-in migrates nothing`,
    );
    expect(newer.status).toBe(1);
    const wrongPassword = updater(
      "sip/scripts/atualizar_versao_sip.php",
      current,
      `${db.adminUser}\nnot-the-password\n`,
    );
    expect(wrongPassword.stderr).toContain("Access denied");
    expect(wrongPassword.status).toBe(1);
  });

  it("stands in for SIP's connection class and the scheduled-task runners the chart's updater and scheduler call", () => {
    const php = (args: string[]) => phpCli(args);
    // charts/sei/files/updater.sh waits with exactly this call.
    const wait = php([
      "-r",
      `require_once '${resolve("images/standin/sip/web/Sip.php")}'; $c = BancoSip::getInstance(); $c->abrirConexao(); echo $c->executarSql('select sigla from sistema')->num_rows;`,
    ]);
    expect(wait.stdout).toBe("2");
    for (const runner of ["sei/scripts/AgendamentoTarefaSEI.php", "sip/scripts/AgendamentoTarefaSip.php"]) {
      const ran = php([resolve("images/standin", runner)]);
      expect(ran.stdout + ran.stderr).toBe("");
      expect(ran.status).toBe(0);
    }
  });

  it("loses an upload whose second request reaches a replica without the first one's file, as SEI does", async () => {
    const form = new FormData();
    form.append("arquivo", new Blob([new Uint8Array(1024)]), "anexo.bin");
    const written = (await (await get("/sei/standin_upload.php", { method: "POST", body: form })).json()) as {
      nome: string;
    };
    expect(readdirSync(join(work, "temp"))).toEqual([written.nome]);
    // Another replica with a temp folder of its own: the file is not there.
    rmSync(join(work, "temp", written.nome));
    const read = await get(`/sei/standin_upload.php?nome=${written.nome}`);
    expect(read.status).toBe(404);
    expect(((await read.json()) as { erro: string }).erro).toBe(`Anexo ${written.nome} não encontrado`);
  });

  it("refuses a key SIP did not store, as SIP does", async () => {
    const wrong = createHash("sha256").update("not the key").digest("hex").slice(0, 64);
    const response = await get("/sip/controlador_ws.php?servico=sip", {
      method: "POST",
      body: new URLSearchParams({ chave: `7babf862${wrong}` }),
    });
    expect(response.status).toBe(403);
  });

  it("says which dependency is down, with HTTP 503", async () => {
    memcached.kill("SIGTERM");
    await new Promise((r) => memcached.once("exit", r));
    const response = await get("/standin/dependencies.php");
    const report = (await response.json()) as { ok: boolean; checks: Record<string, { ok: boolean; detail: string }> };
    expect(response.status).toBe(503);
    expect(report.ok).toBe(false);
    expect(report.checks.memcached?.ok).toBe(false);
    expect(report.checks["memcached-sip"]?.ok).toBe(false);
    expect(report.checks["database-sei"]?.ok).toBe(true);
  });

  it("fails the app probe once SIP's database is down", async () => {
    const manifests = await helmTemplate(valuesWithAppPort(apachePort));
    const probe = podTemplate(getManifest(manifests, "Deployment", "sei-app")).spec.containers[0]!.readinessProbe!.exec!
      .command;
    await db.stop();
    const run = spawnSync(probe[0]!, probe.slice(1), {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", APP_ORGAO: "OLHOS-DAGUA" },
    });
    expect(run.status).not.toBe(0);
    expect((await get(LOGIN_FORM.path, viaIngress)).status).toBe(503);
  });
});

/** The chart's values of an example instance, with the app on this test's port. */
function valuesWithAppPort(port: number) {
  const values = examplePlan({ tier: "pequeno-i", phase: "production" }).release!.values;
  return { ...values, app: { ...values.app, port } };
}
