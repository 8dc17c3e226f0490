/** loadFleet's document cache, which the capacity diff shares between its two revisions. */
import { describe, expect, it } from "vitest";
import { loadFleet, type DocumentCache } from "../../core/load-fleet.ts";
import { gitRevisions } from "../../sources/git-revisions.ts";
import { official } from "../../scripts/lib/fleet-repo.ts";
import { repoPerTest } from "./per-test.ts";

const newRepo = repoPerTest();

describe("loadFleet with a document cache", () => {
  it("reuses unchanged files, re-reads changed ones, and loads what an uncached load loads", () => {
    const repo = newRepo();
    repo.municipality({ official: official("Acaiaca"), tier: "pequeno-i", sequence: 1 });
    repo.municipality({ official: official("Abaeté"), tier: "pequeno-ii", sequence: 2 }).commit("base");
    repo.edit("municipalities/abaete.yaml", "tier: pequeno-ii", "tier: tiny").commit("invalid tier");
    const [base, head] = gitRevisions({ root: repo.root, revisions: ["HEAD~1", "HEAD"], prefetch: ["."] });
    const cache: DocumentCache = new Map();
    const before = loadFleet({ source: base!, cache });
    const after = loadFleet({ source: head!, cache });
    const find = (fleet: typeof before, name: string) =>
      fleet.municipalities.find((m) => m.municipality.metadata.name === name)?.municipality;
    expect(find(after, "acaiaca")).toBe(find(before, "acaiaca"));
    expect(find(after, "abaete")).toBeUndefined();
    expect(after.diagnostics).toEqual(loadFleet({ source: head! }).diagnostics);
    expect(after.diagnostics.map((d) => [d.file, d.path])).toContainEqual(["municipalities/abaete.yaml", "spec.tier"]);
    expect(before.diagnostics).toEqual(loadFleet({ source: base! }).diagnostics);
  });
});
