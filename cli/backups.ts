/**
 * `sei-infra backups provision NAME`: the store side of a municipality's
 * off-site backups (docs/backups.md), run by an operator with the store
 * administrator's key in the environment variables platform.yaml names, after
 * the stack has put the generated keys in the namespace's Secret. It makes
 * the bucket (versioned), the municipality's user, the bucket policy and the
 * restic repository; run again, it changes nothing.
 *
 * `sei-infra backups prune NAME`: the tier's retention, applied with the
 * administrator's key (the municipality's own may not delete). Exit codes:
 * shell/exit.ts, EXIT_MEANINGS["backups provision"] and ["backups prune"].
 */
import type { Command } from "commander";
import { printable } from "../core/printable.ts";
import { SecretProblem, tenantKeys } from "../backups/namespace-secret.ts";
import { provision, ProvisionError } from "../backups/provision.ts";
import { LockError } from "../backups/provision-lock.ts";
import { prune, PruneError } from "../backups/prune.ts";
import { StoreError } from "../backups/store-client.ts";
import { kubectlFor, KubectlError } from "../restore/kubectl.ts";
import { EXIT, UsageError } from "../shell/exit.ts";
import { guarded as guardedUsage, usageLine } from "../shell/guard.ts";
import type { Io } from "../shell/io.ts";
import { namedPlans } from "../shell/names.ts";
import { openFleet } from "../shell/open-fleet.ts";
import { findProject, municipalitiesFolder, MUNICIPALITIES_OPTION_HELP } from "../shell/paths.ts";
import type { CommandSpec } from "./command.ts";

export interface ProvisionArgs {
  readonly name: string;
  readonly municipalities?: string;
}

const nameAndFolder = (command: Command) =>
  command
    .argument("<name>", "the municipality (its file name without .yaml)")
    .option("--municipalities <dir>", MUNICIPALITIES_OPTION_HELP);

const provisionCommand: CommandSpec<ProvisionArgs> = {
  name: "provision",
  description:
    "create the municipality's user, bucket policy and restic repository in its cluster's backup store, with the administrator's key (docs/backups.md)",
  define: nameAndFolder,
  run: runProvision,
};

const pruneCommand: CommandSpec<ProvisionArgs> = {
  name: "prune",
  description:
    "forget and prune the snapshots the municipality's tier no longer keeps, with the administrator's key (docs/backups.md)",
  define: nameAndFolder,
  run: runPrune,
};

export const backups: CommandSpec = {
  name: "backups",
  description: "the off-site backup store: provision a municipality's repository, prune it (docs/backups.md)",
  subcommands: [provisionCommand, pruneCommand],
};

/** The municipality's plan, store and keys: everything both subcommands check before they touch the store. */
async function storeAccess(args: ProvisionArgs, io: Io, command: string) {
  const project = findProject(io.cwd);
  // Every file: the bucket's policy names every municipality on it.
  const opened = openFleet({
    project,
    municipalitiesDir: municipalitiesFolder(project, args.municipalities),
    err: io.stderr,
    stop: [`sei-infra ${command}:`, "nothing was changed in the store (the bucket policy names every municipality)"],
  });
  if (!opened) throw new Refused();
  const [plan] = namedPlans(opened.plans, [args.name], { flag: "", stacks: false }, opened.phaseOf);
  const store = plan!.backupStore;
  if (!store)
    throw new UsageError(
      `cluster ${plan!.cluster.name} of ${args.name} has no backupStore in platform.yaml: its backups stay on the backup claim`,
    );
  const accessKeyId = io.env[store.adminCredentialEnv.accessKeyId];
  const secretAccessKey = io.env[store.adminCredentialEnv.secretAccessKey];
  if (!accessKeyId || !secretAccessKey)
    throw new UsageError(
      `the store administrator's key is read from ${store.adminCredentialEnv.accessKeyId} and ${store.adminCredentialEnv.secretAccessKey} (platform.yaml backupStore.adminCredentialEnv): set both`,
    );
  const tenant = await tenantKeys(kubectlFor(plan!.cluster, io.env), plan!.namespace.name, store);
  return {
    store,
    fleetStores: opened.plans.flatMap((p) => (p.backupStore ? [p.backupStore] : [])),
    admin: { accessKeyId, secretAccessKey },
    tenant,
    ...(io.env.RESTIC ? { resticProgram: io.env.RESTIC } : {}),
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

export function runPrune(args: ProvisionArgs, io: Io): Promise<number> {
  return guarded("backups prune", io, async () => {
    const access = await storeAccess(args, io, "backups prune");
    await prune({
      store: access.store,
      admin: access.admin,
      repositoryPassword: access.tenant.repositoryPassword,
      onLine: (line) => io.stdout(`backups prune ${args.name}: ${printable(line)}\n`),
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
      if (
        error instanceof KubectlError ||
        error instanceof SecretProblem ||
        error instanceof StoreError ||
        error instanceof ProvisionError ||
        error instanceof LockError ||
        error instanceof PruneError
      ) {
        io.stderr(usageLine(command, error.message));
        return EXIT.failed;
      }
      throw error;
    }
  });
}
