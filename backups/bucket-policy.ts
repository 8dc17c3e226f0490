/**
 * The bucket policy of a cluster's backup store (docs/backups.md,
 * "The bucket policy"): each municipality's user may read and write objects under its own
 * prefix, list only that prefix, and delete only restic's lock files there. No
 * user may delete a snapshot, a pack, an index or a key, list or read another
 * municipality's prefix, or change the bucket; the administrator (the bucket's
 * owner) prunes, and versioning keeps every overwritten or deleted object.
 *
 * The policy is computed whole from the plans of every municipality on the
 * bucket, never read, edited and written back: two provisions running at once
 * write the same document, and a municipality no longer on the bucket loses
 * its access with the next one.
 */
import type { BackupStorePlan } from "../core/plan.ts";

interface Statement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Principal: { readonly AWS: readonly string[] };
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export interface BucketPolicy {
  readonly Version: "2012-10-17";
  readonly Statement: readonly Statement[];
}

/** The policy of `bucket`, from the stores of the plans on it (others are ignored), and how many it names. */
export function bucketPolicy(
  bucket: string,
  stores: readonly BackupStorePlan[],
): { readonly document: BucketPolicy; readonly municipalities: number } {
  const on = stores.filter((s) => s.bucket === bucket).sort((a, b) => a.prefix.localeCompare(b.prefix));
  return {
    document: { Version: "2012-10-17", Statement: on.flatMap((store) => statementsOf(store)) },
    municipalities: on.length,
  };
}

function statementsOf({ bucket, prefix, user }: BackupStorePlan): Statement[] {
  // Sids are letters and digits only; a municipality name's hyphens are dropped, the user keeps it unique.
  const sid = (what: string) => `${what}${prefix.replaceAll("-", "")}`;
  const principal = { AWS: [user] };
  return [
    {
      Sid: sid("ReadWrite"),
      Effect: "Allow",
      Principal: principal,
      Action: ["s3:GetObject", "s3:PutObject"],
      Resource: [`arn:aws:s3:::${bucket}/${prefix}/*`],
    },
    {
      Sid: sid("List"),
      Effect: "Allow",
      Principal: principal,
      Action: ["s3:ListBucket"],
      Resource: [`arn:aws:s3:::${bucket}`],
      Condition: { StringLike: { "s3:prefix": [`${prefix}/*`] } },
    },
    {
      // restic removes the lock it takes at the end of every backup; with versioning the
      // lock's versions stay, and nothing else of the repository can be deleted.
      Sid: sid("Unlock"),
      Effect: "Allow",
      Principal: principal,
      Action: ["s3:DeleteObject"],
      Resource: [`arn:aws:s3:::${bucket}/${prefix}/locks/*`],
    },
  ];
}
