/**
 * The updater's deadline is the tier's (an hour by default), and the release
 * timeout grows to end after it, so Helm never stops waiting for a Job that
 * still migrates, and the next deploy only ever replaces a finished Job; the
 * platform schema refuses a timeout that leaves no room.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  DEFAULT_UPDATER_DEADLINE_SECONDS,
  HOOK_MARGIN_SECONDS,
  MIN_RELEASE_TIMEOUT_SECONDS,
  MIN_UPDATER_SECONDS,
  hookDeadlineSeconds,
} from "../../core/release-timing.ts";
import { planInstance } from "../../core/resolve/instance.ts";
import { platformSchema, type Platform } from "../../core/schema/platform.ts";
import { tierSchema } from "../../core/schema/tier.ts";
import { loadFleet } from "../../core/load-fleet.ts";
import { REPO_ROOT, exampleMunicipality } from "../../scripts/lib/example-plan.ts";
import { workingTree } from "../../sources/working-tree.ts";

const fleet = loadFleet({ source: workingTree(REPO_ROOT) });

describe("hook deadlines under the release timeout", () => {
  const planWith = (timeoutSeconds: number, deadlineSeconds?: number) => {
    const loaded = fleet.platform!;
    const platform: Platform = {
      ...loaded,
      spec: { ...loaded.spec, deploy: { waitForWorkloads: true, timeoutSeconds } },
    };
    const medio = fleet.tiers.get("medio")!;
    const tier = deadlineSeconds
      ? { ...medio, spec: { ...medio.spec, updater: { ...medio.spec.updater, deadlineSeconds } } }
      : medio;
    return planInstance({
      municipality: exampleMunicipality({ tier: "medio", phase: "production" }),
      tier,
      platform,
      sourceFile: "test",
    });
  };

  it.each([MIN_RELEASE_TIMEOUT_SECONDS, 900, 7200, 20000])(
    "release timeout %i s: the updater gets its tier's deadline, and Helm waits past it and past the bootstrap's",
    (timeoutSeconds) => {
      const plan = planWith(timeoutSeconds);
      const deadline = fleet.tiers.get("medio")!.spec.updater.deadlineSeconds;
      const { updater, bootstrap } = plan.release!.values;
      expect(updater.activeDeadlineSeconds).toBe(deadline);
      expect(plan.release!.timeoutSeconds).toBe(Math.max(timeoutSeconds, deadline + HOOK_MARGIN_SECONDS));
      expect(plan.release!.timeoutSeconds - updater.activeDeadlineSeconds).toBeGreaterThanOrEqual(HOOK_MARGIN_SECONDS);
      expect(bootstrap.activeDeadlineSeconds).toBe(hookDeadlineSeconds(plan.release!.timeoutSeconds));
      expect(updater.activeDeadlineSeconds).toBeGreaterThanOrEqual(MIN_UPDATER_SECONDS);
    },
  );

  it("gives the updater an hour where the tier says nothing, the tier's deadline where it does", () => {
    const raw = parse(readFileSync(join(REPO_ROOT, "tiers/medio.yaml"), "utf8")) as {
      spec: { updater: Record<string, unknown> };
    };
    delete raw.spec.updater.deadlineSeconds;
    expect(tierSchema.parse(raw).spec.updater.deadlineSeconds).toBe(DEFAULT_UPDATER_DEADLINE_SECONDS);
    expect(DEFAULT_UPDATER_DEADLINE_SECONDS).toBe(3600);
    const long = planWith(900, 5 * 3600);
    expect(long.release!.values.updater.activeDeadlineSeconds).toBe(5 * 3600);
    expect(long.release!.timeoutSeconds).toBe(5 * 3600 + HOOK_MARGIN_SECONDS);
    const refused = tierSchema.safeParse({
      ...raw,
      spec: { ...raw.spec, updater: { ...raw.spec.updater, deadlineSeconds: MIN_UPDATER_SECONDS - 1 } },
    });
    expect(refused.success).toBe(false);
  });

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
