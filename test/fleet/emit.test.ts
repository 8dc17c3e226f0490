/**
 * The emitted pipelines: GitLab's structure, GitHub's workflow checked by the
 * real actionlint (built from its Go module, scripts/tools/actionlint.sh), and
 * the Jobs checked against the Kubernetes v1.37 OpenAPI schemas, as the chart's
 * manifests are. The GitLab pipeline is also run for real by gitlab-ci-local
 * in the end-to-end suite.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { emitGithub, emitGithubSchedule, MATRIX_LIMIT } from "../../fleet/emit/github.ts";
import { emitGitlab, emitGitlabSchedule } from "../../fleet/emit/gitlab.ts";
import type { EmitOptions } from "../../fleet/emit/jobs.ts";
import { emitK8sJobs } from "../../fleet/emit/k8s-job.ts";
import { formatRolloutPlan, rolloutPlan } from "../../fleet/rollout-plan.ts";
import type { Wave } from "../../fleet/waves.ts";
import { parseFailureBudget } from "../../fleet/waves.ts";
import { helmTools, KubernetesSchemas, type Manifest } from "../chart/support.ts";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { stack } from "./support.ts";

const waves: Wave[] = [
  { name: "canary", stacks: [stack("a"), stack("b", "medio")] },
  { name: "50%", stacks: [stack("c"), stack("d")] },
  { name: "rest", stacks: [stack("e"), stack("f"), stack("g")] },
];

/** The scheduled restore drills, as emit gives them where a cluster has a backup store. */
const DRILL = { schedule: "43 5 * * *" };

function options(overrides: Partial<EmitOptions> = {}): EmitOptions {
  return {
    waves,
    concurrency: 4,
    budget: parseFailureBudget("1"),
    failuresAllowed: 1,
    planFile: "fleet/fleet-plan.json",
    setup: ["npm ci --no-audit --no-fund"],
    driftSchedule: "17 3 * * *",
    ...overrides,
  };
}

/** The real actionlint on a workflow (built once into the tools cache). */
let actionlint: string | undefined;
function lint(text: string) {
  actionlint ??= execFileSync("bash", [join(REPO_ROOT, "scripts/tools/actionlint.sh")], {
    encoding: "utf8",
    timeout: 600_000,
  }).trim();
  const dir = mkdtempSync(join(tmpdir(), "sei-fleet-gh-"));
  writeFileSync(join(dir, "rollout.yml"), text);
  return spawnSync(actionlint, ["-no-color", "-shellcheck=", "-pyflakes=", "rollout.yml"], {
    cwd: dir,
    encoding: "utf8",
  });
}

type Job = {
  stage?: string;
  resource_group?: string;
  script?: string[];
  extends?: string;
  when?: string;
  allow_failure?: boolean;
  environment?: { name: string };
  rules?: { if: string }[];
  artifacts?: { paths: string[]; reports?: { junit: string } };
};

describe("GitLab child pipeline", () => {
  const pipeline = parse(emitGitlab(options())) as Record<string, Job> & { stages: string[] };

  it("the plan, a manual approval, then one stage per wave, a gate before each later wave, the report last", () => {
    expect(pipeline.stages).toEqual(["plan", "approve", "wave-1", "gate-2", "wave-2", "gate-3", "wave-3", "report"]);
  });

  it("plans every stack into saved plans (an artifact) and shows their summary; the approval is manual and protected", () => {
    expect(pipeline["fleet-plan"]).toEqual({
      stage: "plan",
      script: [
        'rm -rf fleet-plans && npx --no sei-infra fleet plan --only sei-a,sei-b,sei-c,sei-d,sei-e,sei-f,sei-g --concurrency 4 --out fleet-plans --logs fleet-logs || status=$?; cat fleet-plans/summary.md; exit "${status:-0}"',
      ],
      artifacts: { when: "always", expire_in: "30 days", paths: ["fleet-plans/", "fleet-logs/"] },
    });
    // Blocking (allow_failure false): no wave starts before someone allowed to deploy to sei-fleet starts it.
    expect(pipeline.approve).toMatchObject({
      stage: "approve",
      when: "manual",
      allow_failure: false,
      environment: { name: "sei-fleet" },
    });
  });

  it("runs drift and the drills from pipeline schedules only, selected by the pipeline source and the task's name", () => {
    const text = emitGitlabSchedule(options({ drill: DRILL }));
    expect(text).toContain('#   SEI_FLEET_TASK=drift  cron "17 3 * * *" (UTC)');
    const schedule = parse(text) as Record<string, Job>;
    expect(Object.keys(schedule)).toEqual(["sei-fleet-drift", "sei-fleet-drill"]);
    expect(text).toContain('#   SEI_FLEET_TASK=drill  cron "43 5 * * *" (UTC)');
    expect(schedule["sei-fleet-drill"]).toMatchObject({
      rules: [{ if: '$CI_PIPELINE_SOURCE == "schedule" && $SEI_FLEET_TASK == "drill"' }],
      script: [
        "npx --no sei-infra fleet drill --only sei-a,sei-b,sei-c,sei-d,sei-e,sei-f,sei-g --report fleet-drill.json --summary fleet-drill.md --junit fleet-drill.junit.xml",
      ],
    });
    expect(schedule["sei-fleet-drift"]).toMatchObject({
      rules: [{ if: '$CI_PIPELINE_SOURCE == "schedule" && $SEI_FLEET_TASK == "drift"' }],
      script: [
        "npx --no sei-infra fleet drift --only sei-a,sei-b,sei-c,sei-d,sei-e,sei-f,sei-g --concurrency 4 --logs fleet-logs --report fleet-drift.json --summary fleet-drift.md --junit fleet-drift.junit.xml",
      ],
    });
  });

  it("one job per stack, named after it, serialized by a resource group of its own, keeping its report and log", () => {
    for (const [i, wave] of waves.entries()) {
      for (const { name } of wave.stacks) {
        expect(pipeline[name]).toEqual({
          extends: ".sei-fleet-stack",
          stage: `wave-${i + 1}`,
          resource_group: name,
          script: [
            `npx --no sei-infra fleet apply --yes --only ${name} --plans fleet-plans --report fleet-reports/${name}.json --logs fleet-logs`,
          ],
          artifacts: {
            when: "always",
            expire_in: "30 days",
            paths: [`fleet-reports/${name}.json`, `fleet-logs/${name}.log`],
          },
        });
      }
    }
    // A failed stack does not stop its wave: the gate decides.
    expect(pipeline[".sei-fleet-stack"]).toEqual({ allow_failure: true });
  });

  it("gates check the budget; the final job always merges every report", () => {
    expect(pipeline["gate-2"]).toEqual({
      stage: "gate-2",
      script: [
        "npx --no sei-infra fleet report gate fleet-reports --plan fleet/fleet-plan.json --wave 2 --max-failures 1",
      ],
    });
    expect(pipeline["fleet-report"]).toMatchObject({
      stage: "report",
      when: "always",
      script: [
        "npx --no sei-infra fleet report merge fleet-reports --plan fleet/fleet-plan.json --logs fleet-logs --report fleet-report.json --summary fleet-report.md --junit fleet-report.junit.xml",
      ],
      artifacts: { reports: { junit: "fleet-report.junit.xml" } },
    });
    expect((pipeline as unknown as { default: unknown }).default).toEqual({
      before_script: ["npm ci --no-audit --no-fund"],
    });
  });
});

describe("GitHub Actions workflow", () => {
  it("passes actionlint", () => {
    const result = lint(emitGithub(options({ pgConnectionEnv: "SEI_PG_CONN" })));
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("gives the secrets only to the steps that plan or apply a stack: no workflow env, none in gates or the report", () => {
    const text = emitGithub(
      options({
        pgConnectionEnv: "SEI_PG_CONN",
        passphraseEnv: ["TF_VAR_sei_state_passphrase"],
        tofuVersion: "1.12.6",
      }),
    );
    type Step = {
      name?: string;
      uses?: string;
      run?: string;
      env?: Record<string, string>;
      with?: Record<string, unknown>;
    };
    const workflow = parse(text) as { env?: unknown; jobs: Record<string, { env?: unknown; steps: Step[] }> };
    expect(workflow.env).toBeUndefined();
    for (const [id, job] of Object.entries(workflow.jobs)) {
      expect(job.env, id).toBeUndefined();
      const withSecrets = job.steps.filter((step) => JSON.stringify(step).includes("secrets."));
      if (!id.startsWith("wave-") && id !== "plan") {
        expect(withSecrets, id).toEqual([]);
        continue;
      }
      const step = id === "plan" ? "fleet plan" : "fleet apply";
      expect(withSecrets.map((s) => s.name)).toEqual(["kubeconfig", step]);
      expect(withSecrets[1]!.env).toEqual({
        PG_CONN_STR: "${{ secrets.SEI_PG_CONN }}",
        TF_VAR_sei_state_passphrase: "${{ secrets.TF_VAR_SEI_STATE_PASSPHRASE }}",
      });
      expect(withSecrets[0]!.env).toEqual({ KUBECONFIG_DATA: "${{ secrets.SEI_FLEET_KUBECONFIG }}" });
      // The engine is set up before the apply, at the project's pinned version, without the wrapper script.
      const setup = job.steps.findIndex((step) => step.uses?.startsWith("opentofu/setup-opentofu@"));
      expect(job.steps[setup]!.with).toEqual({ tofu_version: "1.12.6", tofu_wrapper: false });
      expect(setup).toBeLessThan(job.steps.findIndex((s) => s.name === step));
    }
    expect(lint(text).stdout).toBe("");
  });

  it("actionlint does fail a broken workflow (the check can fail)", () => {
    const broken = emitGithub(options()).replace("fail-fast: false", "fail-fast: maybe");
    expect(lint(broken).status).toBe(1);
  });

  it("a job per wave: a matrix of its stacks, fail-fast off, max-parallel, one concurrency group per stack", () => {
    const workflow = parse(emitGithub(options())) as {
      jobs: Record<
        string,
        {
          needs?: string[];
          if?: string;
          strategy?: { "fail-fast": boolean; "max-parallel": number; matrix: { stack: string[] } };
          concurrency?: unknown;
        }
      >;
    };
    expect(Object.keys(workflow.jobs)).toEqual([
      "plan",
      "approve",
      "wave-1",
      "gate-2",
      "wave-2",
      "gate-3",
      "wave-3",
      "report",
    ]);
    // The waves wait for the approval in the environment whose required reviewers approve the run.
    expect(workflow.jobs.approve).toMatchObject({ needs: ["plan"], environment: "sei-fleet" });
    expect(workflow.jobs["wave-1"]).toMatchObject({ needs: ["approve"] });
    expect(workflow.jobs["wave-2"]).toMatchObject({
      needs: ["gate-2"],
      strategy: { "fail-fast": false, "max-parallel": 4, matrix: { stack: ["sei-c", "sei-d"] } },
      concurrency: { group: "sei-fleet-${{ matrix.stack }}", "cancel-in-progress": false },
    });
    expect(workflow.jobs["gate-2"]).toMatchObject({ needs: ["wave-1"], if: "${{ !cancelled() }}" });
    expect(workflow.jobs.report).toMatchObject({
      needs: ["plan", "approve", "wave-1", "gate-2", "wave-2", "gate-3", "wave-3"],
      if: "${{ always() }}",
    });
  });

  it("runs drift and the drills on their schedules in a workflow of its own, which passes actionlint", () => {
    const text = emitGithubSchedule(options({ pgConnectionEnv: "SEI_PG_CONN", tofuVersion: "1.12.6", drill: DRILL }));
    expect(lint(text).stdout + lint(text).stderr).toBe("");
    const workflow = parse(text) as {
      on: { schedule: { cron: string }[] };
      jobs: Record<string, { if: string; steps: { name?: string; env?: object; run?: string }[] }>;
    };
    expect(workflow.on.schedule).toEqual([{ cron: "17 3 * * *" }, { cron: "43 5 * * *" }]);
    expect(workflow.jobs.drill!.if).toBe("${{ github.event.schedule == '43 5 * * *' || inputs.task == 'drill' }}");
    const drill = workflow.jobs.drill!.steps.find((step) => step.name === "fleet drill")!;
    expect(drill.run).toMatch(/^npx --no sei-infra fleet drill --only sei-a,.* --report fleet-drill\.json /);
    expect(workflow.jobs.drift!.if).toBe("${{ github.event.schedule == '17 3 * * *' || inputs.task == 'drift' }}");
    const drift = workflow.jobs.drift!.steps.find((step) => step.name === "fleet drift")!;
    expect(drift.env).toEqual({ PG_CONN_STR: "${{ secrets.SEI_PG_CONN }}" });
    expect(drift.run).toMatch(/^npx --no sei-infra fleet drift --only sei-a,/);
  });

  it("splits a wave larger than 256 stacks into matrix parts", () => {
    const big: Wave[] = [
      { name: "rest", stacks: Array.from({ length: 600 }, (_, i) => stack(`m${String(i).padStart(3, "0")}`)) },
    ];
    const text = emitGithub(options({ waves: big }));
    const workflow = parse(text) as { jobs: Record<string, { strategy?: { matrix: { stack: string[] } } }> };
    const parts = Object.entries(workflow.jobs).filter(([id]) => id.startsWith("wave-1"));
    expect(parts.map(([id, job]) => [id, job.strategy!.matrix.stack.length])).toEqual([
      ["wave-1-part-1", MATRIX_LIMIT],
      ["wave-1-part-2", MATRIX_LIMIT],
      ["wave-1-part-3", 600 - 2 * MATRIX_LIMIT],
    ]);
    expect(lint(text).status).toBe(0);
  });
});

describe("the scheduled prune of the off-site backups", () => {
  const prune = { schedule: "47 5 * * *", adminEnv: ["SEI_BACKUP_ADMIN_ID", "SEI_BACKUP_ADMIN_SECRET"] };
  const COMMAND = "npx --no sei-infra backups prune --all";

  it("is scheduled beside drift only where a cluster has a store", () => {
    expect(Object.keys(parse(emitGitlabSchedule(options())) as object)).toEqual(["sei-fleet-drift"]);
    const text = emitGitlabSchedule(options({ prune }));
    expect(text).toContain('#   SEI_FLEET_TASK=prune  cron "47 5 * * *" (UTC)');
    const schedule = parse(text) as Record<string, Job>;
    expect(Object.keys(schedule)).toEqual(["sei-fleet-drift", "sei-fleet-prune"]);
    // It leaves no files: no artifacts, which GitLab would refuse empty.
    expect(schedule["sei-fleet-prune"]).toEqual({
      rules: [{ if: '$CI_PIPELINE_SOURCE == "schedule" && $SEI_FLEET_TASK == "prune"' }],
      before_script: ["npm ci --no-audit --no-fund"],
      script: [COMMAND],
    });
  });

  it("gets the store administrator's key from GitHub's secrets, in a workflow actionlint passes", () => {
    const text = emitGithubSchedule(options({ prune, pgConnectionEnv: "SEI_PG_CONN" }));
    expect(lint(text).stdout + lint(text).stderr).toBe("");
    const workflow = parse(text) as {
      on: { schedule: { cron: string }[] };
      jobs: Record<string, { if: string; steps: { name?: string; env?: object; run?: string; uses?: string }[] }>;
    };
    expect(workflow.on.schedule).toEqual([{ cron: "17 3 * * *" }, { cron: "47 5 * * *" }]);
    expect(workflow.jobs.prune!.if).toBe("${{ github.event.schedule == '47 5 * * *' || inputs.task == 'prune' }}");
    const step = workflow.jobs.prune!.steps.find((s) => s.name === "fleet prune")!;
    expect(step).toEqual({
      name: "fleet prune",
      env: {
        PG_CONN_STR: "${{ secrets.SEI_PG_CONN }}",
        SEI_BACKUP_ADMIN_ID: "${{ secrets.SEI_BACKUP_ADMIN_ID }}",
        SEI_BACKUP_ADMIN_SECRET: "${{ secrets.SEI_BACKUP_ADMIN_SECRET }}",
      },
      run: COMMAND,
    });
    expect(workflow.jobs.prune!.steps.some((s) => s.uses?.startsWith("actions/upload-artifact"))).toBe(false);
    // Drift's step does not get the store's key.
    expect(workflow.jobs.drift!.steps.find((s) => s.name === "fleet drift")!.env).toEqual({
      PG_CONN_STR: "${{ secrets.SEI_PG_CONN }}",
    });
  });

  it("is a CronJob of its own for k8s-job, which passes the Kubernetes schemas", () => {
    const files = emitK8sJobs(options({ prune, image: "registry.example.org/sei/fleet:1" }), "{}");
    const cronJobs = parseAllDocuments(files.get("schedule.yaml")!).map((d) => d.toJS() as Manifest);
    expect(cronJobs.map((o) => o.metadata.name)).toEqual(["sei-fleet-drift", "sei-fleet-prune"]);
    const schemas = new KubernetesSchemas(helmTools().openApiDir);
    expect(cronJobs.flatMap((o) => schemas.validate(o))).toEqual([]);
    expect(JSON.stringify(cronJobs[1])).toContain(`"${COMMAND}"`);
    expect((cronJobs[1]!.spec as { schedule: string }).schedule).toBe("47 5 * * *");
  });
});

describe("Kubernetes Indexed Jobs", () => {
  const plan = formatRolloutPlan(rolloutPlan(waves, "1"));
  const files = emitK8sJobs(options({ image: "registry.example.org/sei/fleet:1", drill: DRILL }), plan);
  const objects = (name: string) => parseAllDocuments(files.get(name)!).map((d) => d.toJS() as Manifest);

  it("pass the Kubernetes OpenAPI schemas, strictly", () => {
    const schemas = new KubernetesSchemas(helmTools().openApiDir);
    const all = [...files.keys()].filter((f) => f.endsWith(".yaml")).flatMap(objects);
    expect(all.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ConfigMap/sei-fleet-wave-1",
      "Job/sei-fleet-wave-1",
      "ConfigMap/sei-fleet-wave-2",
      "Job/sei-fleet-wave-2",
      "ConfigMap/sei-fleet-wave-3",
      "Job/sei-fleet-wave-3",
      "ConfigMap/sei-fleet-plan",
      "Job/sei-fleet-report",
      "ConfigMap/sei-fleet-plan",
      "Job/sei-fleet-plan",
      "CronJob/sei-fleet-drift",
      "CronJob/sei-fleet-drill",
    ]);
    expect(all.flatMap((o) => schemas.validate(o))).toEqual([]);
    // The schemas do catch a wrong field.
    expect(schemas.validate({ ...all[1]!, spec: { ...(all[1]!.spec as object), maxFailedIndex: 1 } })).not.toEqual([]);
  });

  it("one Indexed Job per wave: the stack list by index, per-index backoff, the failure budget", () => {
    const [configMap, job] = objects("wave-3.yaml") as [Manifest, Manifest];
    expect(configMap.data).toEqual({ stacks: "sei-e\nsei-f\nsei-g\n" });
    expect(job.spec).toMatchObject({
      completionMode: "Indexed",
      completions: 3,
      parallelism: 3,
      backoffLimitPerIndex: 0,
      maxFailedIndexes: 1,
    });
    const script = (job.spec as { template: { spec: { containers: { command: string[] }[] } } }).template.spec
      .containers[0]!.command[2]!;
    expect(script).toContain('sed -n "$((JOB_COMPLETION_INDEX + 1))p" /etc/sei-fleet/stacks');
    expect(script).toContain('npx --no sei-infra fleet apply --yes --only "$stack" --plans /work/fleet-out/plans');
  });

  it("the index script picks the stack of each index", () => {
    const [configMap, job] = objects("wave-3.yaml") as [Manifest, Manifest];
    const dir = mkdtempSync(join(tmpdir(), "sei-fleet-k8s-"));
    writeFileSync(join(dir, "stacks"), configMap.data!.stacks!);
    const script = (job.spec as { template: { spec: { containers: { command: string[] }[] } } }).template.spec
      .containers[0]!.command[2]!;
    // Run the script up to the exec, with the ConfigMap's file in place of the mount.
    const pick =
      script.split("\n").slice(0, 2).join("\n").replace("/etc/sei-fleet/stacks", join(dir, "stacks")) +
      '\necho "$stack"';
    const picked = [0, 1, 2].map((i) =>
      execFileSync("sh", ["-ec", pick], {
        env: { ...process.env, JOB_COMPLETION_INDEX: String(i) },
        encoding: "utf8",
      }).trim(),
    );
    expect(picked).toEqual(["sei-e", "sei-f", "sei-g"]);
    expect(spawnSync("sh", ["-ec", pick], { env: { ...process.env, JOB_COMPLETION_INDEX: "3" } }).status).not.toBe(0);
  });

  it("rollout.sh is valid shell (shellcheck) and applies the waves in order", () => {
    const script = files.get("rollout.sh")!;
    expect(spawnSync("sh", ["-n"], { input: script }).status).toBe(0);
    const checked = spawnSync("shellcheck", ["-s", "sh", "-"], { input: script, encoding: "utf8" });
    expect(checked.stdout + checked.stderr).toBe("");
    expect(script).toContain("for wave in wave-1 wave-2 wave-3; do");
  });

  it("rollout.sh plan runs the plan Job and shows its summary, applying nothing; without plan or apply it says how", () => {
    const dir = mkdtempSync(join(tmpdir(), "sei-fleet-rollout-plan-"));
    for (const [name, text] of files) writeFileSync(join(dir, name), text);
    writeFileSync(
      join(dir, "kubectl"),
      `#!/bin/sh\necho "kubectl $*" >> "${dir}/calls"\ncase "$*" in *"logs job/sei-fleet-plan"*) echo "## SEI fleet plan: 7 changes" ;; esac\n`,
      { mode: 0o755 },
    );
    const run = (...args: string[]) =>
      spawnSync("sh", [join(dir, "rollout.sh"), ...args], {
        encoding: "utf8",
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
      });
    const plan = run("plan");
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain(
      "## SEI fleet plan: 7 changes\nreview the summary above; to apply exactly these plans:",
    );
    const calls = readFileSync(join(dir, "calls"), "utf8");
    expect(calls).toContain(`kubectl apply -f ${dir}/plan.yaml`);
    expect(calls).not.toContain("wave-1.yaml");
    expect(run().status).toBe(2);
  });

  it("rollout.sh prints each wave's progress, and holds the later waves when one is not done in time", () => {
    const dir = mkdtempSync(join(tmpdir(), "sei-fleet-rollout-"));
    for (const [name, text] of files) writeFileSync(join(dir, name), text);
    // A kubectl that records its calls: wave 1 completes on the third look, wave 2 never finishes.
    writeFileSync(
      join(dir, "kubectl"),
      `#!/bin/sh
echo "kubectl $*" >> "${dir}/calls"
case "$*" in
  *"get job sei-fleet-wave-1"*)
    n=$(($(cat "${dir}/looks" 2>/dev/null || echo 0) + 1)); echo "$n" > "${dir}/looks"
    if [ "$n" -ge 3 ]; then echo "Complete |2||0|2"; else echo "|$((n - 1))||2|2"; fi ;;
  *"get job sei-fleet-wave-2"*) echo "|1|1|0|2" ;;
esac
`,
      { mode: 0o755 },
    );
    const run = spawnSync("sh", [join(dir, "rollout.sh"), "apply"], {
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${dir}:${process.env.PATH}`,
        // Whole seconds (date +%s), and wave 1 needs three looks: 4 s leaves room on a loaded machine.
        SEI_FLEET_WAVE_TIMEOUT: "4",
        SEI_FLEET_POLL_SECONDS: "0.2",
      },
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      "wave-1: 0/2 stacks done, 0 failed, 2 running\nwave-1: 1/2 stacks done, 0 failed, 2 running\nwave-1: 2/2 stacks done, 0 failed, 0 running\nwave-1: complete\nwave-2: 1/2 stacks done, 1 failed, 0 running\n",
    );
    expect(run.stderr).toContain("wave-2: not done after 4 s; later waves are held");
    const calls = readFileSync(join(dir, "calls"), "utf8");
    expect(calls).not.toContain("wave-3.yaml");
    expect(calls).toContain(`kubectl apply -f ${dir}/report.yaml`);
  });
});
