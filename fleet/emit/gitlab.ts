/**
 * A GitLab child pipeline for a rollout: one stage per wave (`wave-1`, …), one
 * job per stack named after the stack, with `resource_group` set to the stack
 * so two pipelines never apply the same stack at once, and that stack's
 * report and log as artifacts. Stack jobs may fail without stopping their
 * stage (keep going inside a wave); a gate job before each later wave merges
 * the reports so far and fails past the failure budget, which skips every
 * later stage. The last job (always run) merges all reports into one, with
 * JUnit for GitLab's test view.
 *
 * Trigger it from the parent pipeline:
 *   rollout:
 *     trigger: { include: [{ local: ci/fleet/fleet-pipeline.yml }], strategy: depend }
 */
import { stringify } from "yaml";
import {
  GENERATED,
  LOGS_DIR,
  MERGED,
  REPORTS_DIR,
  applyCommand,
  gateCommand,
  gateId,
  mergeCommand,
  waveId,
  type EmitOptions,
} from "./jobs.ts";

export const GITLAB_FILE = "fleet-pipeline.yml";

export function emitGitlab(options: EmitOptions): string {
  const stages = options.waves.flatMap((_, i) => (i === 0 ? [waveId(i)] : [gateId(i), waveId(i)]));
  const pipeline: Record<string, unknown> = {
    stages: [...stages, "report"],
    default: {
      ...(options.image ? { image: options.image } : {}),
      before_script: [...options.setup],
    },
    ".sei-fleet-stack": {
      // A failed stack does not stop its wave; the next gate decides whether later waves run.
      allow_failure: true,
    },
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
