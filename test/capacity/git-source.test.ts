/** Git revisions read as data, in real repositories: under the working tree's rules (no links, no folders, nothing over the size limit). */
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_FILE_BYTES } from "../../core/load/index.ts";
import { RefusedPath } from "../../core/source.ts";
import { GitError, gitRevisions } from "../../sources/git-revisions.ts";
import { repoPerTest } from "./per-test.ts";

const repo = repoPerTest();

describe("gitRevisions", () => {
  it("reads each revision as committed, whatever the working tree holds", () => {
    const r = repo().write("municipalities/a.yaml", "one\n");
    r.commit("one");
    r.write("municipalities/a.yaml", "two\n").write("municipalities/b.yaml", "b\n").commit("two");
    r.write("municipalities/a.yaml", "uncommitted\n");
    const [first, second] = gitRevisions({ root: r.root, revisions: ["HEAD~1", "HEAD"], prefetch: ["municipalities"] });
    expect(first!.read("municipalities/a.yaml")?.toString()).toBe("one\n");
    expect(second!.read("municipalities/a.yaml")?.toString()).toBe("two\n");
    expect(first!.list("municipalities")).toEqual(["a.yaml"]);
    expect(second!.list("municipalities")).toEqual(["a.yaml", "b.yaml"]);
    expect(first!.read("municipalities/b.yaml")).toBeUndefined();
    expect(first!.label).toMatch(/^HEAD~1 \([0-9a-f]{10}\)$/);
  });

  it("lists files and folders like a directory listing, and reads files outside the prefetched folders", () => {
    const r = repo();
    r.commit("fixture");
    const [head] = gitRevisions({ root: r.root, revisions: ["HEAD"], prefetch: ["tiers"] });
    // The empty municipalities/ folder is not in git, so not in the revision either.
    expect(head!.list(".")).toEqual(["data", "platform.yaml", "tiers"]);
    expect(head!.list("data")).toEqual(["ibge"]);
    expect(head!.list("./tiers/")).toContain("pequeno-i.yaml");
    expect(head!.read("platform.yaml")?.toString()).toBe(r.read("platform.yaml"));
    expect(head!.list("nowhere")).toEqual([]);
  });

  it("sees paths relative to a project folder inside the repository", () => {
    const r = repo();
    mkdirSync(join(r.root, "infra"));
    r.write("infra/platform.yaml", "inner\n").commit("nested project");
    const [head] = gitRevisions({ root: join(r.root, "infra"), revisions: ["HEAD"], prefetch: ["platform.yaml"] });
    expect(head!.read("platform.yaml")?.toString()).toBe("inner\n");
    expect(head!.list(".")).toEqual(["platform.yaml"]);
  });

  it("names an unknown revision, and refuses option-like ones", () => {
    const r = repo();
    r.commit("fixture");
    expect(() => gitRevisions({ root: r.root, revisions: ["HEAD", "no-such-branch"], prefetch: [] })).toThrow(
      new GitError('unknown revision "no-such-branch"'),
    );
    expect(() => gitRevisions({ root: r.root, revisions: ["--all"], prefetch: [] })).toThrow(GitError);
  });

  it("refuses a link, a folder where a file is expected, and a blob over the limit, without reading them", () => {
    const r = repo();
    mkdirSync(join(r.root, "municipalities", "folder.yaml"));
    r.write("municipalities/folder.yaml/inner", "x\n");
    r.write("municipalities/limit.yaml", "x".repeat(MAX_FILE_BYTES));
    r.write("municipalities/over.yaml", "x".repeat(MAX_FILE_BYTES + 1));
    symlinkSync("/etc/passwd", join(r.root, "municipalities", "link.yaml"));
    symlinkSync("municipalities", join(r.root, "linked"));
    r.commit("hostile entries");
    rmSync(join(r.root, "municipalities"), { recursive: true });
    const [head] = gitRevisions({ root: r.root, revisions: ["HEAD"], prefetch: ["municipalities"] });
    expect(head!.list("municipalities")).toEqual(["folder.yaml", "limit.yaml", "link.yaml", "over.yaml"]);
    expect(head!.read("municipalities/limit.yaml")).toHaveLength(MAX_FILE_BYTES);
    expect(() => head!.read("municipalities/link.yaml")).toThrow(
      new RefusedPath("is a symbolic link in this revision; links are not followed, whatever they point to"),
    );
    expect(() => head!.read("municipalities/folder.yaml")).toThrow(new RefusedPath("is a folder, not a file"));
    expect(() => head!.read("municipalities/over.yaml")).toThrow(
      new RefusedPath("file is 65 KiB; files over 64 KiB are refused (the project's input files are a few KiB)"),
    );
    expect(() => head!.list("linked")).toThrow(RefusedPath);
  });
});
