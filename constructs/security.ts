/**
 * Secure defaults for the pods Terraform creates itself (database, backup): the
 * Kubernetes "restricted" Pod Security Standard, which the namespace enforces.
 * Written in code on day one: turning them on later would be a breaking change.
 */

/** User and group of the `mysql` account in the official MariaDB and MySQL images. */
export const MYSQL_UID = 999;

export function restrictedPodSecurityContext(uid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: String(uid),
    runAsGroup: String(uid),
    fsGroup: String(uid),
    // Re-owning a large volume at every start would slow restarts; only do it once.
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function restrictedContainerSecurityContext() {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export interface RestrictedPodProps {
  /** ServiceAccount of the pod; its token is never mounted. */
  readonly serviceAccountName: string;
  /** Pull secrets of the private registry. */
  readonly imagePullSecrets: readonly string[];
  /** User and group the pod runs as. */
  readonly uid: number;
}

/** The pod-level fields every pod Terraform creates shares: no API token, no service links, the restricted context. */
export function restrictedPodSpec({ serviceAccountName, imagePullSecrets, uid }: RestrictedPodProps) {
  return {
    serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    imagePullSecrets: imagePullSecrets.map((name) => ({ name })),
    securityContext: restrictedPodSecurityContext(uid),
  };
}
