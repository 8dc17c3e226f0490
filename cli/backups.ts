/**
 * `sei-infra backups provision|prune|migrate-claim NAME`: the command line of the
 * store side of a municipality's off-site backups (docs/backups.md);
 * backups/store-commands.ts does the work. provision makes the bucket
 * (versioned), the municipality's user, the bucket policy and the restic
 * repository, after the stack has put the generated keys in the namespace's
 * Secret; run again, it changes nothing. prune applies the tier's retention with
 * the administrator's key (the municipality's own may not delete). migrate-claim
 * moves a legacy backup claim's sets into the repository.
 */
import type { Command } from "commander";
import {
  runMigrateClaim,
  runProvision,
  runPrune,
  type ProvisionArgs,
  type PruneArgs,
} from "../backups/store-commands.ts";
import { MUNICIPALITIES_OPTION_HELP, MUNICIPALITY_ARGUMENT_HELP } from "../shell/paths.ts";
import type { CommandSpec } from "./command.ts";

const nameAndFolder = (command: Command) =>
  command.argument("<name>", MUNICIPALITY_ARGUMENT_HELP).option("--municipalities <dir>", MUNICIPALITIES_OPTION_HELP);

const provisionCommand: CommandSpec<ProvisionArgs> = {
  name: "provision",
  description:
    "create the municipality's user, bucket policy and restic repository in its cluster's backup store, with the administrator's key (docs/backups.md)",
  define: nameAndFolder,
  run: runProvision,
};

const pruneCommand: CommandSpec<PruneArgs> = {
  name: "prune",
  description:
    "forget and prune the snapshots the municipality's tier no longer keeps (--all: every production instance with off-site backups, as fleet emit schedules it), with the administrator's key (docs/backups.md)",
  define: (command) =>
    command
      .argument("[name]", MUNICIPALITY_ARGUMENT_HELP)
      .option("--all", "every production instance whose cluster has a backup store")
      .option("--municipalities <dir>", MUNICIPALITIES_OPTION_HELP),
  run: runPrune,
};

const migrateClaimCommand: CommandSpec<ProvisionArgs> = {
  name: "migrate-claim",
  description:
    "upload the sets of the municipality's legacy backup claim to its repository, prove the copy, then mark the file legacyBackupVolume: migrated so the next apply forgets the claim and keeps the volume (docs/backups.md)",
  define: nameAndFolder,
  run: runMigrateClaim,
};

export const backups: CommandSpec = {
  name: "backups",
  description:
    "the off-site backup store: provision a municipality's repository, prune it, migrate a legacy backup claim into it (docs/backups.md)",
  subcommands: [provisionCommand, pruneCommand, migrateClaimCommand],
};
