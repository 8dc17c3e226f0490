/**
 * A municipality's repository on the off-site backup store, read as the municipality itself can
 * read it: with the credential and repository key of its namespace's Secret `sei-backup-store`
 * (its user may list and read its own prefix, nothing else), through restic on this machine
 * (backups/restic.ts), the store's CA from the same Secret. For the end-to-end suite: what the
 * nightly job and the binlog shipper really wrote.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SECRET_KEYS } from "../../core/naming.ts";
import { restic, type ResticContext } from "../../backups/restic.ts";
import { parseResticSnapshots, type ResticSnapshot } from "../../restore/restic-points.ts";
import { kubectl } from "./run.ts";

export interface NamespaceStore {
  /** Every snapshot of the municipality, oldest first. */
  snapshots(): Promise<ResticSnapshot[]>;
  /**
   * Restores a snapshot into a temporary folder, runs `read` on where its (one) path landed (a file for
   * a dump, a folder for documents and binlogs), then removes the folder.
   */
  restored<T>(snapshot: ResticSnapshot, read: (path: string) => T): Promise<T>;
  /**
   * Writes a snapshot as the namespace's credential can (`restic backup` with `args`, `input` on its
   * standard input): what a compromised namespace or a broken night leaves on the store. Its id.
   */
  backup(args: readonly string[], input?: Buffer): Promise<string>;
}

export async function namespaceStore(namespace: string, municipality: string): Promise<NamespaceStore> {
  const secret = JSON.parse(await kubectl(["-n", namespace, "get", "secret", "sei-backup-store", "-o", "json"])) as {
    data: Record<string, string>;
  };
  const value = (key: string) => Buffer.from(secret.data[key] ?? "", "base64").toString("utf8");
  const keys = SECRET_KEYS.backupStore;
  const context: ResticContext = {
    store: { repository: value(keys.repository), region: value(keys.region), ca: value(keys.ca) || null },
    credential: { accessKeyId: value(keys.accessKeyId), secretAccessKey: value(keys.secretAccessKey) },
    repositoryPassword: value(keys.repositoryPassword),
  };
  const checked = async (args: readonly string[], input?: Buffer) => {
    const result = await restic(context, args[0] === "backup" ? args : ["--no-lock", ...args], input);
    if (result.code !== 0) throw new Error(`restic ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  };
  return {
    async snapshots() {
      return parseResticSnapshots(await checked(["snapshots", "--json"]), municipality);
    },
    async restored(snapshot, read) {
      if (snapshot.paths.length !== 1) throw new Error(`snapshot ${snapshot.id} has ${snapshot.paths.length} paths`);
      const target = mkdtempSync(join(tmpdir(), "sei-e2e-store-"));
      try {
        await checked(["restore", snapshot.id, "--target", target]);
        return read(join(target, snapshot.paths[0]!));
      } finally {
        rmSync(target, { recursive: true, force: true });
      }
    },
    async backup(args, input) {
      const summary = await checked(["backup", "--json", ...args], input);
      // restic 0.14 prints the short id in its summary (8 hex digits); every command takes it.
      const id = /"snapshot_id":"([0-9a-f]{8,64})"/.exec(summary)?.[1];
      if (!id) throw new Error(`restic backup ${args.join(" ")} made no snapshot: ${summary.slice(-500)}`);
      return id;
    },
  };
}
