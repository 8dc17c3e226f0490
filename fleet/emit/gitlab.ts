/**
 * A GitLab child pipeline for a rollout: a `plan` stage whose job plans every
 * stack, saves the plans (`fleet plan --out fleet-plans`, an artifact) and
 * prints their summary; an `approve` stage whose one job is manual, blocking
 * and deploys to the protected environment `sei-fleet` (only its approved
 * deployers can start it); then one stage per wave (`wave-1`, …), one
 * job per stack named after the stack, with `resource_group` set to the stack
 * so two pipelines never apply the same stack at once, and that stack's
 * report and log as artifacts. Stack jobs may fail without stopping their
 * stage (keep going inside a wave); a gate job before each later wave merges
 * the reports so far and fails past the failure budget, which skips every
 * later stage. The last job (always run) merges all reports into one, with
 * JUnit for GitLab's test view.
 *
 * Each stack job applies its saved plan (`--plans`), never a new one.
 *
 * Trigger it from the parent pipeline, and include the scheduled tasks there
 * (they select themselves by $CI_PIPELINE_SOURCE, which a child pipeline does
 * not see):
 *   include: [{ local: ci/fleet/fleet-schedule.yml }]
 *   rollout:
 *     trigger: { include: [{ local: ci/fleet/fleet-pipeline.yml }], strategy: depend }
 *     rules: [{ if: '$CI_PIPELINE_SOURCE != "schedule"' }]
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

export const GITLAB_FILE = "fleet-pipeline.yml";
export const GITLAB_SCHEDULE_FILE = "fleet-schedule.yml";

export function emitGitlab(options: EmitOptions): string {
  const stages = options.waves.flatMap((_, i) => (i === 0 ? [waveId(i)] : [gateId(i), waveId(i)]));
  const pipeline: Record<string, unknown> = {
    stages: ["plan", "approve", ...stages, "report"],
    default: {
      ...(options.image ? { image: options.image } : {}),
      before_script: [...options.setup],
    },
    ".sei-fleet-stack": {
      // A failed stack does not stop its wave; the next gate decides whether later waves run.
      allow_failure: true,
    },
  };
  pipeline["fleet-plan"] = {
    stage: "plan",
    // The summary in the job log is what the person who approves reads (and the artifact keeps it).
    // A runner that keeps its work tree between jobs may hold older plans: they never mix with these.
    script: [`rm -rf ${PLANS_DIR} && ${planCommand(options)} || status=$?; cat ${PLAN_SUMMARY}; exit "\${status:-0}"`],
    artifacts: { when: "always", expire_in: "30 days", paths: [`${PLANS_DIR}/`, `${LOGS_DIR}/`] },
  };
  pipeline.approve = {
    stage: "approve",
    // Manual and blocking: the waves wait for it; the protected environment says who may start it.
    when: "manual",
    allow_failure: false,
    environment: { name: APPROVAL_ENVIRONMENT },
    script: [`echo "approved: the saved plans in ${PLANS_DIR}/ are applied as reviewed"`],
  };
  options.waves.forEach((wave, i) => {
    if (i > 0) {
      pipeline[gateId(i)] = {
        stage: gateId(i),
        script: [gateCommand(options, i)],
      };
    }
    for (const stack of wave.stacks) {
      pipeline[stack.name] = {
        extends: ".sei-fleet-stack",
        stage: waveId(i),
        resource_group: stack.name,
        script: [applyCommand(stack.name)],
        artifacts: {
          when: "always",
          expire_in: "30 days",
          paths: [`${REPORTS_DIR}/${stack.name}.json`, `${LOGS_DIR}/${stack.name}.log`],
        },
      };
    }
  });
  pipeline["fleet-report"] = {
    stage: "report",
    when: "always",
    script: [mergeCommand(options)],
    artifacts: {
      when: "always",
      expire_in: "90 days",
      paths: [MERGED.report, MERGED.summary, MERGED.junit],
      reports: { junit: MERGED.junit },
    },
  };
  return `# ${GENERATED}\n# Waves: ${options.waves.map((w, i) => `${waveId(i)} ${w.name} (${w.stacks.length})`).join(", ")}.\n${stringify(pipeline, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/**
 * The scheduled tasks, for the parent pipeline's `include:`: one job per task,
 * run only by a pipeline schedule (Build > Pipeline schedules) whose variable
 * SEI_FLEET_TASK names it, with the cron given in the job's comment.
 */
export function emitGitlabSchedule(options: EmitOptions): string {
  const tasks = scheduledTasks(options);
  const pipeline: Record<string, unknown> = {};
  for (const task of tasks) {
    pipeline[`sei-fleet-${task.id}`] = {
      rules: [{ if: `$CI_PIPELINE_SOURCE == "schedule" && $SEI_FLEET_TASK == "${task.id}"` }],
      ...(options.image ? { image: options.image } : {}),
      before_script: [...options.setup],
      script: [task.command],
      ...(task.outputs.length > 0
        ? { artifacts: { when: "always", expire_in: "30 days", paths: [...task.outputs] } }
        : {}),
    };
  }
  const schedules = tasks.map((t) => `#   SEI_FLEET_TASK=${t.id}  cron "${t.cron}" (UTC): ${t.description}`).join("\n");
  return `# ${GENERATED}\n# Scheduled tasks: create one pipeline schedule per task, with its variable and cron:\n${schedules}\n${stringify(pipeline, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
