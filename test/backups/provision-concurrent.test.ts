/**
 * Provisions that run at once (two operators, two CI jobs) against a real
 * versitygw and Debian's restic: the same municipality twice and three others
 * beside it, all started together on an empty store. Every run succeeds, the
 * bucket's policy names every user in the end (a run that listed the users
 * before another's existed must not leave its policy last), and every
 * repository opens with its namespace's key. Without the lock, two `restic
 * init` of one repository leave a config its key does not open ("config or key
 * is damaged"), and a policy written last from an older list of users.
 *
 * The lock left by a run that died is taken over once stale; a live one is
 * waited for, and a run that waited too long stops before it changes anything.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { BackupStorePlan } from "../../core/plan.ts";
import { provision } from "../../backups/provision.ts";
import { PROVISION_LOCK } from "../../backups/provision-lock.ts";
import { restic } from "../../backups/restic.ts";
import { storeRequest } from "../../backups/store-client.ts";
import { startVersitygw, type Versitygw } from "../support/versitygw.ts";
import { storePlanOf } from "./support.ts";

const BUCKET = "sei-backups-race";
const NAMES = ["ouro", "mariana", "sabara", "caete"] as const;

let store: Versitygw;
let stores: BackupStorePlan[];
const key = () => randomBytes(24).toString("base64url").replace(/[-_]/g, "x");
const tenants = NAMES.map(() => ({ secretAccessKey: key(), repositoryPassword: key() }));
const fast = { staleAfterMs: 60_000, waitMs: 60_000, pollMs: 100 };
const target = () => ({ endpoint: store.endpoint, region: store.region, ca: null });
const run = (i: number, lines: string[] = [], lockTiming = fast) =>
  provision({
    store: stores[i]!,
    fleetStores: stores,
    admin: store.admin,
    tenant: tenants[i]!,
    onLine: (line) => lines.push(line),
    lockTiming,
  });

beforeAll(async () => {
  store = await startVersitygw();
  stores = NAMES.map((name) => storePlanOf(store, BUCKET, name));
}, 60_000);
afterAll(async () => store?.stop());

it("lets runs for the same and for other municipalities go at once, and leaves the whole policy", async () => {
  const run = (i: number) =>
    provision({ store: stores[i]!, fleetStores: stores, admin: store.admin, tenant: tenants[i]!, onLine: () => {} });
  // ouro twice, each of the others once: five runs on an empty store, none waiting for another.
  const results = await Promise.allSettled([run(0), run(0), run(1), run(2), run(3)]);
  expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(Array(5).fill("ok"));

  const policy = await storeRequest({ endpoint: store.endpoint, region: store.region, ca: null }, store.admin, {
    method: "GET",
    path: `/${BUCKET}?policy`,
  });
  const principals = new Set(
    (JSON.parse(policy.body) as { Statement: { Principal: { AWS: string[] } }[] }).Statement.flatMap(
      (s) => s.Principal.AWS,
    ),
  );
  expect([...principals].sort()).toEqual(stores.map((s) => s.user).sort());

  for (const [i, s] of stores.entries()) {
    const opened = await restic(
      {
        store: s,
        credential: { accessKeyId: s.user, secretAccessKey: tenants[i]!.secretAccessKey },
        repositoryPassword: tenants[i]!.repositoryPassword,
      },
      ["cat", "config"],
    );
    expect(opened.stderr).toBe("");
    expect(opened.code).toBe(0);
  }
}, 180_000);

it("takes over the lock of a run that died once it is stale, and frees it at the end", async () => {
  const lock = `/${BUCKET}/${PROVISION_LOCK}`;
  const dead = await storeRequest(target(), store.admin, { method: "PUT", path: lock, body: "ci-runner-7 pid 42" });
  expect(dead.status).toBe(200);
  const lines: string[] = [];
  // Stale after 1 s: the store's clock has whole seconds, so the run waits one or two polls.
  await run(1, lines, { staleAfterMs: 1_000, waitMs: 10_000, pollMs: 200 });
  expect(lines).toContain(`bucket ${BUCKET}: waiting for another provision to finish (ci-runner-7 pid 42)`);
  expect(
    lines.some((l) =>
      l.startsWith(`bucket ${BUCKET}: took over the provision lock of a run that stopped (ci-runner-7 pid 42, `),
    ),
  ).toBe(true);
  const after = await storeRequest(target(), store.admin, { method: "GET", path: lock });
  expect(after.body).toBe("free");
}, 60_000);

it("waits for a live lock and gives up before it changes anything", async () => {
  const lock = `/${BUCKET}/${PROVISION_LOCK}`;
  const policyBefore = await storeRequest(target(), store.admin, { method: "GET", path: `/${BUCKET}?policy` });
  await storeRequest(target(), store.admin, { method: "PUT", path: lock, body: "operator-laptop pid 7" });
  const other = { ...tenants[2]!, secretAccessKey: key() };
  const refused = provision({
    store: stores[2]!,
    fleetStores: stores,
    admin: store.admin,
    tenant: other,
    onLine: () => {},
    lockTiming: { staleAfterMs: 600_000, waitMs: 1_000, pollMs: 200 },
  });
  await expect(refused).rejects.toThrow(
    `bucket ${BUCKET}: another provision holds the lock (operator-laptop pid 7) and did not finish within 1 s`,
  );
  // The user's key is the old one still: sabara's own key opens its repository as its user.
  const opened = await restic(
    {
      store: stores[2]!,
      credential: { accessKeyId: stores[2]!.user, secretAccessKey: tenants[2]!.secretAccessKey },
      repositoryPassword: tenants[2]!.repositoryPassword,
    },
    ["cat", "config"],
  );
  expect(opened.code).toBe(0);
  const policyAfter = await storeRequest(target(), store.admin, { method: "GET", path: `/${BUCKET}?policy` });
  expect(policyAfter.body).toBe(policyBefore.body);
  await storeRequest(target(), store.admin, { method: "PUT", path: lock, body: "free" });
}, 60_000);
