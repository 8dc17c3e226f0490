/**
 * images/database/offsite/migrate-claim-sets.sh as the migration Job runs it, with real parts: a
 * private versitygw store (scripts/tools/versitygw.sh), Debian's restic and GNU tar, and a backup
 * claim laid out as the nightly job writes it (sets/<date>/ with both dumps and the documents,
 * hard-linked between sets, and a `.partial-` set that never finished). Every complete set becomes
 * a snapshot of its day whose files hash the same as the claim's; a copy that differs in the store
 * is caught and named.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startVersityStore, type VersityStore } from "../support/versity-store.ts";

const SCRIPT = resolve("images/database/offsite/migrate-claim-sets.sh");
let store: VersityStore;
let work: string;

function claimWithSets(root: string): string {
  const claim = join(root, "claim");
  const set = (date: string) => join(claim, "sets", date);
  for (const date of ["2026-12-01", "2026-12-02", ".partial-2026-12-03"])
    mkdirSync(join(set(date), "documents", "2026"), { recursive: true });
  for (const date of ["2026-12-01", "2026-12-02"]) {
    writeFileSync(join(set(date), "sei.sql.gz"), `dump of sei on ${date}\n`.repeat(500));
    writeFileSync(join(set(date), "sip.sql.gz"), `dump of sip on ${date}\n`.repeat(200));
  }
  writeFileSync(join(set("2026-12-01"), "documents", "2026", "oficio 1.pdf"), Buffer.alloc(300_000, 7));
  // The next night hard-links what did not change, and adds the day's document.
  linkSync(
    join(set("2026-12-01"), "documents", "2026", "oficio 1.pdf"),
    join(set("2026-12-02"), "documents", "2026", "oficio 1.pdf"),
  );
  writeFileSync(join(set("2026-12-02"), "documents", "2026", "despacho-2.odt"), "despacho\n");
  writeFileSync(join(set(".partial-2026-12-03"), "sei.sql.gz"), "half a dump");
  return claim;
}

function migrate(env: Record<string, string>) {
  const run = spawnSync("bash", [SCRIPT], { env, encoding: "utf8" });
  return { status: run.status, out: run.stdout, err: run.stderr };
}

function snapshots(env: Record<string, string>) {
  const run = spawnSync("restic", ["snapshots", "--json"], { env, encoding: "utf8" });
  return JSON.parse(run.stdout) as { time: string; tags: string[]; paths: string[] }[];
}

beforeAll(async () => {
  store = await startVersityStore();
  work = mkdtempSync(join(tmpdir(), "sei-migrate-claim-"));
}, 60_000);
afterAll(async () => {
  await store?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

it("uploads every complete set as a snapshot of its day, checks each file's hash and the packs", () => {
  const claim = claimWithSets(join(work, "good"));
  chmodSync(claim, 0o555); // mounted read-only
  const env = { ...store.resticEnv("tiradentes"), CLAIM: claim };
  const run = migrate(env);
  expect(run.err).not.toMatch(/ERROR/);
  expect(run.status).toBe(0);
  expect(run.out).toMatch(/set 2026-12-01 [0-9a-f]{8,64}: 3 files, each the same in the store\n/);
  expect(run.out).toMatch(/set 2026-12-02 [0-9a-f]{8,64}: 4 files, each the same in the store\n/);
  expect(run.out.trimEnd().split("\n").at(-1)).toBe("migrate-claim-sets.sh: migrated 2 sets, 7 files");
  const taken = snapshots(env);
  expect(taken.map((s) => [s.time.slice(0, 10), [...s.tags].sort()])).toEqual([
    ["2026-12-01", ["kind=claim-set", "municipality=tiradentes", "set=2026-12-01"]],
    ["2026-12-02", ["kind=claim-set", "municipality=tiradentes", "set=2026-12-02"]],
  ]);
}, 120_000);

it("refuses a claim without sets before it uploads anything", () => {
  const empty = join(work, "empty");
  mkdirSync(join(empty, "sets"), { recursive: true });
  const env = { ...store.resticEnv("mariana"), CLAIM: empty };
  const run = migrate(env);
  expect(run.status).toBe(1);
  expect(run.err).toContain("the claim holds no complete set");
  expect(snapshots(env)).toEqual([]);
});

it("names a set whose copy in the store differs from the claim", () => {
  const claim = claimWithSets(join(work, "changing"));
  const env = { ...store.resticEnv("sabara"), CLAIM: claim };
  // A restic that uploads, then a file of the claim changes under it: the store's copy is older.
  const fake = join(work, "bin");
  mkdirSync(fake, { recursive: true });
  writeFileSync(
    join(fake, "restic"),
    `#!/bin/bash\n/usr/bin/restic "$@"; rc=$?\nif [[ " $* " == *" backup "* ]]; then echo changed >> "${claim}/sets/2026-12-01/sip.sql.gz"; fi\nexit $rc\n`,
    { mode: 0o755 },
  );
  const run = migrate({ ...env, PATH: `${fake}:${process.env.PATH ?? "/usr/bin:/bin"}` });
  expect(run.status).toBe(1);
  expect(run.err).toContain("set 2026-12-01: the uploaded copy differs from the claim");
  expect(run.err).toMatch(/< [0-9a-f]{64} {2}\.\/sip\.sql\.gz/);
}, 120_000);
