/** A bad command line or an unusable environment: the command stops with exit code 2 and this one-line message. */
export class FleetUsageError extends Error {}
