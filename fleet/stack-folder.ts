/**
 * What a synthesized stack folder is, as the fleet needs to know it:
 *
 * - its configuration digest: every file of the folder (cdk.tf.json, the
 *   packaged chart, a lock file if synthesis writes one), so a saved plan
 *   records exactly what it was made from and `apply --plans` sees any change
 *   of code, data or chart since;
 * - whether `init` can be skipped: init installs the providers and sets up the
 *   backend, which only the `terraform` block (backend, required providers,
 *   encryption), the lock file synthesis wrote, the engine and its CLI
 *   configuration decide. When none of them changed since the stack's last
 *   successful init, the data folder is still right and only the lock file as
 *   init left it is missing (the synthesized output is new each run): it is
 *   kept in the data folder and put back. A plan that fails after a skipped init is retried once after a real
 *   one (fleet/stack-run.ts), so a stale data folder costs a retry, never a
 *   wrong result;
 * - whether init kept to the lock file synthesis copied in. Init rewrites it
 *   (its own header, only its own registry's entries) and the engine then
 *   needs it as rewritten (a plan refuses entries it has no package for, and
 *   `-lockfile=readonly` refuses to drop the other registry's), so the copy
 *   cannot simply be put back; instead what init left is verified against
 *   the copy: a provider, version or hash the copy does not hold means init
 *   trusted a package nobody reviewed, and the stack fails.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Engine } from "./engine.ts";

export const LOCK_FILE = ".terraform.lock.hcl";
const INIT_KEY = "init.key";
const INIT_LOCK = "init.lock.hcl";

/** sha256 (hex) of the stack folder's files: names, sizes and contents, in name order, before the engine ran. */
export function configDigest(stackFolder: string): string {
  const hash = createHash("sha256");
  for (const entry of readdirSync(stackFolder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    // Synthesis writes regular files only; anything else is not configuration and would make the digest lie.
    if (!entry.isFile()) throw new Error(`${entry.name} in the synthesized stack folder is not a regular file`);
    const content = readFileSync(join(stackFolder, entry.name));
    hash.update(`${entry.name}\0${content.length}\0`).update(createHash("sha256").update(content).digest());
  }
  return hash.digest("hex");
}

/**
 * What a stack's init depends on; equal keys mean the data folder of the last
 * init is still right. The lock file synthesis wrote is part of it: init
 * rewrites that file (its header, entries of another registry), so the one
 * init left is what a later run puts back, never what it compares.
 */
export function initKey(stackFolder: string, engine: Engine, env: NodeJS.ProcessEnv): string {
  const config = JSON.parse(readFileSync(join(stackFolder, "cdk.tf.json"), "utf8")) as { terraform?: unknown };
  const lock = existsSync(join(stackFolder, LOCK_FILE)) ? readFileSync(join(stackFolder, LOCK_FILE), "utf8") : "";
  return createHash("sha256")
    .update(JSON.stringify([engine.path, engine.version, env.TF_CLI_CONFIG_FILE ?? "", config.terraform ?? null, lock]))
    .digest("hex");
}

/**
 * True when init can be skipped: the data folder was initialized under the same
 * key (computed on the folder as synthesis wrote it), and the lock file that
 * init left is put into the stack folder.
 */
export function reuseInit(stackFolder: string, dataDir: string, key: string): boolean {
  const keyFile = join(dataDir, INIT_KEY);
  const kept = join(dataDir, INIT_LOCK);
  if (!existsSync(keyFile) || readFileSync(keyFile, "utf8") !== key || !existsSync(kept)) return false;
  copyFileSync(kept, join(stackFolder, LOCK_FILE));
  return true;
}

/** After a successful init: its key and the lock file it wrote, for the next run. */
export function rememberInit(stackFolder: string, dataDir: string, key: string): void {
  if (existsSync(join(stackFolder, LOCK_FILE))) copyFileSync(join(stackFolder, LOCK_FILE), join(dataDir, INIT_LOCK));
  writeFileSync(join(dataDir, INIT_KEY), key);
}

/** A lock file's providers: address → version and hashes. Reads the engines' own layout, nothing more. */
export function lockEntries(text: string): Map<string, { readonly version: string; readonly hashes: string[] }> {
  const entries = new Map<string, { version: string; hashes: string[] }>();
  for (const block of text.matchAll(/^provider "([^"]+)" \{\n([\s\S]*?)^\}/gm)) {
    const body = block[2]!;
    entries.set(block[1]!, {
      version: /^\s*version\s*=\s*"([^"]*)"/m.exec(body)?.[1] ?? "",
      hashes: [...body.matchAll(/"((?:h1|zh):[^"]+)"/g)].map((m) => m[1]!).sort(),
    });
  }
  return entries;
}

/**
 * After init: what the lock file init left holds that the copied one does not
 * (a provider, a version, a hash), a line each; empty when init kept to it.
 */
export function lockAdditions(copied: string, left: string): string[] {
  const known = lockEntries(copied);
  const added: string[] = [];
  for (const [address, entry] of lockEntries(left)) {
    const before = known.get(address);
    if (!before) added.push(`${address} (not in the copied lock file)`);
    else if (before.version !== entry.version)
      added.push(`${address} ${entry.version} (the lock says ${before.version})`);
    else {
      const extra = entry.hashes.filter((hash) => !before.hashes.includes(hash));
      if (extra.length > 0) added.push(`${address} ${entry.version}: hashes ${extra.join(", ")}`);
    }
  }
  return added;
}

/** Before a real init: the next run inits again unless this one succeeds. */
export function forgetInit(dataDir: string): void {
  rmSync(join(dataDir, INIT_KEY), { force: true });
}
