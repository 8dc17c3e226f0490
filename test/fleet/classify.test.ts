/**
 * The classifier on plans recorded from real runs of OpenTofu and Terraform
 * against the local cluster (test/fleet/fixtures/record-plans.ts; each plan
 * reduced to addresses, types and actions, with the engine's own "Plan: …"
 * line beside it).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  classifyDrift,
  countChanges,
  dataBearingDeletes,
  driftedAddresses,
  engineRefusals,
  errorSummaries,
  hasChanges,
  parsePlanJson,
  type PlanJson,
} from "../../fleet/classify.ts";

const ENGINES = ["opentofu", "terraform"] as const;
const dir = join(import.meta.dirname, "fixtures", "plans");

type Recorded = PlanJson & { _recorded: { engine: string; command: string; planLine: string } };
const plan = (engine: string, name: string) =>
  parsePlanJson(readFileSync(join(dir, `${engine}-${name}.json`), "utf8")) as Recorded;

const NAMESPACE = "kubernetes_namespace_v1.Tenancy_DCCC82F6";
const QUOTA = "kubernetes_resource_quota_v1.Tenancy_Quota_929FAC5C";

describe.each(ENGINES)("plans recorded from %s", (engine) => {
  it.each(["create", "no-changes", "drift", "pending", "replace-database"])(
    "%s: counts as the engine's own Plan line",
    (name) => {
      const p = plan(engine, name);
      const line = /^Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\.$/.exec(p._recorded.planLine);
      const expected = line
        ? { add: Number(line[1]), change: Number(line[2]), destroy: Number(line[3]) }
        : { add: 0, change: 0, destroy: 0 };
      if (!line) expect(p._recorded.planLine).toMatch(/^No changes\./);
      expect(countChanges(p)).toEqual(expected);
      expect(hasChanges(p)).toBe(line !== null);
    },
  );

  it("a first plan creates everything and deletes nothing", () => {
    const p = plan(engine, "create");
    expect(countChanges(p).add).toBeGreaterThanOrEqual(30);
    expect(dataBearingDeletes(p)).toEqual([]);
    expect(classifyDrift(p)).toEqual({ state: "pending", counts: countChanges(p) });
  });

  it("no change: in sync", () => {
    expect(classifyDrift(plan(engine, "no-changes"))).toEqual({ state: "in-sync" });
  });

  it("a move (a moved block) is a change of the state: applied, counted as nothing added, changed or destroyed", () => {
    const p = plan(engine, "no-changes");
    const secret = p.resource_changes!.find((c) => c.type === "kubernetes_secret_v1")!;
    // The JSON plan of a moved resource: its new address, the former one, and no action on the object.
    const moved: PlanJson = {
      ...p,
      resource_changes: p.resource_changes!.map((c) =>
        c === secret ? { ...c, previous_address: `${secret.type}.Former_0A1B2C3D` } : c,
      ),
    };
    expect(hasChanges(p)).toBe(false);
    expect(hasChanges(moved)).toBe(true);
    expect(countChanges(moved)).toEqual({ add: 0, change: 0, destroy: 0 });
    expect(classifyDrift(moved)).toEqual({ state: "pending", counts: { add: 0, change: 0, destroy: 0 } });
  });

  it("a label of the namespace and a quota changed with kubectl: exactly those two addresses drifted", () => {
    expect(classifyDrift(plan(engine, "drift"))).toEqual({ state: "drifted", addresses: [NAMESPACE, QUOTA] });
  });

  it("a tier change not yet applied: pending, not drifted", () => {
    const p = plan(engine, "pending");
    expect(driftedAddresses(p)).toEqual([]);
    expect(classifyDrift(p)).toMatchObject({ state: "pending", counts: { add: 0, destroy: 0 } });
    expect(dataBearingDeletes(p)).toEqual([]);
  });

  it("a plan that replaces the database StatefulSet is caught before apply", () => {
    const p = plan(engine, "replace-database");
    expect(dataBearingDeletes(p)).toEqual(["kubernetes_stateful_set_v1.Database_B269D8BB"]);
    expect(countChanges(p)).toMatchObject({ add: 1, destroy: 1 });
  });

  it("a refresh-only plan sees the drift but never says what the configuration would change", () => {
    // Why drift is read from a normal plan: resource_changes is empty after a refresh-only plan,
    // with drift (the kubectl changes) and with a pending tier change alike.
    expect(plan(engine, "refresh-only-drift").resource_drift?.map((c) => c.address)).toEqual(
      expect.arrayContaining([NAMESPACE, QUOTA]),
    );
    for (const name of ["refresh-only-drift", "refresh-only-pending", "refresh-only-no-changes"]) {
      expect(
        (plan(engine, name).resource_changes ?? []).filter((c) => c.change.actions.some((a) => a !== "no-op")),
        name,
      ).toEqual([]);
    }
  });

  it("a destroy refused by prevent_destroy: the protected addresses, whatever the wording", () => {
    const log = readFileSync(join(dir, `${engine}-prevent-destroy.txt`), "utf8");
    expect(engineRefusals(log)).toEqual([
      "kubernetes_persistent_volume_claim_v1.BackupVolume_02342868",
      "kubernetes_persistent_volume_claim_v1.DatabaseVolume_836E2818",
      "kubernetes_persistent_volume_claim_v1.DocumentStorage_21AA9D86",
      "kubernetes_persistent_volume_claim_v1.SolrVolume_A8519693",
      "kubernetes_secret_v1.Database_Credentials_24F58BE6",
    ]);
    expect(errorSummaries(log)).toEqual([
      engine === "opentofu" ? "Resource instance cannot be destroyed" : "Instance cannot be destroyed",
    ]);
  });
});

describe("drift noise", () => {
  it.each(ENGINES)(
    "%s: resource_drift lists objects nobody changed; the classifier keeps to what the plan sets back",
    (engine) => {
      // After a first apply, a refresh rewrites attributes of almost every object of the stack.
      const p = plan(engine, "drift");
      expect(p.resource_drift!.length).toBeGreaterThan(10);
      expect(driftedAddresses(p)).toEqual([NAMESPACE, QUOTA]);
    },
  );
});

describe("reading show -json", () => {
  it("refuses what is not a JSON plan of format 1.x", () => {
    expect(() => parsePlanJson('{"hello": 1}')).toThrow("no format_version");
    expect(() => parsePlanJson('{"format_version": "2.0"}')).toThrow("plan format 2.0");
    expect(() => parsePlanJson("Error: x")).toThrow();
  });
});
