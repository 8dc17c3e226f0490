/**
 * The NetworkPolicies of one namespace (docs/architecture.md, "Security"): deny everything, then
 * allow exactly the plan's edges (core/resolve/network.ts decides them). Like aws-cdk's
 * Connections, one edge makes both ends: an egress rule in the client's policy and an ingress
 * rule in the server's, since the default deny covers both directions; an end outside the
 * namespace gets none. Nothing here knows a component, a port or a peer.
 *
 * Every policy that carries an edge exists in every instance (JOD's too, when the tier runs no
 * JOD), so a tier change never adds or removes one.
 */
import { Construct, NetworkPolicyV1, type NetworkPolicyV1Spec } from "../runtime/cdktf.ts";
import type { NetworkEdge, NetworkPlan, NetworkPolicyRule, PodsPeer } from "../core/plan.ts";

export interface NetworkPoliciesProps {
  /** Namespace the policies apply to. */
  readonly namespace: string;
  /** Component label, edges, policy names. */
  readonly network: NetworkPlan;
}

/** Label of the namespace name, set by Kubernetes on every namespace. */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

type Peer = NetworkEdge["from"];
type Rule = { peers: Peer[]; ports: { port: string; protocol: string }[] };

export class NetworkPolicies extends Construct {
  public readonly resources: readonly NetworkPolicyV1[];

  constructor(scope: Construct, id: string, { namespace, network }: NetworkPoliciesProps) {
    super(scope, id);
    const label = network.componentLabel;
    const policies = Object.keys(network.policyNames) as NetworkPolicyRule[];
    const specs: [NetworkPolicyRule, NetworkPolicyV1Spec][] = [
      ["defaultDeny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }],
    ];
    for (const policy of policies) {
      const ingress = network.edges.filter((edge) => edge.ingress === policy);
      const egress = network.edges.filter((edge) => edge.egress === policy);
      if (policy === "defaultDeny" || (ingress.length === 0 && egress.length === 0)) continue;
      const selected = [...ingress.map((edge) => edge.to), ...egress.map((edge) => edge.from)] as PodsPeer[];
      specs.push([
        policy,
        {
          podSelector: podSelector(label, samePods(policy, selected)),
          policyTypes: [...(ingress.length ? ["Ingress"] : []), ...(egress.length ? ["Egress"] : [])],
          ...(ingress.length > 0 && {
            ingress: rulesOf(ingress, (edge) => edge.from).map(({ peers, ports }) => ({
              from: peers.map((peer) => peerSelector(label, peer)),
              ports,
            })),
          }),
          ...(egress.length > 0 && {
            egress: rulesOf(egress, (edge) => edge.to).map(({ peers, ports }) => ({
              to: peers.map((peer) => peerSelector(label, peer)),
              ports,
            })),
          }),
        },
      ]);
    }

    // Construct ids are the rule names: fixed, never derived from sizes or versions.
    this.resources = specs.map(
      ([rule, spec]) =>
        new NetworkPolicyV1(this, rule, {
          metadata: { name: network.policyNames[rule], namespace },
          spec,
        }),
    );
  }
}

/** The pods one policy selects: every edge it carries must start (egress) or end (ingress) at the same pods. */
function samePods(policy: NetworkPolicyRule, selected: readonly PodsPeer[]): PodsPeer {
  const first = selected[0]!;
  const differs = selected.find((peer) => JSON.stringify(peer.components) !== JSON.stringify(first.components));
  if (differs) {
    throw new Error(
      `network plan: policy ${policy} would select both ${String(first.components)} and ${String(differs.components)}; give each its own policy`,
    );
  }
  return first;
}

/**
 * One rule per port (and protocols), in the order the edges come: the peers on that port share
 * it, the namespace's pods merged into one selector (several components: an In expression).
 */
function rulesOf(edges: readonly NetworkEdge[], peerOf: (edge: NetworkEdge) => Peer): Rule[] {
  const byPort = new Map<string, Rule>();
  for (const edge of edges) {
    const key = `${edge.port}/${edge.protocols.join("+")}`;
    const rule = byPort.get(key) ?? {
      peers: [],
      ports: edge.protocols.map((protocol) => ({ port: String(edge.port), protocol })),
    };
    byPort.set(key, rule);
    const peer = peerOf(edge);
    const pods = rule.peers.findIndex((p) => p.kind === "pods");
    if (peer.kind === "pods" && pods >= 0) rule.peers[pods] = mergePods(rule.peers[pods] as PodsPeer, peer);
    else if (!rule.peers.some((p) => JSON.stringify(p) === JSON.stringify(peer))) rule.peers.push(peer);
  }
  return [...byPort.values()];
}

function mergePods(a: PodsPeer, b: PodsPeer): PodsPeer {
  if (a.components === "every pod" || b.components === "every pod") return { kind: "pods", components: "every pod" };
  return { kind: "pods", components: [...new Set([...a.components, ...b.components])] };
}

/** Every pod: an empty selector; one component: a plain label match; several: an In expression. */
function podSelector(label: string, { components }: PodsPeer) {
  if (components === "every pod") return {};
  return components.length === 1
    ? { matchLabels: { [label]: components[0]! } }
    : { matchExpressions: [{ key: label, operator: "In", values: [...components] }] };
}

function peerSelector(label: string, peer: Peer) {
  switch (peer.kind) {
    case "pods":
      return { podSelector: podSelector(label, peer) };
    case "namespace":
      // Namespace and pod selector in one peer: only those pods, not every pod of their namespace.
      return {
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } },
        ...(peer.podLabels && { podSelector: { matchLabels: { ...peer.podLabels } } }),
      };
    case "addresses":
      return { ipBlock: { cidr: peer.cidr } };
  }
}
