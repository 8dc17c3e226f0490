/**
 * The backupStorage override keeps a backup volume's size (a tier downgrade
 * would otherwise shrink it), but never makes it smaller than the room a
 * backup set needs: the tier's backup room plus what the documents and
 * database overrides add (core/resolve/volumes.ts).
 */
import { backupRoom } from "../resolve/volumes.ts";
import { formatBytes } from "../quantity.ts";
import type { FleetRule } from "./fleet-rule.ts";
import { finding } from "./fleet-rule.ts";

export const backupRoomRule: FleetRule = {
  id: "backup-room",
  description:
    "spec.overrides.backupStorage is at least the tier's backup room plus what the documents and database overrides add.",
  check({ municipalities, tiers }) {
    return municipalities.flatMap((doc) => {
      const wanted = doc.value.spec.overrides?.backupStorage;
      const tier = tiers.find((t) => t.value.metadata.name === doc.value.spec.tier)?.value;
      if (wanted === undefined || !tier) return [];
      const room = backupRoom(doc.value, tier);
      if (wanted >= room) return [];
      return [
        finding(doc, {
          path: ["spec", "overrides", "backupStorage"],
          message:
            `${formatBytes(wanted)} is less than the room a backup set needs here, ${formatBytes(room)} ` +
            `(tier ${tier.metadata.name}'s ${formatBytes(tier.spec.backup.storage)}, plus what the documents and database overrides add): ` +
            "the nightly backup would run out of space",
        }),
      ];
    });
  },
};
