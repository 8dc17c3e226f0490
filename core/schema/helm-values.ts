/**
 * The values contract of the in-repo SEI chart (charts/sei): exactly the object
 * the resolved plan passes to Helm (core/resolve/release.ts), every key
 * required, no other key allowed. This zod schema is the one source of the
 * contract: the `HelmValues` type is inferred from it, and
 * charts/sei/values.schema.json is generated from it (`npm run schema`; a test
 * fails when the file is stale), so the chart refuses what the plan could not
 * produce. Quantities here are already Kubernetes strings: this is the
 * rendering edge.
 */
import { z } from "zod";
import { LABEL, SECRET_KEYS, SECRET_NAMES } from "../naming.ts";
import type { Phase } from "./municipality.ts";
import { TIER_IDS } from "./municipality.ts";
import { DNS_SUBDOMAIN } from "./fields.ts";

/** Phases that have a release: contracted deploys nothing, decommissioned removes the release. */
export const RELEASED_PHASES = [
  "provisioning",
  "training",
  "production",
  "suspended",
] as const satisfies readonly Phase[];
export type ReleasedPhase = (typeof RELEASED_PHASES)[number];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const dnsLabel = z.string().max(63).regex(DNS_LABEL);
/** A Kubernetes object name (DNS subdomain). */
const objectName = z.string().max(253).regex(DNS_SUBDOMAIN);
const dnsName = z.string().max(253).regex(DNS_SUBDOMAIN);
const count = (max: number, min = 0) => z.int().min(min).max(max);
const mountPath = z
  .string()
  .regex(/^(\/[A-Za-z0-9._-]+)+$/)
  .meta({ description: "Where the pods mount it" });
/** A claim Terraform creates, mounted at one path (the image's, core/image-contract.ts). */
const claimMount = z.strictObject({
  existingClaim: objectName.meta({ description: "Claim created by Terraform" }),
  mountPath,
});
/** A writable path of an image that is not a claim: an emptyDir of the pod, at most sizeLimit on the node's disk. */
const scratchVolume = z
  .strictObject({
    mountPath,
    sizeLimit: z
      .string()
      .regex(/^[1-9][0-9]*(Ki|Mi|Gi)$/)
      .meta({ description: 'emptyDir sizeLimit: "512Mi", "2Gi"' }),
  })
  .meta({ id: "scratchVolume" });
/** The numeric non-root user and group of an image (core/image-contract.ts): the pod's runAsUser, runAsGroup and fsGroup. */
const user = z
  .strictObject({ uid: z.int().min(1).max(2147483647), gid: z.int().min(1).max(2147483647) })
  .meta({ id: "user", description: "The image's numeric non-root user and group (core/image-contract.ts)" });

const port = z.int().min(1).max(65535).meta({ id: "port" });

/** A variable name as the SEI images and the official images spell theirs. */
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/);
/** A key of a Secret (Kubernetes' ConfigMap/Secret key rule). */
const secretKey = z.string().regex(/^[-._a-zA-Z0-9]{1,253}$/);

/**
 * One variable of a container as Kubernetes takes it: a value, or a key of a Secret (never a secret value).
 * The plan writes every name from the image contract (core/resolve/sei-env.ts, solr-jod-env.ts); the chart renders
 * the lists as given.
 */
const envVar = z
  .union([
    z.strictObject({ name: envName, value: z.string() }),
    z.strictObject({
      name: envName,
      valueFrom: z.strictObject({
        secretKeyRef: z.strictObject({
          name: objectName,
          key: secretKey,
          optional: z.literal(true).optional().meta({ description: "The key may be missing: the variable is unset" }),
        }),
      }),
    }),
  ])
  .meta({ id: "envVar" });
const envList = z.array(envVar);

/**
 * A URL path (and query) an exec probe asks for inside the container's shell: no quote, space, backslash,
 * backquote, parenthesis or colon, so it cannot leave its double quotes; `${NAME}` reads a variable of the pod.
 */
const probePath = z.string().regex(/^\/[A-Za-z0-9._~/?&=%${}-]*$/);

const image = z
  .strictObject({
    repository: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/)
      .meta({ description: "Registry and repository, without tag" }),
    tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/),
    digest: z
      .string()
      .regex(/^(sha256:[0-9a-f]{64})?$/)
      .meta({
        description: 'Pins the image ("sha256:" and 64 hex digits): rendered repository:tag@digest; empty: tag only',
      }),
  })
  .meta({ id: "image" });

const amount = z
  .strictObject({
    cpu: z
      .string()
      .regex(/^([1-9][0-9]*m|[0-9]+(\.[0-9]{1,3})?)$/)
      .meta({ description: 'CPU quantity: "250m" or "2"' }),
    memory: z
      .string()
      .regex(/^[1-9][0-9]*(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/)
      .meta({ description: 'Memory quantity: "512Mi", "2Gi"' }),
    ephemeralStorage: z
      .string()
      .regex(/^[1-9][0-9]*(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/)
      .meta({
        description: 'Node-local disk (Kubernetes ephemeral-storage): logs and emptyDir scratch, "512Mi", "5Gi"',
      }),
  })
  .meta({ id: "amount" });

/** A container's `resources` block: requests and limits as Kubernetes quantities. */
export const renderedResourcesSchema = z.strictObject({ requests: amount, limits: amount }).meta({ id: "resources" });

const keyList = (keys: Readonly<Record<string, string>>) => Object.values(keys).join(", ");

export const helmValuesSchema = z
  .strictObject({
    municipality: z
      .strictObject({
        name: dnsLabel.max(40).meta({ description: "Slug of the municipality (municipalities/<name>.yaml)" }),
        ibgeCode: z
          .string()
          .regex(/^[0-9]{7}$/)
          .meta({ description: "7-digit IBGE code, as a string" }),
        tier: z.enum(TIER_IDS),
        phase: z.enum(RELEASED_PHASES).meta({
          description: "Phases that have a release (contracted deploys nothing; decommissioned removes the release)",
        }),
      })
      .meta({ description: "Who the instance is for: labels its objects" }),
    host: dnsName.meta({ description: "Public host name: Ingress rule, TLS certificate and APP_HOST" }),
    serviceAccountName: objectName.meta({
      description: "ServiceAccount Terraform creates; its token is never mounted",
    }),
    imagePullSecrets: z
      .array(z.strictObject({ name: objectName }))
      .meta({ description: "Pull secrets of the private registry" }),
    componentLabel: z.enum([LABEL.component]).meta({
      description: "Label key the namespace's NetworkPolicies select components by; part of every selector, so fixed",
    }),
    app: z
      .strictObject({
        image,
        replicas: count(100).meta({ description: "Replicas when autoscaling is off; 0 suspends" }),
        autoscaling: z.strictObject({
          enabled: z
            .boolean()
            .meta({ description: "Render a HorizontalPodAutoscaler; the Deployment then has no replicas field" }),
          minReplicas: count(100, 1),
          maxReplicas: count(100, 1),
          targetCpuPercent: count(100, 1).meta({ description: "Average CPU utilization (of requests) to scale at" }),
        }),
        podDisruptionBudget: z.strictObject({
          enabled: z.boolean().meta({ description: "Render a PodDisruptionBudget" }),
          minAvailable: count(100, 1),
        }),
        resources: renderedResourcesSchema,
        port,
        user,
        probe: z
          .strictObject({
            path: probePath.meta({ description: "The page startup and readiness ask for on the app's port" }),
            bodyContains: z
              .string()
              .regex(/^[A-Za-z0-9 ="<>._-]+$/)
              .meta({ description: "Text the page must hold (a status alone proves nothing)" }),
          })
          .meta({
            description:
              "SIP's login form (core/image-contract.ts LOGIN_FORM): it renders only when SEI, SIP and the database answer",
          }),
        scratch: z.strictObject({ tmp: scratchVolume, run: scratchVolume, sipTemp: scratchVolume }).meta({
          description: "The SEI image's writable paths that are not claims (also the scheduler's and updater's)",
        }),
      })
      .meta({ description: "SEI + SIP (Apache + PHP)" }),
    scheduler: z
      .strictObject({
        enabled: z
          .boolean()
          .meta({ description: "One scheduler replica when true, zero when false (the Deployment stays)" }),
        resources: renderedResourcesSchema,
      })
      .meta({ description: "The scheduler (agendador)" }),
    updater: z
      .strictObject({
        enabled: z.boolean().meta({ description: "Render the pre-install/pre-upgrade Job" }),
        resources: renderedResourcesSchema,
        activeDeadlineSeconds: count(86400, 60).meta({ description: "How long the version update may run" }),
      })
      .meta({ description: "The version-update Job, a Helm hook" }),
    bootstrap: z
      .strictObject({
        enabled: z.boolean().meta({ description: "Render the first-install hook Job (before the updater)" }),
        image,
        activeDeadlineSeconds: count(86400, 60).meta({ description: "How long the first install may run" }),
        user,
        scratch: z.strictObject({ tmp: scratchVolume }),
      })
      .meta({
        description: "The first-install Job, a Helm hook before the updater; it runs with the updater's resources",
      }),
    solr: z
      .strictObject({
        image,
        replicas: count(1).meta({ description: "One standalone Solr on one claim; 0 suspends" }),
        resources: renderedResourcesSchema,
        port,
        user,
        data: claimMount.meta({ description: "Solr's home, the cores' indexes: a claim Terraform creates" }),
        scratch: z.strictObject({ tmp: scratchVolume, logs: scratchVolume }),
        env: z
          .strictObject({
            server: envList.meta({ description: "Solr's own variables (heap, port, address, log folder)" }),
            init: envList.meta({ description: "The init container's: the Solr user from the Secret, the cores" }),
          })
          .meta({
            description: "Each name from the image contract, its value or Secret key (core/resolve/solr-jod-env.ts)",
          }),
        passwordGeneration: z.int().min(0).meta({
          description:
            "Generation of the Solr user and password (spec.rotation.solrPassword); above 0 it is a pod annotation, so a rotation rolls the app and scheduler onto the Secret's new user",
        }),
        probes: z
          .strictObject({
            alive: probePath.meta({ description: "Startup and liveness: answers once Solr runs" }),
            ready: probePath.meta({ description: "Readiness: answers once the protocols core does" }),
          })
          .meta({ description: "HTTP probe paths on Solr's port (core/image-contract.ts SOLR_PROBE_PATHS)" }),
      })
      .meta({ description: "Solr with SEI's three cores" }),
    memcached: z
      .strictObject({
        image,
        replicas: count(1).meta({ description: "A single memcached: SEI knows one cache host; 0 suspends" }),
        cacheMegabytes: count(65536, 16).meta({ description: "memcached -m, in MiB" }),
        resources: renderedResourcesSchema,
        port,
        user,
      })
      .meta({ description: "memcached (cache, and sessions where enabled)" }),
    jod: z
      .strictObject({
        enabled: z.boolean().meta({ description: "Render the document converter" }),
        image,
        replicas: count(10),
        resources: renderedResourcesSchema,
        port,
        user,
        scratch: z.strictObject({ tmp: scratchVolume }),
        env: envList.meta({
          description: "Each name from the image contract, its value (core/resolve/solr-jod-env.ts)",
        }),
      })
      .meta({ description: "JODConverter + LibreOffice" }),
    database: z
      .strictObject({
        passwordGeneration: z.int().min(0).meta({
          description:
            "Generation of the app accounts' passwords (spec.rotation.databasePasswords); above 0 it is a pod annotation, so a rotation rolls the app and scheduler onto the Secret's new passwords",
        }),
      })
      .meta({ description: "The database Terraform runs" }),
    documents: claimMount.meta({ description: "The document repository, ReadWriteMany, shared by app and scheduler" }),
    temp: claimMount.meta({
      description: "SEI's temp folder, shared so any replica finds an upload; the scheduler empties it",
    }),
    env: z
      .strictObject({
        settings: z.array(z.strictObject({ name: envName, value: z.string() })).meta({
          description:
            "The SEI image's settings (no secret): the ConfigMap app and scheduler read whole; the updater, a hook that runs before the ConfigMap exists, gets them inline",
        }),
        app: envList.meta({ description: "The app's variables besides the settings: Secret keys, the directory's CA" }),
        scheduler: envList.meta({ description: "The scheduler's variables besides the settings" }),
        updater: envList.meta({ description: "The updater's variables besides the settings (with the database root)" }),
        bootstrap: envList.meta({ description: "Every variable of the first-install Job" }),
      })
      .meta({
        description:
          "The environment of the SEI images and of the first install: each name from the image contract (core/image-contract.ts) with its value or Secret key, decided by the plan (core/resolve/sei-env.ts)",
      }),
    secrets: z
      .strictObject({
        appSecretName: objectName.meta({ description: `Secret with ${keyList(SECRET_KEYS.app)}` }),
        accessKeyGeneration: z.int().min(0).meta({
          description:
            "Generation of the access keys (spec.rotation.accessKeys); above 0 it is a pod annotation, so a rotation rolls the app and scheduler onto the Secret's new keys",
        }),
      })
      .meta({ description: "Secrets Terraform generates" }),
    ingress: z.strictObject({
      className: objectName,
      clusterIssuer: objectName.meta({ description: "cert-manager ClusterIssuer" }),
      tlsSecretName: objectName,
      bodySize: z
        .string()
        .regex(/^[1-9][0-9]*[kKmMgG]?$/)
        .meta({ description: "nginx proxy-body-size, e.g. 510m" }),
      stickySessions: z
        .boolean()
        .meta({ description: "Cookie session affinity (when PHP sessions are not in memcached)" }),
    }),
    directory: z
      .union([
        z.strictObject({
          ca: z
            .string()
            .regex(/^-----BEGIN CERTIFICATE-----\n/)
            .meta({ description: "PEM of the CA the directory's certificate is verified against (LDAPTLS_CACERT)" }),
          caFile: z
            .string()
            .regex(/^(\/[A-Za-z0-9._-]+){2,}$/)
            .meta({ description: "Where the app finds the CA (LDAPTLS_CACERT): the chart mounts it there" }),
        }),
        z.null(),
      ])
      // Optional as well as nullable: Helm deletes a key whose value is null when it merges the values, so the
      // release's null (no directory: nobody can log in) reaches the schema as a missing key.
      .optional()
      .meta({
        description:
          "The CA of PRODEMGE's directory, which SIP binds to at a login (the first install registers the directory: env.bootstrap); null: no directory, nobody can log in",
      }),
  })
  .meta({
    description:
      "Exactly the values object the resolved plan produces (core/schema/helm-values.ts). Every key is required and no other key is allowed. " +
      `The Secrets named here are created by Terraform: ${SECRET_NAMES.database} holds ${keyList(SECRET_KEYS.database)}; ` +
      `secrets.appSecretName holds ${keyList(SECRET_KEYS.app)}; ${SECRET_NAMES.directory} holds ${keyList(SECRET_KEYS.directory)}.`,
  });

export type HelmValues = z.output<typeof helmValuesSchema>;
export type RenderedResources = z.output<typeof renderedResourcesSchema>;
export type EnvVar = z.output<typeof envVar>;
