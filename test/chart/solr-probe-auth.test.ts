/**
 * Solr's probes ask without a login: they pass only because the security.json the chart's init container writes
 * (charts/sei/files/solr-init.sh) opens their paths. This test ties the two: it takes the probe paths from the
 * rendered StatefulSet (the image contract's SOLR_PROBE_PATHS, through the plan's values), runs the script as the
 * chart ships it in the scripts ConfigMap, and decides each request as Solr 9's RuleBasedAuthorizationPlugin does.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SOLR_CORES } from "../../core/image-contract.ts";
import { examplePlan } from "../../scripts/lib/example-plan.ts";
import { get, helmTemplate, podTemplate } from "./support.ts";

interface Permission {
  readonly name: string;
  readonly role: string | null;
  readonly collection?: string | null;
  readonly path?: string;
}

/**
 * The permission that decides a request, as Solr does: a request under /solr/admin is the node's, decided by the
 * permissions without a collection first, then by those of every collection ("*"). A core's request is decided by
 * the "*" permissions alone: standalone Solr 9 gives it no collection, so a permission naming a core never applies
 * (SOLR-13097). In each group the first permission whose path matches decides. None: Solr lets the request through.
 */
function decidingPermission(permissions: readonly Permission[], url: string): Permission | undefined {
  const rest = url.replace(/^\/solr(?=\/)/, "");
  const node = rest.startsWith("/admin/");
  const handler = node ? rest : rest.replace(/^\/[^/]+/, "");
  const pathMatches = (path: string | undefined) =>
    path === undefined || path === handler || (path.endsWith("/*") && handler.startsWith(path.slice(0, -1)));
  for (const group of node ? [null, "*"] : ["*"]) {
    const match = permissions.find(
      (p) => (p.collection === undefined ? "*" : p.collection) === group && pathMatches(p.path),
    );
    if (match) return match;
  }
  return undefined;
}

/** Whether Solr asks a request without credentials for a login: its deciding permission wants a role. */
function needsLogin(permissions: readonly Permission[], url: string): boolean {
  return (decidingPermission(permissions, url)?.role ?? null) !== null;
}

describe("Solr's probes and security.json", () => {
  let probes: string[];
  let permissions: Permission[];
  const dir = mkdtempSync(join(tmpdir(), "sei-solr-auth-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const manifests = await helmTemplate(examplePlan({ tier: "medio", phase: "production" }).release!.values);
    const solr = podTemplate(get(manifests, "StatefulSet", "sei-solr")).spec.containers[0]!;
    probes = [solr.startupProbe, solr.livenessProbe, solr.readinessProbe].map((p) => p!.httpGet!.path);
    const script = join(dir, "solr-init.sh");
    writeFileSync(script, get(manifests, "ConfigMap", "sei-scripts").data!["solr-init.sh"]!);
    const json = execFileSync("bash", ["-c", 'source "$1"; security_json sei "HASH SALT"', "bash", script], {
      encoding: "utf8",
    });
    permissions = (JSON.parse(json) as { authorization: { permissions: Permission[] } }).authorization.permissions;
  }, 120_000);

  it("lets every probe path through without a login", () => {
    expect(probes.length).toBeGreaterThan(0);
    for (const probe of new Set(probes)) expect(needsLogin(permissions, probe), probe).toBe(false);
  });

  it("opens nothing that no probe asks for", () => {
    const serving = new Set(probes.map((probe) => decidingPermission(permissions, probe)));
    for (const open of permissions.filter((p) => p.role === null))
      expect(serving.has(open), `${open.name} (${open.path}) lets no probe through`).toBe(true);
  });

  it("asks a login for every other request: only the probes' handlers are open", () => {
    const handlerOf = (url: string) => url.replace(/^\/solr\/(?!admin\/)[^/]+/, "/solr/CORE");
    const probeHandlers = new Set(probes.map(handlerOf));
    const nodeRequests = [
      "/solr/admin/info/system",
      "/solr/admin/cores",
      "/solr/admin/authentication",
      "/solr/admin/info/logging",
    ];
    const coreHandlers = ["/select", "/update", "/admin/ping", "/admin/luke", "/admin/file", "/config", "/schema"];
    const requests = [...nodeRequests, ...SOLR_CORES.flatMap((core) => coreHandlers.map((h) => `/solr/${core}${h}`))];
    for (const request of requests)
      expect(needsLogin(permissions, request), request).toBe(!probeHandlers.has(handlerOf(request)));
  });
});
