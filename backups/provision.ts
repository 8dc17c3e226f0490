/**
 * Provisioning of one municipality's repository in its cluster's backup store
 * (docs/backups.md), with the administrator's key, on the operator's side:
 *
 * 1. the cluster's bucket exists, with versioning on: an overwritten or deleted
 *    object keeps its versions, which only the administrator can remove;
 * 2. the municipality's user exists with the key its namespace holds;
 * 3. the bucket policy is the whole cluster's, computed from the plans
 *    (backups/bucket-policy.ts): its user writes its own prefix and nothing else;
 * 4. the restic repository exists under the prefix, opened by the namespace's
 *    repository key. It is created with the administrator's key: restic's init
 *    checks the bucket, which a user confined to a prefix may not.
 *
 * Every step is idempotent: a second run changes nothing but the policy, to the
 * same document. A repository that exists under another key is refused, never
 * re-created. Steps 1 (versioning) to 4 run under the bucket's provision lock
 * (backups/provision-lock.ts), so runs that start at once, for one
 * municipality or several, follow each other.
 */
import type { BackupStorePlan } from "../core/plan.ts";
import { bucketPolicy } from "./bucket-policy.ts";
import { LOCK_TIMING, withBucketLock, type LockTiming } from "./provision-lock.ts";
import { restic, type ResticRun } from "./restic.ts";
import {
  errorText,
  expectStatus,
  storeRequest,
  StoreError,
  type StoreCredential,
  type StoreTarget,
} from "./store-client.ts";

export interface ProvisionInput {
  /** The municipality's store, from its plan. */
  readonly store: BackupStorePlan;
  /** The stores of every plan of the fleet: the policy of the bucket names each user on it. */
  readonly fleetStores: readonly BackupStorePlan[];
  readonly admin: StoreCredential;
  /** What the namespace's Secret holds: the user's secret key and the repository key. */
  readonly tenant: { readonly secretAccessKey: string; readonly repositoryPassword: string };
  readonly onLine: (line: string) => void;
  readonly resticProgram?: string;
  /** How long a run waits for another's lock, and when a lock is a dead run's. @default LOCK_TIMING */
  readonly lockTiming?: LockTiming;
}

export class ProvisionError extends Error {}

export async function provision(input: ProvisionInput): Promise<void> {
  const { store, admin, onLine } = input;
  const target: StoreTarget = { endpoint: store.endpoint, region: store.region, ca: store.ca };
  // The lock lives in the bucket: making it is the one step outside the lock, and it is atomic on the store.
  await ensureBucket(target, admin, store.bucket, onLine);
  const lock = { target, admin, bucket: store.bucket, timing: input.lockTiming ?? LOCK_TIMING, onLine };
  await withBucketLock(lock, async () => {
    await ensureVersioning(target, admin, store.bucket, onLine);
    await ensureUser(target, admin, store.user, input.tenant.secretAccessKey, onLine);
    // A store refuses a policy naming a user it does not have: the municipalities not provisioned yet wait for theirs.
    const users = await existingUsers(target, admin);
    const policy = bucketPolicy(
      store.bucket,
      input.fleetStores.filter((s) => users.has(s.user)),
    );
    await expectStatus(
      target,
      admin,
      { method: "PUT", path: `/${store.bucket}?policy`, body: JSON.stringify(policy.document) },
      `writing the policy of bucket ${store.bucket}`,
    );
    onLine(`bucket ${store.bucket}: policy for ${policy.municipalities} municipalities written`);
    await ensureRepository(input, target);
  });
}

async function ensureBucket(target: StoreTarget, admin: StoreCredential, bucket: string, onLine: Line) {
  const head = await storeRequest(target, admin, { method: "HEAD", path: `/${bucket}` });
  if (head.status === 200) return;
  if (head.status !== 404)
    throw new ProvisionError(
      `bucket ${bucket}: the store answered ${head.status} to the administrator's key; check the key and platform.yaml backupStore`,
    );
  let created = await storeRequest(target, admin, { method: "PUT", path: `/${bucket}` });
  // Runs creating the bucket at once can make the store fail inside (versitygw's posix backend answers
  // 500 InternalError to the losers of a race on the bucket's folder): the bucket may be there all the
  // same, so look again, and try again a few times before giving up.
  for (let attempt = 1; attempt <= 5 && created.status >= 500; attempt++) {
    await new Promise((done) => setTimeout(done, 200 * attempt));
    const again = await storeRequest(target, admin, { method: "HEAD", path: `/${bucket}` });
    if (again.status === 200) return;
    created = await storeRequest(target, admin, { method: "PUT", path: `/${bucket}` });
  }
  // Another run made it between the two calls: the store says so, and it is ours all the same.
  if (created.status === 409 && created.body.includes("BucketAlreadyOwnedByYou")) return;
  if (created.status !== 200)
    throw new StoreError(
      `creating bucket ${bucket}: the store answered ${created.status} ${errorText(created.body)}`,
      created,
    );
  onLine(`bucket ${bucket}: created`);
}

async function ensureVersioning(target: StoreTarget, admin: StoreCredential, bucket: string, onLine: Line) {
  const path = `/${bucket}?versioning`;
  const now = await expectStatus(target, admin, { method: "GET", path }, `reading the versioning of bucket ${bucket}`);
  if (/<Status>Enabled<\/Status>/.test(now.body)) return;
  const body =
    '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>';
  await expectStatus(
    target,
    admin,
    { method: "PUT", path, body },
    `turning versioning on for bucket ${bucket} (the store must run with versioning, such as versitygw's --versioning-dir)`,
  );
  onLine(`bucket ${bucket}: versioning on`);
}

/** versitygw's admin API (create-user, update-user): S3 itself has no users. */
async function ensureUser(target: StoreTarget, admin: StoreCredential, user: string, secret: string, onLine: Line) {
  const account = `<Account><Access>${user}</Access><Secret>${secret}</Secret><Role>user</Role></Account>`;
  const created = await storeRequest(target, admin, { method: "PATCH", path: "/create-user", body: account });
  if (created.status === 201 || created.status === 200) {
    onLine(`user ${user}: created`);
    return;
  }
  if (!created.body.includes("UserAlreadyExists") && !created.body.includes("already exists"))
    throw new StoreError(`creating user ${user}: the store answered ${created.status}`, created);
  // The namespace's Secret is the truth: a key regenerated there is the key from now on.
  const props = `<MutableProps><Secret>${secret}</Secret><Role>user</Role></MutableProps>`;
  await expectStatus(
    target,
    admin,
    { method: "PATCH", path: `/update-user?access=${encodeURIComponent(user)}`, body: props },
    `updating user ${user}`,
  );
  onLine(`user ${user}: exists, key set to the namespace's`);
}

async function existingUsers(target: StoreTarget, admin: StoreCredential): Promise<Set<string>> {
  const listed = await expectStatus(
    target,
    admin,
    { method: "PATCH", path: "/list-users" },
    "listing the store's users",
  );
  return new Set([...listed.body.matchAll(/<Access>([^<]+)<\/Access>/g)].map((m) => m[1]!));
}

async function ensureRepository(input: ProvisionInput, target: StoreTarget) {
  const { store, admin, onLine } = input;
  const context = {
    store,
    credential: admin,
    repositoryPassword: input.tenant.repositoryPassword,
    ...(input.resticProgram ? { program: input.resticProgram } : {}),
  };
  const config = await storeRequest(target, admin, { method: "HEAD", path: `/${store.bucket}/${store.prefix}/config` });
  if (config.status === 200) {
    // It exists: the namespace's key must open it, or backups would fail every night.
    refuseFailure(
      await restic(context, ["cat", "config"]),
      `repository ${store.repository} exists but the namespace's repository key does not open it; ` +
        'restore the key from escrow into the Secret (docs/backups.md, "Escrow of the repository key")',
    );
    onLine(`repository ${store.repository}: exists, opened with the namespace's key`);
    return;
  }
  if (config.status !== 404)
    throw new ProvisionError(`repository ${store.repository}: the store answered ${config.status} for its config`);
  refuseFailure(await restic(context, ["init"]), `creating repository ${store.repository}`);
  onLine(`repository ${store.repository}: created`);
}

function refuseFailure(run: ResticRun, what: string): void {
  if (run.code === 0) return;
  const said = run.stderr.trim().split("\n").slice(-3).join("; ");
  throw new ProvisionError(`${what}: restic exited ${run.code}: ${said}`);
}

type Line = (line: string) => void;
