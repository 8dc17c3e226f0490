/**
 * The chart's values contract (core/schema/helm-values.ts): the generated
 * values.schema.json accepts exactly the HelmValues the plan produces (every tier, every phase with a release) and rejects a
 * misspelt or mistyped value; values.yaml has the same shape; the ci values
 * files are what the plan gives today; helm itself refuses bad values.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { helmValuesSchema, type HelmValues } from "../../core/schema/helm-values.ts";
import { PHASES, isFormalized } from "../../core/schema/municipality.ts";
import { chartCiValueFiles, staleCiValueFiles } from "../../scripts/chart-ci-values.ts";
import { TIER_IDS, examplePlan } from "../../scripts/lib/example-plan.ts";
import { CHART_DIR, allContainers, helmTemplate, valuesSchemaValidator, workloads } from "./support.ts";

const validate = valuesSchemaValidator();
const errorsOf = (values: unknown): string[] =>
  validate(values) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

const planValues = (tier: (typeof TIER_IDS)[number], phase: (typeof PHASES)[number] = "production"): HelmValues => {
  const release = examplePlan({ tier, phase }).release;
  if (!release) throw new Error(`${tier}/${phase} has no release`);
  return release.values;
};

const cases = TIER_IDS.flatMap((tier) =>
  PHASES.filter(isFormalized).flatMap((phase) => (examplePlan({ tier, phase }).release ? [{ tier, phase }] : [])),
);

/** Every key path of a JSON value, arrays collapsed to "[]". */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value))
    return value.length === 0 ? [`${prefix}[]`] : value.flatMap((v) => keyPaths(v, `${prefix}[]`));
  if (value === null || typeof value !== "object") return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
}

describe("values.schema.json", () => {
  it.each(cases.map((c) => [`${c.tier}/${c.phase}`, c] as const))("accepts the plan's values for %s", (_, c) => {
    expect(errorsOf(planValues(c.tier, c.phase))).toEqual([]);
  });

  it("accepts values.yaml, whose keys are exactly the HelmValues keys", () => {
    const defaults: unknown = parse(readFileSync(join(CHART_DIR, "values.yaml"), "utf8"));
    expect(errorsOf(defaults)).toEqual([]);
    // The zod contract itself, not only the JSON Schema generated from it.
    expect(helmValuesSchema.safeParse(defaults).error?.issues ?? []).toEqual([]);
    const uniq = (paths: string[]) => [...new Set(paths.map((p) => p.replace(/\[\]\..*$/, "[]")))].sort();
    expect(uniq(keyPaths(defaults))).toEqual(uniq(keyPaths(planValues("metropole"))));
  });

  // Each case breaks one value of a valid object; the schema must name the place.
  const broken: [string, (v: HelmValues & Record<string, unknown>) => void, string][] = [
    ["an unknown top-level key", (v) => void (v.replicas = 2), "must NOT have additional properties"],
    [
      "a misspelt nested key",
      (v) => void ((v.app as Record<string, unknown>).replica = (v.app as { replicas: number }).replicas),
      "must NOT have additional properties",
    ],
    [
      "a missing key",
      (v) => void delete (v.solr.data as Partial<HelmValues["solr"]["data"]>).existingClaim,
      "must have required property 'existingClaim'",
    ],
    [
      "replicas as a string",
      (v) => void ((v.app as Record<string, unknown>).replicas = "2"),
      "/app/replicas must be integer",
    ],
    [
      "a CPU quantity with a space",
      (v) => void (v.app.resources.requests.cpu = "250 m"),
      "/app/resources/requests/cpu must match pattern",
    ],
    [
      "a memory quantity in millis",
      (v) => void (v.memcached.resources.limits.memory = "128m"),
      "/memcached/resources/limits/memory must match pattern",
    ],
    [
      "an unknown tier",
      (v) => void ((v.municipality as Record<string, unknown>).tier = "enorme"),
      "/municipality/tier must be equal to one of the allowed values",
    ],
    [
      "the contracted phase (nothing deploys)",
      (v) => void ((v.municipality as Record<string, unknown>).phase = "contracted"),
      "/municipality/phase must be equal to one of the allowed values",
    ],
    ["two Solr replicas on one claim", (v) => void (v.solr.replicas = 2), "/solr/replicas must be <= 1"],
    [
      "another component label key",
      (v) => void ((v as Record<string, unknown>).componentLabel = "component"),
      "/componentLabel must be equal to one of the allowed values",
    ],
    ["a body size with a space", (v) => void (v.ingress.bodySize = "510 m"), "/ingress/bodySize must match pattern"],
    ["an upper-case host", (v) => void (v.host = "SEI.Exemplo.mg.gov.br"), "/host must match pattern"],
    [
      "a variable name in lower case",
      (v) => void (v.env.settings[0]!.name = "app_host"),
      "/env/settings/0/name must match pattern",
    ],
    [
      "an IBGE code as a number",
      (v) => void ((v.municipality as Record<string, unknown>).ibgeCode = 3170206),
      "/municipality/ibgeCode must be string",
    ],
    [
      "a digest without its algorithm",
      (v) => void (v.solr.image.digest = v.solr.image.digest.replace("sha256:", "")),
      "/solr/image/digest must match pattern",
    ],
    [
      "a digest written into the tag",
      (v) => void (v.jod.image.tag = `${v.jod.image.tag}@${v.jod.image.digest}`),
      "/jod/image/tag must match pattern",
    ],
    [
      "a pull secret with an extra key",
      (v) => void (v.imagePullSecrets = [{ name: "x", namespace: "y" } as { name: string }]),
      "/imagePullSecrets/0 must NOT have additional properties",
    ],
  ];

  it.each(broken)("rejects %s", (_, breakIt, message) => {
    const values = structuredClone(planValues("medio")) as HelmValues & Record<string, unknown>;
    breakIt(values);
    expect(errorsOf(values).join("\n")).toContain(message);
  });
});

/** The value at a dotted key path ("solr.scratch.tmp"), or undefined. */
const at = (value: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);

describe("values.yaml's image facts", () => {
  // What comes from core/image-contract.ts through the plan, the same in every tier and phase: the defaults a reader of
  // values.yaml (or `helm install` without our values) sees must be those facts, not an older copy of them.
  const CONTRACT_PATHS = [
    ...["app", "solr", "memcached", "jod"].flatMap((c) => [`${c}.port`, `${c}.user`]),
    ...["app", "solr", "jod"].map((c) => `${c}.scratch`), // memcached keeps nothing on disk
    "bootstrap.user",
    "bootstrap.scratch",
    "app.probe",
    "solr.probes",
    "solr.data.mountPath",
    "solr.env",
    "jod.env",
    "documents.mountPath",
    "temp.mountPath",
  ];
  const defaults: unknown = parse(readFileSync(join(CHART_DIR, "values.yaml"), "utf8"));

  it.each(CONTRACT_PATHS)("%s is what the plan gives every tier", (path) => {
    const planned = cases.map((c) => at(planValues(c.tier, c.phase), path)).filter((v) => v !== undefined);
    expect(planned.length).toBeGreaterThan(0);
    // Solr's heap is a tier size inside solr.env; every other entry is a fact.
    const facts = (v: unknown) =>
      path === "solr.env" ? JSON.parse(JSON.stringify(v).replace(/"SOLR_HEAP","value":"[^"]*"/, '"SOLR_HEAP"')) : v;
    for (const value of planned) expect(facts(value)).toEqual(facts(planned[0]));
    expect(facts(at(defaults, path))).toEqual(facts(planned[0]));
  });
});

describe("ci/<tier>-values.yaml", () => {
  it("exist for every tier and equal what scripts/chart-ci-values.ts generates from the plan", () => {
    const files = chartCiValueFiles();
    expect(files.map((f) => f.tier)).toEqual([...TIER_IDS]);
    expect(
      staleCiValueFiles(files).map((f) => f.path),
      "stale: run npx tsx scripts/chart-ci-values.ts",
    ).toEqual([]);
  });
});

describe("helm enforces the contract", () => {
  it("refuses to render a misspelt value", async () => {
    const values = structuredClone(planValues("pequeno-i")) as HelmValues & Record<string, unknown>;
    (values.ingress as Record<string, unknown>).stickySesions = true;
    await expect(helmTemplate(values)).rejects.toThrow(/stickySesions/);
  });

  it("renders repository:tag@digest for a pinned image and repository:tag for a tag-only one", async () => {
    const values = structuredClone(planValues("medio"));
    values.memcached.image.digest = "";
    const images = workloads(await helmTemplate(values))
      .flatMap((m) => allContainers(m))
      .map((c) => c.image);
    const { repository, tag, digest } = values.jod.image;
    expect(images).toContain(`${repository}:${tag}@${digest}`);
    expect(images).toContain(`${values.memcached.image.repository}:${values.memcached.image.tag}`);
  });

  it("refuses a probe that would leave its quotes in the pod's shell", async () => {
    for (const path of ['/sip/login.php" ; rm -rf /tmp; "', "/sip/$(id)", "/sip/`id`"]) {
      const values = structuredClone(planValues("medio"));
      values.app.probe.path = path;
      await expect(helmTemplate(values), path).rejects.toThrow(/app\.probe\.path|app\/probe\/path/);
    }
    const values = structuredClone(planValues("medio"));
    values.app.probe.bodyContains = "x' ; id ; '";
    await expect(helmTemplate(values)).rejects.toThrow(/bodyContains/);
  });

  it("refuses an env entry that is both a value and a Secret key, or a secret value without a name", async () => {
    const values = structuredClone(planValues("medio")) as HelmValues;
    const ref = { secretKeyRef: { name: "sei-app-secrets", key: "SOLR_PASSWORD" } };
    (values.env.app as unknown[]).push({ name: "SOLR_PASSWORD", value: "hunter2", valueFrom: ref });
    await expect(helmTemplate(values)).rejects.toThrow(/env/);
    const unnamed = structuredClone(planValues("medio")) as HelmValues;
    (unnamed.env.scheduler as unknown[]).push({ name: "solr password", value: "x" });
    await expect(helmTemplate(unnamed)).rejects.toThrow(/env/);
  });

  it("refuses a disruption budget that would block every drain", async () => {
    const values = structuredClone(planValues("medio"));
    values.app.podDisruptionBudget.minAvailable = values.app.autoscaling.minReplicas;
    await expect(helmTemplate(values)).rejects.toThrow(/minAvailable .* must be below/);
  });

  it("refuses an autoscaler whose maximum is below its minimum", async () => {
    const values = structuredClone(planValues("grande"));
    values.app.autoscaling.maxReplicas = 1;
    await expect(helmTemplate(values)).rejects.toThrow(/maxReplicas \(1\) must be at least/);
  });
});
