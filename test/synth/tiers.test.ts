/**
 * For every tier, the stack of a production municipality: resources on every
 * container, a quota that holds everything at maximum replicas, data that
 * cannot be destroyed, identities a tier change cannot touch, and one
 * snapshot per tier.
 */
import { afterAll, describe, expect, it } from "vitest";
import { parseBytes, parseCpuMillicores } from "../../core/quantity.ts";
import { LOG_ROOM_BYTES } from "../../core/scratch.ts";
import { TIER_IDS, examplePlan } from "../../scripts/lib/example-plan.ts";
import { cleanScratch, onlyResource, portable, resourcesOf, synthStack } from "./support.ts";
import { DATA_BEARING_TYPES } from "../../fleet/classify.ts";
import { PROTECTED_TYPES, dataBearing, podsOf, totalsOf } from "./workloads.ts";

afterAll(cleanScratch);

const stacks = new Map(TIER_IDS.map((tier) => [tier, synthStack(examplePlan({ tier, phase: "production" }))]));
const one = <T>(block: T | T[]): T => (Array.isArray(block) ? block[0]! : block);

describe.each(TIER_IDS)("tier %s in production", (tier) => {
  const { json, text, stack } = stacks.get(tier)!;
  const plan = stack.plan;

  it("matches its snapshot", () => {
    expect(portable(text)).toMatchSnapshot();
  });

  it("passes cdktf's construct validations, which the app skips for speed", () => {
    expect(() => stack.runAllValidations()).not.toThrow();
  });

  it("gives every container requests and limits for CPU, memory and ephemeral storage", () => {
    const containers = podsOf(json).flatMap((pod) =>
      [...pod.containers, ...pod.initContainers].map((c) => ({ where: `${pod.source}/${c.name}`, r: c.resources })),
    );
    expect(containers.length).toBeGreaterThanOrEqual(8);
    const all = { cpu: expect.any(String), memory: expect.any(String), ephemeralStorage: expect.any(String) };
    for (const { where, r } of containers) {
      expect({ where, ...r?.requests }).toEqual({ where, ...all });
      expect({ where, ...r?.limits }).toEqual({ where, ...all });
    }
  });

  it("gives every emptyDir of the pods Terraform makes a sizeLimit that, with the logs, fits the pod's ephemeral-storage limit", () => {
    const terraformPods = podsOf(json).filter((pod) => !pod.source.startsWith("chart"));
    expect(terraformPods.map((pod) => pod.source)).toEqual([
      expect.stringMatching(/^StatefulSet /),
      expect.stringMatching(/^CronJob /),
    ]);
    for (const pod of terraformPods) {
      expect(pod.emptyDirs.length, pod.source).toBeGreaterThan(0);
      for (const dir of pod.emptyDirs)
        expect(dir.sizeLimit, `${pod.source}: emptyDir ${dir.name}`).toMatch(/^[1-9][0-9]*(Mi|Gi)$/);
      const onDisk = pod.emptyDirs
        .filter((d) => d.medium !== "Memory")
        .reduce((sum, d) => sum + parseBytes(d.sizeLimit!), 0);
      const limit = pod.containers.reduce((sum, c) => sum + parseBytes(c.resources!.limits!.ephemeralStorage!), 0);
      expect(onDisk + LOG_ROOM_BYTES * pod.containers.length, pod.source).toBeLessThanOrEqual(limit);
    }
  });

  it("has a ResourceQuota covering every pod at its maximum count, and room for every claim", () => {
    const hard = one(
      onlyResource(json, "kubernetes_resource_quota_v1").spec as { hard: Record<string, string> }[],
    ).hard;
    const totals = totalsOf(podsOf(json));
    expect(totals.requestsCpu).toBeGreaterThan(0);
    expect(parseCpuMillicores(hard["requests.cpu"]!)).toBeGreaterThanOrEqual(totals.requestsCpu);
    expect(parseBytes(hard["requests.memory"]!)).toBeGreaterThanOrEqual(totals.requestsMemory);
    expect(parseCpuMillicores(hard["limits.cpu"]!)).toBeGreaterThanOrEqual(totals.limitsCpu);
    expect(parseBytes(hard["limits.memory"]!)).toBeGreaterThanOrEqual(totals.limitsMemory);
    expect(totals.requestsEphemeral).toBeGreaterThan(0);
    expect(parseBytes(hard["requests.ephemeral-storage"]!)).toBeGreaterThanOrEqual(totals.requestsEphemeral);
    expect(parseBytes(hard["limits.ephemeral-storage"]!)).toBeGreaterThanOrEqual(totals.limitsEphemeral);
    expect(Number(hard.pods)).toBeGreaterThanOrEqual(totals.pods);

    const claims = Object.values(resourcesOf(json, "kubernetes_persistent_volume_claim_v1"));
    const storage = claims.reduce((sum, c) => {
      const spec = one(c.spec as { resources: { requests: { storage: string } } }[]);
      return sum + parseBytes(one(spec.resources).requests.storage);
    }, 0);
    expect(Number(hard.persistentvolumeclaims)).toBeGreaterThanOrEqual(claims.length);
    expect(parseBytes(hard["requests.storage"]!)).toBeGreaterThanOrEqual(storage);
  });

  it("keeps every container within the LimitRange maximum", () => {
    const limit = one(
      one(onlyResource(json, "kubernetes_limit_range_v1").spec as { limit: { max: Record<string, string> }[] }[]).limit,
    );
    // A component the tier switches off (JOD in the small tiers) runs no pod and may exceed it.
    for (const pod of podsOf(json).filter((p) => p.maxCount > 0)) {
      for (const c of [...pod.containers, ...pod.initContainers]) {
        expect(parseCpuMillicores(c.resources!.limits!.cpu!), `${pod.source}/${c.name}`).toBeLessThanOrEqual(
          parseCpuMillicores(limit.max.cpu!),
        );
        expect(parseBytes(c.resources!.limits!.memory!), `${pod.source}/${c.name}`).toBeLessThanOrEqual(
          parseBytes(limit.max.memory!),
        );
        expect(parseBytes(c.resources!.limits!.ephemeralStorage!), `${pod.source}/${c.name}`).toBeLessThanOrEqual(
          parseBytes(limit.max["ephemeral-storage"]!),
        );
      }
    }
  });

  it("protects every data-bearing resource and every generated credential with prevent_destroy", () => {
    const data = dataBearing(json);
    const kinds = data.map((d) => d.identity.type);
    // Database, documents, Solr, backups, and SEI's shared temp folder (scratch, protected all the same:
    // stacks/municipality-stack.ts says why).
    expect(kinds.filter((k) => k === "kubernetes_persistent_volume_claim_v1")).toHaveLength(5);
    expect(kinds).toContain("kubernetes_namespace_v1");
    expect(
      data
        .filter((d) => d.identity.type === "kubernetes_secret_v1")
        .map((d) => d.identity.name)
        .sort(),
    ).toEqual([plan.secrets.app, plan.secrets.database, plan.secrets.directory].sort());
    // Database root, sei, sip and backup; SEI and SIP access keys; the Solr password.
    expect(kinds.filter((k) => k === "random_password")).toHaveLength(7);
    for (const { identity, resource } of data) {
      expect({ ...identity, lifecycle: resource.lifecycle }).toMatchObject({ lifecycle: { prevent_destroy: true } });
    }
  });

  it("protects with prevent_destroy what the fleet refuses to delete, but the database StatefulSet", () => {
    const guarded = Object.keys(json.resource ?? {}).filter((type) => DATA_BEARING_TYPES.includes(type));
    expect(guarded.filter((type) => !PROTECTED_TYPES.includes(type))).toEqual(["kubernetes_stateful_set_v1"]);
    expect(PROTECTED_TYPES.filter((type) => !DATA_BEARING_TYPES.includes(type))).toEqual([]);
  });
});

describe("a tier change of one municipality", () => {
  const identities = (tier: (typeof TIER_IDS)[number]) => {
    const { json } = stacks.get(tier)!;
    return dataBearing(json).map((d) => d.identity);
  };
  const addresses = (tier: (typeof TIER_IDS)[number]) =>
    Object.entries(stacks.get(tier)!.json.resource ?? {})
      .flatMap(([type, rs]) => Object.keys(rs).map((a) => `${type}.${a}`))
      .sort();

  it.each(TIER_IDS.slice(1).map((to, i) => [TIER_IDS[i]!, to] as const))(
    "%s → %s keeps type, address and name of every data-bearing resource",
    (from, to) => {
      expect(identities(to)).toEqual(identities(from));
    },
  );

  it("changes no Terraform address at all, only sizes", () => {
    for (const tier of TIER_IDS) expect(addresses(tier)).toEqual(addresses("pequeno-i"));
    const claimSizes = TIER_IDS.map((tier) =>
      Object.values(resourcesOf(stacks.get(tier)!.json, "kubernetes_persistent_volume_claim_v1")).map((c) =>
        JSON.stringify(c.spec),
      ),
    );
    expect(new Set(claimSizes.map((s) => s.join())).size).toBeGreaterThan(1);
  });
});
