/**
 * Tests that need a tool npm does not install. CI (.ci/run sets CI) builds
 * OpenTofu and the provider mirror before `npm test`, so there a missing one
 * is a broken build and its tests fail; anywhere else, and for a tool CI does
 * not build (Terraform), they skip and say why instead of vanishing.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "vitest";
import { cachedTofu } from "../../fleet/engine.ts";

/** CI is set to anything but an empty string, 0 or false. */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return !["", "0", "false"].includes((env.CI ?? "").trim().toLowerCase());
}

/**
 * The first test of a block that needs tools: fails under CI when a tool CI
 * builds is missing, else skips with `why` when any is missing.
 */
export function requireTools(
  ctx: TestContext,
  missing: readonly string[],
  how: { builtByCi: boolean; why: string },
): void {
  ctx.skip(missing.length > 0 && !(how.builtByCi && inCi()), `missing ${missing.join(" and ")}: ${how.why}`);
  if (missing.length > 0) throw new Error(`CI builds ${missing.join(" and ")}, and it is missing: ${how.why}`);
}

/** The tools cache of scripts/tools and scripts/e2e/toolchain.sh. */
function toolsCache(env: NodeJS.ProcessEnv): string {
  return env.SEI_TOOLS_CACHE || join(homedir(), ".cache", "sei-infra");
}

/**
 * OpenTofu (the toolchain's build, else on PATH) and the toolchain's provider
 * mirror, as the engine tests use them; `missing` names what is not there.
 */
export function toolchainEngine(env: NodeJS.ProcessEnv = process.env): {
  tofu: string | undefined;
  mirror: string | undefined;
  missing: string[];
} {
  const works = (program: string) => spawnSync(program, ["version"], { encoding: "utf8" }).status === 0;
  const tofu = [cachedTofu(env), "tofu"].find(works);
  const mirror = [env.SEI_E2E_PROVIDER_MIRROR, join(toolsCache(env), "e2e", "providers")].find(
    (dir) => dir !== undefined && existsSync(join(dir, "registry.opentofu.org")),
  );
  const missing = [...(tofu ? [] : ["OpenTofu"]), ...(mirror ? [] : ["the toolchain's provider mirror"])];
  return { tofu, mirror, missing };
}
