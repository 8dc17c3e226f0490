/**
 * The one exit-code table of every sei-infra command (cli/ and fleet/ alike); CI gates on it.
 *
 * A code means the same kind of outcome everywhere: 0 the work is done, 1 the work itself failed
 * or was refused, 2 the command could not start (usage), 3 drift found, 130 interrupted (by
 * SIGINT or SIGTERM, where a command handles them). What each code means for one
 * command is in EXIT_MEANINGS, which `--help` prints, so a new code is added here or nowhere.
 */
export const EXIT = {
  /** The work is done; warnings allowed, and a plan with changes is not a failure. */
  ok: 0,
  /** The work failed or was refused: an invalid file, a failed or refused stack, a refused restore. */
  failed: 1,
  /** Bad command line, a named file or folder that does not exist, a git or write error: nothing was done. */
  usage: 2,
  /** `fleet drift` only: the command ran and found drift. */
  drift: 3,
  /** Stopped by SIGINT or SIGTERM after it had changed something, which it undid: `restore` (the app started again), `fleet drill` (the scratch namespace deleted). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const USAGE = "usage: a bad option or argument, a missing file or folder; nothing was done";
const FLEET_RUN = {
  [EXIT.ok]: "every selected stack done (a plan with changes is not a failure), or --changed-since selected none",
  [EXIT.failed]: "a stack failed or was refused (the report says which)",
  [EXIT.usage]: USAGE,
} as const;

/**
 * What each exit code means, per command path as typed after `sei-infra`; `--help` prints these.
 * `synth` is the cdktf app (stacks/cdktf-app.ts) that `npm run synth` and `cdktf synth` run.
 */
export const EXIT_MEANINGS: Readonly<Record<string, Readonly<Partial<Record<ExitCode, string>>>>> = {
  validate: {
    [EXIT.ok]: "every file valid (warnings allowed)",
    [EXIT.failed]: "a file is invalid, or one the loader refuses or cannot open",
    [EXIT.usage]: USAGE,
  },
  new: { [EXIT.ok]: "the file was written", [EXIT.failed]: "the new file would be invalid", [EXIT.usage]: USAGE },
  capacity: {
    [EXIT.ok]: "report written",
    [EXIT.failed]: "a file is invalid, or the change is refused (a volume would shrink)",
    [EXIT.usage]: USAGE,
  },
  "fleet plan": {
    ...FLEET_RUN,
    [EXIT.usage]: `${USAGE}; also --out without state encryption, or into a folder that is not empty`,
  },
  "fleet apply": {
    ...FLEET_RUN,
    [EXIT.failed]:
      "a stack failed or was refused (the report says which; with --plans, also a saved plan whose state or configuration moved since), or the rollout was not confirmed",
    [EXIT.usage]: `${USAGE}; also more than one stack without a terminal to ask on and without --yes, --plans without state encryption, or a --plans folder that is not what plan --out writes`,
  },
  "fleet drift": {
    [EXIT.ok]: "no drift on any selected stack",
    [EXIT.failed]: "a stack failed or was refused (the report says which)",
    [EXIT.usage]: USAGE,
    [EXIT.drift]: "drift found on at least one stack, and none failed",
  },
  "fleet emit": {
    [EXIT.ok]:
      "pipeline written, or --changed-since selected no stack and nothing was written (with --check: the pipeline in --output is up to date)",
    [EXIT.failed]: "the pipeline cannot be emitted (with --check: the pipeline in --output is stale)",
    [EXIT.usage]: `${USAGE}; also a platform that keeps state in local files`,
  },
  "fleet drill": {
    [EXIT.ok]: "every selected instance with an off-site backup was restored and matched what its backup recorded",
    [EXIT.failed]:
      "a drill failed (the report names each table, count or checksum and document that differs, or why the drill could not run), or a file is invalid",
    [EXIT.usage]: `${USAGE}; also a --report file that is not a drill report`,
    [EXIT.interrupted]:
      "interrupted by SIGINT or SIGTERM: the running drill was stopped and its scratch namespace deleted",
  },
  "fleet backups": {
    [EXIT.ok]: "every selected instance's newest backup and binlog shipping are within its RPO",
    [EXIT.failed]:
      "an instance is late (its newest backup or shipping is older than its RPO), or could not be read, or a file is invalid",
    [EXIT.usage]: `${USAGE}; also a store administrator's key not in the environment`,
  },
  "fleet report merge": {
    [EXIT.ok]: "merged; no stack failed",
    [EXIT.failed]: "merged; a stack failed or was refused",
    [EXIT.usage]: USAGE,
  },
  "fleet report gate": {
    [EXIT.ok]: "the next wave may start",
    [EXIT.failed]: "more stacks failed or were refused than --max-failures: later waves are held",
    [EXIT.usage]: USAGE,
  },
  "backups provision": {
    [EXIT.ok]: "the bucket, the user, the bucket policy and the repository are in place (a second run changes nothing)",
    [EXIT.failed]:
      "refused or failed: an invalid file, the namespace's Secret missing or not the stack's, the store refused a call, the repository exists under another key, or another run held the bucket's provision lock too long",
    [EXIT.usage]: `${USAGE} (also: no such municipality, a cluster without a backup store, the administrator's key not in the environment)`,
  },
  "backups prune": {
    [EXIT.ok]:
      "the snapshots the tier no longer keeps are forgotten and their data pruned (with --all: in every production instance with off-site backups, or there is none)",
    [EXIT.failed]:
      "refused or failed: an invalid file, the namespace's Secret missing or not the stack's, restic failed (with --all: for any instance; the others were pruned)",
    [EXIT.usage]: `${USAGE} (also: no such municipality, both or neither of a name and --all, a cluster without a backup store, the administrator's key not in the environment)`,
  },
  "backups migrate-claim": {
    [EXIT.ok]:
      "every set of the backup claim is in the store, proved file by file and by restic check --read-data; the file now says legacyBackupVolume: migrated",
    [EXIT.failed]:
      "refused before anything ran (an invalid file, no legacyBackupVolume: true, the claim not Bound, the repository not provisioned, the Secret not the stack's), or the Job or its proof failed: the file is unchanged and the claim stays in the stack",
    [EXIT.usage]: `${USAGE} (also: no such municipality, a cluster without a backup store, the administrator's key not in the environment)`,
  },
  synth: {
    [EXIT.ok]: "every selected stack synthesized into the output folder",
    [EXIT.failed]:
      "refused before anything was written (an invalid file, a SEI_ONLY name that is unknown or not formalized), or the synthesis failed and the previous output folder was left as it was",
  },
  restore: {
    [EXIT.ok]: "restored (or, with --list or --dry-run, every check passed)",
    [EXIT.failed]:
      "refused before anything was stopped (invalid file, no such set or an incomplete one, a --to time the store holds no backup for, a target that holds data, not confirmed), or the restore failed (a set that could not be built from the store, a forged dump or binlog): the app and scheduler were started again and the target is as it was",
    [EXIT.usage]: `${USAGE} (also: no such municipality, a phase that cannot be restored, a set name that is not a real date, a --to time without its offset, not real or in the future, --set without a backup volume or --to without a backup store, no terminal and no --yes)`,
    [EXIT.interrupted]:
      "interrupted by SIGINT or SIGTERM after the app was stopped: the restore Job was stopped and the app and scheduler started again",
  },
};

/** The "Exit codes:" paragraph of a command's help, or "" for a command with none of its own. */
export function exitCodesHelp(commandPath: string): string {
  const meanings = EXIT_MEANINGS[commandPath];
  if (!meanings) return "";
  const width = Math.max(...Object.keys(meanings).map((code) => code.length));
  const lines = Object.entries(meanings).map(([code, meaning]) => `  ${code.padEnd(width)}  ${meaning}`);
  return `\nExit codes:\n${lines.join("\n")}\n`;
}

/** A bad command line or an unusable environment: the command stops with exit code 2 and this one-line message. */
export class UsageError extends Error {}
