/**
 * Regenerates providers.lock.hcl, the provider lock file every stack's
 * `init` checks (stacks/provider-lock.ts), with the engine's own
 * `providers lock`, for the provider versions a synthesized stack requires,
 * under both engines' registry addresses.
 *
 *   npx tsx scripts/providers-lock.ts                      # from the toolchain's mirror (scripts/e2e/toolchain.sh)
 *   npx tsx scripts/providers-lock.ts --fs-mirror DIR      # from another filesystem mirror (production's)
 *   npx tsx scripts/providers-lock.ts --net-mirror URL     # from a network mirror
 *   npx tsx scripts/providers-lock.ts --registry           # from the origin registries' signed checksums
 *   ... [--platform linux_amd64 ...] [--check]
 *
 * --check writes nothing and exits 1 when the checked-in file differs from
 * what the source gives (test/synth/provider-lock.test.ts runs it against the
 * toolchain's mirror). The engine is the one `sei-infra fleet` finds
 * (TERRAFORM_BINARY_NAME, tofu on PATH, the toolchain's build).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { findEngine } from "../fleet/engine.ts";
import { PROVIDER_LOCK_FILE } from "../stacks/provider-lock.ts";
import { REPO_ROOT } from "./lib/example-plan.ts";
import { generateLock, requiredProviders, type LockSource } from "./lib/write-provider-lock.ts";

const HEADER = `# The provider lock file of every stack (stacks/provider-lock.ts; docs/synth.md, "Provider lock file").
# Written by scripts/providers-lock.ts; regenerate it, never edit it.

`;

/** The toolchain's mirror: SEI_E2E_PROVIDER_MIRROR once its env.sh is sourced, else its place in the tools cache. */
function toolchainMirror(env: NodeJS.ProcessEnv): string {
  return (
    env.SEI_E2E_PROVIDER_MIRROR ||
    join(env.SEI_TOOLS_CACHE || join(homedir(), ".cache", "sei-infra"), "e2e", "providers")
  );
}

function main(): number {
  const { values } = parseArgs({
    options: {
      "fs-mirror": { type: "string" },
      "net-mirror": { type: "string" },
      registry: { type: "boolean", default: false },
      platform: { type: "string", multiple: true },
      check: { type: "boolean", default: false },
    },
    strict: true,
  });
  const given = [values["fs-mirror"], values["net-mirror"], values.registry || undefined].filter(Boolean);
  if (given.length > 1) throw new Error("give one of --fs-mirror, --net-mirror and --registry");
  const source: LockSource = values.registry
    ? "registry"
    : values["net-mirror"]
      ? { netMirror: values["net-mirror"] }
      : { fsMirror: values["fs-mirror"] ?? toolchainMirror(process.env) };
  const engine = findEngine(process.env, REPO_ROOT);
  const text =
    HEADER +
    generateLock(requiredProviders(), {
      engine: engine.path,
      source,
      ...(values.platform ? { platforms: values.platform } : {}),
    });
  const path = join(REPO_ROOT, PROVIDER_LOCK_FILE);
  if (values.check) {
    let current = "";
    try {
      current = readFileSync(path, "utf8");
    } catch {
      // a missing file differs
    }
    if (current === text) return 0;
    process.stderr.write(`${PROVIDER_LOCK_FILE} differs from what ${JSON.stringify(source)} gives:\n${text}`);
    return 1;
  }
  writeFileSync(path, text);
  process.stdout.write(`wrote ${PROVIDER_LOCK_FILE} (${engine.name} ${engine.version}, ${JSON.stringify(source)})\n`);
  return 0;
}

process.exitCode = main();
