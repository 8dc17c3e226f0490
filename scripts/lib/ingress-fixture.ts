/**
 * The local cluster's stand-in for an ingress controller and for public DNS
 * (a TEST FIXTURE: scripts/e2e/images/ingress/recipe.sh). The local cluster has
 * no ingress controller; this plays one's control loop once: it reads the
 * Ingress objects the SEI chart rendered (hosts, path prefixes, backend
 * Service and port), issues each host a certificate from the local test CA
 * (scripts/e2e/test-ca.sh, standing for cert-manager's issuer), and runs the
 * fixture's HTTPS data plane in the ingress controller's namespace of
 * platform.yaml, so the SEI namespaces' NetworkPolicies see its traffic as
 * they would see ingress-nginx's. Then it makes the cluster DNS answer each
 * host with the fixture's Service address, as public DNS answers a
 * municipality's domain with the Ingress's. Used by the end-to-end suite and
 * `npm run demo`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localImage } from "./e2e-workspace.ts";
import { REPO_ROOT } from "./example-plan.ts";
import { kubectl } from "./run.ts";

const NAME = "ingress-fixture";
const DNS_BEGIN = "# sei-e2e ingress fixture: begin";
const DNS_END = "# sei-e2e ingress fixture: end";

interface Route {
  readonly host: string;
  readonly paths: string[];
  readonly service: string;
}

interface IngressObject {
  metadata: { namespace: string };
  spec: {
    rules: {
      host: string;
      http: {
        paths: { path: string; backend: { service: { name: string; port: { number?: number; name?: string } } } }[];
      };
    }[];
  };
}

/** The routes of every Ingress of these namespaces: one per host and backend Service. */
async function routesOf(namespaces: readonly string[]): Promise<Route[]> {
  const routes: Route[] = [];
  for (const namespace of namespaces) {
    const { items } = JSON.parse(await kubectl(["-n", namespace, "get", "ingress", "-o", "json"])) as {
      items: IngressObject[];
    };
    for (const ingress of items) {
      for (const rule of ingress.spec.rules) {
        const byService = new Map<string, string[]>();
        for (const { path, backend } of rule.http.paths) {
          const port =
            backend.service.port.number ??
            (await servicePort(namespace, backend.service.name, backend.service.port.name ?? ""));
          const service = `${backend.service.name}.${namespace}.svc.cluster.local:${port}`;
          byService.set(service, [...(byService.get(service) ?? []), path]);
        }
        for (const [service, paths] of byService) routes.push({ host: rule.host, paths, service });
      }
    }
  }
  if (routes.length === 0) throw new Error(`no Ingress in ${namespaces.join(", ")}: deploy the instance first`);
  return routes;
}

/** The number of a Service's port named `name`, as a controller resolves an Ingress backend's named port. */
async function servicePort(namespace: string, service: string, name: string): Promise<number> {
  const ports = JSON.parse(
    await kubectl(["-n", namespace, "get", "service", service, "-o", "jsonpath={.spec.ports}"]),
  ) as { name?: string; port: number }[];
  const port = ports.find((p) => p.name === name);
  if (!port) throw new Error(`Service ${namespace}/${service} has no port named "${name}"`);
  return port.port;
}

/** The test CA's certificate (scripts/e2e/test-ca.sh): what a client trusts to check the fixture's certificates. */
export function testCaCertificate(): string {
  return execFileSync("bash", [join(REPO_ROOT, "scripts/e2e/test-ca.sh"), "cert"], { encoding: "utf8" }).trim();
}

/**
 * Serves the Ingresses of `instanceNamespaces` from `controllerNamespace` and points the cluster DNS
 * at it. Returns the fixture's Service address. Idempotent: a second call replaces the routes.
 */
export async function installIngressFixture(
  instanceNamespaces: readonly string[],
  controllerNamespace: string,
): Promise<string> {
  const routes = await routesOf(instanceNamespaces);
  const hosts = [...new Set(routes.map((r) => r.host))];
  const certs = mkdtempSync(join(tmpdir(), "sei-ingress-fixture-"));
  try {
    const tls: Record<string, string> = {};
    for (const host of hosts) {
      execFileSync("bash", [join(REPO_ROOT, "scripts/e2e/test-ca.sh"), "issue", host, join(certs, host)]);
      tls[`${host}.crt`] = readFileSync(join(certs, host, "tls.crt")).toString("base64");
      tls[`${host}.key`] = readFileSync(join(certs, host, "tls.key")).toString("base64");
    }
    const namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: controllerNamespace } };
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: NAME, namespace: controllerNamespace },
      data: tls,
    };
    const config = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: NAME, namespace: controllerNamespace },
      data: { "routes.json": JSON.stringify({ routes }, null, 2) },
    };
    await kubectl(["apply", "-f", "-"], [namespace, secret, config].map((o) => JSON.stringify(o)).join("\n"));
    await kubectl(["apply", "-f", "-"], workloadManifest(controllerNamespace));
    // A new pod, so that it reads the routes just written (a mounted ConfigMap is refreshed only after a minute or so).
    await kubectl(["-n", controllerNamespace, "rollout", "restart", `deployment/${NAME}`]);
    await kubectl(["-n", controllerNamespace, "rollout", "status", `deployment/${NAME}`, "--timeout=120s"]);
  } finally {
    rmSync(certs, { recursive: true, force: true });
  }
  const address = (
    await kubectl(["-n", controllerNamespace, "get", "service", NAME, "-o", "jsonpath={.spec.clusterIP}"])
  ).trim();
  await answerInClusterDns(hosts, address);
  return address;
}

/** Removes the fixture and its DNS answers. */
export async function removeIngressFixture(controllerNamespace: string): Promise<void> {
  await answerInClusterDns([], "");
  await kubectl(["delete", "namespace", controllerNamespace, "--ignore-not-found", "--wait=false"]);
}

function workloadManifest(namespace: string): string {
  const labels = { "app.kubernetes.io/name": NAME };
  const deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: NAME, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            seccompProfile: { type: "RuntimeDefault" },
            // Port 443 without any capability.
            sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }],
          },
          containers: [
            {
              name: "ingress",
              image: localImage("ingress"),
              imagePullPolicy: "Never",
              ports: [{ name: "https", containerPort: 443 }],
              readinessProbe: { tcpSocket: { port: 443 }, periodSeconds: 2 },
              resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { memory: "128Mi" } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts: [
                { name: "config", mountPath: "/etc/ingress/routes.json", subPath: "routes.json", readOnly: true },
                { name: "tls", mountPath: "/etc/ingress/tls", readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: "config", configMap: { name: NAME } },
            { name: "tls", secret: { secretName: NAME } },
          ],
        },
      },
    },
  };
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: NAME, namespace, labels },
    spec: { selector: labels, ports: [{ name: "https", port: 443, targetPort: "https" }] },
  };
  return [deployment, service].map((o) => JSON.stringify(o)).join("\n");
}

/** The cluster DNS (scripts/e2e/addons/coredns.yaml) answers each host with `address`, or no host at all. */
async function answerInClusterDns(hosts: readonly string[], address: string): Promise<void> {
  const current = JSON.parse(await kubectl(["-n", "kube-system", "get", "configmap", "coredns", "-o", "json"])) as {
    data: { Corefile: string };
  };
  const start = current.data.Corefile.indexOf(DNS_BEGIN);
  const end = current.data.Corefile.indexOf(DNS_END);
  const base =
    start >= 0 && end > start
      ? current.data.Corefile.slice(0, start) + current.data.Corefile.slice(end + DNS_END.length + 1)
      : current.data.Corefile;
  const zones = hosts.map(
    (host) => `${host}:53 {
    errors
    template IN A {
        answer "{{ .Name }} 30 IN A ${address}"
    }
    template IN AAAA {
        rcode NOERROR
    }
}
`,
  );
  const corefile = zones.length ? `${base}${DNS_BEGIN}\n${zones.join("")}${DNS_END}\n` : base;
  if (corefile === current.data.Corefile) return;
  await kubectl([
    "-n",
    "kube-system",
    "patch",
    "configmap",
    "coredns",
    "--type",
    "merge",
    "-p",
    JSON.stringify({ data: { Corefile: corefile } }),
  ]);
  await kubectl(["-n", "kube-system", "rollout", "restart", "deployment/coredns"]);
  await kubectl(["-n", "kube-system", "rollout", "status", "deployment/coredns", "--timeout=120s"]);
}
