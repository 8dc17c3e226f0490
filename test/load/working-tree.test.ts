/**
 * The working-tree source on real files: what it reads, what it refuses and
 * why, and that a refusal is one file's error. The CLI under hostile input is
 * tested in test/hostile/.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_FILE_BYTES } from "../../core/load/index.ts";
import { listFolder, readInput, RefusedPath } from "../../core/source.ts";
import { workingTree } from "../../sources/working-tree.ts";

const scratch = mkdtempSync(join(tmpdir(), "sei-working-tree-"));
const project = join(scratch, "project");
const outside = join(scratch, "outside");
mkdirSync(join(project, "m", "inner"), { recursive: true });
mkdirSync(outside);
writeFileSync(join(project, "m", "ok.yaml"), "a: 1\n");
writeFileSync(join(project, "m", "limit.yaml"), "x".repeat(MAX_FILE_BYTES));
writeFileSync(join(project, "m", "over.yaml"), "x".repeat(MAX_FILE_BYTES + 1));
writeFileSync(join(outside, "secret.yaml"), "secret: 1\n");
symlinkSync(join(outside, "secret.yaml"), join(project, "m", "link.yaml"));
symlinkSync("m", join(project, "alias"));
symlinkSync(outside, join(project, "away"));
execFileSync("mkfifo", [join(project, "m", "pipe.yaml")]);
writeFileSync(join(project, "m", "sparse.yaml"), "");
truncateSync(join(project, "m", "sparse.yaml"), 2 ** 30);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const source = workingTree(project);
const reason = (path: string) => readInput(source, path, "missing").diagnostic?.message;

describe("workingTree", () => {
  it("reads a regular file, up to the size limit exactly", () => {
    expect(source.read("m/ok.yaml")?.toString()).toBe("a: 1\n");
    expect(source.read("m/limit.yaml")).toHaveLength(MAX_FILE_BYTES);
    expect(source.read("m/nothing.yaml")).toBeUndefined();
    expect(source.read("nowhere/nothing.yaml")).toBeUndefined();
  });

  it("refuses, with the reason, what is not a regular file within the limit", () => {
    expect(reason("m/over.yaml")).toBe(
      "file is 65 KiB; files over 64 KiB are refused (the project's input files are a few KiB)",
    );
    expect(reason("m/link.yaml")).toMatch(/^is a symbolic link; links are not followed/);
    expect(reason("m/pipe.yaml")).toBe("is a FIFO (named pipe), not a regular file; it is not read");
    expect(reason("m/inner")).toBe("is a folder, not a file");
    expect(() => source.read("m/link.yaml")).toThrow(RefusedPath);
  });

  it("follows no link out of the project, and allows one that stays inside", () => {
    expect(source.read("alias/ok.yaml")?.toString()).toBe("a: 1\n");
    expect(reason("away/secret.yaml")).toMatch(/leads outside the project/);
    expect(listFolder(source, "away")).toEqual({
      names: [],
      diagnostics: [
        expect.objectContaining({ file: "away", message: expect.stringMatching(/leads outside the project/) }),
      ],
    });
  });

  it("reads a folder named outside the project as named", () => {
    expect(source.list(outside)).toEqual(["secret.yaml"]);
    expect(source.read(join(outside, "secret.yaml"))?.toString()).toBe("secret: 1\n");
  });

  it("refuses a 1 GiB sparse file by its size, before reading it", () => {
    expect(reason("m/sparse.yaml")).toBe(
      "file is 1048576 KiB; files over 64 KiB are refused (the project's input files are a few KiB)",
    );
  });

  it("lists a folder sorted, links and all, so each entry is judged when read", () => {
    expect(source.list("m")).toEqual([
      "inner",
      "limit.yaml",
      "link.yaml",
      "ok.yaml",
      "over.yaml",
      "pipe.yaml",
      "sparse.yaml",
    ]);
    expect(source.list("none")).toEqual([]);
  });
});
