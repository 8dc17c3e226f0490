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
import { existsSync } from "node:fs";
import { join } from "node:path";
import { hasErrors } from "../core/diagnostics.ts";
import { loadFleet, MUNICIPALITIES_DIR, planFleet } from "../core/fleet.ts";
import { printable, quoted } from "../core/printable.ts";
import { formatDiagnostic } from "../report/diagnostics/text.ts";
import { SecretProblem, tenantKeys } from "../backups/namespace-secret.ts";
import { provision, ProvisionError } from "../backups/provision.ts";
import { prune, PruneError } from "../backups/prune.ts";
import { StoreError } from "../backups/store-client.ts";
import { kubectlFor, KubectlError } from "../restore/kubectl.ts";
import { workingTree } from "../sources/working-tree.ts";
import { EXIT, UsageError } from "../shell/exit.ts";
import type { CommandSpec, Io } from "./command.ts";
import { requireDirectory, requireProjectRoot } from "./paths.ts";

export interface ProvisionArgs {
  readonly name: string;
  readonly municipalities: string;
}

const nameAndFolder = (command: Command) =>
  command
    .argument("<name>", "the municipality (its file name without .yaml)")
    .option("--municipalities <dir>", "folder of the municipality files", MUNICIPALITIES_DIR);

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
  requireProjectRoot(io.cwd);
  const dir = requireDirectory(io.cwd, args.municipalities, "municipalities folder");
  const file = `${dir}/${args.name}.yaml`;
  if (!/^[a-z0-9-]{1,63}$/.test(args.name) || !existsSync(join(io.cwd, file)))
    throw new UsageError(`there is no municipality ${quoted(args.name)}: ${quoted(file)} does not exist`);
  // Every file: the bucket's policy names every municipality on it.
  const fleet = loadFleet({ source: workingTree(io.cwd), municipalitiesDir: dir });
  if (hasErrors(fleet.diagnostics)) {
    for (const d of fleet.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    throw new Refused(
      `${command}: refused: a file is invalid, and the bucket policy names every municipality; nothing was changed`,
    );
  }
  const plans = planFleet(fleet);
  const plan = plans.find((p) => p.municipality.name === args.name);
  if (!plan)
    throw new UsageError(
      `${args.name} has no instance: nothing is deployed before the contract is published on the PNCP`,
    );
  const store = plan.backupStore;
  if (!store)
    throw new UsageError(
      `cluster ${plan.cluster.name} of ${args.name} has no backupStore in platform.yaml: its backups stay on the backup claim`,
    );
  const accessKeyId = io.env[store.adminCredentialEnv.accessKeyId];
  const secretAccessKey = io.env[store.adminCredentialEnv.secretAccessKey];
  if (!accessKeyId || !secretAccessKey)
    throw new UsageError(
      `the store administrator's key is read from ${store.adminCredentialEnv.accessKeyId} and ${store.adminCredentialEnv.secretAccessKey} (platform.yaml backupStore.adminCredentialEnv): set both`,
    );
  const tenant = await tenantKeys(kubectlFor(plan.cluster, io.env), plan.namespace.name, store);
  return {
    store,
    fleetStores: plans.flatMap((p) => (p.backupStore ? [p.backupStore] : [])),
    admin: { accessKeyId, secretAccessKey },
    tenant,
    ...(io.env.RESTIC ? { resticProgram: io.env.RESTIC } : {}),
  };
}

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
async function guarded(command: string, io: Io, work: () => Promise<void>): Promise<number> {
  const fail = (message: string) => io.stderr(`sei-infra ${command}: ${printable(message)}\n`);
  try {
    await work();
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      fail(error.message);
      return EXIT.usage;
    }
    if (error instanceof Refused) {
      io.stderr(`sei-infra ${printable(error.message)}\n`);
      return EXIT.failed;
    }
    if (
      error instanceof KubectlError ||
      error instanceof SecretProblem ||
      error instanceof StoreError ||
      error instanceof ProvisionError ||
      error instanceof PruneError
    ) {
      fail(error.message);
      return EXIT.failed;
    }
    throw error;
  }
}
