/**
 * The retention of one municipality's repository (docs/backups.md, "Prune"):
 * restic forget --prune with the tier's daily, weekly and monthly counts, run
 * with the store administrator's key from outside the namespace, since the
 * municipality's own user may delete nothing but its locks. restic groups
 * snapshots by host and paths, so each dump and the documents keep their own
 * counts.
 */
import type { BackupStorePlan } from "../core/plan.ts";
import { printable } from "../core/printable.ts";
import { restic } from "./restic.ts";
import type { StoreCredential } from "./store-client.ts";

export interface PruneInput {
  readonly store: BackupStorePlan;
  readonly admin: StoreCredential;
  /** The repository key, from the namespace's Secret. */
  readonly repositoryPassword: string;
  readonly onLine: (line: string) => void;
  readonly resticProgram?: string;
}

export class PruneError extends Error {}

/** Forgets what the retention does not keep, prunes the data only they held; resolves with the snapshots left. */
export async function prune(input: PruneInput): Promise<number> {
  const { store, onLine } = input;
  const context = {
    store,
    credential: input.admin,
    repositoryPassword: input.repositoryPassword,
    ...(input.resticProgram ? { program: input.resticProgram } : {}),
  };
  const { daily, weekly, monthly } = store.retention;
  const keep = ["--keep-daily", String(daily), "--keep-weekly", String(weekly), "--keep-monthly", String(monthly)];
  const forget = await restic(context, ["forget", ...keep, "--prune"]);
  if (forget.code !== 0)
    throw new PruneError(
      `pruning ${store.repository}: restic exited ${forget.code}: ${printable(forget.stderr.trim().split("\n").slice(-3).join("; "))}`,
    );
  const listed = await restic(context, ["snapshots", "--json"]);
  if (listed.code !== 0)
    throw new PruneError(`listing ${store.repository} after the prune: restic exited ${listed.code}`);
  const left = (JSON.parse(listed.stdout) as unknown[]).length;
  onLine(
    `repository ${store.repository}: kept the last ${daily} daily, ${weekly} weekly and ${monthly} monthly snapshots: ${left} left`,
  );
  return left;
}
