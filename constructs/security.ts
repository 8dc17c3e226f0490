/**
 * The restricted pod of core/pod-security.ts in the Kubernetes provider's
 * shape, for the pods Terraform creates itself (database, backups, password
 * rotation): the provider types user and group ids as strings.
 */
import { restrictedPodSpec, type RestrictedPodProps } from "../core/pod-security.ts";

/** restrictedPodSpec with the ids as the provider's strings. */
export function terraformRestrictedPodSpec(props: RestrictedPodProps) {
  const { securityContext, ...pod } = restrictedPodSpec(props);
  const { runAsUser, runAsGroup, fsGroup, ...rest } = securityContext;
  return {
    ...pod,
    securityContext: {
      ...rest,
      runAsUser: String(runAsUser),
      runAsGroup: String(runAsGroup),
      ...(fsGroup === undefined ? {} : { fsGroup: String(fsGroup) }),
    },
  };
}
