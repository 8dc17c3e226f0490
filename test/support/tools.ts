/**
 * Tests that need a tool npm does not install. CI (.ci/run sets CI) builds
 * OpenTofu and the provider mirror before `npm test`, so there a missing one
 * is a broken build and its tests fail; anywhere else, and for a tool CI does
 * not build (Terraform), they skip and say why instead of vanishing.
 */
import type { TestContext } from "vitest";

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
