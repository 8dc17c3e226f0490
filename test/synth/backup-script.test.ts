/**
 * The backup CronJob's script, run for real with bash and coreutils against
 * temporary folders and a stand-in for mariadb-dump: dated sets, databases
 * first, hard-linked document snapshots that older sets never see change,
 * and retention.
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { terraformLiteral } from "../../constructs/render.ts";
import { examplePlan, REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { cleanScratch, resourcesOf, scratchDir, synthStack } from "./support.ts";

afterAll(cleanScratch);

describe("backup.sh (constructs/database-backup.sh)", () => {
  const root = scratchDir("sei-backup-");
  const backups = join(root, "backup");
  const documents = join(root, "documents");
  const bin = join(root, "bin");
  const script = join(REPO_ROOT, "constructs/database-backup.sh");
  mkdirSync(backups);
  mkdirSync(documents);
  mkdirSync(bin);
  writeFileSync(join(bin, "mariadb-dump"), '#!/bin/sh\necho "-- dump: $*"\n');
  chmodSync(join(bin, "mariadb-dump"), 0o755);

  const run = () =>
    execFileSync("bash", [script], {
      encoding: "utf8",
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        BACKUPS: backups,
        DOCUMENTS: documents,
        DB_HOST: "sei-database",
        DB_PORT: "3306",
        DB_USER: "sei_backup",
        SEI_DATABASE: "sei",
        SIP_DATABASE: "sip",
        RETENTION_DAYS: "7",
      },
    });
  const today = new Date().toISOString().slice(0, 10);
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const sets = join(backups, "sets");
  const inode = (path: string) => statSync(path).ino;

  it("writes a dated set: both databases, then the documents", () => {
    writeFileSync(join(documents, "a.pdf"), "document a");
    writeFileSync(join(documents, "b.pdf"), "document b, first version");
    expect(run()).toContain(`backup set ${sets}/${today} complete`);
    const set = join(sets, today);
    expect(readdirSync(set).sort()).toEqual(["documents", "sei.sql.gz", "sip.sql.gz"]);
    expect(gunzipSync(readFileSync(join(set, "sei.sql.gz"))).toString()).toContain("--databases sei");
    // As the backup's own account, never root (its privileges: test/synth/backup-account.test.ts).
    expect(gunzipSync(readFileSync(join(set, "sei.sql.gz"))).toString()).toContain("--user=sei_backup");
    expect(gunzipSync(readFileSync(join(set, "sip.sql.gz"))).toString()).toContain("--default-character-set=latin1");
    expect(readFileSync(join(set, "documents", "b.pdf"), "utf8")).toBe("document b, first version");
  });

  it("hard-links unchanged documents to the previous set, copies changed ones, and applies the retention", () => {
    // Yesterday's set is today's, renamed; one set is far older than the retention.
    renameSync(join(sets, today), join(sets, day(-1)));
    mkdirSync(join(sets, "2001-01-01", "documents"), { recursive: true });
    writeFileSync(join(documents, "b.pdf"), "document b, second version");
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(documents, "b.pdf"), later, later);
    writeFileSync(join(documents, "c.pdf"), "document c");

    run();
    const previous = join(sets, day(-1), "documents");
    const current = join(sets, today, "documents");
    expect(inode(join(current, "a.pdf"))).toBe(inode(join(previous, "a.pdf")));
    expect(inode(join(current, "b.pdf"))).not.toBe(inode(join(previous, "b.pdf")));
    expect(readFileSync(join(current, "b.pdf"), "utf8")).toBe("document b, second version");
    expect(readFileSync(join(previous, "b.pdf"), "utf8")).toBe("document b, first version");
    expect(readFileSync(join(current, "c.pdf"), "utf8")).toBe("document c");
    expect(existsSync(join(sets, "2001-01-01"))).toBe(false);
    expect(readdirSync(sets).sort()).toEqual([day(-1), today].sort());
  });

  it("keeps the newest set even when every set is older than the retention", () => {
    for (const name of readdirSync(sets))
      renameSync(join(sets, name), join(sets, name === today ? "2002-02-02" : "2002-02-01"));
    // Only the retention part of the script, over the two old sets.
    const lines = readFileSync(script, "utf8").split("\n");
    const retention = lines.slice(lines.findIndex((l) => l.startsWith("cutoff=")));
    execFileSync("bash", ["-c", [`set -euo pipefail`, `sets=${sets}`, "RETENTION_DAYS=7", ...retention].join("\n")]);
    expect(readdirSync(sets)).toEqual(["2002-02-02"]);
  });
});

describe("the backup CronJob", () => {
  const json = synthStack(examplePlan({ tier: "pequeno-i", phase: "production" })).json;
  type Container = {
    command: string[];
    env: { name: string; value?: string }[];
    volume_mount: { name: string; mount_path: string }[];
  };
  const cronJob = Object.values(resourcesOf(json, "kubernetes_cron_job_v1"))[0] as {
    spec: { job_template: { spec: { template: { spec: { container: Container[] } } } } };
  };
  const container = cronJob.spec.job_template.spec.template.spec.container[0]!;
  const configMap = Object.values(resourcesOf(json, "kubernetes_config_map_v1")).find(
    (map) => (map as { data: Record<string, string> }).data["backup.sh"] !== undefined,
  ) as { data: Record<string, string> };

  it("runs the script file as it is, from its ConfigMap", () => {
    expect(configMap.data["backup.sh"]).toBe(
      terraformLiteral(readFileSync(join(REPO_ROOT, "constructs/database-backup.sh"), "utf8")),
    );
    expect(container.command).toEqual(["/bin/bash", "/scripts/backup.sh"]);
  });

  it("tells it where the backup volume and the document repository are mounted", () => {
    const value = (name: string) => container.env.find((variable) => variable.name === name)?.value;
    const mount = (name: string) => container.volume_mount.find((volume) => volume.name === name)?.mount_path;
    expect([value("BACKUPS"), value("DOCUMENTS")]).toEqual([mount("backups"), mount("documents")]);
    expect(value("BACKUPS")).toBeDefined();
  });
});
