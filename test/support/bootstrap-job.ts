/**
 * Runs the first-install Job's script as the Job does: bash, the mariadb
 * client and php-cli, with the APP_* environment of the bootstrap image
 * (docs/images.md, "bootstrap") pointed at a test database and the
 * reference-schema fixture instead of the baked dumps.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { SEI_VERSION } from "../../core/image-contract.ts";
import type { MariaDb } from "./mariadb.ts";

export const BOOTSTRAP_SCRIPT = resolve("charts/sei/files/bootstrap/bootstrap.sh");
export const FIXTURE_DUMPS = resolve("test/fixtures/reference-dumps");

/** The chart's directory variables (charts/sei/templates/job-bootstrap.yaml) for a test directory. */
export const DIRECTORY_ENV = {
  APP_DIRECTORY_URL: "ldaps://ldap.example.test:636",
  APP_DIRECTORY_TYPE: "LDAP",
  APP_DIRECTORY_PORT: "636",
  APP_DIRECTORY_SEARCH_BASE: "ou=olhos-dagua,ou=municipios,dc=example,dc=test",
  APP_DIRECTORY_LOGIN_ATTRIBUTE: "uid",
  APP_DIRECTORY_BIND_DN: "cn=sei-sip,ou=servicos,dc=example,dc=test",
  APP_DIRECTORY_BIND_PASSWORD: "BindPassword1",
} as const;

/** The chart's first-administrator variables. */
export const ADMIN_ENV = {
  APP_ADMIN_LOGIN: "joana.ti",
  APP_ADMIN_NAME: "Joana Araújo",
  APP_ADMIN_EMAIL: "joana.ti@olhosdagua.mg.gov.br",
} as const;

export interface AccessKeys {
  readonly sei: string;
  readonly sip: string;
}

export function bootstrapEnv(
  db: MariaDb,
  keys: AccessKeys,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    APP_PROTOCOLO: "https",
    APP_HOST: "sei.olhosdagua.mg.gov.br",
    APP_ORGAO: "OLHOS-DAGUA",
    APP_ORGAO_DESCRICAO: "Prefeitura Municipal de Olhos-d'Água",
    APP_DB_HOST: db.host,
    APP_DB_PORTA: String(db.port),
    APP_DB_SEI_BASE: "sei",
    APP_DB_SIP_BASE: "sip",
    APP_DB_ROOT_USERNAME: db.adminUser,
    APP_DB_ROOT_PASSWORD: db.adminPassword,
    APP_SEI_CHAVE_ACESSO: keys.sei,
    APP_SIP_CHAVE_ACESSO: keys.sip,
    SEI_VERSION,
    SEI_BOOTSTRAP_DUMPS: FIXTURE_DUMPS,
    SEI_BOOTSTRAP_WAIT_SECONDS: "10",
    ...DIRECTORY_ENV,
    ...ADMIN_ENV,
    ...overrides,
  };
}

export function runBootstrapJob(db: MariaDb, keys: AccessKeys, overrides: Record<string, string> = {}) {
  const result = spawnSync("bash", [BOOTSTRAP_SCRIPT], { env: bootstrapEnv(db, keys, overrides), encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, log: result.stdout + result.stderr };
}
