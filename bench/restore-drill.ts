/**
 * Benchmark (not a test): the restore of a backup set from the off-site store, and the restore
 * drill around it, per tier, with real parts (a private versitygw store, restic, MariaDB 10.11:
 * test/support/offsite-rig.ts, whose drill runs images/database/offsite/drill-set.sh,
 * restore/restore.sh and drill-check.sh as the drill Job of fleet/drill/scratch-namespace.ts runs them).
 *
 * Each tier's instance is its database and document claims (tiers/*.yaml, database.storage and
 * documents.storage) times SCALE, full: rows of ~240 bytes in the dump until the database's share,
 * 256 KiB random documents until the documents' share. It is backed up by nightly-backup.sh, its
 * binlogs shipped, then drilled. Figures per tier:
 * - restore: building the set from the store (drill-set.sh: the dump loaded into a scratch server,
 *   the binlogs replayed, the documents restored) plus loading it (restore/restore.sh into a fresh
 *   server, documents copied), in GiB/min of what the nightly backup read (dump + documents);
 * - drill: the whole of it, the fresh server's start and drill-check.sh included (the cluster's
 *   part of a real drill, a namespace and a pod, is not here);
 * - over every tier run, the restore's fixed seconds and its rate (a least-squares line): at these
 *   scales the fixed part is much of each restore, and the rate is what larger instances tend to.
 *
 * Run: npm run bench:restore [-- --scale 1/1024] [-- --tiers pequeno-i,medio].
 * The default scale, 1/8192, is a few minutes on two shared cores (metropole: 75 MiB of dump,
 * 512 MiB of documents). `npm test` runs benchRestore at a tiny size (test/bench/benches.test.ts).
 */
import { loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import { loadFleet } from "../core/load-fleet.ts";
import { TIER_IDS, type TierId } from "../core/schema/municipality.ts";
import { workingTree } from "../sources/working-tree.ts";
import { seedInstance, startOffsiteRig, type DrillSeconds, type OffsiteRig } from "../test/support/offsite-rig.ts";
import { nightly } from "./offsite-backup.ts";

export interface RestoreOptions {
  /** The fraction of each tier's claims backed up and restored. */
  readonly scale: number;
  readonly tiers: readonly TierId[];
}

export interface TierRestore {
  readonly tier: TierId;
  readonly rows: number;
  readonly documents: number;
  /** What the nightly backup read: the dump's bytes and the documents'. */
  readonly bytes: { readonly databases: number; readonly documents: number };
  readonly seconds: DrillSeconds & { readonly drill: number };
  readonly restoreSeconds: number;
  readonly gibPerMinute: number;
  /** The 1-minute load average before and after the tier's run. */
  readonly load: readonly [number, number];
}

const DOCUMENT_BYTES = 256 * 1024;
const FOLDERS = 64;
/** One row of sei.protocolo in the dump, about: its description is ~190 latin1 characters. */
const ROW_DUMP_BYTES = 240;
const ROWS_PER_STATEMENT = 100_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The tiers' claims, as the fleet's validated tier files give them. */
function tierClaims(): ReadonlyMap<TierId, { database: number; documents: number }> {
  const fleet = loadFleet({ source: workingTree(".") });
  return new Map(
    [...fleet.tiers].map(([id, tier]) => [
      id,
      { database: tier.spec.database.storage, documents: tier.spec.documents.storage },
    ]),
  );
}

/** Rows written without the binlog: the shipper then ships only what comes after the seed. */
function seedRows(rig: OffsiteRig, rows: number): void {
  for (let from = 1; from <= rows; from += ROWS_PER_STATEMENT) {
    const to = Math.min(rows, from + ROWS_PER_STATEMENT - 1);
    rig.db.query(`
      SET SESSION sql_log_bin = 0;
      SET SESSION max_recursive_iterations = ${ROWS_PER_STATEMENT + 1};
      INSERT INTO sei.protocolo WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to})
        SELECT i, CONCAT('Processo nº ', i, ': ', SHA2(i, 256), ' ', REPEAT('solicitação de acesso à informação; ', 3)), NOW()
        FROM n;`);
  }
}

/** Waits until a binlog shipping after the newest manifest is on the store: the drill replays up to it. */
async function shippedAfterManifest(rig: OffsiteRig): Promise<void> {
  const manifest = rig
    .snapshots()
    .filter((s) => s.kind === "manifest")
    .at(-1);
  if (!manifest) throw new Error("the nightly backup wrote no manifest");
  const deadline = Date.now() + 120_000;
  while (!rig.snapshots().some((s) => s.kind === "binlog" && s.time.getTime() > manifest.time.getTime() + 2000)) {
    if (Date.now() > deadline) throw new Error(`no binlog shipping after the manifest:\n${rig.shipperLog()}`);
    await sleep(500);
  }
}

async function benchTier(tier: TierId, claims: { database: number; documents: number }, scale: number) {
  const rows = Math.max(1, Math.round((claims.database * scale) / ROW_DUMP_BYTES));
  const documents = Math.max(1, Math.round((claims.documents * scale) / DOCUMENT_BYTES));
  const loadBefore = loadavg()[0]!;
  const rig = await startOffsiteRig();
  try {
    seedInstance(rig, documents, DOCUMENT_BYTES, FOLDERS);
    seedRows(rig, rows);
    rig.startShipper(2);
    const backup = nightly(rig);
    await shippedAfterManifest(rig);
    const started = performance.now();
    const drill = await rig.drill(tier);
    const drillSeconds = (performance.now() - started) / 1000;
    if (drill.status !== 0 || !drill.log.includes("drill check passed"))
      throw new Error(`the drill of ${tier} failed:\n${drill.log}`);
    const bytes = { databases: backup.databases.read, documents: backup.documents.read };
    const restoreSeconds = drill.seconds.set! + drill.seconds.restore!;
    return {
      tier,
      rows,
      documents,
      bytes,
      seconds: { ...drill.seconds, drill: drillSeconds },
      restoreSeconds,
      gibPerMinute: (bytes.databases + bytes.documents) / 2 ** 30 / (restoreSeconds / 60),
      load: [loadBefore, loadavg()[0]!] as const,
    };
  } finally {
    await rig.stop();
  }
}

/** Each tier in turn, on a rig of its own; `measured` sees each tier's figures as they come. */
export async function benchRestore(
  options: RestoreOptions,
  measured: (figures: TierRestore) => void = () => {},
): Promise<TierRestore[]> {
  const claims = tierClaims();
  const figures: TierRestore[] = [];
  for (const tier of options.tiers) {
    const claim = claims.get(tier);
    if (!claim) throw new Error(`tiers/${tier}.yaml did not load`);
    figures.push(await benchTier(tier, claim, options.scale));
    measured(figures.at(-1)!);
  }
  return figures;
}

/**
 * The least-squares line through the tiers' restores, seconds = fixed + bytes / rate: at small scales
 * the fixed part (the scratch server's start, restic's start-ups) is most of each restore, and the
 * rate is what a larger instance's restore tends to.
 */
export function restoreLine(figures: readonly TierRestore[]): { fixedSeconds: number; gibPerMinute: number } {
  const points = figures.map((f) => ({ x: (f.bytes.databases + f.bytes.documents) / 2 ** 30, y: f.restoreSeconds }));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const [mx, my] = [mean(points.map((p) => p.x)), mean(points.map((p) => p.y))];
  const slope =
    points.reduce((sum, p) => sum + (p.x - mx) * (p.y - my), 0) / points.reduce((sum, p) => sum + (p.x - mx) ** 2, 0);
  return { fixedSeconds: my - slope * mx, gibPerMinute: 60 / slope };
}

/** "1/8192" or "0.001": a fraction in (0, 1]. */
function parseScale(text: string): number {
  const m = /^1\/([1-9][0-9]*)$/.exec(text);
  const scale = m ? 1 / Number(m[1]) : Number(text);
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale ${text}: give a fraction such as 1/1024`);
  return scale;
}

function parseTiers(text: string): TierId[] {
  const tiers = text.split(",");
  for (const tier of tiers)
    if (!(TIER_IDS as readonly string[]).includes(tier))
      throw new Error(`--tiers: "${tier}" is not a tier (${TIER_IDS.join(", ")})`);
  return tiers as TierId[];
}

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const scaleText = arg("scale") ?? "1/8192";
  const options: RestoreOptions = {
    scale: parseScale(scaleText),
    tiers: parseTiers(arg("tiers") ?? TIER_IDS.join(",")),
  };
  console.log(`scale ${scaleText} of each tier's database and documents claims; tiers ${options.tiers.join(", ")}`);
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const s = (seconds: number | undefined) => `${(seconds ?? NaN).toFixed(1)} s`;
  const figures = await benchRestore(options, (f) => {
    console.log(
      `${f.tier}: dump ${mib(f.bytes.databases)} (${f.rows} rows) + documents ${mib(f.bytes.documents)} (${f.documents} files)`,
    );
    console.log(
      `  restore ${s(f.restoreSeconds)} = ${f.gibPerMinute.toFixed(2)} GiB/min (set from the store ${s(f.seconds.set)}, load ${s(f.seconds.restore)})`,
    );
    console.log(
      `  drill ${s(f.seconds.drill)} (server start ${s(f.seconds.server)}, check ${s(f.seconds.check)}); load ${f.load.map((l) => l.toFixed(1)).join(" → ")}`,
    );
  });
  if (figures.length > 1) {
    const line = restoreLine(figures);
    console.log(
      `restore line through the tiers: ${s(line.fixedSeconds)} + ${line.gibPerMinute.toFixed(2)} GiB/min (least squares)`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
