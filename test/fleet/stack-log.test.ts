/** A stack's log, in a logs folder that may be shared (--logs): what is planted at its name is never written through. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStackLog } from "../../fleet/engine-process.ts";

describe("stack log", () => {
  it("appends to a regular file and reads its end back", () => {
    const dir = mkdtempSync(join(tmpdir(), "sei-fleet-log-"));
    const log = openStackLog(join(dir, "sei-a.log"));
    log.note("first");
    log.note("second");
    expect(log.tail(7)).toBe("second\n");
    log.close();
  });

  it("refuses a link planted at its name (the target is untouched) and a FIFO (without waiting)", () => {
    const dir = mkdtempSync(join(tmpdir(), "sei-fleet-log-"));
    writeFileSync(join(dir, "victim"), "untouched");
    symlinkSync(join(dir, "victim"), join(dir, "sei-a.log"));
    expect(() => openStackLog(join(dir, "sei-a.log"), "logs/sei-a.log")).toThrow(
      "logs/sei-a.log: is a symbolic link; links are not followed",
    );
    expect(readFileSync(join(dir, "victim"), "utf8")).toBe("untouched");
    execFileSync("mkfifo", [join(dir, "sei-b.log")]);
    expect(() => openStackLog(join(dir, "sei-b.log"))).toThrow("sei-b.log: is a FIFO (named pipe), not a regular file");
  });
});
