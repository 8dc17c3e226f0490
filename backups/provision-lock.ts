/**
 * One provision at a time per bucket (docs/backups.md, provisioning). Two
 * operators or two CI jobs provisioning at once would each write the bucket
 * policy from the users they saw, the later write dropping a user the other
 * had just made, and two runs for one municipality would both `restic init`,
 * leaving two master keys and a config only one of them opens.
 *
 * The lock is an object of the bucket changed only by conditional writes
 * (`If-None-Match: *` the first time, then `If-Match` on the ETag just read:
 * the store compares and writes in one atomic step; versitygw and S3 both have
 * them), so it holds across machines. A run writes its host, process and start
 * into it when it reads "free", waits while another's is there, and writes
 * "free" back at the end (`If-Match` on its own ETag: never over another's).
 * The object is never deleted: versitygw with versioning refuses
 * `If-None-Match: *` on a key whose current version is a delete marker. A lock
 * older than `staleAfterMs`, by the store's own clock (its Date against the
 * lock's Last-Modified), was left by a run that died, and is taken over the
 * same way, so of two runs that find it stale only one takes it. The key
 * begins with a dot, which no municipality's prefix (a DNS label) can, so no
 * tenant's policy reaches it.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { printable } from "../core/printable.ts";
import {
  storeRequest,
  StoreError,
  type StoreCredential,
  type StoreResponse,
  type StoreTarget,
} from "./store-client.ts";

export const PROVISION_LOCK = ".sei-provision-lock";
/** What the lock holds between runs; a run writes its host, process and start instead. */
const FREE = "free";

export interface LockTiming {
  /** A lock this old was left by a run that stopped: a provision takes seconds. */
  readonly staleAfterMs: number;
  /** How long a run waits for another before it gives up. */
  readonly waitMs: number;
  readonly pollMs: number;
}

export const LOCK_TIMING: LockTiming = { staleAfterMs: 10 * 60_000, waitMs: 12 * 60_000, pollMs: 2_000 };

export class LockError extends Error {}

export interface BucketLock {
  readonly target: StoreTarget;
  readonly admin: StoreCredential;
  readonly bucket: string;
  readonly timing: LockTiming;
  readonly onLine: (line: string) => void;
}

/** Runs `work` holding the bucket's provision lock; the lock goes whatever `work` does. */
export async function withBucketLock<T>(lock: BucketLock, work: () => Promise<T>): Promise<T> {
  const holder = `${hostname()} pid ${process.pid} ${new Date().toISOString()} ${randomBytes(6).toString("hex")}`;
  const etag = await acquire(lock, holder);
  try {
    return await work();
  } finally {
    await release(lock, etag);
  }
}

async function acquire(lock: BucketLock, holder: string): Promise<string> {
  const { target, admin, bucket, timing, onLine } = lock;
  const started = Date.now();
  let waiting = false;
  for (;;) {
    const now = await storeRequest(target, admin, { method: "GET", path: lockPath(bucket) });
    if (now.status !== 200 && now.status !== 404)
      throw new StoreError(`reading the provision lock of bucket ${bucket}: the store answered ${now.status}`, now);
    const free = now.status === 404 || now.body === FREE;
    const age = free ? 0 : Date.parse(header(now, "date")) - Date.parse(header(now, "last-modified"));
    if (free || age >= timing.staleAfterMs) {
      // Swapped only if nobody wrote it since it was read: of two runs that read it, one wins.
      const condition: Record<string, string> =
        now.status === 404 ? { "If-None-Match": "*" } : { "If-Match": etagOf(now) };
      const taken = await writeLock(lock, holder, condition);
      if (taken.status === 200) {
        if (!free)
          onLine(
            `bucket ${bucket}: took over the provision lock of a run that stopped (${printable(now.body, 200)}, ${Math.round(age / 1000)} s old)`,
          );
        return etagOf(taken);
      }
      if (taken.status !== 412 && taken.status !== 409)
        throw new StoreError(
          `taking the provision lock of bucket ${bucket}: the store answered ${taken.status}`,
          taken,
        );
    } else {
      if (Date.now() - started >= timing.waitMs)
        throw new LockError(
          `bucket ${bucket}: another provision holds the lock (${printable(now.body, 200)}) and did not finish within ${Math.round(timing.waitMs / 1000)} s; ` +
            `run again later (a lock older than ${Math.round(timing.staleAfterMs / 60_000)} min is taken over)`,
        );
      if (!waiting) onLine(`bucket ${bucket}: waiting for another provision to finish (${printable(now.body, 200)})`);
      waiting = true;
    }
    await sleep(timing.pollMs);
  }
}

/** Frees the lock, unless another run took it over as stale meanwhile: then that run's lock stays. */
async function release(lock: BucketLock, etag: string): Promise<void> {
  const { bucket, onLine } = lock;
  const done = await writeLock(lock, FREE, { "If-Match": etag });
  if (done.status === 412) onLine(`bucket ${bucket}: the provision lock was taken over by another run before the end`);
  else if (done.status !== 200)
    throw new StoreError(`releasing the provision lock of bucket ${bucket}: the store answered ${done.status}`, done);
}

function writeLock(lock: BucketLock, body: string, condition: Readonly<Record<string, string>>) {
  return storeRequest(lock.target, lock.admin, {
    method: "PUT",
    path: lockPath(lock.bucket),
    body,
    headers: condition,
  });
}

const lockPath = (bucket: string) => `/${bucket}/${PROVISION_LOCK}`;

function header(response: StoreResponse, name: string): string {
  const value = response.headers[name];
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

function etagOf(response: StoreResponse): string {
  const etag = header(response, "etag");
  if (!etag) throw new StoreError("the store wrote the provision lock but answered without an ETag", response);
  return etag;
}
