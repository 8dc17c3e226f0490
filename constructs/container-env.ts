/**
 * A container's environment entries, in the shape both the kubernetes provider and the Kubernetes API take
 * (the constructs' pods, and the restore, drill and migration Jobs applied as plain manifests): a plain value,
 * or a key of a Secret (never the value itself, so no password reaches the plan's text). The shape is the
 * chart values' own (core/resolve/env-source.ts): one definition of an env entry.
 */
import { envVar, secretRef } from "../core/resolve/env-source.ts";

export function plainEnv(name: string, value: string | number) {
  return envVar(name, String(value));
}

export function secretEnv(name: string, secret: string, key: string) {
  return envVar(name, secretRef(secret, key));
}
