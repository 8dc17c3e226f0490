/**
 * Chart test helpers: the real helm CLI (scripts/tools/helm.sh, built from the Go
 * module and cached outside the repository), the chart's values schema, and the
 * Kubernetes OpenAPI v3 schemas of one release (scripts/tools/k8s-openapi.sh),
 * applied strictly like `kubeconform --strict`: an unknown field is an error.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { Ajv, type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";
import { CHART_DIR } from "../../scripts/chart-ci-values.ts";
import { compileSchema } from "../support/ajv.ts";
import { REPO_ROOT, TIER_IDS, examplePlan } from "../../scripts/lib/example-plan.ts";
import type { InstancePlan } from "../../core/plan.ts";
import type { HelmValues } from "../../core/schema/helm-values.ts";
import { PHASES, isFormalized, type Phase, type TierId } from "../../core/schema/municipality.ts";

export { CHART_DIR };

const run = promisify(execFile);

/** A rendered Kubernetes object; tests read fields through the helpers below. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  [key: string]: unknown;
}

function tool(script: string): string {
  // The first call may build helm (minutes); later ones only check the cache.
  return execFileSync("bash", [join(REPO_ROOT, "scripts", "tools", script)], {
    encoding: "utf8",
    timeout: 900_000,
  }).trim();
}

export interface HelmTools {
  readonly helm: string;
  /** Folder with api/openapi-spec/v3/*.json of one Kubernetes release. */
  readonly openApiDir: string;
  /** That release ("v1.37.2"): helm renders for it, so capabilities and schemas agree. */
  readonly kubeVersion: string;
}

let tools: HelmTools | undefined;

export function helmTools(): HelmTools {
  if (!tools) {
    const openApiDir = tool("k8s-openapi.sh");
    tools = { helm: tool("helm.sh"), openApiDir, kubeVersion: basename(openApiDir) };
  }
  return tools;
}

/** Runs helm with the values object written to a temporary file; rejects with helm's stderr. */
async function helmWithValues(args: readonly string[], values: unknown): Promise<string> {
  const { helm, kubeVersion } = helmTools();
  const dir = mkdtempSync(join(tmpdir(), "sei-chart-"));
  try {
    const file = join(dir, "values.json"); // JSON is YAML
    writeFileSync(file, JSON.stringify(values));
    const { stdout } = await run(helm, [...args, "--kube-version", kubeVersion, "-f", file], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    throw new Error(stderr ? stderr.trim() : String(error));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `helm template` of the chart as release "sei" (the name the SeiRelease construct uses). */
export async function helmTemplate(values: unknown): Promise<Manifest[]> {
  const out = await helmWithValues(["template", "sei", CHART_DIR, "--namespace", "sei-exemplo"], values);
  return parseAllDocuments(out)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`helm rendered invalid YAML: ${doc.errors[0]!.message}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

/** One release the plan gives: a tier in a phase that deploys one (formalized, not decommissioned), and its values. */
export interface ReleaseCase {
  readonly tier: TierId;
  readonly phase: Phase;
  /** "tier/phase", the case's name in test titles. */
  readonly name: string;
  /** The plan the values come from: what the values no longer carry (the database, the directory) is read here. */
  readonly plan: InstancePlan;
  readonly values: HelmValues;
}

/** Every release the plan gives: each tier in each formalized phase that has one. */
export function releaseCases(): ReleaseCase[] {
  return TIER_IDS.flatMap((tier) =>
    PHASES.filter(isFormalized).flatMap((phase) => {
      const plan = examplePlan({ tier, phase });
      return plan.release ? [{ tier, phase, name: `${tier}/${phase}`, plan, values: plan.release.values }] : [];
    }),
  );
}

/**
 * `helm template` of each case, once per test file: `render` in beforeAll (helm is built first, once), then
 * `manifestsOf(c)` in the tests.
 */
export function chartRenders(cases: readonly ReleaseCase[]) {
  const rendered = new Map<string, Manifest[]>();
  return {
    async render(): Promise<void> {
      helmTools();
      const all = await Promise.all(cases.map(async (c) => [c.name, await helmTemplate(c.values)] as const));
      for (const [name, manifests] of all) rendered.set(name, manifests);
    },
    manifestsOf(c: ReleaseCase): Manifest[] {
      const manifests = rendered.get(c.name);
      if (!manifests) throw new Error(`${c.name}: not rendered (call render in beforeAll)`);
      return manifests;
    },
  };
}

/** `helm lint --strict` of the chart with one values file; resolves to helm's output. */
export async function helmLint(valuesFile: string): Promise<string> {
  const values: unknown = parseAllDocuments(readFileSync(valuesFile, "utf8"))[0]?.toJS();
  return helmWithValues(["lint", "--strict", CHART_DIR], values);
}

/** The chart's values.schema.json, compiled. */
export function valuesSchemaValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(join(CHART_DIR, "values.schema.json"), "utf8")) as object;
  return compileSchema(schema, { strict: true });
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * OpenAPI v3 component schemas → JSON Schema (draft-07) for ajv: refs point at
 * `definitions`, every object schema that lists properties gets
 * additionalProperties: false (unless it preserves unknown fields), and
 * x-kubernetes-int-or-string becomes integer-or-string.
 */
function strictSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(strictSchema);
  if (node === null || typeof node !== "object") return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "description" || key.startsWith("x-kubernetes-")) continue;
    if (key === "$ref" && typeof value === "string")
      out[key] = value.replace("#/components/schemas/", "#/definitions/");
    else if (key === "properties" && value && typeof value === "object" && !Array.isArray(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, strictSchema(schema)]));
    } else out[key] = strictSchema(value);
  }
  if (node["x-kubernetes-int-or-string"] === true) {
    delete out.type;
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (
    out.properties !== undefined &&
    out.additionalProperties === undefined &&
    node["x-kubernetes-preserve-unknown-fields"] !== true
  ) {
    out.additionalProperties = false;
  }
  return out;
}

interface OpenApiDoc {
  components?: {
    schemas?: Record<
      string,
      Json & { "x-kubernetes-group-version-kind"?: { group: string; version: string; kind: string }[] }
    >;
  };
}

/** Validates rendered objects against the Kubernetes API schemas of one release, strictly. */
export class KubernetesSchemas {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly loaded = new Set<string>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly files: Set<string>;

  constructor(private readonly openApiDir: string) {
    this.files = new Set(readdirSync(openApiDir));
  }

  /** Error messages for one object; empty when it is valid. */
  validate(object: Manifest): string[] {
    const where = `${object.kind}/${object.metadata?.name}`;
    const validator = this.validator(object.apiVersion, object.kind);
    if (!validator) return [`${where}: no schema for ${object.apiVersion} ${object.kind} in ${this.openApiDir}`];
    if (validator(object)) return [];
    return (validator.errors ?? []).map((e) => `${where}${e.instancePath}: ${e.message} ${JSON.stringify(e.params)}`);
  }

  private validator(apiVersion: string, kind: string): ValidateFunction | undefined {
    const key = `${apiVersion} ${kind}`;
    const cached = this.validators.get(key);
    if (cached) return cached;
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    const file = group ? `apis__${group}__${version}_openapi.json` : `api__${version}_openapi.json`;
    if (!this.files.has(file)) return undefined;
    const id = `https://kubernetes.invalid/${file}`;
    const schemas =
      (JSON.parse(readFileSync(join(this.openApiDir, file), "utf8")) as OpenApiDoc).components?.schemas ?? {};
    if (!this.loaded.has(id)) {
      this.ajv.addSchema({ $id: id, definitions: strictSchema(schemas as Json) }, id);
      this.loaded.add(id);
    }
    const name = Object.keys(schemas).find((n) =>
      schemas[n]!["x-kubernetes-group-version-kind"]?.some(
        (gvk) => gvk.group === group && gvk.version === version && gvk.kind === kind,
      ),
    );
    if (!name) return undefined;
    const validator = this.ajv.compile({ $ref: `${id}#/definitions/${name}` });
    this.validators.set(key, validator);
    return validator;
  }
}

// ---- reading rendered objects ----

export interface Probe {
  exec?: { command: string[] };
  httpGet?: { path: string; port: string | number };
  tcpSocket?: { port: string | number };
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: Record<string, unknown>;
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  volumes?: {
    name: string;
    persistentVolumeClaim?: { claimName: string };
    emptyDir?: { medium?: string; sizeLimit?: string };
    configMap?: object;
  }[];
}

export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "Job"]);

export function workloads(manifests: readonly Manifest[]): Manifest[] {
  return manifests.filter((m) => WORKLOAD_KINDS.has(m.kind));
}

export function podTemplate(workload: Manifest): PodTemplate {
  return (workload.spec as { template: PodTemplate }).template;
}

export function find(manifests: readonly Manifest[], kind: string, name: string): Manifest | undefined {
  return manifests.find((m) => m.kind === kind && m.metadata.name === name);
}

export function get(manifests: readonly Manifest[], kind: string, name: string): Manifest {
  const found = find(manifests, kind, name);
  if (!found)
    throw new Error(`no ${kind} ${name} among ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(", ")}`);
  return found;
}

export function allContainers(workload: Manifest): Container[] {
  const { spec } = podTemplate(workload);
  return [...(spec.initContainers ?? []), ...spec.containers];
}
