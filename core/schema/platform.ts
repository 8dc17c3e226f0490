/**
 * The shape of platform.yaml: settings shared by every instance (clusters,
 * storage classes, ingress, images, state backend, allowed domains).
 */
import { z } from "zod";
import { SEI_VERSION } from "../image-contract.ts";
import {
  HOOK_MARGIN_SECONDS,
  MAX_RELEASE_TIMEOUT_SECONDS,
  MIN_RELEASE_TIMEOUT_SECONDS,
  MIN_UPDATER_SECONDS,
} from "../release-timing.ts";
import { backupStoreSchema } from "./backup-store.ts";
import { directorySchema } from "./directory.ts";
import { byteQuantity, cpuQuantity, dnsLabel, dnsSubdomain, header, smtpAuthentication } from "./fields.ts";
import { cidr, clusterNetworkCovered, egressCidr, mailPort, overlaps } from "./platform-network.ts";

/*
 * Every free-text field has a pattern: these values reach Terraform, the
 * chart and kubectl, so a space, a quote or a newline is refused here, at its
 * line, rather than in a rendered manifest.
 */

/** A file path (kubeconfig): no control characters or quotes. */
const filePath = z.string().regex(/^[A-Za-z0-9 _./~@+-]+$/, {
  error: "must be a file path of letters, digits, spaces and _ . / ~ @ + -",
});

/** A kubeconfig context name, as kubeadm, kind or EKS write them (user@cluster, ARNs). */
const contextName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@:/-]*$/, {
  error: "must be a kubeconfig context name: letters, digits and _ . @ : / -",
});

/** A registry host with an optional port and path ("registry.example.org:5000/sei"), no scheme. */
const registryName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/, {
    error: 'must be a registry host with an optional port and path, such as "registry.example.org/sei" (no https://)',
  });

/** An image repository path below the registry ("sei-app", "library/mariadb"), as the OCI distribution spec names them. */
const repositoryName = z.string().regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, {
  error: "must be an image repository: lower-case letters and digits, separated by . _ - or /",
});

/** A host name or IPv4 address (the SMTP relay). */
const hostOrAddress = z
  .string()
  .regex(/^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, {
    error: "must be a host name or an IPv4 address, such as smtp.example.org",
  });

/** A folder below the working folder: no "..", no absolute path. */
const relativeFolder = z.string().regex(/^(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, {
  error: 'must be a relative folder of letters, digits and _ . - (no "..")',
});

/** "sha256:" and 64 lower-case hex digits: what `podman push --digestfile`, `skopeo inspect` and `crane digest` print. */
export const IMAGE_DIGEST = /^sha256:[0-9a-f]{64}$/;

const image = z.strictObject({
  repository: repositoryName,
  tag: z
    .string()
    .refine((tag) => !tag.includes("@"), {
      error: 'holds a digest: write the tag here and the digest in "digest" (digest: sha256:…)',
      abort: true,
    })
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, {
      error: "must be an image tag: letters, digits, '_', '.' and '-', at most 128 characters",
    }),
  digest: z
    .string()
    .regex(IMAGE_DIGEST, {
      error:
        'must be an image digest: "sha256:" followed by 64 lower-case hexadecimal digits, as `skopeo inspect` or `crane digest` prints it',
    })
    .optional()
    .meta({ description: "Pins the image: every node runs exactly this build, whatever the tag points at later" }),
});

const cluster = z
  .strictObject({
    name: dnsLabel(40),
    kubeconfig: z.strictObject({ path: filePath, context: contextName }),
    allocatable: z
      .strictObject({ cpu: cpuQuantity, memory: byteQuantity, storage: byteQuantity })
      .meta({ description: "What the cluster can give SEI instances, for capacity planning" }),
    directory: directorySchema.optional().meta({
      description:
        "PRODEMGE's directory the cluster's instances authenticate against (SIP's authentication server); without it the first install leaves no account that can log in",
    }),
    backupStore: backupStoreSchema.optional().meta({
      description:
        "The off-site object store the cluster's instances back up to (docs/backups.md); without it each instance keeps its nightly sets on a backup claim",
    }),
    podCidr: cidr.meta({
      description: "The cluster's pod network (--cluster-cidr); the mail egress must not cover it",
    }),
    serviceCidr: cidr.meta({
      description:
        "The cluster's service network (--service-cluster-ip-range), the API server's address in it; the mail egress must not cover it",
    }),
  })
  .superRefine((entry, ctx) => {
    // The directory's NetworkPolicy is an egress to its cidr: it must not reach into this cluster either.
    if (!entry.directory) return;
    const covered = clusterNetworkCovered(
      entry.directory.cidr,
      entry,
      "the directory",
      "the directory servers' own network",
    );
    if (covered) ctx.addIssue({ code: "custom", path: ["directory", "cidr"], message: covered });
  });

/** Kubernetes label keys and values (prefix/name = value), as a selector's matchLabels takes them. */
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labelValue = z
  .string()
  .regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, { error: "must be a Kubernetes label value" });
// Keys are checked here rather than by a key schema, so the message names the key and says what is wrong.
const labels = z.record(z.string(), labelValue).superRefine((map, ctx) => {
  for (const key of Object.keys(map)) {
    if (!LABEL_KEY.test(key))
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: "is not a Kubernetes label key; use one such as k8s-app or app.kubernetes.io/name",
      });
  }
});

/** Where the cluster DNS runs; the default is what kubeadm, kOps and most distributions deploy (CoreDNS as kube-dns). */
const clusterDns = z
  .strictObject({
    namespace: dnsLabel(63),
    podLabels: labels.refine((labels) => Object.keys(labels).length > 0, {
      error: "must name at least one label: an empty selector would allow every pod of the namespace",
    }),
  })
  .default({ namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } })
  .meta({
    description: "The cluster DNS pods: the only peers every pod may send DNS queries to (port 53, UDP and TCP)",
  });

/** SEI's mail security setting (APP_MAIL_SEGURANCA): none, TLS or SSL. */
export const MAIL_SECURITY = ["", "TLS", "SSL"] as const;

/** The database servers the instances may run: MariaDB, or MySQL where a cluster needs it. */
export const DATABASE_ENGINES = ["mariadb", "mysql"] as const;
export type DatabaseEngine = (typeof DATABASE_ENGINES)[number];

/** The server program each engine's image runs: the database's command line names it. */
export const DATABASE_SERVER_COMMANDS = { mariadb: "mariadbd", mysql: "mysqld" } as const satisfies Record<
  DatabaseEngine,
  string
>;

const stateBackend = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("local"),
    directory: relativeFolder.default("terraform-state").meta({ description: "Folder of the per-stack state files" }),
  }),
  z.strictObject({
    type: z.literal("pg"),
    connectionStringEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .meta({
        description: "Environment variable that holds the PostgreSQL connection string (never the string itself)",
      }),
  }),
  z.strictObject({
    type: z.literal("s3"),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be an S3 bucket name" }),
    region: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: "must be a region such as sa-east-1" }),
    keyPrefix: relativeFolder.default("sei"),
    endpoint: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  }),
  z.strictObject({
    type: z.literal("kubernetes"),
    namespace: dnsLabel(63),
    configPath: filePath.optional(),
  }),
]);

/** A Kubernetes minor release, quoted: unquoted, YAML reads 1.30 as the number 1.3. */
const kubernetesMinor = z
  .string({
    error: 'must be a quoted Kubernetes minor release such as "1.37" (unquoted, YAML reads 1.30 as the number 1.3)',
  })
  .regex(/^1\.(0|[1-9][0-9]*)$/, { error: 'must be a Kubernetes minor release such as "1.37"' });

/** previousKeyName of states written in clear: turning encryption on reads them once, then writes them encrypted. */
export const UNENCRYPTED = "unencrypted";

/** A name OpenTofu stores in each encrypted state: an HCL identifier. */
const keyName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, {
  error: "must be a key name of lower-case letters, digits and underscores, starting with a letter, such as sei_2026",
});

/**
 * OpenTofu's state and plan encryption (the state holds every password). The
 * passphrases come from the environment only (docs/synth.md, "State encryption").
 */
const stateEncryption = z
  .strictObject({
    keyName: keyName
      .refine((name) => name !== UNENCRYPTED, {
        error: `"${UNENCRYPTED}" is reserved for previousKeyName: name the key, such as sei_2026`,
      })
      .meta({
        description: "Names the key in every state it encrypts; a new name (with previousKeyName) rotates the key",
      }),
    previousKeyName: keyName.optional().meta({
      description: `While rotating: the key name the states were encrypted under, read with the previous passphrase; "${UNENCRYPTED}" while turning encryption on over states written in clear`,
    }),
  })
  .refine((e) => e.previousKeyName !== e.keyName, {
    error: "must differ from keyName: a rotation gives the new key a new name",
    path: ["previousKeyName"],
  })
  .meta({ description: "Encrypt state and plan files with OpenTofu (Terraform cannot read such a stack)" });

export const platformSchema = z.strictObject({
  ...header("Platform"),
  spec: z
    .strictObject({
      kubernetesVersion: kubernetesMinor.meta({
        description:
          "Kubernetes minor release the clusters run (the oldest while an upgrade rolls): the Pod Security standard version every namespace enforces",
      }),
      domainSuffixes: z.array(z.string().regex(/^[a-z0-9.-]+$/)).min(1),
      defaultCluster: dnsLabel(40),
      clusters: z.array(cluster).min(1),
      storageClasses: z.strictObject({
        readWriteOnce: dnsSubdomain.meta({ description: "For database, Solr and backup volumes" }),
        readWriteMany: dnsSubdomain.meta({ description: "For the document repository shared by app and scheduler" }),
      }),
      ingress: z.strictObject({
        className: dnsSubdomain.meta({ description: "IngressClass of the ingress controller" }),
        clusterIssuer: dnsSubdomain.meta({ description: "cert-manager ClusterIssuer for the TLS certificate" }),
        controllerNamespace: dnsLabel(63).meta({
          description: "Namespace of the ingress controller, allowed into the app",
        }),
      }),
      clusterDns,
      registry: registryName.meta({
        description: "Private registry of the SEI images (the SEI source is not redistributable)",
      }),
      imagePullSecret: dnsSubdomain.optional(),
      images: z
        .strictObject({
          app: image,
          solr: image,
          memcached: image,
          jod: image,
          database: image,
          // The first-install Job: tools and the reference dumps of the pinned SEI version (docs/images.md).
          bootstrap: image,
        })
        .superRefine((images, ctx) => {
          // The app image, the reference dumps and the updater must be one SEI version: the pinned one.
          for (const name of ["app", "bootstrap"] as const) {
            const { tag } = images[name];
            if (tag !== SEI_VERSION && !tag.startsWith(`${SEI_VERSION}-`)) {
              ctx.addIssue({
                code: "custom",
                path: [name, "tag"],
                message: `must be SEI ${SEI_VERSION} (or ${SEI_VERSION}-<build>), the version core/image-contract.ts pins for the app, the reference dumps and the updater`,
              });
            }
          }
        }),
      database: z.strictObject({ engine: z.enum(DATABASE_ENGINES) }),
      mail: z.strictObject({
        host: hostOrAddress,
        port: mailPort.meta({ description: "Port of the SMTP relay: 25, 465, 587 or 2525" }),
        security: z.enum(MAIL_SECURITY),
        // No authentication when absent; a municipality may set its own account (spec.mail).
        authentication: smtpAuthentication.optional(),
        cidr: egressCidr("the SMTP relay's own network", "mail leaves only through PRODEMGE's relay").meta({
          description:
            "Network of the SMTP relay, the only mail egress allowed: private, covering no cluster's pod or service network",
        }),
      }),
      stateBackend,
      stateEncryption: stateEncryption.optional(),
      fleet: z
        .strictObject({
          neverCanary: z.array(dnsLabel(40)).default([]).meta({
            description:
              "Municipalities (metadata.name) whose stacks `fleet apply` never picks for the canary wave (an explicit --canary still may)",
          }),
        })
        .optional()
        .meta({ description: "How `sei-infra fleet` rolls changes out" }),
      deploy: z.strictObject({
        waitForWorkloads: z.boolean().meta({ description: "Wait for rollouts and pods; false where no workload runs" }),
        timeoutSeconds: z
          .int()
          .min(MIN_RELEASE_TIMEOUT_SECONDS, {
            error: `must be at least ${MIN_RELEASE_TIMEOUT_SECONDS}: Helm waits this long for each hook Job, the updater's deadline is ${HOOK_MARGIN_SECONDS} s shorter, and it needs at least ${MIN_UPDATER_SECONDS} s`,
          })
          .max(MAX_RELEASE_TIMEOUT_SECONDS)
          .meta({
            description:
              "Seconds Helm waits for the release and for each hook Job (the updater's deadline is 60 s shorter)",
          }),
      }),
    })
    .superRefine((spec, ctx) => {
      // The backup store's egress must not reach into its own cluster either.
      spec.clusters.forEach((cluster, index) => {
        const store = cluster.backupStore;
        if (!store) return;
        const inside = [cluster.podCidr, cluster.serviceCidr].find((network) => overlaps(store.cidr, network));
        if (inside === undefined) return;
        ctx.addIssue({
          code: "custom",
          path: ["clusters", index, "backupStore", "cidr"],
          message: `covers the cluster's own network ${inside}: backup egress would reach its pods or services; name the store's own network (it lives in another failure domain)`,
        });
      });
      // The mail NetworkPolicy's ipBlock must not reach into a cluster: its pods, or its services and API server.
      for (const cluster of spec.clusters) {
        const covered = clusterNetworkCovered(spec.mail.cidr, cluster, "mail", "the relay's own network");
        if (!covered) continue;
        ctx.addIssue({ code: "custom", path: ["mail", "cidr"], message: covered });
        return;
      }
    }),
});

export type PlatformInput = z.input<typeof platformSchema>;
export type Platform = z.output<typeof platformSchema>;
