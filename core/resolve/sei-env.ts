/**
 * The environment of the SEI images (app, scheduler, updater) and of the first-install Job: every variable the
 * image contract names (core/image-contract.ts IMAGES.app.env, BOOTSTRAP_ENV) gets its value or its Secret key
 * here, once, and the chart renders the lists as they are (charts/sei/templates/_env.tpl). A record typed by the
 * contract's names: a name added to or dropped from the contract does not compile until it is decided here.
 */
import {
  BOOTSTRAP_ENV,
  DIRECTORY_CA_FILE,
  FIXED_SERVICE_NAMES,
  IMAGES,
  SEI_APP_ENV,
  SOLR_CORES,
  UPDATER_ENV,
} from "../image-contract.ts";
import { SECRET_KEYS, SECRET_NAMES, releaseObjectName } from "../naming.ts";
import type { DatabasePlan, DirectoryPlan, FirstAdministratorPlan, MailAuthenticationPlan } from "../plan.ts";
import type { HelmValues } from "../schema/helm-values.ts";
import type { Municipality } from "../schema/municipality.ts";
import type { Platform } from "../schema/platform.ts";
import { envList, envVar, secretRef, type Source } from "./env-source.ts";

export interface SeiEnvInput {
  readonly municipality: Municipality;
  readonly platform: Platform;
  readonly database: DatabasePlan;
  readonly memcachedSessions: boolean;
  readonly directory: DirectoryPlan | null;
  readonly firstAdministrator: FirstAdministratorPlan | null;
  readonly mailAuthentication: MailAuthenticationPlan | null;
}

type AppVariable = (typeof IMAGES.app.env)[number];
type BootstrapVariable = (typeof BOOTSTRAP_ENV)[number];
/**
 * The organisation's sigla (sip.orgao.sigla, varchar 30; the probe's and the first install's APP_ORGAO): the
 * municipality's slug in capitals, cut at 30 characters, without a trailing hyphen.
 */
export function orgaoOf(slug: string): string {
  return slug.toUpperCase().slice(0, 30).replace(/-$/, "");
}

export function seiEnvOf(input: SeiEnvInput): HelmValues["env"] {
  const app = appSources(input);
  const bootstrap = bootstrapSources(input, app);
  // The updater alone gets the database administrator; LDAPTLS_CACERT is the app's alone (SIP binds at a login).
  const seiNames = [...SEI_APP_ENV, ...UPDATER_ENV];
  const settings = seiNames
    .flatMap((name) => {
      const source = app[name];
      return typeof source === "string" ? [{ name, value: source }] : [];
    })
    // The ConfigMap is rendered sorted; the updater's inline copy in the same order.
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const secretsOf = (names: readonly AppVariable[]) =>
    names.flatMap((name) => {
      const source = app[name];
      return source !== null && typeof source === "object" ? [envVar(name, source)] : [];
    });
  const scheduler = secretsOf(SEI_APP_ENV);
  return {
    settings,
    app: [...scheduler, ...(app.LDAPTLS_CACERT === null ? [] : [envVar("LDAPTLS_CACERT", app.LDAPTLS_CACERT)])],
    scheduler,
    updater: secretsOf(seiNames),
    bootstrap: envList(BOOTSTRAP_ENV, bootstrap),
  };
}

/** Every variable of the SEI image (docs/architecture.md, "The SEI instance"; docs/images.md, "app"). */
function appSources({
  municipality,
  platform,
  database,
  memcachedSessions,
  directory,
  mailAuthentication,
}: SeiEnvInput): Record<AppVariable, Source> {
  const { spec } = municipality;
  const mail = platform.spec.mail;
  const [protocolos, basesConhecimento, publicacoes] = SOLR_CORES;
  const databaseSecret = (key: string) => secretRef(SECRET_NAMES.database, key);
  const appSecret = (key: string) => secretRef(SECRET_NAMES.app, key);
  return {
    APP_PROTOCOLO: "https",
    APP_HOST: spec.domain,
    APP_ORGAO: orgaoOf(municipality.metadata.name),
    APP_ORGAO_DESCRICAO: `Prefeitura Municipal de ${spec.displayName}`,
    // Shown beside "SEI" in the page header.
    APP_NOMECOMPLEMENTO: spec.displayName,
    APP_DB_TIPO: "MySql",
    APP_DB_HOST: database.serviceName,
    APP_DB_PORTA: String(database.port),
    APP_DB_SEI_BASE: database.seiDatabase,
    APP_DB_SEI_USERNAME: database.seiUser,
    APP_DB_SEI_PASSWORD: databaseSecret(SECRET_KEYS.database.seiPassword),
    APP_DB_SIP_BASE: database.sipDatabase,
    APP_DB_SIP_USERNAME: database.sipUser,
    APP_DB_SIP_PASSWORD: databaseSecret(SECRET_KEYS.database.sipPassword),
    APP_DB_ROOT_USERNAME: database.adminUser,
    APP_DB_ROOT_PASSWORD: databaseSecret(SECRET_KEYS.database.rootPassword),
    APP_SEI_CHAVE_ACESSO: appSecret(SECRET_KEYS.app.seiAccessKey),
    APP_SIP_CHAVE_ACESSO: appSecret(SECRET_KEYS.app.sipAccessKey),
    // The Solr server without credentials: ConfiguracaoSEI.php passes SOLR_USERNAME and SOLR_PASSWORD as its
    // Solr Usuario and Senha.
    APP_SOLR_URL: `http://${releaseObjectName("solr")}:${IMAGES.solr.port}/solr`,
    APP_SOLR_CORE_PROTOCOLOS: protocolos,
    APP_SOLR_CORE_BASECONHECIMENTO: basesConhecimento,
    APP_SOLR_CORE_PUBLICACOES: publicacoes,
    // Seconds between Solr commits per core: the public entrypoint's defaults.
    APP_SOLR_TEMPO_COMMIT_PROTOCOLOS: "300",
    APP_SOLR_TEMPO_COMMIT_BASECONHECIMENTO: "60",
    APP_SOLR_TEMPO_COMMIT_PUBLICACOES: "60",
    // The Solr user from the Secret too: a rotation (spec.rotation.solrPassword) gives it a new one.
    SOLR_USERNAME: appSecret(SECRET_KEYS.app.solrUsername),
    SOLR_PASSWORD: appSecret(SECRET_KEYS.app.solrPassword),
    APP_MEMCACHED_HOST: FIXED_SERVICE_NAMES.memcached,
    APP_MEMCACHED_SESSION: String(memcachedSessions),
    // 2 = SMTP (1 would be the local sendmail, which the image does not have).
    APP_MAIL_TIPO: "2",
    APP_MAIL_SERVIDOR: mail.host,
    APP_MAIL_PORTA: String(mail.port),
    APP_MAIL_SEGURANCA: mail.security,
    // Empty: no SMTP authentication. The password from the namespace's copy of the Secret (secrets.mail).
    APP_MAIL_USUARIO: mailAuthentication?.username ?? "",
    APP_MAIL_SENHA: mailAuthentication && secretRef(SECRET_NAMES.mail, mailAuthentication.passwordSource.key),
    LDAPTLS_CACERT: directory && DIRECTORY_CA_FILE,
  };
}

/** The first install's variables: the SEI image's it shares, the directory and the first administrator. */
function bootstrapSources(
  { directory, firstAdministrator }: SeiEnvInput,
  app: Record<AppVariable, Source>,
): Record<BootstrapVariable, Source> {
  const bind = (key: string) => directory && secretRef(SECRET_NAMES.directory, key);
  return {
    APP_PROTOCOLO: app.APP_PROTOCOLO,
    APP_HOST: app.APP_HOST,
    APP_ORGAO: app.APP_ORGAO,
    APP_ORGAO_DESCRICAO: app.APP_ORGAO_DESCRICAO,
    APP_DB_HOST: app.APP_DB_HOST,
    APP_DB_PORTA: app.APP_DB_PORTA,
    APP_DB_SEI_BASE: app.APP_DB_SEI_BASE,
    APP_DB_SIP_BASE: app.APP_DB_SIP_BASE,
    APP_DB_ROOT_USERNAME: app.APP_DB_ROOT_USERNAME,
    APP_DB_ROOT_PASSWORD: app.APP_DB_ROOT_PASSWORD,
    APP_SEI_CHAVE_ACESSO: app.APP_SEI_CHAVE_ACESSO,
    APP_SIP_CHAVE_ACESSO: app.APP_SIP_CHAVE_ACESSO,
    APP_DIRECTORY_URL: directory && directory.url,
    APP_DIRECTORY_TYPE: directory && directory.type,
    APP_DIRECTORY_PORT: directory && String(directory.port),
    APP_DIRECTORY_SEARCH_BASE: directory && directory.searchBase,
    APP_DIRECTORY_LOGIN_ATTRIBUTE: directory && directory.loginAttribute,
    APP_DIRECTORY_BIND_DN: bind(SECRET_KEYS.directory.bindDn),
    APP_DIRECTORY_BIND_PASSWORD: bind(SECRET_KEYS.directory.password),
    APP_ADMIN_LOGIN: firstAdministrator && firstAdministrator.login,
    APP_ADMIN_NAME: firstAdministrator && firstAdministrator.name,
    APP_ADMIN_EMAIL: firstAdministrator && firstAdministrator.email,
  };
}
