/**
 * Writing providers.lock.hcl (stacks/provider-lock.ts): the providers and
 * versions a real synthesized stack requires, locked under both engines'
 * registry addresses by the engine's own `providers lock`, from a filesystem
 * mirror, a network mirror or the origin registries.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Testing } from "cdktf";
import { buildFleetApp } from "../../stacks/fleet-app.ts";
import { packageChart } from "../../stacks/chart-package.ts";
import { REPO_ROOT, examplePlan } from "./example-plan.ts";

/** The registry hosts the two engines read `hashicorp/x` as. */
export const REGISTRY_HOSTS = ["registry.opentofu.org", "registry.terraform.io"] as const;

export interface RequiredProvider {
  /** namespace/type (`hashicorp/kubernetes`; cdktf writes a bare `kubernetes` for that, as the engines read it) */
  readonly source: string;
  readonly version: string;
}

/** required_providers of a municipality stack, synthesized as the app does (no lock file is needed for it). */
export function requiredProviders(): RequiredProvider[] {
  const plan = examplePlan({ tier: "medio" });
  const chartPath = plan.release!.chartPath;
  const outdir = mkdtempSync(join(tmpdir(), "sei-provider-lock-"));
  try {
    const inputs = {
      rootFromStack: ".",
      charts: new Map([[chartPath, packageChart(resolve(REPO_ROOT, chartPath))]]),
      providerLock: "",
    };
    const stack = buildFleetApp([plan], { inputs, outdir }).stacks[0]!;
    stack.prepareStack();
    const json = JSON.parse(Testing.synth(stack)) as {
      terraform: { required_providers: Record<string, RequiredProvider> };
    };
    return Object.values(json.terraform.required_providers)
      .map(({ source, version }) => ({ source: source.includes("/") ? source : `hashicorp/${source}`, version }))
      .sort((a, b) => a.source.localeCompare(b.source));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Where `providers lock` finds the packages. */
export type LockSource = { fsMirror: string } | { netMirror: string } | "registry";

export interface LockOptions {
  /** The engine program (OpenTofu or Terraform: either writes both hosts' entries). */
  readonly engine: string;
  readonly source: LockSource;
  /** @default ["linux_amd64"] */
  readonly platforms?: readonly string[];
}

/** The lock file text for these providers under both hosts; throws with the engine's output when it fails. */
export function generateLock(providers: readonly RequiredProvider[], options: LockOptions): string {
  const dir = mkdtempSync(join(tmpdir(), "sei-provider-lock-"));
  try {
    const required = Object.fromEntries(
      REGISTRY_HOSTS.flatMap((host, i) =>
        providers.map((p) => [`${p.source.split("/")[1]}-${i}`, { source: `${host}/${p.source}`, version: p.version }]),
      ),
    );
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: required } }));
    const { source } = options;
    const from =
      source === "registry"
        ? []
        : "fsMirror" in source
          ? [`-fs-mirror=${resolve(source.fsMirror)}`]
          : [`-net-mirror=${source.netMirror}`];
    const platforms = (options.platforms ?? ["linux_amd64"]).map((p) => `-platform=${p}`);
    const result = spawnSync(options.engine, ["providers", "lock", "-no-color", ...from, ...platforms], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
    });
    if (result.status !== 0)
      throw new Error(
        `${options.engine} providers lock failed:\n${result.stdout}${result.stderr}${result.error ?? ""}`,
      );
    return readFileSync(join(dir, ".terraform.lock.hcl"), "utf8")
      .replace(/^#.*\n/gm, "")
      .trimStart();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface LockedProvider {
  /** host/namespace/type */
  readonly address: string;
  readonly version: string;
  readonly hashes: readonly string[];
}

/** The provider blocks of a lock file (the subset of HCL the engines write there). */
export function lockedProviders(text: string): LockedProvider[] {
  return [...text.matchAll(/^provider "([^"]+)" \{\n([\s\S]*?)^\}/gm)].map(([, address, body]) => ({
    address: address!,
    version: /^\s*version\s*=\s*"([^"]*)"/m.exec(body!)?.[1] ?? "",
    hashes: [...(/hashes = \[([\s\S]*?)\]/.exec(body!)?.[1] ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1]!),
  }));
}
