/**
 * How the release timeout bounds the hook Jobs (the bootstrap and the updater).
 *
 * Helm waits up to the release timeout for each hook Job: the platform's
 * deploy.timeoutSeconds, or longer where the tier gives the updater more time
 * (tier updater.deadlineSeconds: a real migration of a large database takes
 * hours, and a deadline that ends it kills it half-done). A Job still running when Helm stops waiting would fail the
 * release in the middle of a migration, and the next deploy's
 * before-hook-creation policy would delete it, migration and all. So every hook
 * Job's activeDeadlineSeconds is the timeout less a margin for the Job
 * controller, scheduling and the image pull: when Helm stops waiting, the Job
 * has ended, done or stopped by its deadline, and a later deploy only ever
 * replaces a finished Job. The platform schema refuses a timeout that leaves
 * the updater less than its minimum.
 */

/** Time between Helm creating a hook Job and the Job's deadline clock starting, with room to spare. */
export const HOOK_MARGIN_SECONDS = 60;

/** The least time the updater gets: SEI's version scripts on a small database, after a cold image pull. */
export const MIN_UPDATER_SECONDS = 600;

/** The shortest release timeout the platform accepts. */
export const MIN_RELEASE_TIMEOUT_SECONDS = MIN_UPDATER_SECONDS + HOOK_MARGIN_SECONDS;

/** The longest: a major SEI update of a metropole's database may take hours. */
export const MAX_RELEASE_TIMEOUT_SECONDS = 6 * 3600;

/**
 * The updater's deadline where a tier does not set one: SEI's version scripts on
 * a small municipality's database take minutes; an hour leaves room for a major
 * version and a slow volume, and bounds a hang (a database that never answers).
 */
export const DEFAULT_UPDATER_DEADLINE_SECONDS = 3600;

/** The release timeout of an instance: the platform's, or longer when its updater's deadline needs more. */
export function releaseTimeoutSeconds(platformTimeoutSeconds: number, updaterDeadlineSeconds: number): number {
  return Math.max(platformTimeoutSeconds, updaterDeadlineSeconds + HOOK_MARGIN_SECONDS);
}

/** activeDeadlineSeconds of a hook Job under a release timeout. */
export function hookDeadlineSeconds(releaseTimeoutSeconds: number): number {
  return releaseTimeoutSeconds - HOOK_MARGIN_SECONDS;
}
