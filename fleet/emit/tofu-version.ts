/**
 * The OpenTofu version the project pins: the default of scripts/e2e/toolchain.sh,
 * which builds the engine every test and local run uses. Read from the script,
 * so that the version is written in one place; a CI engine's setup step installs
 * the same release.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../shell/exit.ts";

export const TOOLCHAIN_SCRIPT = "scripts/e2e/toolchain.sh";

/** "1.12.6", from `TOFU_VERSION="${SEI_TOFU_VERSION:-v1.12.6}"`. */
export function pinnedTofuVersion(root: string): string {
  let script: string;
  try {
    script = readFileSync(join(root, TOOLCHAIN_SCRIPT), "utf8");
  } catch {
    throw new UsageError(`${TOOLCHAIN_SCRIPT}: cannot be read; it pins the OpenTofu version the pipeline installs`);
  }
  const version = /^TOFU_VERSION="\$\{SEI_TOFU_VERSION:-v(\d+\.\d+\.\d+)\}"$/m.exec(script)?.[1];
  if (!version) throw new UsageError(`${TOOLCHAIN_SCRIPT}: no TOFU_VERSION="\${SEI_TOFU_VERSION:-vX.Y.Z}" line`);
  return version;
}
