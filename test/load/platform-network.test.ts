/**
 * platform.yaml's network settings and free-text fields are checked before
 * they reach a NetworkPolicy or the chart: the mail egress is a private relay
 * network that covers no cluster's pods or services, on a mail port; each
 * cluster's directory egress a private network that covers none of its own; every
 * free-text field has a pattern. Each error is positioned at its field.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateBytes } from "../../core/load/index.ts";
import { platformSchema } from "../../core/schema/platform.ts";
import { lines, REPO_ROOT } from "./support.ts";

const PLATFORM = readFileSync(join(REPO_ROOT, "platform.yaml"), "utf8");

/** The diagnostics of platform.yaml with `from` replaced by `to` (failing loudly when `from` is absent). */
function problems(from: string | RegExp, to: string): string[] {
  const text = PLATFORM.replace(from, to);
  if (text === PLATFORM) throw new Error(`${String(from)} is not in platform.yaml`);
  return lines(validateBytes(Buffer.from(text), "platform.yaml", platformSchema).diagnostics);
}

const lineOf = (needle: string) => PLATFORM.split("\n").findIndex((line) => line.includes(needle)) + 1;

describe("platform.yaml network settings", () => {
  it("the repository's platform.yaml is valid", () => {
    expect(lines(validateBytes(Buffer.from(PLATFORM), "platform.yaml", platformSchema).diagnostics)).toEqual([]);
  });

  it("each cluster entry names its pod and service CIDRs", () => {
    expect(problems(/ {6}podCidr: .*\n/, "")).toEqual([
      expect.stringMatching(/^error platform\.yaml:\d+:\d+ spec\.clusters\[0\]\.podCidr: is required$/),
    ]);
    expect(problems(/serviceCidr: [^\s]+/, "serviceCidr: 10.96.0.0")).toEqual([
      expect.stringMatching(
        /^error platform\.yaml:\d+:20 spec\.clusters\[0\]\.serviceCidr: must be a network in CIDR notation/,
      ),
    ]);
  });

  it.each([
    ["0.0.0.0/0", "is every address, the internet and the API server included: name the SMTP relay's own network"],
    [
      "8.8.8.0/24",
      "must be a private network (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, or fc00::/7 for IPv6): mail leaves only through PRODEMGE's relay",
    ],
    [
      '"2001:db8::/64"',
      "must be a private network (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, or fc00::/7 for IPv6): mail leaves only through PRODEMGE's relay",
    ],
    [
      "10.0.0.0/8",
      "covers the pod network 10.244.0.0/16 of cluster prodemge-bh-1: egress to mail would reach pods; name the relay's own network",
    ],
    [
      "10.96.0.0/24",
      "covers the service network 10.96.0.0/12 of cluster prodemge-bh-1: egress to mail would reach services and the API server; name the relay's own network",
    ],
  ])("refuses mail.cidr %s, at the field", (cidr, message) => {
    expect(problems("cidr: 10.20.30.40/32", `cidr: ${cidr}`)).toEqual([
      `error platform.yaml:${lineOf("cidr: 10.20.30.40/32")}:11 spec.mail.cidr: ${message}`,
    ]);
  });

  it("accepts a private relay network, IPv6 unique-local too", () => {
    expect(problems("cidr: 10.20.30.40/32", "cidr: 192.168.7.0/24")).toEqual([]);
    expect(problems("cidr: 10.20.30.40/32", 'cidr: "fd12:3456::/64"')).toEqual([]);
  });

  // The directory's NetworkPolicy is an egress to its cidr, like mail's: the same checks, against its own cluster.
  it.each([
    [
      "0.0.0.0/0",
      "is every address, the internet and the API server included: name the directory servers' own network",
    ],
    [
      "8.8.8.0/24",
      "must be a private network (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, or fc00::/7 for IPv6): the directory is PRODEMGE's, inside its network",
    ],
    ['"::/0"', "is every address, the internet and the API server included: name the directory servers' own network"],
    [
      "10.0.0.0/8",
      "covers the pod network 10.244.0.0/16 of cluster prodemge-bh-1: egress to the directory would reach pods; name the directory servers' own network",
    ],
    [
      "10.96.0.1/32",
      "covers the service network 10.96.0.0/12 of cluster prodemge-bh-1: egress to the directory would reach services and the API server; name the directory servers' own network",
    ],
  ])("refuses directory.cidr %s, at the field", (cidr, message) => {
    expect(problems("cidr: 10.20.30.50/32", `cidr: ${cidr}`)).toEqual([
      `error platform.yaml:${lineOf("cidr: 10.20.30.50/32")}:15 spec.clusters[0].directory.cidr: ${message}`,
    ]);
  });

  it("accepts a private directory network, IPv6 unique-local too", () => {
    expect(problems("cidr: 10.20.30.50/32", "cidr: 192.168.8.0/24")).toEqual([]);
    expect(problems("cidr: 10.20.30.50/32", 'cidr: "fd12:3456::1/128"')).toEqual([]);
  });

  it("takes mail ports from the short list of SMTP ports", () => {
    expect(problems("port: 587", "port: 465")).toEqual([]);
    expect(problems("port: 587", "port: 3306")).toEqual([
      `error platform.yaml:${lineOf("port: 587")}:11 spec.mail.port: must be an SMTP port: 25, 465, 587 or 2525`,
    ]);
  });
});

describe("platform.yaml free-text fields have a pattern", () => {
  it.each([
    ["className: nginx", "className: nginx ingress", "spec.ingress.className"],
    ["clusterIssuer: letsencrypt-prod", 'clusterIssuer: "x\\ny"', "spec.ingress.clusterIssuer"],
    ["controllerNamespace: ingress-nginx", "controllerNamespace: Ingress_Nginx", "spec.ingress.controllerNamespace"],
    ["readWriteOnce: ceph-rbd-retain", "readWriteOnce: ceph rbd", "spec.storageClasses.readWriteOnce"],
    ["registry: registry.prodemge.mg.gov.br/sei", "registry: https://registry.prodemge.mg.gov.br", "spec.registry"],
    ["imagePullSecret: prodemge-registry", 'imagePullSecret: "{{ evil }}"', "spec.imagePullSecret"],
    ["host: smtp.prodemge.mg.gov.br", "host: smtp.prodemge.mg.gov.br;", "spec.mail.host"],
    ["repository: sei-app", "repository: sei app", "spec.images.app.repository"],
    ["context: prodemge-bh-1 }", "context: 'a\"b' }", "spec.clusters[0].kubeconfig.context"],
    [
      "connectionStringEnv: PG_CONN_STR",
      "connectionStringEnv: postgres://x:y@db/z",
      "spec.stateBackend.connectionStringEnv",
    ],
  ])("%s → %s is refused at %s", (from, to, field) => {
    const found = problems(from, to);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      new RegExp(`^error platform\\.yaml:${lineOf(from)}:\\d+ ${field.replace(/[.[\]]/g, "\\$&")}: `),
    );
  });

  it("refuses a local state folder outside the repository at spec.stateBackend.directory", () => {
    const found = problems(/type: pg\n( +)connectionStringEnv: PG_CONN_STR/, "type: local\n$1directory: ../../etc");
    expect(found).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error platform\\.yaml:${lineOf("connectionStringEnv: PG_CONN_STR")}:\\d+ spec\\.stateBackend\\.directory: `,
        ),
      ),
    ]);
  });
});
