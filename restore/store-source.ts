/**
 * The restore points of an instance on its cluster's backup store (docs/offsite-backups.md), and
 * the state of the target, read by one read-only Job (`sei-restore-check`,
 * restore/store-inspect.sh) in the instance's namespace with the namespace's own store
 * Secret, while the instance keeps serving. What the store holds is parsed by restic-points.ts.
 */
import type { InstancePlan } from "../core/plan.ts";
import { noBackupStore } from "../shell/messages.ts";
import type { TargetState } from "./backup-source.ts";
import { storeInspectJob } from "./job.ts";
import { KubectlError, type Kubectl } from "./kubectl.ts";
import { parseResticSnapshots, type ResticSnapshot } from "./restic-points.ts";
import { INSPECTION_PREFIX, STORE_SIZE_PREFIX, STORE_SNAPSHOTS_PREFIX } from "./scripts.ts";
import { checkJob, parseInspection } from "./volume-source.ts";

export interface StoreInspection {
  /** Oldest first. */
  readonly snapshots: readonly ResticSnapshot[];
  /** Restore size in bytes of each database and document snapshot, by id. */
  readonly sizes: ReadonlyMap<string, number>;
  readonly target: TargetState;
}

export interface StoreSource {
  /** Where the points are, for messages: "the backup store s3:https://…/tiradentes". */
  readonly where: string;
  inspect(): Promise<StoreInspection>;
}

export function storeSource(
  plan: InstancePlan,
  kubectl: Kubectl,
  options: { readonly timeoutMs: number; readonly onLine: (line: string) => void },
): StoreSource {
  if (!plan.backupStore) throw new Error(noBackupStore(plan));
  let run: Promise<StoreInspection> | undefined;
  return {
    where: `the backup store ${plan.backupStore.repository}`,
    inspect: () =>
      (run ??= checkJob(plan, kubectl, storeInspectJob(plan), {
        ...options,
        quiet: (line) => [STORE_SNAPSHOTS_PREFIX, STORE_SIZE_PREFIX, INSPECTION_PREFIX].some((p) => line.startsWith(p)),
      }).then((log) => {
        try {
          return parseStoreInspection(log, plan.municipality.name);
        } catch (error) {
          throw new KubectlError(`the read-only check of the store: ${(error as Error).message}`);
        }
      })),
  };
}

/** The check's results from its log; throws when they are missing or not what the script prints. */
export function parseStoreInspection(log: string, municipality: string): StoreInspection {
  const lines = log.split("\n");
  const listed = lines.find((l) => l.startsWith(STORE_SNAPSHOTS_PREFIX));
  if (!listed) throw new Error("its log holds no snapshot list");
  let snapshots: ResticSnapshot[];
  try {
    snapshots = parseResticSnapshots(listed.slice(STORE_SNAPSHOTS_PREFIX.length), municipality);
  } catch (error) {
    throw new Error(`its snapshot list cannot be read: ${(error as Error).message}`);
  }
  const sizes = new Map<string, number>();
  for (const line of lines.filter((l) => l.startsWith(STORE_SIZE_PREFIX))) {
    const match = /^([0-9a-f]{64}) (\d{1,20})$/.exec(line.slice(STORE_SIZE_PREFIX.length));
    if (!match) throw new Error(`its size line cannot be read: ${JSON.stringify(line.slice(0, 120))}`);
    sizes.set(match[1]!, Number(match[2]));
  }
  return { snapshots, sizes, target: parseInspection(log).target };
}
