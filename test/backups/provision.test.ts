/**
 * Provisioning against a real versitygw (S3 API, users, bucket policy,
 * versioning) and Debian's restic: each municipality's user backs up into its
 * own repository, and cannot list, read or write another's prefix, delete
 * anything but its locks, or erase history; a second run changes nothing, and
 * a repository that the namespace's key does not open is refused.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackupStorePlan } from "../../core/plan.ts";
import { provision } from "../../backups/provision.ts";
import { restic } from "../../backups/restic.ts";
import { storeRequest, type StoreCredential } from "../../backups/store-client.ts";
import { startVersitygw, type Versitygw } from "../support/versitygw.ts";
import { storePlanOf } from "./support.ts";

const BUCKET = "sei-backups-test";

let store: Versitygw;
let stores: Record<"ouro" | "mariana", BackupStorePlan>;
const tenants = {
  ouro: { secretAccessKey: key(), repositoryPassword: key() },
  mariana: { secretAccessKey: key(), repositoryPassword: key() },
};

function key(): string {
  return randomBytes(24).toString("base64url").replace(/[-_]/g, "x");
}

const planOf = (name: "ouro" | "mariana") => storePlanOf(store, BUCKET, name, 60 * 2 ** 30);

const credentialOf = (name: "ouro" | "mariana"): StoreCredential => ({
  accessKeyId: stores[name].user,
  secretAccessKey: tenants[name].secretAccessKey,
});
const target = () => ({ endpoint: store.endpoint, region: store.region, ca: null });
const as = (name: "ouro" | "mariana", method: "GET" | "PUT" | "DELETE" | "HEAD", path: string, body?: string) =>
  storeRequest(target(), credentialOf(name), { method, path, ...(body === undefined ? {} : { body }) });
const tenantRestic = (name: "ouro" | "mariana", args: string[], of: "ouro" | "mariana" = name) =>
  restic(
    { store: stores[of], credential: credentialOf(name), repositoryPassword: tenants[of].repositoryPassword },
    args,
  );

async function provisionBoth(lines: string[] = []) {
  for (const name of ["ouro", "mariana"] as const)
    await provision({
      store: stores[name],
      fleetStores: Object.values(stores),
      admin: store.admin,
      tenant: tenants[name],
      onLine: (line) => lines.push(line),
    });
  return lines;
}

beforeAll(async () => {
  store = await startVersitygw();
  stores = { ouro: planOf("ouro"), mariana: planOf("mariana") };
}, 60_000);
afterAll(async () => store?.stop());

describe("backups provision against versitygw", () => {
  it("creates the bucket with versioning, both users, the policy and both repositories", async () => {
    const lines = await provisionBoth();
    expect(lines).toEqual([
      `bucket ${BUCKET}: created`,
      `bucket ${BUCKET}: versioning on`,
      "user sei-backup-ouro: created",
      // mariana's user does not exist yet: the store would refuse a policy that names it.
      `bucket ${BUCKET}: policy for 1 municipalities written`,
      `repository ${stores.ouro.repository}: created`,
      "user sei-backup-mariana: created",
      `bucket ${BUCKET}: policy for 2 municipalities written`,
      `repository ${stores.mariana.repository}: created`,
    ]);
  }, 120_000);

  it("lets each municipality back up into its own repository with its own keys", async () => {
    const backup = await restic(
      { store: stores.ouro, credential: credentialOf("ouro"), repositoryPassword: tenants.ouro.repositoryPassword },
      ["backup", "--stdin", "--stdin-filename", "sei.sql", "--host", "ouro"],
      Buffer.from("INSERT INTO protocolo VALUES (1);\n".repeat(1000)),
    );
    expect(backup.stderr).not.toMatch(/denied|unable/i);
    expect(backup.code).toBe(0);
    const snapshots = await tenantRestic("ouro", ["snapshots", "--json"]);
    expect(snapshots.code).toBe(0);
    expect(JSON.parse(snapshots.stdout)).toHaveLength(1);
  }, 120_000);

  it("keeps one municipality out of another's prefix: no list, no read, no write", async () => {
    expect((await as("ouro", "GET", `/${BUCKET}?list-type=2&prefix=mariana/`)).status).toBe(403);
    expect((await as("ouro", "GET", `/${BUCKET}?list-type=2`)).status).toBe(403);
    expect((await as("ouro", "GET", `/${BUCKET}/mariana/config`)).status).toBe(403);
    expect((await as("ouro", "PUT", `/${BUCKET}/mariana/keys/forged`, "x")).status).toBe(403);
    // Its own prefix it lists and reads.
    expect((await as("ouro", "GET", `/${BUCKET}?list-type=2&prefix=ouro/`)).status).toBe(200);
    expect((await as("ouro", "GET", `/${BUCKET}/ouro/config`)).status).toBe(200);
    // Nor does restic open the other's repository with the other's key and its own credential.
    const other = await tenantRestic("ouro", ["snapshots"], "mariana");
    expect(other.code).not.toBe(0);
  }, 60_000);

  it("lets a municipality delete nothing of its repository but its locks, so history survives it", async () => {
    const listing = await storeRequest(target(), store.admin, {
      method: "GET",
      path: `/${BUCKET}?list-type=2&prefix=ouro/snapshots/`,
    });
    const snapshot = /<Key>(ouro\/snapshots\/[0-9a-f]+)<\/Key>/.exec(listing.body)?.[1];
    expect(snapshot).toBeDefined();
    for (const path of [snapshot!, "ouro/config"]) {
      expect((await as("ouro", "DELETE", `/${BUCKET}/${path}`)).status).toBe(403);
      expect((await as("ouro", "HEAD", `/${BUCKET}/${path}`)).status).toBe(200);
    }
    // Its backup removed its own lock: the one delete it may make.
    const locks = await storeRequest(target(), store.admin, {
      method: "GET",
      path: `/${BUCKET}?list-type=2&prefix=ouro/locks/`,
    });
    expect(locks.body).not.toMatch(/<Key>/);
    // Bucket-wide changes are the administrator's.
    expect((await as("ouro", "PUT", `/${BUCKET}?policy`, '{"Version":"2012-10-17","Statement":[]}')).status).toBe(403);
    expect((await as("ouro", "DELETE", `/${BUCKET}`)).status).toBe(403);
  }, 60_000);

  it("changes nothing on a second run, and refuses a repository the namespace's key does not open", async () => {
    const lines = await provisionBoth();
    expect(lines.filter((line) => /created/.test(line))).toEqual([]);
    expect(lines).toContain(`repository ${stores.ouro.repository}: exists, opened with the namespace's key`);
    const wrong = provision({
      store: stores.ouro,
      fleetStores: Object.values(stores),
      admin: store.admin,
      tenant: { ...tenants.ouro, repositoryPassword: key() },
      onLine: () => {},
    });
    await expect(wrong).rejects.toThrow(/exists but the namespace's repository key does not open it/);
  }, 120_000);

  it("refuses a wrong administrator key before it changes anything", async () => {
    const refused = provision({
      store: stores.ouro,
      fleetStores: Object.values(stores),
      admin: { ...store.admin, secretAccessKey: "wrong" },
      tenant: tenants.ouro,
      onLine: () => {},
    });
    await expect(refused).rejects.toThrow(/answered 403 to the administrator's key/);
  });

  it("keeps what a municipality overwrites: the bucket's versions hold the original for the administrator", async () => {
    const config = `/${BUCKET}/mariana/config`;
    const original = await storeRequest(target(), store.admin, { method: "GET", path: config });
    expect((await as("mariana", "PUT", config, "overwritten by a compromised namespace")).status).toBe(200);
    const versions = await storeRequest(target(), store.admin, {
      method: "GET",
      path: `/${BUCKET}?versions&prefix=mariana/config`,
    });
    const ids = [...versions.body.matchAll(/<VersionId>([^<]+)<\/VersionId>/g)].map((m) => m[1]!);
    expect(ids.length).toBe(2);
    const kept = await Promise.all(
      ids.map((id) => storeRequest(target(), store.admin, { method: "GET", path: `${config}?versionId=${id}` })),
    );
    expect(kept.map((r) => r.body)).toContain(original.body);
    // Nor can it remove a version: only the administrator can.
    expect((await as("mariana", "DELETE", `${config}?versionId=${ids[0]}`)).status).toBe(403);
  });
});
