/**
 * The packaged chart every stack carries: named by a digest of its files'
 * paths and contents only, so a template or values-default change renames it
 * (and the helm_release plans an update) while a clone, a touch or a
 * different umask changes nothing; read back by the real helm CLI.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageChart } from "../../stacks/chart-package.ts";
import { helmTools } from "../chart/support.ts";
import { REPO_ROOT, cleanScratch, scratchDir } from "./support.ts";

afterAll(cleanScratch);

const CHART = join(REPO_ROOT, "charts", "sei");

/** A copy of the in-repo chart in a scratch folder, to edit. */
function chartCopy(): string {
  const dir = join(scratchDir("sei-chart-package-"), "sei");
  cpSync(CHART, dir, { recursive: true });
  return dir;
}

describe("packageChart", () => {
  it("names the archive by the sha256 digest of the chart's paths and contents", () => {
    const chart = packageChart(CHART);
    expect(chart.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(chart.fileName).toBe(`sei-${chart.digest}.tgz`);
  });

  it("is the same digest and the same bytes for a copy with other times and modes", () => {
    const copy = chartCopy();
    const values = join(copy, "values.yaml");
    utimesSync(values, new Date("2001-02-03T04:05:06Z"), new Date("2001-02-03T04:05:06Z"));
    chmodSync(values, 0o664);
    const original = packageChart(CHART);
    const copied = packageChart(copy);
    expect(copied.digest).toBe(original.digest);
    expect(Buffer.compare(copied.archive, original.archive)).toBe(0);
  });

  it("changes the digest when one template line or one values default changes", () => {
    const before = packageChart(CHART).digest;
    const template = chartCopy();
    const file = join(template, "templates", "service-app.yaml");
    writeFileSync(file, `${readFileSync(file, "utf8")}# one more line\n`);
    const values = chartCopy();
    writeFileSync(
      join(values, "values.yaml"),
      readFileSync(join(values, "values.yaml"), "utf8").replace(/: \d+/, ": 7"),
    );
    expect(packageChart(template).digest).not.toBe(before);
    expect(packageChart(values).digest).not.toBe(before);
    expect(packageChart(values).digest).not.toBe(packageChart(template).digest);
  });

  it("leaves out what .helmignore names, as helm package does: an editor's swap file changes nothing", () => {
    const before = packageChart(CHART).digest;
    const copy = chartCopy();
    writeFileSync(join(copy, "templates", ".deployment-app.yaml.swp"), "swap");
    writeFileSync(join(copy, "values.yaml~"), "backup");
    // chart-testing's values follow the tiers; a tier edit must not roll every release.
    writeFileSync(join(copy, "ci", "medio-values.yaml"), "regenerated: true\n");
    expect(packageChart(copy).digest).toBe(before);
  });

  it("is a chart archive the real helm reads: same name, version and templates", () => {
    const { helm, kubeVersion } = helmTools();
    const chart = packageChart(CHART);
    const file = join(scratchDir(), chart.fileName);
    writeFileSync(file, chart.archive);
    const shown = execFileSync(helm, ["show", "chart", file], { encoding: "utf8" });
    expect(shown).toContain("name: sei");
    expect(shown).toContain(`version: ${/^version: (.*)$/m.exec(readFileSync(join(CHART, "Chart.yaml"), "utf8"))![1]}`);
    const render = (chartPath: string) =>
      execFileSync(
        helm,
        ["template", "sei", chartPath, "--kube-version", kubeVersion, "-f", join(CHART, "ci", "medio-values.yaml")],
        { encoding: "utf8" },
      );
    const fromArchive = render(file);
    const fromFolder = render(CHART);
    expect(fromArchive).toBe(fromFolder);
  });

  it("refuses a symbolic link or a FIFO in the chart, naming it, rather than following or hanging", () => {
    const linked = chartCopy();
    symlinkSync("/etc/passwd", join(linked, "templates", "passwd.yaml"));
    expect(() => packageChart(linked)).toThrow(/templates\/passwd\.yaml: is a symbolic link/);
    const fifo = chartCopy();
    execFileSync("mkfifo", [join(fifo, "files", "pipe")]);
    expect(() => packageChart(fifo)).toThrow(/files\/pipe: is a FIFO \(named pipe\), not a regular file/);
  });
});
