/**
 * The NetworkPolicies of one namespace (docs/architecture.md, "Security"): deny everything,
 * then allow exactly DNS (to the cluster DNS pods only), ingress controller → app, app → database, Solr,
 * memcached and JOD, backup → database, bootstrap → database, app → the
 * ingress controller (SEI and SIP call each other at https://<domain>),
 * app → SMTP relay, and app → the cluster's directory where platform.yaml has one.
 *
 * A connection needs both an egress allow on the client and an ingress allow
 * on the server, since the default deny covers both directions.
 * Every policy exists in every instance (JOD's too, when the tier runs no JOD),
 * so a tier change never adds or removes one.
 */
import { Construct, NetworkPolicyV1, type NetworkPolicyV1Spec } from "../runtime/cdktf.ts";
import type { ComponentName } from "../core/components.ts";
import type { NetworkPlan, NetworkPolicyRule } from "../core/plan.ts";

export interface NetworkPoliciesProps {
  /** Namespace the policies apply to. */
  readonly namespace: string;
  /** Component label, allowed peers, ports, policy names. */
  readonly network: NetworkPlan;
}

/** Label of the namespace name, set by Kubernetes on every namespace. */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

type Backend = "database" | "solr" | "memcached" | "jod";

export class NetworkPolicies extends Construct {
  public readonly resources: readonly NetworkPolicyV1[];

  constructor(scope: Construct, id: string, { namespace, network }: NetworkPoliciesProps) {
    super(scope, id);
    const { ports } = network;
    // One component: a plain label match; several: an In expression.
    const pods = (components: readonly ComponentName[]) =>
      components.length === 1
        ? { matchLabels: { [network.componentLabel]: components[0]! } }
        : { matchExpressions: [{ key: network.componentLabel, operator: "In", values: [...components] }] };
    const tcp = (port: number) => ({ port: String(port), protocol: "TCP" });
    const appComponents = network.appComponents;
    const backends: readonly Backend[] = ["database", "solr", "memcached", "jod"];
    const clientsOf = (backend: Backend): readonly ComponentName[] =>
      backend === "database" ? [...appComponents, "backup", "bootstrap"] : appComponents;

    const specs: Partial<Record<NetworkPolicyRule, NetworkPolicyV1Spec>> = {
      defaultDeny: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      dnsEgress: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            // Namespace and pod selector in one peer: only the DNS pods, not every pod of their namespace.
            to: [
              {
                namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: network.dns.namespace } },
                podSelector: { matchLabels: { ...network.dns.podLabels } },
              },
            ],
            ports: [{ port: String(network.dns.port), protocol: "UDP" }, tcp(network.dns.port)],
          },
        ],
      },
      ingressControllerToApp: {
        podSelector: pods(["app"]),
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: network.ingressControllerNamespace } } },
            ],
            ports: [tcp(ports.app)],
          },
        ],
      },
      appEgress: {
        podSelector: pods(appComponents),
        policyTypes: ["Egress"],
        egress: backends.map((backend) => ({ to: [{ podSelector: pods([backend]) }], ports: [tcp(ports[backend])] })),
      },
      databaseIngress: ingressTo("database"),
      solrIngress: ingressTo("solr"),
      memcachedIngress: ingressTo("memcached"),
      jodIngress: ingressTo("jod"),
      backupEgress: {
        podSelector: pods(["backup"]),
        policyTypes: ["Egress"],
        egress: [{ to: [{ podSelector: pods(["database"]) }], ports: [tcp(ports.database)] }],
      },
      // The first-install Job (a Helm hook) loads the reference dumps: the database only.
      bootstrapEgress: {
        podSelector: pods(["bootstrap"]),
        policyTypes: ["Egress"],
        egress: [{ to: [{ podSelector: pods(["database"]) }], ports: [tcp(ports.database)] }],
      },
      // SEI calls SIP's web service (SipWsdl) and SIP calls SEI's (sistema.web_service) at
      // https://<domain>: through the Ingress, with its real certificate (docs/images.md).
      appToIngressController: {
        podSelector: pods(appComponents),
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: network.ingressControllerNamespace } } },
            ],
            ports: [tcp(network.ingressControllerHttpsPort)],
          },
        ],
      },
      mailEgress: {
        podSelector: pods(appComponents),
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: network.mail.cidr } }], ports: [tcp(network.mail.port)] }],
      },
    };
    // SIP binds to the directory when someone logs in: the app pods only, and only where the cluster has one.
    if (network.directory) {
      specs.directoryEgress = {
        podSelector: pods(["app"]),
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: network.directory.cidr } }], ports: [tcp(network.directory.port)] }],
      };
    }

    function ingressTo(backend: Backend): NetworkPolicyV1Spec {
      return {
        podSelector: pods([backend]),
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: pods(clientsOf(backend)) }], ports: [tcp(ports[backend])] }],
      };
    }

    // Construct ids are the rule names: fixed, never derived from sizes or versions.
    this.resources = (Object.entries(specs) as [NetworkPolicyRule, NetworkPolicyV1Spec][]).map(
      ([rule, spec]) =>
        new NetworkPolicyV1(this, rule, {
          metadata: { name: network.policyNames[rule], namespace },
          spec,
        }),
    );
  }
}
