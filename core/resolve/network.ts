/**
 * Who may talk to whom (docs/architecture.md, "Security", whose table test/core/network.test.ts
 * compares with these edges): every allowed connection, and the NetworkPolicy carrying each side.
 * constructs/network-policies.ts renders them on top of the namespace's default deny.
 *
 * To allow a new connection, add its edge here (and its row to the document's table); a new
 * policy also needs its name in core/naming.ts NETWORK_POLICY_NAMES.
 */
import type { ComponentName } from "../components.ts";
import { PORTS } from "../image-contract.ts";
import { LABEL, NETWORK_POLICY_NAMES } from "../naming.ts";
import type {
  AddressPeer,
  BackupStorePlan,
  DirectoryPlan,
  NamespacePeer,
  NetworkEdge,
  NetworkPlan,
  NetworkPolicyRule,
  PodsPeer,
} from "../plan.ts";
import type { Platform } from "../schema/platform.ts";

/** SEI's own processes: they call the backends, each other's web services and the outside. */
const SEI = ["app", "scheduler", "updater"] as const satisfies readonly ComponentName[];
const TCP = ["TCP"] as const;
/** DNS answers over UDP, and over TCP when an answer is too large for a datagram. */
const DNS = { port: 53, protocols: ["UDP", "TCP"] } as const;
/**
 * The ingress controller pods' HTTPS port: a call to the Ingress's address from inside the
 * cluster reaches them there (kube-proxy sends load-balancer addresses to the endpoints).
 */
const INGRESS_HTTPS_PORT = 443;

const pods = (...components: ComponentName[]): PodsPeer => ({ kind: "pods", components });
const addresses = (name: string, cidr: string): AddressPeer => ({ kind: "addresses", name, cidr });

export function networkOf(
  platform: Platform,
  directory: DirectoryPlan | null,
  backupStore: BackupStorePlan | null,
): NetworkPlan {
  const p = platform.spec;
  const everyPod: PodsPeer = { kind: "pods", components: "every pod" };
  const dnsPods: NamespacePeer = {
    kind: "namespace",
    name: "DNS pods",
    namespace: p.clusterDns.namespace,
    podLabels: { ...p.clusterDns.podLabels },
  };
  const ingressController: NamespacePeer = {
    kind: "namespace",
    name: "ingress controller",
    namespace: p.ingress.controllerNamespace,
    podLabels: null,
  };
  const sei = pods(...SEI);
  const backend = (component: "database" | "solr" | "memcached" | "jod", ingress: NetworkPolicyRule) =>
    ({ from: sei, to: pods(component), port: PORTS[component], protocols: TCP, egress: "appEgress", ingress }) as const;

  const edges: NetworkEdge[] = [
    { from: everyPod, to: dnsPods, ...DNS, egress: "dnsEgress" },
    { from: ingressController, to: pods("app"), port: PORTS.app, protocols: TCP, ingress: "ingressControllerToApp" },
    backend("database", "databaseIngress"),
    backend("solr", "solrIngress"),
    backend("memcached", "memcachedIngress"),
    backend("jod", "jodIngress"),
    // The nightly dumps and the binlog shipper (backup pods), and the first install loading the
    // reference dumps: the database only.
    {
      from: pods("backup"),
      to: pods("database"),
      port: PORTS.database,
      protocols: TCP,
      egress: "backupEgress",
      ingress: "databaseIngress",
    },
    {
      from: pods("bootstrap"),
      to: pods("database"),
      port: PORTS.database,
      protocols: TCP,
      egress: "bootstrapEgress",
      ingress: "databaseIngress",
    },
    // SEI calls SIP's web service (SipWsdl) and SIP calls SEI's (sistema.web_service) at
    // https://<domain>: through the Ingress, with its real certificate (docs/images.md).
    { from: sei, to: ingressController, port: INGRESS_HTTPS_PORT, protocols: TCP, egress: "appToIngressController" },
    { from: sei, to: addresses("mail relay", p.mail.cidr), port: p.mail.port, protocols: TCP, egress: "mailEgress" },
  ];
  // SIP binds to the directory when someone logs in: the app pods only, and only where the cluster has one.
  if (directory) {
    edges.push({
      from: pods("app"),
      to: addresses("directory", directory.cidr),
      port: directory.port,
      protocols: TCP,
      egress: "directoryEgress",
    });
  }
  // The backup pods (the store's nightly job, the binlog shipper) reach the cluster's off-site store,
  // nothing else outside: only where it has one.
  if (backupStore) {
    edges.push({
      from: pods("backup"),
      to: addresses("backup store", backupStore.egress.cidr),
      port: backupStore.egress.port,
      protocols: TCP,
      egress: "backupStoreEgress",
    });
  }
  return { componentLabel: LABEL.component, policyNames: NETWORK_POLICY_NAMES, edges };
}
