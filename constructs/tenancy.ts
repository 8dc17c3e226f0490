/**
 * Tenancy: the namespace of one SEI instance and everything that fences it in
 * (docs/architecture.md, "Security"): Pod Security labels, ResourceQuota, LimitRange,
 * default-deny NetworkPolicies with explicit allows, and a ServiceAccount
 * without an automounted token.
 */
import {
  Construct,
  LimitRangeV1,
  NamespaceV1,
  ResourceQuotaV1,
  ServiceAccountV1,
  type ITerraformDependable,
} from "../runtime/cdktf.ts";
import type { LimitRangePlan, NetworkPlan, QuotaPlan } from "../core/plan.ts";
import { formatBytes, formatCpu } from "../core/quantity.ts";
import { NetworkPolicies } from "./network-policies.ts";
import { renderAmount } from "./render.ts";

export interface TenancyProps {
  /** Namespace name (`sei-<municipality>`). */
  readonly namespace: string;
  /** Namespace labels, Pod Security admission labels included. */
  readonly labels: Readonly<Record<string, string>>;
  /** Hard limits for the whole namespace. */
  readonly quota: QuotaPlan;
  /** Defaults and maximum for any container in the namespace. */
  readonly limitRange: LimitRangePlan;
  /** Who may talk to whom. */
  readonly network: NetworkPlan;
  /** Name of the ServiceAccount every SEI pod runs as. */
  readonly serviceAccountName: string;
}

export class Tenancy extends Construct {
  /** The namespace; other constructs place their objects in `namespaceName`. */
  public readonly resource: NamespaceV1;
  /** The namespace ResourceQuota; volumes are ordered after it so that they grow within it. */
  public readonly quota: ResourceQuotaV1;
  /** Everything a workload needs before it starts: namespace, quota, limits, policies, account. */
  public readonly dependables: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: TenancyProps) {
    super(scope, id);

    this.resource = new NamespaceV1(this, "Resource", {
      metadata: { name: props.namespace, labels: { ...props.labels } },
      // Deleting a namespace deletes every claim in it, whatever Terraform thinks of the claims:
      // it is data-bearing too, and outlives a decommissioned instance with its data.
      lifecycle: { preventDestroy: true },
    });
    const namespace = this.resource.metadata.name;

    const quota = (this.quota = new ResourceQuotaV1(this, "Quota", {
      metadata: { name: props.quota.name, namespace },
      spec: {
        hard: {
          "requests.cpu": formatCpu(props.quota.requests.cpuMillicores),
          "requests.memory": formatBytes(props.quota.requests.memoryBytes),
          "limits.cpu": formatCpu(props.quota.limits.cpuMillicores),
          "limits.memory": formatBytes(props.quota.limits.memoryBytes),
          // Node-local disk (logs, emptyDir scratch): with these set, every pod must declare it too.
          "requests.ephemeral-storage": formatBytes(props.quota.requests.ephemeralStorageBytes),
          "limits.ephemeral-storage": formatBytes(props.quota.limits.ephemeralStorageBytes),
          "requests.storage": formatBytes(props.quota.storageBytes),
          persistentvolumeclaims: String(props.quota.persistentVolumeClaims),
          pods: String(props.quota.pods),
        },
      },
    }));

    const limitRange = new LimitRangeV1(this, "LimitRange", {
      metadata: { name: props.limitRange.name, namespace },
      spec: {
        limit: [
          {
            type: "Container",
            defaultRequest: renderAmount(props.limitRange.defaultRequest),
            default: renderAmount(props.limitRange.defaultLimit),
            max: renderAmount(props.limitRange.max),
          },
        ],
      },
    });

    const policies = new NetworkPolicies(this, "NetworkPolicies", { namespace, network: props.network });

    const serviceAccount = new ServiceAccountV1(this, "ServiceAccount", {
      metadata: { name: props.serviceAccountName, namespace },
      // SEI never calls the Kubernetes API; a mounted token would only be something to steal.
      automountServiceAccountToken: false,
    });

    this.dependables = [this.resource, quota, limitRange, ...policies.resources, serviceAccount];
  }

  /** The namespace name, as a reference that orders dependents after the namespace. */
  public get namespaceName(): string {
    return this.resource.metadata.name;
  }
}
