/** A municipality deployed at the base revision, paired with its file now (the same metadata.name). */
import { isFormalized } from "../schema/municipality.ts";
import type { Member } from "./identity.ts";

export interface Deployed {
  readonly old: Member;
  readonly now: Member;
}

/** Pipeline municipalities (phase contracted at the base) have nothing deployed, so nothing to keep. */
export function deployedPairs(before: readonly Member[], after: readonly Member[]): Deployed[] {
  const was = new Map(before.map((m) => [m.municipality.metadata.name, m]));
  return after.flatMap((now) => {
    const old = was.get(now.municipality.metadata.name);
    return old && isFormalized(old.municipality.spec.phase) ? [{ old, now }] : [];
  });
}
