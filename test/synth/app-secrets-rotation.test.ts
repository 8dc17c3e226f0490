/**
 * The rotations of the application Secret (sei-app-secrets) as the stack
 * carries them. Solr's user and password (spec.rotation.solrPassword):
 * generation 0 keeps the user every instance has (`sei`); a raised one adds a
 * password (nothing is replaced or deleted), a user of its own, the previous
 * ones for the Jobs and Solr's init container, and the two Jobs around the
 * release, one rotation Job at a time. The access keys (spec.rotation.accessKeys):
 * new keys of SIP's shape and one Job, last before the release.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { examplePlan, REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import {
  cleanScratch,
  jobsByName,
  resourcesOf,
  secretNamed,
  synthStack,
  type SecretResource,
  type StackJson,
} from "./support.ts";
import { releaseValues } from "./workloads.ts";

afterAll(cleanScratch);

type Rotation = {
  databasePasswords?: number;
  administratorPassword?: number;
  solrPassword?: number;
  accessKeys?: number;
};
const synth = (rotation: Rotation | undefined, phase: "production" | "suspended" = "production") =>
  synthStack(examplePlan({ tier: "pequeno-i", phase, ...(rotation ? { rotation } : {}) })).json;

const appSecret = (json: StackJson) => secretNamed(json, "sei-app-secrets");
const passwords = (json: StackJson) => Object.keys(resourcesOf(json, "random_password")).sort();

const before = synth(undefined);

describe("Solr password rotation in the stack", () => {
  const first = synth({ solrPassword: 1 });

  it("generation 0: the user every instance has, no previous one, no Job, no annotation; guarded all the same", () => {
    const secret = appSecret(before);
    expect(secret.data["SOLR_USERNAME"]).toBe("sei");
    expect(Object.keys(secret.data)).not.toContain("SOLR_PREVIOUS_USERNAME");
    expect(Object.keys(secret.data)).not.toContain("SOLR_PREVIOUS_PASSWORD");
    expect(secret.metadata.annotations).toBeUndefined();
    expect(secret.lifecycle!.precondition!.map((p) => p.condition.slice(-6))).toEqual([" <= 0}", " <= 0}"]);
    expect(Object.keys(jobsByName(before)).filter((name) => name.startsWith("sei-solr"))).toEqual([]);
    expect(releaseValues(before)!.solr.passwordGeneration).toBe(0);
  });

  it("a rotation adds one password, a new user, and keeps the previous ones for the move; the access keys stay", () => {
    const added = passwords(first).filter((id) => !passwords(before).includes(id));
    expect(added.map((id) => id.replace(/_[0-9A-F]{8}$/, ""))).toEqual(["ApplicationKeys_solrPasswordRotation1"]);
    expect(passwords(before).every((id) => passwords(first).includes(id))).toBe(true);
    const data = appSecret(first).data;
    expect(data["SOLR_PASSWORD"]).toMatch(
      /^\$\{random_password\.ApplicationKeys_solrPasswordRotation1_[0-9A-F]{8}\.result\}$/,
    );
    expect(data["SOLR_PREVIOUS_PASSWORD"]).toBe(appSecret(before).data["SOLR_PASSWORD"]);
    expect(data["SOLR_USERNAME"]).toBe("sei-1");
    expect(data["SOLR_PREVIOUS_USERNAME"]).toBe("sei");
    for (const key of ["APP_SEI_CHAVE_ACESSO", "APP_SIP_CHAVE_ACESSO"])
      expect(data[key]).toBe(appSecret(before).data[key]);
    expect(appSecret(first).metadata.annotations).toEqual({ "sei.mg.gov.br/solr-password-generation": "1" });
    expect(appSecret(synth({ solrPassword: 2 })).data["SOLR_PREVIOUS_USERNAME"]).toBe("sei-1");
    for (const password of Object.values(resourcesOf(first, "random_password")))
      expect(password.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("the plan refuses a lowered generation by the live Secret's annotation, naming the field", () => {
    const [guard] = appSecret(first).lifecycle!.precondition!;
    expect(guard!.condition).toMatch(
      /^\$\{tonumber\(try\(data\.kubernetes_secret_v1\.ApplicationKeys_Live_[0-9A-F]{8}\.metadata\[0\]\.annotations\["sei\.mg\.gov\.br\/solr-password-generation"\], "0"\)\) <= 1\}$/,
    );
    expect(guard!.error_message).toContain("Secret sei-exemplo/sei-app-secrets holds a newer generation than 1");
    expect(guard!.error_message).toContain("lowering spec.rotation.solrPassword");
  });

  it("its Jobs run the script file in the app image with the updater's labels and the Solr users by reference", () => {
    const jobs = jobsByName(first);
    expect(Object.keys(jobs).sort()).toEqual(["sei-solr-password-1-accept", "sei-solr-password-1-retire"]);
    const plan = examplePlan({ tier: "pequeno-i", phase: "production", rotation: { solrPassword: 1 } });
    for (const [name, step] of [
      ["sei-solr-password-1-accept", "accept"],
      ["sei-solr-password-1-retire", "retire"],
    ] as const) {
      const { spec } = jobs[name]!.job.spec.template;
      const container = spec.container[0]!;
      expect(container.image).toBe(plan.passwordRotation.solr.jobs!.image);
      expect(container.image).toMatch(/\/sei-app:/);
      const script = readFileSync(join(REPO_ROOT, "constructs", "solr-rotation.sh"), "utf8");
      // Terraform's own escape of ${ and %{ (the engine gives the script back as written).
      expect(container.command).toEqual([
        "/bin/bash",
        "-c",
        script.replaceAll("${", () => "$${").replaceAll("%{", () => "%%{"),
        "solr-rotation.sh",
        step,
      ]);
      expect(jobs[name]!.job.spec.template.metadata.labels).toMatchObject({
        "app.kubernetes.io/component": "updater",
      });
      expect(
        container.env.map(({ name: env, value, value_from }) => [env, value ?? value_from?.secret_key_ref.key]),
      ).toEqual([
        ["SOLR_URL", "http://sei-solr:8983/solr"],
        ["SOLR_USERNAME", "SOLR_USERNAME"],
        ["SOLR_PASSWORD", "SOLR_PASSWORD"],
        ["SOLR_PREVIOUS_USERNAME", "SOLR_PREVIOUS_USERNAME"],
        ["SOLR_PREVIOUS_PASSWORD", "SOLR_PREVIOUS_PASSWORD"],
      ]);
    }
  });

  it("accept after the Secret and the database's accepts, the release after it, retire after the release; one Job at a time", () => {
    const all = synth({ databasePasswords: 1, administratorPassword: 1, solrPassword: 1 });
    const jobs = jobsByName(all);
    const [releaseId, release] = Object.entries(resourcesOf(all, "helm_release"))[0]!;
    const secretId = Object.entries(resourcesOf(all, "kubernetes_secret_v1")).find(
      ([, s]) => (s as unknown as SecretResource).metadata.name === "sei-app-secrets",
    )![0];
    expect(jobs["sei-solr-password-1-accept"]!.job.depends_on).toEqual([
      `kubernetes_secret_v1.${secretId}`,
      jobs["sei-administrator-password-1-accept"]!.ref,
      jobs["sei-passwords-1-accept"]!.ref,
    ]);
    expect(release.depends_on).toContain(jobs["sei-solr-password-1-accept"]!.ref);
    expect(jobs["sei-solr-password-1-retire"]!.job.depends_on).toEqual([
      `helm_release.${releaseId}`,
      jobs["sei-passwords-1-retire"]!.ref,
    ]);
    expect(jobs["sei-administrator-password-1-retire"]!.job.depends_on).toEqual([
      `helm_release.${releaseId}`,
      jobs["sei-passwords-1-retire"]!.ref,
      jobs["sei-solr-password-1-retire"]!.ref,
    ]);
    expect(releaseValues(all)!.solr.passwordGeneration).toBe(1);
  });

  it("no Job while no pod runs (suspended): the Secret rotates, Solr and the app start on the new user", () => {
    const suspended = synth({ solrPassword: 1 }, "suspended");
    expect(Object.keys(jobsByName(suspended)).filter((name) => name.startsWith("sei-solr"))).toEqual([]);
    expect(appSecret(suspended).data["SOLR_USERNAME"]).toBe("sei-1");
  });
});

describe("access keys rotation in the stack", () => {
  const first = synth({ accessKeys: 1 });

  it("adds one key per system, of SIP's shape (its crc, then the new random part); nothing else changes", () => {
    const added = passwords(first).filter((id) => !passwords(before).includes(id));
    expect(added.map((id) => id.replace(/_[0-9A-F]{8}$/, ""))).toEqual([
      "ApplicationKeys_seiAccessKeyRotation1",
      "ApplicationKeys_sipAccessKeyRotation1",
    ]);
    const data = appSecret(first).data;
    expect(data["APP_SEI_CHAVE_ACESSO"]).toMatch(
      /^7babf862\$\{random_password\.ApplicationKeys_seiAccessKeyRotation1_[0-9A-F]{8}\.result\}$/,
    );
    expect(data["APP_SIP_CHAVE_ACESSO"]).toMatch(
      /^d27791b8\$\{random_password\.ApplicationKeys_sipAccessKeyRotation1_[0-9A-F]{8}\.result\}$/,
    );
    const shapes = resourcesOf(first, "random_password") as Record<string, { length: number; upper?: boolean }>;
    for (const id of added) expect(shapes[id]).toMatchObject({ length: 64, upper: false, special: false });
    expect(data["SOLR_PASSWORD"]).toBe(appSecret(before).data["SOLR_PASSWORD"]);
    expect(appSecret(first).metadata.annotations).toEqual({ "sei.mg.gov.br/access-key-generation": "1" });
    expect(appSecret(first).lifecycle!.precondition!.map((p) => p.error_message)).toEqual([
      expect.stringContaining("lowering spec.rotation.solrPassword"),
      expect.stringContaining("lowering spec.rotation.accessKeys"),
    ]);
    expect(releaseValues(first)!.secrets.accessKeyGeneration).toBe(1);
  });

  it("one Job stores the keys with the first install's PHP, in its image and with its labels, last before the release", () => {
    const all = synth({ databasePasswords: 1, administratorPassword: 1, solrPassword: 1, accessKeys: 1 });
    const jobs = jobsByName(all);
    const job = jobs["sei-access-keys-1"]!;
    expect(Object.keys(jobs).filter((name) => name.startsWith("sei-access-keys"))).toEqual(["sei-access-keys-1"]);
    const container = job.job.spec.template.spec.container[0]!;
    expect(container.image).toMatch(/\/sei-bootstrap:/);
    expect(job.job.spec.template.metadata.labels).toMatchObject({ "app.kubernetes.io/component": "bootstrap" });
    const php = readFileSync(join(REPO_ROOT, "charts", "sei", "files", "bootstrap", "first-install.php"), "utf8");
    expect(container.command).toEqual([
      "php",
      "-r",
      php
        .replace(/^<\?php\n/, "")
        .replaceAll("${", () => "$${")
        .replaceAll("%{", () => "%%{"),
      "--",
      "keys",
      "sip",
    ]);
    expect(
      container.env.map(({ name, value, value_from }) => [name, value ?? value_from?.secret_key_ref.name]),
    ).toEqual([
      ["APP_DB_HOST", "sei-database"],
      ["APP_DB_PORTA", "3306"],
      ["APP_DB_ROOT_USERNAME", "root"],
      // By reference to the Secrets' resources, so the Job runs after them.
      ["APP_DB_ROOT_PASSWORD", expect.stringMatching(/^\$\{kubernetes_secret_v1\.Database_Credentials_/)],
      ["APP_SEI_CHAVE_ACESSO", expect.stringMatching(/^\$\{kubernetes_secret_v1\.ApplicationKeys_/)],
      ["APP_SIP_CHAVE_ACESSO", expect.stringMatching(/^\$\{kubernetes_secret_v1\.ApplicationKeys_/)],
    ]);
    expect(job.job.depends_on).toEqual(
      expect.arrayContaining([
        jobs["sei-administrator-password-1-accept"]!.ref,
        jobs["sei-passwords-1-accept"]!.ref,
        jobs["sei-solr-password-1-accept"]!.ref,
      ]),
    );
    const release = Object.values(resourcesOf(all, "helm_release"))[0]!;
    expect(release.depends_on).toContain(job.ref);
  });

  it("no Job while no pod runs (suspended): the first start after it reads the new keys, SIP's rows at the resume", () => {
    expect(Object.keys(jobsByName(synth({ accessKeys: 1 }, "suspended")))).toEqual([]);
  });
});
