/**
 * The fleet: platform settings, tiers and every municipality file, loaded and
 * validated together (schemas, then the fleet rules of core/rules/), then
 * resolved into one InstancePlan per formalized municipality.
 *
 * All file access goes through a FileSource, so the same code validates the
 * working tree and, for the capacity diff, an old git revision.
 */
import { posix } from "node:path";
import type { Diagnostic } from "./diagnostics.ts";
import { fileDiagnostic, hasErrors } from "./diagnostics.ts";
import { compareRevisions, type Revision } from "./history/compare.ts";
import { loadOfficialList, OFFICIAL_LIST_PATH } from "./ibge.ts";
import { loadDocument, validateBytes, type LoadedDocument } from "./load/index.ts";
import type { InstancePlan } from "./plan.ts";
import { planInstance } from "./resolve/instance.ts";
import { runFleetRules, type Located } from "./rules/index.ts";
import { isFormalized, municipalitySchema, type Municipality, type TierId } from "./schema/municipality.ts";
import { platformSchema, type Platform } from "./schema/platform.ts";
import { tierSchema, type Tier } from "./schema/tier.ts";
import { listFolder, readInput, type FileSource } from "./source.ts";

export const PLATFORM_FILE = "platform.yaml";
export const TIERS_DIR = "tiers";
export const MUNICIPALITIES_DIR = "municipalities";

export interface LoadedMunicipality {
  readonly file: string;
  readonly municipality: Municipality;
}

export interface Fleet {
  readonly platform: Platform | undefined;
  readonly tiers: ReadonlyMap<TierId, Tier>;
  /** Municipalities whose own file is valid (fleet-wide errors may still name them); only the selected files when `files` was given. */
  readonly municipalities: readonly LoadedMunicipality[];
  /** Sorted by file, line and column; with `files`, only those files' problems plus platform, tier and official-list problems. */
  readonly diagnostics: readonly Diagnostic[];
  /** Every file whose problems are reported: platform.yaml, the tier files, and the (selected) municipality files. */
  readonly checkedFiles: readonly string[];
}

export interface LoadFleetOptions {
  readonly source: FileSource;
  /** Folder of the municipality files, relative to the source root. @default "municipalities" */
  readonly municipalitiesDir?: string;
  /** Validate only these municipality files (paths relative to the source root); the rest of the folder still counts for uniqueness. */
  readonly files?: readonly string[];
  /** Warnings become errors. @default false */
  readonly strict?: boolean;
  /** Documents of an earlier load to reuse where a file's bytes are unchanged. @default none */
  readonly cache?: DocumentCache;
  /**
   * An earlier revision to compare with (core/history/compare.ts): a deployed
   * municipality renamed or gone is an error, a volume that would shrink a
   * warning. @default none: one revision cannot tell
   */
  readonly base?: FileSource;
}

/** Everything a fleet load reads, relative to the source root: what to prefetch from git. */
export function fleetPaths(municipalitiesDir: string): string[] {
  return [PLATFORM_FILE, TIERS_DIR, OFFICIAL_LIST_PATH, municipalitiesDir];
}

/**
 * Validated documents by path, with the bytes they came from. The capacity
 * diff loads two revisions that share most files; with one cache for both,
 * each distinct file is parsed and validated once instead of twice.
 */
export type DocumentCache = Map<
  string,
  { readonly bytes: Uint8Array; readonly schema: unknown; readonly document: LoadedDocument<unknown> }
>;

export function loadFleet({
  source,
  municipalitiesDir = MUNICIPALITIES_DIR,
  files,
  strict = false,
  cache,
  base,
}: LoadFleetOptions): Fleet {
  // Both revisions share one cache: an unchanged file is parsed and validated once.
  if (base && !cache) cache = new Map();
  const dir = posix.normalize(municipalitiesDir);
  const selected = files?.map((file) => posix.normalize(file));
  const { platform, tierFolder, tiers, folder, municipalityFiles, municipalities, revision } = readRevision(
    source,
    dir,
    cache,
    selected,
  );
  const names = folder.names;
  const official = loadOfficialList(source);

  const ruleDiagnostics = runFleetRules({
    platform: located(platform),
    tiers: tiers.flatMap((doc) => located(doc) ?? []),
    municipalities: municipalities.flatMap((doc) => located(doc) ?? []),
    drafts: municipalities.flatMap(({ file, data, locator }) => (locator ? [{ file, value: data, locator }] : [])),
    officialList: official.list,
  });
  const misnamed = names.filter((n) => n.endsWith(".yml")).map((n) => wrongExtension(posix.join(dir, n)));
  // The earlier revision is only compared with: its own problems are not this one's, so no rules run on it.
  const history = base
    ? positioned(compareRevisions(readRevision(base, dir, cache).revision, revision), municipalities)
    : [];

  const reported = new Set(selected ?? municipalityFiles);
  const inFolder = new Set(municipalityFiles);
  const isReported = (file: string) => reported.has(file) || !inFolder.has(file);
  const diagnostics = [
    ...platform.diagnostics,
    ...tierFolder.diagnostics,
    ...folder.diagnostics,
    ...tiers.flatMap((doc) => doc.diagnostics),
    ...official.diagnostics,
    ...(selected ? [] : misnamed),
    ...municipalities.flatMap((doc) => doc.diagnostics),
    ...ruleDiagnostics,
    ...history,
  ]
    .filter((d) => isReported(d.file))
    .map((d): Diagnostic => (strict && d.severity === "warning" ? { ...d, severity: "error" } : d))
    .sort(byPosition);

  return {
    platform: revision.platform,
    tiers: revision.tiers,
    municipalities: revision.municipalities.filter(({ file }) => reported.has(file)),
    diagnostics,
    checkedFiles: [PLATFORM_FILE, ...tiers.map((t) => t.file), ...municipalityFiles.filter((f) => reported.has(f))],
  };
}

/** One plan per formalized municipality; throws if the fleet has errors (callers report them first). */
export function planFleet(fleet: Fleet): InstancePlan[] {
  if (hasErrors(fleet.diagnostics) || !fleet.platform) {
    throw new Error("planFleet needs a fleet without errors; report fleet.diagnostics first");
  }
  const platform = fleet.platform;
  return fleet.municipalities
    .filter(({ municipality }) => isFormalized(municipality.spec.phase))
    .map(({ file, municipality }) => {
      const tier = fleet.tiers.get(municipality.spec.tier);
      if (!tier) throw new Error(`${file}: tier ${municipality.spec.tier} is not loaded`);
      return planInstance({ municipality, tier, platform, sourceFile: file });
    });
}

/** The documents of one revision: platform.yaml, the tiers and the municipality files (the folder's, and `selected`). */
function readRevision(
  source: FileSource,
  dir: string,
  cache: DocumentCache | undefined,
  selected: readonly string[] = [],
) {
  const loadDocument = cachedLoader(cache);
  const platform = loadDocument(source, PLATFORM_FILE, platformSchema);
  const tierFolder = listFolder(source, TIERS_DIR);
  const tiers = tierFolder.names
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => loadDocument(source, posix.join(TIERS_DIR, name), tierSchema));
  const tierMap = new Map<TierId, Tier>();
  for (const { value } of tiers) if (value) tierMap.set(value.metadata.name, value);
  const folder = listFolder(source, dir);
  const municipalityFiles = [
    ...new Set([...folder.names.filter((n) => n.endsWith(".yaml")).map((n) => posix.join(dir, n)), ...selected]),
  ];
  const municipalities = municipalityFiles.map((file) => loadDocument(source, file, municipalitySchema));
  const valid = municipalities.flatMap(({ file, value }) => (value ? [{ file, municipality: value }] : []));
  const revision: Revision = {
    municipalities: valid,
    files: new Set(municipalityFiles),
    platform: platform.value,
    tiers: tierMap,
  };
  return { platform, tierFolder, tiers, folder, municipalityFiles, municipalities, revision };
}

/** Diagnostics that name a field, positioned in the documents they judge (a removed file has none: it stays whole-file). */
function positioned(diagnostics: readonly Diagnostic[], documents: readonly LoadedDocument<unknown>[]): Diagnostic[] {
  const locators = new Map(documents.map((doc) => [doc.file, doc.locator]));
  return diagnostics.map((d) => {
    const locator = locators.get(d.file);
    return locator && d.path ? { ...d, ...locator.value(d.path.split(".")) } : d;
  });
}

/** loadDocument, through the cache when there is one. */
function cachedLoader(cache: DocumentCache | undefined): typeof loadDocument {
  if (!cache) return loadDocument;
  return (source, file, schema) => {
    // A missing or refused file: loadDocument reports it.
    const { bytes } = readInput(source, file, "");
    if (!bytes) return loadDocument(source, file, schema);
    const hit = cache.get(file);
    if (hit && hit.schema === schema && Buffer.compare(hit.bytes, bytes) === 0)
      return hit.document as ReturnType<typeof loadDocument<typeof schema>>;
    const document = validateBytes(bytes, file, schema);
    cache.set(file, { bytes, schema, document });
    return document;
  };
}

function located<T>(doc: LoadedDocument<T>): Located<T> | undefined {
  return doc.value !== undefined && doc.locator
    ? { file: doc.file, value: doc.value, locator: doc.locator }
    : undefined;
}

/** A .yml file would be skipped silently; say so instead. */
function wrongExtension(file: string): Diagnostic {
  return fileDiagnostic(file, `municipality files end in .yaml; rename to ${posix.basename(file, ".yml")}.yaml`);
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column;
}
