/**
 * The app image's PHP settings, read by the host's Debian PHP 8.2 (the image's
 * base has the same) from exactly the ini files images/app/Containerfile
 * installs (test/support/app-runtime.ts), for Apache and for the CLI the
 * scheduler and the updater run under the chart's own command and environment.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { examplePlan } from "../../scripts/lib/example-plan.ts";
import { get as getManifest, helmTemplate, podTemplate, type Manifest } from "../chart/support.ts";
import { inImageLayout, phpIniScanDir, type PhpSapi } from "../support/app-runtime.ts";

/** The stand-in's framework file (NOT SEI's), at the path SEI's framework has in the image. */
const STANDIN_INFRA = resolve("images/standin/infra");

function php(sapi: PhpSapi, code: string, env: Record<string, string> = {}) {
  const [command, args] = inImageLayout({ "/opt/infra": STANDIN_INFRA }, "php", ["-r", code]);
  return spawnSync(command, args, {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env, PHP_INI_SCAN_DIR: phpIniScanDir(sapi) },
  });
}
const ini = (sapi: PhpSapi, name: string) => php(sapi, `echo ini_get('${name}');`).stdout;

/** The environment a container of the rendered chart starts with: its env and its ConfigMap's, Secrets filled with placeholders. */
function containerEnv(manifests: Manifest[], workload: Manifest): Record<string, string> {
  const container = podTemplate(workload).spec.containers[0]!;
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const map = getManifest(manifests, "ConfigMap", from.configMapRef!.name);
    Object.assign(env, (map as unknown as { data: Record<string, string> }).data);
  }
  for (const entry of container.env ?? []) env[entry.name] = entry.value ?? `secret-${entry.name}`;
  return env;
}

describe("the app image's PHP", () => {
  it.each(["apache2", "cli"] as const)("%s resolves SEI's framework, Infra.php, from /opt/infra/infra_php", (sapi) => {
    const loaded = php(sapi, "require_once 'Infra.php'; echo STANDIN_NOTICE;");
    expect(loaded.stderr).toBe("");
    expect(loaded.stdout).toContain("NOT SEI");
  });

  it.each(["apache2", "cli"] as const)("%s accepts the 2000 form fields SIP's permission pages post", (sapi) => {
    expect(Number(ini(sapi, "max_input_vars"))).toBeGreaterThanOrEqual(2000);
  });

  it("collects old session files in the app pods (Debian leaves that to a cron job the image does not run)", () => {
    expect(Number(ini("apache2", "session.gc_probability"))).toBeGreaterThan(0);
  });

  it.each([
    ["updater", "Job", "sei-updater"],
    ["scheduler", "Deployment", "sei-scheduler"],
  ] as const)(
    "the %s's command (no entrypoint) and environment start a session silently, with sessions in memcached or not",
    async (_, kind, name) => {
      const sessions: string[] = [];
      // pequeno-i keeps PHP's sessions in files, medio in memcached (tiers/).
      for (const tier of ["pequeno-i", "medio"] as const) {
        const manifests = await helmTemplate(examplePlan({ tier, phase: "production" }).release!.values);
        const workload = getManifest(manifests, kind, name);
        sessions.push(containerEnv(manifests, workload).APP_MEMCACHED_SESSION!);
        // The container's command replaces the image's entrypoint: PHP's ini files alone must do.
        expect(podTemplate(workload).spec.containers[0]!.command?.[0]).toBe("/bin/sh");
        // As SEI's framework does, a warning is an exception.
        const started = php(
          "cli",
          "require_once 'Infra.php'; session_start(); echo session_status() === PHP_SESSION_ACTIVE ? '' : 'no session';",
          containerEnv(manifests, workload),
        );
        expect(started.stdout + started.stderr).toBe("");
        expect(started.status).toBe(0);
      }
      expect(sessions).toEqual(["false", "true"]);
    },
  );
});
