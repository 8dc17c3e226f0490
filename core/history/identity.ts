/**
 * A municipality's identity across two revisions of the fleet
 * (docs/architecture.md, "Data safety"). Its IBGE code says who it is, but
 * everything deployed is named after `metadata.name`: the stack `sei-<name>`
 * and its Terraform state, the namespace `sei-<name>`, and the claims and data
 * in it. So, for a
 * municipality the base revision deploys (any phase past `contracted`):
 *
 * - the same IBGE code under a new name is an error: deploying it would build
 *   a new, empty instance on the same domain, and nothing would manage the data
 *   of the old one;
 * - leaving the fleet (its file removed, or its phase back to `contracted`) is
 *   an error unless it was `decommissioned`: its stack would no longer be
 *   synthesized, and its namespace, volumes and state would be left unmanaged.
 *
 * Each message says the safe way, written out in docs/validate.md ("Renaming
 * or removing a municipality"). `validate` (against HEAD or --base) and
 * `capacity --base` both run these checks.
 */
import { fileDiagnostic, type Diagnostic } from "../diagnostics.ts";
import { namespaceName, stackName } from "../naming.ts";
import { isFormalized, type Municipality } from "../schema/municipality.ts";

/** A municipality file of one revision, valid on its own. */
export interface Member {
  readonly file: string;
  readonly municipality: Municipality;
}

const HOW = 'see "Renaming or removing a municipality" in docs/validate.md';

/**
 * `present` is every municipality file of the later revision, valid or not: a
 * file that is still there but fails to parse or validate is neither removed
 * nor renamed, and its own diagnostics say what is wrong with it.
 */
export function identityChanges(
  before: readonly Member[],
  after: readonly Member[],
  present: ReadonlySet<string> = new Set(after.map((m) => m.file)),
): Diagnostic[] {
  const beforeByName = new Map(before.map((m) => [m.municipality.metadata.name, m]));
  const afterByName = new Map(after.map((m) => [m.municipality.metadata.name, m]));
  const diagnostics: Diagnostic[] = [];
  for (const old of before) {
    const { name } = old.municipality.metadata;
    const { phase, ibgeCode } = old.municipality.spec;
    if (!isFormalized(phase)) continue;
    const same = afterByName.get(name);
    if (same) {
      if (!isFormalized(same.municipality.spec.phase) && phase !== "decommissioned")
        diagnostics.push(backToContracted(old, same));
      continue;
    }
    if (present.has(old.file)) continue;
    const renamed = after.find(
      (m) => m.municipality.spec.ibgeCode === ibgeCode && !beforeByName.has(m.municipality.metadata.name),
    );
    if (renamed) diagnostics.push(rename(old, renamed));
    else if (phase !== "decommissioned") diagnostics.push(removal(old));
  }
  return diagnostics;
}

function rename(old: Member, renamed: Member): Diagnostic {
  const was = old.municipality;
  return fileDiagnostic(
    renamed.file,
    `renames ${was.metadata.name} (IBGE ${was.spec.ibgeCode}, phase ${was.spec.phase}) to ${renamed.municipality.metadata.name}: ` +
      `the stack, its state, the namespace and the volumes are named after metadata.name, so this would build a new, empty instance ` +
      `on ${renamed.municipality.spec.domain} and leave the data in namespace ${namespaceName(was.metadata.name)} unmanaged; ` +
      `keep the name ${was.metadata.name} (${HOW})`,
    { path: "metadata.name" },
  );
}

function removal(old: Member): Diagnostic {
  const { metadata, spec } = old.municipality;
  return fileDiagnostic(
    old.file,
    `the file of ${metadata.name} (phase ${spec.phase}) is removed: ${unmanaged(metadata.name)}; ` +
      `set phase decommissioned and deploy it first, then remove the file (${HOW})`,
  );
}

function backToContracted(old: Member, now: Member): Diagnostic {
  const { metadata, spec } = old.municipality;
  return fileDiagnostic(
    now.file,
    `${metadata.name} goes back from ${spec.phase} to contracted: ${unmanaged(metadata.name)}; set phase decommissioned instead (${HOW})`,
    { path: "spec.phase" },
  );
}

function unmanaged(name: string): string {
  return `its stack ${stackName(name)} would no longer be synthesized, and its namespace, volumes and Terraform state would be left unmanaged`;
}
