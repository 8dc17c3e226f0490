/**
 * One image contract: core/image-contract.ts (data), docs/images.md (words)
 * and images/<name>/Containerfile (recipes) must say the same thing. The
 * images cannot be built here (their bases and SEI's source are out of reach),
 * so the recipes are linted with hadolint and read instruction by instruction.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  BOOTSTRAP_ENV,
  DOCUMENTS_PATH,
  FIXED_SERVICE_NAMES,
  IMAGES,
  JOD_CONVERSION_URL,
  LOGIN_FORM,
  SEI_APP_ENV,
  SEI_VERSION,
  SIP_SYSTEMS,
  SIP_VERSION,
  SOLR_CORES,
  referenceDumpFile,
  type ImageName,
} from "../../core/image-contract.ts";
import { parse } from "yaml";

const doc = readFileSync("docs/images.md", "utf8");
const names = Object.keys(IMAGES) as ImageName[];

/** Containerfile instructions, continuation lines joined, comments dropped. */
function instructions(name: ImageName): { keyword: string; args: string }[] {
  const text = readFileSync(join(IMAGES[name].recipe, "Containerfile"), "utf8");
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [keyword = "", ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    });
}
const last = (name: ImageName, keyword: string) =>
  instructions(name)
    .filter((i) => i.keyword === keyword)
    .at(-1)?.args;
const argDefault = (name: ImageName, arg: string) =>
  instructions(name)
    .find((i) => i.keyword === "ARG" && i.args.startsWith(`${arg}=`))
    ?.args.slice(arg.length + 1);

describe("the image contract data", () => {
  it("holds the access-key crcs SIP derives from the system ids: crc32b of the decimal id", () => {
    for (const system of Object.values(SIP_SYSTEMS)) {
      expect(system.crc).toBe(crc32(String(system.idSistema)).toString(16).padStart(8, "0"));
    }
  });

  it("names the reference dumps of the pinned version", () => {
    expect(referenceDumpFile("sei")).toBe("sei_5_1_0_BD_Ref_Exec.sql");
    expect(referenceDumpFile("sip", "4.1.0")).toBe("sip_4_1_0_BD_Ref_Exec.sql");
  });

  it("keeps the fixed names in the addresses SEI calls", () => {
    expect(JOD_CONVERSION_URL).toBe("http://jod:8080/conversion?format=pdf");
    expect(IMAGES.app.calls).toEqual([FIXED_SERVICE_NAMES.jod, FIXED_SERVICE_NAMES.memcached]);
    expect(IMAGES.jod.port).toBe(8080);
    expect(IMAGES.memcached.port).toBe(11211);
  });

  it("uses the knowledge-base core variable the public ConfiguracaoSEI.php reads", () => {
    expect(SEI_APP_ENV).toContain("APP_SOLR_CORE_BASECONHECIMENTO");
    expect(SEI_APP_ENV.join(" ")).not.toContain("BASES_CONHECIMENTO");
  });
});

describe("docs/images.md says what the data says", () => {
  const rows = new Map(
    doc
      .split("\n")
      .filter((line) => /^\| [a-z]+ \| images\//.test(line))
      .map((line) => {
        const cells = line.split("|").map((cell) => cell.trim());
        return [cells[1], cells.slice(2, -1)] as const;
      }),
  );

  it.each(names)("summary row of %s: recipe, port, user, writable paths", (name) => {
    const image = IMAGES[name];
    const [recipe, port, user, writes] = rows.get(name) ?? [];
    expect(recipe).toBe(image.recipe);
    expect(port).toBe(image.port === null ? "(none)" : String(image.port));
    expect(user).toBe(`${image.uid}:${image.gid}`);
    expect(writes).toBe(image.writablePaths.length ? image.writablePaths.join(", ") : "(nothing)");
  });

  it("states the pinned versions, the probe marker and every variable", () => {
    expect(doc).toContain(`**SEI ${SEI_VERSION}** (SIP ${SIP_VERSION})`);
    expect(doc).toContain(referenceDumpFile("sei"));
    expect(doc).toContain(referenceDumpFile("sip"));
    expect(doc).toContain(LOGIN_FORM.marker);
    for (const variable of [...SEI_APP_ENV, ...BOOTSTRAP_ENV]) expect(doc).toContain(`\`${variable}\``);
  });
});

describe("the Containerfiles build what the contract says", () => {
  it("has one recipe per image, plus the stand-in", () => {
    expect(
      readdirSync("images")
        .filter((entry) => existsSync(join("images", entry, "Containerfile")))
        .sort(),
    ).toEqual([...names.map((name) => IMAGES[name].recipe.replace("images/", "")), "standin"].sort());
  });

  it.each(names)("%s runs as its numeric user and exposes its port", (name) => {
    expect(last(name, "USER")).toBe(`${IMAGES[name].uid}:${IMAGES[name].gid}`);
    const port = IMAGES[name].port;
    expect(last(name, "EXPOSE")).toBe(port === null ? undefined : String(port));
  });

  it("pins SEI_VERSION where the app, Solr and bootstrap images are built", () => {
    for (const name of ["app", "solr", "bootstrap"] as const) expect(argDefault(name, "SEI_VERSION")).toBe(SEI_VERSION);
  });

  it("bakes the three SEI cores as configsets in the Solr image", () => {
    const run = instructions("solr").find((i) => i.keyword === "RUN")?.args ?? "";
    expect(run).toContain(`for core in ${SOLR_CORES.join(" ")}; do`);
    expect(run).toContain("/opt/solr/server/solr/configsets");
  });

  it("builds the images platform.yaml names, at the tags it names (the app tag follows the SEI pin in the next step)", () => {
    const platform = parse(readFileSync("platform.yaml", "utf8")) as {
      spec: { images: Record<string, { repository: string; tag: string }> };
    };
    const images = platform.spec.images;
    expect(instructions("memcached")[0]?.args).toBe(`docker.io/library/memcached:${images.memcached?.tag}`);
    expect(instructions("database")[0]?.args).toBe(`docker.io/library/mariadb:${images.database?.tag}`);
    expect(argDefault("jod", "JODCONVERTER_VERSION")).toBe(images.jod?.tag);
    // Solr's tag names both versions it is built from: Solr's and the SEI cores'.
    expect(images.solr?.tag).toBe(`${argDefault("solr", "SOLR_VERSION")}-sei${SEI_VERSION}`);
  });

  it("the app image has what SEI uses to call JOD: wget (SEI 4 shells out to it; the public SEI 5 image installs it), curl and PHP's curl", () => {
    const packages = (instructions("app").find((i) => i.args.includes("apt-get install"))?.args ?? "").split(/\s+/);
    for (const tool of ["wget", "curl", "php8.2-curl"]) expect(packages).toContain(tool);
  });

  it("the stand-in runs the app image's runtime files", () => {
    const copies = readFileSync("images/standin/Containerfile", "utf8");
    const appCopies = readFileSync("images/app/Containerfile", "utf8");
    for (const file of ["apache.conf", "php.ini", "web/session.ini", "cli/session.ini", "entrypoint.sh"]) {
      expect(copies).toContain(`app/runtime/${file}`);
      expect(appCopies).toContain(`app/runtime/${file}`);
    }
  });

  it("the local cluster's MariaDB image (scripts/e2e/images/mariadb) installs the database image's own files where its Containerfile copies them, with restic", () => {
    const recipe = readFileSync("scripts/e2e/images/mariadb/recipe.sh", "utf8");
    const copies = instructions("database")
      .filter((i) => i.keyword === "COPY" && !i.args.startsWith("--from"))
      .map((i) => i.args.split(" ") as [string, string]);
    expect(copies.map(([source]) => source).sort()).toEqual(["binlog.cnf", "offsite/"]);
    for (const [source, target] of copies) {
      const from = source.endsWith("/") ? `"$DATABASE_IMAGE"/${source}*` : `"$DATABASE_IMAGE/${source}"`;
      expect(recipe).toContain(`${from} "$ROOTFS"${target}`);
    }
    expect(recipe).toMatch(/^DATABASE_IMAGE=.*images\/database" && pwd\)"$/m);
    expect(instructions("database").some((i) => i.keyword === "COPY" && i.args.includes("/usr/bin/restic"))).toBe(true);
    expect(recipe).toMatch(/^DEBIAN_PACKAGES=\(.*\brestic\b.*\)$/m);
  });

  it("passes hadolint", () => {
    const hadolint = execFileSync("bash", ["scripts/tools/hadolint.sh"], { encoding: "utf8" }).trim();
    const files = readdirSync("images")
      .filter((e) => existsSync(join("images", e, "Containerfile")))
      .map((e) => join("images", e, "Containerfile"));
    const result = spawnSync(hadolint, ["--no-color", "--config", "images/.hadolint.yaml", ...files], {
      encoding: "utf8",
    });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("the scripts read only the contract's variables", () => {
  const variablesIn = (files: string[]) =>
    new Set(
      files.flatMap((file) =>
        [...readFileSync(file, "utf8").matchAll(/\b(APP_[A-Z_]+)\b/g)].map((m) => m[1] as string),
      ),
    );

  it("the bootstrap reads exactly the bootstrap image's variables", () => {
    const used = variablesIn([
      "charts/sei/files/bootstrap/bootstrap.sh",
      "charts/sei/files/bootstrap/first-install.php",
    ]);
    expect([...used].sort()).toEqual([...BOOTSTRAP_ENV].sort());
  });

  it("the stand-in reads only the app image's variables", () => {
    const files = readdirSync("images/standin", { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".php"))
      .map((f) => join("images/standin", f));
    expect(files.length).toBeGreaterThan(10);
    const outside = [...variablesIn(files)].filter(
      (variable) => !(IMAGES.app.env as readonly string[]).includes(variable),
    );
    expect(outside).toEqual([]);
  });

  it("every shell script of the chart and the images passes shellcheck", () => {
    const scripts = [
      "charts/sei/files/scheduler.sh",
      "charts/sei/files/solr-init.sh",
      "charts/sei/files/updater.sh",
      "charts/sei/files/bootstrap/bootstrap.sh",
      "images/app/runtime/entrypoint.sh",
      "images/app/build/wkhtmltopdf-patched.sh",
      ...readdirSync("images/database/offsite").map((name) => `images/database/offsite/${name}`),
    ];
    expect(scripts.filter((s) => s.startsWith("images/database/offsite/"))).toContain(
      "images/database/offsite/nightly-backup.sh",
    );
    // --external-sources: the off-site scripts source store.sh, which is checked with them.
    const result = spawnSync("shellcheck", ["--format=gcc", "--external-sources", ...scripts.map((s) => resolve(s))], {
      encoding: "utf8",
    });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("the app image's SEI and SIP configuration reads the contract's environment", () => {
  /** getArrConfiguracoes() of a configuration file, with SEI's base class stood in by an empty one. */
  function configuration(
    file: string,
    className: string,
    env: Record<string, string>,
  ): Record<string, Record<string, unknown>> {
    const code = `class InfraConfiguracao {} require '${resolve(file)}'; echo json_encode(${className}::getInstance()->getArrConfiguracoes());`;
    return JSON.parse(
      execFileSync("php", ["-d", "short_open_tag=On", "-r", code], {
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", ...env },
      }),
    );
  }
  const env = {
    APP_PROTOCOLO: "https",
    APP_HOST: "sei.exemplo.mg.gov.br",
    APP_ORGAO: "EXEMPLO",
    APP_SEI_CHAVE_ACESSO: "sei-key",
    APP_SIP_CHAVE_ACESSO: "sip-key",
    APP_SOLR_URL: "http://sei-solr:8983/solr",
    SOLR_USERNAME: "sei",
    SOLR_PASSWORD: "solr-password",
    APP_SOLR_CORE_BASECONHECIMENTO: "sei-bases-conhecimento",
    APP_MEMCACHED_HOST: "memcached",
    APP_MAIL_SERVIDOR: "smtp.exemplo",
  };

  it("ConfiguracaoSEI: Solr credentials, the fixed JOD address, the document repository, SEI's key", () => {
    const sei = configuration("images/app/config/ConfiguracaoSEI.php", "ConfiguracaoSEI", env);
    expect(sei.Solr).toMatchObject({
      Servidor: env.APP_SOLR_URL,
      Usuario: "sei",
      Senha: "solr-password",
      CoreBasesConhecimento: "sei-bases-conhecimento",
    });
    expect(sei.Solr).toMatchObject({
      TempoCommitProtocolos: 300,
      TempoCommitBasesConhecimento: 60,
      TempoCommitPublicacoes: 60,
    });
    expect(sei.JODConverter).toEqual({ Servidor: JOD_CONVERSION_URL });
    expect(sei.SEI).toMatchObject({ URL: "https://sei.exemplo.mg.gov.br/sei", RepositorioArquivos: DOCUMENTS_PATH });
    expect(sei.SessaoSEI).toMatchObject({
      SiglaSistema: "SEI",
      ChaveAcesso: "sei-key",
      SipWsdl: "https://sei.exemplo.mg.gov.br/sip/controlador_ws.php?servico=sip",
      https: true,
    });
    expect(sei.CacheSEI).toEqual({ Servidor: "memcached", Porta: "11211" });
    expect(sei.InfraMail).toMatchObject({ Servidor: "smtp.exemplo" });
  });

  it("ConfiguracaoSEI: the municipality's name (UTF-8 in the environment) in the ISO-8859-1 SEI's pages are written in", () => {
    const code = `class InfraConfiguracao {} require '${resolve("images/app/config/ConfiguracaoSEI.php")}'; echo bin2hex(ConfiguracaoSEI::getInstance()->getArrConfiguracoes()['PaginaSEI']['NomeSistemaComplemento']);`;
    const complement = (name: string) =>
      execFileSync("php", ["-d", "short_open_tag=On", "-r", code], {
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", ...env, APP_NOMECOMPLEMENTO: name },
      });
    expect(Buffer.from(complement("São João del-Rei"), "hex")).toEqual(Buffer.from("São João del-Rei", "latin1"));
    // A character ISO-8859-1 lacks becomes its nearest, never a broken page.
    expect(Buffer.from(complement("Olhos-d’Água"), "hex")).toEqual(Buffer.from("Olhos-d'Água", "latin1"));
  });

  it("InfraMail: SMTP authentication when the chart gives a user, with the password from its Secret; none without", () => {
    const sei = (extra: Record<string, string>) =>
      configuration("images/app/config/ConfiguracaoSEI.php", "ConfiguracaoSEI", { ...env, ...extra }).InfraMail;
    expect(sei({ APP_MAIL_USUARIO: "sei-exemplo", APP_MAIL_SENHA: "mail-password" })).toMatchObject({
      Autenticar: true,
      Usuario: "sei-exemplo",
      Senha: "mail-password",
    });
    expect(sei({ APP_MAIL_USUARIO: "" })).toMatchObject({ Autenticar: false, Usuario: "", Senha: "" });
    expect(sei({})).toMatchObject({ Autenticar: false });
  });

  it("ConfiguracaoSip: SIP's key and the memcached Service", () => {
    const sip = configuration("images/app/config/ConfiguracaoSip.php", "ConfiguracaoSip", {
      ...env,
      APP_MEMCACHED_HOST: "",
    });
    expect(sip.SessaoSip).toMatchObject({ SiglaSistema: "SIP", ChaveAcesso: "sip-key" });
    expect(sip.CacheSip).toEqual({ Servidor: FIXED_SERVICE_NAMES.memcached, Porta: "11211" });
    expect(sip.InfraMail).toMatchObject({ Servidor: "smtp.exemplo" });
  });
});
