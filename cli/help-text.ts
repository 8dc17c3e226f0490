/**
 * The examples and the environment of every sei-infra command, per command
 * path as typed after `sei-infra` (like EXIT_MEANINGS in shell/exit.ts); each
 * command's `--help` prints them. A command missing here fails
 * test/cli/habits.test.ts.
 */

export interface CommandHelp {
  /** Command lines as people type them, each with what it does. */
  readonly examples: readonly (readonly [line: string, what: string])[];
  /** The environment variables the command reads, with what for. */
  readonly environment: Readonly<Record<string, string>>;
}

/** Read by every command. */
const EVERY_COMMAND = {
  SEI_INFRA_DEBUG: "set (to anything) to print the stack trace of an unexpected error",
} as const;

/** The commands that draw colours or a live line where the output is a terminal. */
const TERMINAL = {
  NO_COLOR: "set to turn colours off (FORCE_COLOR=1 turns them on where no terminal is)",
} as const;

/** fleet plan, apply and drift run the engine. */
const ENGINE = {
  ...EVERY_COMMAND,
  ...TERMINAL,
  CI: "set: no live progress line, only the per-stack lines",
  TERRAFORM_BINARY_NAME: "the engine to run instead of OpenTofu (tofu on PATH, or the one cached by npm test)",
  SEI_TOOLS_CACHE: "the tool cache where the cached OpenTofu is (default ~/.cache/sei-infra)",
  "TF_VAR_<passphrase variable>": "the state passphrases, when platform.yaml encrypts the state (docs/synth.md)",
  KUBECONFIG: "read by the providers and the engine, with every other variable (backend credentials)",
} as const;

const SELECTION = "--only tiradentes,diamantina";

/** What `backups provision` and `backups prune` read: the administrator's key, restic, kubectl. */
const BACKUP_STORE_ENVIRONMENT = {
  ...EVERY_COMMAND,
  "<adminCredentialEnv>": "the store administrator's key, in the two variables platform.yaml's backupStore names",
  RESTIC: "the restic to run (default: restic on PATH)",
  KUBECTL: "the kubectl to run (default: kubectl on PATH)",
  KUBECONFIG: "read by kubectl, for the cluster's credentials",
};

export const COMMAND_HELP: Readonly<Record<string, CommandHelp>> = {
  validate: {
    examples: [
      ["sei-infra validate", "every file; compares with git HEAD"],
      ["sei-infra validate municipalities/tiradentes.yaml --format github --base origin/main", "one file, in CI"],
    ],
    environment: { ...EVERY_COMMAND, ...TERMINAL },
  },
  new: {
    examples: [
      ['sei-infra new --name "São João del Rei"', "the tier of its population band"],
      ["sei-infra new --ibge 3162500 --tier grande --force", "a larger tier than the band's, knowingly"],
    ],
    environment: EVERY_COMMAND,
  },
  capacity: {
    examples: [
      ["sei-infra capacity", "the fleet's CPU, memory and storage"],
      ["sei-infra capacity --base origin/main --format md --output capacity.md", "what a pull request costs"],
    ],
    environment: EVERY_COMMAND,
  },
  "fleet plan": {
    examples: [
      ["sei-infra fleet plan", "plan every stack"],
      [`sei-infra fleet plan ${SELECTION} --summary plan.md`, "two municipalities, with a summary"],
      ["sei-infra fleet plan --out plans", "save the plans (encrypted) and their summary for review"],
    ],
    environment: ENGINE,
  },
  "fleet apply": {
    examples: [
      ["sei-infra fleet apply --dry-run", "print the waves; run nothing"],
      ["sei-infra fleet apply --max-failures 2 --report report.json", "apply in waves"],
      ["sei-infra fleet apply --plans plans", "apply exactly the reviewed plans"],
    ],
    environment: ENGINE,
  },
  "fleet drift": {
    examples: [["sei-infra fleet drift --tier metropole", "exit 3 when a stack drifted"]],
    environment: ENGINE,
  },
  "fleet emit": {
    examples: [["sei-infra fleet emit --engine gitlab --output pipeline", "a GitLab child pipeline"]],
    environment: EVERY_COMMAND,
  },
  "fleet drill": {
    examples: [
      [`sei-infra fleet drill ${SELECTION} --report drills.json`, "restore and check two instances' newest backups"],
    ],
    environment: {
      ...EVERY_COMMAND,
      KUBECTL: "the kubectl to run (default: kubectl on PATH)",
      KUBECONFIG: "read by kubectl, for the cluster's credentials (the drill reads the store in the cluster)",
    },
  },
  "fleet backups": {
    examples: [["sei-infra fleet backups --format json", "every instance's newest backup and shipping, and its RPO"]],
    environment: BACKUP_STORE_ENVIRONMENT,
  },
  "fleet report merge": {
    examples: [["sei-infra fleet report merge reports/ --summary summary.md", "one report of the pipeline's jobs"]],
    environment: EVERY_COMMAND,
  },
  "fleet report gate": {
    examples: [["sei-infra fleet report gate reports/ --plan pipeline/fleet-plan.json", "may the next wave start?"]],
    environment: EVERY_COMMAND,
  },
  "backups provision": {
    examples: [["sei-infra backups provision tiradentes", "after the stack is applied, and again at will"]],
    environment: BACKUP_STORE_ENVIRONMENT,
  },
  "backups prune": {
    examples: [
      ["sei-infra backups prune tiradentes", "apply the tier's daily, weekly and monthly counts"],
      ["sei-infra backups prune --all", "every production instance with off-site backups (the scheduled prune)"],
    ],
    environment: BACKUP_STORE_ENVIRONMENT,
  },
  "backups migrate-claim": {
    examples: [
      [
        "sei-infra backups migrate-claim tiradentes",
        "upload the backup claim's sets, prove them, mark the file migrated",
      ],
    ],
    environment: BACKUP_STORE_ENVIRONMENT,
  },
  restore: {
    examples: [
      ["sei-infra restore tiradentes --list", "what the backup store (and a backup volume) holds"],
      ["sei-infra restore tiradentes --to 2026-12-07T10:15:00-03:00", "the instance as it was at that second"],
      ["sei-infra restore tiradentes --set 2026-11-30", "restore that night's set of the backup volume"],
    ],
    environment: {
      ...EVERY_COMMAND,
      KUBECTL: "the kubectl to run (default: kubectl on PATH)",
      KUBECONFIG: "read by kubectl, for the cluster's credentials",
    },
  },
};

/** The "Examples:" and "Environment:" paragraphs of a command's help, or "" for a command with none. */
export function commandHelp(commandPath: string): string {
  const help = COMMAND_HELP[commandPath];
  if (!help) return "";
  const rows = (entries: readonly (readonly [string, string])[], between: string) => {
    const width = Math.max(...entries.map(([left]) => left.length));
    return entries.map(([left, right]) => `  ${left.padEnd(width)}${between}${right}`).join("\n");
  };
  const examples = rows(help.examples, "  # ");
  const environment = rows(Object.entries(help.environment), "  ");
  return `\nExamples:\n${examples}\n\nEnvironment:\n${environment}\n`;
}
