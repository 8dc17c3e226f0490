/**
 * The cluster's directory (platform.yaml) as the stack carries it: the bind
 * account copied from PRODEMGE's Secret into the namespace by reference only,
 * an egress policy from the app pods to the directory servers alone, and the
 * chart values the first install reads. Without a directory, none of them.
 */
import { afterAll, describe, expect, it } from "vitest";
import { examplePlan } from "../../scripts/lib/example-plan.ts";
import { cleanScratch, resourcesOf, synthStack } from "./support.ts";
import { releaseValues } from "./workloads.ts";

afterAll(cleanScratch);

const plan = examplePlan({ tier: "medio", phase: "provisioning" });
const { json, text } = synthStack(plan);

describe("a cluster with a directory", () => {
  it("copies the bind account into the namespace by reference, never by value, and checks its keys", () => {
    const secrets = Object.values(resourcesOf(json, "kubernetes_secret_v1")) as {
      metadata: { name: string; namespace: string };
      data: Record<string, string>;
      lifecycle?: { precondition?: { condition: string; error_message: string }[] };
    }[];
    const copy = secrets.find((s) => s.metadata.name === "sei-directory-bind");
    expect(copy).toBeDefined();
    expect(Object.keys(copy!.data).sort()).toEqual(["bindDn", "password"]);
    for (const value of Object.values(copy!.data))
      expect(value).toMatch(/^\$\{data\.kubernetes_secret_v1\.[^}]+\.data\[/);
    expect(copy!.lifecycle?.precondition?.[0]?.error_message).toContain(
      "Secret sei-platform/sei-directory-bind (platform.yaml directory.bindSecret) must exist with the keys bindDn and password",
    );
    const sources = Object.values(json.data?.kubernetes_secret_v1 ?? {}) as { metadata: unknown }[];
    // Beside it, the plan reads the instance's own rotated Secrets (the rotation guard: generated-secret.ts).
    expect(sources.map((s) => s.metadata)).toEqual([
      { name: "sei-app-secrets", namespace: "sei-exemplo" },
      { name: "sei-database-credentials", namespace: "sei-exemplo" },
      { name: "sei-directory-bind", namespace: "sei-platform" },
    ]);
  });

  it("lets the app pods, and only them, reach the directory servers on the URL's port", () => {
    const policies = Object.values(resourcesOf(json, "kubernetes_network_policy_v1")) as {
      metadata: { name: string };
      spec: unknown;
    }[];
    const policy = policies.find((p) => p.metadata.name === "allow-directory-egress");
    expect(policy?.spec).toEqual({
      pod_selector: { match_labels: { "app.kubernetes.io/component": "app" } },
      policy_types: ["Egress"],
      egress: [{ to: [{ ip_block: { cidr: "10.20.30.50/32" } }], ports: [{ port: "636", protocol: "TCP" }] }],
    });
  });

  it("hands the chart the municipality's branch, the bind account's Secret and the first administrator", () => {
    const values = releaseValues(json)!;
    const bootstrap = Object.fromEntries(
      values.env.bootstrap.map((e) => [e.name, "value" in e ? e.value : e.valueFrom.secretKeyRef]),
    );
    expect(bootstrap).toMatchObject({
      APP_DIRECTORY_URL: "ldaps://ldap-bh1.prodemge.mg.gov.br:636",
      APP_DIRECTORY_TYPE: "LDAP",
      APP_DIRECTORY_PORT: "636",
      APP_DIRECTORY_SEARCH_BASE: "ou=exemplo,ou=municipios,dc=prodemge,dc=mg,dc=gov,dc=br",
      APP_DIRECTORY_LOGIN_ATTRIBUTE: "uid",
      APP_DIRECTORY_BIND_DN: { name: "sei-directory-bind", key: "bindDn" },
      APP_DIRECTORY_BIND_PASSWORD: { name: "sei-directory-bind", key: "password" },
      APP_ADMIN_LOGIN: "caio",
      APP_ADMIN_NAME: "Caio",
      APP_ADMIN_EMAIL: "caio@example.org",
    });
    expect(values.directory?.ca).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(text).not.toMatch(/"password"\s*:\s*"[^$]/);
  });
});

describe("a cluster without a directory", () => {
  const bare = synthStack({
    ...plan,
    directory: null,
    network: { ...plan.network, edges: plan.network.edges.filter((edge) => edge.egress !== "directoryEgress") },
    release: plan.release && {
      ...plan.release,
      values: { ...plan.release.values, directory: null },
    },
  }).json;

  it("copies no bind account and opens no directory egress", () => {
    const read = (stack: typeof json) =>
      Object.values(stack.data?.kubernetes_secret_v1 ?? {}).map(
        (s) => (s as { metadata: { name: string } }).metadata.name,
      );
    expect(read(json)).toContain("sei-directory-bind");
    expect(read(bare)).toEqual(["sei-app-secrets", "sei-database-credentials"]);
    const names = Object.values(resourcesOf(bare, "kubernetes_network_policy_v1")).map(
      (p) => (p as { metadata: { name: string } }).metadata.name,
    );
    expect(names).not.toContain("allow-directory-egress");
    expect(releaseValues(bare)?.directory).toBeNull();
  });
});
