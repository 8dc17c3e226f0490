/** `sei-infra validate` end to end: exit codes, the three formats, FILES, usage and I/O errors. */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FixtureRepo, municipalityYaml, official, type MunicipalityFixture } from "../../scripts/lib/fleet-repo.ts";
import { REPO_ROOT, seiInfra } from "./run.ts";
import { RAW_CONTROL } from "../support/raw-control.ts";

const FIXTURES = "test/fixtures/municipalities";
const INVALID = `${FIXTURES}/invalid`;
const TIERS_AND_PLATFORM = [
  "platform.yaml",
  "tiers/grande.yaml",
  "tiers/medio.yaml",
  "tiers/metropole.yaml",
  "tiers/pequeno-i.yaml",
  "tiers/pequeno-ii.yaml",
];
const PNCP_MESSAGE =
  'must be a PNCP control number CNPJ-[1|2]-sequence/year such as "11222333000181-2-000045/2026" (14-digit CNPJ, 1 or 2, 6-digit sequence, 4-digit year)';

describe("sei-infra validate", () => {
  it("exits 0 on the repository's own files", () => {
    const run = seiInfra(["validate"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^\d+ files valid\n$/);
    expect(run.status).toBe(0);
  });

  it("runs from any folder of the repository: paths typed are relative to it, files are named from the root", () => {
    const fromRoot = seiInfra(["validate"]);
    expect(seiInfra(["validate"], { cwd: join(REPO_ROOT, "docs") })).toEqual(fromRoot);
    const invalid = seiInfra(["validate", "--municipalities", "invalid"], { cwd: join(REPO_ROOT, FIXTURES) });
    expect(invalid).toEqual(seiInfra(["validate", "--municipalities", INVALID]));
    expect(invalid.status).toBe(1);
    const file = seiInfra(["validate", "tiradentes.yaml"], { cwd: join(REPO_ROOT, "municipalities") });
    expect([file.status, file.stdout]).toEqual([0, "7 files valid\n"]);
  });

  it("exits 0 on valid files and counts platform.yaml and the tiers as checked", () => {
    const run = seiInfra(["validate", "--municipalities", `${FIXTURES}/valid`]);
    expect([run.status, run.stdout]).toEqual([0, "8 files valid\n"]);
  });

  it("exits 0 with warnings, and 1 with --strict", () => {
    const warning = `${FIXTURES}/warning/tiradentes.yaml:10:15: warning: spec.population: 7744 is outside the band of tier pequeno-ii (20001 to 50000 inhabitants); tier pequeno-i fits`;
    const run = seiInfra(["validate", "--municipalities", `${FIXTURES}/warning`]);
    expect([run.status, run.stdout]).toEqual([0, `${warning}\n1 warning in 7 files checked: valid\n`]);
    const strict = seiInfra(["validate", "--municipalities", `${FIXTURES}/warning`, "--strict"]);
    expect([strict.status, strict.stdout]).toEqual([
      1,
      `${warning.replace("warning:", "error:")}\n1 error in 7 files checked: invalid\n`,
    ]);
  });

  it("exits 1 and prints every error of every file, for people", () => {
    const run = seiInfra(["validate", "--municipalities", INVALID]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      [
        `${INVALID}/diamantina.yaml:17:11: error: spec.domain: domain "sei.tiradentes.mg.gov.br" is also used by ${INVALID}/tiradentes.yaml:18`,
        `${INVALID}/tiradentes.yaml:7:1: error: spec.tier: is required`,
        `${INVALID}/tiradentes.yaml:11:3: error: spec.tir: unknown field "tir"; did you mean "tier"?`,
        `${INVALID}/tiradentes.yaml:16:13: error: spec.contract.pncpId: ${PNCP_MESSAGE}`,
        `${INVALID}/tiradentes.yaml:18:11: error: spec.domain: domain "sei.tiradentes.mg.gov.br" is also used by ${INVALID}/diamantina.yaml:17`,
        "5 errors in 8 files checked: invalid",
        "",
      ].join("\n"),
    );
    expect(run.stdout).not.toContain("\u001b[");
  });

  it("prints { ok, files, errors, warnings } with --format json", () => {
    const run = seiInfra(["validate", "--municipalities", INVALID, "--format", "json", `${INVALID}/tiradentes.yaml`]);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      files: [...TIERS_AND_PLATFORM, `${INVALID}/tiradentes.yaml`],
      errors: [
        { file: `${INVALID}/tiradentes.yaml`, line: 7, column: 1, path: "spec.tier", message: "is required" },
        {
          file: `${INVALID}/tiradentes.yaml`,
          line: 11,
          column: 3,
          path: "spec.tir",
          message: 'unknown field "tir"; did you mean "tier"?',
        },
        {
          file: `${INVALID}/tiradentes.yaml`,
          line: 16,
          column: 13,
          path: "spec.contract.pncpId",
          message: PNCP_MESSAGE,
        },
        {
          file: `${INVALID}/tiradentes.yaml`,
          line: 18,
          column: 11,
          path: "spec.domain",
          message: `domain "sei.tiradentes.mg.gov.br" is also used by ${INVALID}/diamantina.yaml:17`,
        },
      ],
      warnings: [],
    });
  });

  it("prints GitHub workflow commands with --format github", () => {
    const run = seiInfra(["validate", "--municipalities", INVALID, "--format", "github", `${INVALID}/diamantina.yaml`]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      [
        `::error file=${INVALID}/diamantina.yaml,line=17,col=11,title=spec.domain::domain "sei.tiradentes.mg.gov.br" is also used by ${INVALID}/tiradentes.yaml:18`,
        "sei-infra validate: 1 error(s), 0 warning(s) in 7 file(s)",
        "",
      ].join("\n"),
    );
  });

  it("reports only the FILES given, while the rest of the folder counts for uniqueness", () => {
    const run = seiInfra(["validate", "--municipalities", INVALID, `${INVALID}/diamantina.yaml`]);
    expect(run.status).toBe(1);
    expect(run.stdout.split("\n").filter(Boolean)).toEqual([
      `${INVALID}/diamantina.yaml:17:11: error: spec.domain: domain "sei.tiradentes.mg.gov.br" is also used by ${INVALID}/tiradentes.yaml:18`,
      "1 error in 7 files checked: invalid",
    ]);
  });

  // `script` (util-linux) gives the command a terminal; without it the colour path cannot be run for real.
  const script = spawnSync("script", ["--version"]).status === 0;
  it.skipIf(!script)("colours the text format on a terminal only, and not with NO_COLOR", () => {
    const command = `${JSON.stringify(process.execPath)} bin/sei-infra.js validate --municipalities ${FIXTURES}/warning`;
    // A colour terminal as people have one: Node reports no colours under CI=… or TERM=dumb.
    const interactive = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "CI"));
    const onTerminal = (env: Record<string, string>) =>
      spawnSync("script", ["-qc", command, "/dev/null"], {
        cwd: REPO_ROOT,
        env: { ...interactive, TERM: "xterm-256color", ...env },
        encoding: "utf8",
      }).stdout;
    expect(onTerminal({})).toContain("\u001b[33mwarning:\u001b[0m");
    expect(onTerminal({ NO_COLOR: "1" })).not.toContain("\u001b[");
  });

  it("gives the same report through the tsx fallback as through the bundle", () => {
    const args = ["validate", "--municipalities", INVALID, "--format", "json"];
    const viaTsx = seiInfra(args, { env: { SEI_INFRA_LOADER: "tsx" } });
    expect(viaTsx).toEqual(seiInfra(args));
  });
});

describe("sei-infra validate: usage and I/O errors exit 2, a file it will not read is an error of that file", () => {
  const temporary = mkdtempSync(join(tmpdir(), "sei-validate-"));
  afterAll(() => rmSync(temporary, { recursive: true, force: true }));

  it.each([
    [["validate", "--format", "xml"], /argument 'xml' is invalid. Allowed choices are text, json, github/],
    [["validate", "--bogus"], /unknown option '--bogus'/],
    [
      ["validate", "municipalities/nowhere.yaml"],
      /^sei-infra: municipality file municipalities\/nowhere.yaml: no such file\n$/,
    ],
    [["validate", "--municipalities", "nowhere"], /^sei-infra: municipalities folder nowhere: no such folder\n$/],
    [["frobnicate"], /unknown command 'frobnicate'/],
    // Commander quotes what was typed: a control character in it is printed escaped, never raw.
    [["validate", "--format", "\u001b]0;pwned\u0007"], /argument '\\u001b\]0;pwned\\u0007' is invalid/],
    [["validate", "--b\u001b[2Jogus"], /unknown option '--b\\u001b\[2Jogus'/],
  ])("%j", (args, message) => {
    const run = seiInfra(args);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(RAW_CONTROL);
    expect(run.status).toBe(2);
  });

  it("outside a repository (no platform.yaml here or above)", () => {
    const run = seiInfra(["validate"], { cwd: temporary });
    expect(run.stderr).toBe(
      `sei-infra: no platform.yaml in ${temporary} or any folder above it: run sei-infra inside the repository\n`,
    );
    expect(run.status).toBe(2);
  });

  it("a file the loader refuses is an error of that file (exit 1), not an I/O error; the others are still checked", () => {
    const folder = join(temporary, "unreadable");
    mkdirSync(join(folder, "x.yaml"), { recursive: true });
    writeFileSync(join(folder, "keep"), "");
    const run = seiInfra(["validate", "--municipalities", folder]);
    // The message names the file, so a person knows which one to look at (test/hostile/ has every kind of refusal).
    expect(run.stdout).toMatch(
      /^\S*unreadable\/x\.yaml: error: is a folder, not a file\n1 error in 7 files checked: invalid\n$/,
    );
    expect(run.status).toBe(1);
  });
});

describe("sei-infra validate compares with an earlier revision", () => {
  const TIRADENTES: MunicipalityFixture = { official: official("Tiradentes"), tier: "pequeno-i", sequence: 1 };
  const renamed = municipalityYaml(TIRADENTES).replace("name: tiradentes", "name: tiradentes-mg");
  const RENAME =
    /^municipalities\/tiradentes-mg\.yaml:4:9: error: metadata\.name: renames tiradentes \(IBGE 3168804, phase production\) to tiradentes-mg: /m;
  const repos: FixtureRepo[] = [];
  const project = () => {
    const repo = new FixtureRepo();
    repos.push(repo);
    return repo.municipality(TIRADENTES);
  };
  afterAll(() => repos.forEach((r) => r.dispose()));

  it("against HEAD by default, in a git checkout: a rename in the working tree is an error", () => {
    const repo = project();
    repo.commit("tiradentes deployed");
    repo.remove("municipalities/tiradentes.yaml").write("municipalities/tiradentes-mg.yaml", renamed);
    const run = seiInfra(["validate"], { cwd: repo.root });
    expect(run.stdout).toMatch(RENAME);
    expect(run.status).toBe(1);
  });

  it("against --base, for a rename already committed (what CI passes: the pull request's base)", () => {
    const repo = project();
    repo.commit("tiradentes deployed");
    repo.remove("municipalities/tiradentes.yaml").write("municipalities/tiradentes-mg.yaml", renamed).commit("renamed");
    expect(seiInfra(["validate"], { cwd: repo.root }).status).toBe(0);
    const run = seiInfra(["validate", "--base", "HEAD~1", "--format", "github"], { cwd: repo.root });
    expect(run.stdout).toMatch(
      /^::error file=municipalities\/tiradentes-mg\.yaml,line=4,col=9,title=metadata\.name::renames tiradentes/m,
    );
    expect(run.status).toBe(1);
  });

  it("not at all without a commit to compare with: one revision cannot tell", () => {
    const repo = project();
    repo.remove("municipalities/tiradentes.yaml").write("municipalities/tiradentes-mg.yaml", renamed);
    expect(seiInfra(["validate"], { cwd: repo.root })).toMatchObject({ status: 0, stdout: "7 files valid\n" });
  });

  it("an unknown --base is a usage error (exit 2)", () => {
    const repo = project();
    repo.commit("one");
    expect(seiInfra(["validate", "--base", "no-such-branch"], { cwd: repo.root })).toMatchObject({
      status: 2,
      stderr: 'sei-infra: --base: unknown revision "no-such-branch"\n',
    });
  });
});
