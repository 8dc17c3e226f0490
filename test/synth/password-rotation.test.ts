/**
 * A password rotation as the stack carries it (spec.rotation.databasePasswords):
 * generation 0 is the stack as it always was; a raised generation adds one
 * password per rotated account (nothing is replaced or deleted), points the
 * Secret at it, and orders the two Jobs around the release: accept, then the
 * release (its pods annotated with the generation, so they roll), then retire.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { examplePlan, REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { terraformLiteral } from "../../constructs/render.ts";
import { cleanScratch, jobsByName, resourcesOf, secretNamed, synthStack, type StackJson } from "./support.ts";
import { releaseValues } from "./workloads.ts";

afterAll(cleanScratch);

const synth = (
  generation: number | undefined,
  phase: "production" | "suspended" = "production",
  administratorPassword?: number,
) =>
  synthStack(
    examplePlan({
      tier: "pequeno-i",
      phase,
      ...(generation === undefined && administratorPassword === undefined
        ? {}
        : {
            rotation: {
              ...(generation === undefined ? {} : { databasePasswords: generation }),
              ...(administratorPassword === undefined ? {} : { administratorPassword }),
            },
          }),
    }),
  ).json;

const passwords = (json: StackJson) => Object.keys(resourcesOf(json, "random_password")).sort();
const credentialsSecret = (json: StackJson) => secretNamed(json, "sei-database-credentials");
const credentials = (json: StackJson) => credentialsSecret(json).data;

describe("database password rotation in the stack", () => {
  const before = synth(undefined);
  const zero = synth(0);
  const first = synth(1);
  const second = synth(2);

  it("generation 0 (or none) is the stack as before: no Job, no new password, no generation annotation", () => {
    expect(zero).toEqual(before);
    expect(jobsByName(before)).toEqual({});
    expect(releaseValues(before)!.database.passwordGeneration).toBe(0);
  });

  it("a rotation only adds passwords (one per rotated account and generation) and the Secret holds the newest", () => {
    const added = (json: StackJson) => passwords(json).filter((id) => !passwords(before).includes(id));
    expect(passwords(first).filter((id) => passwords(before).includes(id))).toEqual(passwords(before));
    expect(added(first).map((id) => id.replace(/_[0-9A-F]{8}$/, ""))).toEqual([
      "Database_Credentials_backupPasswordRotation1",
      "Database_Credentials_seiPasswordRotation1",
      "Database_Credentials_sipPasswordRotation1",
    ]);
    expect(added(second)).toHaveLength(6);
    const ref = (json: StackJson, key: string) => credentials(json)[key];
    for (const key of ["APP_DB_SEI_PASSWORD", "APP_DB_SIP_PASSWORD", "DB_BACKUP_PASSWORD"]) {
      expect(ref(first, key)).toMatch(
        /^\$\{random_password\.Database_Credentials_\w+PasswordRotation1_[0-9A-F]{8}\.result\}$/,
      );
      expect(ref(second, key)).toMatch(/Rotation2_/);
    }
    // The administrator's password is not rotated: the first install, the updater and a restore log in with it.
    expect(ref(first, "APP_DB_ROOT_PASSWORD")).toBe(ref(before, "APP_DB_ROOT_PASSWORD"));
    for (const json of [first, second]) {
      for (const password of Object.values(resourcesOf(json, "random_password")))
        expect(password.lifecycle).toEqual({ prevent_destroy: true });
    }
  });

  it("accept runs after the Secret and the database, the release after accept, retire after the release", () => {
    const byName = jobsByName(first);
    expect(Object.keys(byName).sort()).toEqual(["sei-passwords-1-accept", "sei-passwords-1-retire"]);
    const accept = byName["sei-passwords-1-accept"]!;
    const retire = byName["sei-passwords-1-retire"]!;
    expect(accept.job.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kubernetes_secret_v1\.Database_Credentials_[0-9A-F]{8}$/),
        expect.stringMatching(/^kubernetes_stateful_set_v1\.Database_[0-9A-F]{8}$/),
      ]),
    );
    const release = Object.entries(resourcesOf(first, "helm_release"))[0]!;
    expect(release[1].depends_on).toContain(`kubernetes_job_v1.${accept.id}`);
    expect(retire.job.depends_on).toEqual([`helm_release.${release[0]}`]);
    // The first install's labels: its NetworkPolicy reaches the database, its quota slot holds the pod.
    expect(accept.job.spec.template.metadata.labels).toMatchObject({ "app.kubernetes.io/component": "bootstrap" });
  });

  it("each Job runs the script file as it is, its step and accounts in the environment (test/rotation runs the file)", () => {
    const script = readFileSync(join(REPO_ROOT, "constructs/password-rotation.sh"), "utf8");
    for (const { job } of Object.values(jobsByName(first))) {
      const container = job.spec.template.spec.container[0]!;
      expect(container.command).toEqual(["/bin/bash", "-c", terraformLiteral(script)]);
      const value = (name: string) => container.env.find((variable) => variable.name === name)?.value;
      expect(value("ROTATION_STEP")).toBe(job.metadata.name.endsWith("-accept") ? "accept" : "retire");
      const accounts = value("ROTATED_ACCOUNTS")!.split(" ");
      expect(accounts.map((account) => account.split("=")[0])).toEqual(["sei_user", "sip_user", "sei_backup"]);
      for (const variable of accounts.map((account) => account.split("=")[1]))
        expect(container.env).toContainEqual({
          name: variable,
          value_from: { secret_key_ref: expect.objectContaining({ key: variable }) },
        });
    }
  });

  it("the plan reads the live Secret and fails when it holds a newer generation than the configuration", () => {
    const data = (json: StackJson) =>
      Object.entries(
        ((json as { data?: Record<string, Record<string, { metadata: { name: string; namespace: string } }>> }).data ??
          {})["kubernetes_secret_v1"] ?? {},
      );
    const [id, read] = data(second).find(([, d]) => d.metadata.name === "sei-database-credentials")!;
    // A plain namespace name, not a reference: the read happens during the plan, before anything changes.
    expect(read.metadata.namespace).toBe("sei-exemplo");
    const guard = credentialsSecret(second).lifecycle!.precondition!;
    const annotated = (annotation: string, generation: number) => ({
      condition: `\${tonumber(try(data.kubernetes_secret_v1.${id}.metadata[0].annotations["${annotation}"], "0")) <= ${generation}}`,
      error_message: expect.stringMatching(/^Secret sei-exemplo\/sei-database-credentials holds a newer generation/),
    });
    expect(guard).toEqual([
      annotated("sei.mg.gov.br/database-password-generation", 2),
      annotated("sei.mg.gov.br/administrator-password-generation", 0),
    ]);
    expect(guard[1]!.error_message).toContain("lowering spec.rotation.administratorPassword");
    expect(credentialsSecret(second).metadata.annotations).toEqual({
      "sei.mg.gov.br/database-password-generation": "2",
    });
    // A stack that never rotated says no generation (its Secret is unchanged) and is guarded all the same.
    expect(credentialsSecret(zero).metadata.annotations).toBeUndefined();
    expect(credentialsSecret(zero).lifecycle!.precondition!.map((p) => p.condition.slice(-6))).toEqual([
      " <= 0}",
      " <= 0}",
    ]);
  });

  describe("the administrator's password", () => {
    const administrator = synth(undefined, "production", 1);
    const both = synth(1, "production", 1);

    it("rotates on its own generation: one password more, the previous one kept for the Jobs, its own annotation", () => {
      const added = passwords(administrator).filter((id) => !passwords(before).includes(id));
      expect(added.map((id) => id.replace(/_[0-9A-F]{8}$/, ""))).toEqual([
        "Database_Credentials_rootPasswordRotation1",
      ]);
      const data = credentials(administrator);
      expect(data["APP_DB_ROOT_PASSWORD"]).toMatch(/^\$\{random_password\.Database_Credentials_rootPasswordRotation1_/);
      expect(data["DB_ADMIN_PREVIOUS_PASSWORD"]).toBe(credentials(before)["APP_DB_ROOT_PASSWORD"]);
      expect(credentials(before)["DB_ADMIN_PREVIOUS_PASSWORD"]).toBeUndefined();
      // The accounts' passwords are not touched.
      expect(data["APP_DB_SEI_PASSWORD"]).toBe(credentials(before)["APP_DB_SEI_PASSWORD"]);
      expect(credentialsSecret(administrator).metadata.annotations).toEqual({
        "sei.mg.gov.br/administrator-password-generation": "1",
      });
      expect(Object.keys(jobsByName(administrator)).sort()).toEqual([
        "sei-administrator-password-1-accept",
        "sei-administrator-password-1-retire",
      ]);
    });

    it("its Jobs log in with the new and the previous password, never the accounts' ones", () => {
      const env =
        jobsByName(administrator)["sei-administrator-password-1-accept"]!.job.spec.template.spec.container[0]!.env;
      expect(env.map(({ name, value, value_from }) => [name, value ?? value_from?.secret_key_ref.key])).toEqual([
        ["ROTATION_STEP", "accept"],
        ["DB_HOST", "sei-database"],
        ["DB_PORT", "3306"],
        ["DB_ADMIN", "root"],
        ["ENGINE", "mariadb"],
        ["ADMIN_PASSWORD", "APP_DB_ROOT_PASSWORD"],
        ["ADMIN_PREVIOUS_PASSWORD", "DB_ADMIN_PREVIOUS_PASSWORD"],
      ]);
    });

    it("goes first and last: its accept before the accounts' accept and the release, its retire after everything", () => {
      const jobsOf = jobsByName(both);
      const id = (name: string) => `kubernetes_job_v1.${jobsOf[name]!.id}`;
      const release = `helm_release.${Object.keys(resourcesOf(both, "helm_release"))[0]!}`;
      const releaseDepends = Object.values(resourcesOf(both, "helm_release"))[0]!.depends_on;
      expect(jobsOf["sei-passwords-1-accept"]!.job.depends_on).toContain(id("sei-administrator-password-1-accept"));
      expect(releaseDepends).toEqual(
        expect.arrayContaining([id("sei-administrator-password-1-accept"), id("sei-passwords-1-accept")]),
      );
      expect(jobsOf["sei-passwords-1-retire"]!.job.depends_on).toEqual([release]);
      expect(jobsOf["sei-administrator-password-1-retire"]!.job.depends_on).toEqual([
        release,
        id("sei-passwords-1-retire"),
      ]);
    });
  });

  it("the release carries the generation, which the chart puts on the app's and scheduler's pods", () => {
    expect(releaseValues(first)!.database.passwordGeneration).toBe(1);
  });

  it("no Job while no pod runs (suspended): the Secret rotates, and the next deploy that runs pods moves the accounts", () => {
    const suspended = synth(1, "suspended");
    expect(jobsByName(suspended)).toEqual({});
    expect(credentials(suspended)["APP_DB_SEI_PASSWORD"]).toMatch(/Rotation1_/);
  });
});
