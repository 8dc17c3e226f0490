/**
 * The fleet compared with an earlier revision (what `validate` does against
 * HEAD or --base): a deployed municipality renamed or gone is an error, a
 * volume that would shrink a warning. Files are inline, as in rules.test.ts;
 * the git side is tested in test/cli/validate.test.ts and test/capacity/.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadFleet } from "../../core/load-fleet.ts";
import { DIAMANTINA, edit, lines, overlay, repo, REPO_ROOT, TIRADENTES } from "../load/support.ts";

/** Loads `now` compared with `before`, each a set of municipality files in "m/" (and other files, by path). */
function compare(
  before: Record<string, string>,
  now: Record<string, string>,
  options: { strict?: boolean; files?: string[]; platform?: { before?: string; now?: string } } = {},
) {
  const { platform, ...load } = options;
  const inFolder = (files: Record<string, string>, platformText: string | undefined) =>
    overlay(repo, {
      ...Object.fromEntries(Object.entries(files).map(([name, text]) => [`m/${name}`, text])),
      ...(platformText ? { "platform.yaml": platformText } : {}),
    });
  return lines(
    loadFleet({
      source: inFolder(now, platform?.now),
      base: inFolder(before, platform?.before),
      municipalitiesDir: "m",
      ...load,
    }).diagnostics,
  );
}

const DOCS = 'see "Renaming or removing a municipality" in docs/validate.md';
const renamed = edit(TIRADENTES, "name:", "name: tiradentes-mg");

describe("compared with an earlier revision", () => {
  it("says nothing when nothing moved", () => {
    expect(compare({ "tiradentes.yaml": TIRADENTES }, { "tiradentes.yaml": TIRADENTES })).toEqual([]);
  });

  it("refuses a deployed municipality under a new name, at the new name", () => {
    expect(compare({ "tiradentes.yaml": TIRADENTES }, { "tiradentes-mg.yaml": renamed })).toEqual([
      "error m/tiradentes-mg.yaml:4:9 metadata.name: renames tiradentes (IBGE 3168804, phase production) to tiradentes-mg: " +
        "the stack, its state, the namespace and the volumes are named after metadata.name, so this would build a new, empty instance " +
        `on sei.tiradentes.mg.gov.br and leave the data in namespace sei-tiradentes unmanaged; keep the name tiradentes (${DOCS})`,
    ]);
  });

  it("refuses it for a decommissioned one too: its data is kept under the old name", () => {
    const decommissioned = edit(TIRADENTES, "phase:", "phase: decommissioned");
    expect(
      compare(
        { "tiradentes.yaml": decommissioned },
        { "tiradentes-mg.yaml": edit(renamed, "phase:", "phase: decommissioned") },
      ),
    ).toEqual([
      expect.stringMatching(
        /^error m\/tiradentes-mg\.yaml:4:9 metadata\.name: renames tiradentes \(IBGE 3168804, phase decommissioned\)/,
      ),
    ]);
  });

  it("lets a contracted municipality be renamed: nothing is deployed yet", () => {
    const contracted = edit(edit(TIRADENTES, "phase:", "phase: contracted"), "pncpId:", "");
    expect(
      compare(
        { "tiradentes.yaml": contracted },
        { "tiradentes-mg.yaml": edit(contracted, "name:", "name: tiradentes-mg") },
      ),
    ).toEqual([]);
  });

  it("refuses the removal of a deployed municipality's file, naming the file", () => {
    expect(
      compare({ "tiradentes.yaml": TIRADENTES, "diamantina.yaml": DIAMANTINA }, { "tiradentes.yaml": TIRADENTES }),
    ).toEqual([
      "error m/diamantina.yaml:0:0 : the file of diamantina (phase provisioning) is removed: its stack sei-diamantina would no longer be synthesized, " +
        `and its namespace, volumes and Terraform state would be left unmanaged; set phase decommissioned and deploy it first, then remove the file (${DOCS})`,
    ]);
  });

  it.each([
    ["a tier typo", edit(TIRADENTES, "tier:", "tier: pequeno-1")],
    ["a YAML syntax error", edit(TIRADENTES, "tier:", "tier: [pequeno-i")],
    ["a tab", edit(TIRADENTES, "tier:", "\ttier: pequeno-i")],
  ])("reports a deployed municipality's file with %s as invalid, never as removed or renamed", (_, broken) => {
    const found = compare({ "tiradentes.yaml": TIRADENTES }, { "tiradentes.yaml": broken });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((l) => l.startsWith("error m/tiradentes.yaml:"))).toBe(true);
    expect(found.filter((l) => /is removed|renames/.test(l))).toEqual([]);
  });

  it("lets a decommissioned municipality's file go", () => {
    const decommissioned = edit(DIAMANTINA, "phase:", "phase: decommissioned");
    expect(
      compare({ "tiradentes.yaml": TIRADENTES, "diamantina.yaml": decommissioned }, { "tiradentes.yaml": TIRADENTES }),
    ).toEqual([]);
  });

  it("refuses a deployed municipality back to contracted, which orphans it the same way", () => {
    const back = edit(edit(TIRADENTES, "phase:", "phase: contracted"), "pncpId:", "");
    expect(compare({ "tiradentes.yaml": TIRADENTES }, { "tiradentes.yaml": back })).toEqual([
      "error m/tiradentes.yaml:10:10 spec.phase: tiradentes goes back from production to contracted: its stack sei-tiradentes would no longer be synthesized, " +
        `and its namespace, volumes and Terraform state would be left unmanaged; set phase decommissioned instead (${DOCS})`,
    ]);
  });

  it("warns that a smaller tier would shrink every volume, at the tier; --strict makes it an error", () => {
    const smaller = edit(DIAMANTINA, "tier:", "tier: pequeno-i");
    const shrink = (kind: string, claim: string, from: string, to: string) =>
      `m/diamantina.yaml:9:9 spec.tier: diamantina: volume ${kind} (claim ${claim}) would shrink from ${from} to ${to}; a volume cannot shrink without losing its data: keep it at ${from} or more with spec.overrides.${kind}Storage: ${from}`;
    const expected = [
      shrink("database", "sei-database-data", "25Gi", "10Gi"),
      shrink("documents", "sei-documents", "150Gi", "50Gi"),
      shrink("solr", "sei-solr-data", "20Gi", "10Gi"),
      shrink("backup", "sei-backups", "180Gi", "60Gi"),
    ];
    const found = compare({ "diamantina.yaml": DIAMANTINA }, { "diamantina.yaml": smaller });
    expect(found.filter((l) => l.includes("shrink"))).toEqual(expected.map((l) => `warning ${l}`));
    const strict = compare({ "diamantina.yaml": DIAMANTINA }, { "diamantina.yaml": smaller }, { strict: true });
    expect(strict.filter((l) => l.includes("shrink"))).toEqual(expected.map((l) => `error ${l}`));
  });

  it("warns at the override that shrinks a volume, and not for a larger one", () => {
    const grown = `${DIAMANTINA}  overrides:\n    documentsStorage: 300Gi\n`;
    const shrunk = `${DIAMANTINA}  overrides:\n    documentsStorage: 200Gi\n`;
    expect(compare({ "diamantina.yaml": DIAMANTINA }, { "diamantina.yaml": grown })).toEqual([]);
    // The backup room follows the documents override; no key of the file sets it, so it points at the tier.
    expect(compare({ "diamantina.yaml": grown }, { "diamantina.yaml": shrunk })).toEqual([
      "warning m/diamantina.yaml:9:9 spec.tier: diamantina: volume backup (claim sei-backups) would shrink from 330Gi to 230Gi; a volume cannot shrink without losing its data: keep it at 330Gi or more with spec.overrides.backupStorage: 330Gi",
      "warning m/diamantina.yaml:21:23 spec.overrides.documentsStorage: diamantina: volume documents (claim sei-documents) would shrink from 300Gi to 200Gi; a volume cannot shrink without losing its data: keep it at 300Gi or more with spec.overrides.documentsStorage: 300Gi",
    ]);
  });

  describe("a tier downgrade", () => {
    const keep = (backup?: string) =>
      // A census that puts it below 20,000 inhabitants.
      `${edit(edit(DIAMANTINA, "tier:", "tier: pequeno-i"), "population:", "population: 19000")}  overrides:\n    documentsStorage: 150Gi\n    databaseStorage: 25Gi\n    solrStorage: 20Gi\n` +
      (backup ? `    backupStorage: ${backup}\n` : "");

    it("with overrides for the data volumes still shrinks the backup volume, and names its override at its position", () => {
      // pequeno-i's backup room 60Gi + (150Gi − 50Gi) + (25Gi − 10Gi) = 175Gi, below pequeno-ii's 180Gi.
      expect(compare({ "diamantina.yaml": DIAMANTINA }, { "diamantina.yaml": keep() })).toEqual([
        "warning m/diamantina.yaml:9:9 spec.tier: diamantina: volume backup (claim sei-backups) would shrink from 180Gi to 175Gi; a volume cannot shrink without losing its data: keep it at 180Gi or more with spec.overrides.backupStorage: 180Gi",
      ]);
    });

    it("can be written with an override for every volume, the backup volume too", () => {
      expect(compare({ "diamantina.yaml": DIAMANTINA }, { "diamantina.yaml": keep("180Gi") })).toEqual([]);
    });
  });

  it("with FILES, still reports a removed file: it is no other file's problem", () => {
    expect(
      compare(
        { "tiradentes.yaml": TIRADENTES, "diamantina.yaml": DIAMANTINA },
        { "tiradentes.yaml": TIRADENTES },
        { files: ["m/tiradentes.yaml"] },
      ),
    ).toEqual([
      expect.stringMatching(
        /^error m\/diamantina\.yaml:0:0 : the file of diamantina \(phase provisioning\) is removed/,
      ),
    ]);
  });

  describe("a rotation generation", () => {
    const rotated = (text: string, generation: number) => `${text}  rotation:\n    databasePasswords: ${generation}\n`;
    const lowered = (from: number, to: number) =>
      `tiradentes: spec.rotation.databasePasswords goes down from ${from} to ${to}: the deploy would delete the newer passwords ` +
      `from the Terraform state and put back in the Secret an older one, which the database no longer accepts or a rotation retired; ` +
      `keep ${from}, or raise it to ${from + 1} to rotate again (docs/runbooks/rotate-credentials.md, "Undo")`;

    it("can be raised", () => {
      expect(
        compare({ "tiradentes.yaml": rotated(TIRADENTES, 1) }, { "tiradentes.yaml": rotated(TIRADENTES, 2) }),
      ).toEqual([]);
    });

    it("is refused lower for a deployed municipality, at the number", () => {
      expect(
        compare({ "tiradentes.yaml": rotated(TIRADENTES, 2) }, { "tiradentes.yaml": rotated(TIRADENTES, 1) }),
      ).toEqual([`error m/tiradentes.yaml:22:24 spec.rotation.databasePasswords: ${lowered(2, 1)}`]);
    });

    it("is refused removed, at spec", () => {
      expect(compare({ "tiradentes.yaml": rotated(TIRADENTES, 1) }, { "tiradentes.yaml": TIRADENTES })).toEqual([
        `error m/tiradentes.yaml:5:1 spec.rotation.databasePasswords: ${lowered(1, 0)}`,
      ]);
    });

    it("is refused lower for the administrator's password too, at its number", () => {
      const administrator = (generation: number) =>
        `${rotated(TIRADENTES, 1)}    administratorPassword: ${generation}\n`;
      expect(compare({ "tiradentes.yaml": administrator(2) }, { "tiradentes.yaml": administrator(1) })).toEqual([
        expect.stringMatching(
          /^error m\/tiradentes\.yaml:23:28 spec\.rotation\.administratorPassword: tiradentes: spec\.rotation\.administratorPassword goes down from 2 to 1: /,
        ),
      ]);
    });

    it("is refused lower for Solr's password too, at its number", () => {
      const solr = (generation: number) => `${rotated(TIRADENTES, 1)}    solrPassword: ${generation}\n`;
      expect(compare({ "tiradentes.yaml": solr(3) }, { "tiradentes.yaml": solr(2) })).toEqual([
        expect.stringMatching(
          /^error m\/tiradentes\.yaml:23:19 spec\.rotation\.solrPassword: tiradentes: spec\.rotation\.solrPassword goes down from 3 to 2: /,
        ),
      ]);
      expect(compare({ "tiradentes.yaml": solr(1) }, { "tiradentes.yaml": solr(2) })).toEqual([]);
    });

    it("is refused lower for the access keys too, at its number", () => {
      const keys = (generation: number) => `${rotated(TIRADENTES, 1)}    accessKeys: ${generation}\n`;
      expect(compare({ "tiradentes.yaml": keys(1) }, { "tiradentes.yaml": keys(0) })).toEqual([
        expect.stringMatching(
          /^error m\/tiradentes\.yaml:23:17 spec\.rotation\.accessKeys: tiradentes: spec\.rotation\.accessKeys goes down from 1 to 0: /,
        ),
      ]);
    });

    it("may go down before anything is deployed", () => {
      const contracted = edit(edit(TIRADENTES, "phase:", "phase: contracted"), "pncpId:", "");
      expect(compare({ "tiradentes.yaml": rotated(contracted, 2) }, { "tiradentes.yaml": contracted })).toEqual([]);
    });
  });

  describe("a cluster", () => {
    const RUNBOOK = "docs/runbooks/move-cluster.md";
    const on = (cluster: string, text = TIRADENTES) => `${text}  cluster: ${cluster}\n`;
    const declared = (cluster: string, from: string) => `${on(cluster)}  movedFrom: ${from}\n`;
    const platformText = readFileSync(join(REPO_ROOT, "platform.yaml"), "utf8");

    it("cannot change for a deployed municipality without the move declared, at the cluster", () => {
      expect(compare({ "tiradentes.yaml": TIRADENTES }, { "tiradentes.yaml": on("prodemge-bh-2") })).toEqual([
        "error m/tiradentes.yaml:21:12 spec.cluster: tiradentes moves from cluster prodemge-bh-1 to prodemge-bh-2: " +
          "the deploy would build a new, empty instance on prodemge-bh-2 and leave the one on prodemge-bh-1, its volumes and its data unmanaged; " +
          `a move is a final backup, this change and a restore: declare it with spec.movedFrom: prodemge-bh-1 as ${RUNBOOK} says`,
      ]);
    });

    it("changes when the move is declared from where it runs", () => {
      expect(
        compare({ "tiradentes.yaml": TIRADENTES }, { "tiradentes.yaml": declared("prodemge-bh-2", "prodemge-bh-1") }),
      ).toEqual([]);
      // The declaration left in the file after the move is harmless.
      const moved = declared("prodemge-bh-2", "prodemge-bh-1");
      expect(compare({ "tiradentes.yaml": moved }, { "tiradentes.yaml": moved })).toEqual([]);
    });

    it("refuses a declaration that names another cluster than the one it runs on, at the declaration", () => {
      const stale = declared("prodemge-bh-1", "prodemge-bh-1");
      expect(compare({ "tiradentes.yaml": on("prodemge-bh-2") }, { "tiradentes.yaml": stale })).toEqual([
        "error m/tiradentes.yaml:22:14 spec.movedFrom: tiradentes runs on cluster prodemge-bh-2, not prodemge-bh-1: " +
          `a move to prodemge-bh-1 is declared with spec.movedFrom: prodemge-bh-2 (${RUNBOOK})`,
      ]);
    });

    it("refuses a new default cluster that would move municipalities without spec.cluster", () => {
      const moved = platformText.replace("defaultCluster: prodemge-bh-1", "defaultCluster: prodemge-bh-2");
      expect(
        compare(
          { "tiradentes.yaml": TIRADENTES },
          { "tiradentes.yaml": TIRADENTES },
          { platform: { before: platformText, now: moved } },
        ),
      ).toEqual([
        "error m/tiradentes.yaml:5:1 spec.cluster: tiradentes moves from cluster prodemge-bh-1 to prodemge-bh-2 " +
          "(platform.yaml's spec.defaultCluster changed, and it has no spec.cluster): " +
          "the deploy would build a new, empty instance on prodemge-bh-2 and leave the one on prodemge-bh-1, its volumes and its data unmanaged; " +
          "keep it where it is with spec.cluster: prodemge-bh-1, or move it: " +
          `a move is a final backup, this change and a restore: declare it with spec.movedFrom: prodemge-bh-1 as ${RUNBOOK} says`,
      ]);
    });

    it("may change before anything is deployed", () => {
      const contracted = edit(edit(TIRADENTES, "phase:", "phase: contracted"), "pncpId:", "");
      expect(
        compare({ "tiradentes.yaml": contracted }, { "tiradentes.yaml": on("prodemge-bh-2", contracted) }),
      ).toEqual([]);
    });
  });
});
