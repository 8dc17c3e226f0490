/**
 * `sei-infra restore --list` and `--to` on a cluster with a backup store: the real bin, in a
 * repository whose platform.yaml gives the cluster a store, against a kubectl stand-in (KUBECTL)
 * that records every call and answers the read-only check with a store's snapshots as the check's
 * script prints them (test/restore/store-restore.test.ts runs that script, and the restore's, on
 * real parts). What is proven here: the refusals, each before anything stops, and the order of a
 * restore (check, summary, stop, Job, start again).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixtureRepo, official } from "../../scripts/lib/fleet-repo.ts";
import { REPO_ROOT } from "../cli/run.ts";
import { examplePlan } from "../../scripts/lib/example-plan.ts";

const work = mkdtempSync(join(tmpdir(), "sei-restore-store-cli-"));
let repo: FixtureRepo;
const HOUR = 3_600_000;
/** Whole seconds, as an operator names them. */
const now = Math.floor(Date.now() / 1000) * 1000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19) + "Z";
const id = (c: string) => c.repeat(64);
const snapshot = (c: string, ms: number, tags: string[], paths: string[]) => ({
  id: id(c),
  short_id: c.repeat(8),
  time: new Date(ms).toISOString().replace("Z", "123456Z"),
  hostname: "tiradentes",
  username: "mysql",
  paths,
  tags: ["municipality=tiradentes", ...tags],
});
const DUMP_AT = now - 6 * HOUR;
const SHIPPED_AT = now - 60_000;
const SNAPSHOTS = [
  snapshot("a", DUMP_AT, ["kind=databases", "binlog=mysql-bin.000007:1234"], ["/databases.sql"]),
  snapshot("b", DUMP_AT + 60_000, ["kind=documents"], ["/documents"]),
  snapshot("c", now - 3 * HOUR, ["kind=binlog"], ["/var/lib/sei-binlogs"]),
  snapshot("d", SHIPPED_AT, ["kind=binlog"], ["/var/lib/sei-binlogs"]),
];
const CHECK_LOG = [
  "restore check: reading the snapshots of s3:https://s3.dr.example.org:7070/sei-backups-bh-1/tiradentes",
  `STORE_SNAPSHOTS ${JSON.stringify(SNAPSHOTS)}`,
  `STORE_SIZE ${id("a")} 75497472`,
  `STORE_SIZE ${id("b")} 1073741824`,
  'INSPECTION {"sets":[],"target":{"reachable":true,"databases":2,"tables":0,"documentEntries":0}}',
].join("\n");

/** A kubectl that logs each call (after --kubeconfig and --context) and the manifests it applies. */
function standIn(name: string): { path: string; calls: () => string[]; applied: () => string } {
  const log = join(work, `${name}.calls`);
  const applied = join(work, `${name}.applied`);
  const checkLog = join(work, "check.log");
  writeFileSync(checkLog, CHECK_LOG + "\n");
  const path = join(work, `kubectl-${name}`);
  writeFileSync(
    path,
    `#!/bin/bash
shift 4
printf '%s\\n' "$*" >> '${log}'
case "$*" in
  *"apply -f -"*) cat >> '${applied}'; echo >> '${applied}' ;;
  *"get job sei-restore-check"*|*"get job sei-restore "*) echo '[{"type":"Complete","status":"True"}]' ;;
  *"logs job/sei-restore-check"*) cat '${checkLog}' ;;
  *"logs job/sei-restore"*) echo 'restore: set restored' ;;
esac
exit 0
`,
  );
  chmodSync(path, 0o755);
  const read = (file: string) => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return "";
    }
  };
  return { path, calls: () => read(log).trim().split("\n").filter(Boolean), applied: () => read(applied) };
}

function restore(args: readonly string[], kubectl?: string) {
  return spawnSync(process.execPath, [join(REPO_ROOT, "bin/sei-infra.js"), "restore", "tiradentes", ...args], {
    cwd: repo.root,
    env: { ...process.env, KUBECTL: kubectl ?? join(work, "no-kubectl-may-run") },
    encoding: "utf8",
  });
}

beforeAll(() => {
  repo = new FixtureRepo();
  const store = [
    "backupStore:",
    "  endpoint: https://s3.dr.example.org:7070",
    "  region: us-east-1",
    "  bucket: sei-backups-bh-1",
    "  cidr: 10.60.0.10/32",
    "  adminCredentialEnv: { accessKeyId: STORE_ADMIN_ID, secretAccessKey: STORE_ADMIN_SECRET }",
  ];
  const anchor = "      podCidr: 10.244.0.0/16";
  repo.edit("platform.yaml", anchor, [...store.map((line) => `      ${line}`), anchor].join("\n"));
  repo.municipality({ official: official("Tiradentes"), tier: "pequeno-i", phase: "production", sequence: 1 });
});
afterAll(() => {
  repo?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe("restore --list on a cluster with a backup store", () => {
  it("shows the dumps and documents with sizes and dates, the binlogs' span and the range of --to, and stops nothing", () => {
    const kubectl = standIn("list");
    const run = restore(["--list"], kubectl.path);
    expect([run.status, run.stderr]).toEqual([0, ""]);
    const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ") + " UTC";
    expect(run.stdout).toContain(
      "restore tiradentes: reading the restore points on the backup store s3:https://s3.dr.example.org:7070/sei-backups-bh-1/tiradentes (read-only)\n",
    );
    expect(run.stdout).toContain(`documents    ${utc(DUMP_AT + 60_000)}  1 GiB   bbbbbbbb\n`);
    expect(run.stdout).toContain(`databases    ${utc(DUMP_AT)}  72 MiB  aaaaaaaa\n`);
    expect(run.stdout).toContain(`binlogs: shipped from ${utc(now - 3 * HOUR)} to ${utc(SHIPPED_AT)} (2 shippings)\n`);
    expect(run.stdout).toContain(`restore --to: any time from ${iso(DUMP_AT + 1000)} to ${iso(SHIPPED_AT - 2000)}\n`);
    expect(kubectl.calls().filter((c) => c.includes("scale"))).toEqual([]);
    // The check reads the store with the namespace's own Secret, and the documents read-only; no backup claim.
    const job = JSON.parse(kubectl.applied()) as { spec: { template: { spec: Record<string, unknown> } } };
    const pod = JSON.stringify(job.spec.template.spec);
    expect(pod).toContain('"envFrom":[{"secretRef":{"name":"sei-backup-store"}}]');
    expect(pod).toContain('"persistentVolumeClaim":{"claimName":"sei-documents","readOnly":true}');
    expect(pod).not.toContain("sei-backups");
    expect(pod).not.toContain("APP_DB_ROOT_PASSWORD");
  });
});

describe("restore --to refuses, before anything stops", () => {
  it.each([
    ["2026-12-07T10:15:00", 2, '--to "2026-12-07T10:15:00" is not a time with its offset, to the second'],
    ["2026-02-30T10:15:00-03:00", 2, '--to "2026-02-30T10:15:00-03:00": 2026-02 has no day 30'],
    ["2099-01-01T00:00:00Z", 2, '--to "2099-01-01T00:00:00Z" is in the future'],
  ])("%s (exit %i), touching no cluster", (time, code, message) => {
    const run = restore(["--to", time, "--yes"]);
    expect(run.status).toBe(code);
    expect(run.stderr).toContain(`sei-infra restore: ${message}`);
  });

  it.each([
    ["before the first dump", iso(DUMP_AT - HOUR), /no database backup before .*; the oldest is of /],
    [
      "after the newest shipped binlog",
      iso(SHIPPED_AT - 1000),
      /the binlogs were shipped last at .*: choose a time at least 2 s before it/,
    ],
  ])("a time %s, naming the range there is (exit 1)", (_, time, problem) => {
    const kubectl = standIn(`range-${time}`);
    const run = restore(["--to", time, "--yes"], kubectl.path);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(problem);
    expect(run.stderr).toContain(
      `; the store holds any time from ${iso(DUMP_AT + 1000)} to ${iso(SHIPPED_AT - 2000)}\n`,
    );
    expect(run.stderr).toContain("sei-infra restore: refused; nothing was stopped or changed\n");
    expect(kubectl.calls().filter((c) => c.includes("scale"))).toEqual([]);
  });

  it("--to with --set or --list, and --set where the instance has no backup volume (exit 2)", () => {
    expect(restore(["--to", iso(now - HOUR), "--set", "2026-12-01"]).stderr).toContain(
      "--set and --to: give one: --list shows what there is, --set DATE restores a set of the backup volume, --to TIME a point in time from the backup store",
    );
    expect(restore(["--list", "--to", iso(now - HOUR)]).status).toBe(2);
    const set = restore(["--set", "2026-12-01", "--yes"]);
    expect([set.status, set.stderr]).toEqual([
      2,
      "sei-infra restore: tiradentes has no backup volume: its backups are on its cluster's backup store; restore a point in time with --to TIME (--list shows the times there are)\n",
    ]);
  });

  it("--to on a cluster without a store (exit 2)", () => {
    const run = spawnSync(
      process.execPath,
      [join(REPO_ROOT, "bin/sei-infra.js"), "restore", "tiradentes", "--to", iso(now - HOUR), "--yes"],
      { cwd: REPO_ROOT, encoding: "utf8" },
    );
    expect([run.status, run.stderr]).toEqual([
      2,
      "sei-infra restore: cluster prodemge-bh-1 of tiradentes has no backupStore in platform.yaml, so there is no point in time to restore; restore a nightly set with --set DATE (--list shows them)\n",
    ]);
  });
});

describe("restore --to a time the store holds", () => {
  const time = iso(now - HOUR);

  it("--dry-run: the summary names the dump, the binlogs and the documents, and nothing stops", () => {
    const kubectl = standIn("dry-run");
    const run = restore(["--to", time, "--dry-run"], kubectl.path);
    expect([run.status, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toContain(`Restore of Tiradentes (tiradentes, phase production) to ${time}\n`);
    expect(run.stdout).toMatch(/ {2}databases {2}the dump of .* UTC, 72 MiB \(aaaaaaaa\), then the binlogs up to /);
    expect(run.stdout).toMatch(/ {2}documents {2}the snapshot of .* UTC, 1 GiB \(bbbbbbbb\)\n/);
    expect(run.stdout).toContain("restore tiradentes: dry run: every check passed; nothing was stopped or changed");
    expect(kubectl.calls().filter((c) => c.includes("scale"))).toEqual([]);
  });

  it("--yes: checks, stops the writers, runs the Job with the chosen snapshots, starts them again", () => {
    const kubectl = standIn("yes");
    const run = restore(["--to", time, "--yes"], kubectl.path);
    expect([run.status, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toContain(`restore tiradentes: running the restore Job of the point ${time}; its log follows`);
    expect(run.stdout).toContain(`restore tiradentes: the point ${time} restored; the app is ready`);
    const calls = kubectl.calls();
    const checked = calls.findIndex((c) => c.includes("logs job/sei-restore-check"));
    const stopped = calls.findIndex((c) => c.includes("scale") && c.includes("--replicas=0"));
    const restarted = calls.findLastIndex((c) => c.includes("scale") && c.includes("--replicas=1"));
    expect(0 <= checked && checked < stopped && stopped < restarted).toBe(true);
    const restoreJob = kubectl
      .applied()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { metadata: { name: string }; spec: { template: { spec: unknown } } })
      .find((j) => j.metadata.name === "sei-restore")!;
    const env = Object.fromEntries(
      (
        restoreJob.spec.template.spec as { containers: { env: { name: string; value?: string }[] }[] }
      ).containers[0]!.env.map((e) => [e.name, e.value]),
    );
    // No --timeout: the plan's restore deadline is the Job's, and the command waits as long.
    expect((restoreJob.spec as { activeDeadlineSeconds?: number }).activeDeadlineSeconds).toBe(
      examplePlan({ tier: "pequeno-i", phase: "production" }).backup!.restoreDeadlineSeconds,
    );
    expect(env).toMatchObject({
      DUMP_SNAPSHOT: id("a"),
      BINLOG_POSITION: "mysql-bin.000007:1234",
      BINLOG_SNAPSHOT: id("d"),
      DOCUMENTS_SNAPSHOT: id("b"),
      DOCUMENTS_PATH: "/documents",
      STOP_DATETIME: time.slice(0, 19).replace("T", " "),
      RESTORE_SET: time.slice(0, 10),
    });
  });

  it("--timeout 20h: the Job may run 20 h, as long as the command waits for it", () => {
    const kubectl = standIn("timeout");
    const run = restore(["--to", time, "--yes", "--timeout", "20h"], kubectl.path);
    expect([run.status, run.stderr]).toEqual([0, ""]);
    const restoreJob = kubectl
      .applied()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { metadata: { name: string }; spec: { activeDeadlineSeconds: number } })
      .find((j) => j.metadata.name === "sei-restore")!;
    expect(restoreJob.spec.activeDeadlineSeconds).toBe(20 * 3600);
  });
});
