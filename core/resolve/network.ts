/** Who may talk to whom inside the namespace (docs/architecture.md, "Security"): policy names, peers and ports. */
import { LABEL, PORTS } from "../naming.ts";
import type { DirectoryPlan, NetworkPlan } from "../plan.ts";
import type { Platform } from "../schema/platform.ts";

export function networkOf(platform: Platform, directory: DirectoryPlan | null): NetworkPlan {
  const p = platform.spec;
  return {
    componentLabel: LABEL.component,
    policyNames: {
      defaultDeny: "default-deny-all",
      dnsEgress: "allow-dns-egress",
      ingressControllerToApp: "allow-ingress-controller-to-app",
      appEgress: "allow-app-egress",
      databaseIngress: "allow-database-ingress",
      solrIngress: "allow-solr-ingress",
      memcachedIngress: "allow-memcached-ingress",
      jodIngress: "allow-jod-ingress",
      backupEgress: "allow-backup-egress",
      bootstrapEgress: "allow-bootstrap-egress",
      appToIngressController: "allow-app-egress-to-ingress",
      mailEgress: "allow-mail-egress",
      directoryEgress: "allow-directory-egress",
    },
    dns: { namespace: p.clusterDns.namespace, podLabels: { ...p.clusterDns.podLabels }, port: 53 },
    ingressControllerNamespace: p.ingress.controllerNamespace,
    // The controller pods' HTTPS port: a call to the Ingress's address from inside the
    // cluster reaches them there (kube-proxy sends load-balancer addresses to the endpoints).
    ingressControllerHttpsPort: 443,
    appComponents: ["app", "scheduler", "updater"],
    ports: PORTS,
    mail: { cidr: p.mail.cidr, port: p.mail.port },
    directory: directory && { cidr: directory.cidr, port: directory.port },
  };
}
