/** The plan stream's moves: a `planned_change` with action move keeps the former address, so fleet applies it. */
import { describe, expect, it } from "vitest";
import { hasChanges } from "../../fleet/classify.ts";
import { planFromStream } from "../../fleet/plan-stream.ts";

const line = (message: object) => JSON.stringify(message);

describe("planFromStream", () => {
  it("a move alone is a change of the state, with its former address", () => {
    const stream = [
      line({
        type: "planned_change",
        change: {
          resource: {
            addr: "random_password.ApplicationKeys_seiAccessKey_1ECC51DB",
            resource: "random_password.ApplicationKeys_seiAccessKey_1ECC51DB",
            resource_type: "random_password",
          },
          previous_resource: { addr: "random_password.Database_AppSecrets_seiAccessKey_A65CFC08" },
          action: "move",
        },
      }),
      line({ type: "change_summary", changes: { add: 0, change: 0, remove: 0 } }),
    ].join("\n");
    const plan = planFromStream(stream)!;
    expect(plan.resource_changes![0]!.previous_address).toBe(
      "random_password.Database_AppSecrets_seiAccessKey_A65CFC08",
    );
    expect(hasChanges(plan)).toBe(true);
  });
});
