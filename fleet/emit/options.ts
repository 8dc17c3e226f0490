/**
 * The options of `fleet emit` that end up in a pipeline file, checked by
 * pattern before anything is written. They reach YAML and shell lines (the
 * namespace in rollout.sh, the plan file in every gate and merge command), so
 * each must be exactly the kind of name it claims to be; what reaches a shell
 * line is also quoted (shellWord), so a check missed would still not run.
 * `--setup` is the exception: it is a shell command by design.
 */
import { relative, resolve, sep } from "node:path";
import { isInside } from "../../sources/working-tree.ts";
import { quoted } from "../../core/printable.ts";
import { UsageError } from "../../shell/exit.ts";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** registry[:port]/path[:tag][@sha256:digest], as the OCI distribution spec names an image (lower case). */
const IMAGE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?$/;
/** A GitHub runner label: letters, digits, '.', '_' and '-'. */
const RUNNER_LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** A folder path relative to the repository root: no spaces, quotes or shell characters. */
const RELATIVE_PATH = /^[A-Za-z0-9_.][A-Za-z0-9_./-]*$/;

/** Five cron fields (minute hour day month weekday) of digits, '*', '/', ',' and '-'. */
const CRON = /^[0-9*/,-]+( [0-9*/,-]+){4}$/;

const CHECKS = {
  driftSchedule: [CRON, "a cron schedule of five fields (minute hour day month weekday, UTC), such as '17 3 * * *'"],
  pruneSchedule: [CRON, "a cron schedule of five fields (minute hour day month weekday, UTC), such as '47 5 * * *'"],
  drillSchedule: [CRON, "a cron schedule of five fields (minute hour day month weekday, UTC), such as '43 5 * * *'"],
  image: [IMAGE, "a container image reference (registry/path:tag or @sha256:digest, lower case)"],
  runsOn: [RUNNER_LABEL, "a runner label (letters, digits, '.', '_' and '-')"],
  namespace: [DNS_LABEL, "a Kubernetes namespace (lower-case letters, digits and hyphens, at most 63)"],
  serviceAccount: [DNS_SUBDOMAIN, "a Kubernetes object name (lower-case letters, digits, '-' and '.')"],
  envSecret: [DNS_SUBDOMAIN, "a Kubernetes object name (lower-case letters, digits, '-' and '.')"],
  reportsClaim: [DNS_SUBDOMAIN, "a Kubernetes object name (lower-case letters, digits, '-' and '.')"],
} as const;

const FLAGS: Record<keyof typeof CHECKS, string> = {
  driftSchedule: "--drift-schedule",
  pruneSchedule: "--prune-schedule",
  drillSchedule: "--drill-schedule",
  image: "--image",
  runsOn: "--runs-on",
  namespace: "--namespace",
  serviceAccount: "--service-account",
  envSecret: "--env-secret",
  reportsClaim: "--reports-claim",
};

export type CheckedOptions = Partial<Record<keyof typeof CHECKS, string>>;

/** Throws a UsageError naming the first option that is not what it claims to be. */
export function checkEmitOptions(options: CheckedOptions): void {
  for (const [key, [pattern, what]] of Object.entries(CHECKS) as [
    keyof typeof CHECKS,
    (typeof CHECKS)[keyof typeof CHECKS],
  ][]) {
    const value = options[key];
    if (value !== undefined && (!pattern.test(value) || value.length > 253))
      throw new UsageError(`${FLAGS[key]} ${quoted(value)}: not ${what}`);
  }
}

/**
 * The pipeline folder relative to the repository root (`root`), as every job
 * names it: jobs run at the root of their own checkout, wherever the command
 * that emitted them ran. A folder outside the repository is refused: no job
 * could find it.
 */
export function outputFolder(root: string, output: string): string {
  const folder = resolve(root, output);
  if (folder === resolve(root) || !isInside(root, folder))
    throw new UsageError(
      `--output ${quoted(output)}: give a folder inside the repository (jobs find the pipeline's files from its root)`,
    );
  const path = relative(root, folder).split(sep).join("/");
  if (!RELATIVE_PATH.test(path))
    throw new UsageError(`--output ${quoted(output)}: use letters, digits, '.', '_', '-' and '/' only`);
  return path;
}

/** A word for a POSIX shell line: as it is when it holds nothing the shell acts on, else single-quoted. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
