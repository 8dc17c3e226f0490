/**
 * Data in a running instance of the local cluster, for the end-to-end suite and
 * the workload benchmark: rows and documents of a known size, a backup set made
 * by a Job from the instance's own CronJob, and the loss of the database and
 * document volumes that a restore then repairs (docs/restore.md).
 */
import { chmodSync, mkdirSync, renameSync } from "node:fs";
import { volumePath } from "./e2e-workspace.ts";
import { exec, jobLog, sql } from "./pods.ts";
import { kubectl } from "./run.ts";

/** The table the rows go into (in `sei`) unless another is named. */
export const DATA_TABLE = "e2e_registro";

/**
 * Writes about `mib` MiB of latin1 rows into a new table sei.`table` (512 bytes a row, accents included)
 * and `mib` files of 1 MiB into the document repository, from the app's pod as SEI writes them.
 * Returns the number of rows.
 */
export async function writeData(namespace: string, mib: number, table: string = DATA_TABLE): Promise<number> {
  const rows = mib * 2048;
  await sql(
    namespace,
    `CREATE TABLE sei.${table} (id INT PRIMARY KEY, texto VARCHAR(1000)) CHARACTER SET latin1;
     SET SESSION max_recursive_iterations = 100000000;
     INSERT INTO sei.${table} WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
       SELECT i, CONCAT('Registro nº ', i, ': ação, razão e índice — ', REPEAT(MD5(i), 14)) FROM n;`,
  );
  const files = await exec(namespace, "deploy/sei-app", [
    "sh",
    "-c",
    `set -e; for i in $(seq 1 ${mib}); do d=/var/sei/arquivos/2026/12/$(printf %02d $((i % 28 + 1))); mkdir -p "$d"; head -c 1048576 /dev/urandom > "$d/documento-$i.bin"; done`,
  ]);
  if (files.code !== 0) throw new Error(`writing documents in ${namespace} failed:\n${files.output}`);
  return rows;
}

/** Runs the backup CronJob once (a Job made from it), waits for it, and returns the set's date. */
export async function backupNow(namespace: string, job: string): Promise<string> {
  const set = new Date().toISOString().slice(0, 10);
  await kubectl(["-n", namespace, "create", "job", job, "--from=cronjob/sei-backup"]);
  await kubectl(["-n", namespace, "wait", "--for=condition=complete", `job/${job}`, "--timeout=1200s"]);
  const log = await jobLog(namespace, job);
  if (!log.includes(`backup set /backup/sets/${set} complete`))
    throw new Error(`the backup Job ${job} did not report set ${set}:\n${log}`);
  return set;
}

/**
 * The database and document volumes are lost: the instance stops, both volumes come back empty
 * under the same claims, and the database pod starts again on its empty volume (its init script
 * makes empty `sei` and `sip` with their users), which is where docs/restore.md begins.
 */
export async function loseDataVolumes(namespace: string, municipality: string): Promise<void> {
  const stopped = "app.kubernetes.io/component in (app,scheduler,database)";
  for (const kind of ["deployment", "statefulset"])
    await kubectl(["-n", namespace, "scale", kind, "--selector", stopped, "--replicas=0"]);
  await kubectl(["-n", namespace, "wait", "--for=delete", "pod", "--selector", stopped, "--timeout=180s"]);
  for (const claim of ["sei-database-data", "sei-documents"]) {
    const path = volumePath(municipality, claim);
    renameSync(path, `${path}.lost-${Date.now()}`);
    mkdirSync(path);
    chmodSync(path, 0o777);
  }
  await kubectl(["-n", namespace, "scale", "statefulset", "sei-database", "--replicas=1"]);
  await kubectl(["-n", namespace, "rollout", "status", "statefulset/sei-database", "--timeout=300s"]);
}
