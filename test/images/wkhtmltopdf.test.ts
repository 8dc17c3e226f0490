/**
 * PDF generation in the app image: the patched-Qt wkhtmltox 0.12.6.1 is a build
 * input (the build context "wkhtmltox", like the SEI source: no registry here
 * serves it), Debian's unpatched wkhtmltopdf is not installed, and the build
 * runs images/app/build/wkhtmltopdf-patched.sh, which refuses any wkhtmltopdf
 * whose version line lacks "(with patched qt)". The script runs here for real
 * against programs that answer --version as each build does (the two lines
 * below are what the two builds print).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const CHECK = resolve("images/app/build/wkhtmltopdf-patched.sh");
const work = mkdtempSync(join(tmpdir(), "sei-wkhtmltopdf-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the build check with a wkhtmltopdf on PATH that prints `versionLine` for --version and exits with `status`. */
function check(name: string, versionLine: string, status = 0) {
  const bin = join(work, name);
  mkdirSync(bin);
  writeFileSync(join(bin, "wkhtmltopdf"), `#!/bin/sh\necho '${versionLine}'\nexit ${status}\n`);
  chmodSync(join(bin, "wkhtmltopdf"), 0o755);
  return spawnSync("sh", [CHECK], { encoding: "utf8", env: { PATH: `${bin}:/usr/bin:/bin` } });
}

describe("the app image's wkhtmltopdf", () => {
  it("passes the patched-Qt build (wkhtmltox 0.12.6.1)", () => {
    const run = check("patched", "wkhtmltopdf 0.12.6.1 (with patched qt)");
    expect(run.stdout).toBe("wkhtmltopdf: wkhtmltopdf 0.12.6.1 (with patched qt)\n");
    expect(run.status).toBe(0);
  });

  it("refuses Debian's build against unpatched Qt, and a wkhtmltopdf that fails", () => {
    const debian = check("debian", "wkhtmltopdf 0.12.6");
    expect(debian.stderr).toContain(
      'is not the patched-Qt build SEI needs (wkhtmltox 0.12.6.1, build context "wkhtmltox")',
    );
    expect(debian.stderr).toContain('it says "wkhtmltopdf 0.12.6"');
    expect(debian.status).toBe(1);
    const broken = check("broken", "error while loading shared libraries: libQt5WebKit.so.5", 127);
    expect(broken.stderr).toContain("wkhtmltopdf --version failed");
    expect(broken.status).toBe(1);
  });

  it("is installed from the build context and checked by the image build; Debian's package is not installed", () => {
    const recipe = readFileSync("images/app/Containerfile", "utf8").replace(/\\\n/g, " ");
    const lines = recipe.split("\n").filter((line) => !line.trim().startsWith("#"));
    const install = lines.find((line) => line.includes("apt-get install")) ?? "";
    expect(install.split(/\s+/)).not.toContain("wkhtmltopdf");
    expect(install).toContain("/tmp/wkhtmltox.deb");
    expect(lines).toContain("COPY --from=wkhtmltox ${WKHTMLTOX_DEB} /tmp/wkhtmltox.deb");
    expect(lines).toContain("COPY --chmod=755 app/build/wkhtmltopdf-patched.sh /usr/local/bin/wkhtmltopdf-patched");
    const installAt = lines.findIndex((line) => line.includes("apt-get install"));
    const checkAt = lines.findIndex((line) => /^RUN .*wkhtmltopdf-patched/.test(line));
    expect(checkAt).toBeGreaterThan(installAt);
  });
});
