/**
 * A container's environment entries, in the shape both the kubernetes provider and the Kubernetes API take
 * (the constructs' pods, and the restore, drill and migration Jobs applied as plain manifests): a plain value,
 * or a key of a Secret (never the value itself, so no password reaches the plan's text).
 */
export function plainEnv(name: string, value: string | number): { name: string; value: string } {
  return { name, value: String(value) };
}

export function secretEnv(name: string, secret: string, key: string) {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}
