/**
 * The environment of the Solr pod (Solr's own variables and its init container's) and of JOD: every name the
 * image contract lists (core/image-contract.ts SOLR_SERVER_ENV, SOLR_INIT_ENV, JOD_ENV) gets its value or its
 * Secret key here, once, and the chart renders the lists as they are. Records typed by the contract's names: a
 * name added to or dropped from the contract does not compile until it is decided here.
 */
import { IMAGES, JOD_ENV, SCRATCH_VOLUMES, SOLR_CORES, SOLR_INIT_ENV, SOLR_SERVER_ENV } from "../image-contract.ts";
import { SECRET_KEYS, SECRET_NAMES } from "../naming.ts";
import type { EnvVar } from "../schema/helm-values.ts";
import { envList, secretRef, type Source } from "./env-source.ts";

type SolrServerVariable = (typeof SOLR_SERVER_ENV)[number];
type SolrInitVariable = (typeof SOLR_INIT_ENV)[number];
type JodVariable = (typeof JOD_ENV)[number];

export function solrEnvOf(heapMegabytes: number): { server: EnvVar[]; init: EnvVar[] } {
  const server: Record<SolrServerVariable, Source> = {
    SOLR_HEAP: `${heapMegabytes}m`,
    SOLR_PORT: String(IMAGES.solr.port),
    // Listen on the pod address (Solr 9 binds to localhost unless told otherwise).
    SOLR_JETTY_HOST: "0.0.0.0",
    SOLR_LOGS_DIR: SCRATCH_VOLUMES.solr.logs.mountPath,
  };
  const appSecret = (key: string) => secretRef(SECRET_NAMES.app, key);
  const init: Record<SolrInitVariable, Source> = {
    // From the Secret, user too: a rotation changes them without restarting Solr (its API takes the new user),
    // and a start during one keeps the previous user that security.json still has.
    SOLR_USERNAME: appSecret(SECRET_KEYS.app.solrUsername),
    SOLR_PASSWORD: appSecret(SECRET_KEYS.app.solrPassword),
    // Only from the first rotation on.
    SOLR_PREVIOUS_USERNAME: { ...appSecret(SECRET_KEYS.solrRotation.previousUsername), optional: true },
    SEI_SOLR_CORES: SOLR_CORES.join(" "),
  };
  return { server: envList(SOLR_SERVER_ENV, server), init: envList(SOLR_INIT_ENV, init) };
}

export function jodEnvOf(): EnvVar[] {
  const jod: Record<JodVariable, Source> = {
    // LibreOffice writes its user profile under HOME: the scratch volume.
    HOME: SCRATCH_VOLUMES.jod.tmp.mountPath,
    // The image's own.
    JAVA_TOOL_OPTIONS: null,
  };
  return envList(JOD_ENV, jod);
}
