/**
 * A GitHub Actions workflow for a rollout: a `plan` job that plans every stack
 * and uploads the saved plans (`fleet plan --out fleet-plans`) with their
 * summary in the job summary; an `approve` job in the environment `sei-fleet`
 * (its required reviewers, set in the repository's settings, approve the run
 * there); then one job per wave, each a matrix
 * over its stacks (GitHub allows 256 entries per matrix, so a larger wave is
 * split into parts), `fail-fast: false` so a failed stack does not cancel the
 * others, `max-parallel` from --concurrency, and a concurrency group per
 * stack so two runs never apply one stack at once. A gate job before each
 * later wave fails past the failure budget; the report job always runs and
 * merges the per-stack reports into one, also written to the job summary.
 * Each stack job applies its saved plan (`--plans`), never a new one.
 *
 * Beside it, a second workflow runs the scheduled tasks (`on: schedule`), one
 * job per task, each only at its own cron (or by hand with its name).
 */
import { stringify } from "yaml";
import {
  GENERATED,
  LOGS_DIR,
  MERGED,
  APPROVAL_ENVIRONMENT,
  PLANS_DIR,
  PLAN_SUMMARY,
  REPORTS_DIR,
  applyCommand,
  planCommand,
  scheduledTasks,
  gateCommand,
  gateId,
  mergeCommand,
  waveId,
  type EmitOptions,
} from "./jobs.ts";

export const GITHUB_FILE = "sei-fleet-rollout.yml";
export const GITHUB_SCHEDULE_FILE = "sei-fleet-schedule.yml";
/** GitHub's limit of jobs one matrix may generate. */
export const MATRIX_LIMIT = 256;

const ARTIFACT_PREFIX = "fleet-report-";

export function emitGithub(options: EmitOptions, runsOn = "ubuntu-latest"): string {
  const setup = setupSteps(options);
  const download = {
    uses: "actions/download-artifact@v4",
    with: { pattern: `${ARTIFACT_PREFIX}*`, path: REPORTS_DIR, "merge-multiple": true },
  };
  const jobs: Record<string, unknown> = {};
  jobs.plan = {
    name: "plan every stack",
    "runs-on": runsOn,
    ...(options.image ? { container: options.image } : {}),
    steps: [
      ...stackSetup(options),
      {
        name: "fleet plan",
        ...secretEnv(options),
        run: `${planCommand(options)}; status=$?; cat ${PLAN_SUMMARY} >> "$GITHUB_STEP_SUMMARY"; exit $status`,
        shell: "bash {0}",
      },
      {
        if: "${{ always() }}",
        uses: "actions/upload-artifact@v4",
        with: { name: PLANS_ARTIFACT, path: `${PLANS_DIR}/\n${LOGS_DIR}/\n`, "if-no-files-found": "ignore" },
      },
    ],
  };
  jobs.approve = {
    name: "approve the saved plans",
    needs: ["plan"],
    // The environment's required reviewers approve here; the waves wait for it.
    environment: APPROVAL_ENVIRONMENT,
    "runs-on": runsOn,
    steps: [{ run: `echo "approved: the saved plans are applied as reviewed"` }],
  };
  let previous: string[] = ["approve"];
  options.waves.forEach((wave, i) => {
    let needs = previous;
    if (i > 0) {
      jobs[gateId(i)] = {
        name: `gate before wave ${i + 1} (${wave.name})`,
        needs: previous,
        // Runs after failed stacks too; it is the gate that decides.
        if: "${{ !cancelled() }}",
        "runs-on": runsOn,
        steps: [...setup, download, { run: gateCommand(options, i) }],
      };
      needs = [gateId(i)];
    }
    const parts = chunk(
      wave.stacks.map((s) => s.name),
      MATRIX_LIMIT,
    );
    previous = parts.map((stacks, p) => {
      const id = parts.length > 1 ? `${waveId(i)}-part-${p + 1}` : waveId(i);
      jobs[id] = {
        name: `wave ${i + 1} (${wave.name})${parts.length > 1 ? ` part ${p + 1}/${parts.length}` : ""}: \${{ matrix.stack }}`,
        ...(needs.length > 0 ? { needs } : {}),
        "runs-on": runsOn,
        ...(options.image ? { container: options.image } : {}),
        concurrency: { group: "sei-fleet-${{ matrix.stack }}", "cancel-in-progress": false },
        strategy: { "fail-fast": false, "max-parallel": options.concurrency, matrix: { stack: stacks } },
        steps: [
          ...stackSetup(options),
          { uses: "actions/download-artifact@v4", with: { name: PLANS_ARTIFACT, path: "." } },
          { name: "fleet apply", ...secretEnv(options), run: applyCommand("${{ matrix.stack }}") },
          {
            if: "${{ always() }}",
            uses: "actions/upload-artifact@v4",
            with: {
              name: `${ARTIFACT_PREFIX}\${{ matrix.stack }}`,
              path: `${REPORTS_DIR}/\${{ matrix.stack }}.json\n${LOGS_DIR}/\${{ matrix.stack }}.log\n`,
              "if-no-files-found": "ignore",
            },
          },
        ],
      };
      return id;
    });
  });
  jobs.report = {
    name: "fleet report",
    needs: Object.keys(jobs),
    if: "${{ always() }}",
    "runs-on": runsOn,
    steps: [
      ...setup,
      download,
      {
        // download-artifact put each job's fleet-logs/ below the download folder.
        run: `${mergeCommand(options, REPORTS_DIR, `${REPORTS_DIR}/${LOGS_DIR}`)}; status=$?; cat ${MERGED.summary} >> "$GITHUB_STEP_SUMMARY"; exit $status`,
        shell: "bash {0}",
      },
      {
        if: "${{ always() }}",
        uses: "actions/upload-artifact@v4",
        with: { name: "fleet-report", path: `${MERGED.report}\n${MERGED.summary}\n${MERGED.junit}\n` },
      },
    ],
  };
  const workflow = {
    name: "SEI fleet rollout",
    on: { workflow_dispatch: {} },
    permissions: { contents: "read" },
    jobs,
  };
  return `# ${GENERATED}\n# Waves: ${options.waves.map((w, i) => `${waveId(i)} ${w.name} (${w.stacks.length})`).join(", ")}.\n${stringify(workflow, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** What a job that runs the engine needs first: the checkout, Node, the project, OpenTofu and the kubeconfig. */
function stackSetup(options: EmitOptions): object[] {
  return [
    ...setupSteps(options),
    ...engineSetup(options),
    {
      name: "kubeconfig",
      env: { KUBECONFIG_DATA: `\${{ secrets.${KUBECONFIG_SECRET} }}` },
      run: 'umask 077 && printf \'%s\' "$KUBECONFIG_DATA" > "$RUNNER_TEMP/kubeconfig" && echo "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV"',
    },
  ];
}

function setupSteps(options: EmitOptions): object[] {
  return [
    { uses: "actions/checkout@v4" },
    { uses: "actions/setup-node@v4", with: { "node-version": 20, cache: "npm" } },
    ...options.setup.map((run) => ({ run })),
  ];
}

/** The artifact of the plan job: the saved plans and the plan logs. */
const PLANS_ARTIFACT = "fleet-plans";

/**
 * The scheduled tasks as their own workflow: one job per task, run at its cron
 * (github.event.schedule is the cron that fired) or by hand with its name.
 */
export function emitGithubSchedule(options: EmitOptions, runsOn = "ubuntu-latest"): string {
  const tasks = scheduledTasks(options);
  const jobs: Record<string, unknown> = {};
  for (const task of tasks) {
    jobs[task.id] = {
      name: `${task.id}: ${task.description}`,
      if: `\${{ github.event.schedule == '${task.cron}' || inputs.task == '${task.id}' }}`,
      "runs-on": runsOn,
      ...(options.image ? { container: options.image } : {}),
      steps: [
        ...stackSetup(options),
        { name: `fleet ${task.id}`, ...secretEnv(options, task.secrets), run: task.command },
        ...(task.outputs.length > 0
          ? [
              {
                if: "${{ always() }}",
                uses: "actions/upload-artifact@v4",
                with: { name: `fleet-${task.id}`, path: `${task.outputs.join("\n")}\n`, "if-no-files-found": "ignore" },
              },
            ]
          : []),
      ],
    };
  }
  const workflow = {
    name: "SEI fleet schedule",
    on: {
      schedule: [...new Set(tasks.map((t) => t.cron))].map((cron) => ({ cron })),
      workflow_dispatch: {
        inputs: {
          task: { description: "the task to run now", required: true, type: "choice", options: tasks.map((t) => t.id) },
        },
      },
    },
    permissions: { contents: "read" },
    jobs,
  };
  return `# ${GENERATED}\n${stringify(workflow, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** The repository secret holding the kubeconfig of the target clusters, written to a private file in the stack jobs. */
export const KUBECONFIG_SECRET = "SEI_FLEET_KUBECONFIG";

/** OpenTofu at the project's pinned version (scripts/e2e/toolchain.sh), without the wrapper that rewrites its output. */
function engineSetup(options: EmitOptions): object[] {
  if (!options.tofuVersion) return [];
  return [{ uses: "opentofu/setup-opentofu@v1", with: { tofu_version: options.tofuVersion, tofu_wrapper: false } }];
}

/**
 * The environment of the step that applies a stack, and of no other step or
 * job (not npm ci's scripts, not the actions): the pg connection string (from
 * the secret platform.yaml names) and the state passphrases (from secrets of
 * their own names, upper case as GitHub shows secret names).
 */
function secretEnv(options: EmitOptions, more: readonly string[] = []): { env?: Record<string, string> } {
  const env: Record<string, string> = {
    ...(options.pgConnectionEnv ? { PG_CONN_STR: `\${{ secrets.${options.pgConnectionEnv} }}` } : {}),
    ...Object.fromEntries(
      [...(options.passphraseEnv ?? []), ...more].map((name) => [name, `\${{ secrets.${name.toUpperCase()} }}`]),
    ),
  };
  return Object.keys(env).length > 0 ? { env } : {};
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
  return parts;
}
