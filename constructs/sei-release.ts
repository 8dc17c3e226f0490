/**
 * SeiRelease: the SEI application (app, scheduler, updater hook, Solr,
 * memcached, JOD, ingress) as a `helm_release` of the in-repo chart
 * `charts/sei`, packaged into the stack folder under a name that carries its
 * content digest (stacks/chart-package.ts), with the values the plan resolved.
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
   * File name of the packaged chart in the stack's folder, where the engine
   * runs: relative, so the stack holds no checkout path; named by the chart's
   * digest, so a chart change changes `chart` and plans an upgrade.
   */
  readonly chartFile: string;
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
      // "./" makes Helm read a local file and never look the name up in a repository.
      chart: `./${props.chartFile}`,
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
