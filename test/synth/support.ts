/**
 * Synthesis helpers for the tests: real stacks built exactly as the app
 * builds them (buildFleetApp, our prepareStack), read back as JSON, and the
 * app itself run as a child process the way cdktf.json runs it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import type { InstancePlan } from "../../core/plan.ts";
import { buildFleetApp, stackInputs } from "../../stacks/fleet-app.ts";
import type { MunicipalityStack, StackInputs } from "../../stacks/municipality-stack.ts";
import { REPO_ROOT, examplePlan } from "../../scripts/lib/example-plan.ts";
import { mapFiles } from "../../scripts/lib/file-tree.ts";

export { REPO_ROOT };

/** A synthesized stack, as Terraform JSON (without cdktf's "//" metadata). */
export interface StackJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: unknown }>;
  readonly provider?: Record<string, unknown[]>;
  readonly terraform?: { backend?: Record<string, Record<string, unknown>>; encryption?: Record<string, unknown> };
}

const scratch: string[] = [];

/** A temporary folder removed by `cleanScratch` (call it in afterAll). */
export function scratchDir(prefix = "sei-synth-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

export function cleanScratch(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

let inputs: StackInputs | undefined;

/** The stacks' inputs as the app computes them for the repository's cdktf.out (the chart packaged once). */
export function appInputs(): StackInputs {
  inputs ??= stackInputs(REPO_ROOT, join(REPO_ROOT, "cdktf.out"), [examplePlan({ tier: "medio" })]);
  return inputs;
}

/** Builds one stack as the app does and returns it with its JSON. */
export function synthStack(plan: InstancePlan): { stack: MunicipalityStack; text: string; json: StackJson } {
  const { stacks } = buildFleetApp([plan], { inputs: appInputs(), outdir: scratchDir() });
  const stack = stacks[0]!;
  stack.prepareStack();
  const text = Testing.synth(stack);
  return { stack, text, json: JSON.parse(text) as StackJson };
}

/** Resources of one type, by Terraform name. */
export function resourcesOf(json: StackJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}

/** The one resource of a type; fails when there are none or several. */
export function onlyResource(json: StackJson, type: string): Record<string, unknown> {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0]!;
}

/** A container's environment entry in the stack's JSON: a plain value, or a key of a Secret. */
export interface EnvEntry {
  name: string;
  value?: string;
  value_from?: { secret_key_ref: { name: string; key: string } };
}

/** A kubernetes_job_v1 resource, the parts the tests read. */
export interface JobResource {
  metadata: { name: string };
  depends_on?: string[];
  wait_for_completion?: boolean;
  spec: {
    template: {
      metadata: { labels: Record<string, string> };
      spec: { container: { image: string; command: string[]; env: EnvEntry[] }[] };
    };
  };
}

/** A kubernetes_secret_v1 resource, the parts the tests read. */
export interface SecretResource {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  data: Record<string, string>;
  lifecycle?: { prevent_destroy?: boolean; precondition?: { condition: string; error_message: string }[] };
}

/** The Jobs by Kubernetes name, each with its Terraform name and address. */
export function jobsByName(json: StackJson): Record<string, { id: string; job: JobResource; ref: string }> {
  return Object.fromEntries(
    Object.entries(resourcesOf(json, "kubernetes_job_v1") as unknown as Record<string, JobResource>).map(
      ([id, job]) => [job.metadata.name, { id, job, ref: `kubernetes_job_v1.${id}` }],
    ),
  );
}

/** The Secret resources, in the stack's order. */
export function secretsOf(json: StackJson): SecretResource[] {
  return Object.values(resourcesOf(json, "kubernetes_secret_v1")) as unknown as SecretResource[];
}

/** The Secret of that Kubernetes name; fails when the stack has none. */
export function secretNamed(json: StackJson, name: string): SecretResource {
  const secret = secretsOf(json).find((s) => s.metadata.name === name);
  if (!secret) throw new Error(`no Secret ${name} in the stack`);
  return secret;
}

/** Replaces the chart's digest, so a snapshot of the stack holds across chart edits (the digest has its own tests). */
export function portable(text: string): string {
  return text.replace(/sei-[0-9a-f]{64}\.tgz/g, "sei-<chart digest>.tgz");
}

export interface AppRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the cdktf app exactly as cdktf.json says, with extra environment. */
export function runApp(env: Record<string, string>): AppRun {
  const app = (JSON.parse(readFileSync(join(REPO_ROOT, "cdktf.json"), "utf8")) as { app: string }).app;
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  // The tests' own runner variables must not leak into the app.
  for (const key of [
    "SEI_ONLY",
    "SEI_MUNICIPALITIES_DIR",
    "CDKTF_OUTDIR",
    "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS",
  ]) {
    if (!(key in env)) delete childEnv[key];
  }
  const result = spawnSync(app, { cwd: REPO_ROOT, env: childEnv, shell: true, encoding: "utf8", timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file below a folder, by relative path, with its content. */
export function tree(dir: string): Record<string, string> {
  return mapFiles(dir, (path) => readFileSync(path, "utf8"));
}
