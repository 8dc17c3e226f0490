/**
 * The SMTP password as the stack carries it: the Secret mail.authentication
 * names in PRODEMGE's namespace is copied into the instance's namespace by
 * reference (never by value in cdktf.out), checked for its key before anything
 * is created, and the release reads the copy. Without an account, no copy.
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadFleet } from "../../core/load-fleet.ts";
import { planInstance } from "../../core/resolve/instance.ts";
import { REPO_ROOT, exampleMunicipality, examplePlan } from "../../scripts/lib/example-plan.ts";
import { workingTree } from "../../sources/working-tree.ts";
import { cleanScratch, resourcesOf, secretsOf, synthStack } from "./support.ts";
import { releaseValues } from "./workloads.ts";

afterAll(cleanScratch);

const fleet = loadFleet({ source: workingTree(REPO_ROOT) });
const municipality = exampleMunicipality({ tier: "medio", phase: "production" });
const plan = planInstance({
  municipality: {
    ...municipality,
    spec: {
      ...municipality.spec,
      mail: {
        authentication: {
          username: "sei@exemplo.mg.gov.br",
          passwordSecret: { namespace: "sei-platform", name: "exemplo-mail", key: "senha" },
        },
      },
    },
  },
  tier: fleet.tiers.get("medio")!,
  platform: fleet.platform!,
  sourceFile: "test",
});

describe("an instance with an SMTP account", () => {
  const { json, text } = synthStack(plan);

  it("copies the password's Secret from PRODEMGE's namespace by reference, checks its key, protects the copy", () => {
    const copy = secretsOf(json).find((s) => s.metadata.name === "sei-mail-password");
    expect(copy?.metadata.namespace).toMatch(/^\$\{kubernetes_namespace_v1\.Tenancy_/);
    expect(Object.keys(copy!.data)).toEqual(["senha"]);
    expect(copy!.data.senha).toMatch(/^\$\{data\.kubernetes_secret_v1\.MailSecret_Source_[^}]+\.data\["senha"\]\}$/);
    expect(copy!.lifecycle?.prevent_destroy).toBe(true);
    expect(copy!.lifecycle?.precondition?.[0]?.condition).toContain('"senha"');
    expect(copy!.lifecycle?.precondition?.[0]?.error_message).toContain(
      "Secret sei-platform/exemplo-mail (mail.authentication.passwordSecret of platform.yaml or the municipality file) must exist with the key senha: the SMTP password SEI sends mail with.",
    );
    const sources = Object.values(json.data?.kubernetes_secret_v1 ?? {}) as { metadata: unknown }[];
    expect(sources.map((s) => s.metadata)).toContainEqual({ name: "exemplo-mail", namespace: "sei-platform" });
  });

  it("has the release read the copy, after the copy exists", () => {
    const { env } = releaseValues(json)!;
    expect(env.settings).toContainEqual({ name: "APP_MAIL_USUARIO", value: "sei@exemplo.mg.gov.br" });
    for (const list of [env.app, env.scheduler, env.updater])
      expect(list).toContainEqual({
        name: "APP_MAIL_SENHA",
        valueFrom: { secretKeyRef: { name: "sei-mail-password", key: "senha" } },
      });
    const release = Object.values(resourcesOf(json, "helm_release"))[0] as { depends_on?: string[] };
    expect(release.depends_on?.some((d) => d.startsWith("kubernetes_secret_v1.MailSecret_"))).toBe(true);
    expect(text).not.toMatch(/"senha":\s*"[^$]/);
  });
});

describe("an instance without an SMTP account", () => {
  it("copies no mail Secret and reads none", () => {
    const { json } = synthStack(examplePlan({ tier: "medio", phase: "production" }));
    expect(secretsOf(json).map((s) => s.metadata.name)).not.toContain("sei-mail-password");
    const { env } = releaseValues(json)!;
    expect(env.settings).toContainEqual({ name: "APP_MAIL_USUARIO", value: "" });
    expect([...env.app, ...env.scheduler, ...env.updater].map((e) => e.name)).not.toContain("APP_MAIL_SENHA");
  });
});
