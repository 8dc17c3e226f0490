/** `sei-infra new` end to end: the file it writes validates, and it never overwrites. */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FixtureRepo } from "../../scripts/lib/fleet-repo.ts";
import { REPO_ROOT, seiInfra } from "./run.ts";

const folder = mkdtempSync(join(tmpdir(), "sei-new-"));
const asGiven = relative(REPO_ROOT, folder);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("sei-infra new", () => {
  it("writes the official name, slug, population, default domain and phase contracted, and the file validates", () => {
    const run = seiInfra(["new", "--ibge", "3168804", "--tier", "pequeno-i", "--municipalities", folder]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(
      `wrote ${asGiven}/tiradentes.yaml: replace the values tagged !placeholder, then run sei-infra validate ${asGiven}/tiradentes.yaml\n7 files valid\n`,
    );
    expect(run.status).toBe(0);
    const text = readFileSync(join(folder, "tiradentes.yaml"), "utf8");
    const schemaPath = /^# yaml-language-server: \$schema=(.+)$/m.exec(text)?.[1] ?? "";
    expect(resolve(dirname(join(folder, "tiradentes.yaml")), schemaPath)).toBe(
      join(REPO_ROOT, "schema", "municipality.schema.json"),
    );
    expect(text).toContain("  name: tiradentes\n");
    expect(text).toContain('  ibgeCode: "3168804"\n  displayName: Tiradentes\n  population: 7744');
    expect(text).toContain("  tier: pequeno-i\n  phase: contracted\n");
    expect(text).toContain("    number: !placeholder 168804/");
    expect(text).toContain("  domain: sei.tiradentes.mg.gov.br\n");
    expect(text.match(/: !placeholder /g)).toHaveLength(8);
    expect(seiInfra(["validate", "--municipalities", folder, "--strict"]).status).toBe(0);
  });

  it("strips accents and turns other characters into hyphens (Olhos-d'Água → olhos-d-agua)", () => {
    const run = seiInfra(["new", "--ibge", "3145455", "--tier", "pequeno-i", "--municipalities", folder]);
    expect(run.status).toBe(0);
    expect(readFileSync(join(folder, "olhos-d-agua.yaml"), "utf8")).toContain("  displayName: Olhos-d'Água\n");
  });

  it("refuses a tier that does not fit the population (exit 2), and writes it with --force and a warning", () => {
    const refused = seiInfra(["new", "--ibge", "3121605", "--tier", "grande", "--municipalities", folder]);
    expect(refused.stderr).toBe(
      "sei-infra: tier grande is for 100001 to 900000 inhabitants; Diamantina has 47702, which is tier pequeno-ii: leave --tier out, or give --force to write grande anyway\n",
    );
    expect(refused.status).toBe(2);
    expect(existsSync(join(folder, "diamantina.yaml"))).toBe(false);
    const forced = seiInfra(["new", "--ibge", "3121605", "--tier", "grande", "--force", "--municipalities", folder]);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toMatch(
      /diamantina\.yaml:\d+:15: warning: spec\.population: 47702 is outside the band of tier grande/,
    );
  });

  it("takes the tier of the population band when --tier is left out", () => {
    const run = seiInfra(["new", "--ibge", "3141108", "--municipalities", folder]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(readFileSync(join(folder, "matozinhos.yaml"), "utf8")).toContain("  tier: pequeno-ii\n");
  });

  it("finds a municipality by its name, forgiving accents, case and hyphens", () => {
    const run = seiInfra(["new", "--name", "SAO JOAO DEL-REI", "--municipalities", folder]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const text = readFileSync(join(folder, "sao-joao-del-rei.yaml"), "utf8");
    expect(text).toContain('  ibgeCode: "3162500"\n  displayName: São João del Rei\n');
    expect(text).toContain("  tier: medio\n");
  });

  it.each([
    [
      ["--name", "Sao Joao"],
      'sei-infra: "Sao Joao" is the start of 13 municipality names: São João Batista do Glória (3162203), São João da Lagoa (3162252), São João da Mata (3162302), São João da Ponte (3162401), São João das Missões (3162450), São João del Rei (3162500), São João do Manhuaçu (3162559), São João do Manteninha (3162575) and 5 more; write the whole name, or give --ibge\n',
    ],
    [
      ["--name", "Ouro Prteo"],
      'sei-infra: "Ouro Prteo" is not the name of a Minas Gerais municipality (data/ibge/minas-gerais.csv); did you mean "Ouro Preto"?\n',
    ],
    [["--name", "Ouro Preto", "--ibge", "3146107"], "sei-infra: give either --name or --ibge, not both\n"],
    [[], "sei-infra: name the municipality: --name NAME or --ibge CODE\n"],
  ])("new %j exits 2 with an explanation", (args, message) => {
    const run = seiInfra(["new", ...args, "--municipalities", folder]);
    expect(run.stderr).toBe(message);
    expect(run.status).toBe(2);
  });

  it("works from any folder of the repository: the files go to the root's municipalities/", () => {
    const project = new FixtureRepo();
    try {
      const run = seiInfra(["new", "--name", "Frutal"], { cwd: join(project.root, "tiers") });
      expect(run.stderr).toBe("");
      expect(run.stdout).toMatch(/^wrote municipalities\/frutal\.yaml: /);
      expect(run.status).toBe(0);
      expect(existsSync(join(project.root, "municipalities", "frutal.yaml"))).toBe(true);
      const outside = seiInfra(["new", "--name", "Frutal"], { cwd: tmpdir() });
      expect(outside.stderr).toMatch(
        /^sei-infra: no platform\.yaml in .* or any folder above it: run sei-infra inside the repository\n$/,
      );
      expect(outside.status).toBe(2);
    } finally {
      project.dispose();
    }
  });

  it("marks its placeholders, which fail validate once the phase is past contracted, each at its field", () => {
    const project = new FixtureRepo();
    try {
      expect(seiInfra(["new", "--name", "Frutal"], { cwd: project.root }).status).toBe(0);
      const file = join(project.root, "municipalities", "frutal.yaml");
      const written = readFileSync(file, "utf8");
      expect(written).toContain("  phase: contracted\n");
      writeFileSync(
        file,
        written
          .replace("phase: contracted", "phase: provisioning")
          .replace(/# pncpId: .*/, 'pncpId: "11222333000181-2-000045/2026"'),
      );
      const run = seiInfra(["validate"], { cwd: project.root });
      const placeholders = run.stdout.split("\n").filter((line) => line.includes("placeholder"));
      expect(placeholders).toHaveLength(8);
      expect(placeholders[0]).toMatch(
        /^municipalities\/frutal\.yaml:\d+:\d+: error: spec\.contract\.number: still the placeholder sei-infra new wrote \(tagged !placeholder\); write the real value without the tag before phase provisioning$/,
      );
      expect(placeholders.join("\n")).toContain("error: spec.team.itLead.email: still the placeholder");
      expect(run.status).toBe(1);
      // Real values, the tags gone: valid.
      writeFileSync(file, readFileSync(file, "utf8").replaceAll("!placeholder ", ""));
      expect(seiInfra(["validate"], { cwd: project.root }).stdout).not.toContain("placeholder");
    } finally {
      project.dispose();
    }
  });

  it("runs README's example on a fresh clone (its municipality is not in municipalities/ yet)", () => {
    const example = /^npx (sei-infra new .*?)\s+#/m.exec(readFileSync(join(REPO_ROOT, "README.md"), "utf8"))?.[1];
    expect(example).toBeDefined();
    const project = new FixtureRepo();
    try {
      cpSync(join(REPO_ROOT, "municipalities"), join(project.root, "municipalities"), { recursive: true });
      const args = [...(example ?? "").matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "").slice(1);
      const run = seiInfra(args, { cwd: project.root });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
    } finally {
      project.dispose();
    }
  });

  it("refuses to overwrite a file (exit 2)", () => {
    const before = readFileSync(join(folder, "tiradentes.yaml"), "utf8");
    const run = seiInfra(["new", "--ibge", "3168804", "--municipalities", folder]);
    expect(run.stderr).toBe(
      `sei-infra: ${asGiven}/tiradentes.yaml already exists; sei-infra new never overwrites a file\n`,
    );
    expect(run.status).toBe(2);
    expect(readFileSync(join(folder, "tiradentes.yaml"), "utf8")).toBe(before);
  });

  it.each([
    [
      ["new", "--ibge", "3168805", "--tier", "pequeno-i"],
      /"3168805" is not the IBGE code of a Minas Gerais municipality/,
    ],
    [["new", "--ibge", "3168804", "--tier", "small"], /argument 'small' is invalid/],
  ])("%j exits 2", (args, message) => {
    const run = seiInfra([...args, "--municipalities", folder]);
    expect(run.stderr).toMatch(message);
    expect(run.status).toBe(2);
  });

  it("never writes through a link out of the project (exit 2)", () => {
    const project = new FixtureRepo();
    try {
      rmSync(join(project.root, "municipalities"), { recursive: true });
      symlinkSync(folder, join(project.root, "municipalities"));
      const run = seiInfra(["new", "--ibge", "3127107", "--tier", "pequeno-i"], { cwd: project.root });
      expect(run.stderr).toBe(
        "sei-infra: municipalities folder municipalities: is reached through a symbolic link that leads outside the project; links are not followed out of it\n",
      );
      expect(run.status).toBe(2);
      expect(existsSync(join(folder, "frutal.yaml"))).toBe(false);
    } finally {
      project.dispose();
    }
  });
});
