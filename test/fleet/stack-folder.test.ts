/**
 * The lock file synthesis copies into a stack folder: init rewrites it, and
 * what init leaves is checked against the copy (fleet/stack-folder.ts): it
 * may drop entries, never add one. The real engine's rewrite is in
 * test/fleet/saved-plans.test.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockAdditions, lockEntries } from "../../fleet/stack-folder.ts";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";

const copied = readFileSync(join(REPO_ROOT, "providers.lock.hcl"), "utf8");

/** What OpenTofu's init writes from the copy: its own header, only registry.opentofu.org's entries. */
function asInitWritesIt(text: string): string {
  const blocks = [...text.matchAll(/^provider "registry\.opentofu\.org[^"]*" \{\n[\s\S]*?^\}\n/gm)].map((m) => m[0]);
  return `# This file is maintained automatically by "tofu init".\n# Manual edits may be lost in future updates.\n\n${blocks.join("\n")}`;
}

describe("the stack's lock file after init", () => {
  it("reads the checked-in lock file: every provider under both registries, with hashes", () => {
    const entries = lockEntries(copied);
    expect([...entries.keys()].filter((a) => a.startsWith("registry.opentofu.org/")).length).toBeGreaterThan(0);
    expect(entries.size % 2).toBe(0);
    for (const entry of entries.values()) {
      expect(entry.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(entry.hashes.length).toBeGreaterThan(0);
    }
  });

  it("init's own rewrite (header, the other registry dropped) adds nothing", () => {
    expect(lockAdditions(copied, asInitWritesIt(copied))).toEqual([]);
  });

  it("a hash, a version or a provider init added is named", () => {
    const [address, { version }] = [...lockEntries(copied)].find(([a]) => a.startsWith("registry.opentofu.org/"))!;
    const added = asInitWritesIt(copied)
      .replace(/(hashes = \[\n)/, '$1    "h1:AddedByInit=",\n')
      .concat(
        '\nprovider "registry.opentofu.org/example/other" {\n  version = "1.0.0"\n  hashes = [\n    "h1:x=",\n  ]\n}\n',
      );
    expect(lockAdditions(copied, added)).toEqual([
      `${address} ${version}: hashes h1:AddedByInit=`,
      "registry.opentofu.org/example/other (not in the copied lock file)",
    ]);
    const moved = asInitWritesIt(copied).replace(`version     = "${version}"`, 'version     = "9.9.9"');
    expect(lockAdditions(copied, moved)).toEqual([`${address} 9.9.9 (the lock says ${version})`]);
  });
});
