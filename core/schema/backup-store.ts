/**
 * The off-site backup store of one cluster in platform.yaml (docs/backups.md):
 * an S3-compatible object store in another failure domain, one bucket per
 * cluster, one prefix (a restic repository) per municipality. The
 * administrator's credential stays outside every cluster: platform.yaml names
 * the environment variables `sei-infra` reads it from, never its value.
 */
import { z } from "zod";
import { PEM_CERTIFICATE } from "./directory.ts";
import { cidr, isEveryAddress } from "./platform-network.ts";

/** https://host[:port], nothing after: restic's repository URL appends /<bucket>/<prefix>. */
const STORE_ENDPOINT = /^https:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[1-9][0-9]{0,4})?$/;

/** S3 bucket names: 3–63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const environmentVariable = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, {
  error: "must be an environment variable name of upper-case letters, digits and underscores",
});

export const backupStoreSchema = z.strictObject({
  endpoint: z
    .string()
    .regex(STORE_ENDPOINT, {
      error: 'must be an https URL of a host and an optional port, such as "https://s3.dr.prodemge.mg.gov.br:7070"',
    })
    .meta({ description: "The store's S3 endpoint, https only (backups leave the cluster)" }),
  region: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: "must be a region such as us-east-1" })
    .meta({ description: "The region the store signs requests for (us-east-1 where it has none of its own)" }),
  bucket: z
    .string()
    .regex(BUCKET, { error: "must be an S3 bucket name: 3 to 63 lower-case letters, digits, . and -" })
    .meta({ description: "The cluster's bucket: each municipality gets the prefix <name>/ in it" }),
  ca: z
    .string()
    .regex(PEM_CERTIFICATE, { error: "must be one PEM certificate (-----BEGIN CERTIFICATE----- …)" })
    .optional()
    .meta({ description: "The CA (PEM) of the store's certificate, where it is not publicly trusted" }),
  cidr: cidr
    .refine((network) => !isEveryAddress(network), {
      error: "is every address, the internet and the API server included: name the store's own network",
    })
    .meta({ description: "Network of the store's endpoint: the only backup egress allowed" }),
  adminCredentialEnv: z
    .strictObject({
      accessKeyId: environmentVariable,
      secretAccessKey: environmentVariable,
    })
    .meta({
      description:
        "Environment variables holding the store administrator's key, read by sei-infra only (never its value in this file, never in a cluster)",
    }),
});

export type BackupStore = z.output<typeof backupStoreSchema>;

/** The port of a store endpoint: the one written, else https's. */
export function storePort(endpoint: string): number {
  const port = /:([0-9]+)$/.exec(endpoint.replace(/^https:\/\//, ""));
  return port ? Number(port[1]) : 443;
}
