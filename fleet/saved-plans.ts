/**
 * Saved plans: `fleet plan --out DIR` keeps each stack's plan with a record of
 * what it was made against; `fleet apply --plans DIR` applies exactly those,
 * and refuses, per stack, one whose state or configuration moved since.
 *
 *   DIR/<stack>.tfplan   the engine's plan file, encrypted by the stack's
 *                        `encryption.plan` (it holds the prior state, every
 *                        password of the instance): --out requires state
 *                        encryption, and OpenTofu refuses to write or read an
 *                        unencrypted plan when it is enforced
 *   DIR/<stack>.json     its record: the engine, the stack folder's
 *                        configuration digest (fleet/stack-folder.ts), the
 *                        state's lineage and serial before the plan, the plan
 *                        file's digest, the plan's summary, and a MAC; a
 *                        stack whose plan had no changes has a record with
 *                        no plan file (planDigest null): apply reports it
 *                        `no-changes` and runs nothing for it
 *   DIR/summary.md       the plan run's summary, for the person who approves
 *
 * DIR comes back from CI artifacts, which anyone who can push a branch shapes,
 * so it is read like the fleet's other files: the folder and each entry must
 * be real (no link is followed), regular files only, each bounded in size,
 * names matched to stack names exactly. The record is authenticated with a key
 * derived from the state passphrase (PBKDF2, as costly to guess from as the
 * state's own key): only someone who could make the plan can make its record,
 * and a record cannot be moved to another stack or point at another plan file.
 */
import { createHash, createHmac, pbkdf2Sync, timingSafeEqual } from "node:crypto";
import { mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { dnsLabel } from "../core/schema/fields.ts";
import { printable } from "../core/printable.ts";
import { RefusedPath } from "../core/source.ts";
import { readRegularFile } from "../sources/working-tree.ts";
import { UsageError } from "../shell/exit.ts";
import { plainKind } from "../shell/plain-path.ts";
import { ENGINE_NAMES, type Engine } from "./engine.ts";
import { writeOutput } from "../shell/output-file.ts";
import { readJsonFile } from "./read-json.ts";
import type { FleetStack } from "./selection.ts";

export const SAVED_PLAN_VERSION = 1;
/** A stack's plan holds its prior state: a few hundred KiB; 64 MiB is far beyond any. */
export const MAX_PLAN_BYTES = 64 * 1024 * 1024;
/** A whole fleet's plans and records, with room to spare. */
const MAX_ENTRIES = 4 * 10_000;
export const SUMMARY_FILE = "summary.md";
const NAME = /^(sei-[a-z0-9-]{1,59})\.(tfplan|json)$/;

const stateSchema = z.strictObject({ lineage: z.string().min(1).max(100), serial: z.number().int().nonnegative() });
export type StateIdentity = z.output<typeof stateSchema>;

const recordSchema = z.strictObject({
  schemaVersion: z.literal(SAVED_PLAN_VERSION),
  stack: dnsLabel(63),
  engine: z.strictObject({ name: z.enum(ENGINE_NAMES), version: z.string().max(100) }),
  plannedAt: z.iso.datetime(),
  /** sha256 of the synthesized stack folder the plan was made from. */
  configDigest: z.string().regex(/^[0-9a-f]{64}$/),
  /** The state the plan was made against; null when the stack had none yet. */
  state: stateSchema.nullable(),
  /** sha256 of the plan file; null when the plan had no changes and none was saved. */
  planDigest: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  summary: z.strictObject({
    add: z.number().int().nonnegative(),
    change: z.number().int().nonnegative(),
    destroy: z.number().int().nonnegative(),
    drifted: z.array(z.string().max(1000)).max(10_000),
  }),
  /** HMAC-SHA256 of the record without this field, keyed from the state passphrase. */
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});
export type SavedPlanRecord = z.output<typeof recordSchema>;
export type UnsignedRecord = Omit<SavedPlanRecord, "mac">;

/** The key that signs records: derived once per run from the state passphrase (about a second of CPU). */
export function recordKey(passphrase: string): Buffer {
  return pbkdf2Sync(passphrase, "sei-infra fleet saved plan record v1", 600_000, 32, "sha512");
}

function macOf(record: UnsignedRecord, key: Buffer): string {
  return createHmac("sha256", key).update(JSON.stringify(record)).digest("hex");
}

export const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** Creates DIR (mode 700) for a plan run; it must not exist or be empty, so old plans never mix with new ones. */
export function prepareOutDir(cwd: string, dir: string): string {
  const path = resolve(cwd, dir);
  if (plainKind(path, `--out ${dir}`, "folder") && readdirSync(path).length > 0)
    throw new UsageError(`--out ${printable(dir)}: the folder is not empty; give a new one, so old plans never mix in`);
  mkdirSync(path, { recursive: true, mode: 0o700 });
  return path;
}

/** Writes a stack's plan file (none for a plan without changes) and its signed record into DIR (each whole or not at all, mode 600). */
export function savePlan(cwd: string, dir: string, plan: Buffer | null, record: UnsignedRecord, key: Buffer): void {
  if (plan) writeOutput(cwd, join(dir, `${record.stack}.tfplan`), plan, 0o600);
  const signed: SavedPlanRecord = { ...record, mac: macOf(record, key) };
  writeOutput(cwd, join(dir, `${record.stack}.json`), `${JSON.stringify(signed, null, 2)}\n`, 0o600);
}

export interface SavedPlan {
  readonly record: SavedPlanRecord;
  /** Absolute path of the plan file (read, bounded and checked against planDigest, when its stack runs); null for no changes. */
  readonly planFile: string | null;
}

/**
 * The saved plans in DIR for the selected stacks, checked: names, kinds and
 * sizes of every entry, each record's schema, stack name and MAC. A plan for a
 * stack outside the selection is left alone (named in `notSelected`). Any
 * fault is a usage error naming the file: nothing has run yet.
 */
export function readSavedPlans(
  cwd: string,
  dir: string,
  stacks: readonly FleetStack[],
  key: Buffer,
): { plans: Map<string, SavedPlan>; notSelected: string[] } {
  const path = resolve(cwd, dir);
  const label = (name?: string) => printable(name ? join(dir, name) : dir);
  if (!plainKind(path, `--plans ${dir}`, "folder")) throw new UsageError(`--plans ${label()}: no such folder`);
  const entries = readdirSync(path, { withFileTypes: true });
  if (entries.length > MAX_ENTRIES) throw new UsageError(`--plans ${label()}: more than ${MAX_ENTRIES} entries`);
  const found = new Map<string, Set<string>>();
  for (const entry of entries) {
    plainKind(join(path, entry.name), join(dir, entry.name), "file");
    if (entry.name === SUMMARY_FILE) continue;
    const match = NAME.exec(entry.name);
    if (!match)
      throw new UsageError(`${label(entry.name)}: not a saved plan (<stack>.tfplan and <stack>.json, ${SUMMARY_FILE})`);
    found.set(match[1]!, (found.get(match[1]!) ?? new Set()).add(match[2]!));
  }
  const selected = new Set(stacks.map((s) => s.name));
  const plans = new Map<string, SavedPlan>();
  const notSelected: string[] = [];
  for (const [stack, kinds] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
    if (!kinds.has("json")) throw new UsageError(`${label(`${stack}.tfplan`)}: has no record beside it`);
    if (!selected.has(stack)) {
      notSelected.push(stack);
      continue;
    }
    const record = readJsonFile(cwd, join(dir, `${stack}.json`), recordSchema, "saved plan record");
    const { mac, ...unsigned } = record;
    const expected = Buffer.from(macOf(unsigned, key), "hex");
    if (!timingSafeEqual(expected, Buffer.from(mac, "hex")))
      throw new UsageError(
        `${label(`${stack}.json`)}: its MAC does not match: not made by \`fleet plan --out\` with this state key, or changed since`,
      );
    if (record.stack !== stack)
      throw new UsageError(`${label(`${stack}.json`)}: is the record of ${printable(record.stack)}, not of ${stack}`);
    if ((record.planDigest !== null) !== kinds.has("tfplan"))
      throw new UsageError(
        `${label(`${stack}.json`)}: ${kinds.has("tfplan") ? "records a plan without changes, yet a plan file is beside it" : "has no plan file beside it"}`,
      );
    plans.set(stack, { record, planFile: record.planDigest === null ? null : join(path, `${stack}.tfplan`) });
  }
  return { plans, notSelected };
}

/** A saved plan's bytes, bounded, never through a link, and exactly the file its record names. */
export function readPlanFile(saved: SavedPlan): Buffer {
  if (saved.planFile === null) throw new Error("the saved plan has no changes: there is no plan file to apply");
  let bytes: Buffer | undefined;
  try {
    bytes = readRegularFile(saved.planFile, MAX_PLAN_BYTES);
  } catch (error) {
    if (!(error instanceof RefusedPath)) throw error;
    throw new Error(`the saved plan ${error.message}`);
  }
  if (!bytes) throw new Error("the saved plan file is gone");
  if (sha256(bytes) !== saved.record.planDigest)
    throw new Error("the saved plan file is not the one its record names (its digest differs)");
  return bytes;
}

/** Why a saved plan cannot be applied any more, or undefined when it still fits. */
export function movedSince(
  record: SavedPlanRecord,
  now: { readonly engine: Engine; readonly configDigest: string; readonly state: StateIdentity | null },
): string | undefined {
  if (record.engine.name !== now.engine.name || record.engine.version !== now.engine.version)
    return `planned with ${record.engine.name} ${printable(record.engine.version)}, this is ${now.engine.name} ${now.engine.version}: plan again`;
  if (record.configDigest !== now.configDigest)
    return "the configuration changed since the plan (code, data or chart: the synthesized stack differs): plan again";
  const was = record.state;
  const is = now.state;
  if (was === null && is === null) return undefined;
  if (was === null)
    return `the state changed since the plan: the stack had no state, now it has (serial ${is!.serial}): plan again`;
  if (is === null) return "the state changed since the plan: it is gone: plan again";
  if (was.lineage !== is.lineage)
    return `the state changed since the plan: another state (lineage ${printable(was.lineage)} is now ${is.lineage}): plan again`;
  if (was.serial !== is.serial)
    return `the state changed since the plan (serial ${was.serial} is now ${is.serial}: applied by someone else): plan again`;
  return undefined;
}

/**
 * Lineage and serial of `state pull`'s output (the state in clear, read in
 * memory and dropped); null for no state: nothing printed (local backend), or
 * the empty state a pg backend shows before anything was written to it
 * (lineage "", serial 0).
 */
export function stateIdentity(pulled: string): StateIdentity | null {
  if (pulled.trim() === "") return null;
  const { lineage, serial } = JSON.parse(pulled) as { lineage?: unknown; serial?: unknown };
  if (lineage === "" && serial === 0) return null;
  const state = stateSchema.safeParse({ lineage, serial });
  if (!state.success) throw new Error("state pull printed a state without lineage and serial");
  return state.data;
}
