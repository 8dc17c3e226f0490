/**
 * Every fleet rule: a bad file with the exact message and position, and a good
 * file that passes. Files are inline (see test/load/support.ts for line numbers).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FLEET_RULES } from "../../core/rules/index.ts";
import { DIAMANTINA, edit, fleetOf, lines, REPO_ROOT, TIRADENTES } from "../load/support.ts";

const tested = new Set<string>();
/** A describe block per rule id, so the last test can check every rule has one. */
function rule(id: string, body: () => void) {
  tested.add(id);
  describe(id, body);
}

describe("good fleet", () => {
  it("two valid files give no diagnostic", () => {
    const fleet = fleetOf({ "tiradentes.yaml": TIRADENTES, "diamantina.yaml": DIAMANTINA });
    expect(lines(fleet.diagnostics)).toEqual([]);
    expect(fleet.municipalities.map((m) => m.file)).toEqual(["m/diamantina.yaml", "m/tiradentes.yaml"]);
  });
});

rule("file-name", () => {
  it("names the file and metadata.name when they differ", () => {
    expect(lines(fleetOf({ "tiradentes-mg.yaml": TIRADENTES }).diagnostics)).toEqual([
      'error m/tiradentes-mg.yaml:4:9 metadata.name: is "tiradentes" but the file is tiradentes-mg.yaml; the name must equal the file name without .yaml (rename one of them)',
    ]);
  });
});

rule("no-stack-prefix", () => {
  it("refuses a municipality name that starts with sei-: its stack would be named like another's", () => {
    const named = edit(TIRADENTES, "name: tiradentes", "name: sei-tiradentes");
    expect(lines(fleetOf({ "sei-tiradentes.yaml": named }).diagnostics).filter((l) => l.includes("sei-"))).toEqual([
      'error m/sei-tiradentes.yaml:4:9 metadata.name: "sei-tiradentes" starts with "sei-", the prefix of stack names: its stack would be sei-sei-tiradentes, and --only sei-tiradentes names the stack of "tiradentes"; give the municipality\'s own name',
    ]);
  });
});

rule("unique-name", () => {
  it("names the other file when a file outside the folder reuses a name", () => {
    const elsewhere = edit(DIAMANTINA, "name: diamantina", "name: tiradentes");
    const fleet = fleetOf(
      { "tiradentes.yaml": TIRADENTES, "x/tiradentes.yaml": elsewhere },
      { files: ["x/tiradentes.yaml"] },
    );
    expect(lines(fleet.diagnostics)).toEqual([
      'error x/tiradentes.yaml:4:9 metadata.name: metadata.name "tiradentes" is also used by m/tiradentes.yaml:4',
    ]);
  });
});

/** Diamantina's file with one identifying line taken from Tiradentes: both files get the error. */
describe.each([
  ["unique-ibge-code", 'ibgeCode: "3168804"', "6:13 spec.ibgeCode", 'ibgeCode "3168804"', 6],
  ["unique-domain", "domain: sei.tiradentes.mg.gov.br", "15:11 spec.domain", 'domain "sei.tiradentes.mg.gov.br"', 16],
  ["unique-contract-number", 'number: "9/2026"', "12:13 spec.contract.number", 'contract.number "9/2026"', 12],
  [
    "unique-pncp-id",
    'pncpId: "18002372000112-2-000009/2026"',
    "14:13 spec.contract.pncpId",
    'contract.pncpId "18002372000112-2-000009/2026"',
    14,
  ],
])("%s", (id, line, diamantinaAt, what, tiradentesLine) => {
  tested.add(id);
  it("reports the value on both files, each naming the other", () => {
    const field = line.split(":")[0]!;
    const diamantina = edit(DIAMANTINA, `${field}:`, line);
    const all = lines(fleetOf({ "tiradentes.yaml": TIRADENTES, "diamantina.yaml": diamantina }).diagnostics).filter(
      (l) => l.includes("also used"),
    );
    const [at = "", path = ""] = diamantinaAt.split(" ");
    expect(all).toEqual([
      `error m/diamantina.yaml:${at} ${path}: ${what} is also used by m/tiradentes.yaml:${tiradentesLine}`,
      expect.stringMatching(
        new RegExp(
          `^error m/tiradentes\\.yaml:${tiradentesLine}:\\d+ ${path.replaceAll(".", "\\.")}: .* is also used by m/diamantina\\.yaml:${at.split(":")[0]}$`,
        ),
      ),
    ]);
  });
  it("reports only the selected file when FILES are given, still comparing with the whole folder", () => {
    const field = line.split(":")[0]!;
    const diamantina = edit(DIAMANTINA, `${field}:`, line);
    const fleet = fleetOf(
      { "tiradentes.yaml": TIRADENTES, "diamantina.yaml": diamantina },
      { files: ["m/diamantina.yaml"] },
    );
    expect(fleet.diagnostics.filter((d) => d.message.includes("also used")).map((d) => d.file)).toEqual([
      "m/diamantina.yaml",
    ]);
  });
});

describe("uniqueness in a large group", () => {
  it("names at most three of the other files, and counts the rest", () => {
    // Six files with Tiradentes's domain, each under its own name.
    const files = Object.fromEntries(
      ["a", "b", "c", "d", "e", "f"].map((name) => [
        `${name}.yaml`,
        edit(edit(DIAMANTINA, "name: diamantina", `name: ${name}`), "domain:", "domain: sei.tiradentes.mg.gov.br"),
      ]),
    );
    const found = lines(fleetOf(files).diagnostics).filter((l) => l.includes("spec.domain: domain"));
    expect(found).toHaveLength(6);
    expect(found[0]).toBe(
      'error m/a.yaml:15:11 spec.domain: domain "sei.tiradentes.mg.gov.br" is also used by m/b.yaml:15, m/c.yaml:15, m/d.yaml:15 and 2 more files',
    );
    expect(found[5]).toBe(
      'error m/f.yaml:15:11 spec.domain: domain "sei.tiradentes.mg.gov.br" is also used by m/a.yaml:15, m/b.yaml:15, m/c.yaml:15 and 2 more files',
    );
  });
  it("names all of up to three others", () => {
    const files = Object.fromEntries(
      ["a", "b", "c", "d"].map((name) => [
        `${name}.yaml`,
        edit(edit(DIAMANTINA, "name: diamantina", `name: ${name}`), "domain:", "domain: sei.tiradentes.mg.gov.br"),
      ]),
    );
    expect(lines(fleetOf(files).diagnostics).filter((l) => l.includes("spec.domain: domain"))[1]).toBe(
      'error m/b.yaml:15:11 spec.domain: domain "sei.tiradentes.mg.gov.br" is also used by m/a.yaml:15, m/c.yaml:15 and m/d.yaml:15',
    );
  });
});

describe("uniqueness with an invalid file", () => {
  it("still reports the duplicate when the other file has an unrelated error", () => {
    const broken = edit(TIRADENTES, "tier:", "tir: pequeno-i");
    const diamantina = edit(DIAMANTINA, "domain:", "domain: sei.tiradentes.mg.gov.br");
    const fleet = fleetOf(
      { "tiradentes.yaml": broken, "diamantina.yaml": diamantina },
      { files: ["m/diamantina.yaml"] },
    );
    expect(lines(fleet.diagnostics)).toEqual([
      'error m/diamantina.yaml:15:11 spec.domain: domain "sei.tiradentes.mg.gov.br" is also used by m/tiradentes.yaml:16',
    ]);
  });
});

rule("official-municipality", () => {
  it("refuses a code that is not on the official list, pointing to the right one by name", () => {
    const bad = edit(TIRADENTES, "ibgeCode:", 'ibgeCode: "3168805"');
    expect(lines(fleetOf({ "tiradentes.yaml": bad }).diagnostics)).toEqual([
      'error m/tiradentes.yaml:6:13 spec.ibgeCode: "3168805" is not the IBGE code of a Minas Gerais municipality (see data/ibge/minas-gerais.csv); the code of Tiradentes is "3168804"',
    ]);
  });
  it("requires the official name exactly and suggests it", () => {
    const bad = edit(TIRADENTES, "displayName:", "displayName: Tiradêntes");
    expect(lines(fleetOf({ "tiradentes.yaml": bad }).diagnostics)).toEqual([
      'error m/tiradentes.yaml:7:16 spec.displayName: must be the official IBGE name of 3168804, "Tiradentes", not "Tiradêntes"',
    ]);
  });
  it("accepts the real codes that break the IBGE check digit (Cônego Marinho, Ponto Chique)", () => {
    const conego = TIRADENTES.replace('"3168804"', '"3117836"')
      .replace("displayName: Tiradentes", "displayName: Cônego Marinho")
      .replace("population: 7744", "population: 7183");
    expect(lines(fleetOf({ "tiradentes.yaml": conego }).diagnostics)).toEqual([]);
  });
});

rule("formalized-needs-pncp", () => {
  it("needs a PNCP id past contracted, pointing at the contract", () => {
    const bad = edit(TIRADENTES, "pncpId:", "");
    expect(lines(fleetOf({ "tiradentes.yaml": bad }).diagnostics)).toEqual([
      'error m/tiradentes.yaml:11:3 spec.contract.pncpId: is required when phase is "production": a contract is formalized, and anything deployed, only once it is published on the PNCP (keep phase "contracted" until then)',
    ]);
  });
  it("lets a contracted municipality go without one", () => {
    const good = edit(edit(TIRADENTES, "pncpId:", ""), "phase:", "phase: contracted");
    expect(lines(fleetOf({ "tiradentes.yaml": good }).diagnostics)).toEqual([]);
  });
});

rule("first-administrator", () => {
  const noAdmin = edit(TIRADENTES, "itLead:", "itLead: { name: Vítor Lopes, email: vitor.lopes@example.org }");
  it("refuses a municipality past provisioning without a first administrator, pointing at the team", () => {
    expect(lines(fleetOf({ "tiradentes.yaml": noAdmin }).diagnostics)).toEqual([
      'error m/tiradentes.yaml:17:3 spec.team: needs a first administrator when phase is "production": mark one member (with a login) firstAdministrator: true; the first install deactivates every reference account, so nobody else can administer the instance',
    ]);
    for (const phase of ["training", "suspended", "decommissioned"]) {
      const diagnostics = fleetOf({ "tiradentes.yaml": edit(noAdmin, "phase:", `phase: ${phase}`) }).diagnostics;
      expect(lines(diagnostics)).toHaveLength(1);
    }
  });
  it("lets a municipality up to provisioning go without one", () => {
    for (const phase of ["contracted", "provisioning"]) {
      const good = edit(noAdmin, "phase:", `phase: ${phase}`);
      expect(lines(fleetOf({ "tiradentes.yaml": good }).diagnostics)).toEqual([]);
    }
  });
  it("refuses a second first administrator and one without a login", () => {
    const two = edit(
      TIRADENTES,
      "projectManager:",
      "projectManager: { name: Tiago Ribeiro, email: tiago.ribeiro@example.org, firstAdministrator: true }",
    );
    expect(lines(fleetOf({ "tiradentes.yaml": two }).diagnostics)).toEqual([
      "error m/tiradentes.yaml:18:5 spec.team.projectManager: is the first administrator but has no login: give the login name the directory knows this person by",
      "error m/tiradentes.yaml:20:106 spec.team.itLead.firstAdministrator: is also set on team.projectManager: exactly one member is the first administrator",
    ]);
  });
  it("refuses a login SIP could not store and a mark other than true", () => {
    const bad = edit(
      TIRADENTES,
      "itLead:",
      "itLead: { name: Vítor Lopes, email: vitor.lopes@example.org, login: Vitor Lopes, firstAdministrator: false }",
    );
    const found = lines(fleetOf({ "tiradentes.yaml": bad }).diagnostics);
    expect(found).toHaveLength(2);
    expect(found[0]).toContain("spec.team.itLead.login: must be the person's login name in the directory");
    expect(found[1]).toContain("spec.team.itLead.firstAdministrator: must be true, or left out");
  });
});

rule("placeholders-replaced", () => {
  const tagged = edit(
    edit(TIRADENTES, "number:", 'number: !placeholder "9/2026"'),
    "businessLead:",
    "businessLead: { name: !placeholder TODO Negócio, email: !placeholder todo.negocio@example.org }",
  );
  it("refuses each value tagged !placeholder past contracted, at its field", () => {
    expect(lines(fleetOf({ "tiradentes.yaml": tagged }).diagnostics)).toEqual([
      "error m/tiradentes.yaml:12:26 spec.contract.number: still the placeholder sei-infra new wrote (tagged !placeholder); write the real value without the tag before phase production",
      "error m/tiradentes.yaml:19:40 spec.team.businessLead.name: still the placeholder sei-infra new wrote (tagged !placeholder); write the real value without the tag before phase production",
      "error m/tiradentes.yaml:19:74 spec.team.businessLead.email: still the placeholder sei-infra new wrote (tagged !placeholder); write the real value without the tag before phase production",
    ]);
  });
  it("lets a contracted municipality keep them", () => {
    const contracted = edit(edit(tagged, "pncpId:", ""), "phase:", "phase: contracted");
    expect(lines(fleetOf({ "tiradentes.yaml": contracted }).diagnostics)).toEqual([]);
  });
});

rule("launch-after-signing", () => {
  it("refuses a launch before the signature", () => {
    const bad = edit(TIRADENTES, "goLiveOn:", "goLiveOn: 2026-01-18");
    expect(lines(fleetOf({ "tiradentes.yaml": bad }).diagnostics)).toEqual([
      "error m/tiradentes.yaml:15:13 spec.goLiveOn: 2026-01-18 is before the contract was signed (contract.signedOn 2026-01-19)",
    ]);
  });
  it("accepts a launch on the signing day", () => {
    expect(
      lines(fleetOf({ "tiradentes.yaml": edit(TIRADENTES, "goLiveOn:", "goLiveOn: 2026-01-19") }).diagnostics),
    ).toEqual([]);
  });
});

rule("population-band", () => {
  const big = edit(TIRADENTES, "tier:", "tier: pequeno-ii");
  it("warns when the population is outside the tier's band and names the tier that fits", () => {
    const fleet = fleetOf({ "tiradentes.yaml": big });
    expect(lines(fleet.diagnostics)).toEqual([
      "warning m/tiradentes.yaml:8:15 spec.population: 7744 is outside the band of tier pequeno-ii (20001 to 50000 inhabitants); tier pequeno-i fits",
    ]);
  });
  it("makes it an error with strict", () => {
    expect(fleetOf({ "tiradentes.yaml": big }, { strict: true }).diagnostics.map((d) => d.severity)).toEqual(["error"]);
  });
  it("reports a tier whose file is not valid", () => {
    const fleet = fleetOf({
      "tiradentes.yaml": TIRADENTES,
      "tiers/pequeno-i.yaml": "apiVersion: sei.mg.gov.br/v1\nkind: Tier\n",
    });
    expect(lines(fleet.diagnostics).filter((l) => l.startsWith("error m/"))).toEqual([
      'error m/tiradentes.yaml:9:9 spec.tier: tier "pequeno-i" has no valid file tiers/pequeno-i.yaml',
    ]);
  });
});

rule("backup-room", () => {
  const withOverrides = (overrides: string) => `${TIRADENTES}  overrides:\n${overrides}`;
  it("refuses a backup volume below the tier's room plus what the other overrides add, at the override", () => {
    // pequeno-i: backup 60Gi, documents 50Gi; a 100Gi repository needs 60Gi + 50Gi = 110Gi of backup room.
    const small = withOverrides("    documentsStorage: 100Gi\n    backupStorage: 100Gi\n");
    expect(lines(fleetOf({ "tiradentes.yaml": small }).diagnostics)).toEqual([
      "error m/tiradentes.yaml:23:20 spec.overrides.backupStorage: 100Gi is less than the room a backup set needs here, 110Gi " +
        "(tier pequeno-i's 60Gi, plus what the documents and database overrides add): the nightly backup would run out of space",
    ]);
  });
  it("accepts a backup volume at least that large", () => {
    const fits = withOverrides("    documentsStorage: 100Gi\n    backupStorage: 110Gi\n");
    expect(lines(fleetOf({ "tiradentes.yaml": fits }).diagnostics)).toEqual([]);
  });
});

rule("legacy-backup-volume", () => {
  it("refuses the mark on a cluster without a backup store, at its line", () => {
    const marked = `${TIRADENTES}  legacyBackupVolume: true\n`;
    expect(lines(fleetOf({ "tiradentes.yaml": marked }).diagnostics)).toEqual([
      "error m/tiradentes.yaml:21:23 spec.legacyBackupVolume: cluster prodemge-bh-1 has no backupStore in platform.yaml, so every instance on it keeps its backup claim: " +
        "remove this line; it is written when the cluster gets a store, on the instances deployed before it",
    ]);
  });
});

rule("domain-suffix", () => {
  it("refuses a domain outside platform.yaml's suffixes and shows the default", () => {
    const bad = edit(TIRADENTES, "domain:", "domain: sei.tiradentes.gov.br");
    expect(lines(fleetOf({ "tiradentes.yaml": bad }).diagnostics)).toEqual([
      'error m/tiradentes.yaml:16:11 spec.domain: "sei.tiradentes.gov.br" is not under an allowed domain suffix (mg.gov.br, from platform.yaml); the default is sei.tiradentes.mg.gov.br',
    ]);
  });
  it("refuses the bare suffix itself", () => {
    const bad = edit(TIRADENTES, "domain:", "domain: mg.gov.br");
    expect(fleetOf({ "tiradentes.yaml": bad }).diagnostics.map((d) => d.path)).toEqual(["spec.domain"]);
  });
});

rule("known-cluster", () => {
  it("refuses a cluster platform.yaml does not define, suggesting the closest", () => {
    const bad = `${TIRADENTES}  cluster: prodemge-bh-3\n`;
    expect(lines(fleetOf({ "tiradentes.yaml": bad }).diagnostics)).toEqual([
      'error m/tiradentes.yaml:21:12 spec.cluster: "prodemge-bh-3" is not a cluster of platform.yaml (prodemge-bh-1, prodemge-bh-2); did you mean "prodemge-bh-1"?',
    ]);
  });
  it("accepts a defined cluster", () => {
    expect(lines(fleetOf({ "tiradentes.yaml": `${TIRADENTES}  cluster: prodemge-bh-2\n` }).diagnostics)).toEqual([]);
  });
});

rule("default-cluster-defined", () => {
  it("refuses a platform default cluster that is not in its list", () => {
    const platform = readFileSync(join(REPO_ROOT, "platform.yaml"), "utf8").replace(
      "defaultCluster: prodemge-bh-1",
      "defaultCluster: prodemge-bh1",
    );
    expect(lines(fleetOf({ "tiradentes.yaml": TIRADENTES, "./platform.yaml": platform }).diagnostics)).toEqual([
      'error platform.yaml:12:19 spec.defaultCluster: "prodemge-bh1" is not one of spec.clusters (prodemge-bh-1, prodemge-bh-2); did you mean "prodemge-bh-1"?',
    ]);
  });
});

rule("known-never-canary", () => {
  const platform = (names: string) =>
    readFileSync(join(REPO_ROOT, "platform.yaml"), "utf8").replace(
      /\n {2}# fleet:\n {2}# {3}neverCanary: \[belo-horizonte\]\n/,
      `\n  fleet:\n    neverCanary: [${names}]\n`,
    );
  const line = (text: string) =>
    text.split("\n").indexOf(text.split("\n").find((l) => l.includes("neverCanary:"))!) + 1;
  it("refuses a name in fleet.neverCanary that is no municipality's, suggesting the closest", () => {
    const text = platform("tiradentes, diamantna, sei-tiradentes");
    expect(text).not.toBe(readFileSync(join(REPO_ROOT, "platform.yaml"), "utf8"));
    const files = { "tiradentes.yaml": TIRADENTES, "diamantina.yaml": DIAMANTINA, "./platform.yaml": text };
    expect(lines(fleetOf(files).diagnostics)).toEqual([
      `error platform.yaml:${line(text)}:31 spec.fleet.neverCanary[1]: "diamantna" is not a municipality of the fleet, so it never reaches the canary choice; did you mean "diamantina"?`,
      `error platform.yaml:${line(text)}:42 spec.fleet.neverCanary[2]: "sei-tiradentes" is not a municipality of the fleet, so it never reaches the canary choice; did you mean "tiradentes"? (give metadata.name, not the stack name)`,
    ]);
  });
  it("accepts the names of municipality files, valid or not", () => {
    const broken = edit(DIAMANTINA, "tier: pequeno-ii", "tier: pequeno-x");
    const files = {
      "tiradentes.yaml": TIRADENTES,
      "diamantina.yaml": broken,
      "./platform.yaml": platform("diamantina"),
    };
    expect(lines(fleetOf(files).diagnostics).filter((l) => l.includes("neverCanary"))).toEqual([]);
  });
});

rule("tier-file-name", () => {
  it("refuses a tier file named after another tier", () => {
    const tier = readFileSync(join(REPO_ROOT, "tiers/pequeno-i.yaml"), "utf8");
    expect(lines(fleetOf({ "tiradentes.yaml": TIRADENTES, "tiers/pequeno.yaml": tier }).diagnostics)).toEqual([
      'error tiers/pequeno.yaml:12:9 metadata.name: is "pequeno-i" but the file is pequeno.yaml; the name must equal the file name without .yaml (rename one of them)',
    ]);
  });
});

rule("image-digests", () => {
  const platform = readFileSync(join(REPO_ROOT, "platform.yaml"), "utf8");
  const tagOnly = platform.replace(/\n {6}digest: sha256:[0-9a-f]{64}(?=\n {4}jod:|\n {4}bootstrap:)/g, "");
  it("warns on each tag-only image once a municipality is formalized, naming who runs it", () => {
    const at = (name: string) => tagOnly.split("\n").indexOf(`    ${name}:`) + 1;
    const message =
      'is pinned by tag only while formalized municipalities run it (tiradentes): add its digest (digest: sha256:…, README "Pinning images by digest") so that every node runs the same build';
    expect(lines(fleetOf({ "tiradentes.yaml": TIRADENTES, "./platform.yaml": tagOnly }).diagnostics)).toEqual([
      `warning platform.yaml:${at("memcached")}:5 spec.images.memcached: ${message}`,
      `warning platform.yaml:${at("database")}:5 spec.images.database: ${message}`,
    ]);
    expect(
      lines(fleetOf({ "tiradentes.yaml": TIRADENTES, "./platform.yaml": tagOnly }, { strict: true }).diagnostics)[0],
    ).toMatch(/^error platform\.yaml/);
  });
  it("accepts tag-only images while no municipality is formalized, and pinned images always", () => {
    expect(
      lines(
        fleetOf({
          "tiradentes.yaml": edit(edit(TIRADENTES, "phase:", "phase: contracted"), "pncpId:", ""),
          "./platform.yaml": tagOnly,
        }).diagnostics,
      ),
    ).toEqual([]);
    expect(lines(fleetOf({ "tiradentes.yaml": TIRADENTES, "./platform.yaml": platform }).diagnostics)).toEqual([]);
  });
});

describe("docs/validate.md", () => {
  it("documents every rule of the table", () => {
    const docs = readFileSync(join(REPO_ROOT, "docs/validate.md"), "utf8");
    expect(FLEET_RULES.map((r) => r.id).filter((id) => !docs.includes(`\`${id}\``))).toEqual([]);
  });
});

afterAll(() => {
  // Runs after every block above: a rule added to the table without a test fails here.
  expect([...tested].sort()).toEqual(FLEET_RULES.map((r) => r.id).sort());
});
