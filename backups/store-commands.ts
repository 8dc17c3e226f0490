/**
 * The work of `sei-infra backups provision|prune|migrate-claim` (their options:
 * cli/backups.ts), run by an operator with the store administrator's key in the
 * environment variables platform.yaml names (docs/backups.md): the fleet opened
 * (every file, since the bucket's policy names every municipality on it), the
 * municipality's store and keys checked before the store is touched, then the
 * store side of its off-site backups. Exit codes: shell/exit.ts,
 * EXIT_MEANINGS["backups provision"], ["backups prune"] and ["backups migrate-claim"].
 */
import { basename, dirname, resolve } from "node:path";
import { hasOffsiteBackups, type BackupStorePlan, type InstancePlan } from "../core/plan.ts";
import { printable } from "../core/printable.ts";
import { kubectlFor, KubectlError } from "../restore/kubectl.ts";
import { EXIT, UsageError } from "../shell/exit.ts";
import { guarded as guardedUsage, usageLine } from "../shell/guard.ts";
import type { Io } from "../shell/io.ts";
import { namedPlans } from "../shell/names.ts";
import { noBackupStore } from "../shell/messages.ts";
import { openFleet } from "../shell/open-fleet.ts";
import { writeOutput } from "../shell/output-file.ts";
import { findProject, municipalitiesFolder } from "../shell/paths.ts";
import { MarkError } from "./mark-migrated.ts";
import { migrateClaim, MigrateError } from "./migrate-claim.ts";
import { SecretProblem, tenantKeys } from "./namespace-secret.ts";
import { provision, ProvisionError } from "./provision.ts";
import { LockError } from "./provision-lock.ts";
import { prune, PruneError } from "./prune.ts";
import { StoreError } from "./store-client.ts";

/** The command line of provision and migrate-claim, as typed (cli/backups.ts declares it). */
export interface ProvisionArgs {
  readonly name: string;
  /** As typed, relative to where the command runs. @default the repository's municipalities/ */
  readonly municipalities?: string;
}

/** The command line of prune, as typed: one name, or --all. */
export interface PruneArgs {
  readonly name?: string;
  readonly all?: boolean;
  readonly municipalities?: string;
}

/** The fleet, valid and planned: every file, since the bucket's policy names every municipality on it. */
function openPlans(args: { readonly municipalities?: string }, io: Io, command: string) {
  const project = findProject(io.cwd);
  const opened = openFleet({
    project,
    municipalitiesDir: municipalitiesFolder(project, args.municipalities),
    err: io.stderr,
    stop: [`sei-infra ${command}:`, "nothing was changed in the store (the bucket policy names every municipality)"],
  });
  if (!opened) throw new Refused();
  return { ...opened, root: project.root };
}

/** The store's administrator key, from the variables platform.yaml names. */
function adminKey(store: BackupStorePlan, io: Io) {
  const accessKeyId = io.env[store.adminCredentialEnv.accessKeyId];
  const secretAccessKey = io.env[store.adminCredentialEnv.secretAccessKey];
  if (!accessKeyId || !secretAccessKey)
    throw new UsageError(
      `the store administrator's key is read from ${store.adminCredentialEnv.accessKeyId} and ${store.adminCredentialEnv.secretAccessKey} (platform.yaml backupStore.adminCredentialEnv): set both`,
    );
  return { accessKeyId, secretAccessKey };
}

/** A municipality's store and keys: everything a subcommand checks before it touches the store. */
async function accessOf(plan: InstancePlan, io: Io) {
  const store = plan.backupStore;
  if (!store) throw new UsageError(`${noBackupStore(plan)}: its backups stay on the backup claim`);
  const admin = adminKey(store, io);
  const tenant = await tenantKeys(kubectlFor(plan.cluster, io.env), plan.namespace.name, store);
  return { store, admin, tenant, ...(io.env.RESTIC ? { resticProgram: io.env.RESTIC } : {}) };
}

/** The named municipality's plan, store and keys, and the stores of the fleet. */
async function storeAccess(args: ProvisionArgs, io: Io, command: string) {
  const opened = openPlans(args, io, command);
  const [plan] = namedPlans(opened.plans, [args.name], { flag: "", stacks: false }, opened.phaseOf);
  return {
    ...(await accessOf(plan!, io)),
    fleetStores: opened.plans.flatMap((p) => (p.backupStore ? [p.backupStore] : [])),
  };
}

/** The files are invalid: openFleet printed why. */
class Refused extends Error {}

export function runProvision(args: ProvisionArgs, io: Io): Promise<number> {
  return guarded("backups provision", io, async () => {
    const access = await storeAccess(args, io, "backups provision");
    await provision({
      ...access,
      onLine: (line) => io.stdout(`backups provision ${args.name}: ${printable(line)}\n`),
    });
    io.stdout(
      `backups provision ${args.name}: done; escrow the repository key outside the cluster if not done yet (docs/backups.md, "Escrow of the repository key")\n`,
    );
  });
}

export function runPrune(args: PruneArgs, io: Io): Promise<number> {
  return guarded("backups prune", io, async () => {
    if ((args.name === undefined) === (args.all !== true))
      throw new UsageError("name one municipality, or give --all (every production instance with off-site backups)");
    if (args.name !== undefined)
      return pruneOne(await storeAccess({ ...args, name: args.name }, io, "backups prune"), args.name, io);
    // --all: the instances whose backups go to a store, which are the ones provisioned and backed up every night.
    const plans = openPlans(args, io, "backups prune").plans.filter(hasOffsiteBackups);
    if (plans.length === 0) io.stdout("backups prune: no production instance has off-site backups; nothing to prune\n");
    // Each on its own: one unreachable namespace or failed repository does not keep the others from their retention.
    const failed: string[] = [];
    for (const plan of plans)
      try {
        await pruneOne(await accessOf(plan, io), plan.municipality.name, io);
      } catch (error) {
        if (!isExpected(error)) throw error;
        io.stderr(usageLine(`backups prune ${plan.municipality.name}`, error.message));
        failed.push(plan.municipality.name);
      }
    if (failed.length > 0) throw new PruneError(`${failed.length} of ${plans.length} failed: ${failed.join(", ")}`);
  });
}

async function pruneOne(access: Awaited<ReturnType<typeof accessOf>>, name: string, io: Io): Promise<void> {
  await prune({
    store: access.store,
    admin: access.admin,
    repositoryPassword: access.tenant.repositoryPassword,
    onLine: (line) => io.stdout(`backups prune ${name}: ${printable(line)}\n`),
    ...(access.resticProgram ? { resticProgram: access.resticProgram } : {}),
  });
}

export function runMigrateClaim(args: ProvisionArgs, io: Io): Promise<number> {
  return guarded("backups migrate-claim", io, async () => {
    const opened = openPlans(args, io, "backups migrate-claim");
    const [plan] = namedPlans(opened.plans, [args.name], { flag: "", stacks: false }, opened.phaseOf);
    const access = await accessOf(plan!, io);
    const file = resolve(opened.root, plan!.municipality.sourceFile);
    await migrateClaim({
      plan: plan!,
      file,
      kubectl: kubectlFor(plan!.cluster, io.env),
      admin: access.admin,
      repositoryPassword: access.tenant.repositoryPassword,
      write: (text) => writeOutput(dirname(file), basename(file), text),
      onLine: (line) => io.stdout(`backups migrate-claim ${args.name}: ${printable(line)}\n`),
      ...(access.resticProgram ? { resticProgram: access.resticProgram } : {}),
    });
  });
}

/** Runs `work`; the errors both subcommands expect become their exit codes and one line each. */
function guarded(command: string, io: Io, work: () => Promise<void>): Promise<number> {
  return guardedUsage(command, io.stderr, async () => {
    try {
      await work();
      return EXIT.ok;
    } catch (error) {
      if (error instanceof Refused) return EXIT.failed;
      if (isExpected(error)) {
        io.stderr(usageLine(command, error.message));
        return EXIT.failed;
      }
      throw error;
    }
  });
}

/** The failures a subcommand reports as one line and exit 1: the store, the Secret, kubectl, restic. */
function isExpected(error: unknown): error is Error {
  return (
    error instanceof KubectlError ||
    error instanceof SecretProblem ||
    error instanceof StoreError ||
    error instanceof ProvisionError ||
    error instanceof LockError ||
    error instanceof PruneError ||
    error instanceof MigrateError ||
    error instanceof MarkError
  );
}
