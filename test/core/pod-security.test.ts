/**
 * The one restricted pod (core/pod-security.ts): secure unless a caller opts
 * out, and each opt-out weakens exactly its own field and needs a reason.
 */
import { describe, expect, it } from "vitest";
import {
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  restrictedPodSpec,
} from "../../core/pod-security.ts";
import { terraformRestrictedPodSpec } from "../../constructs/security.ts";

const user = { uid: 33, gid: 34 };

describe("the restricted pod", () => {
  it("runs as the image's user and group, owns its volumes once, and has no token, service links or privileges", () => {
    expect(restrictedPodSpec({ serviceAccountName: "sei", imagePullSecrets: ["registry"], user })).toEqual({
      serviceAccountName: "sei",
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      imagePullSecrets: [{ name: "registry" }],
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 33,
        runAsGroup: 34,
        fsGroup: 34,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
      },
    });
    expect(restrictedContainerSecurityContext()).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  it("an opt-out weakens its own field only", () => {
    const withoutFsGroup = restrictedPodSecurityContext(user, { fsGroup: "the volume keeps its owner" });
    const full = restrictedPodSecurityContext(user);
    expect(withoutFsGroup).toEqual({
      runAsNonRoot: full.runAsNonRoot,
      runAsUser: full.runAsUser,
      runAsGroup: full.runAsGroup,
      seccompProfile: full.seccompProfile,
    });
    expect(restrictedContainerSecurityContext({ readOnlyRootFilesystem: "the program writes beside itself" })).toEqual({
      ...restrictedContainerSecurityContext(),
      readOnlyRootFilesystem: false,
    });
  });

  it("opts out of a ServiceAccount of its own: the namespace's default, still without its token", () => {
    const withAccount = restrictedPodSpec({ serviceAccountName: "sei", imagePullSecrets: ["registry"], user });
    const { serviceAccountName, ...rest } = withAccount;
    expect(serviceAccountName).toBe("sei");
    const withoutAccount = restrictedPodSpec({
      imagePullSecrets: ["registry"],
      user,
      optOut: { serviceAccount: "a scratch namespace has only its default ServiceAccount" },
    });
    expect(withoutAccount).not.toHaveProperty("serviceAccountName");
    expect(withoutAccount).toStrictEqual(rest);
    expect(() => restrictedPodSpec({ imagePullSecrets: [], user, optOut: { serviceAccount: "" } })).toThrow(
      /serviceAccount needs its reason/,
    );
  });

  it("refuses an opt-out without a reason", () => {
    expect(() => restrictedPodSecurityContext(user, { fsGroup: " " })).toThrow(/fsGroup needs its reason/);
    expect(() => restrictedContainerSecurityContext({ readOnlyRootFilesystem: "" })).toThrow(
      /readOnlyRootFilesystem needs its reason/,
    );
  });

  it("gives Terraform's provider the same pod, with the ids as strings", () => {
    const props = { serviceAccountName: "sei", imagePullSecrets: [], user };
    const { securityContext, ...pod } = restrictedPodSpec(props);
    expect(terraformRestrictedPodSpec(props)).toEqual({
      ...pod,
      securityContext: { ...securityContext, runAsUser: "33", runAsGroup: "34", fsGroup: "34" },
    });
    expect(
      terraformRestrictedPodSpec({ ...props, optOut: { fsGroup: "read only" } }).securityContext,
    ).not.toHaveProperty("fsGroup");
  });
});
