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
import { backupScript } from "../../constructs/database-scripts.ts";
import { cleanScratch, scratchDir } from "./support.ts";

afterAll(cleanScratch);

describe("backup.sh", () => {
  const root = scratchDir("sei-backup-");
  const backups = join(root, "backup");
  const documents = join(root, "documents");
  const bin = join(root, "bin");
  const script = join(root, "backup.sh");
  mkdirSync(backups);
  mkdirSync(documents);
  mkdirSync(bin);
  writeFileSync(join(bin, "mariadb-dump"), '#!/bin/sh\necho "-- dump: $*"\n');
  chmodSync(join(bin, "mariadb-dump"), 0o755);
  writeFileSync(script, backupScript({ backups, documents }));

  const run = () =>
    execFileSync("bash", [script], {
      encoding: "utf8",
      env: {
        PATH: `${bin}:${process.env.PATH}`,
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
    const lines = backupScript({ backups, documents }).split("\n");
    const retention = lines.slice(lines.findIndex((l) => l.startsWith("cutoff=")));
    execFileSync("bash", ["-c", [`set -euo pipefail`, `sets=${sets}`, "RETENTION_DAYS=7", ...retention].join("\n")]);
    expect(readdirSync(sets)).toEqual(["2002-02-02"]);
  });
});
