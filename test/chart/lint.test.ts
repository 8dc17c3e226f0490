/** `helm lint --strict` of charts/sei with each tier's ci values and with its own defaults. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TIER_IDS } from "../../scripts/lib/example-plan.ts";
import { CHART_DIR, helmLint } from "./support.ts";

describe("helm lint --strict", () => {
  it.each(TIER_IDS)("passes with ci/%s-values.yaml", async (tier) => {
    const out = await helmLint(join(CHART_DIR, "ci", `${tier}-values.yaml`));
    expect(out).toContain("0 chart(s) failed");
    expect(out).not.toMatch(/\[(WARNING|ERROR)\]/);
  });

  it("passes with values.yaml alone", async () => {
    const out = await helmLint(join(CHART_DIR, "values.yaml"));
    expect(out).toContain("0 chart(s) failed");
    expect(out).not.toMatch(/\[(WARNING|ERROR)\]/);
  });
});
