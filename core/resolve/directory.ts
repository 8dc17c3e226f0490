/**
 * The directory an instance authenticates against (its cluster's, from
 * platform.yaml) and the first administrator (from the municipality file):
 * what the first install registers in SIP.
 */
import type { DirectoryPlan, FirstAdministratorPlan } from "../plan.ts";
import { type Directory, directoryPort } from "../schema/directory.ts";
import { markedAdministrators, type Municipality } from "../schema/municipality.ts";

export function directoryOf(directory: Directory | undefined, municipality: Municipality): DirectoryPlan | null {
  if (!directory) return null;
  return {
    url: directory.url,
    type: directory.type,
    port: directoryPort(directory.url),
    searchBase: `ou=${municipality.metadata.name},${directory.baseDn}`,
    loginAttribute: directory.loginAttribute,
    ca: directory.ca,
    cidr: directory.cidr,
    bindSecretSource: { namespace: directory.bindSecret.namespace, name: directory.bindSecret.name },
  };
}

/** The marked member; the fleet rules allow one, with a login, so anything else here is a caller bug. */
export function firstAdministratorOf(municipality: Municipality): FirstAdministratorPlan | null {
  const [first] = markedAdministrators(municipality.spec.team);
  if (!first) return null;
  const { login, name, email } = first.member;
  if (login === undefined) throw new Error(`${municipality.metadata.name}: the first administrator has no login`);
  return { login, name, email };
}
