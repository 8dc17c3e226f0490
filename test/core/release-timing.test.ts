/**
 * The updater's deadline ends inside the release timeout, so Helm never stops
 * waiting for a Job that still migrates, and the next deploy only ever replaces
 * a finished Job; the platform schema refuses a timeout that leaves no room.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  HOOK_MARGIN_SECONDS,
  MIN_RELEASE_TIMEOUT_SECONDS,
  MIN_UPDATER_SECONDS,
  hookDeadlineSeconds,
} from "../../core/release-timing.ts";
import { planInstance } from "../../core/resolve/instance.ts";
import { platformSchema, type Platform } from "../../core/schema/platform.ts";
import { loadFleet } from "../../core/fleet.ts";
import { REPO_ROOT, exampleMunicipality } from "../../scripts/lib/example-plan.ts";
import { workingTree } from "../../sources/working-tree.ts";

const fleet = loadFleet({ source: workingTree(REPO_ROOT) });

describe("hook deadlines under the release timeout", () => {
  it.each([MIN_RELEASE_TIMEOUT_SECONDS, 900, 7200])(
    "release timeout %i s: the updater's deadline ends first",
    (timeoutSeconds) => {
      const loaded = fleet.platform!;
      const platform: Platform = {
        ...loaded,
        spec: { ...loaded.spec, deploy: { waitForWorkloads: true, timeoutSeconds } },
      };
      const plan = planInstance({
        municipality: exampleMunicipality({ tier: "medio", phase: "production" }),
        tier: fleet.tiers.get("medio")!,
        platform,
        sourceFile: "test",
      });
      const updater = plan.release!.values.updater.activeDeadlineSeconds;
      expect(plan.release!.timeoutSeconds).toBe(timeoutSeconds);
      expect(updater).toBe(hookDeadlineSeconds(timeoutSeconds));
      expect(timeoutSeconds - updater).toBe(HOOK_MARGIN_SECONDS);
      expect(updater).toBeGreaterThanOrEqual(MIN_UPDATER_SECONDS);
    },
  );

  it("refuses a release timeout that leaves the updater less than its minimum", () => {
    const raw = parse(readFileSync(join(REPO_ROOT, "platform.yaml"), "utf8")) as { spec: Record<string, unknown> };
    const deploy = (timeoutSeconds: number) =>
      platformSchema.safeParse({ ...raw, spec: { ...raw.spec, deploy: { waitForWorkloads: true, timeoutSeconds } } });
    expect(deploy(MIN_RELEASE_TIMEOUT_SECONDS).success).toBe(true);
    const refused = deploy(MIN_RELEASE_TIMEOUT_SECONDS - 1);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe(
      `must be at least ${MIN_RELEASE_TIMEOUT_SECONDS}: Helm waits this long for each hook Job, the updater's deadline is ${HOOK_MARGIN_SECONDS} s shorter, and it needs at least ${MIN_UPDATER_SECONDS} s`,
    );
  });
});
