/**
 * The retention prune against a real versitygw and Debian's restic: ten
 * nightly snapshots, then `prune` with the administrator's key keeps exactly
 * what the daily, weekly and monthly counts say, and the repository still
 * opens with the municipality's key for the next night's backup.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { BackupStorePlan } from "../../core/plan.ts";
import { provision } from "../../backups/provision.ts";
import { prune } from "../../backups/prune.ts";
import { restic } from "../../backups/restic.ts";
import { startVersitygw, type Versitygw } from "../support/versitygw.ts";
import { storePlanOf } from "./support.ts";

let store: Versitygw;
let plan: BackupStorePlan;
const tenant = {
  secretAccessKey: randomBytes(20).toString("hex"),
  repositoryPassword: randomBytes(32).toString("hex"),
};

beforeAll(async () => {
  store = await startVersitygw();
  const resolved = storePlanOf(store, "sei-backups-prune", "sabara");
  plan = { ...resolved, retention: { daily: 3, weekly: 2, monthly: 1 } };
  await provision({ store: plan, fleetStores: [plan], admin: store.admin, tenant, onLine: () => {} });
  const asTenant = { store: plan, credential: { accessKeyId: plan.user, secretAccessKey: tenant.secretAccessKey } };
  // Ten nights, 2026-11-20 to 2026-11-29, each a slightly different dump, as the municipality's user.
  for (let day = 20; day <= 29; day++) {
    const night = await restic(
      { ...asTenant, repositoryPassword: tenant.repositoryPassword },
      ["backup", "--stdin", "--stdin-filename", "sei.sql", "--host", "sabara", "--time", `2026-11-${day} 01:00:00`],
      Buffer.from(`-- night ${day}\n${"INSERT INTO protocolo VALUES (1);\n".repeat(500)}`),
    );
    if (night.code !== 0) throw new Error(night.stderr);
  }
}, 180_000);
afterAll(async () => store?.stop());

it("keeps the last 3 days, the last of 2 weeks and of 1 month, with the administrator's key", async () => {
  const lines: string[] = [];
  const left = await prune({
    store: plan,
    admin: store.admin,
    repositoryPassword: tenant.repositoryPassword,
    onLine: (line) => lines.push(line),
  });
  // 29, 28, 27 (daily); 29 and 22, the Sunday of the week before (weekly); 29 (monthly).
  expect(left).toBe(4);
  expect(lines).toEqual([
    `repository ${plan.repository}: kept the last 3 daily, 2 weekly and 1 monthly snapshots: 4 left`,
  ]);
  const listed = await restic(
    {
      store: plan,
      credential: { accessKeyId: plan.user, secretAccessKey: tenant.secretAccessKey },
      repositoryPassword: tenant.repositoryPassword,
    },
    ["snapshots", "--json"],
  );
  const times = (JSON.parse(listed.stdout) as { time: string }[]).map((s) => s.time.slice(0, 10)).sort();
  expect(times).toEqual(["2026-11-22", "2026-11-27", "2026-11-28", "2026-11-29"]);
  const check = await restic({ store: plan, credential: store.admin, repositoryPassword: tenant.repositoryPassword }, [
    "check",
  ]);
  expect(check.code).toBe(0);
}, 180_000);
