/**
 * SolrRotationJob: one step of a Solr user and password rotation
 * (docs/runbooks/rotate-credentials.md; the steps in solr-rotation.sh) as a
 * Kubernetes Job Terraform runs once per generation: `accept` before the
 * release (Solr takes the new user beside the current one), `retire` after it
 * (the previous user goes). Named for the generation, like the database's
 * (password-rotation.ts).
 */
import { readFileSync } from "node:fs";
import { Construct, type JobV1 } from "../runtime/cdktf.ts";
import type { PasswordRotationPlan } from "../core/plan.ts";
import { SECRET_KEYS } from "../core/naming.ts";
import { terraformLiteral } from "./render.ts";
import { IMAGES } from "../core/image-contract.ts";
import { rotationJob, type RotationJobTarget, type RotationStep } from "./rotation-job.ts";
import { plainEnv, secretEnv } from "./container-env.ts";

/** The script both steps run (its own file, so shellcheck reads it). */
const SCRIPT = readFileSync(new URL("./solr-rotation.sh", import.meta.url), "utf8");

export interface SolrRotationJobProps extends RotationJobTarget {
  readonly step: RotationStep;
  readonly solr: PasswordRotationPlan["solr"];
  /** The application Secret: the Solr users and passwords. */
  readonly appSecretName: string;
}

export class SolrRotationJob extends Construct {
  public readonly resource: JobV1;

  constructor(scope: Construct, id: string, props: SolrRotationJobProps) {
    super(scope, id);
    const { step, solr } = props;
    const fromSecret = (name: string, key: string) => secretEnv(name, props.appSecretName, key);

    this.resource = rotationJob(this, "Resource", props, {
      step,
      user: IMAGES.app,
      container: {
        name: `solr-password-${step}`,
        // The script's $0 and $1: `bash -c SCRIPT NAME STEP`.
        command: ["/bin/bash", "-c", terraformLiteral(SCRIPT), "solr-rotation.sh", step],
        env: [
          plainEnv("SOLR_URL", solr.url),
          fromSecret("SOLR_USERNAME", SECRET_KEYS.app.solrUsername),
          fromSecret("SOLR_PASSWORD", SECRET_KEYS.app.solrPassword),
          fromSecret("SOLR_PREVIOUS_USERNAME", SECRET_KEYS.solrRotation.previousUsername),
          fromSecret("SOLR_PREVIOUS_PASSWORD", SECRET_KEYS.solrRotation.previousPassword),
        ],
      },
    });
  }
}
