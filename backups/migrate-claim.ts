/**
 * `sei-infra backups migrate-claim NAME` (docs/backups.md,
 * "Existing backup claims"): a legacy backup claim's sets into the
 * municipality's repository, proved, and only then the claim out of the stack.
 *
 * 1. Every check first, nothing changed: the file says `legacyBackupVolume:
 *    true` and can be edited in place; the claim exists and is bound; the
 *    repository opens with the administrator's key and the namespace's
 *    repository key.
 * 2. The Job (backups/migrate-claim-job.ts) uploads each set with the
 *    namespace's credential and proves the copy: every file's hash against
 *    the snapshot as the store returns it, then `restic check --read-data`.
 * 3. What the Job says is checked against the store with the administrator's
 *    key: a snapshot tagged with each set the Job names, as many sets as the
 *    Job counted. A namespace cannot vouch for itself.
 * 4. Only then the file's mark becomes `migrated` (written whole, and only
 *    if the file did not change meanwhile): the next apply removes the claim
 *    from the state with a `removed` block and keeps the volume.
 */
import { RefusedPath } from "../core/source.ts";
import { readRegularFile } from "../sources/working-tree.ts";
import { hasOffsiteBackups, type InstancePlan } from "../core/plan.ts";
import { printable } from "../core/printable.ts";
import { noBackupStore, noOffsiteBackups } from "../shell/messages.ts";
import type { Kubectl } from "../restore/kubectl.ts";
import { runJob } from "../restore/run-job.ts";
import { markMigrated } from "./mark-migrated.ts";
import { MIGRATE_DEADLINE_SECONDS, migrateClaimJob } from "./migrate-claim-job.ts";
import { restic, type ResticContext } from "./restic.ts";
import type { StoreCredential } from "./store-client.ts";

export interface MigrateClaimInput {
  readonly plan: InstancePlan;
  /** The municipality file, as a path the process can read. */
  readonly file: string;
  readonly kubectl: Kubectl;
  readonly admin: StoreCredential;
  readonly repositoryPassword: string;
  /** Writes the edited file whole (a temporary file renamed into place). */
  readonly write: (text: string) => void;
  readonly onLine: (line: string) => void;
  readonly resticProgram?: string;
  /** @default a day, the Job's own deadline */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
}

export class MigrateError extends Error {}

/** Resolves with the sets migrated; throws a MigrateError naming what is wrong, with the file unchanged. */
export async function migrateClaim(input: MigrateClaimInput): Promise<readonly string[]> {
  const { plan, kubectl, onLine } = input;
  const store = plan.backupStore;
  const claim = plan.volumes.backup;
  if (!store) throw new MigrateError(`${noBackupStore(plan)}: nowhere to migrate to`);
  if (!hasOffsiteBackups(plan)) throw new MigrateError(noOffsiteBackups(plan));
  const text = readText(input.file);
  const edited = markMigrated(input.file, text);
  if (!claim) throw new MigrateError(`${input.file}: the plan has no backup claim to migrate`);
  const ns = plan.namespace.name;
  const phase = (
    await kubectl(["--namespace", ns, "get", "pvc", claim.claimName, "-o", "jsonpath={.status.phase}"])
  ).trim();
  if (phase !== "Bound")
    throw new MigrateError(
      `claim ${ns}/${claim.claimName} is ${printable(phase) || "in no phase"}, not Bound: nothing to read`,
    );
  const context: ResticContext = {
    store,
    credential: input.admin,
    repositoryPassword: input.repositoryPassword,
    ...(input.resticProgram ? { program: input.resticProgram } : {}),
  };
  const opened = await restic(context, ["cat", "config"]);
  if (opened.code !== 0)
    throw new MigrateError(
      `repository ${store.repository} does not open with the namespace's key (restic exited ${opened.code}); run sei-infra backups provision ${plan.municipality.name} first`,
    );
  onLine(
    `checked: ${input.file} says legacyBackupVolume: true, claim ${claim.claimName} is Bound, ${store.repository} opens`,
  );

  const job = await runJob(kubectl, ns, migrateClaimJob(plan), {
    timeoutMs: input.timeoutMs ?? MIGRATE_DEADLINE_SECONDS * 1000,
    onLine: (line) => onLine(`job: ${printable(line)}`),
    ...(input.pollMs ? { pollMs: input.pollMs } : {}),
  });
  if (job.outcome !== "Complete")
    throw new MigrateError(
      `the migration Job ${job.outcome === "Timeout" ? "did not finish in time" : "failed"} (its log is above): ${input.file} keeps legacyBackupVolume: true and the claim stays in the stack`,
    );
  const sets = await confirmedSets(job.log, context, store.repository);
  if (readText(input.file) !== text)
    throw new MigrateError(`${input.file} changed while the sets were migrated: run again to write the mark`);
  input.write(edited);
  onLine(
    `${sets.length} sets are in ${store.repository}, proved; ${input.file} now says legacyBackupVolume: migrated. ` +
      `Commit it and apply: the plan forgets claim ${claim.claimName} (removed, never destroyed); then reclaim its volume by hand (docs/backups.md, "Existing backup claims")`,
  );
  return sets;
}

/** The sets the Job says it migrated, each confirmed by a snapshot in the store. */
async function confirmedSets(log: string, context: ResticContext, repository: string): Promise<string[]> {
  const said = [
    ...log.matchAll(
      /^migrate-claim-sets\.sh: set (\d{4}-\d{2}-\d{2}) ([0-9a-f]{8,64}): \d+ files, each the same in the store$/gm,
    ),
  ];
  const total = /^migrate-claim-sets\.sh: migrated (\d+) sets, (\d+) files$/m.exec(log);
  if (!total || Number(total[1]) !== said.length || said.length === 0)
    throw new MigrateError("the migration Job ended without saying which sets it proved: nothing is marked");
  const listed = await restic(context, ["snapshots", "--json", "--tag", "kind=claim-set"]);
  if (listed.code !== 0) throw new MigrateError(`listing ${repository}: restic exited ${listed.code}`);
  const snapshots = JSON.parse(listed.stdout) as { id: string; tags?: string[] }[];
  for (const [, set, id] of said) {
    const found = snapshots.some((s) => s.id.startsWith(id!) && (s.tags ?? []).includes(`set=${set}`));
    if (!found) throw new MigrateError(`the Job named snapshot ${id} of set ${set}, which ${repository} does not hold`);
  }
  return said.map((m) => m[1]!);
}

function readText(file: string): string {
  let bytes: Buffer | undefined;
  try {
    bytes = readRegularFile(file);
  } catch (error) {
    if (error instanceof RefusedPath) throw new MigrateError(`${file} ${error.message}`);
    throw error;
  }
  if (!bytes) throw new MigrateError(`${file} is gone`);
  return bytes.toString("utf8");
}
