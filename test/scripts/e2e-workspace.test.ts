/**
 * The e2e and bench workspaces copy only PROJECT_ENTRIES from the repository, then synthesize there.
 * The list is kept by hand, so a new folder the synthesis imports (shell/ was one) broke every fleet
 * workspace until someone ran the e2e. This test walks the synthesis's real import graph with esbuild
 * and fails naming the folder the list lacks; the same for the command line a workspace gets (backups/
 * was missing there, and every sei-infra call in the e2e workspace failed to load).
 */
import { build } from "esbuild";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMAND_LINE_ENTRIES, PROJECT_ENTRIES } from "../../scripts/lib/e2e-workspace.ts";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";

/** The top-level entries of the repository that the synthesis entry point imports, directly or not. */
async function importedEntries(entryPoint: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(REPO_ROOT, entryPoint)],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "silent",
  });
  const entries = Object.keys(result.metafile.inputs).map((input) => relative(REPO_ROOT, join(REPO_ROOT, input)));
  return [...new Set(entries.map((path) => path.split("/")[0]!))].sort();
}

describe("the e2e workspace", () => {
  it("copies every folder the synthesis imports", async () => {
    const imported = await importedEntries("stacks/cdktf-app.ts");
    expect(imported.length).toBeGreaterThan(3);
    expect(imported.filter((entry) => !PROJECT_ENTRIES.includes(entry))).toEqual([]);
  });

  it("with the command line added, copies every folder sei-infra imports", async () => {
    const imported = await importedEntries("cli/main.ts");
    const copied = [...PROJECT_ENTRIES, ...COMMAND_LINE_ENTRIES];
    expect(imported.filter((entry) => !copied.includes(entry))).toEqual([]);
  });
});
