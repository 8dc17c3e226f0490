/**
 * Where a container's variable comes from, as the plan decides it: a value, a key of a Secret Terraform created
 * (never the secret itself), or null, not set in this instance. The environment resolvers (sei-env.ts,
 * solr-jod-env.ts) give every name of the image contract one, and `envList` turns them into the values' lists.
 */
import type { EnvVar } from "../schema/helm-values.ts";

export interface SecretRef {
  readonly secret: string;
  readonly key: string;
  /** The key may be missing (Kubernetes then leaves the variable unset): set only when it is so. */
  readonly optional?: true;
}

export type Source = string | SecretRef | null;

export const secretRef = (secret: string, key: string): SecretRef => ({ secret, key });

export function envVar(name: string, source: string): { name: string; value: string };
export function envVar(name: string, source: SecretRef): Extract<EnvVar, { valueFrom: unknown }>;
export function envVar(name: string, source: string | SecretRef): EnvVar;
export function envVar(name: string, source: string | SecretRef): EnvVar {
  if (typeof source === "string") return { name, value: source };
  const { secret, key, optional } = source;
  return { name, valueFrom: { secretKeyRef: { name: secret, key, ...(optional ? { optional } : {}) } } };
}

/** The variables of `names` that are set, in that order (the pod's env order). */
export function envList<Name extends string>(names: readonly Name[], sources: Record<Name, Source>): EnvVar[] {
  return names.flatMap((name) => {
    const source = sources[name];
    return source === null ? [] : [envVar(name, source)];
  });
}
