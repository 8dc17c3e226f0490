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
import { directorySchema } from "./directory.ts";
import { byteQuantity, cpuQuantity, dnsLabel, header } from "./fields.ts";

/** "sha256:" and 64 lower-case hex digits: what `podman push --digestfile`, `skopeo inspect` and `crane digest` print. */
export const IMAGE_DIGEST = /^sha256:[0-9a-f]{64}$/;

const image = z.strictObject({
  repository: z.string().min(1),
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

const cluster = z.strictObject({
  name: dnsLabel(40),
  kubeconfig: z.strictObject({ path: z.string().min(1), context: z.string().min(1) }),
  allocatable: z
    .strictObject({ cpu: cpuQuantity, memory: byteQuantity, storage: byteQuantity })
    .meta({ description: "What the cluster can give SEI instances, for capacity planning" }),
  directory: directorySchema.optional().meta({
    description:
      "PRODEMGE's directory the cluster's instances authenticate against (SIP's authentication server); without it the first install leaves no account that can log in",
  }),
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

const stateBackend = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("local"),
    directory: z.string().default("terraform-state").meta({ description: "Folder of the per-stack state files" }),
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
    bucket: z.string().min(1),
    region: z.string().min(1),
    keyPrefix: z.string().default("sei"),
    endpoint: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal("kubernetes"),
    namespace: z.string().min(1),
    configPath: z.string().optional(),
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
  spec: z.strictObject({
    kubernetesVersion: kubernetesMinor.meta({
      description:
        "Kubernetes minor release the clusters run (the oldest while an upgrade rolls): the Pod Security standard version every namespace enforces",
    }),
    domainSuffixes: z.array(z.string().regex(/^[a-z0-9.-]+$/)).min(1),
    defaultCluster: z.string(),
    clusters: z.array(cluster).min(1),
    storageClasses: z.strictObject({
      readWriteOnce: z.string().min(1).meta({ description: "For database, Solr and backup volumes" }),
      readWriteMany: z.string().min(1).meta({ description: "For the document repository shared by app and scheduler" }),
    }),
    ingress: z.strictObject({
      className: z.string().min(1),
      clusterIssuer: z.string().min(1).meta({ description: "cert-manager ClusterIssuer for the TLS certificate" }),
      controllerNamespace: z
        .string()
        .min(1)
        .meta({ description: "Namespace of the ingress controller, allowed into the app" }),
    }),
    clusterDns,
    registry: z
      .string()
      .min(1)
      .meta({ description: "Private registry of the SEI images (the SEI source is not redistributable)" }),
    imagePullSecret: z.string().optional(),
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
    database: z.strictObject({ engine: z.enum(["mariadb", "mysql"]) }),
    mail: z.strictObject({
      host: z.string().min(1),
      port: z.int().min(1).max(65535),
      security: z.enum(["", "TLS", "SSL"]),
      // Checked here: Kubernetes would only refuse a malformed ipBlock at deploy time, in every stack at once.
      cidr: z
        .union([z.cidrv4(), z.cidrv6()], { error: 'must be a network in CIDR notation, such as "10.20.30.40/32"' })
        .meta({ description: "Network of the SMTP relay, the only mail egress allowed" }),
    }),
    stateBackend,
    stateEncryption: stateEncryption.optional(),
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
  }),
});

export type PlatformInput = z.input<typeof platformSchema>;
export type Platform = z.output<typeof platformSchema>;
