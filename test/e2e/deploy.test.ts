/**
 * End to end: the project's own `cdktf deploy`, real Terraform, real providers
 * and a real Kubernetes cluster (control plane and one node, scripts/e2e/cluster.sh)
 * started by scripts/e2e/run.sh, with state in a real PostgreSQL (pg backend).
 *
 * These steps check what the API holds: platform.yaml of the workspace sets
 * deploy.waitForWorkloads: false, so neither Terraform nor Helm waits for a
 * rollout or a hook Job (the SEI images of platform.yaml are not on the node, so
 * those pods never start); everything else (admission, quotas, Pod Security,
 * volume binding, Helm's release bookkeeping, state locking) is the real thing.
 */
import { rmSync } from "node:fs";
import { spawn } from "node:child_process";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineRefusals } from "../../fleet/classify.ts";
import { SIP_SYSTEMS } from "../../core/image-contract.ts";
import { USER_NAME_KEYS } from "../../core/naming.ts";
import {
  DATA_CLAIMS,
  cloneWorkspace,
  createWorkspace,
  deploy,
  destroy,
  editMunicipality,
  get,
  kubectl,
  list,
  planExitCode,
  requireEnv,
  run,
  stackDir,
  storageManifest,
  synth,
  type KubeObject,
} from "./support.ts";

// Two formalized examples of different tiers: a small town in production and a larger one being provisioned.
const SMALL = "tiradentes"; // pequeno-i, production
const LARGER = "diamantina"; // pequeno-ii, provisioning
const ns = (name: string) => `sei-${name}`;

let workspace: string;
const workspaces: string[] = [];

async function deployed(name: string): Promise<void> {
  const result = await deploy(workspace, name);
  expect(result.code, result.output).toBe(0);
}

async function claims(name: string): Promise<Map<string, KubeObject>> {
  return new Map((await list("persistentvolumeclaims", ns(name))).map((c) => [c.metadata.name, c]));
}

async function waitUntilBound(name: string): Promise<void> {
  for (let attempt = 0; attempt < 60; attempt++) {
    const phases = [...(await claims(name)).values()].map((c) => c.status?.phase);
    if (phases.length === DATA_CLAIMS.length && phases.every((p) => p === "Bound")) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`the claims of ${name} did not bind within a minute`);
}

const storageOf = (claim: KubeObject | undefined) => claim?.spec.resources.requests.storage as string;

describe("deploying SEI instances to a local Kubernetes cluster (deploys do not wait for workloads)", () => {
  beforeAll(async () => {
    requireEnv("PG_CONN_STR");
    workspace = createWorkspace([SMALL, LARGER]);
    workspaces.push(workspace);
    await kubectl(["apply", "-f", "-"], storageManifest([SMALL, LARGER]));
  });

  afterAll(() => {
    if (process.env.SEI_E2E_KEEP === "1") return;
    for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
  });

  it("1. deploys two municipalities of different tiers with cdktf deploy", async () => {
    await deployed(SMALL);
    await deployed(LARGER);

    for (const [name, tier, phase] of [
      [SMALL, "pequeno-i", "production"],
      [LARGER, "pequeno-ii", "provisioning"],
    ] as const) {
      const namespace = await get("namespace", ns(name));
      expect(namespace.metadata.labels).toMatchObject({
        "sei.mg.gov.br/municipality": name,
        "sei.mg.gov.br/tier": tier,
        "sei.mg.gov.br/phase": phase,
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "v1.37",
      });

      const [quota] = await list("resourcequota", ns(name));
      expect(quota?.spec.hard).toHaveProperty(["requests.cpu"]);
      expect(quota?.spec.hard).toHaveProperty(["requests.storage"]);
      const [limits] = await list("limitrange", ns(name));
      expect(limits?.spec.limits[0].type).toBe("Container");

      const policies = await list("networkpolicy", ns(name));
      const denyAll = policies.find(
        (p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress,
      );
      expect(denyAll?.spec.policyTypes).toEqual(expect.arrayContaining(["Ingress", "Egress"]));
      expect(policies.length).toBeGreaterThan(3);

      const account = await get("serviceaccount", "sei", ns(name));
      expect(account.spec ?? {}).not.toHaveProperty("automountServiceAccountToken", true);
      expect((account as unknown as { automountServiceAccountToken: boolean }).automountServiceAccountToken).toBe(
        false,
      );

      for (const secretName of ["sei-database-credentials", "sei-app-secrets"]) {
        const secret = await get("secret", secretName, ns(name));
        const values = Object.entries(secret.data ?? {})
          .filter(([key]) => !USER_NAME_KEYS.has(key))
          .map(([, v]) => Buffer.from(v, "base64").toString());
        expect(values.length).toBeGreaterThanOrEqual(3);
        for (const value of values) expect(value.length).toBeGreaterThanOrEqual(16);
      }
      // The random provider's access keys have the shape SIP accepts (docs/images.md, "Access keys").
      const appSecret = (await get("secret", "sei-app-secrets", ns(name))).data ?? {};
      for (const system of Object.values(SIP_SYSTEMS)) {
        expect(Buffer.from(appSecret[system.keyVariable] ?? "", "base64").toString()).toMatch(
          new RegExp(`^${system.crc}[0-9a-z]{64}$`),
        );
      }

      const database = await get("statefulset", "sei-database", ns(name));
      const dbVolumes = database.spec.template.spec.volumes.map(
        (v: { persistentVolumeClaim?: { claimName: string } }) => v.persistentVolumeClaim?.claimName,
      );
      expect(dbVolumes).toContain("sei-database-data");
      expect([...(await claims(name)).keys()].sort()).toEqual([...DATA_CLAIMS].sort());
      expect((await claims(name)).get("sei-documents")?.spec.accessModes).toEqual(["ReadWriteMany"]);
      expect((await claims(name)).get("sei-temp")?.spec.accessModes).toEqual(["ReadWriteMany"]);

      // The Helm release and what it made.
      const releases = await list("secret", ns(name));
      expect(releases.some((s) => s.metadata.name.startsWith("sh.helm.release.v1.sei."))).toBe(true);
      const deployments = (await list("deployment", ns(name))).map((d) => d.metadata.name);
      expect(deployments).toEqual(expect.arrayContaining(["sei-app", "sei-scheduler", "sei-memcached"]));
      expect((await get("statefulset", "sei-solr", ns(name))).spec.template.spec.volumes).toEqual(
        expect.arrayContaining([expect.objectContaining({ persistentVolumeClaim: { claimName: "sei-solr-data" } })]),
      );
      const services = (await list("service", ns(name))).map((s) => s.metadata.name);
      // memcached (and jod where the tier has it) carry the names SEI and SIP hard-code (docs/images.md).
      expect(services).toEqual(expect.arrayContaining(["sei-app", "sei-solr", "memcached", "sei-database"]));
      const ingress = await get("ingress", "sei-app", ns(name));
      expect(ingress.spec.tls[0].hosts).toEqual([`sei.${name}.mg.gov.br`]);
      expect((await get("deployment", "sei-scheduler", ns(name))).spec.replicas).toBe(1);
    }
    // The updater hook's Job definition is recorded in the Helm release; hooks only run where workloads run.
    const hooks = await releaseHooks(ns(SMALL));
    expect(hooks).toContainEqual(
      expect.objectContaining({ kind: "Job", name: "sei-updater", events: ["pre-install", "pre-upgrade"] }),
    );
    // The first install before it, with its scripts (docs/chart.md, "The first install").
    expect(hooks).toContainEqual(
      expect.objectContaining({ kind: "Job", name: "sei-bootstrap", events: ["pre-install", "pre-upgrade"] }),
    );
    expect(hooks).toContainEqual(
      expect.objectContaining({ kind: "ConfigMap", name: "sei-bootstrap", events: ["pre-install", "pre-upgrade"] }),
    );
    // Backups come with production only.
    expect((await list("cronjob", ns(SMALL))).map((c) => c.metadata.name)).toEqual(["sei-backup"]);
    expect(await list("cronjob", ns(LARGER))).toEqual([]);
  });

  it("2. deploys again with no change: the plan is empty", async () => {
    await deployed(SMALL);
    const plan = await planExitCode(workspace, SMALL);
    expect(plan.code, plan.output).toBe(0);
    expect(plan.output).toContain("No changes");
  });

  it("3. moves one municipality up a tier: quotas and replicas change, volumes keep their UIDs and grow", async () => {
    await waitUntilBound(SMALL);
    const before = await claims(SMALL);
    const quotaBefore = (await list("resourcequota", ns(SMALL)))[0]!;

    editMunicipality(workspace, SMALL, ["spec", "tier"], "pequeno-ii");
    await deployed(SMALL);

    const after = await claims(SMALL);
    for (const claim of ["sei-database-data", "sei-documents", "sei-solr-data"]) {
      expect(after.get(claim)?.metadata.uid, claim).toBe(before.get(claim)?.metadata.uid);
      expect(storageOf(after.get(claim)), claim).not.toBe(storageOf(before.get(claim)));
    }
    expect(storageOf(after.get("sei-database-data"))).toBe("25Gi");
    expect(storageOf(after.get("sei-documents"))).toBe("150Gi");
    expect(storageOf(after.get("sei-solr-data"))).toBe("20Gi");

    const quotaAfter = (await list("resourcequota", ns(SMALL)))[0]!;
    expect(quotaAfter.metadata.uid).toBe(quotaBefore.metadata.uid);
    expect(quotaAfter.spec.hard["requests.memory"]).not.toBe(quotaBefore.spec.hard["requests.memory"]);
    expect(quotaAfter.spec.hard.pods).not.toBe(quotaBefore.spec.hard.pods);
    // pequeno-ii autoscales the app between one and two replicas in production.
    const hpa = await get("horizontalpodautoscaler", "sei-app", ns(SMALL));
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([1, 2]);
    expect((await get("namespace", ns(SMALL))).metadata.labels?.["sei.mg.gov.br/tier"]).toBe("pequeno-ii");
  });

  it("4. suspends it: the app has zero replicas and every data object is unchanged", async () => {
    const claimsBefore = await claims(SMALL);
    const secretsBefore = await Promise.all(
      ["sei-database-credentials", "sei-app-secrets"].map((s) => get("secret", s, ns(SMALL))),
    );

    editMunicipality(workspace, SMALL, ["spec", "phase"], "suspended");
    await deployed(SMALL);

    for (const name of ["sei-app", "sei-scheduler", "sei-memcached"]) {
      expect((await get("deployment", name, ns(SMALL))).spec.replicas, name).toBe(0);
    }
    for (const name of ["sei-solr", "sei-database"]) {
      expect((await get("statefulset", name, ns(SMALL))).spec.replicas, name).toBe(0);
    }
    const claimsAfter = await claims(SMALL);
    for (const [name, claim] of claimsBefore) {
      expect(claimsAfter.get(name)?.metadata.uid, name).toBe(claim.metadata.uid);
      expect(storageOf(claimsAfter.get(name)), name).toBe(storageOf(claim));
    }
    const secretsAfter = await Promise.all(
      ["sei-database-credentials", "sei-app-secrets"].map((s) => get("secret", s, ns(SMALL))),
    );
    secretsAfter.forEach((secret, i) => {
      expect(secret.metadata.uid).toBe(secretsBefore[i]!.metadata.uid);
      expect(secret.data).toEqual(secretsBefore[i]!.data);
    });
  });

  it("5. two deploys of the same municipality at once: the second fails on the state lock, the state stays intact", async () => {
    // A second engineer's checkout of the same configuration and state grows the documents volume.
    const other = cloneWorkspace(workspace);
    workspaces.push(other);
    editMunicipality(other, SMALL, ["spec", "overrides"], { documentsStorage: "200Gi" });
    const synthesized = await synth(other, SMALL);
    expect(synthesized.code, synthesized.output).toBe(0);

    // Their apply holds the state lock while it waits at its confirmation prompt.
    const terraform = requireEnv("SEI_E2E_TERRAFORM");
    await runOrThrow(terraform, ["init", "-input=false", "-no-color"], stackDir(other, SMALL));
    const holder = spawn(terraform, ["apply", "-no-color"], {
      cwd: stackDir(other, SMALL),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let held = "";
    holder.stdout.on("data", (chunk: Buffer) => (held += chunk.toString()));
    const finished = new Promise<number>((r) => holder.on("close", (code) => r(code ?? -1)));
    for (let i = 0; i < 120 && !held.includes("Enter a value"); i++) await new Promise((r) => setTimeout(r, 1000));
    expect(held).toContain("Enter a value");

    // Meanwhile this checkout deploys the same municipality: refused, because the state is locked.
    const concurrent = await deploy(workspace, SMALL);
    expect(concurrent.code).not.toBe(0);
    expect(concurrent.output).toMatch(/state lock|acquiring the state lock/i);

    // The first deploy then goes ahead and completes.
    holder.stdin.end("yes\n");
    expect(await finished, held).toBe(0);
    const documents = (await claims(SMALL)).get("sei-documents");
    expect(storageOf(documents)).toBe("200Gi");

    // State intact: this checkout, brought up to date, plans nothing.
    editMunicipality(workspace, SMALL, ["spec", "overrides"], { documentsStorage: "200Gi" });
    await deployed(SMALL);
    const plan = await planExitCode(workspace, SMALL);
    expect(plan.code, plan.output).toBe(0);
  });

  it("6. refuses to destroy a data-bearing resource", async () => {
    const before = await claims(LARGER);
    const result = await destroy(workspace, LARGER);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("encountered a problem");
    // cdktf does not repeat Terraform's reason; the same plan, asked of Terraform directly, names it.
    const reason = await run(requireEnv("SEI_E2E_TERRAFORM"), ["plan", "-destroy", "-input=false", "-no-color"], {
      cwd: stackDir(workspace, LARGER),
    });
    expect(reason.code).toBe(1);
    // The refusal and what it protects, not one engine's wording: Terraform says "Instance cannot be
    // destroyed … Resource <address> has lifecycle.prevent_destroy set", OpenTofu "Resource instance
    // cannot be destroyed … Resource instance <address> has prevent_destroy set".
    const refused = engineRefusals(reason.output);
    for (const volume of ["DatabaseVolume", "DocumentStorage", "SolrVolume", "BackupVolume"]) {
      expect(refused).toContainEqual(
        expect.stringMatching(new RegExp(`^kubernetes_persistent_volume_claim_v1\\.${volume}_\\w+$`)),
      );
    }
    const after = await claims(LARGER);
    for (const [name, claim] of before) expect(after.get(name)?.metadata.uid, name).toBe(claim.metadata.uid);
    expect((await get("namespace", ns(LARGER))).metadata.uid).toBeTruthy();
  });
});

/** The hooks Helm stored with the latest release: the secret holds base64 of gzipped JSON. */
async function releaseHooks(namespace: string): Promise<{ kind: string; name: string; events: string[] }[]> {
  const secrets = (await list("secret", namespace)).filter((s) =>
    s.metadata.name.startsWith("sh.helm.release.v1.sei."),
  );
  const latest = secrets.sort(
    (a, b) => Number(b.metadata.name.split(".v").pop()) - Number(a.metadata.name.split(".v").pop()),
  )[0];
  const encoded = Buffer.from(latest!.data!.release!, "base64").toString();
  const release = JSON.parse(gunzipSync(Buffer.from(encoded, "base64")).toString()) as {
    hooks: { kind: string; name: string; events: string[] }[];
  };
  return release.hooks.map(({ kind, name, events }) => ({ kind, name, events }));
}

async function runOrThrow(command: string, args: string[], cwd: string): Promise<void> {
  const result = await run(command, args, { cwd });
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.output}`);
}
