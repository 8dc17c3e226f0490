/**
 * The chart's updater script (charts/sei/files/updater.sh) with the host's real
 * PHP and sh, against update scripts that print what SEI's print (written here
 * from SEI's messages, not SEI's code) and a SIP connection class that answers
 * the wait at once, laid out at /opt/sip as in the image.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inImageLayout } from "../support/app-runtime.ts";

const work = mkdtempSync(join(tmpdir(), "sei-updater-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
mkdirSync(join(work, "web"));
writeFileSync(
  join(work, "web", "Sip.php"),
  "<?php final class BancoSip { static function getInstance() { return new BancoSip(); } function abrirConexao() {} function executarSql($sql) { return true; } }\n",
);

/** Runs updater.sh with SIP's update printing `output` and ending with `status`; the other two succeed. */
function updater(output: string, status: number) {
  const script = (name: string, body: string) => {
    writeFileSync(join(work, name), `<?php fgets(STDIN); fgets(STDIN); ${body}\n`);
    return `/opt/sip/${name}`;
  };
  const [command, args] = inImageLayout({ "/opt/sip": work }, "sh", [resolve("charts/sei/files/updater.sh")]);
  return spawnSync(command, args, {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      APP_DB_ROOT_USERNAME: "root",
      APP_DB_ROOT_PASSWORD: "secret",
      SIP_UPDATE: script("sip.php", `echo ${JSON.stringify(output)}; exit(${status});`),
      SEI_RESOURCES: script("resources.php", "echo 'FIM';"),
      SEI_UPDATE: script("sei.php", "echo 'FIM';"),
    },
  });
}

describe("the updater script", () => {
  it("goes on when a script says its version is already installed", () => {
    const run = updater("ERRO: VERSAO 3.2.0 JA ESTA INSTALADA\n", 1);
    expect(run.stdout).toContain("updater: /opt/sip/sip.php is already at this version");
    expect(run.stdout).toContain("updater: done");
    expect(run.status).toBe(0);
  });

  it.each([0, 1])("fails when a script says the database does not match the last version (status %i)", (status) => {
    const run = updater("ERRO: VERSAO DO BANCO 3.0.0 NAO CORRESPONDE COM A ULTIMA VERSAO 3.1.0\n", status);
    expect(run.stderr).toContain(
      "updater: /opt/sip/sip.php: the database is not at the version this update starts from",
    );
    expect(run.stdout).not.toContain("updater: done");
    expect(run.status).not.toBe(0);
  });

  it("fails with the script's status on any other error", () => {
    const run = updater("Fatal error: something\n", 255);
    expect(run.stderr).toContain("failed with status 255");
    expect(run.status).toBe(255);
  });
});
