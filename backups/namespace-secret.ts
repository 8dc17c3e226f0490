/**
 * The municipality's side of its store credential, read from the Secret of its
 * namespace (constructs/backup-store-secret.ts writes it, Terraform generates
 * the keys): the user's secret key and the repository key provisioning gives
 * the store. What kubectl returns is checked as hostile input: the user must be
 * the plan's, the keys letters and digits of the generated length.
 */
import { SECRET_KEYS } from "../core/naming.ts";
import type { BackupStorePlan } from "../core/plan.ts";
import type { Kubectl } from "../restore/kubectl.ts";

export interface TenantKeys {
  readonly secretAccessKey: string;
  readonly repositoryPassword: string;
}

const KEY = /^[A-Za-z0-9]{32,128}$/;

export class SecretProblem extends Error {}

export async function tenantKeys(kubectl: Kubectl, namespace: string, store: BackupStorePlan): Promise<TenantKeys> {
  const where = `Secret ${namespace}/${store.secretName}`;
  const text = await kubectl(["get", "secret", store.secretName, "--namespace", namespace, "--output", "json"]);
  let data: Record<string, unknown>;
  try {
    const parsed = JSON.parse(text) as { data?: unknown };
    if (typeof parsed.data !== "object" || parsed.data === null) throw new Error("no data");
    data = parsed.data as Record<string, unknown>;
  } catch {
    throw new SecretProblem(`${where}: kubectl did not return a Secret with data`);
  }
  const keys = SECRET_KEYS.backupStore;
  const value = (key: string) => {
    const encoded = data[key];
    if (typeof encoded !== "string") throw new SecretProblem(`${where} has no key ${key}: apply the stack first`);
    return Buffer.from(encoded, "base64").toString("utf8");
  };
  const user = value(keys.accessKeyId);
  if (user !== store.user)
    throw new SecretProblem(
      `${where}: ${keys.accessKeyId} is not ${store.user}, the plan's store user; apply the stack`,
    );
  const secretAccessKey = value(keys.secretAccessKey);
  const repositoryPassword = value(keys.repositoryPassword);
  for (const [key, v] of [
    [keys.secretAccessKey, secretAccessKey],
    [keys.repositoryPassword, repositoryPassword],
  ] as const)
    if (!KEY.test(v)) throw new SecretProblem(`${where}: ${key} is not a generated key (32 to 128 letters and digits)`);
  return { secretAccessKey, repositoryPassword };
}
