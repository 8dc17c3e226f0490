/**
 * The fleet rules, as one table: adding a rule is one file and one line here.
 * Shape checks of a single field live in the zod schemas (core/schema/).
 */
import type { Diagnostic } from "../diagnostics.ts";
import { backupRoomRule } from "./backup-room.ts";
import { domainSuffix } from "./domain-suffix.ts";
import { fileName, tierFileName } from "./file-name.ts";
import { firstAdministrator } from "./first-administrator.ts";
import { formalizedNeedsPncp } from "./formalized-needs-pncp.ts";
import { imageDigests } from "./image-digests.ts";
import { defaultClusterDefined, knownCluster } from "./known-cluster.ts";
import { knownNeverCanary } from "./known-never-canary.ts";
import { launchAfterSigning } from "./launch-after-signing.ts";
import { legacyBackupVolume } from "./legacy-backup-volume.ts";
import { noStackPrefix } from "./no-stack-prefix.ts";
import { officialMunicipality } from "./official-municipality.ts";
import { placeholdersReplaced } from "./placeholders.ts";
import { populationBand } from "./population-band.ts";
import type { FleetFacts, FleetRule } from "./fleet-rule.ts";
import { uniqueContractNumber, uniqueDomain, uniqueIbgeCode, uniqueName, uniquePncpId } from "./unique.ts";

export const FLEET_RULES: readonly FleetRule[] = [
  fileName,
  uniqueName,
  noStackPrefix,
  uniqueIbgeCode,
  uniqueDomain,
  uniqueContractNumber,
  uniquePncpId,
  officialMunicipality,
  formalizedNeedsPncp,
  firstAdministrator,
  placeholdersReplaced,
  launchAfterSigning,
  populationBand,
  backupRoomRule,
  legacyBackupVolume,
  domainSuffix,
  knownCluster,
  defaultClusterDefined,
  knownNeverCanary,
  tierFileName,
  imageDigests,
];

export function runFleetRules(facts: FleetFacts, rules: readonly FleetRule[] = FLEET_RULES): Diagnostic[] {
  return rules.flatMap((rule) => rule.check(facts));
}
