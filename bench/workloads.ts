/**
 * Benchmark (not a timed test): instances with their pods running on the local
 * cluster's node (the images of scripts/e2e/images: the STAND-IN app, NOT SEI,
 * real MariaDB 10.11 and memcached, Solr and JOD stand-ins).
 *
 *   npm run bench:workloads            # 64 MiB of rows and 64 MiB of documents
 *   npm run bench:workloads -- 256     # another data size (MiB of each)
 *
 * It times: the cluster's start with its node (new work dir, images imported);
 * `cdktf deploy` of a new `pequeno-i` municipality until every pod is Ready
 * (deploy.waitForWorkloads: Terraform, the first-install and updater hooks,
 * Helm's wait); the backup of a known data size (a Job from the instance's
 * CronJob) and its restore with `sei-infra restore` into emptied database and
 * document volumes, checked equal; then the same deploy of a `grande`
 * municipality. The node has the machine's two cores: grande's CPU requests
 * (3.7 cores) are divided by GRANDE_CPU_DIVISOR in the benchmark's copy of
 * tiers/grande.yaml so that it is scheduled at all; its replicas, memory,
 * volumes and JOD are the tier's.
 *
 * The backup and restore part (benchBackupRestore) takes any running
 * instance: `npm run test:e2e` runs it at 1 MiB on the instance
 * test/e2e/workloads.test.ts has deployed (the two deploys are this
 * benchmark's alone), so that it cannot rot unseen.
 */
import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseDocument } from "yaml";
import {
  addCommandLine,
  addMunicipality,
  createRunningWorkspace,
  requireEnv,
  storageManifest,
  volumePath,
} from "../scripts/lib/e2e-workspace.ts";
import { backupNow, loseDataVolumes, writeData } from "../scripts/lib/instance-data.ts";
import { documentTree, tableChecksums } from "../scripts/lib/checksums.ts";
import { startLocalCluster } from "../scripts/lib/local-cluster.ts";
import { isReady, servingPods, sql, waitForNoPods } from "../scripts/lib/pods.ts";
import { deploy, kubectl, run } from "../scripts/lib/run.ts";

const GRANDE_CPU_DIVISOR = 4;
const COMPONENTS = ["app", "scheduler", "updater", "solr", "memcached", "jod", "database", "backup"];

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
/** Seconds since `since` (Date.now()), to a tenth. */
const elapsed = (since: number) => Math.round((Date.now() - since) / 100) / 10;

/** Divides every CPU request of a tier file (the limits stay), so that the tier fits this two-core node. */
function divideCpuRequests(workspace: string, tier: string, divisor: number): void {
  const file = join(workspace, "tiers", `${tier}.yaml`);
  const doc = parseDocument(readFileSync(file, "utf8"));
  for (const component of COMPONENTS) {
    const path = ["spec", component, "resources", "requests", "cpu"];
    const value = doc.getIn(path);
    if (value === undefined) continue;
    const text = String(value);
    const millicores = text.endsWith("m") ? Number(text.slice(0, -1)) : Number(text) * 1000;
    doc.setIn(path, `${Math.ceil(millicores / divisor)}m`);
  }
  writeFileSync(file, doc.toString());
}

/** `cdktf deploy` of a new municipality, then every serving pod Ready: seconds. */
async function deployUntilReady(workspace: string, name: string): Promise<string> {
  const started = Date.now();
  const result = await deploy(workspace, name);
  if (result.code !== 0) throw new Error(`cdktf deploy sei-${name} failed:\n${result.output.slice(-4000)}`);
  for (;;) {
    const serving = await servingPods(`sei-${name}`);
    if (serving.length > 0 && serving.every(isReady)) return `${elapsed(started)} s (${serving.length} pods)`;
    if (Date.now() - started > 1_200_000) throw new Error(`pods of sei-${name} not Ready after 20 min`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Apparent MiB of a file or folder. */
const mibOf = (path: string) =>
  Number(execFileSync("du", ["-sm", "--apparent-size", path], { encoding: "utf8" }).split("\t")[0]);

export interface BackupRestoreFigures {
  /** Rows written into sei.bench_registro (`mib` MiB), and as many documents of 1 MiB. */
  readonly rows: number;
  readonly writeSeconds: number;
  /** The set the backup Job made, its seconds, and the apparent MiB of its sei dump and documents. */
  readonly set: string;
  readonly backupSeconds: number;
  readonly dumpMib: number;
  readonly documentsMib: number;
  /** sei's and sip's tables on disk, as the server counts them. */
  readonly tableMib: number;
  readonly restoreSeconds: number;
  /** What the restore brought back equal: table checksums and document sha256s. */
  readonly tablesEqual: number;
  readonly documentsEqual: number;
}

/**
 * The measured part, on any running instance of the local cluster (`municipality` of `workspace`): `mib` MiB of
 * rows and documents written, a backup by a Job from the instance's CronJob, the data volumes lost, and
 * `sei-infra restore` of the set, checked equal.
 */
export async function benchBackupRestore(options: {
  workspace: string;
  municipality: string;
  mib: number;
}): Promise<BackupRestoreFigures> {
  const { workspace, municipality, mib } = options;
  const ns = `sei-${municipality}`;
  const data = async () => ({
    tables: await tableChecksums((q) => sql(ns, q), ["sei", "sip"]),
    documents: documentTree(volumePath(municipality, "sei-documents")),
  });
  let started = Date.now();
  const rows = await writeData(ns, mib, "bench_registro");
  const writeSeconds = elapsed(started);
  console.log(`data: ${rows} rows (${mib} MiB) into sei, ${mib} documents of 1 MiB: written in ${writeSeconds} s`);
  const before = await data();
  started = Date.now();
  const set = await backupNow(ns, "bench-backup");
  const backupSeconds = elapsed(started);
  console.log(`backup (Job from the sei-backup CronJob): ${backupSeconds} s; load ${load()}`);
  const setDir = join(volumePath(municipality, "sei-backups"), "sets", set);
  const tableMib = Number(
    await sql(
      ns,
      "SELECT ROUND(SUM(data_length + index_length) / 1048576) FROM information_schema.tables WHERE table_schema IN ('sei', 'sip')",
    ),
  );
  const [dumpMib, documentsMib] = [mibOf(join(setDir, "sei.sql.gz")), mibOf(join(setDir, "documents"))];
  console.log(
    `  set ${set}: sei.sql.gz ${dumpMib} MiB, documents ${documentsMib} MiB (tables on disk ${tableMib} MiB)`,
  );
  await loseDataVolumes(ns, municipality);
  started = Date.now();
  const restored = await run("node", ["bin/sei-infra.js", "restore", municipality, "--set", set, "--yes"], {
    cwd: workspace,
  });
  if (restored.code !== 0) throw new Error(`sei-infra restore failed:\n${restored.output}`);
  const restoreSeconds = elapsed(started);
  console.log(
    `restore (sei-infra restore: writers stopped, Job, writers Ready again): ${restoreSeconds} s; load ${load()}`,
  );
  const after = await data();
  if (JSON.stringify(after) !== JSON.stringify(before))
    throw new Error("the restored tables or documents differ from the backup's");
  const [tablesEqual, documentsEqual] = [Object.keys(after.tables).length, Object.keys(after.documents).length];
  console.log(`restored data equal: ${tablesEqual} table checksums, ${documentsEqual} document sha256`);
  return {
    rows,
    writeSeconds,
    set,
    backupSeconds,
    dumpMib,
    documentsMib,
    tableMib,
    restoreSeconds,
    tablesEqual,
    documentsEqual,
  };
}

async function main(): Promise<void> {
  const mib = Number(process.argv[2] ?? 64);
  console.log(
    `machine: ${cpus()[0]?.model ?? "?"}, nproc ${cpus().length}, node ${process.version}, load average ${load()} (a shared machine)`,
  );
  const cluster = startLocalCluster("sei-bench-workloads-");
  console.log(`cluster.sh start, new work dir, node included: ${cluster.startSeconds.toFixed(1)} s; load ${load()}`);
  try {
    const workspace = createRunningWorkspace([], {
      mail: { host: requireEnv("SEI_E2E_HOST_IP"), port: 2525 },
      jodOn: ["pequeno-i"],
    });
    addCommandLine(workspace);
    const small = addMunicipality(workspace, "Olhos-d'Água", "pequeno-i", "production", 1);
    const large = addMunicipality(workspace, "Contagem", "grande", "production", 2);
    divideCpuRequests(workspace, "grande", GRANDE_CPU_DIVISOR);
    await kubectl(["apply", "-f", "-"], storageManifest([small, large]));

    console.log(
      `pequeno-i (JOD on): cdktf deploy until every pod is Ready: ${await deployUntilReady(workspace, small)}; load ${load()}`,
    );
    await benchBackupRestore({ workspace, municipality: small, mib });

    await kubectl(["delete", "namespace", `sei-${small}`, "--wait=false"]);
    await waitForNoPods(`sei-${small}`, 300);
    console.log(
      `grande (CPU requests / ${GRANDE_CPU_DIVISOR}): cdktf deploy until every pod is Ready: ${await deployUntilReady(workspace, large)}; load ${load()}`,
    );
  } finally {
    cluster.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
