/**
 * SeiRelease: the SEI application (app, scheduler, updater hook, Solr,
 * memcached, JOD, ingress) as a `helm_release` of the in-repo chart
 * `charts/sei`, with the values the plan resolved.
 */
import { Construct, Release, type ITerraformDependable } from "../runtime/cdktf.ts";
import type { ReleasePlan } from "../core/plan.ts";
import { terraformLiteral } from "./render.ts";

export interface SeiReleaseProps {
  /** Namespace the release installs into (it exists already: Tenancy creates it). */
  readonly namespace: string;
  /** Release name, values, waiting and timeout. */
  readonly release: ReleasePlan;
  /**
   * Chart folder as Terraform should read it: absolute, because Terraform runs
   * in the stack's folder under cdktf.out, not in the repository.
   */
  readonly chartDirectory: string;
  /**
   * What must exist before the release installs: namespace, quota, policies,
   * Secrets and claims the chart refers to by name.
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

export class SeiRelease extends Construct {
  public readonly resource: Release;

  constructor(scope: Construct, id: string, props: SeiReleaseProps) {
    super(scope, id);
    const { release } = props;
    this.resource = new Release(this, "Resource", {
      name: release.name,
      namespace: props.namespace,
      chart: props.chartDirectory,
      createNamespace: false,
      // JSON is YAML: the values reach Helm exactly as the plan holds them.
      values: [terraformLiteral(JSON.stringify(release.values))],
      wait: release.wait,
      waitForJobs: release.wait,
      disableWebhooks: !release.runHooks,
      timeout: release.timeoutSeconds,
      // A failed upgrade keeps the previous release running rather than rolling back data migrations.
      atomic: false,
      maxHistory: 10,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
  }
}
