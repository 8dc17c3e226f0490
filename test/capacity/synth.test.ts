/**
 * The capacity report equals what deploys: for municipalities of several tiers
 * and phases, the figures the report prints are summed again, independently,
 * from the synthesized Terraform stack: the containers of the Kubernetes
 * resources Terraform creates (database StatefulSet, backup CronJob) and the
 * Helm values of the release (app, scheduler, updater hook, Solr, memcached,
 * JOD), plus the claims' storage and the namespace quota.
 *
 * How pods come and go, as the chart and the resources define them (each
 * checked below or in the chart's own tests): the app Deployment surges one
 * extra pod during a rolling update (maxSurge 1) and autoscales between the
 * HPA bounds; the scheduler runs one pod with the Recreate strategy; the
 * updater is a Helm hook Job (a pod only during an upgrade); the backup is a
 * CronJob (a pod only while it runs). Solr's init container asks what Solr
 * asks, so it adds nothing to the pod's request.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Figures } from "../../core/capacity/figures.ts";
import type { MunicipalityRow } from "../../core/capacity/capacity-report.ts";
import { loadFleet, planFleet } from "../../core/load-fleet.ts";
import type { InstancePlan } from "../../core/plan.ts";
import { parseBytes, parseCpuMillicores } from "../../core/quantity.ts";
import { workingTree } from "../../sources/working-tree.ts";
import { MunicipalityStack } from "../../stacks/municipality-stack.ts";
import { appInputs, type StackJson } from "../synth/support.ts";
import { podsOf, totalsOf } from "../synth/workloads.ts";
import { FixtureRepo, REPO_ROOT, official, type MunicipalityFixture } from "../../scripts/lib/fleet-repo.ts";
import { capacity, type ReportJson } from "./run.ts";

const CASES: readonly MunicipalityFixture[] = [
  { official: official("Acaiaca"), tier: "pequeno-i", sequence: 1 },
  { official: official("Abaeté"), tier: "pequeno-ii", sequence: 2 },
  { official: official("Alfenas"), tier: "medio", sequence: 3 },
  { official: official("Araguari"), tier: "grande", phase: "training", sequence: 4 },
  { official: official("Abadia dos Dourados"), tier: "pequeno-i", phase: "suspended", sequence: 5 },
  { official: official("Águas Formosas"), tier: "pequeno-i", phase: "decommissioned", sequence: 6 },
];

let repo: FixtureRepo;
let rows: Map<string, MunicipalityRow>;
let plans: Map<string, InstancePlan>;

beforeAll(() => {
  repo = new FixtureRepo();
  for (const m of CASES) repo.municipality(m);
  const report = capacity<ReportJson>(repo).json!.report;
  rows = new Map(report.municipalities.map((r) => [r.name, r]));
  plans = new Map(planFleet(loadFleet({ source: workingTree(repo.root) })).map((p) => [p.municipality.name, p]));
});

afterAll(() => repo.dispose());

type Json = Record<string, unknown>;

function synthesize(plan: InstancePlan): StackJson {
  const stack = new MunicipalityStack(Testing.app(), { plan, inputs: appInputs() });
  return JSON.parse(Testing.synth(stack)) as StackJson;
}

function only(resources: Record<string, Json> | undefined): Json[] {
  return Object.values(resources ?? {});
}

/** Compute requested by the synthesized stack, summed from its resources and Helm values (test/synth/workloads.ts). */
function tallyStack(json: StackJson): Pick<Figures, "requests" | "limits"> {
  const pods = podsOf(json);
  const [min, max] = [totalsOf(pods, "minCount"), totalsOf(pods, "maxCount")];
  return {
    requests: {
      atMinReplicas: { cpuMillicores: min.requestsCpu, memoryBytes: min.requestsMemory },
      atMaxReplicas: { cpuMillicores: max.requestsCpu, memoryBytes: max.requestsMemory },
    },
    limits: {
      atMinReplicas: { cpuMillicores: min.limitsCpu, memoryBytes: min.limitsMemory },
      atMaxReplicas: { cpuMillicores: max.limitsCpu, memoryBytes: max.limitsMemory },
    },
  };
}

describe("the capacity report against the synthesized stack", () => {
  it("relies on the chart facts the tally assumes", () => {
    const chart = (file: string) => readFileSync(join(REPO_ROOT, "charts/sei/templates", file), "utf8");
    expect(chart("deployment-app.yaml")).toMatch(/maxSurge: 1\b/);
    expect(chart("deployment-scheduler.yaml")).toMatch(/type: Recreate/);
    expect(chart("job-updater.yaml")).toMatch(/helm\.sh\/hook: pre-install,pre-upgrade/);
  });

  it.each(CASES.map((c) => [`${c.tier} ${c.phase ?? "production"}`, c] as const))(
    "%s: requests, limits and storage are what the stack deploys",
    (_label, m) => {
      const row = [...rows.values()].find((r) => r.displayName === m.official.name)!;
      const plan = plans.get(row.name)!;
      const json = synthesize(plan);
      const resources = json.resource ?? {};

      expect(row.figures).toMatchObject(tallyStack(json));

      const claims = new Map(
        (
          only(resources.kubernetes_persistent_volume_claim_v1) as {
            metadata: { name: string };
            spec: { resources: { requests: { storage: string } } };
          }[]
        ).map((c) => [c.metadata.name, parseBytes(c.spec.resources.requests.storage)]),
      );
      expect(claims.size).toBe(5);
      for (const kind of ["database", "documents", "solr", "backup", "temp"] as const) {
        expect(claims.get(plan.volumes[kind]?.claimName ?? "")).toBe(row.figures.storageBytes[kind]);
      }

      // The namespace quota reserves exactly the report's maximum.
      const [quota] = only(resources.kubernetes_resource_quota_v1) as { spec: { hard: Record<string, string> } }[];
      expect(parseCpuMillicores(quota!.spec.hard["requests.cpu"]!)).toBe(
        row.figures.requests.atMaxReplicas.cpuMillicores,
      );
      expect(parseBytes(quota!.spec.hard["requests.memory"]!)).toBe(row.figures.requests.atMaxReplicas.memoryBytes);
      expect(parseCpuMillicores(quota!.spec.hard["limits.cpu"]!)).toBe(row.figures.limits.atMaxReplicas.cpuMillicores);
      expect(parseBytes(quota!.spec.hard["limits.memory"]!)).toBe(row.figures.limits.atMaxReplicas.memoryBytes);
      expect(parseBytes(quota!.spec.hard["requests.storage"]!)).toBe(row.figures.storageBytes.total);
    },
  );
});
