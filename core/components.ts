/**
 * The SEI parts that run as pods (docs/architecture.md, "The SEI instance"), plus the platform's own jobs.
 * A leaf module: the names, the plan and the chart values all read it, and it reads nothing.
 */
export const COMPONENT_NAMES = [
  "app",
  "scheduler",
  "updater",
  "solr",
  "memcached",
  "jod",
  "database",
  "backup",
  "bootstrap",
] as const;

export type ComponentName = (typeof COMPONENT_NAMES)[number];
