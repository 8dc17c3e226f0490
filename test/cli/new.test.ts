/** `sei-infra new` end to end: the file it writes validates, and it never overwrites. */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
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
      `wrote ${asGiven}/tiradentes.yaml: replace the TODO placeholders, then run sei-infra validate ${asGiven}/tiradentes.yaml\n7 files valid\n`,
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
    expect(text).toContain('    number: "168804/');
    expect(text).toContain("  domain: sei.tiradentes.mg.gov.br\n");
    expect(text.match(/TODO/g)?.length).toBeGreaterThanOrEqual(5);
    expect(seiInfra(["validate", "--municipalities", folder, "--strict"]).status).toBe(0);
  });

  it("strips accents and turns other characters into hyphens (Olhos-d'Água → olhos-d-agua)", () => {
    const run = seiInfra(["new", "--ibge", "3145455", "--tier", "pequeno-i", "--municipalities", folder]);
    expect(run.status).toBe(0);
    expect(readFileSync(join(folder, "olhos-d-agua.yaml"), "utf8")).toContain("  displayName: Olhos-d'Água\n");
  });

  it("warns, through validate, when the tier does not fit the population", () => {
    const run = seiInfra(["new", "--ibge", "3121605", "--tier", "grande", "--municipalities", folder]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      "diamantina.yaml:14:15: warning: spec.population: 47702 is outside the band of tier grande",
    );
  });

  it("refuses to overwrite a file (exit 2)", () => {
    const before = readFileSync(join(folder, "tiradentes.yaml"), "utf8");
    const run = seiInfra(["new", "--ibge", "3168804", "--tier", "medio", "--municipalities", folder]);
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
    [["new", "--tier", "pequeno-i"], /required option '--ibge <code>' not specified/],
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
