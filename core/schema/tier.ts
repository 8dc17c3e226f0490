/**
 * The shape of one tier file (tiers/<id>.yaml). A tier fixes every size of one
 * SEI instance; the namespace quota and limit range are derived from it in
 * core/resolve, never written by hand.
 */
import { z } from "zod";
import { parseBytes } from "../quantity.ts";
import { LOG_ROOM } from "../scratch.ts";
import { byteQuantity, cpuQuantity, header } from "./fields.ts";
import { TIER_IDS } from "./municipality.ts";
import {
  DEFAULT_UPDATER_DEADLINE_SECONDS,
  HOOK_MARGIN_SECONDS,
  MAX_RELEASE_TIMEOUT_SECONDS,
  MIN_UPDATER_SECONDS,
} from "../release-timing.ts";

const computeAmount = z.strictObject({
  cpu: cpuQuantity,
  memory: byteQuantity,
  ephemeralStorage: byteQuantity.meta({
    description:
      "Node-local disk: the container's logs and its pod's emptyDir scratch volumes (Kubernetes ephemeral-storage)",
  }),
});

/** Requests and limits of one container; limits may not be below requests. */
export const resourcesSchema = z
  .strictObject({ requests: computeAmount, limits: computeAmount })
  .refine((r) => r.limits.cpu >= r.requests.cpu, {
    message: "limits.cpu must not be below requests.cpu",
    path: ["limits", "cpu"],
  })
  .refine((r) => r.limits.memory >= r.requests.memory, {
    message: "limits.memory must not be below requests.memory",
    path: ["limits", "memory"],
  })
  .refine((r) => r.limits.ephemeralStorage >= r.requests.ephemeralStorage, {
    message: "limits.ephemeralStorage must not be below requests.ephemeralStorage",
    path: ["limits", "ephemeralStorage"],
  });

const component = z.strictObject({ resources: resourcesSchema });

/**
 * Resources of a pod Terraform makes (database, backup): its /tmp emptyDir gets the
 * ephemeral-storage limit less room for logs (core/scratch.ts), so the limit must
 * leave some.
 */
function terraformPodResources(least: string, scratch: string) {
  const bytes = parseBytes(least);
  return resourcesSchema.refine((r) => r.limits.ephemeralStorage >= bytes, {
    message: `limits.ephemeralStorage must be at least ${least}: ${scratch} gets this limit less ${LOG_ROOM} for logs`,
    path: ["limits", "ephemeralStorage"],
  });
}

export const tierSchema = z.strictObject({
  ...header("Tier"),
  metadata: z.strictObject({ name: z.enum(TIER_IDS) }),
  spec: z.strictObject({
    description: z.string().min(1),
    population: z
      .strictObject({ min: z.int().nonnegative(), max: z.int().positive().optional() })
      .meta({ description: "Inclusive population band; no max means unbounded" }),
    app: z.strictObject({
      replicas: z
        .strictObject({ min: z.int().min(1), max: z.int().min(1) })
        .refine((r) => r.max >= r.min, { message: "max must not be below min", path: ["max"] }),
      autoscalingTargetCpuPercent: z.int().min(10).max(95),
      podDisruptionBudget: z.boolean(),
      memcachedSessions: z
        .boolean()
        .meta({ description: "PHP sessions in memcached (SEI 5) instead of sticky sessions" }),
      resources: resourcesSchema,
    }),
    scheduler: component,
    updater: z.strictObject({
      resources: resourcesSchema,
      deadlineSeconds: z
        .int()
        .min(MIN_UPDATER_SECONDS)
        .max(MAX_RELEASE_TIMEOUT_SECONDS - HOOK_MARGIN_SECONDS)
        .default(DEFAULT_UPDATER_DEADLINE_SECONDS)
        .meta({
          description: `Seconds SEI's version update may run before it is stopped (default ${DEFAULT_UPDATER_DEADLINE_SECONDS}); the release timeout grows to fit it`,
        }),
    }),
    solr: z.strictObject({ heap: byteQuantity, storage: byteQuantity, resources: resourcesSchema }),
    memcached: z.strictObject({ cacheSize: byteQuantity, resources: resourcesSchema }),
    jod: z.strictObject({ enabled: z.boolean(), resources: resourcesSchema }),
    database: z.strictObject({
      bufferPool: byteQuantity,
      maxConnections: z.int().min(20).max(2000),
      storage: byteQuantity,
      resources: terraformPodResources("512Mi", "MariaDB's tmpdir"),
    }),
    documents: z.strictObject({ storage: byteQuantity }),
    temp: z.strictObject({
      storage: byteQuantity.meta({
        description:
          "SEI's shared temp folder (uploads between their two requests, generated files); scratch, not backed up",
      }),
    }),
    backup: z.strictObject({
      schedule: z.string().regex(/^(\S+\s+){4}\S+$/, { message: "must be a five-field cron expression" }),
      retentionDays: z.int().min(1).max(365).meta({
        description: "Days the nightly sets stay on the backup claim (instances without a backup store)",
      }),
      retention: z
        .strictObject({
          daily: z.int().min(1).max(366),
          weekly: z.int().min(0).max(260),
          monthly: z.int().min(0).max(120),
        })
        .meta({
          description:
            "Snapshots the backup store keeps: the last of each of this many days, weeks and months (restic forget --keep-daily/--keep-weekly/--keep-monthly), pruned with the operator's credential",
        }),
      storage: byteQuantity,
      binlogStorage: byteQuantity.meta({
        description:
          "The binlog shipper's local copies (48 h of binary logs, docs/offsite-backups.md): an emptyDir of its own, added to the backup's ephemeral storage for the shipper alone",
      }),
      resources: terraformPodResources("128Mi", "the job's /tmp"),
    }),
  }),
});

export type TierInput = z.input<typeof tierSchema>;
export type Tier = z.output<typeof tierSchema>;
