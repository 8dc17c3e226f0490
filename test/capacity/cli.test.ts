/** `sei-infra capacity` as a real child process: formats, files it writes, exit codes. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixtureRepo, REPO_ROOT, official, type MunicipalityFixture } from "../../scripts/lib/fleet-repo.ts";

const BIN = join(REPO_ROOT, "bin", "sei-infra.js");
const ABAETE: MunicipalityFixture = { official: official("Abaeté"), tier: "pequeno-ii", sequence: 2 };

let repo: FixtureRepo;

/** Base: two municipalities; HEAD: Abaeté moves up to medio, one more is contracted. */
beforeAll(() => {
  repo = new FixtureRepo();
  repo.municipality({ official: official("Abadia dos Dourados"), tier: "pequeno-i", sequence: 1 });
  repo.municipality(ABAETE).commit("base");
  repo.municipality({ ...ABAETE, tier: "medio" });
  repo
    .municipality({ official: official("Abre Campo"), tier: "pequeno-i", phase: "contracted", sequence: 3 })
    .commit("head");
});

afterAll(() => repo.dispose());

function run(args: string[], cwd = repo.root) {
  const result = spawnSync(process.execPath, [BIN, "capacity", ...args], { cwd, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("sei-infra capacity", () => {
  it("prints the fleet as aligned text by default", () => {
    const { code, stdout } = run([]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^SEI capacity: working tree\n2 active municipalities and 1 in the pipeline\./);
    const header = stdout.split("\n").find((l) => l.startsWith("Municipality "))!;
    const abaete = stdout.split("\n").find((l) => l.startsWith("abaete "))!;
    // Aligned: each figure column ends where its header ends.
    expect(abaete.length).toBe(header.length);
    expect(abaete).toMatch(/^abaete\s+medio\s+production\s+prodemge-bh-1\s/);
  });

  it("writes a markdown diff with the changes first and the totals after", () => {
    const { code, stdout } = run(["--base", "HEAD~1", "--head", "HEAD", "--format", "markdown"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^## SEI capacity change: HEAD~1 \([0-9a-f]{10}\) → HEAD \([0-9a-f]{10}\)/);
    const order = [
      "### Changes",
      "| abaete | tier changed |",
      "| abre-campo | added |",
      "### Fleet",
      "### Clusters",
      "### Tiers",
    ].map((s) => stdout.indexOf(s));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(stdout).not.toContain("abadia-dos-dourados");
    // Abaeté moved to medio while its population (22,675) belongs to pequeno-ii: a warning, shown in the comment.
    expect(stdout).toMatch(
      /> \[!WARNING\]\n> - municipalities\/abaete\.yaml:9:9: warning: spec\.tier: abaete: population 22675 is outside the medio band/,
    );
  });

  it("compares the working tree with --base alone", () => {
    repo.write(
      "municipalities/abaete.yaml",
      readFileSync(join(repo.root, "municipalities/abaete.yaml"), "utf8").replace("tier: medio", "tier: grande"),
    );
    try {
      const { code, stdout } = run(["--base", "HEAD", "--format", "csv"]);
      expect(code).toBe(0);
      const lines = stdout.trim().split("\n");
      expect(lines[0]).toMatch(
        /^scope,side,name,tier,phase,cluster,status,municipalities,reasons,cpu_requests_min_millicores,/,
      );
      expect(lines.filter((l) => l.startsWith("municipality,"))).toEqual([
        expect.stringMatching(/^municipality,base,abaete,medio,production,prodemge-bh-1,active,,tier changed,/),
        expect.stringMatching(/^municipality,head,abaete,grande,production,prodemge-bh-1,active,,tier changed,/),
        expect.stringMatching(/^municipality,delta,abaete,,,,,,tier changed,/),
      ]);
    } finally {
      repo.git("checkout", "--", "municipalities/abaete.yaml");
    }
  });

  it("writes --output and --chart files, and nothing on standard output", () => {
    const { code, stdout } = run([
      "--base",
      "HEAD~1",
      "--head",
      "HEAD",
      "--format",
      "json",
      "--output",
      "report.json",
      "--chart",
      "fleet.svg",
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe("");
    const json = JSON.parse(readFileSync(join(repo.root, "report.json"), "utf8")) as {
      schemaVersion: number;
      mode: string;
      units: object;
    };
    expect(json).toMatchObject({
      schemaVersion: 1,
      mode: "diff",
      units: { cpu: "millicores", memory: "bytes", storage: "bytes" },
    });
    const svg = readFileSync(join(repo.root, "fleet.svg"), "utf8");
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    // Self-contained: no script, no link to anything outside the file.
    expect(svg).not.toMatch(/<script|href=|@import|url\(/);
    expect(svg).toContain(">base</text>");
    expect(svg).toContain(">head</text>");
  });

  it("exits 1 and prints positioned diagnostics for an invalid municipality file", () => {
    repo.write(
      "municipalities/broken.yaml",
      "apiVersion: sei.mg.gov.br/v1\nkind: Municipality\nmetadata:\n  name: broken\nspec:\n  tier: huge\n",
    );
    try {
      const { code, stdout, stderr } = run([]);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      expect(stderr).toMatch(/^municipalities\/broken\.yaml:\d+:\d+: error: /m);
    } finally {
      repo.remove("municipalities/broken.yaml");
    }
  });

  it("exits 1 when a volume would shrink", () => {
    repo.municipality({ ...ABAETE, tier: "pequeno-i" });
    try {
      const { code, stderr } = run(["--base", "HEAD"]);
      expect(code).toBe(1);
      expect(stderr).toContain(
        "municipalities/abaete.yaml:9:9: error: spec.tier: abaete: volume database (claim sei-database-data) would shrink from 60Gi to 10Gi",
      );
    } finally {
      repo.git("checkout", "--", "municipalities/abaete.yaml");
    }
  });

  it("exits 2 on usage, I/O and git errors", () => {
    expect(run(["--base", "no-such-revision"])).toMatchObject({
      code: 2,
      stderr: 'sei-infra capacity: unknown revision "no-such-revision"\n',
    });
    expect(run(["--head", "HEAD"])).toMatchObject({ code: 2, stderr: "sei-infra capacity: --head needs --base\n" });
    expect(run(["--format", "yaml"]).code).toBe(2);
    expect(run(["--municipalities", "nowhere"]).code).toBe(2);
    // An output folder that cannot be made (a file is in its way), as fleet's reports: nothing written.
    expect(run(["--output", "platform.yaml/report.txt"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^sei-infra capacity: cannot write \S+platform\.yaml\/report\.txt: /m),
    });
    const outside = mkdtempSync(join(tmpdir(), "sei-capacity-outside-"));
    try {
      expect(run([], outside)).toMatchObject({
        code: 2,
        stderr: `sei-infra capacity: no platform.yaml in ${outside} or any folder above it: run sei-infra inside the repository\n`,
      });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("runs from any folder of the repository; --output and --municipalities are relative to that folder", () => {
    const fromRoot = run(["--base", "HEAD~1"]);
    const tiers = join(repo.root, "tiers");
    expect(run(["--base", "HEAD~1"], tiers)).toEqual(fromRoot);
    const written = run(
      ["--base", "HEAD~1", "--municipalities", "../municipalities", "--output", "capacity.txt"],
      tiers,
    );
    expect([written.code, written.stdout]).toEqual([fromRoot.code, ""]);
    try {
      expect(readFileSync(join(tiers, "capacity.txt"), "utf8")).toBe(fromRoot.stdout);
    } finally {
      rmSync(join(tiers, "capacity.txt"));
    }
  });

  it("never writes a report through a link (a committed capacity.md → ~/.bashrc)", () => {
    const outside = mkdtempSync(join(tmpdir(), "sei-capacity-outside-"));
    const target = join(outside, "bashrc");
    writeFileSync(target, "original\n");
    symlinkSync(target, join(repo.root, "capacity.md"));
    try {
      const { code, stderr } = run(["--format", "markdown", "--output", "capacity.md"]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^sei-infra capacity: \S*capacity\.md: is a symbolic link; links are not followed$/m);
      expect(readFileSync(target, "utf8")).toBe("original\n");
    } finally {
      repo.remove("capacity.md");
      rmSync(outside, { recursive: true });
    }
  });

  it("never writes a report into a FIFO (it would block until someone reads it)", () => {
    execFileSync("mkfifo", [join(repo.root, "capacity.md")]);
    try {
      const { code, stderr } = run(["--format", "markdown", "--output", "capacity.md"]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^sei-infra capacity: \S*capacity\.md: is a FIFO \(named pipe\), not a regular file$/m);
    } finally {
      repo.remove("capacity.md");
    }
  });
});
