/**
 * The Terraform engine the fleet commands run: OpenTofu by default, Terraform
 * when TERRAFORM_BINARY_NAME says so (the variable cdktf itself honours).
 *
 *   TERRAFORM_BINARY_NAME=terraform    a name looked up on PATH, or a path
 *   (unset)                            `tofu` on PATH, else the OpenTofu that
 *                                      scripts/e2e/toolchain.sh builds into the
 *                                      tools cache (SEI_TOOLS_CACHE/e2e/bin/tofu)
 *
 * OpenTofu must be 1.10 or later: earlier versions take one database-wide
 * lock while the pg backend creates a state, so parallel first deploys fail
 * (terraform #33217; OpenTofu locks per schema since 1.10, opentofu #2218).
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { UsageError } from "../shell/exit.ts";

/** The engines fleet runs: OpenTofu (the default), or Terraform where TERRAFORM_BINARY_NAME names it. */
export const ENGINE_NAMES = ["opentofu", "terraform"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export interface Engine {
  readonly name: EngineName;
  readonly version: string;
  /** Absolute path of the program. */
  readonly path: string;
}

export const MIN_OPENTOFU = [1, 10] as const;

/** Where scripts/e2e/toolchain.sh leaves its OpenTofu build. */
export function cachedTofu(env: NodeJS.ProcessEnv): string {
  return join(env.SEI_TOOLS_CACHE || join(homedir(), ".cache", "sei-infra"), "e2e", "bin", "tofu");
}

/** Finds the engine and asks it its name and version; throws UsageError with what to do when there is none. */
export function findEngine(env: NodeJS.ProcessEnv, cwd: string): Engine {
  const wanted = env.TERRAFORM_BINARY_NAME?.trim();
  let path: string | undefined;
  if (wanted) {
    path = wanted.includes("/") ? resolve(cwd, wanted) : onPath(wanted, env.PATH);
    if (!path || !isExecutable(path)) {
      throw new UsageError(`TERRAFORM_BINARY_NAME=${wanted}: no such program${wanted.includes("/") ? "" : " on PATH"}`);
    }
  } else {
    path = onPath("tofu", env.PATH) ?? (isExecutable(cachedTofu(env)) ? cachedTofu(env) : undefined);
    if (!path) {
      throw new UsageError(
        `no engine: OpenTofu (tofu) is not on PATH nor in ${cachedTofu(env)}. ` +
          "Build it with scripts/e2e/toolchain.sh or install OpenTofu >= 1.10, or set TERRAFORM_BINARY_NAME=terraform to use Terraform",
      );
    }
  }
  return { ...identify(path), path };
}

function identify(path: string): Omit<Engine, "path"> {
  const result = spawnSync(path, ["version"], {
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
    timeout: 30_000,
  });
  const match = /^(OpenTofu|Terraform) v(\d+\.\d+\.\d+\S*)/m.exec(result.stdout ?? "");
  if (!match)
    throw new UsageError(
      `${path} version: not OpenTofu or Terraform (${(result.stderr || result.stdout || String(result.error)).trim()})`,
    );
  const name = match[1] === "OpenTofu" ? "opentofu" : "terraform";
  const version = match[2]!;
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (name === "opentofu" && (major < MIN_OPENTOFU[0] || (major === MIN_OPENTOFU[0] && minor < MIN_OPENTOFU[1]))) {
    throw new UsageError(
      `${path} is OpenTofu ${version}; the fleet commands need ${MIN_OPENTOFU.join(".")} or later (per-schema pg locks)`,
    );
  }
  return { name, version };
}

function onPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? "").split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function engineLabel(engine: Pick<Engine, "name" | "version"> | null): string {
  if (!engine) return "engine unknown (no stack reported)";
  return `${engine.name === "opentofu" ? "OpenTofu" : "Terraform"} ${engine.version}`;
}
