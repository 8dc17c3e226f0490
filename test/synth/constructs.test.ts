/**
 * Each construct alone (Testing.synthScope), with the plan of a real tier:
 * the fields that matter, asserted explicitly.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { ACCESS_KEY, PORTS, SIP_SYSTEMS } from "../../core/image-contract.ts";
import { SECRET_KEYS } from "../../core/naming.ts";
import { DataVolume } from "../../constructs/data-volume.ts";
import { ApplicationKeys } from "../../constructs/application-keys.ts";
import { Database } from "../../constructs/database.ts";
import { DocumentStorage } from "../../constructs/document-storage.ts";
import { SeiRelease } from "../../constructs/sei-release.ts";
import { packageChart } from "../../stacks/chart-package.ts";
import { StorageClassGuard } from "../../constructs/storage-class-guard.ts";
import { Tenancy } from "../../constructs/tenancy.ts";
import { NetworkPolicies } from "../../constructs/network-policies.ts";
import type { NetworkEdge, NetworkPlan } from "../../core/plan.ts";
import { examplePlan } from "../../scripts/lib/example-plan.ts";
import { REPO_ROOT, type StackJson } from "./support.ts";

const plan = examplePlan({ tier: "medio", phase: "production" });
const parse = (text: string) => JSON.parse(text) as StackJson;
const resources = (json: StackJson, type: string) => Object.values(json.resource?.[type] ?? {});
const one = <T>(block: T | T[]): T => (Array.isArray(block) ? block[0]! : block);

// cdktf's matchers compare partially: every expected key must match, other keys are ignored.

describe("Tenancy", () => {
  const text = Testing.synthScope((scope) => {
    new Tenancy(scope, "Tenancy", {
      namespace: plan.namespace.name,
      labels: plan.namespace.labels,
      quota: plan.quota,
      limitRange: plan.limitRange,
      network: plan.network,
      serviceAccountName: plan.serviceAccountName,
    });
  });
  const json = parse(text);

  it("labels the namespace, Pod Security admission included, and never deletes it", () => {
    expect(
      Testing.toHaveResourceWithProperties(text, "kubernetes_namespace_v1", {
        metadata: {
          name: "sei-exemplo",
          labels: {
            "pod-security.kubernetes.io/enforce": "restricted",
            // The standard of the release platform.yaml names, never `latest`.
            "pod-security.kubernetes.io/enforce-version": "v1.37",
            "pod-security.kubernetes.io/audit-version": "v1.37",
            "pod-security.kubernetes.io/warn-version": "v1.37",
          },
        },
        lifecycle: { prevent_destroy: true },
      }),
    ).toBe(true);
  });

  it("sets every quota the plan fixes, as Kubernetes quantities", () => {
    const hard = one(
      one(resources(json, "kubernetes_resource_quota_v1")[0]!.spec as object[]) as { hard: Record<string, string> },
    ).hard;
    expect(Object.keys(hard).sort()).toEqual(
      [
        "limits.cpu",
        "limits.memory",
        "limits.ephemeral-storage",
        "persistentvolumeclaims",
        "pods",
        "requests.cpu",
        "requests.memory",
        "requests.ephemeral-storage",
        "requests.storage",
      ].sort(),
    );
    expect(hard.persistentvolumeclaims).toBe("5");
  });

  it("gives the ServiceAccount no token", () => {
    expect(
      Testing.toHaveResourceWithProperties(text, "kubernetes_service_account_v1", {
        metadata: { name: "sei" },
        automount_service_account_token: false,
      }),
    ).toBe(true);
  });

  it("denies all traffic, then allows DNS over UDP and TCP to the DNS pods, and the explicit paths", () => {
    const policies = resources(json, "kubernetes_network_policy_v1") as {
      metadata: { name: string };
      spec: Record<string, unknown>;
    }[];
    // Every policy of the plan but the backup store's: the example cluster has no store (test/synth/backup-store.test.ts).
    const { backupStoreEgress, ...policyNames } = plan.network.policyNames;
    expect(policies.map((p) => one(p.metadata).name).sort()).toEqual(Object.values(policyNames).sort());
    expect(policies.map((p) => one(p.metadata).name)).not.toContain(backupStoreEgress);
    const byName = new Map(
      policies.map((p) => [one(p.metadata).name, one(p.spec as never) as Record<string, unknown>]),
    );
    expect(byName.get("default-deny-all")).toEqual({ pod_selector: {}, policy_types: ["Ingress", "Egress"] });
    // DNS to the cluster DNS pods only (platform.yaml clusterDns), not to every pod of kube-system.
    expect(byName.get("allow-dns-egress")).toEqual({
      pod_selector: {},
      policy_types: ["Egress"],
      egress: [
        {
          to: [
            {
              namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "kube-system" } },
              pod_selector: { match_labels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { port: "53", protocol: "UDP" },
            { port: "53", protocol: "TCP" },
          ],
        },
      ],
    });
    // The SMTP relay of platform.yaml, on its port, from SEI's own processes.
    expect(byName.get("allow-mail-egress")).toEqual({
      pod_selector: {
        match_expressions: [
          { key: plan.network.componentLabel, operator: "In", values: ["app", "scheduler", "updater"] },
        ],
      },
      policy_types: ["Egress"],
      egress: [{ to: [{ ip_block: { cidr: "10.20.30.40/32" } }], ports: [{ port: "587", protocol: "TCP" }] }],
    });
    expect(JSON.stringify(byName.get("allow-database-ingress"))).toContain('"backup"');
    // SEI and SIP reach each other's web services through the Ingress, on HTTPS only.
    expect(byName.get("allow-app-egress-to-ingress")).toEqual({
      pod_selector: {
        match_expressions: [
          { key: plan.network.componentLabel, operator: "In", values: ["app", "scheduler", "updater"] },
        ],
      },
      policy_types: ["Egress"],
      egress: [
        {
          to: [
            {
              namespace_selector: {
                match_labels: { "kubernetes.io/metadata.name": "ingress-nginx" },
              },
            },
          ],
          ports: [{ port: "443", protocol: "TCP" }],
        },
      ],
    });
    // The first-install Job reaches the database and nothing else.
    expect(JSON.stringify(byName.get("allow-database-ingress"))).toContain('"bootstrap"');
    expect(byName.get("allow-bootstrap-egress")).toEqual({
      pod_selector: { match_labels: { [plan.network.componentLabel]: "bootstrap" } },
      policy_types: ["Egress"],
      egress: [
        {
          to: [{ pod_selector: { match_labels: { [plan.network.componentLabel]: "database" } } }],
          ports: [{ port: String(PORTS.database), protocol: "TCP" }],
        },
      ],
    });

    // Only the ingress controller's namespace reaches the app, and only on the app port.
    const component = plan.network.componentLabel;
    expect(byName.get("allow-ingress-controller-to-app")).toEqual({
      pod_selector: { match_labels: { [component]: "app" } },
      policy_types: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespace_selector: {
                match_labels: { "kubernetes.io/metadata.name": "ingress-nginx" },
              },
            },
          ],
          ports: [{ port: String(PORTS.app), protocol: "TCP" }],
        },
      ],
    });
    // The app, scheduler and updater reach each backend on its own port, nothing else.
    const appEgress = byName.get("allow-app-egress") as {
      pod_selector: unknown;
      egress: { to: unknown[]; ports: unknown[] }[];
    };
    expect(appEgress.pod_selector).toEqual({
      match_expressions: [{ key: component, operator: "In", values: ["app", "scheduler", "updater"] }],
    });
    expect(appEgress.egress).toEqual(
      (["database", "solr", "memcached", "jod"] as const).map((backend) => ({
        to: [{ pod_selector: { match_labels: { [component]: backend } } }],
        ports: [{ port: String(PORTS[backend]), protocol: "TCP" }],
      })),
    );
  });
});

describe("NetworkPolicies, from edges alone", () => {
  const render = (edges: readonly NetworkEdge[]) => {
    const network: NetworkPlan = { ...plan.network, edges };
    const json = parse(
      Testing.synthScope((scope) => {
        new NetworkPolicies(scope, "NetworkPolicies", { namespace: "sei-exemplo", network });
      }),
    );
    return new Map(
      (resources(json, "kubernetes_network_policy_v1") as { metadata: { name: string }; spec: unknown }[]).map((p) => [
        one(p.metadata).name,
        one(p.spec as never) as Record<string, unknown>,
      ]),
    );
  };
  const backupStore: NetworkEdge = {
    from: { kind: "pods", components: ["backup"] },
    to: { kind: "addresses", name: "backup store", cidr: "10.9.9.9/32" },
    port: 443,
    protocols: ["TCP"],
    egress: "backupEgress",
  };

  it("adds one edge as one more rule of the client's policy, and nothing else", () => {
    const before = render(plan.network.edges);
    const after = render([...plan.network.edges, backupStore]);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const name of before.keys())
      if (name !== "allow-backup-egress") expect(after.get(name)).toEqual(before.get(name));
    expect(after.get("allow-backup-egress")?.egress).toEqual([
      ...(before.get("allow-backup-egress")!.egress as unknown[]),
      { to: [{ ip_block: { cidr: "10.9.9.9/32" } }], ports: [{ port: "443", protocol: "TCP" }] },
    ]);
  });

  it("makes only the default deny when nothing is allowed", () => {
    expect([...render([]).keys()]).toEqual(["default-deny-all"]);
  });

  it("refuses a policy that would select two different sets of pods", () => {
    expect(() =>
      render([...plan.network.edges, { ...backupStore, from: { kind: "pods", components: ["app"] as const } }]),
    ).toThrow(/policy backupEgress would select both backup and app/);
  });
});

describe("DataVolume and DocumentStorage", () => {
  it("creates a claim that never waits for binding and is never destroyed", () => {
    const text = Testing.synthScope((scope) => {
      const guard = new StorageClassGuard(scope, "Guard", { storageClassName: plan.volumes.database.storageClass });
      new DataVolume(scope, "DatabaseVolume", {
        namespace: "sei-exemplo",
        volume: plan.volumes.database,
        preconditions: [guard.retains],
      });
    });
    expect(
      Testing.toHaveResourceWithProperties(text, "kubernetes_persistent_volume_claim_v1", {
        wait_until_bound: false,
        metadata: { name: "sei-database-data", namespace: "sei-exemplo" },
        spec: { access_modes: ["ReadWriteOnce"], storage_class_name: plan.volumes.database.storageClass },
      }),
    ).toBe(true);
    const claim = resources(parse(text), "kubernetes_persistent_volume_claim_v1")[0] as {
      lifecycle: Record<string, unknown>;
    };
    expect(claim.lifecycle.prevent_destroy).toBe(true);
    expect(JSON.stringify(claim.lifecycle.precondition)).toContain('reclaim_policy == \\"Retain\\"');
    expect(
      Testing.toHaveDataSourceWithProperties(text, "kubernetes_storage_class_v1", {
        metadata: { name: plan.volumes.database.storageClass },
      }),
    ).toBe(true);
  });

  it("refuses a document repository that is not ReadWriteMany", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new DocumentStorage(scope, "Documents", {
          namespace: "sei-exemplo",
          volume: { ...plan.volumes.documents, kind: "documents", accessMode: "ReadWriteOnce" },
        });
      }),
    ).toThrow(/ReadWriteMany/);
  });
});

describe("ApplicationKeys", () => {
  const json = parse(
    Testing.synthScope((scope) => {
      new ApplicationKeys(scope, "ApplicationKeys", {
        namespace: "sei-exemplo",
        namespaceName: "sei-exemplo",
        name: plan.secrets.app,
        solr: plan.passwordRotation.solr,
        accessKeys: plan.passwordRotation.accessKeys,
      });
    }),
  );

  it("fills the application Secret with generated passwords, and the Solr user, under the keys the chart reads", () => {
    const secrets = resources(json, "kubernetes_secret_v1") as {
      metadata: { name: string };
      data: Record<string, string>;
    }[];
    expect(secrets.map((s) => one(s.metadata).name)).toEqual([plan.secrets.app]);
    const data = secrets[0]!.data;
    expect(Object.keys(data).sort()).toEqual(Object.values(SECRET_KEYS.app).sort());
    const { [SECRET_KEYS.app.solrUsername]: solrUser, ...passwords } = data;
    // The user before any rotation: the one every instance deployed so far has in its security.json.
    expect(solrUser).toBe("sei");
    for (const value of Object.values(passwords))
      expect(value).toMatch(/^(d27791b8|7babf862)?\$\{random_password\.[A-Za-z0-9_]+\.result\}$/);
  });

  it("moves each of its resources from its address in Database, where a stack deployed before keeps it", () => {
    // As the stack of the example municipality had them (test/fleet/fixtures/plans/opentofu-drift.json).
    const former = [
      "kubernetes_secret_v1.Database_AppSecrets_D6176A18",
      "random_password.Database_AppSecrets_seiAccessKey_A65CFC08",
      "random_password.Database_AppSecrets_sipAccessKey_671F4A86",
      "random_password.Database_AppSecrets_solrPassword_B2F4DCCD",
    ];
    const moved = (json as { moved?: { from: string; to: string }[] }).moved ?? [];
    expect(moved.map((m) => m.from).sort()).toEqual(former);
    const current = Object.entries(json.resource ?? {}).flatMap(([type, named]) =>
      Object.keys(named as object).map((name) => `${type}.${name}`),
    );
    expect(moved.map((m) => m.to).sort()).toEqual(current.sort());
  });

  it("generates access keys of SIP's shape: the system's crc, then 64 random lower-case letters and digits", () => {
    const app = (resources(json, "kubernetes_secret_v1") as { metadata: unknown; data: Record<string, string> }[]).find(
      (s) => (one(s.metadata) as { name: string }).name === plan.secrets.app,
    )!.data;
    const passwords = (json.resource?.random_password ?? {}) as Record<
      string,
      { length: number; upper?: boolean; special: boolean }
    >;
    for (const system of Object.values(SIP_SYSTEMS)) {
      const value = app[system.keyVariable]!;
      const [, prefix, id] = /^([0-9a-f]{8})\$\{random_password\.([A-Za-z0-9_]+)\.result\}$/.exec(value) ?? [];
      expect(prefix).toBe(system.crc);
      expect(passwords[id!]).toMatchObject({
        length: ACCESS_KEY.length - ACCESS_KEY.crcLength,
        upper: false,
        special: false,
      });
    }
    expect(app[SECRET_KEYS.app.solrPassword]).toMatch(/^\$\{random_password\.[A-Za-z0-9_]+\.result\}$/);
  });
});

describe("Database", () => {
  const text = Testing.synthScope((scope) => {
    new Database(scope, "Database", {
      namespace: "sei-exemplo",
      namespaceName: "sei-exemplo",
      database: plan.database,
      secrets: plan.secrets,
      passwordRotation: plan.passwordRotation,
      dataClaimName: "sei-database-data",
      serviceAccountName: "sei",
      waitForRollout: false,
      backup: { plan: plan.backup!, backupClaimName: "sei-backups", documentsClaimName: "sei-documents" },
    });
  });
  const json = parse(text);

  it("fills the credentials Secret with generated passwords only, under the keys the chart reads", () => {
    const secrets = resources(json, "kubernetes_secret_v1") as {
      metadata: { name: string };
      data: Record<string, string>;
    }[];
    expect(secrets.map((s) => one(s.metadata).name)).toEqual([plan.secrets.database]);
    const data = secrets[0]!.data;
    expect(Object.keys(data).sort()).toEqual(Object.values(SECRET_KEYS.database).sort());
    for (const value of Object.values(data)) expect(value).toMatch(/^\$\{random_password\.[A-Za-z0-9_]+\.result\}$/);
  });

  it("runs the database from the Terraform claim, never a claim template, without waiting when asked", () => {
    const sts = resources(json, "kubernetes_stateful_set_v1")[0] as Record<string, unknown>;
    expect(sts.wait_for_rollout).toBe(false);
    const spec = one(sts.spec as object) as Record<string, unknown>;
    expect(spec.volume_claim_template).toBeUndefined();
    expect(JSON.stringify(spec)).toContain('"claim_name":"sei-database-data"');
    expect(spec.replicas).toBe("1");
  });

  it("ships engine settings and an init script that creates both databases with their own users", () => {
    const config = resources(json, "kubernetes_config_map_v1").find((c) =>
      JSON.stringify(c).includes(plan.database.configMapName),
    ) as {
      data: Record<string, string>;
    };
    expect(config.data["sei.cnf"]).toContain("character-set-server = latin1");
    expect(config.data["sei.cnf"]).toContain("max_allowed_packet = 128M");
    const script = config.data["create-databases.sh"]!;
    expect(script).toContain("CREATE DATABASE IF NOT EXISTS sei CHARACTER SET latin1");
    expect(script).toContain("CREATE USER IF NOT EXISTS 'sip_user'@'%' IDENTIFIED BY '$${APP_DB_SIP_PASSWORD}'");
    // Terraform turns "$${" back into "${": the pod sees a shell variable, never a password.
    const shell = script.replaceAll("$${", "${");
    execFileSync("bash", ["-n"], { input: shell });
  });

  it("backs up in production on the tier's schedule", () => {
    expect(
      Testing.toHaveResourceWithProperties(text, "kubernetes_cron_job_v1", {
        metadata: { name: plan.backup!.cronJobName },
        spec: { schedule: plan.backup!.schedule, concurrency_policy: "Forbid" },
      }),
    ).toBe(true);
    expect(text).toContain(`"value": "${plan.backup!.retentionDays}"`);
  });

  it("pulls the database and backup images with the platform's pull secret, as the chart's pods do", () => {
    // The database image comes from the private registry too; a namespace pull secret the pod does not name is never used.
    expect(plan.release!.values.imagePullSecrets).toEqual([{ name: "prodemge-registry" }]);
    const sts = one((resources(json, "kubernetes_stateful_set_v1")[0] as { spec: object }).spec) as {
      template: object;
    };
    const template = one(sts.template) as { spec: object };
    expect(one(template.spec)).toMatchObject({ image_pull_secrets: [{ name: "prodemge-registry" }] });
    const cron = JSON.stringify(resources(json, "kubernetes_cron_job_v1")[0]);
    expect(cron).toContain('"image_pull_secrets":[{"name":"prodemge-registry"}]');
  });
});

describe("SeiRelease", () => {
  it("installs the packaged chart the stack folder holds, with the plan's values and waiting as planned", () => {
    const release = plan.release!;
    const chart = packageChart(join(REPO_ROOT, release.chartPath));
    const text = Testing.synthScope((scope) => {
      new SeiRelease(scope, "Release", {
        namespace: "sei-exemplo",
        release: { ...release, wait: false },
        chartFile: chart.fileName,
      });
    });
    const helm = resources(parse(text), "helm_release")[0] as Record<string, unknown>;
    expect(helm).toMatchObject({
      name: "sei",
      namespace: "sei-exemplo",
      // Relative to the stack folder the engine runs in; the digest in the name is what plans an update.
      chart: `./sei-${chart.digest}.tgz`,
      wait: false,
      wait_for_jobs: false,
    });
    // Terraform turns "$${" back into "${": Helm gets the app probe's shell variable as the plan wrote it.
    expect(JSON.parse((helm.values as string[])[0]!.replaceAll("$${", "${"))).toEqual(release.values);
  });
});
