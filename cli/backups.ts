/**
 * `sei-infra backups provision NAME`: the store side of a municipality's
 * off-site backups (docs/backups.md), run by an operator with the store
 * administrator's key in the environment variables platform.yaml names, after
 * the stack has put the generated keys in the namespace's Secret. It makes
 * the bucket (versioned), the municipality's user, the bucket policy and the
 * restic repository; run again, it changes nothing. Exit codes: shell/exit.ts,
 * EXIT_MEANINGS["backups provision"].
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { hasErrors } from "../core/diagnostics.ts";
import { loadFleet, MUNICIPALITIES_DIR, planFleet } from "../core/fleet.ts";
import { printable, quoted } from "../core/printable.ts";
import { formatDiagnostic } from "../report/diagnostics/text.ts";
import { SecretProblem, tenantKeys } from "../backups/namespace-secret.ts";
import { provision, ProvisionError } from "../backups/provision.ts";
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

const provisionCommand: CommandSpec<ProvisionArgs> = {
  name: "provision",
  description:
    "create the municipality's user, bucket policy and restic repository in its cluster's backup store, with the administrator's key (docs/backups.md)",
  define: (command) =>
    command
      .argument("<name>", "the municipality (its file name without .yaml)")
      .option("--municipalities <dir>", "folder of the municipality files", MUNICIPALITIES_DIR),
  run: runProvision,
};

export const backups: CommandSpec = {
  name: "backups",
  description: "the off-site backup store: provision a municipality's repository (docs/backups.md)",
  subcommands: [provisionCommand],
};

export async function runProvision(args: ProvisionArgs, io: Io): Promise<number> {
  const fail = (message: string) => {
    io.stderr(`sei-infra backups provision: ${printable(message)}\n`);
  };
  try {
    requireProjectRoot(io.cwd);
    const dir = requireDirectory(io.cwd, args.municipalities, "municipalities folder");
    const file = `${dir}/${args.name}.yaml`;
    if (!/^[a-z0-9-]{1,63}$/.test(args.name) || !existsSync(join(io.cwd, file)))
      throw new UsageError(`there is no municipality ${quoted(args.name)}: ${quoted(file)} does not exist`);
    // Every file: the bucket's policy names every municipality on it.
    const fleet = loadFleet({ source: workingTree(io.cwd), municipalitiesDir: dir });
    if (hasErrors(fleet.diagnostics)) {
      for (const d of fleet.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
      fail("refused: a file is invalid, and the bucket policy names every municipality; nothing was changed");
      return EXIT.failed;
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
    await provision({
      store,
      fleetStores: plans.flatMap((p) => (p.backupStore ? [p.backupStore] : [])),
      admin: { accessKeyId, secretAccessKey },
      tenant,
      onLine: (line) => io.stdout(`backups provision ${args.name}: ${printable(line)}\n`),
      ...(io.env.RESTIC ? { resticProgram: io.env.RESTIC } : {}),
    });
    io.stdout(
      `backups provision ${args.name}: done; escrow the repository key outside the cluster if not done yet (docs/backups.md, "Escrow of the repository key")\n`,
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      fail(error.message);
      return EXIT.usage;
    }
    if (
      error instanceof KubectlError ||
      error instanceof SecretProblem ||
      error instanceof StoreError ||
      error instanceof ProvisionError
    ) {
      fail(error.message);
      return EXIT.failed;
    }
    throw error;
  }
}
