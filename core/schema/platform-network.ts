/**
 * The network settings of platform.yaml: each cluster's pod and service
 * networks, and the egresses that leave the namespace for a network named
 * there: mail (every instance) and each cluster's directory. Their
 * NetworkPolicies allow egress to that CIDR, so a wide or public network there
 * would open every instance to the internet, or to the pods and the API server
 * of its own cluster. CIDR arithmetic is ipaddr.js's (a small, widely
 * used library; Node has none), not hand-written bit twiddling.
 */
import ipaddr from "ipaddr.js";
import { z } from "zod";

/** An IPv4 or IPv6 network in CIDR notation; checked here, since Kubernetes would refuse a malformed ipBlock only at deploy time. */
export const cidr = z.union([z.cidrv4(), z.cidrv6()], {
  error: 'must be a network in CIDR notation, such as "10.20.30.40/32"',
});

/** The ports an SMTP relay listens on: 25 (relay), 465 (submission over TLS), 587 (submission), 2525 (unprivileged alternative). */
export const MAIL_PORTS = [25, 465, 587, 2525] as const;

export const mailPort = z.union(
  MAIL_PORTS.map((port) => z.literal(port)),
  { error: `must be an SMTP port: ${MAIL_PORTS.slice(0, -1).join(", ")} or ${MAIL_PORTS.at(-1)}` },
);

/**
 * The CIDR of an egress (a private network, never every address): `own` names
 * the servers' network ("the SMTP relay's own network"), `privateWhy` says why it must be private. Whether it covers a cluster's own
 * networks is checked where the cluster is known (clusterNetworkCovered).
 */
export function egressCidr(own: string, privateWhy: string) {
  return cidr
    .refine((network) => !isEveryAddress(network), {
      error: `is every address, the internet and the API server included: name ${own}`,
      abort: true,
    })
    .refine(isPrivateNetwork, {
      error: `must be a private network (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, or fc00::/7 for IPv6): ${privateWhy}`,
    });
}

/**
 * Why an egress to `network` (to `target`, whose servers sit in `own`) would reach into `cluster`,
 * or undefined when it covers neither the cluster's pod nor its service network.
 */
export function clusterNetworkCovered(
  network: string,
  cluster: { readonly name: string; readonly podCidr: string; readonly serviceCidr: string },
  target: string,
  own: string,
): string | undefined {
  const networks = [
    [cluster.podCidr, "pod network", "pods"],
    [cluster.serviceCidr, "service network", "services and the API server"],
  ] as const;
  const covered = networks.find(([clusterNetwork]) => overlaps(network, clusterNetwork));
  if (!covered) return undefined;
  const [clusterNetwork, what, reached] = covered;
  return `covers the ${what} ${clusterNetwork} of cluster ${cluster.name}: egress to ${target} would reach ${reached}; name ${own}`;
}

/** Private ranges: ipaddr.js's names for RFC 1918 (IPv4) and unique-local fc00::/7 (IPv6). */
const PRIVATE_RANGES = new Set(["private", "uniqueLocal"]);

type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Whether every address of `network` is private (its first address is, and the prefix is no wider than the range). */
export function isPrivateNetwork(text: string): boolean {
  const [address, bits] = ipaddr.parseCIDR(text);
  if (!PRIVATE_RANGES.has(address.range())) return false;
  const narrowest = address.kind() === "ipv4" ? privateV4Prefix(address as ipaddr.IPv4) : 7;
  return bits >= narrowest;
}

/** The prefix length of the RFC 1918 range holding `address`. */
function privateV4Prefix(address: ipaddr.IPv4): number {
  const [first, second = 0] = address.octets;
  if (first === 10) return 8;
  if (first === 172 && second >= 16 && second < 32) return 12;
  return 16;
}

/** Whether two networks share an address: one holds the other's first address. */
export function overlaps(a: string, b: string): boolean {
  const x = ipaddr.parseCIDR(a) as Network;
  const y = ipaddr.parseCIDR(b) as Network;
  if (x[0].kind() !== y[0].kind()) return false;
  return x[0].match(y) || y[0].match(x);
}

/** "is every address" for 0.0.0.0/0 and ::/0. */
export function isEveryAddress(text: string): boolean {
  return ipaddr.parseCIDR(text)[1] === 0;
}
