/**
 * The pod-level fields and security contexts of every pod the TypeScript makes
 * (the database, backups, rotation Jobs, restore Jobs, the fleet's Jobs): the
 * Kubernetes "restricted" Pod Security Standard, which every namespace
 * enforces, with a read-only root filesystem, no API token and no service-link
 * variables. Secure unless a caller opts out, and every opt-out names its
 * reason where the pod is written (as cdk8s-plus's security contexts do), so a
 * weakening is read in review, not found in a diff of manifests.
 *
 * Plain Kubernetes objects with numeric ids; constructs/security.ts turns them
 * into the Terraform provider's shape. The chart's pods get the same contexts
 * from charts/sei/templates/_pod.tpl, and test/chart compares the two.
 */

/** The numeric user and group a pod runs as: an image's, from core/image-contract.ts. */
export interface PodUser {
  readonly uid: number;
  readonly gid: number;
}

/** Weakenings of the restricted pod, each given as the reason it is needed. */
export interface PodOptOuts {
  /** No fsGroup: the pod's volumes keep their owner and group. */
  readonly fsGroup?: string;
}

/** Weakenings of the restricted container, each given as the reason it is needed. */
export interface ContainerOptOuts {
  /** A writable root filesystem, for a program that writes where no volume can be mounted. */
  readonly readOnlyRootFilesystem?: string;
}

/** Weakenings of the restricted pod spec: the security context's, and running without a ServiceAccount of its own. */
export interface PodSpecOptOuts extends PodOptOuts {
  /** No serviceAccountName: the pod runs as its namespace's default ServiceAccount (its token is still not mounted). */
  readonly serviceAccount?: string;
}

interface RestrictedPodBase {
  /** Pull secrets of the private registry. */
  readonly imagePullSecrets: readonly string[];
  /** User and group the pod runs as. */
  readonly user: PodUser;
}

/** A pod names its ServiceAccount, or opts out of one with its reason: never both, never neither. */
export type RestrictedPodProps = RestrictedPodBase &
  (
    | {
        /** ServiceAccount of the pod; its token is never mounted. */
        readonly serviceAccountName: string;
        readonly optOut?: PodOptOuts & { readonly serviceAccount?: never };
      }
    | { readonly serviceAccountName?: never; readonly optOut: PodSpecOptOuts & { readonly serviceAccount: string } }
  );

export interface PodSecurityContext {
  readonly runAsNonRoot: true;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly fsGroup?: number;
  readonly fsGroupChangePolicy?: "OnRootMismatch";
  readonly seccompProfile: { readonly type: "RuntimeDefault" };
}

/** `optOut` may carry the pod spec's opt-outs too: their reasons are checked here, and only fsGroup acts here. */
export function restrictedPodSecurityContext(user: PodUser, optOut: PodSpecOptOuts = {}): PodSecurityContext {
  requireReasons(optOut);
  return {
    runAsNonRoot: true,
    runAsUser: user.uid,
    runAsGroup: user.gid,
    ...(optOut.fsGroup === undefined
      ? {
          fsGroup: user.gid,
          // Re-owning a large volume at every start would slow restarts; only do it once.
          fsGroupChangePolicy: "OnRootMismatch",
        }
      : {}),
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function restrictedContainerSecurityContext(optOut: ContainerOptOuts = {}) {
  requireReasons(optOut);
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: optOut.readOnlyRootFilesystem === undefined,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** The pod-level fields every pod shares: no API token, no service links, the restricted context. */
export function restrictedPodSpec({ serviceAccountName, imagePullSecrets, user, optOut }: RestrictedPodProps) {
  return {
    ...(serviceAccountName === undefined ? {} : { serviceAccountName }),
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    imagePullSecrets: imagePullSecrets.map((name) => ({ name })),
    securityContext: restrictedPodSecurityContext(user, optOut),
  };
}

/** An opt-out is a decision someone explains: an empty reason is a mistake, not a weakening. */
function requireReasons(optOut: PodSpecOptOuts | ContainerOptOuts): void {
  for (const [field, reason] of Object.entries(optOut) as [string, string | undefined][])
    if (reason !== undefined && reason.trim() === "")
      throw new Error(`opting out of the restricted ${field} needs its reason, and the reason given is empty`);
}
