/**
 * Benchmark (not a test): the off-site backup path of issue 19 with real parts (a private versitygw
 * store, restic, MariaDB 10.11: test/support/offsite-rig.ts), at a size of its own:
 * - the nightly backup's upload, first and on an unchanged document repository (target: under 1 %
 *   of a 1 GiB repository);
 * - the RPO of binlog shipping every SHIP seconds while rows are written each second: the worst
 *   time between a shipping's start (what it holds) and the next shipping's end (target: 5 min);
 * - a point-in-time restore (set built from the store, then loaded by restore/restore.sh), in GiB/min.
 *
 * Run: npm run bench:offsite [-- --documents-mib 1024] [-- --rows 200000] [-- --ship 60] [-- --observe 150].
 * `npm test` runs benchOffsite at a tiny size (test/bench/benches.test.ts).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { choosePointInTime } from "../restore/restic-points.ts";
import { emptyInstanceServer, startOffsiteRig, type OffsiteRig } from "../test/support/offsite-rig.ts";

export interface OffsiteOptions {
  readonly documentsMiB: number;
  readonly rows: number;
  readonly shipSeconds: number;
  readonly observeSeconds: number;
}

export interface Upload {
  readonly added: number;
  readonly read: number;
  readonly seconds: number;
}

export interface OffsiteFigures {
  readonly documents: { readonly first: Upload; readonly unchanged: Upload; readonly ratio: number };
  readonly databases: Upload;
  readonly rpo: { readonly shipSeconds: number; readonly shippings: number; readonly worstSeconds: number };
  readonly restore: { readonly bytes: number; readonly seconds: number; readonly gibPerMinute: number };
}

const FILE_BYTES = 256 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The nightly backup as its CronJob runs it, with what it read and uploaded of each kind. */
export function nightly(rig: OffsiteRig): { databases: Upload; documents: Upload } {
  const started = performance.now();
  const { status, log } = rig.nightly();
  const seconds = (performance.now() - started) / 1000;
  if (status !== 0) throw new Error(`the nightly backup failed:\n${log}`);
  const line = (kind: string): Upload => {
    const m = new RegExp(`${kind}: snapshot [0-9a-f]+, .*?(\\d+) of (\\d+) bytes uploaded`).exec(log);
    if (!m) throw new Error(`no ${kind} line in:\n${log}`);
    return { added: Number(m[1]), read: Number(m[2]), seconds };
  };
  return { databases: line("databases"), documents: line("documents") };
}

export async function benchOffsite(options: OffsiteOptions): Promise<OffsiteFigures> {
  const rig = await startOffsiteRig();
  try {
    rig.db.query(`
      CREATE TABLE sei.protocolo (id INT PRIMARY KEY, descricao VARCHAR(200), criado DATETIME) CHARACTER SET latin1;
      SET SESSION max_recursive_iterations = ${options.rows + 1};
      INSERT INTO sei.protocolo WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${options.rows})
        SELECT i, CONCAT('Processo nº ', i, ': solicitação, ação e razão'), NOW() FROM n;`);
    const files = Math.max(1, Math.round((options.documentsMiB * 1024 * 1024) / FILE_BYTES));
    for (let i = 0; i < files; i++) {
      const folder = join(rig.dirs.documents, String(i % 64));
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, `${i}.pdf`), randomBytes(FILE_BYTES));
    }
    rig.startShipper(options.shipSeconds);
    const first = nightly(rig);
    const unchanged = nightly(rig).documents;

    // RPO: rows written each second while the shipper runs; completions seen in its status file.
    const completions: number[] = [];
    const observeUntil = Date.now() + options.observeSeconds * 1000;
    let id = options.rows;
    let lastWrite = 0;
    while (Date.now() < observeUntil) {
      if (Date.now() - lastWrite >= 1000) {
        rig.db.query(`INSERT INTO sei.protocolo VALUES (${++id}, 'escrito durante a medida', NOW())`);
        lastWrite = Date.now();
      }
      const shipped = rig.shippedAt();
      if (shipped > 0 && shipped !== completions.at(-1)) completions.push(shipped);
      await sleep(100);
    }
    const starts = rig
      .snapshots()
      .filter((s) => s.kind === "binlog")
      .map((s) => s.time.getTime() / 1000);
    let worstSeconds = 0;
    for (let i = 1; i < completions.length; i++) {
      const held = starts.filter((s) => s <= completions[i - 1]!).at(-1);
      if (held !== undefined) worstSeconds = Math.max(worstSeconds, completions[i]! - held);
    }

    // Point-in-time restore: a time after everything above, once a shipping after it holds it.
    await sleep(1000 - (Date.now() % 1000) + 20);
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    const waitUntil = Date.now() + (options.shipSeconds + 120) * 1000;
    while (!("point" in choosePointInTime(rig.snapshots(), at))) {
      if (Date.now() > waitUntil) throw new Error(`no binlog shipping after ${at.toISOString()}:\n${rig.shipperLog()}`);
      await sleep(500);
    }
    const fresh = await emptyInstanceServer();
    try {
      const backups = join(rig.dirs.work, "point-in-time");
      const documents = join(rig.dirs.work, "restored-documents");
      mkdirSync(documents);
      const started = performance.now();
      const built = rig.pointInTimeSet(at, backups);
      if (built.status !== 0) throw new Error(`the point-in-time set failed:\n${built.log}`);
      const restored = rig.restoreInto(fresh, backups, built.setName, documents);
      if (restored.status !== 0) throw new Error(`the restore failed:\n${restored.log}`);
      const seconds = (performance.now() - started) / 1000;
      const bytes = first.databases.read + first.documents.read;
      return {
        documents: { first: first.documents, unchanged, ratio: unchanged.added / unchanged.read },
        databases: first.databases,
        rpo: { shipSeconds: options.shipSeconds, shippings: completions.length, worstSeconds },
        restore: { bytes, seconds, gibPerMinute: bytes / 2 ** 30 / (seconds / 60) },
      };
    } finally {
      await fresh.stop();
    }
  } finally {
    await rig.stop();
  }
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const options: OffsiteOptions = {
    documentsMiB: arg("documents-mib", 1024),
    rows: arg("rows", 200_000),
    shipSeconds: arg("ship", 60),
    observeSeconds: arg("observe", 150),
  };
  const f = await benchOffsite(options);
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const up = (u: Upload) => `${mib(u.added)} of ${mib(u.read)} uploaded in ${u.seconds.toFixed(1)} s (whole run)`;
  console.log(`options: ${JSON.stringify(options)}`);
  console.log(`databases (first night): ${up(f.databases)}`);
  console.log(`documents, first night: ${up(f.documents.first)}`);
  console.log(`documents, unchanged: ${f.documents.unchanged.added} of ${f.documents.unchanged.read} bytes uploaded`);
  console.log(`  = ${(100 * f.documents.ratio).toPrecision(2)} % (target < 1 %)`);
  console.log(
    `binlog RPO: worst ${f.rpo.worstSeconds.toFixed(1)} s over ${f.rpo.shippings} shippings every ${f.rpo.shipSeconds} s (target ≤ 300 s)`,
  );
  console.log(
    `point-in-time restore: ${mib(f.restore.bytes)} in ${f.restore.seconds.toFixed(1)} s = ${f.restore.gibPerMinute.toFixed(2)} GiB/min`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
