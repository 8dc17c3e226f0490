/**
 * The lifecycle (docs/architecture.md, "Lifecycle phases") as the stacks see it: production adds
 * backups; suspended runs nothing and keeps every object; decommissioned
 * drops the release and keeps the data. No phase changes the address of a
 * data-bearing resource.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Phase } from "../../core/schema/municipality.ts";
import { examplePlan } from "../../scripts/lib/example-plan.ts";
import { cleanScratch, resourcesOf, synthStack, type StackJson } from "./support.ts";
import { dataBearing, podsOf, releaseValues } from "./workloads.ts";

afterAll(cleanScratch);

const phases: Phase[] = ["provisioning", "training", "production", "suspended", "decommissioned"];
const stacks = new Map(phases.map((phase) => [phase, synthStack(examplePlan({ tier: "grande", phase }))]));
const json = (phase: Phase): StackJson => stacks.get(phase)!.json;
const addresses = (j: StackJson) =>
  Object.entries(j.resource ?? {}).flatMap(([type, rs]) => Object.keys(rs).map((a) => `${type}.${a}`));
const identities = (phase: Phase) => dataBearing(json(phase)).map((d) => d.identity);

describe("every formalized phase", () => {
  it.each(phases)("%s keeps the same data-bearing resources, under the same addresses", (phase) => {
    expect(identities(phase)).toEqual(identities("production"));
    // Five claims (SEI's shared temp folder among them), the namespace, two generated Secrets and their
    // seven passwords, and the copy of the directory's bind account.
    expect(identities(phase)).toHaveLength(5 + 1 + 2 + 7 + 1);
  });
});

describe("production", () => {
  it("backs up, and runs the tier's replicas", () => {
    expect(Object.keys(resourcesOf(json("production"), "kubernetes_cron_job_v1"))).toHaveLength(1);
    expect(releaseValues(json("production"))!.app.autoscaling.enabled).toBe(true);
  });
});

describe.each(["provisioning", "training"] as const)("%s", (phase) => {
  it("runs one app replica and no backup yet", () => {
    expect(resourcesOf(json(phase), "kubernetes_cron_job_v1")).toEqual({});
    const values = releaseValues(json(phase))!;
    expect(values.app.replicas).toBe(1);
    expect(values.app.autoscaling.enabled).toBe(false);
  });
});

describe("suspended", () => {
  it("runs zero replicas of everything", () => {
    const pods = podsOf(json("suspended"));
    expect(pods.filter((p) => p.source.startsWith("StatefulSet ")).length).toBe(1);
    expect(pods.filter((p) => p.source.startsWith("chart ")).length).toBe(6);
    for (const pod of pods) expect({ pod: pod.source, count: pod.maxCount }).toEqual({ pod: pod.source, count: 0 });
    const values = releaseValues(json("suspended"))!;
    expect(values.app.autoscaling.enabled).toBe(false);
    expect(values.app.podDisruptionBudget.enabled).toBe(false);
  });

  it("keeps every object but the backup job: release, database, Secrets, claims, policies", () => {
    const production = addresses(json("production")).filter((a) => !a.includes("Database_Backup_"));
    expect(addresses(json("suspended")).sort()).toEqual(production.sort());
  });
});

describe("decommissioned", () => {
  it("removes the release and keeps everything that holds data", () => {
    expect(resourcesOf(json("decommissioned"), "helm_release")).toEqual({});
    const kept = addresses(json("decommissioned"));
    const expected = addresses(json("suspended")).filter((a) => !a.startsWith("helm_release."));
    expect(kept.sort()).toEqual(expected.sort());
    for (const pod of podsOf(json("decommissioned"))) expect(pod.maxCount).toBe(0);
  });
});
